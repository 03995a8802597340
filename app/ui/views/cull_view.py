"""Cull view: bursts one after another; a filmstrip with the suggested best marked (and its
reasons), rejected frames dimmed; a large view with 100% zoom and a compare of 2 to 4
frames with zoom and pan in step. Keyboard first (the table: app/ui/shortcuts.py):

  Left/Right frame, Up/Down burst, P or Space accept, X reject, U unflag, 0-5 rating, 6-9 colour label,
  B best, Ctrl+Z undo, Ctrl+Shift+Z or Ctrl+Y redo, Z zoom 100%, C compare with the
  suggested best and the next contenders, +/- more or fewer frames; Ctrl+click in the
  filmstrip chooses the frames to compare.
Decisions go to the catalog through the core's decision model (app/core/culling.py: one best
per burst, the best is accepted, a rejected frame is not the best; one key, one undo step)."""
from __future__ import annotations

import time

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import (QAbstractItemView, QGridLayout, QHBoxLayout, QLabel, QListView, QListWidget,
                               QListWidgetItem, QVBoxLayout, QWidget)

from app.core import paths
from app.core.culling import decide, decide_set, undo
from app.core.eye_state import frame_caption
from app.core.focus import focus_point
from app.core.library_grid import GridRow, decision_marks
from app.core.triage import ranked_bursts

from ..previews import load_preview
from ..library_model import RowRole
from ..shortcuts import decision_key, undo_request
from ..thumbs import dimmed
from .image_view import ImageView
from .marks_delegate import MarksDelegate

MAX_COMPARE = 4


def compare_ids(burst, current: int, chosen: list[int], count: int) -> list[int]:
    """The frames a compare shows, ``current`` first: the frames chosen in the filmstrip when
    two or more are, else the suggested best and the ranker's next contenders."""
    if len(chosen) >= 2:
        ordered = [current] + [p for p in chosen if p != current] if current in chosen else chosen
        return ordered[:MAX_COMPARE]
    ranking = burst.order or sorted(burst.photo_ids, key=lambda p: -burst.scores.get(p, 0.0))
    return ([current] + [p for p in ranking if p != current])[:max(2, min(count, MAX_COMPARE))]


def _score_text(burst, pid: int) -> str:
    """A frame's score, or why it has none (gone, edited since indexed, not analysed)."""
    if pid in burst.problems:
        return f"  ({burst.problems[pid]})"
    score = burst.scores.get(pid)
    return "" if score is None else f"  {score:.2f}"


def _suggestion(burst) -> int | None:
    """The ranker's frame (a view made by hand may give only ``best``)."""
    return burst.suggested if burst.suggested is not None or burst.confirmed else burst.best


# sets shot on purpose (app.core.sets.kinds): culled as a whole, never a best or a reject suggestion
SET_WORDS = {"bracket": "Exposure bracket", "panorama": "Panorama", "focus_stack": "Focus stack",
             "timelapse": "Timelapse"}


class CullView(QWidget):
    decided = Signal()
    loaded = Signal(object)            # the ranked bursts

    def __init__(self, session, workers, thumbs, parent=None) -> None:
        super().__init__(parent)
        self.session, self.workers, self.thumbs = session, workers, thumbs
        self.bursts = []
        self.burst_index = 0
        self.frame_index = 0
        self.compare = False
        self.compare_count = 2
        self._preview_jobs = {}
        self._images: dict[tuple[str, bool], QImage] = {}
        self.indexing = False                  # told by the window: what an empty view means depends on it
        self._generation, self._refined_generation, self._refining = 0, None, None
        self._said_at, self._reranked = 0.0, set()     # suggestions rejected and ranked again without
        self.refined: tuple[int, int] | None = None    # (bursts, of) refined at native pixels while it runs
        self.header = QLabel("Looking for bursts…")
        self.header.setStyleSheet("font-weight: bold; padding: 4px;")
        self.reasons = QLabel("")
        self.strip = QListWidget()
        self.strip.setViewMode(QListView.IconMode)
        self.strip.setFlow(QListView.LeftToRight)
        self.strip.setWrapping(False)
        # A fixed cell per frame: with cells sized from each item's text, the layout went stale
        # after moving between bursts (thumbnails squeezed together, labels running into each other).
        self.strip.setIconSize(QSize(150, 100))
        self.strip.setGridSize(QSize(166, 158))        # not uniform item sizes: those elide a second line
        self.strip.setWordWrap(True)
        self.strip.setMovement(QListView.Static)
        self.strip.setResizeMode(QListView.Adjust)
        self.strip.setFixedHeight(182)
        self.strip.setItemDelegate(MarksDelegate(QSize(164, 156), self.strip))    # the grid's marks
        self.strip.setStyleSheet("QListWidget { background: #1c1c1c; }")
        self.strip.setFocusPolicy(Qt.NoFocus)
        self.strip.setSelectionMode(QAbstractItemView.ExtendedSelection)   # Ctrl+click: frames to compare
        self.strip.currentRowChanged.connect(self._strip_selected)
        self.strip.itemSelectionChanged.connect(self._selection_changed)
        self.views = [ImageView() for _ in range(MAX_COMPARE)]
        self.captions = [QLabel() for _ in range(MAX_COMPARE)]
        self.main_view, self.other_view = self.views[0], self.views[1]
        self.main_view.link(*self.views[1:])
        self.panels = []
        for view, caption in zip(self.views, self.captions):
            caption.setStyleSheet("padding: 2px 4px; color: #ddd; background: #303030;")
            panel = QWidget()
            box = QVBoxLayout(panel)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(0)
            box.addWidget(caption)
            box.addWidget(view, 1)
            self.panels.append(panel)
        split = QWidget()
        self.grid = QGridLayout(split)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(4)
        self._place_panels()
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addWidget(self.reasons)
        lay.addLayout(top)
        lay.addWidget(split, 1)
        lay.addWidget(self.strip)
        self.setFocusPolicy(Qt.StrongFocus)
        thumbs.ready.connect(lambda _h: self._refresh_strip_icons())

    # data ------------------------------------------------------------------
    def reload(self) -> None:
        """Bursts ranked in two passes: at once on the stored measures, then refined by comparing
        the leading frames at native pixels (the first time a burst is ranked it decodes them:
        about as long as indexing them), which replaces the first answer where it lands. A newer
        reload supersedes both (the refining one is cancelled)."""
        self._generation += 1
        gen = self._generation
        if self._refining is not None:
            self._refining.cancel()
        run = self.session.run_in_worker
        self.workers.start(run(lambda cat, cancel: ranked_bursts(cat, cancel=cancel, relative=False)),
                           on_result=lambda bursts: self._loaded(bursts, gen, refined=False))
        self._refining = self.workers.start(run(lambda cat, cancel: ranked_bursts(cat, cancel=cancel)),
                                            on_result=lambda bursts: self._loaded(bursts, gen, refined=True),
                                            on_progress=lambda events: self._refine_progress(events, gen),
                                            on_error=lambda _message: self._refine_failed(gen))

    def _refine_progress(self, events, gen: int) -> None:
        now = time.monotonic()
        if gen == self._generation and events and events[-1].total and now - self._said_at >= 0.5:
            self._said_at = now                  # (the header counts the decided frames: not every batch)
            self.refined = (events[-1].done, events[-1].total)
            if self.burst is not None:
                self.header.setText(self._progress_text())

    def _refine_failed(self, gen: int) -> None:
        """The quick ranking stays; the header stops saying it is being refined."""
        if gen == self._generation:
            self._refining, self.refined = None, None
            if self.burst is not None:
                self.header.setText(self._progress_text())

    def _loaded(self, bursts, gen: int | None = None, refined: bool = True) -> None:
        if gen is not None and (gen != self._generation or (not refined and self._refined_generation == gen)):
            return                     # superseded, or the refined answer is already shown
        if refined:
            self._refined_generation, self._refining, self.refined = gen, None, None
            # a rejected frame ranked again without is forgotten once it is no longer suggested
            self._reranked &= {b.suggested for b in bursts or []}
        # the frame in view stays in view, wherever its burst now is (a rescan that found earlier
        # photos moves every burst along: the next key must not decide another frame)
        here = self.current_photo()
        self.bursts = bursts or []
        at = next(((i, b.photo_ids.index(here)) for i, b in enumerate(self.bursts) if here in b.photo_ids), None)
        if at is not None:
            self.burst_index, self.frame_index = at
        else:
            self.burst_index = min(self.burst_index, max(0, len(self.bursts) - 1))
            self.frame_index = 0
        self._show_burst()
        self.loaded.emit(self.bursts)

    @property
    def settled(self) -> bool:
        """The latest reload's refined ranking is shown (no pass of it still running)."""
        return self._refining is None and self._refined_generation == self._generation

    @property
    def burst(self):
        return self.bursts[self.burst_index] if self.bursts else None

    def current_photo(self) -> int | None:
        b = self.burst
        return b.photo_ids[self.frame_index] if b else None

    def _state(self, pid: int):
        return self.session.catalog.decisions.state(pid)

    # display ---------------------------------------------------------------
    def _show_burst(self) -> None:
        b = self.burst
        self.strip.blockSignals(True)
        self.strip.clear()
        if b is None:
            self.header.setText(
                "Looking for bursts: the folder is still being indexed, they appear as it goes on." if self.indexing
                else "No bursts in this library: every photo was taken on its own. Cull them in the Library tab "
                     "(Enter opens a photo large).")
            self.strip.blockSignals(False)
            return
        for pid, path in zip(b.photo_ids, b.paths):
            item = QListWidgetItem(paths.display(path).rsplit("/", 1)[-1])
            item.setData(Qt.UserRole, pid)
            self.strip.addItem(item)
        self.strip.blockSignals(False)
        self._refresh_strip_icons()
        self.strip.doItemsLayout()
        self._show_frame()

    def refresh_marks(self) -> None:
        """Decisions changed elsewhere (the library grid): new marks on the strip."""
        if self.burst is not None:
            self._refresh_strip_icons()
            self.header.setText(self._progress_text())

    def _refresh_strip_icons(self) -> None:
        b = self.burst
        if b is None:
            return
        # the user's best as the catalog holds it now (B here, `pick --best` elsewhere, an undo)
        mine = [pid for pid in b.photo_ids if self._state(pid).best] if b.kind not in SET_WORDS else []
        if len(mine) > 1:                                  # bursts that came together: the latest choice
            since = self.session.catalog.decisions.best_since()
            mine = [max(mine, key=lambda p: since.get(p, 0))]
        if mine:
            b.best, b.confirmed = mine[-1], True
        elif b.confirmed:                                   # taken off: the suggestion again
            b.best, b.confirmed = b.suggested, False
        self._reranked = {p for p in self._reranked if self._state(p).pick == -1}   # a reject undone: again when rejected
        if b.suggested is not None and self._state(b.suggested).pick == -1 and b.suggested not in self._reranked:
            self._reranked.add(b.suggested)                # the suggestion rejected: ranked again without it, once
            self.reload()
        for row, (pid, h) in enumerate(zip(b.photo_ids, b.hashes)):
            item = self.strip.item(row)
            if item is None:
                continue
            st = self._state(pid)
            pix = self.thumbs.get(h)
            if pix is not None:
                item.setIcon(QIcon(dimmed(pix) if st.pick == -1 else pix))
            marks = decision_marks(st, pid == _suggestion(b))
            name = paths.display(b.paths[row]).rsplit("/", 1)[-1]
            name += _score_text(b, pid)
            item.setText(name + ("\n" + " ".join(marks) if marks else ""))
            item.setData(RowRole, GridRow(pid, b.paths[row], name, h, "ok", None, st, suggested=pid == _suggestion(b)))
            item.setForeground(QColor("#888") if st.pick == -1 else QColor("#000"))
        self._show_reasons()

    def _progress_text(self) -> str:
        b = self.burst
        kind = SET_WORDS.get(b.kind, "Burst") if b is not None else "Burst"
        states = self.session.catalog.decisions.states()     # one query (a wedding has thousands of frames)
        decided = sum(1 for b in self.bursts for pid in b.photo_ids if pid in states and states[pid].decided)
        total = sum(len(b.photo_ids) for b in self.bursts)
        folder = paths.display(self.burst.paths[0]).rsplit("/", 2)[-2] if "/" in paths.display(self.burst.paths[0]) else ""
        refining = (f" — refining suggestions at 100 % zoom: {self.refined[0]} of {self.refined[1]} bursts"
                    if self.refined else "")
        return f"{kind} {self.burst_index + 1} of {len(self.bursts)} (in {folder}/) — frame {self.frame_index + 1} of " \
               f"{len(self.burst.photo_ids)} — {decided}/{total} frames decided{refining}"

    def _show_frame(self) -> None:
        b = self.burst
        if b is None:
            return
        if self.strip.currentRow() != self.frame_index:       # (setting it again would drop a Ctrl+click choice)
            self.strip.blockSignals(True)
            self.strip.setCurrentRow(self.frame_index)
            self.strip.blockSignals(False)
        self.header.setText(self._progress_text())
        self._show_reasons()
        focus = focus_point(self.session.catalog, b.photo_ids[self.frame_index])
        shown = self.shown_ids()
        self._place_panels()
        for view, caption, pid in zip(self.views, self.captions, shown):
            view.focus = focus                  # compare: the same place in every frame
            row = b.photo_ids.index(pid)
            marks = decision_marks(self._state(pid), pid == _suggestion(b))
            eyes = frame_caption(self.session.catalog, pid)
            caption.setText(f"{paths.display(b.paths[row]).rsplit('/', 1)[-1]}{_score_text(b, pid)}  "
                            + " ".join(marks) + "  " + eyes)
            if len(shown) == 1:
                caption.setVisible(bool(eyes))          # one frame: the line shows when there are eyes to tell of
            self._request(view, b.paths[row])

    def _show_reasons(self) -> None:
        b = self.burst
        best_reason = ", ".join(b.reasons) if b.reasons else "frames nearly alike; the ranker's overall preference"
        self.reasons.setToolTip("")
        if b.kind in SET_WORDS:
            self.reasons.setText("Kept whole: no best, nothing suggested for rejection (Shift+P / Shift+X: pick / "
                                 "reject the set)")
            self.reasons.setToolTip(f"{SET_WORDS[b.kind]}: frames shot to be used together")
        elif b.best is not None:
            cur = self.current_photo()
            this = f"this frame is {b.problems[cur]}" if cur in b.problems else \
                f"this frame scores {b.scores[cur]:.2f}" if cur in b.scores else \
                "this frame is rejected: not ranked" if self._state(cur).pick == -1 else "this frame is not ranked"
            name = lambda pid: paths.display(b.paths[b.photo_ids.index(pid)]).rsplit('/', 1)[-1]  # noqa: E731
            if not b.confirmed:
                self.reasons.setText(f"Suggested best: {name(b.best)} ({best_reason}) — {this}")
            elif b.suggested in (None, b.best):
                self.reasons.setText(f"Your best: {name(b.best)}" + (f" ({best_reason})" if b.suggested else "")
                                     + f" — {this}")
            else:                                   # the ranker's reasons are for its own choice
                self.reasons.setText(f"Your best: {name(b.best)}; suggested {name(b.suggested)} ({best_reason}) — {this}")
        else:
            self.reasons.setText("No suggestion: fewer than two frames can be ranked (run an index)"
                                 if b.problems else "No suggestion")

    def shown_ids(self) -> list[int]:
        """The frames on screen: the current one, and in compare mode the others beside it."""
        b = self.burst
        if b is None:
            return []
        current = b.photo_ids[self.frame_index]
        if not self.compare:
            return [current]
        chosen = [b.photo_ids[i.row()] for i in sorted(self.strip.selectedIndexes(), key=lambda i: i.row())]
        return compare_ids(b, current, chosen, self.compare_count)

    def _place_panels(self) -> None:
        """1 panel, or 2-3 side by side, or 4 as a 2 x 2 grid."""
        n = len(self.shown_ids()) if self.burst is not None else 1
        cols = 2 if n == 4 else max(1, n)
        for i, panel in enumerate(self.panels):
            self.grid.removeWidget(panel)
            if i < n:
                self.grid.addWidget(panel, i // cols, i % cols)
            panel.setVisible(i < n)
            self.captions[i].setVisible(n > 1)

    def _request(self, view: ImageView, path: str) -> None:
        full = view.actual_size
        key = (path, full)
        view._wanted = key
        if key in self._images:
            view.set_image(self._images[key])
            return
        view.set_image(None, "loading…")
        self.workers.start(lambda cancel: load_preview(path, full),
                           on_result=lambda img, k=key, v=view: self._preview_ready(v, k, img), pool="thumbs")

    def _preview_ready(self, view: ImageView, key, image: QImage) -> None:
        self._images[key] = image
        if len(self._images) > 12:
            self._images.pop(next(iter(self._images)))
        if getattr(view, "_wanted", None) == key:
            view.set_image(image)

    def _strip_selected(self, row: int) -> None:
        if row >= 0:
            self.frame_index = row
            self._show_frame()

    def _selection_changed(self) -> None:
        if len(self.strip.selectedIndexes()) >= 2:
            self.compare = True                 # choosing frames in the strip compares them
            self._show_frame()

    # actions ---------------------------------------------------------------
    def record(self, kind: str, value: int | None, text: str | None = None) -> None:
        pid = self.current_photo()
        if pid is None:
            return
        if kind == "best" and self.burst.kind in SET_WORDS:
            what = SET_WORDS[self.burst.kind].lower()
            self.reasons.setText(f"Kept whole: {'an' if what[0] in 'aeiou' else 'a'} {what} has no best frame "
                                 "(Shift+P keeps the whole set)")
            return
        decide(self.session.catalog, pid, kind, value, text, burst=self.burst.photo_ids if self.burst else ())
        self._refresh_strip_icons()
        self.header.setText(self._progress_text())
        self.decided.emit()

    def record_set(self, value: int) -> None:
        """Pick or reject every frame of the shown set as one action (Shift+P / Shift+X); only a
        set kept whole (a burst's frames are decided one by one: its best is kept)."""
        b = self.burst
        if b is None:
            return
        if b.kind not in SET_WORDS:
            self.reasons.setText("Shift+P / Shift+X decide a whole set (a bracket, panorama, focus stack or "
                                 "timelapse); in a burst, decide each frame")
            return
        decide_set(self.session.catalog, b.photo_ids, value)
        self._refresh_strip_icons()
        self.header.setText(self._progress_text())
        self.decided.emit()

    def undo(self, redo: bool = False) -> None:
        pid = undo(self.session.catalog, redo, own=True)
        b = self.burst
        if pid is not None and b is not None and pid in b.photo_ids:
            self.frame_index = b.photo_ids.index(pid)
        elif pid is not None:                    # taken back in another burst: show it there
            at = next((i for i, other in enumerate(self.bursts) if pid in other.photo_ids), None)
            if at is not None:
                self.burst_index, self.frame_index = at, self.bursts[at].photo_ids.index(pid)
                self._show_burst()
        self._refresh_strip_icons()
        self._show_frame()
        self.decided.emit()

    def move_frame(self, step: int) -> None:
        b = self.burst
        if b:
            self.frame_index = max(0, min(len(b.photo_ids) - 1, self.frame_index + step))
            self._show_frame()

    def move_burst(self, step: int) -> None:
        if self.bursts:
            self.burst_index = max(0, min(len(self.bursts) - 1, self.burst_index + step))
            self.frame_index = 0
            self._show_burst()

    def toggle_zoom(self) -> None:
        on = not self.main_view.actual_size
        for v in self.views:
            v.set_actual_size(on)
        self._show_frame()

    def toggle_compare(self) -> None:
        self.compare = not self.compare
        if not self.compare:
            self._select_only_current()
        self._show_frame()

    def change_compare_count(self, step: int) -> None:
        self.compare_count = max(2, min(MAX_COMPARE, self.compare_count + step))
        self.compare = True
        self._select_only_current()
        self._show_frame()

    def _select_only_current(self) -> None:
        self.strip.blockSignals(True)
        self.strip.clearSelection()
        self.strip.setCurrentRow(self.frame_index)
        self.strip.blockSignals(False)

    def keyPressEvent(self, event) -> None:
        key, text = event.key(), event.text().lower()
        redo = undo_request(event)
        if redo is not None:
            self.undo(redo=redo)
            return
        actions = {Qt.Key_Left: lambda: self.move_frame(-1), Qt.Key_Right: lambda: self.move_frame(1),
                   Qt.Key_Up: lambda: self.move_burst(-1), Qt.Key_Down: lambda: self.move_burst(1),
                   Qt.Key_Space: lambda: self.record("pick", 1)}
        letters = {"z": self.toggle_zoom,
                   "c": self.toggle_compare, "+": lambda: self.change_compare_count(1),
                   "=": lambda: self.change_compare_count(1), "-": lambda: self.change_compare_count(-1)}
        pid = self.current_photo()
        decision = decision_key(text, lambda: [self._state(pid).label] if pid is not None else [])
        if event.modifiers() & Qt.ShiftModifier and text in ("p", "x"):
            self.record_set(1 if text == "p" else -1)
        elif key in actions:
            actions[key]()
        elif text in letters:
            letters[text]()
        elif decision is not None:
            self.record(*decision)
        else:
            super().keyPressEvent(event)
