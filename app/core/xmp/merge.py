"""The three-way merge of one photo's decision between the catalog and its XMP (the sidecar,
and the XMP embedded in the file), field by field against the base PhotoTriage last wrote or
read (app/core/catalog/xmp_base.py):

- a field changed only in the XMP is imported;
- a field changed only in the catalog stays (the next write puts it in the sidecar);
- a field changed on both sides to different values: the newer side wins, and the report
  says which (the catalog keeps whole seconds: the XMP is newer once past that second);
- where the embedded XMP and the sidecar both changed a field, the sidecar's value counts.

An imported best keyword goes through the decision rules (app/core/culling.py): the burst's
other best is unmarked, so a keyword never makes a second best; on a single photo or a frame
of a set kept whole (a bracket, a panorama), which have no best, it is imported as a pick."""
from __future__ import annotations

from dataclasses import dataclass

from ..catalog.xmp_base import Base
from .convention import Convention
from .fields import Fields, Ours, external_changes

FIELDS = ("pick", "rating", "best", "label")


@dataclass
class Side:
    """One source of XMP for a photo, as read now."""
    base: Base | None
    fields: Fields
    mtime_ns: int


def catalog_values(state) -> dict:
    return {"pick": state.pick, "rating": state.rating or 0, "best": bool(state.best), "label": state.label or None}


def _base_values(base: Base | None) -> dict:
    d = base.decision if base is not None else {}
    return {"pick": d.get("pick", 0), "rating": d.get("rating", 0), "best": bool(d.get("best", False)),
            "label": d.get("label")}


def resolve(state, sides: list[Side], decided_ns: int | None, conv: Convention) -> tuple[dict, list[tuple[str, str]]]:
    """(the fields to import, [(field, "sidecar" | "catalog": the newer side that won)])."""
    now = catalog_values(state)
    external: dict = {}
    for side in sides:                       # embedded first, then the sidecar: the sidecar's value counts
        base_values = _base_values(side.base)
        changed_here = {f for f in FIELDS if now[f] != base_values[f]}
        base_fields = Fields.from_json(side.base.fields) if side.base is not None else None
        user_label = Ours.from_json(side.base.ours).user_label if side.base is not None else None
        for f, value in external_changes(base_fields, side.fields, conv, user_label).items():
            external[f] = (value, side.mtime_ns, f in changed_here)
    imports, conflicts = {}, []
    for f, (value, ns, catalog_changed) in external.items():
        if value == now[f]:
            continue
        if catalog_changed and decided_ns is not None:
            newer = ns >= decided_ns + 1_000_000_000
            conflicts.append((f, "sidecar" if newer else "catalog"))
            if not newer:
                continue
        imports[f] = value
    return imports, conflicts


def import_rows(catalog, pid: int, imports: dict) -> list[tuple[int, str, int | None, str | None]]:
    """The decision rows of an import, with what the rules imply (one best per burst)."""
    from ..culling import _with_rules, set_of

    rows = []
    if imports.get("best") is False:
        rows.append((pid, "best", 0, None))
    if "pick" in imports:
        rows.append((pid, "pick", imports["pick"], None))
    if "rating" in imports:
        rows.append((pid, "rating", imports["rating"], None))
    if "label" in imports:
        rows.append((pid, "label", None, imports["label"]))
    if imports.get("best"):
        found = set_of(catalog, pid)
        if found is not None and not found.kept_whole:
            rows += _with_rules(catalog.decisions, pid, "best", 1, burst=list(found.photo_ids))
        elif "pick" not in imports and catalog.decisions.state(pid).pick != 1:
            rows.append((pid, "pick", 1, None))     # a single photo or a set kept whole has no best: the
    return rows                                     # keyword says "keep it", no more (as `pick --best` refuses)
