"""File operations a kill interrupted (an export's copy or move, a trashing, an undo of one): what is
pending, and finishing or rolling it back. Export, trash, undo, index and ``check --repair``
all start here, so nothing is left in two places or none."""
from __future__ import annotations

from . import paths


def interrupted(catalog) -> list[str]:
    """One line for each operation a kill left unfinished."""
    ops = [f"{op['kind']} of {paths.display(op['files'][0][0])} ({op['state']})" for op in catalog.file_ops.pending()]
    from .trash import interrupted_undo

    trashed = [f"trashing of {paths.display(e['original'])}" for e in catalog.trash.unfinished() if e["owner"] is None]
    from .trash import UNDOING

    batch = catalog.settings.get(UNDOING)
    undone = [f"undo of the trashing of {paths.display(g[0]['original'])} (a sidecar still in the trash; where a new "
              f"file stands at its place, move that away, then `phototriage trash --undo --batch {batch}`)"
              for g in interrupted_undo(catalog)]
    return ops + trashed + undone


def finish_interrupted(catalog) -> list[str]:
    """Finish or roll back every interrupted operation; says what it did. Nothing on a
    read-only catalog (it cannot record what it did)."""
    if catalog.readonly:
        return []
    from .export import finish_pending as finish_exports
    from .trash import finish_pending as finish_trash
    from .trash import finish_undo

    return finish_exports(catalog) + finish_trash(catalog) + finish_undo(catalog)
