"""Exposure between two frames of one moment (models/features/exposure.py), hand-computed."""
import math

import pytest

from models.features.exposure import WEIGHTS, blown_more, exposure_reasons, exposure_values, exposure_verdict


def _q(median=0.45, black=0.03, white=0.95, blown=0.0, crushed=0.0):
    return {"brightness_median": median, "black_level": black, "white_level": white,
            "channels_clipped": blown, "highlights_clipped": 0.0, "shadows_clipped": crushed}


def test_values_from_the_stored_measures():
    v = exposure_values(_q(median=0.48, black=0.04), {"brightness": 0.9})
    assert v["lift"] == pytest.approx(math.log(0.06 / 0.5))
    assert v["face"] == pytest.approx(0.1)                    # 0.1 above the face range's top (0.8)
    assert "face" not in exposure_values(_q())


def test_an_unused_range_loses_to_the_full_one():
    # whites count up to 0.9 of full scale (WHITE_ENOUGH)
    clean, under = exposure_values(_q(white=0.95)), exposure_values(_q(median=0.37, black=0.025, white=0.79))
    lift = math.log(0.045 / 0.39) - math.log(0.05 / 0.47)
    assert exposure_verdict(clean, under) == pytest.approx(WEIGHTS["white"] * (0.9 - 0.79) + WEIGHTS["lift"] * lift)
    assert exposure_verdict(clean, under) > 0 and exposure_verdict(under, clean) < 0
    assert exposure_reasons(clean, under) == ["uses the full tonal range"]


def test_lifted_blacks_lose_and_are_named():
    clean, lifted = exposure_values(_q(median=0.45, black=0.03)), exposure_values(_q(median=0.52, black=0.06))
    assert exposure_verdict(clean, lifted) == pytest.approx(WEIGHTS["lift"] * (math.log(0.08 / 0.54) - math.log(0.05 / 0.47)))
    assert exposure_verdict(clean, lifted) > 0
    assert exposure_reasons(clean, lifted) == ["deeper blacks"]


def test_blown_highlights_cost_more_than_brighter_whites_earn():
    # half a stop over: every level up by 2 ** (0.5 / 2.2), the brightest clipped
    clean, over = exposure_values(_q(white=0.95)), exposure_values(_q(median=0.53, black=0.035, white=1.0, blown=0.06))
    assert exposure_verdict(clean, over) > 0
    # brighter whites that come from clipping are not a fuller range
    assert exposure_reasons(over, clean) == []
    assert exposure_reasons(clean, over) == ["fewer blown highlights"]


def test_a_badly_exposed_face_loses():
    good, dark = exposure_values(_q(), {"brightness": 0.4}), exposure_values(_q(), {"brightness": 0.15})
    assert exposure_verdict(good, dark) == pytest.approx(WEIGHTS["face"] * 0.1)
    assert exposure_reasons(good, dark) == ["better exposed face"]


def test_blown_highlights_are_judged_on_the_flat_top_where_both_frames_have_it():
    clipped = exposure_values({**_q(blown=0.08), "highlights_flat": 0.08, "highlights_spike": 0.08})
    # its darker copy: no longer white (channels_clipped 0), its clipped sky a spike at 0.83
    darker = exposure_values({**_q(white=0.83), "highlights_flat": 0.01, "highlights_spike": 0.079})
    assert darker["blown"] == 0.0 and blown_more(darker, clipped) == pytest.approx(0.001)      # 0.08 against 0.079
    assert exposure_reasons(darker, clipped) == []
    # a frame one stop over blew what the other kept: 0.2 of flat top against 0.01 and 0.02
    kept = exposure_values({**_q(), "highlights_flat": 0.01, "highlights_spike": 0.02})
    over = exposure_values({**_q(white=1.0, blown=0.25), "highlights_flat": 0.2, "highlights_spike": 0.25})
    assert blown_more(kept, over) == pytest.approx(0.18) and blown_more(over, kept) == pytest.approx(-0.18)
    assert exposure_reasons(kept, over) == ["fewer blown highlights"]
    # a frame indexed before the flat top was measured: judged on the clipped shares
    assert blown_more(exposure_values(_q(blown=0.01)), over) == pytest.approx(0.24)
