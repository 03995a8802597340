"""Output for people (without --json): lines and small tables, one formatter per command.
The JSON documents are the data; these only present them."""
from __future__ import annotations

from typing import Any, Callable

from app.core.text import plural, size_text


def _index(r: dict) -> list[str]:
    failed = f", {r['failed']} could not be read" if r.get("failed") else ""
    lines = [f"{r['root']}: {r['indexed']} indexed, {r.get('updated', 0)} updated, {r['unchanged']} unchanged, "
             f"{r['moved']} moved, "
             f"{r['skipped']} skipped, {r['missing']} missing{failed}{' (cancelled)' if r['cancelled'] else ''} "
             f"in {r['seconds']:.1f} s"]
    lines += [f"  skipped {item['path']}: {item['reason']}" for item in r["skipped_files"]]
    lines += [f"  failed {item['path']}: {item['reason']}" for item in r.get("failed_files", [])]
    lines += [f"  no features for {item['path']}: {item['reason']}" for item in r.get("feature_errors", [])]
    lines += [f"  missing {path}" for path in r["missing_files"]]
    lines += [f"  {line}" for line in r.get("finished", [])]
    lines += [f"  no longer best (bursts came together; your latest best stays): {p}" for p in r.get("bests_unmarked", [])]
    if r.get("xmp"):
        from app.core.xmp.sync import import_lines

        lines += [f"  {line}" for line in import_lines(r["xmp"])]
    return lines + [f"catalog: {r['catalog']}"]


def _check(r: dict) -> list[str]:
    lines = [f"{r['catalog']}: {plural(r['photos'], 'photo')}, "
             + ("consistent" if r["consistent"] else plural(r["problems"], "problem") + " left")]
    for f in r["findings"]:
        fixed = f", {f['repaired']} repaired" if f["repaired"] else ""
        lines.append(f"  {f['kind']}: {f['count']}{fixed} ({f['detail']})")
        lines += [f"    {x}" for x in f["examples"]]
    if r["files_gone"]:
        lines.append(f"  {plural(len(r['files_gone']), 'photo')} whose file is gone (the next index marks them missing)")
    if r["waiting_decisions"]:
        lines.append(f"  {plural(r['waiting_decisions'], 'decision')} wait for their picture to come back")
    if not r["consistent"] and not any(f["repaired"] for f in r["findings"]):
        lines.append("run `phototriage check --repair` to mend what can be mended")
    return lines


def _bursts(rows: list) -> list[str]:
    if not rows:
        return ["no bursts"]
    lines = []
    for b in rows:
        kind = b.get("kind", "burst")
        head = f"{kind.replace('_', ' ')} {b['id']}: {plural(len(b['photos']), 'photo')}"
        if kind != "burst":
            head += ", kept whole (shot as a set)"
        if b.get("best"):
            head += f", {'your best' if b.get('best_is_users') else 'best'} {b['best']}" + \
                (f" ({', '.join(b['reasons'])})" if b.get("reasons") else "")
            if b.get("suggested"):
                head += f"; suggested {b['suggested']}" + \
                    (f" ({', '.join(b['suggested_reasons'])})" if b.get("suggested_reasons") else "")
        lines.append(head)
        for path in b["photos"]:
            score = b.get("scores", {}).get(path)
            mark = "*" if path == b.get("best") else " "
            why = b.get("problems", {}).get(path)
            lines.append(f"  {mark} {'' if score is None else f'{score:.2f}  '}{path}{f'  ({why})' if why else ''}")
            lines += [f"      copy: {c}" for c in b.get("copies", {}).get(path, [])]
    return lines


def _grouped(groups: list, empty: str, head, members) -> list[str]:
    """A header line per group and an indented line per member (duplicates, people)."""
    if not groups:
        return [empty]
    return [line for g in groups for line in (head(g), *members(g))]


def _duplicates(groups: list) -> list[str]:
    return _grouped(groups, "no duplicates",
                    lambda g: f"{g['kind']} duplicates ({plural(len(g['photos']), 'photo')}), keep {g['keeper']}",
                    lambda g: [f"  {'*' if p == g['keeper'] else ' '} {p}"
                               + ("  (identical)" if any(p in e for e in g.get("exact", [])) else "") for p in g["photos"]])


def _search(hits: list) -> list[str]:
    if not hits:
        return ["no matches"]

    def note(h: dict) -> str:
        if h.get("verified"):
            return "  (a copy of the query: verified on local features)"
        if h.get("same_person") is False:
            return "  (a different person: below the same-person threshold)"
        return f"  (face at {', '.join(f'{v:.0f}' for v in h['box'])})" if h.get("box") else ""

    return ["similarity  path"] + [f"{h['similarity']:10.3f}  {h['path']}{note(h)}" for h in hits]


def _faces(people: list) -> list[str]:
    return _grouped(people, "no faces", lambda p: f"{p['person']}: {plural(len(p['faces']), 'face')}",
                    lambda p: [f"    {f['path']}" for f in p["faces"]])


def _pick(r: dict) -> list[str]:
    state = {1: "accepted", -1: "rejected"}.get(r["pick"], "undecided")
    extra = (", best of its burst" if r["best"] else "") + (f", {r['rating']} stars" if r["rating"] else "")
    return [f"{r['path']}: {state}{extra}"]


def _train(r: dict) -> list[str]:
    if "versions" in r:
        lines = ["version   in use  pairs  agreement (before)"]
        for v in r["versions"]:
            agree = "" if v.get("agreement") is None else f"{v['agreement']:.1%} ({v.get('previous_agreement', 0):.1%})"
            lines.append(f"{v['version']:9s} {'yes' if v['current'] else '':7s} {v.get('pairs') or '':5}  {agree}")
        return lines
    if set(r) == {"current"}:
        return [f"now using ranker {r['current']}"]
    return [r.get("message") or str(r)]


def _models(r: Any) -> list[str]:
    if isinstance(r, list):
        return ["name                      kind             available  licence"] + [
            f"{m['name']:25s} {m['kind']:16s} {'yes' if m['available'] else 'no':10s} {m['licence']}" for m in r]
    return [f"{k}: {v}" for k, v in r.items()]


def _gone(r: dict) -> list[str]:
    """Photos gone already, decisions read from sidecars first, decisions changed meanwhile."""
    imported = r.get("imported_from_xmp", [])
    return ([f"  already gone (deleted outside PhotoTriage): {p}" for p in r.get("already_gone", [])]
            + ([f"  decisions changed in the sidecars {'would be' if r.get('dry_run') else 'were'} imported first "
                f"for {plural(len(imported), 'photo')}"] if imported else [])
            + [f"  kept: no longer rejected when its turn came: {p}" for p in r.get("no_longer_rejected", [])])


def _failures(r: dict) -> list[str]:
    """What a killed earlier run left and this one finished, then each failure and their count."""
    lines = [f"  {line}" for line in r.get("finished_from_before", [])]
    failed = r.get("failed", [])
    lines += [f"  failed {f['path']}: {f['reason']}" for f in failed]
    return lines + ([f"{plural(len(failed), 'item')} failed"] if failed else [])


def _xmp(r: dict) -> list[str]:
    if r["action"] == "read":
        from app.core.xmp.sync import import_lines

        lines = import_lines(r) or ["no ratings or picks to import from XMP"]
        if r.get("dry_run") and r["imported"]:
            lines[0] = f"would import ratings and picks from XMP for {plural(r['imported'], 'photo')} (nothing changed)"
        return lines
    reasons = [f"  {'skipped' if r['dry_run'] else 'failed'} {f['path']}: {f['reason']}"
               for f in r.get("skipped", []) + r.get("failed", [])]
    notes = [f"  {c['path']}: {c['reason']}" for c in r.get("conflicts", [])]
    imported = ([f"decisions changed in the sidecars {'would be' if r['dry_run'] else 'were'} imported first for "
                 f"{plural(len(r['imported']), 'photo')}"] if r.get("imported") else [])
    if r["dry_run"]:
        return ([f"would write {plural(r['written'], 'sidecar')}, skip {len(r.get('skipped', []))}, "
                 f"{r['unchanged']} already up to date"] + imported + [f"  {p}" for p in r["sidecars"]] + reasons
                + notes)
    return ([f"{plural(r['written'], 'sidecar')} written, {r['unchanged']} already up to date, "
             f"{len(r['failed'])} failed"] + imported + [f"  {p}" for p in r["sidecars"]] + reasons + notes)


def _export(r: dict) -> list[str]:
    verb = ("would move" if r["move"] else "would copy") if r["dry_run"] else ("moved" if r["move"] else "copied")
    lines = [f"{verb} {plural(r['exported'], 'photo')} ({size_text(r['bytes'])}) to {r['dest']}"
             + (f"; {r['already_there']} already there" if r["already_there"] else "")
             + (f"; {r['failed_count']} failed" if r.get("failed_count") else "")]
    return lines + [f"  {f['from']} -> {f['to']}" for f in r["files"]] + _gone(r) + [
        f"  already there, but its sidecar there differs from the library's (left as it is): {p}"
        for p in r.get("sidecars_differ", [])] + [
        f"  outside the library (moved out by an earlier export): left where it is: {p}"
        for p in r.get("outside_library", [])] + [
        f"  kept: no longer picked when its turn came: {p}" for p in r.get("no_longer_picked", [])] + _failures(r)


def _trash(r: dict) -> list[str]:
    if r["action"] == "undo":
        head = ("would put back" if r["dry_run"] else "put back") + f" {plural(len(r['files']), 'file')}" \
            + (f" of batch {r['batch']}" if r["batch"] is not None else "") if r["batch"] is not None \
            else "nothing to put back"
        retry = r.get("retry_batches") or []
        if retry:
            head += (f"; still in the trash after an undo failed: batch{'es' if len(retry) > 1 else ''} "
                     f"{', '.join(map(str, retry))} (`phototriage trash --undo --batch N` tries again)")
    else:
        sidecars = len(r["files"]) - r["photos"]
        head = (("would send" if r["dry_run"] else "sent") + f" {plural(r['photos'], 'rejected photo')}"
                + (f" and {plural(sidecars, 'sidecar')}" if sidecars else "") + f" ({size_text(r['bytes'])}) to the trash")
        if not r["dry_run"] and r["files"]:
            head += "; `phototriage trash --undo` puts them back"
    return [head] + [f"  {p}" for p in r["files"]] + _gone(r) + _failures(r)


FORMATTERS: dict[str, Callable[[Any], list[str]]] = {
    "index": _index, "check": _check, "bursts": _bursts, "duplicates": _duplicates, "search": _search, "faces": _faces,
    "pick": _pick, "train": _train, "models": _models, "xmp": _xmp, "export": _export, "trash": _trash,
}


def human_lines(command: str, result: Any) -> list[str]:
    return FORMATTERS[command](result)
