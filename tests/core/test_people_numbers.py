"""Unnamed people keep their numbers when another cluster is named, merged or split."""
import numpy as np

from app.core.people import assign, people


def _faces(catalog, groups):
    """One photo per face; each group's faces share a direction (same person), groups are
    orthogonal (different people)."""
    rng = np.random.default_rng(0)
    ids = {}
    n = 0
    for g, size in enumerate(groups):
        base = np.zeros(128, np.float32)
        base[g] = 1.0
        for _ in range(size):
            pid = catalog.photos.upsert(f"/lib/{n}.jpg", {"status": "ok", "content_hash": f"h{n}"})
            vec = (base + 0.05 * rng.standard_normal(128)).astype(np.float32)
            fid = catalog.conn.execute("INSERT INTO faces (photo_id, x, y, w, h, embedding) "
                                       "VALUES (?, 0, 0, 10, 10, ?)", (pid, vec.tobytes())).lastrowid
            ids.setdefault(g, []).append(fid)
            n += 1
    catalog.conn.commit()
    return ids


def _labels(catalog):
    return [(p.label, len(p.faces)) for p in people(catalog)]


def test_naming_a_cluster_leaves_the_others_numbers(catalog):
    ids = _faces(catalog, [5, 4, 3, 2, 1])
    assert _labels(catalog) == [("person-1", 5), ("person-2", 4), ("person-3", 3), ("person-4", 2), ("unknown", 1)]
    assign(catalog, ids[0], "Ada")
    assert _labels(catalog) == [("Ada", 5), ("person-2", 4), ("person-3", 3), ("person-4", 2), ("unknown", 1)]
    assign(catalog, ids[2], "Bo")
    assert _labels(catalog) == [("Ada", 5), ("Bo", 3), ("person-2", 4), ("person-4", 2), ("unknown", 1)]
    # splitting one face off person-2 into a person of its own: person-2 keeps its number
    assign(catalog, ids[1][:1], None)
    labels = _labels(catalog)
    assert ("person-2", 3) in labels and ("person-4", 2) in labels


def test_faces_without_an_embedding_are_singletons(catalog):
    _faces(catalog, [2])
    pid = catalog.photos.upsert("/lib/x.jpg", {"status": "ok", "content_hash": "hx"})
    catalog.conn.execute("INSERT INTO faces (photo_id, x, y, w, h) VALUES (?, 0, 0, 10, 10)", (pid,))
    catalog.conn.commit()
    assert _labels(catalog) == [("person-1", 2), ("unknown", 1)]
