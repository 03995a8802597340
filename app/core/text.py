"""Words for counts, shared by the command line and the window ("1 photo", "3 faces")."""


def mib(n: int) -> str:
    """A size in bytes as people read it in a confirmation or a summary."""
    return f"{n / 2**20:.1f} MiB"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
