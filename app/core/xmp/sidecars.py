"""Sidecar files of one photo: where they are (``name.ext.xmp`` as darktable and digiKam write
them, ``name.xmp`` as Lightroom and Capture One do), reading them, and merging a decision into
one atomically (a temp file beside it, then ``os.replace``; the original photo is never opened
for writing). A malformed sidecar is reported and left untouched; so is one that is read-only
or locked by another program."""
from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..formats import PHOTO_EXTENSIONS, extension, looks_raw
from ..tempfiles import temp_path
from .convention import Convention, XmpDecision, read_decision
from .document import XmpDocument, XmpError, find_packet
from .fields import Fields, Ours, read_fields, write_fields

EMBEDDED_SCAN_BYTES = 1 << 20      # embedded XMP sits near the start of JPEG, TIFF and DNG files


class SidecarError(OSError):
    """A sidecar that cannot be written (read-only folder or file, locked, malformed)."""


class SidecarChanged(SidecarError):
    """Another program wrote the sidecar after PhotoTriage read it to merge: nothing was written
    over it (read and merge again)."""


ANY = object()          # sync_sidecar: no expectation of the bytes found


def sidecar_names(photo: str | Path) -> dict[str, Path]:
    p = Path(photo)
    return {"ext": p.with_name(p.name + ".xmp"), "base": p.with_suffix(".xmp")}


def sidecar_for(photo: str | Path, conv: Convention) -> Path:
    """The sidecar to read and write: an existing one in the chosen naming, else an existing
    one in the other naming (merged, not duplicated) where it is this photo's (a ``name.xmp``
    beside a raw file of that name is the raw's: :func:`owns_base_name`), else a new one in the
    chosen naming. With ``name.xmp`` chosen, two pictures of one name that are not a raw file
    and its rendering (IMG_1.jpg and IMG_1.tif) each keep a ``name.ext.xmp`` of their own (a
    review: one's decision was written over the other's)."""
    names = sidecar_names(photo)
    naming = conv.naming if conv.naming == "ext" or may_share_base_name(photo) else "ext"
    other = "base" if naming == "ext" else "ext"
    if names[naming].is_file():
        return names[naming]
    if names[other].is_file() and (other == "ext" or owns_base_name(photo)):
        return names[other]
    return names[naming]


class FolderListings(dict):
    """Folder -> its files (sidecars aside) by name without extension, each folder listed once
    (a pass over many photos of a folder: one listing per photo was quadratic)."""

    def named(self, folder: Path, stem: str) -> list[Path]:
        if folder not in self:
            self[folder] = files_by_name(folder)
        return self[folder].get(stem, [])


def files_by_name(folder: Path) -> dict[str, list[Path]]:
    """The files of ``folder`` (sidecars aside) by their name without extension, in one listing."""
    found: dict[str, list[Path]] = {}
    try:
        with os.scandir(folder) as entries:
            for e in entries:
                q = folder / e.name
                if q.suffix.lower() != ".xmp":
                    found.setdefault(q.stem, []).append(q)
    except OSError:
        pass
    return found


_scope = threading.local()


@contextmanager
def folder_listings() -> Iterator[None]:
    """Within it, :func:`same_name_files` lists each folder once (a pass over a whole library).
    For passes that do not move files meanwhile."""
    before = getattr(_scope, "listings", None)
    _scope.listings = FolderListings()
    try:
        yield
    finally:
        _scope.listings = before


def same_name_files(p: Path) -> list[Path]:
    """Other files of the same name beside ``p`` (sidecars aside)."""
    listings = getattr(_scope, "listings", None)
    if listings is None:                    # (outside a pass: this one listing)
        listings = FolderListings()
    return [q for q in listings.named(p.parent, p.stem) if q != p]


def _photo_twins(p: Path) -> list[Path]:
    """Other pictures of the same name beside ``p`` (a Live Photo's .MOV or an .AAE is none)."""
    return [q for q in same_name_files(p) if looks_raw(str(q)) or extension(str(q)) in PHOTO_EXTENSIONS]


def owns_base_name(photo: str | Path) -> bool:
    """Whether ``name.xmp`` is this photo's: no other picture of that name beside it, or it is
    the raw file beside its JPEG (Lightroom writes sidecars for raw files); nobody's between two
    pictures that are not raw."""
    p = Path(photo)
    others = _photo_twins(p)
    return not others or (looks_raw(str(p)) and not any(looks_raw(str(q)) for q in others))


def may_share_base_name(photo: str | Path) -> bool:
    """Whether the photo may use ``name.xmp`` in Lightroom's naming: its own, or the one it shares
    with its raw file (a raw + JPEG pair, one decision)."""
    p = Path(photo)
    return owns_base_name(p) or (not looks_raw(str(p)) and any(looks_raw(str(q)) for q in _photo_twins(p)))


def other_sidecar(photo: str | Path, side: Path) -> Path | None:
    """The photo's sidecar in the other naming than ``side``, when both are there (darktable's
    ``name.ext.xmp`` and Lightroom's ``name.xmp``): kept in step with it, where the ``name.xmp``
    is this photo's (:func:`owns_base_name`)."""
    p = Path(photo)
    for key, path in sidecar_names(p).items():
        if path == side or not path.is_file():
            continue
        if key == "base" and not owns_base_name(p):
            continue
        return path
    return None


def existing_sidecars(photo: str | Path) -> list[Path]:
    """Every sidecar of the photo on disk (both namings; a shared ``name.xmp`` counts)."""
    return [p for p in dict.fromkeys(sidecar_names(photo).values()) if p.is_file()]


def file_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class ReadResult:
    path: Path
    decision: XmpDecision            # what it says on first sight
    mtime_ns: int
    size: int
    fields: Fields                   # the managed properties, as they are
    file_hash: str


def read_sidecar(path: Path, conv: Convention) -> ReadResult:
    """Raises XmpError (malformed) or OSError (unreadable)."""
    st = path.stat()
    raw = path.read_bytes()
    doc = XmpDocument(raw.decode("utf-8-sig", errors="replace"))
    return ReadResult(path, read_decision(doc, conv), st.st_mtime_ns, st.st_size, read_fields(doc, conv),
                      file_hash(raw))


def read_embedded_fields(photo: str | Path, conv: Convention) -> Fields | None:
    """The managed properties of the XMP embedded in the photo itself (None when it has none)."""
    with open(photo, "rb") as fh:
        packet = find_packet(fh.read(EMBEDDED_SCAN_BYTES))
    if packet is None:
        return None
    try:
        return read_fields(XmpDocument(packet), conv)
    except XmpError:
        return None


def _read_only(path: Path) -> bool:
    """Not writable for us, or marked read-only for everyone (a mark even root respects here:
    someone made it so on purpose)."""
    return not os.access(path, os.W_OK) or not (path.stat().st_mode & 0o222)


def _check_writable(path: Path) -> None:
    folder = path.parent
    if _read_only(folder):
        raise SidecarError(errno.EACCES, f"the folder is read-only, no sidecar written: {folder}")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise SidecarError(errno.EISDIR, "not a file (a folder has the sidecar's name), skipped")
        if _read_only(path):
            raise SidecarError(errno.EACCES, f"the sidecar is read-only (locked?), left as it is: {path}")
        with open(path, "rb") as fh:                  # another program holding a lock on it
            try:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
                fcntl.flock(fh, fcntl.LOCK_UN)
            except OSError as exc:
                raise SidecarError(errno.EBUSY, f"the sidecar is locked by another program: {path}") from exc


@dataclass
class WriteResult:
    path: Path
    changed: bool                    # written (or, in a dry run, would be)
    fields: Fields                   # the managed properties as they are now (would be)
    ours: Ours                       # the labels PhotoTriage owns now
    file_hash: str | None            # of the bytes written or found (None in a dry run that would write)


def sync_sidecar(photo: str | Path, state, best: bool, conv: Convention, suggested: bool = False,
                 ours: Ours | None = None, path: Path | None = None, dry_run: bool = False,
                 expect=ANY) -> WriteResult:
    """Merge a decision state into the photo's sidecar, changing only the managed properties
    whose value differs. Raises SidecarError without touching anything when it cannot be
    written safely (checked in a dry run too). ``expect``: the hash of the bytes the caller
    merged from (None: there was no sidecar); raises SidecarChanged, writing nothing, when the
    sidecar holds other bytes now or gets them before the new ones take its place (an editor
    saving meanwhile: a trial lost 2 of 480 such edits)."""
    if not Path(photo).exists():
        raise SidecarError(errno.ENOENT, f"the photo is gone, no sidecar written: {photo}")
    path = path or sidecar_for(photo, conv)
    _check_writable(path)
    raw = b""
    if path.exists():
        raw = path.read_bytes()
        try:
            doc = XmpDocument(raw.decode("utf-8-sig"))
        except (XmpError, UnicodeDecodeError) as exc:
            raise SidecarError(errno.EINVAL, f"malformed sidecar left untouched: {path} ({exc})") from exc
        bom = raw.startswith(b"\xef\xbb\xbf")
    else:
        doc, bom = XmpDocument.new(), False
    if expect is not ANY and (file_hash(raw) if raw else None) != expect:
        raise SidecarChanged(errno.EAGAIN, f"changed by another program while PhotoTriage merged it: {path}")
    before = doc.serialize()
    new_ours = write_fields(doc, state, best, suggested, conv, ours or Ours())
    text = doc.serialize()
    fields = read_fields(doc, conv)
    if text == before:               # (a new sidecar that would hold nothing is not made)
        return WriteResult(path, False, fields, new_ours, file_hash(raw) if raw else None)
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    if dry_run:
        return WriteResult(path, True, fields, new_ours, None)
    tmp = temp_path(path, per_thread=True)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            st = path.stat()
            os.chmod(tmp, st.st_mode & 0o7777)
        if (path.read_bytes() if path.exists() else b"") != raw:      # saved by an editor meanwhile
            tmp.unlink(missing_ok=True)
            raise SidecarChanged(errno.EAGAIN, f"changed by another program while PhotoTriage wrote it: {path}")
        os.replace(tmp, path)
    except SidecarChanged:
        raise
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise SidecarError(exc.errno or errno.EIO, f"could not write the sidecar {path}: {exc.strerror or exc}") from exc
    return WriteResult(path, True, fields, new_ours, file_hash(data))


def write_sidecar(photo: str | Path, state, best: bool, conv: Convention) -> tuple[Path, bool]:
    """``sync_sidecar`` for one photo with nothing synced before; returns (path, whether it changed)."""
    res = sync_sidecar(photo, state, best, conv)
    return res.path, res.changed
