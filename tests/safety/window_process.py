"""A process that holds the catalog open the way the window does (one connection for its
whole life) and makes decisions on request, one JSON line in, one JSON line out:
{"decide": [path, kind, value]} | {"undo": true} | {"redo": true} | {"quit": true}."""
from __future__ import annotations

import json
import sys

from app.core.catalog import Catalog
from app.core.culling import burst_of, decide, undo


def main(db: str) -> None:
    catalog = Catalog(db)
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            if "decide" in req:
                path, kind, value = req["decide"]
                pid = catalog.photos.id_for_path(path)
                burst = burst_of(catalog, pid) if kind == "best" else ()
                if kind != "best" or burst:              # as the views: a single photo has no best
                    decide(catalog, pid, kind, value, burst=burst)
                out = {"ok": True}
            elif "undo" in req or "redo" in req:                 # as the window does: its own actions
                out = {"ok": True, "photo": undo(catalog, redo="redo" in req, own=True)}
            else:
                break
        except Exception as exc:          # noqa: BLE001 (said to the test, which fails on it)
            out = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(out), flush=True)
    catalog.close()


if __name__ == "__main__":
    main(sys.argv[1])
