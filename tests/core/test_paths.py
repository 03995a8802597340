from app.core import paths


def test_catalog_paths_per_library_and_a_custom_catalogs_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "data")
    lib_a, lib_b = tmp_path / "shoots" / "wedding", tmp_path / "other" / "wedding"
    a, b = paths.default_catalog_path(lib_a), paths.default_catalog_path(lib_b)
    assert a != b and a.parent.parent == tmp_path / "data" / "libraries" and a.name == "catalog.db"
    assert a.parent.name.startswith("wedding-")
    custom = tmp_path / "catalogs"
    # nothing indexed yet: a new catalog goes to the chosen folder
    assert paths.find_catalog_path(lib_a, custom) == custom / a.parent.name / "catalog.db"
    # a library indexed before the folder was chosen keeps its catalog
    a.parent.mkdir(parents=True)
    a.write_bytes(b"")
    assert paths.find_catalog_path(lib_a, custom) == a
    assert paths.find_catalog_path(lib_a, None) == a


def test_a_library_name_that_is_not_utf8_keeps_its_catalog_folder_name(tmp_path):
    """The catalog folder of a library whose name is not UTF-8 is where earlier versions put it
    (the odd byte became "_"), whatever the way paths are shown to people."""
    import os

    root = tmp_path / os.fsdecode(b"caf\xe9 2024")
    assert paths.default_catalog_path(root, tmp_path).parent.name.startswith("caf_2024-")
    assert paths.display(str(root)).endswith("caf\\xe9 2024")
