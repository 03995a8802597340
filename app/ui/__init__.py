"""PySide6 user interface: a thin layer over app.core."""
