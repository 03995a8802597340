"""The test photos are part of the repository: every file in tests/data is listed in its
MANIFEST.tsv with its source and licence, and every listed file is there."""
import csv

from tests.helpers import TESTDATA, missing_testdata


def test_every_test_photo_has_a_source_and_a_licence():
    with open(TESTDATA / "MANIFEST.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    listed = {row["path"] for row in rows}
    present = {str(p.relative_to(TESTDATA)) for p in TESTDATA.rglob("*") if p.is_file()} - {"MANIFEST.tsv"}
    assert present == listed and len(listed) == len(rows) > 200
    assert all(row["source"].strip() and row["licence"].strip() for row in rows)
    assert {row["path"].split("/")[0] for row in rows} == {"bursts", "faces", "photos", "raw"}
    assert missing_testdata() == []
