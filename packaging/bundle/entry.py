"""The bundle's one executable: ``PhotoTriage [FOLDER] [--db PATH]`` opens the window;
``PhotoTriage cli COMMAND ...`` is the ``phototriage`` command line. A frozen application has
no Python interpreter to start modules with, so the child process the app starts for the ONNX
export of the photo embedder (``-m app.core.features.onnx_export ...``) comes back here too."""
import sys


def main() -> int:
    args = sys.argv[1:]
    if args[:2] == ["-m", "app.core.features.onnx_export"]:
        from app.core.features.onnx_export import main as export

        return export(args[2:])
    if args[:1] == ["cli"]:
        from app.cli import main as cli

        return cli(args[1:])
    from app.ui.main import main as gui

    return gui(args)


if __name__ == "__main__":
    sys.exit(main())
