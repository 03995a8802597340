"""Window tests keep their Qt settings and catalogs in the test's own folders."""
import pytest


@pytest.fixture
def isolated_settings(tmp_path, monkeypatch):
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
