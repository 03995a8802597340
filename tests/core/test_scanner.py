import os

from app.core.scanner import IGNORE_MARKER, FileEntry, ScanError, walk


def _files(root):
    return sorted(os.path.relpath(e.path, root) for e in walk(str(root)) if isinstance(e, FileEntry))


def test_walk_finds_photos_and_skips_hidden_ignored_and_non_photos(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.JPG").write_bytes(b"1")
    (tmp_path / "a" / "y.cr3").write_bytes(b"1")
    (tmp_path / "a" / "notes.txt").write_bytes(b"1")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.jpg").write_bytes(b"1")
    (tmp_path / "a" / "._x.jpg").write_bytes(b"1")
    (tmp_path / "@eaDir").mkdir()
    (tmp_path / "@eaDir" / "t.jpg").write_bytes(b"1")
    (tmp_path / "skipme").mkdir()
    (tmp_path / "skipme" / IGNORE_MARKER).write_text("")
    (tmp_path / "skipme" / "s.jpg").write_bytes(b"1")
    assert _files(tmp_path) == ["a/x.JPG", "a/y.cr3"]


def test_walk_survives_symlink_loops_and_visits_a_folder_once(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "p.png").write_bytes(b"1")
    os.symlink(tmp_path, tmp_path / "real" / "loop")        # points back up: a loop
    os.symlink(tmp_path / "real", tmp_path / "alias")        # a second path to the same folder
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.jpg")
    files = _files(tmp_path)
    assert len(files) == 1 and files[0].endswith("p.png")


def test_unreadable_root_is_reported(tmp_path):
    items = list(walk(str(tmp_path / "missing")))
    assert len(items) == 1 and isinstance(items[0], ScanError)


def test_entries_carry_stat_identity(tmp_path):
    p = tmp_path / "x.jpg"
    p.write_bytes(b"12345")
    (entry,) = list(walk(str(tmp_path)))
    assert entry.size == 5 and entry.mtime_ns == os.stat(p).st_mtime_ns


def test_a_folder_named_like_a_photo_or_a_sidecar_is_not_entered_and_is_reported(tmp_path):
    for name in ("X.jpg.xmp", "Y.xmp", "Z.JPG"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "inside.jpg").write_bytes(b"1")
    (tmp_path / "X.jpg").write_bytes(b"1")
    items = list(walk(str(tmp_path)))
    assert [os.path.basename(i.path) for i in items if isinstance(i, FileEntry)] == ["X.jpg"]
    reported = {os.path.basename(i.path): (i.reason, i.failed) for i in items if isinstance(i, ScanError)}
    said = ("a folder named like a photo or a sidecar: not looked into", False)
    assert reported == {"X.jpg.xmp": said, "Y.xmp": said, "Z.JPG": said}


def test_a_folder_the_system_refuses_is_a_failure_in_plain_words(tmp_path, monkeypatch):
    import errno

    from app.core import scanner

    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.jpg").write_bytes(b"1")
    (tmp_path / "y.jpg").write_bytes(b"1")
    real = os.scandir

    def refuse(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsencode(path))
        return real(path)

    monkeypatch.setattr(scanner.os, "scandir", refuse)
    items = list(walk(str(tmp_path)))
    assert [i for i in items if isinstance(i, ScanError)] == [
        ScanError(str(tmp_path / "locked"), "cannot read the folder: permission denied", failed=True)]
    assert _files(tmp_path) == ["y.jpg"]
