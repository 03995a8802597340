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
