"""``python -m app.core.features.onnx_export NAME SIZE PATH``: write the ONNX copy of a CNN
photo embedder (started by embedders._export_for_queries in its own process, so the export
never holds the interpreter lock of a process with a window). Atomic: PATH appears whole or
not at all; the ``.exporting`` marker is removed either way."""
from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    name, size, path = (argv or sys.argv[1:])[:3]
    path = Path(path)
    try:
        import onnx  # noqa: F401  (torch's exporter needs it)

        from models.features.embedding import PhotoEmbedder

        if not path.exists():
            PhotoEmbedder(name, size=int(size)).export_onnx(path)
        return 0
    except Exception as exc:           # searches use torch instead
        print(f"ONNX export of {name} failed: {exc}", file=sys.stderr)
        return 1
    finally:
        path.with_name(path.name + ".exporting").unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
