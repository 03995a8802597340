"""Which sidecars go with a photo when it leaves its folder: its own ``name.ext.xmp``, and a
``name.xmp`` unless another photo of the library shares that base name (a raw + JPEG pair):
that one stays for the other photo, and goes with the last of them to leave (``left``). A raw
file of that name on disk that the catalog does not hold as a photo (one it could not read, a
raw format it does not know) keeps it too (a review: trashing the JPEG took the
raw's Lightroom develop settings)."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .formats import looks_raw
from .xmp.sidecars import FolderListings, sidecar_names


class Stems(Counter):
    """How many present photos share each path without its extension (``photos``: their paths)."""
    photos: set[str]
    folders: FolderListings               # each folder listed once a job

    def foreign_twin(self, photo: str) -> bool:
        """Whether a raw file of the photo's name that the catalog does not hold as a present
        photo is beside it (one it could not read, a raw format it does not know): the name.xmp
        is that raw's. Other files of the name (a Live Photo's .MOV, an .AAE) own no sidecar.
        Each folder listed once a job (files the job moves meanwhile are photos, which count
        apart)."""
        p = Path(photo)
        return any(q != p and str(q) not in self.photos and looks_raw(str(q))
                   for q in self.folders.named(p.parent, p.stem))


def library_stems(catalog) -> Stems:
    present = [path for _i, path, _h, status, _t, _r in catalog.photos.grid() if status == "ok"]
    stems = Stems(str(Path(path).with_suffix("")) for path in present)
    stems.photos, stems.folders = set(present), FolderListings()
    return stems


def own_sidecars(photo: str, stems: Counter | dict) -> tuple[list[Path], list[Path]]:
    """(the photo's own sidecars on disk, a shared ``name.xmp`` on disk)."""
    names = sidecar_names(photo)
    own = [names["ext"]] if names["ext"].is_file() else []
    shared = []
    if names["base"].is_file() and names["base"] != names["ext"]:
        others = stems.get(str(Path(photo).with_suffix("")), 0) > 1 or (
            isinstance(stems, Stems) and stems.foreign_twin(photo))      # (a copy takes nothing away: not asked)
        (shared if others else own).append(names["base"])
    return own, shared


def left(stems: Counter | dict, photo: str) -> None:
    """``photo`` left its folder (trashed, moved): a ``name.xmp`` it shared goes with the next
    of its stem to leave, when that is the last one."""
    stem = str(Path(photo).with_suffix(""))
    if stems.get(stem, 0) > 0:
        stems[stem] -= 1
