"""Settings: catalog location, models in use and where their weights come from, burst and
duplicate thresholds, worker count. Interface preferences persist in QSettings; thresholds
that change results are stored in the catalog so the CLI sees the same ones."""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDoubleSpinBox, QFormLayout, QLabel, QPushButton, QSpinBox, QWidget

from app.core.bursts import settings_from_catalog
from app.core.duplicates import CANDIDATE_SIMILARITY
from app.core.library_models import embedding_model
from app.core.models import registry


def qsettings() -> QSettings:
    return QSettings("PhotoTriage", "PhotoTriage")


class SettingsView(QWidget):
    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        cat = session.catalog
        reg = registry()
        form = QFormLayout(self)
        form.addRow("Catalog:", QLabel(str(cat.path)))
        model = embedding_model(cat)
        spec = reg[model]
        form.addRow("Photo embedding:", QLabel(f"{spec.title} — {spec.origin}, {spec.licence}"))
        for name in ("yunet", "sface"):
            s = reg[name]
            form.addRow(f"{s.kind.replace('_', ' ').capitalize()}:", QLabel(f"{s.title} — {s.origin}, {s.licence}"))
        from app.core.learning import current_version

        form.addRow("Burst ranker:", QLabel(f"{current_version(cat)} (default: {reg['default_ranker'].title}, bundled)"))
        bursts = settings_from_catalog(cat)
        self.gap = QDoubleSpinBox(minimum=0.5, maximum=600, value=bursts.max_gap_s, suffix=" s", singleStep=1)
        self.similarity = QDoubleSpinBox(minimum=0.3, maximum=0.999, value=bursts.min_similarity, singleStep=0.01, decimals=3)
        self.dup = QDoubleSpinBox(minimum=0.2, maximum=0.99, singleStep=0.05, decimals=2,
                                  value=float(qsettings().value("duplicates/threshold", CANDIDATE_SIMILARITY)))
        self.workers = QSpinBox(minimum=1, maximum=16, value=int(qsettings().value("index/workers", 2)))
        form.addRow("Burst: longest gap between frames", self.gap)
        form.addRow("Burst: similarity between frames", self.similarity)
        form.addRow("Duplicates: candidate similarity", self.dup)
        form.addRow("Index worker threads", self.workers)
        save = QPushButton("Save")
        save.clicked.connect(self.save)
        form.addRow(save)

    def save(self) -> None:
        cat = self.session.catalog
        with cat.transaction():
            cat.conn.executemany("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                 [("bursts.max_gap_s", str(self.gap.value())),
                                  ("bursts.min_similarity", str(self.similarity.value()))])
        s = qsettings()
        s.setValue("duplicates/threshold", self.dup.value())
        s.setValue("index/workers", self.workers.value())
