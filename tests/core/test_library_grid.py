"""The library grid's rows in the core: decisions, bursts, filters, sorts, names with their
folder where they repeat."""
from types import SimpleNamespace

from app.core.culling import decide
from app.core.library_grid import display_names, grid_rows, select


def test_names_get_their_folder_only_where_they_repeat():
    assert display_names(["/a/tree/f01.jpg", "/a/ham/f01.jpg", "/a/x/cat.jpg"]) == \
        ["tree/f01.jpg", "ham/f01.jpg", "cat.jpg"]


def _library(catalog):
    ids = [catalog.photos.upsert(p, {"status": "ok", "content_hash": f"h{i}", "captured_ts": 100.0 - i})
           for i, p in enumerate(["/lib/b/f01.jpg", "/lib/b/f02.jpg", "/lib/s/zebra.jpg", "/lib/s/apple.jpg"])]
    burst = SimpleNamespace(id="b1", photo_ids=ids[:2], best=ids[1], scores={ids[0]: 0.2, ids[1]: 0.8})
    return ids, [burst]


def test_filters_and_sorts(catalog):
    ids, bursts = _library(catalog)
    decide(catalog, ids[0], "best", 1, burst=ids[:2])
    decide(catalog, ids[2], "pick", -1)
    decide(catalog, ids[3], "rating", 4)
    rows = grid_rows(catalog, bursts)

    def names(**view):
        return [r.name for r in select(rows, **view)]

    assert names() == ["apple.jpg", "zebra.jpg", "f02.jpg", "f01.jpg"]           # capture time
    assert names(sort="name") == ["apple.jpg", "f01.jpg", "f02.jpg", "zebra.jpg"]
    assert names(sort="score")[:2] == ["f02.jpg", "f01.jpg"]
    assert names(filter_name="undecided") == ["f02.jpg"]
    assert names(filter_name="picked") == ["f01.jpg"]                             # best implies picked
    assert names(filter_name="rejected") == ["zebra.jpg"]
    assert names(filter_name="rated", min_rating=4) == ["apple.jpg"]
    assert names(filter_name="rated", min_rating=5) == []
    assert names(filter_name="bursts", sort="name") == ["f01.jpg", "f02.jpg"]
    assert names(filter_name="best", sort="name") == ["f01.jpg", "f02.jpg"]       # marked and suggested
    badges = {r.name: r.badges() for r in rows}
    assert badges["f01.jpg"] == "✔ best ▣ 2" and badges["f02.jpg"] == "◆ suggested ▣ 2"
    assert badges["zebra.jpg"] == "✗ rejected" and badges["apple.jpg"] == "★★★★"


def test_an_unreadable_file_says_why(catalog):
    catalog.photos.upsert("/lib/ok.jpg", {"status": "ok", "content_hash": "h1"})
    catalog.photos.upsert("/lib/broken.jpg", {"status": "skipped", "status_reason": "truncated or corrupt image data"})
    rows = {r.name: r for r in grid_rows(catalog)}
    assert rows["broken.jpg"].badges() == "⚠ skipped: truncated or corrupt image data"
    assert [r.name for r in select(list(rows.values()), "unreadable")] == ["broken.jpg"]


def test_duplicates_and_people(catalog):
    a = catalog.photos.upsert("/lib/a.jpg", {"status": "ok", "content_hash": "ha"})
    catalog.photos.upsert("/lib/copy/a.jpg", {"status": "ok", "content_hash": "ha"})      # exact copy
    c = catalog.photos.upsert("/lib/c.jpg", {"status": "ok", "content_hash": "hc"})
    d = catalog.photos.upsert("/lib/d.jpg", {"status": "ok", "content_hash": "hd"})
    catalog.photos.upsert("/lib/e.jpg", {"status": "ok", "content_hash": "he"})
    catalog.pair_checks.save([("hc", "hd", True), ("hc", "he", False)])                   # near copy, verified
    for pid in (a, c):
        catalog.conn.execute("INSERT INTO faces (photo_id, x, y, w, h) VALUES (?, 1, 1, 9, 9)", (pid,))
    catalog.conn.commit()
    faces = [r[0] for r in catalog.conn.execute("SELECT id FROM faces ORDER BY id")]
    catalog.people.assign(faces, "Alice")
    rows = grid_rows(catalog)
    assert sorted(r.path for r in select(rows, "duplicates")) == ["/lib/a.jpg", "/lib/c.jpg", "/lib/copy/a.jpg",
                                                                    "/lib/d.jpg"]
    assert sorted(r.path for r in select(rows, person="Alice")) == ["/lib/a.jpg", "/lib/c.jpg"]
    assert sorted(r.path for r in select(rows, "duplicates", person="Alice")) == ["/lib/a.jpg", "/lib/c.jpg"]
    assert d not in {r.photo_id for r in select(rows, person="Alice")}


def test_filters_combine_folder_flag_stars_person_and_label(catalog):
    from app.core.library_grid import NO_LABEL, matches

    ids = [catalog.photos.upsert(p, {"status": "ok", "content_hash": f"h{i}", "captured_ts": float(i)})
           for i, p in enumerate(["/lib/a/1.jpg", "/lib/a/2.jpg", "/lib/a/deep/3.jpg", "/lib/b/4.jpg",
                                  "/lib/ab/5.jpg"])]
    for pid in ids:
        decide(catalog, pid, "pick", 1)
        decide(catalog, pid, "rating", 4)
    decide(catalog, ids[1], "rating", 2)
    decide(catalog, ids[0], "label", None, "Red")
    decide(catalog, ids[2], "label", None, "red")
    rows = grid_rows(catalog)
    for r in rows:
        if r.photo_id in (ids[0], ids[2], ids[3]):
            r.people = frozenset({"Ada"})

    def names(**view):
        return [r.path.removeprefix("/lib/") for r in select(rows, **view)]

    assert names(folder="/lib/a") == ["a/1.jpg", "a/2.jpg", "a/deep/3.jpg"]       # and below; not /lib/ab
    assert names(folder="/lib/a", filter_name="picked", min_stars=3) == ["a/1.jpg", "a/deep/3.jpg"]
    assert names(folder="/lib/a", filter_name="picked", min_stars=3, person="Ada", label="Red") == \
        ["a/1.jpg", "a/deep/3.jpg"]
    assert names(folder="/lib/a", filter_name="rejected", min_stars=3) == []
    assert names(person="Ada", label=NO_LABEL) == ["b/4.jpg"]
    assert names(min_stars=4, label="Green") == []
    assert names(filter_name="rated", min_rating=4, min_stars=0) == ["a/1.jpg", "a/deep/3.jpg", "b/4.jpg", "ab/5.jpg"]
    assert matches(rows[0]) and not matches(rows[0], min_stars=5)


def test_a_kept_whole_set_names_its_kind_on_the_badge(catalog):
    ids = [catalog.photos.upsert(f"/lib/p/{i}.jpg", {"status": "ok", "content_hash": f"p{i}", "captured_ts": float(i)})
           for i in range(6)]
    pano = SimpleNamespace(id="s1", photo_ids=ids[:6], best=None, scores={}, kind="panorama")
    rows = grid_rows(catalog, [pano])
    assert {r.badges() for r in rows} == {"▣ panorama 6"} and {r.set_badge() for r in rows} == {"▣ panorama 6"}
    stack = SimpleNamespace(id="s2", photo_ids=ids[:4], best=None, scores={}, kind="focus_stack")
    assert grid_rows(catalog, [stack])[0].set_badge() == "▣ focus stack 4"
    assert grid_rows(catalog, [stack])[5].set_badge() == ""
