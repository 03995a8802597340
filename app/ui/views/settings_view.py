"""Settings: catalog location, models in use and where their weights come from, burst and
duplicate thresholds, worker count, XMP sidecars (written after each decision or not, naming,
labels, the best frame's keyword). Interface preferences persist in QSettings; thresholds
that change results are stored in the catalog so the CLI sees the same ones."""
from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QWidget)

from app.core import paths
from app.core.bursts import settings_from_catalog
from app.core.duplicates import CANDIDATE_SIMILARITY
from app.core.library_models import embedding_model
from app.core.models import registry
from app.core.xmp.convention import COLOURS, LABELS, Convention
from app.core.xmp.sync import AUTO_WRITE, auto_write_on


def qsettings() -> QSettings:
    return QSettings("PhotoTriage", "PhotoTriage")


class SettingsView(QWidget):
    def __init__(self, session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        cat = session.catalog
        reg = registry()
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldsStayAtSizeHint)
        form.addRow("This library's catalog:", QLabel(str(cat.path)))
        self.catalogs_dir = QLineEdit(str(qsettings().value("catalog/dir") or ""),
                                      placeholderText=str(paths.data_dir() / "libraries"))
        self.catalogs_dir.setMinimumWidth(420)
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_catalogs_dir)
        row = QHBoxLayout()
        row.addWidget(self.catalogs_dir)
        row.addWidget(choose)
        form.addRow("Catalogs of new libraries in:", row)
        model = embedding_model(cat)
        spec = reg[model]
        form.addRow("Photo embedding:", QLabel(f"{spec.title} — {spec.origin}, {spec.licence}"))
        for name in ("yunet", "sface"):
            s = reg[name]
            form.addRow(f"{s.kind.replace('_', ' ').capitalize()}:", QLabel(f"{s.title} — {s.origin}, {s.licence}"))
        self.ranker = QLabel()
        form.addRow("Burst ranker:", self.ranker)
        self._show_ranker()
        bursts = settings_from_catalog(cat)
        self.gap = QDoubleSpinBox(minimum=0.5, maximum=600, value=bursts.max_gap_s, suffix=" s", singleStep=1)
        self.similarity = QDoubleSpinBox(minimum=0.3, maximum=0.999, value=bursts.min_similarity, singleStep=0.01, decimals=3)
        self.dup = QDoubleSpinBox(minimum=0.2, maximum=0.99, singleStep=0.05, decimals=2,
                                  value=float(qsettings().value("duplicates/threshold", CANDIDATE_SIMILARITY)))
        self.workers = QSpinBox(minimum=1, maximum=16, value=int(qsettings().value("index/workers", 2)))
        for box in (self.gap, self.similarity, self.dup, self.workers):
            box.setMinimumWidth(110)
        form.addRow("Burst: longest gap between frames", self.gap)
        form.addRow("Burst: similarity between frames", self.similarity)
        form.addRow("Duplicates: candidate similarity", self.dup)
        form.addRow("Index worker threads", self.workers)
        conv = Convention.from_settings(cat.settings)
        self.xmp_auto = QCheckBox("after each decision (ratings, picks and rejects, the best frame)")
        self.xmp_auto.setChecked(auto_write_on(cat))
        self.xmp_naming = QComboBox()
        self.xmp_naming.addItem("name.ext.xmp (darktable, digiKam)", "ext")
        self.xmp_naming.addItem("name.xmp (Lightroom, Capture One)", "base")
        self.xmp_naming.setCurrentIndex(0 if conv.naming == "ext" else 1)
        colours = [c.capitalize() for c in COLOURS]
        self.pick_label, self.reject_label = QComboBox(), QComboBox()
        for box, value in ((self.pick_label, conv.pick_label), (self.reject_label, conv.reject_label)):
            box.setEditable(True)                   # any label text Lightroom or digiKam uses
            box.addItems(colours)
            box.setCurrentText(value)
        self.xmp_labels = QCheckBox("also as labels (off: your labels and colours are never touched)")
        self.xmp_labels.setChecked(conv.labels)
        self.best_keyword = QLineEdit(conv.best_keyword)
        form.addRow("Write XMP sidecars", self.xmp_auto)
        form.addRow("Sidecar names", self.xmp_naming)
        form.addRow("Picks and rejects", self.xmp_labels)
        form.addRow("Label of a pick / a reject", self._pair(self.pick_label, self.reject_label))
        form.addRow("Keyword of the best frame", self.best_keyword)
        save = QPushButton("Save")
        save.clicked.connect(self.save)
        self.saved = QLabel("")
        row = QHBoxLayout()
        row.addWidget(save)
        row.addWidget(self.saved)
        row.addStretch(1)
        form.addRow(row)
        self._shown = self._catalog_values()     # Save writes only what the user changed here

    def _catalog_values(self) -> dict:
        """The catalog settings as this tab's fields say them now."""
        return {"bursts.max_gap_s": self.gap.value(), "bursts.min_similarity": self.similarity.value(),
                AUTO_WRITE: "1" if self.xmp_auto.isChecked() else "0", "xmp.naming": self.xmp_naming.currentData(),
                "xmp.pick_label": self.pick_label.currentText().strip() or "Green",
                "xmp.reject_label": self.reject_label.currentText().strip() or "Red",
                "xmp.best_keyword": self.best_keyword.text().strip() or "PhotoTriage best",
                LABELS: "1" if self.xmp_labels.isChecked() else "0"}

    @staticmethod
    def _pair(a, b) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(a)
        row.addWidget(QLabel("/"))
        row.addWidget(b)
        row.addStretch(1)
        return row

    def _show_ranker(self) -> None:
        from app.core.learning import current_version

        title = registry()["default_ranker"].title
        self.ranker.setText(f"{current_version(self.session.catalog)} (default: {title}, bundled; "
                            "fine-tuned versions in the Training tab)")

    def showEvent(self, event) -> None:
        self._show_ranker()                      # fine-tuning may have changed it
        super().showEvent(event)

    def _choose_catalogs_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Keep catalogs in", self.catalogs_dir.text())
        if folder:
            self.catalogs_dir.setText(folder)

    def save(self) -> None:
        # only the fields changed here: a setting changed meanwhile by a command (`xmp write
        # --auto off`) or another window is not put back to what this tab showed
        now = self._catalog_values()
        changed = {k: v for k, v in now.items() if self._shown.get(k) != v}
        if changed:
            self.session.catalog.settings.set(changed)
        self._shown = now
        s = qsettings()
        s.setValue("duplicates/threshold", self.dup.value())
        s.setValue("index/workers", self.workers.value())
        s.setValue("catalog/dir", self.catalogs_dir.text().strip())
        self.saved.setText("Saved. Thresholds apply to the next grouping; the catalogs folder to libraries "
                           "opened from now on (existing catalogs stay where they are).")
