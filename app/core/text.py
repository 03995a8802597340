"""Words for counts, shared by the command line and the window ("1 photo", "3 faces")."""


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"
