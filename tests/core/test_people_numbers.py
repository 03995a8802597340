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


def test_the_same_library_gives_the_same_people_whatever_order_it_was_indexed_in(catalog, tmp_path):
    """Two catalogs of one library whose photos got their row ids in opposite orders (the
    index's workers finish in any order): the same people, the same numbers, the same faces."""
    from app.core.catalog import Catalog

    rng = np.random.default_rng(1)
    base = [np.eye(128, dtype=np.float32)[g] for g in range(3)]
    faces = [(f"/lib/{g}-{k}.jpg", (base[g] + 0.05 * rng.standard_normal(128)).astype(np.float32))
             for g, size in enumerate([3, 3, 2]) for k in range(size)]      # two clusters of equal size

    def fill(cat, items):
        for path, vec in items:
            pid = cat.photos.upsert(path, {"status": "ok", "content_hash": path})
            cat.conn.execute("INSERT INTO faces (photo_id, x, y, w, h, embedding) VALUES (?, 0, 0, 10, 10, ?)",
                             (pid, vec.tobytes()))
        cat.conn.commit()
        return [(p.label, [f["path"] for f in p.faces]) for p in people(cat)]

    other = Catalog(tmp_path / "other.db")
    try:
        forward, backward = fill(catalog, faces), fill(other, faces[::-1])
    finally:
        other.close()
    assert forward == backward
    assert forward[0] == ("person-1", ["/lib/0-0.jpg", "/lib/0-1.jpg", "/lib/0-2.jpg"])
