"""Aggregation methods on hand-computed cases and on properties that must hold exactly."""

import math

import numpy as np
import pytest

from judging.ranking.methods import LeastSquares, Mean, SheetTable, Trimmed, ZScore, method_for


def table_of(pairs: list[tuple[int, int]], n_entries: int | None = None) -> SheetTable:
    entries = np.array([entry for entry, _ in pairs], dtype=np.intp)
    judges = np.array([judge for _, judge in pairs], dtype=np.intp)
    return SheetTable(
        entry=entries,
        judge=judges,
        n_entries=n_entries if n_entries is not None else int(entries.max()) + 1,
        n_judges=int(judges.max()) + 1,
    )


def test_mean_is_the_plain_mean_and_a_judge_bias_their_offset_from_it():
    table = table_of([(0, 0), (0, 1), (1, 0), (1, 1)], n_entries=3)
    result = Mean().aggregate(table, np.array([60.0, 70.0, 80.0, 90.0]), 100.0)
    assert result.score[:2].tolist() == [65.0, 85.0]
    assert math.isnan(result.score[2])  # an entry without sheets has no score
    assert result.bias is not None and result.bias.tolist() == [-5.0, 5.0]
    assert result.scale is None


def test_trimmed_drops_one_highest_and_one_lowest_from_five_sheets_on():
    five = table_of([(0, judge) for judge in range(5)])
    values = np.array([10.0, 50.0, 60.0, 70.0, 100.0])
    assert Trimmed().aggregate(five, values, 100.0).score.tolist() == [60.0]
    # Repeated extremes: only one copy of each is dropped.
    assert Trimmed().aggregate(five, np.array([90.0, 90.0, 60.0, 30.0, 30.0]), 100.0).score.tolist() == [60.0]
    four = table_of([(0, judge) for judge in range(4)])
    assert Trimmed().aggregate(four, values[:4], 100.0).score.tolist() == [47.5]
    assert Trimmed(min_sheets=4).aggregate(four, values[:4], 100.0).score.tolist() == [55.0]


def test_trimmed_works_entry_by_entry_whatever_the_sheet_order():
    pairs = [(1, 0), (0, 0), (1, 1), (0, 1), (1, 2), (0, 2), (1, 3), (0, 3), (1, 4), (0, 4), (2, 0)]
    values = np.array([5.0, 1.0, 4.0, 2.0, 3.0, 3.0, 2.0, 4.0, 1.0, 5.0, 7.0])
    score = Trimmed().aggregate(table_of(pairs), values, 10.0).score
    assert score.tolist() == [3.0, 3.0, 7.0]


def test_zscore_puts_each_judge_on_the_scale_of_all_sheets():
    # Judge 0 gives 60 and 80 (mean 70, sd 10); judge 1 gives 70 and 74 (mean 72, sd 2). Both rank
    # entry 1 above entry 0 by one of their own sd: z = -1 and +1. All sheets: mean 71, sd sqrt(53).
    table = table_of([(0, 0), (1, 0), (0, 1), (1, 1)])
    result = ZScore().aggregate(table, np.array([60.0, 80.0, 70.0, 74.0]), 100.0)
    assert result.score == pytest.approx([71 - math.sqrt(53), 71 + math.sqrt(53)])
    assert result.bias == pytest.approx([-1.0, 1.0])
    assert result.scale == pytest.approx([10 / math.sqrt(53), 2 / math.sqrt(53)])


def test_zscore_handles_a_single_sheet_judge_and_a_flat_judge_without_nan():
    # Judge 2 has one sheet: read against all sheets (mean 70, sd 10). Judge 1 gives 50 twice: z = 0.
    table = table_of([(0, 0), (1, 0), (0, 1), (1, 1), (2, 2)])
    values = np.array([60.0, 80.0, 50.0, 50.0, 100.0])
    result = ZScore().aggregate(table, values, 100.0)
    mean, sd = values.mean(), values.std()
    assert not np.isnan(result.score).any()
    assert result.score == pytest.approx([(mean - sd + mean) / 2, (mean + sd + mean) / 2, values[4]])
    assert result.scale is not None and result.bias is not None
    assert result.scale[1] == 0.0 and math.isnan(result.scale[2]) and math.isnan(result.bias[2])


def test_zscore_on_identical_sheets_gives_everyone_the_common_value():
    table = table_of([(0, 0), (1, 0), (0, 1), (1, 1)])
    assert ZScore().aggregate(table, np.full(4, 42.0), 100.0).score.tolist() == [42.0, 42.0]


def planted_panel(seed: int = 3, n_entries: int = 12, n_judges: int = 6, per_entry: int = 3):
    """Each entry seen by `per_entry` consecutive judges (mod n_judges): one connected panel."""
    rng = np.random.default_rng(seed)
    pairs = [(entry, (entry + k) % n_judges) for entry in range(n_entries) for k in range(per_entry)]
    quality = rng.uniform(40, 80, n_entries)
    offset = rng.uniform(-8, 8, n_judges)
    offset -= offset.mean()
    return table_of(pairs), quality, offset


def test_least_squares_recovers_planted_offsets_on_noise_free_data():
    table, quality, offset = planted_panel()
    values = quality[table.entry] + offset[table.judge]
    result = LeastSquares().aggregate(table, values, 100.0)
    assert result.score == pytest.approx(quality, abs=1e-8)
    assert result.bias == pytest.approx(offset, abs=1e-8)


def test_least_squares_with_scales_recovers_planted_scales_and_offsets():
    # The gauge: offsets sum to zero and scales average one; the centre c is the mean of all sheets.
    table, quality, offset = planted_panel(n_entries=20)
    scale = np.array([0.6, 1.4, 0.9, 1.2, 0.8, 1.1])
    per_sheet = scale[table.judge]
    centre = (np.mean(per_sheet * quality[table.entry]) + np.mean(offset[table.judge])) / np.mean(per_sheet)
    values = centre + per_sheet * (quality[table.entry] - centre) + offset[table.judge]
    assert values.mean() == pytest.approx(centre)
    result = LeastSquares(judge_scale=True).aggregate(table, values, 100.0)
    assert result.scale == pytest.approx(scale, abs=1e-5)
    assert result.bias == pytest.approx(offset, abs=1e-4)
    assert result.score == pytest.approx(quality, abs=1e-4)


def test_least_squares_fixes_the_gauge_in_each_separate_panel():
    first, _, _ = planted_panel(seed=1)
    second, _, _ = planted_panel(seed=2)
    table = SheetTable(
        entry=np.concatenate([first.entry, second.entry + first.n_entries]),
        judge=np.concatenate([first.judge, second.judge + first.n_judges]),
        n_entries=first.n_entries + second.n_entries,
        n_judges=first.n_judges + second.n_judges,
    )
    assert sorted(set(table.judge_components().tolist())) == [0, 1]
    values = np.random.default_rng(5).uniform(30, 90, len(table.entry))
    bias = LeastSquares().aggregate(table, values, 100.0).bias
    assert bias is not None
    assert abs(bias[: first.n_judges].sum()) < 1e-8 and abs(bias[first.n_judges :].sum()) < 1e-8


def test_a_ridge_shrinks_the_offsets():
    table, quality, offset = planted_panel()
    values = quality[table.entry] + offset[table.judge]
    plain = LeastSquares().aggregate(table, values, 100.0).bias
    shrunk = LeastSquares(ridge=5.0).aggregate(table, values, 100.0).bias
    assert plain is not None and shrunk is not None
    assert np.abs(shrunk).sum() < np.abs(plain).sum() - 1
    assert abs(shrunk.sum()) < 1e-8


def test_least_squares_keeps_entries_without_sheets_unscored():
    table = table_of([(0, 0), (0, 1), (2, 0), (2, 1)], n_entries=4)
    score = LeastSquares().aggregate(table, np.array([50.0, 60.0, 70.0, 80.0]), 100.0).score
    assert score[[0, 2]] == pytest.approx([55.0, 75.0])
    assert np.isnan(score[[1, 3]]).all()


@pytest.mark.parametrize("name", ["zscore", "least_squares"])
@pytest.mark.parametrize("judge_scale", [False, True])
def test_a_constant_added_to_one_judge_changes_no_order(name: str, judge_scale: bool):
    table, quality, offset = planted_panel(seed=11, n_entries=30)
    rng = np.random.default_rng(4)
    values = quality[table.entry] + offset[table.judge] + rng.normal(0, 3, len(table.entry))
    method = method_for(name, judge_scale=judge_scale)
    before = method.aggregate(table, values, 100.0).score
    after = method.aggregate(table, values + np.where(table.judge == 2, 7.5, 0.0), 100.0).score
    assert np.argsort(before).tolist() == np.argsort(after).tolist()
    # The gap between two entries does not move either, only the common level (and, for z-scores, scale).
    assert np.corrcoef(before, after)[0, 1] == pytest.approx(1.0, abs=1e-9)
