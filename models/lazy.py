"""Package attributes that import their module on first use (PEP 562), so a package's
torch-free modules import without torch."""
from importlib import import_module
from typing import Callable


def lazy_exports(package: str, home: dict[str, str]) -> Callable[[str], object]:
    """A module ``__getattr__`` serving ``name`` from ``package.<home[name]>``."""
    def __getattr__(name: str):
        if name in home:
            return getattr(import_module(f".{home[name]}", package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
