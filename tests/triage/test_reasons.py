"""Reasons name what the native-resolution measurements support, and nothing they contradict."""
from app.core.ranking import reasons_for


def _frame(detail, noise, exposure=0.05, blocks=1.1, motion=0.4):
    return {"detail_native": detail, "noise_rel": noise, "exposure_error": exposure, "anisotropy_native": motion,
            "blockiness_native": blocks, "edge_alignment": 0.5}


def test_clear_reasons_come_first_and_only_clear_ones_are_named():
    explain = {1: _frame(-1.0, 0.010), 2: _frame(-1.4, 0.012), 3: _frame(-1.3, 0.011)}
    # detail +0.3 over the median (2 spreads); noise 0.0015 lower (0.15 spreads)
    assert reasons_for(1, [2, 3], explain) == ["sharper"]


def test_nearly_alike_frames_get_slight_reasons():
    explain = {1: _frame(-1.0, 0.010), 2: _frame(-1.08, 0.016), 3: _frame(-1.06, 0.0165)}
    # detail +0.06 (0.4 spreads), noise -0.006 (0.6 spreads): both slight
    assert reasons_for(1, [2, 3], explain) == ["slightly less noise", "slightly sharper"]


def test_no_reason_when_the_best_is_not_better_on_any_named_feature():
    explain = {1: _frame(-1.0, 0.02), 2: _frame(-1.0, 0.02)}
    assert reasons_for(1, [2], explain) == []


def test_a_frame_that_lost_detail_never_has_less_noise_or_less_motion_blur():
    # A blurred frame is smoother: less measured noise and fewer one-way gradients, but less detail.
    explain = {1: _frame(-1.8, 0.002, motion=0.2), 2: _frame(-1.0, 0.03, motion=0.45)}
    reasons = reasons_for(1, [2], explain)
    assert not any("noise" in r or "motion" in r for r in reasons), reasons


def test_a_blocky_frame_is_never_sharper():
    # Heavy JPEG adds steps at the block edges; inside the blocks the detail is gone.
    explain = {1: _frame(-0.8, 0.01, blocks=1.9), 2: _frame(-1.0, 0.01, blocks=1.1)}
    assert not any("sharper" in r for r in reasons_for(1, [2], explain))


def test_heavy_noise_that_lifts_the_measured_detail_does_not_silence_less_noise():
    # A very noisy frame's detail reads up to ~0.4 higher (the noise is not all removed from it).
    explain = {1: _frame(-0.85, 0.002), 2: _frame(-0.55, 0.25)}
    assert "less noise" in reasons_for(1, [2], explain)


def _toned(frame, median, black=0.03, white=0.95, blown=0.0):
    import math

    return {**frame, "tone:blown": blown, "tone:crushed": 0.0, "tone:white": white, "tone:median": median,
            "tone:lift": math.log((black + 0.02) / (median + 0.02))}


def test_against_a_frame_differing_in_exposure_only_only_exposure_is_named():
    # The lifted frame reads sharper, smoother and less blocky on every technical measure; the
    # clean frame still wins on exposure and is credited with nothing technical against it.
    explain = {1: _toned(_frame(-1.2, 0.02, blocks=1.3, motion=0.5), 0.45),
               2: _toned(_frame(-0.9, 0.01, blocks=1.1, motion=0.3), 0.53, black=0.06)}
    assert reasons_for(1, [2], explain, exposure_only={2}) == ["deeper blacks"]
    # and the lifted frame, were it the best, is credited with no technical reason either
    assert reasons_for(2, [1], explain, exposure_only={1}) == []


def test_technical_reasons_are_judged_against_the_other_frames_only():
    explain = {1: _toned(_frame(-1.0, 0.01), 0.45), 2: _toned(_frame(-1.0, 0.01), 0.37, black=0.025, white=0.79),   # 0.6 stop under
               3: _toned(_frame(-1.5, 0.01), 0.45)}
    assert reasons_for(1, [2, 3], explain, exposure_only={2}) == ["uses the full tonal range", "sharper"]


def test_a_frame_between_a_brighter_and_a_darker_exposure_says_which_it_beats_on_what():
    # the clean frame (2) between a +1 stop frame that blew 16 % of the picture (1, 3) and a
    # 0.7 stop darker one that lost nothing (4): fewer blown highlights holds against the
    # brighter frames only, the fuller range against the darker one only
    explain = {1: _toned(_frame(-1.0, 0.01), 0.62, black=0.04, white=1.0, blown=0.16),
               2: _toned(_frame(-1.0, 0.01), 0.45, blown=0.003),
               3: _toned(_frame(-1.0, 0.01), 0.58, black=0.04, white=1.0, blown=0.12),
               4: _toned(_frame(-1.0, 0.01), 0.35, black=0.023, white=0.78)}
    alike = {1, 3, 4}
    assert reasons_for(2, [1, 3, 4], explain, exposure_only=alike) == [
        "fewer blown highlights than the brighter frames", "uses more of the tonal range than the darker frame"]
    # one side only: the plain words, as before
    assert reasons_for(2, [1, 3], explain, exposure_only={1, 3}) == ["fewer blown highlights"]
    assert reasons_for(2, [4], explain, exposure_only={4}) == ["uses the full tonal range"]
    # measured place by place, a brighter frame that lost no more than the best takes the reason away
    assert reasons_for(2, [1, 3, 4], explain, exposure_only=alike, highlights={1: 0.15, 3: 0.001, 4: 0.0}) == [
        "uses more of the tonal range than the darker frame"]


def test_fewer_compression_artefacts_needs_the_burst_comparison_when_there_is_one():
    explain = {1: _frame(-1.0, 0.01, blocks=1.1), 2: _frame(-1.0, 0.01, blocks=1.4)}
    assert reasons_for(1, [2], explain) == ["fewer compression artefacts"]               # per frame only
    assert reasons_for(1, [2], explain, support={2: 0.4}) == ["fewer compression artefacts"]
    assert reasons_for(1, [2], explain, support={2: 0.0}) == []                          # compared: alike


def test_a_frame_the_comparison_found_worse_kept_is_not_sharper():
    explain = {1: _frame(-0.8, 0.01), 2: _frame(-1.1, 0.01)}
    assert reasons_for(1, [2], explain) == ["sharper"]
    assert reasons_for(1, [2], explain, support={2: -0.3}) == []
