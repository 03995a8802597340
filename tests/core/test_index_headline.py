"""The one line a status bar shows after indexing: what changed, never a stuck-looking count
of zero on a library that was already up to date."""
from app.core.indexer import IndexSummary


def test_an_up_to_date_library_says_so():
    s = IndexSummary(root="/p", catalog="/c.db", unchanged=12)
    assert s.headline() == "up to date: 12 photos unchanged"
    assert IndexSummary(root="/p", catalog="/c.db", unchanged=1).headline() == "up to date: 1 photo unchanged"


def test_changes_are_named_and_cancelling_is_said():
    s = IndexSummary(root="/p", catalog="/c.db", indexed=3, unchanged=9, skipped=[("/p/x.jpg", "empty file")],
                     missing=["/p/y.jpg"])
    assert s.headline() == "indexed: 3 new, 1 skipped (unreadable), 1 missing"
    s.cancelled = True
    assert s.headline() == "indexing cancelled: 3 new, 1 skipped (unreadable), 1 missing"


def test_ratings_taken_from_xmp_and_disagreements_are_said():
    from app.core.xmp.sync import ImportReport

    s = IndexSummary(root="/p", catalog="/c.db", unchanged=4,
                     xmp=ImportReport(imported=["/p/a.jpg", "/p/b.jpg"], conflicts=[("/p/b.jpg", "sidecar")]))
    assert s.headline() == ("indexed: 2 with ratings from XMP, 1 where sidecar and catalog disagreed "
                            "(the newer won: sidecar)")
