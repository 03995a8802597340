"""Clipping first between two exposures of one view (app/core/ranking.py ``clipping_offset``,
on the two compared place by place, else on models/features/exposure.py ``blown_more``),
hand-computed: the brighter frame that lost highlight detail the other kept loses, unless the
other holds as much in a spike near its own top (the same clipping, darkened after)."""
import math

import pytest

from app.core.ranking import (CLIP_CAP, CLIP_DEAD, CLIP_WEIGHT, _explain_values, clipping_offset, darkened_clipping,
                              reasons_for)


def _f(flat, spike, median=0.4, clipped=0.0):
    return {"tone:blown": 0.0, "tone:flat": flat, "tone:spike": spike, "tone:median": median,
            "channels_clipped": clipped}


def test_the_brighter_frame_that_blew_more_highlights_loses_by_the_excess():
    kept, blown = _f(0.02, 0.02, 0.40), _f(0.026, 0.026, 0.50)      # 0.6 % of the picture newly blown
    assert clipping_offset(kept, blown) == pytest.approx(CLIP_WEIGHT * (0.006 - CLIP_DEAD))
    assert clipping_offset(blown, kept) == pytest.approx(-CLIP_WEIGHT * (0.006 - CLIP_DEAD))
    assert 0.5 < clipping_offset(kept, blown) < CLIP_CAP


def test_a_visible_newly_blown_area_costs_the_whole_cap():
    # 1.5 % of the frame clipped that the other frame kept: a highlight warning a photographer sees
    assert clipping_offset(_f(0.0, 0.0, 0.40), _f(0.015, 0.015, 0.45)) == CLIP_CAP
    # the measure's own noise between two exposures that clipped alike (0.2 %) costs nothing
    assert clipping_offset(_f(0.004, 0.004, 0.40), _f(0.006, 0.006, 0.45)) == 0.0


def test_darkened_clipping_lost_nothing_the_brighter_frame_kept():
    # the darker copy of a clipped frame: re-encoding roughened its flat top, the spike stays
    clipped, darker = _f(0.08, 0.08, 0.50), _f(0.01, 0.079, 0.40)
    assert clipping_offset(clipped, darker) == 0.0 and clipping_offset(darker, clipped) == 0.0


def test_only_two_exposures_of_one_view_are_judged_on_it():
    kept, blown = _f(0.02, 0.02, 0.40), _f(0.08, 0.08, 0.50)
    assert clipping_offset(kept, blown, evidence=math.nan) == 0.0       # not compared: another view
    # the same levels (log2 of 0.52 / 0.42: 0.31 stops apart is an exposure; 0.405 against 0.40 is not)
    assert clipping_offset(kept, _f(0.08, 0.08, 0.405)) == 0.0
    # the darker frame flatter at its top (levels merged by a strong underexposure): not this rule
    assert clipping_offset(_f(0.08, 0.08, 0.30), _f(0.02, 0.02, 0.40)) == 0.0


def test_an_excess_within_the_dead_zone_is_no_difference():
    assert clipping_offset(_f(0.010, 0.010), _f(0.010 + CLIP_DEAD * 0.9, 0.02, 0.5)) == 0.0


def test_frames_without_the_measures_are_not_judged_on_them():
    assert clipping_offset({"tone:blown": 0.0, "tone:median": 0.4}, _f(0.5, 0.5, 0.6)) == 0.0


def test_equally_blown_is_the_darker_frame_holding_all_the_brighter_ones_clipping():
    clipped, darker = _f(0.08, 0.08, 0.50), _f(0.01, 0.079, 0.40)
    assert darkened_clipping(clipped, darker) and darkened_clipping(darker, clipped)     # 0.079 of 0.08
    assert not darkened_clipping(clipped, _f(0.01, 0.069, 0.40))                         # 0.069: not all of it
    # a brighter frame with a little new clipping that the darker does not hold is not
    assert not darkened_clipping(_f(0.04, 0.005, 0.40), _f(0.009, 0.012, 0.30))
    # nor a darker frame whose clipping is still white (its own, not darkened after)
    assert not darkened_clipping(_f(0.08, 0.08, 0.50, 0.09), _f(0.08, 0.08, 0.40, 0.08))
    # nor is clipping under BLOWN_AREA of the picture
    assert not darkened_clipping(_f(0.005, 0.005, 0.50), _f(0.0, 0.006, 0.40))


def test_a_blown_sky_costs_at_most_the_cap():
    assert clipping_offset(_f(0.0, 0.0, 0.40), _f(0.5, 0.5, 0.60)) == CLIP_CAP


def test_a_darkened_copy_of_a_clipped_frame_is_not_said_to_have_fewer_blown_highlights():
    base = {"detail_native": -1.0, "noise_rel": 0.01, "anisotropy_native": 0.3, "blockiness_native": 1.1,
            "edge_alignment": 0.5, "border_fill": 0.0, "brightness_mean": 0.45, "brightness_median": 0.45,
            "black_level": 0.03, "white_level": 1.0, "highlights_clipped": 0.05, "shadows_clipped": 0.0}
    clipped = _explain_values({**base, "channels_clipped": 0.08, "highlights_flat": 0.08, "highlights_spike": 0.08},
                              None)
    darker = _explain_values({**base, "brightness_median": 0.38, "white_level": 0.84, "highlights_clipped": 0.0,
                              "channels_clipped": 0.0, "highlights_flat": 0.01, "highlights_spike": 0.079}, None)
    assert not any("blown" in r for r in reasons_for(2, [1], {1: clipped, 2: darker}))
    # where the other frame's clipping is real and the darker kept detail, it is said
    kept = _explain_values({**base, "channels_clipped": 0.0, "highlights_flat": 0.0, "highlights_spike": 0.0}, None)
    assert "fewer blown highlights" in reasons_for(2, [1], {1: clipped, 2: kept})
    # compared place by place, the comparison is what the reason follows, against a frame of
    # another kind (technical) and against one of like exposure alike
    assert "fewer blown highlights" not in reasons_for(2, [1], {1: clipped, 2: kept}, highlights={1: -0.05})
    assert "fewer blown highlights" not in reasons_for(2, [1], {1: clipped, 2: kept}, highlights={1: 0.0})
    assert not any("blown" in r for r in reasons_for(2, [1], {1: clipped, 2: kept}, exposure_only={1},
                                                     highlights={1: 0.0}))
    assert reasons_for(2, [1], {1: clipped, 2: darker}, exposure_only={1}, highlights={1: 0.05})[0] == \
        "fewer blown highlights"


def test_compared_place_by_place_the_brighter_frame_that_lost_detail_loses():
    from models.features.highlights import HighlightPair

    # stored measures that see nothing (a clipped channel roughened by a re-encoding) ...
    darker, brighter = _f(0.0, 0.0, 0.40), _f(0.0, 0.0, 0.50)
    assert clipping_offset(darker, brighter) == 0.0
    # ... and the pixels, where 2 % of the picture is at the brighter one's top and not the darker's
    blew = HighlightPair(lost=0.02, held=0.001, top=0.021)
    assert clipping_offset(darker, brighter, pair=blew) == CLIP_CAP
    assert clipping_offset(brighter, darker, pair=blew) == -CLIP_CAP
    # the same clipping held by the darker frame (darkened after): no loss, and equally blown
    held = HighlightPair(lost=0.0, held=0.08, top=0.08)
    assert clipping_offset(darker, brighter, pair=held) == 0.0
    assert darkened_clipping(darker, brighter, pair=held)
    assert not darkened_clipping(darker, brighter, pair=blew)


def test_a_best_frame_that_lost_more_place_by_place_is_not_said_to_use_the_range_better():
    from models.features.exposure import exposure_reasons

    brighter = {"blown": 0.0, "crushed": 0.0, "white": 0.9, "lift": -2.0, "median": 0.5, "flat": 0.0, "spike": 0.0}
    dimmer = {**brighter, "white": 0.8, "median": 0.4}
    assert "uses the full tonal range" in exposure_reasons(brighter, dimmer)
    assert exposure_reasons(brighter, dimmer, blown=-0.02) == []
    assert exposure_reasons(dimmer, brighter, blown=0.02)[0] == "fewer blown highlights"


def test_a_brighter_copy_alike_at_native_pixels_is_not_called_sharper():
    """Issue 30: a frame whose only difference is exposure is never credited with sharpness,
    noise or motion. A held-out source: its brighter copy (half of it blown) lifted the stored
    native detail and motion measures past exposure_only's tolerances, and was called "less
    motion blur, sharper", though the two compared at native pixels alike."""
    base = {"noise_rel": 0.011, "blockiness_native": 1.46, "edge_alignment": 0.5, "border_fill": 0.0,
            "brightness_mean": 0.35, "black_level": 0.0, "white_level": 1.0, "highlights_clipped": 0.1,
            "shadows_clipped": 0.0, "channels_clipped": 0.1, "highlights_flat": 0.17, "highlights_spike": 0.22}
    clean = _explain_values({**base, "detail_native": -1.24, "anisotropy_native": 0.51, "brightness_median": 0.34}, None)
    bright = _explain_values({**base, "detail_native": -1.03, "anisotropy_native": 0.35, "brightness_median": 0.40,
                              "noise_rel": 0.010}, None)
    said = reasons_for(2, [1], {1: clean, 2: bright})
    assert "sharper" in said and "less motion blur" in said            # the stored measures alone
    alike = reasons_for(2, [1], {1: clean, 2: bright}, support={1: -0.037})
    assert not {"sharper", "less motion blur", "less noise"} & {r.replace("slightly ", "") for r in alike}
    # where the comparison found the brighter frame better kept, it is sharper
    assert "sharper" in reasons_for(2, [1], {1: clean, 2: bright}, support={1: 0.2})
    # and of one exposure level, alike at native pixels, the stored measures still speak
    same = _explain_values({**base, "detail_native": -1.03, "anisotropy_native": 0.35, "brightness_median": 0.34}, None)
    assert "sharper" in reasons_for(2, [1], {1: clean, 2: same}, support={1: -0.037})
