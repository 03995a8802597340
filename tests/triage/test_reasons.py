from app.core.ranking import reasons_for


def _frame(sharp, noise, exposure=0.05):
    return {"sharpness_subject": sharp, "noise": noise, "exposure_error": exposure, "blur_anisotropy": 0.1,
            "blockiness": 0.2, "edge_alignment": 0.5}


def test_clear_reasons_come_first_and_only_clear_ones_are_named():
    explain = {1: _frame(0.9, 0.1), 2: _frame(0.4, 0.15), 3: _frame(0.5, 0.12)}
    # sharpness +0.45 over the median (1.8 spreads); noise 0.02 better (0.05 spreads)
    assert reasons_for(1, [2, 3], explain) == ["sharper"]


def test_nearly_alike_frames_get_slight_reasons():
    explain = {1: _frame(0.6, 0.1), 2: _frame(0.5, 0.3), 3: _frame(0.5, 0.35)}
    # sharpness +0.1 (0.4 spreads), noise -0.225 (0.56 spreads): both slight
    assert reasons_for(1, [2, 3], explain) == ["slightly less noise", "slightly sharper"]


def test_no_reason_when_the_best_is_not_better_on_any_named_feature():
    explain = {1: _frame(0.5, 0.3), 2: _frame(0.5, 0.3)}
    assert reasons_for(1, [2], explain) == []
