"""Sizes read one way everywhere (the window's facts, duplicates, confirmations, the CLI)."""
from app.core.photo_facts import photo_facts
from app.core.text import size_text


def test_sizes_by_hand():
    assert size_text(0) == "0 bytes" and size_text(1) == "1 byte" and size_text(1023) == "1023 bytes"
    assert size_text(1024) == "1.0 KiB"
    assert size_text(340 * 1024) == "340 KiB"
    assert size_text(int(2.66 * 2**20)) == "2.7 MiB"
    assert size_text(5 * 2**30) == "5.0 GiB"
    assert size_text(None) == "0 bytes"
    assert size_text(1048575) == "1.0 MiB"                    # not "1024 KiB"
    assert size_text(102349) == "100 KiB"                     # not "100.0 KiB"
    assert size_text(104248) == "102 KiB" and size_text(102276) == "99.9 KiB"


def test_the_info_panel_uses_the_same_words():
    rows = dict(photo_facts({"path": "/p/a.jpg", "size": 3 * 2**20, "width": 4000, "height": 3000}))
    assert rows["Size"].endswith("3.0 MiB")
