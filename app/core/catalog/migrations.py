"""Ordered schema migrations. Each runs inside one transaction; never edit a
released step, add a new one. ``MIGRATIONS[i]`` takes schema i to i+1."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import sqlite_utils


def _v1(db: sqlite_utils.Database) -> None:
    """The first released schema."""
    db["photos"].create({
        "id": int, "path": str, "size": int, "mtime_ns": int, "content_hash": str,
        "status": str, "status_reason": str, "width": int, "height": int, "format": str,
        "captured_at": str, "camera_make": str, "camera_model": str, "orientation": int,
        "indexed_at": str,
    }, pk="id", not_null={"path", "status"}, defaults={"status": "ok"})
    db["photos"].create_index(["path"], unique=True)
    db["thumbnails"].create({"content_hash": str, "width": int, "height": int, "created_at": str},
                            pk="content_hash")
    db["decisions"].create({"id": int, "photo_id": int, "kind": str, "value": int, "created_at": str},
                           pk="id", not_null={"photo_id", "kind", "created_at"},
                           foreign_keys=[("photo_id", "photos", "id")])
    db["jobs"].create({"id": int, "kind": str, "root": str, "state": str, "done": int, "total": int,
                       "started_at": str, "updated_at": str}, pk="id")


def _v2(db: sqlite_utils.Database) -> None:
    """Full EXIF (sub-second time, lens, exposure, GPS, burst tags), decision labels and undo."""
    photos = db["photos"]
    for name, kind in [
        ("captured_ts", float), ("time_source", str), ("camera_serial", str), ("lens", str),
        ("exposure_time", float), ("f_number", float), ("iso", int), ("focal_length", float),
        ("gps_lat", float), ("gps_lon", float), ("gps_alt", float), ("drive_mode", str),
        ("sequence_number", int), ("burst_id", str), ("frames", int), ("missing_since", str),
    ]:
        photos.add_column(name, kind)
    # v1 stored naive EXIF times as ISO text: derive the sortable timestamp from them.
    db.execute("UPDATE photos SET captured_ts = CAST(strftime('%s', captured_at) AS REAL), "
               "time_source = 'exif' WHERE captured_at IS NOT NULL")
    photos.create_index(["content_hash"])
    photos.create_index(["captured_ts"])
    photos.create_index(["status"])
    db["decisions"].add_column("text_value", str)
    db["decisions"].add_column("undone", int, not_null_default=0)
    db["decisions"].create_index(["photo_id"])
    db["jobs"].add_column("message", str)
    db["settings"].create({"key": str, "value": str}, pk="key")


def _v3(db: sqlite_utils.Database) -> None:
    """Features: quality columns, embeddings per model, faces and people, bursts."""
    quality = ("sharpness", "sharpness_subject", "sharpness_fine", "noise", "blur_anisotropy", "blur_angle",
               "brightness_mean", "brightness_median", "highlights_clipped", "shadows_clipped", "dynamic_range",
               "contrast", "colorfulness", "blockiness", "edge_alignment")
    db["features"].create({"photo_id": int, "pipeline": str, "pixel_hash": str, "face_count": int,
                           "computed_at": str, **{name: float for name in quality}},
                          pk="photo_id", foreign_keys=[("photo_id", "photos", "id")])
    db["features"].create_index(["pixel_hash"])
    db["embeddings"].create({"photo_id": int, "model": str, "dim": int, "vector": bytes},
                            pk=("photo_id", "model"), foreign_keys=[("photo_id", "photos", "id")])
    db["embeddings"].create_index(["model"])
    db["people"].create({"id": int, "name": str, "created_at": str}, pk="id")
    db["faces"].create({"id": int, "photo_id": int, "x": float, "y": float, "w": float, "h": float,
                        "score": float, "landmarks": bytes, "model": str, "embedding": bytes,
                        "size": float, "sharpness": float, "brightness": float, "eyes_open": float,
                        "person_id": int}, pk="id",
                       foreign_keys=[("photo_id", "photos", "id"), ("person_id", "people", "id")])
    db["faces"].create_index(["photo_id"])


def _v4(db: sqlite_utils.Database) -> None:
    """Exposure: per-channel highlight clipping and the black and white points. Rows computed
    before stay NULL there; their pipeline id is out of date, so the next index recomputes them."""
    for name in ("channels_clipped", "black_level", "white_level"):
        db["features"].add_column(name, float)


def _v5(db: sqlite_utils.Database) -> None:
    """Corner wedges of flat fill (a rotated, uncropped frame); exposure is now measured without
    them. The pipeline id changed with it, so the next index recomputes every row."""
    db["features"].add_column("border_fill", float)


def _v6(db: sqlite_utils.Database) -> None:
    """Quality at native resolution (detail, noise, compression and motion on full-resolution
    crops of the subject). The pipeline id changed with it, so the next index recomputes."""
    for name in ("detail_native", "detail_ratio", "noise_native", "noise_rel", "blockiness_native",
                 "anisotropy_native", "face_detail_native"):
        db["features"].add_column(name, float)


def _v7(db: sqlite_utils.Database) -> None:
    """Identity by content: a sampled hash to notice new content behind an unchanged size and
    mtime; each decision remembers the picture (content hash) it was made on, so it follows
    that picture and is never inherited by another file that takes its name; a catalog id
    that derived stores (vector indexes) carry."""
    import uuid

    db["photos"].add_column("sample_hash", str)
    db["decisions"].add_column("content_hash", str)
    db["decisions"].add_column("origin_hash", str)
    db.execute("UPDATE decisions SET content_hash = "
               "(SELECT content_hash FROM photos WHERE photos.id = decisions.photo_id)")
    db["decisions"].create_index(["content_hash"])
    db.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('catalog.id', ?)", [uuid.uuid4().hex])


def _v8(db: sqlite_utils.Database) -> None:
    """Duplicate detection remembers its geometric verifications, keyed by the two pictures'
    content hashes (a changed photo has a new hash, so a verdict is never stale)."""
    db["pair_checks"].create({"hash_a": str, "hash_b": str, "duplicate": int, "checked_at": str},
                             pk=("hash_a", "hash_b"))


def _v9(db: sqlite_utils.Database) -> None:
    """The burst-relative detail comparison remembers its result per pair of pictures."""
    db["detail_evidence"].create({"hash_a": str, "hash_b": str, "evidence": float, "version": int, "checked_at": str},
                                 pk=("hash_a", "hash_b"))


def _v10(db: sqlite_utils.Database) -> None:
    """Decisions written by one user action share an action id (undo/redo whole actions);
    each earlier decision was its own action."""
    db["decisions"].add_column("action_id", int)
    db.execute("UPDATE decisions SET action_id = id")
    db["decisions"].create_index(["action_id"])


def _v11(db: sqlite_utils.Database) -> None:
    """pyiqa's PIQE score, filled only where the optional ``[iqa]`` extra is installed."""
    db["features"].add_column("piqe", float)


def _v12(db: sqlite_utils.Database) -> None:
    """Decisions that leave the app: where each decision came from (the user, or a sidecar or
    embedded XMP it was imported from); the state of each photo's sidecar when it was last read
    or written (a sidecar changed on disk is read again); the pictures whose embedded XMP was
    read; the journal of files sent to the system trash (so it can be undone)."""
    db["decisions"].add_column("source", str)
    db["sidecars"].create({"photo_id": int, "path": str, "mtime_ns": int, "size": int, "synced_at": str},
                          pk="photo_id")
    db["xmp_embedded"].create({"content_hash": str, "checked_at": str}, pk="content_hash")
    db["trash_journal"].create({"id": int, "batch": int, "photo_id": int, "original": str, "trashed": str,
                                "info": str, "content_hash": str, "size": int, "trashed_at": str,
                                "restored_at": str}, pk="id")
    db["trash_journal"].create_index(["batch"])


def _v13(db: sqlite_utils.Database) -> None:
    """Local features of each picture (ORB keypoints and descriptors of its thumbnail), kept so
    that search re-ranking and duplicate verification compute them once per picture."""
    db["local_features"].create({"content_hash": str, "version": int, "points": bytes, "descriptors": bytes},
                                pk="content_hash")


def _v14(db: sqlite_utils.Database) -> None:
    """File operations as journaled transactions: each export of a photo (copy or move, with
    its sidecars) is planned in ``file_ops`` before a file moves and finished or rolled back by
    the next run; a trashed sidecar names the photo entry it goes with (``owner``) so the two
    come back together or not at all, and an entry undo could not restore says why."""
    db["file_ops"].create({"id": int, "batch": int, "kind": str, "photo_id": int, "content_hash": str,
                           "dest_root": str, "files": str, "state": str, "reason": str, "created_at": str,
                           "updated_at": str}, pk="id", not_null={"kind", "files", "state"})
    db["file_ops"].create_index(["state"])
    db["trash_journal"].add_column("owner", int)
    db["trash_journal"].add_column("undo_failed", str)


def _v15_xmp_base(db: sqlite_utils.Database) -> None:
    """The base of the three-way XMP merge: per photo and source (its sidecar, or the XMP
    embedded in the file), the managed fields as PhotoTriage last wrote or read them, the
    decision the catalog held then, the labels PhotoTriage wrote itself, and the hash of the
    sidecar's bytes (or the photo's content hash) at that moment (app/core/catalog/xmp_base.py)."""
    db["xmp_base"].create({"photo_id": int, "source": str, "path": str, "file_hash": str, "fields": str,
                           "decision": str, "ours": str, "synced_at": str}, pk=("photo_id", "source"))
    # embedded XMP read before: not read again until the file changes (what it said is in the log)
    db.execute("INSERT INTO xmp_base (photo_id, source, path, file_hash, fields, decision, ours, synced_at) "
               "SELECT p.id, 'embedded', NULL, p.content_hash, '{}', '{}', '{}', e.checked_at "
               "FROM photos p JOIN xmp_embedded e ON e.content_hash = p.content_hash")


def _v16_eye_state(db: sqlite_utils.Database) -> None:
    """Each face's eye openness from the eye-state model (models/face/eye_state.py), right and
    left eye: the lid gap over the eye's width; NULL where it was not measured or can't be told.
    Faces indexed before stay NULL (no eye state) until their photo is indexed again."""
    db["faces"].add_column("eye_right", float)
    db["faces"].add_column("eye_left", float)


def _v17_frame_steps(db: sqlite_utils.Database) -> None:
    """How one picture sits on another (app/core/sets/registration.py: translation, rotation,
    scale, overlap, residual) for consecutive frames that could be panorama steps, keyed by the
    two content hashes in frame order, so a set's kind is registered once, not at every run;
    ``step`` NULL when the two did not register."""
    db["frame_steps"].create({"hash_a": str, "hash_b": str, "step": str, "version": int, "checked_at": str},
                             pk=("hash_a", "hash_b"))


def _v18_highlights(db: sqlite_utils.Database) -> None:
    """A frame's flat top and its highlight spike (models/features/quality.py): clipping, also
    where a frame was darkened after. The pipeline id changed with them (features version 11),
    so the next index recomputes every row."""
    db["features"].add_column("highlights_flat", float)
    db["features"].add_column("highlights_spike", float)


def _v19_highlight_pairs(db: sqlite_utils.Database) -> None:
    """What the brighter of two exposures of one view lost at its top that the darker kept
    (app/core/burst_highlights.py: ``lost``, ``held`` and ``top``, fractions of the compared
    area), keyed by the two content hashes, brighter first, so the window and every CLI command
    compare a burst's exposures once; ``result`` NULL when the two could not be compared."""
    db["highlight_pairs"].create({"hash_a": str, "hash_b": str, "result": str, "version": int, "checked_at": str},
                                 pk=("hash_a", "hash_b"))


MIGRATIONS: list[Callable[["sqlite_utils.Database"], None]] = [_v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10,
                                                               _v11, _v12, _v13, _v14, _v15_xmp_base, _v16_eye_state,
                                                               _v17_frame_steps, _v18_highlights,
                                                               _v19_highlight_pairs]
SCHEMA_VERSION = len(MIGRATIONS)
