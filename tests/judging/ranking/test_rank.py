"""Ranking through the plain-data interface: totals, ranks and ties, missing sheets, flags, refusals."""

import random
from datetime import UTC, datetime

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.ranking import Criterion, InputError, RankingInput, Sheet, decode_input, rank

RUBRIC = [Criterion(id="innovation", weight=25, max=10), Criterion(id="technical", weight=75, max=10)]
TOTAL = [Criterion(id="total", weight=100, max=100)]


def sheet(entry: str, judge: str, **scores: float) -> Sheet:
    return Sheet(entry=entry, judge=judge, scores=scores)


def totals(rows: dict[str, dict[str, float]]) -> list[Sheet]:
    """Sheets scoring the single criterion `total` (0..100), rows: entry -> judge -> total."""
    return [sheet(entry, judge, total=value) for entry, by_judge in rows.items() for judge, value in by_judge.items()]


def by_entry(result):
    return {item.entry: item for item in result.entries}


def test_a_sheet_total_is_the_weighted_sum_of_its_scores_over_their_maxima():
    data = RankingInput(criteria=RUBRIC, sheets=[sheet("t1", "j1", innovation=8.5, technical=6)])
    result = rank(data)
    assert result.total_max == 100
    assert result.entries[0].score == pytest.approx(25 * 8.5 / 10 + 75 * 6 / 10)


def test_ties_share_a_rank_and_the_next_rank_skips():
    rows = {"a": {"j1": 80}, "b": {"j1": 70}, "c": {"j1": 70}, "d": {"j1": 60}}
    result = rank(RankingInput(criteria=TOTAL, sheets=totals(rows)))
    assert [(item.entry, item.rank) for item in result.entries] == [("a", 1), ("b", 2), ("c", 2), ("d", 4)]
    assert all(item.tie_break == {} for item in result.entries)


def test_the_declared_criteria_break_a_tie_in_order_then_it_stays_a_tie():
    criteria = [
        Criterion(id="innovation", weight=40, max=10),
        Criterion(id="technical", weight=40, max=10),
        Criterion(id="design", weight=20, max=10),
    ]
    # All total 60; x and y also tie on technical, and are split by innovation; z and w tie on both.
    sheets = [
        sheet("x", "j1", innovation=7, technical=5, design=6),
        sheet("y", "j1", innovation=5, technical=5, design=10),
        sheet("z", "j1", innovation=4, technical=7, design=8),
        sheet("w", "j1", innovation=4, technical=7, design=8),
        sheet("top", "j1", innovation=10, technical=10, design=10),
    ]
    result = rank(RankingInput(criteria=criteria, sheets=sheets, tie_break=["technical", "innovation"]))
    assert [(item.entry, item.rank) for item in result.entries] == [
        ("top", 1),
        ("w", 2),
        ("z", 2),
        ("x", 4),
        ("y", 5),
    ]
    tied = by_entry(result)
    assert tied["x"].tie_break == {"technical": 20.0, "innovation": 28.0}
    assert tied["top"].tie_break == {}


def test_the_tie_break_uses_the_same_method_per_criterion():
    # Under the trimmed mean, entry a's innovation 0 from j5 is dropped; its total ties with b's.
    criteria = [Criterion(id="innovation", weight=50, max=10), Criterion(id="technical", weight=50, max=10)]
    scores_a = [(6, 6), (6, 6), (6, 6), (6, 6), (0, 10)]
    scores_b = [(5, 7), (5, 7), (5, 7), (5, 7), (5, 7)]
    sheets = [sheet("a", f"j{n}", innovation=i, technical=t) for n, (i, t) in enumerate(scores_a)]
    sheets += [sheet("b", f"j{n}", innovation=i, technical=t) for n, (i, t) in enumerate(scores_b)]
    data = RankingInput(criteria=criteria, sheets=sheets, method="trimmed", tie_break=["innovation"])
    result = rank(data)
    assert [item.score for item in result.entries] == [60.0, 60.0]
    assert [(item.entry, item.rank) for item in result.entries] == [("a", 1), ("b", 2)]
    assert by_entry(result)["a"].tie_break == {"innovation": 30.0}


def test_missing_sheets_are_counted_and_an_entry_without_any_is_listed_unranked():
    rows = {"a": {"j1": 70, "j2": 80}, "b": {"j1": 60}}
    data = RankingInput(criteria=TOTAL, sheets=totals(rows), expected={"a": 2, "b": 3, "c": 3})
    result = rank(data)
    assert [(item.entry, item.rank, item.sheets, item.missing) for item in result.entries] == [
        ("a", 1, 2, 0),
        ("b", 2, 1, 2),
        ("c", None, 0, 3),
    ]
    unranked = result.entries[-1]
    assert unranked.score is None and unranked.spread is None and not unranked.flagged


def test_no_sheets_at_all_lists_every_expected_entry_unranked():
    result = rank(RankingInput(criteria=TOTAL, sheets=[], expected={"a": 3}))
    assert [(item.entry, item.rank, item.missing) for item in result.entries] == [("a", None, 3)]
    assert result.judges == []


def test_an_entry_is_flagged_when_its_spread_exceeds_the_threshold():
    rows = {"wide": {"j1": 50, "j2": 90}, "edge": {"j1": 60, "j2": 80}, "alone": {"j1": 10}}
    result = by_entry(rank(RankingInput(criteria=TOTAL, sheets=totals(rows), flag_threshold=0.2)))
    assert (result["wide"].spread, result["wide"].flagged) == (0.4, True)
    assert (result["edge"].spread, result["edge"].flagged) == (0.2, False)  # not above the threshold
    assert (result["alone"].spread, result["alone"].flagged) == (0.0, False)
    looser = by_entry(rank(RankingInput(criteria=TOTAL, sheets=totals(rows), flag_threshold=0.5)))
    assert not looser["wide"].flagged


def test_judges_are_reported_with_bias_and_scale_where_the_method_has_them():
    rows = {"a": {"j1": 60, "j2": 70}, "b": {"j1": 80, "j2": 74}}
    for method, has_scale in [("mean", False), ("trimmed", False), ("zscore", True), ("least_squares", False)]:
        result = rank(RankingInput(criteria=TOTAL, sheets=totals(rows), method=method))
        assert [judge.judge for judge in result.judges] == ["j1", "j2"]
        assert all(judge.sheets == 2 and judge.bias is not None for judge in result.judges)
        assert all((judge.scale is not None) == has_scale for judge in result.judges)
    scaled = rank(RankingInput(criteria=TOTAL, sheets=totals(rows), method="least_squares", judge_scale=True))
    assert all(judge.scale is not None for judge in scaled.judges)
    # The panel mean of a is 65: j1 sits 5 below it on a, 3 above on b (mean 77): bias -1.
    mean = rank(RankingInput(criteria=TOTAL, sheets=totals(rows)))
    assert [judge.bias for judge in mean.judges] == [-1.0, 1.0]


def test_calibration_changes_the_order_where_a_harsh_judge_saw_one_entry():
    # j3 is 10 points harsher than j1 and j2 on the entries they share; entry d saw only j3.
    rows = {
        "a": {"j1": 70, "j2": 72, "j3": 61},
        "b": {"j1": 60, "j2": 62, "j3": 51},
        "c": {"j1": 66, "j2": 66},
        "d": {"j3": 58},
    }
    mean = [item.entry for item in rank(RankingInput(criteria=TOTAL, sheets=totals(rows))).entries]
    calibrated = rank(RankingInput(criteria=TOTAL, sheets=totals(rows), method="least_squares"))
    assert mean == ["a", "c", "d", "b"]
    assert [item.entry for item in calibrated.entries] == ["a", "d", "c", "b"]


# (entry, judge, innovation and technical in half points)
panels = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 3), st.integers(0, 20), st.integers(0, 20)),
    min_size=1,
    max_size=25,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(max_examples=40, deadline=None)
@given(panels, st.sampled_from(["mean", "trimmed", "zscore", "least_squares"]), st.randoms(use_true_random=False))
def test_permuting_the_input_changes_nothing(rows, method, shuffler: random.Random):
    sheets = [sheet(f"e{e}", f"j{j}", innovation=a / 2, technical=b / 2) for e, j, a, b in rows]
    data = RankingInput(criteria=RUBRIC, sheets=sheets, method=method, tie_break=["technical"], trim_min_sheets=3)
    shuffled_sheets = shuffler.sample(sheets, len(sheets))
    shuffled = RankingInput(
        criteria=list(reversed(RUBRIC)),
        sheets=shuffled_sheets,
        method=method,
        tie_break=["technical"],
        trim_min_sheets=3,
    )
    assert rank(shuffled) == rank(data)


def test_the_input_decodes_from_the_documented_json():
    raw = b"""{"criteria": [{"id": "innovation", "weight": 25, "max": 10}],
               "sheets": [{"entry": "t1", "judge": "j1", "scores": {"innovation": 8.5},
                           "opened_at": "2027-05-01T08:00:00Z", "submitted_at": "2027-05-01T16:20:00+08:00"}],
               "method": "zscore", "tie_break": ["innovation"], "expected": {"t1": 3}, "flag_threshold": 0.3}"""
    data = decode_input(raw)
    assert data.method == "zscore" and data.expected == {"t1": 3} and data.sheets[0].scores == {"innovation": 8.5}
    assert msgspec.json.decode(msgspec.json.encode(rank(data)))["entries"][0] == {
        "entry": "t1",
        "score": 21.25,
        "rank": 1,
        "sheets": 1,
        "missing": 2,
        "spread": 0.0,
        "flagged": False,
        "tie_break": {},
    }


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b"{", "not valid"),
        (b'{"criteria": [], "sheets": [], "method": "median"}', "$.method"),
        (b'{"criteria": [], "sheets": [], "methd": "mean"}', "methd"),
        (b'{"criteria": [{"id": "a", "weight": 1}], "sheets": []}', "max"),
        (b'{"criteria": [], "sheets": [{"entry": 1, "judge": "j", "scores": {}}]}', "$.sheets[0].entry"),
        (
            b'{"criteria": [], "sheets": [{"entry": "e", "judge": "j", "scores": {}, "opened_at": "2027-05-01T08:00:00"}]}',
            "opened_at",
        ),
    ],
)
def test_malformed_json_is_refused_with_where(raw: bytes, needle: str):
    with pytest.raises(InputError) as refused:
        decode_input(raw)
    assert refused.value.reason.id == "ranking_bad_input"
    assert needle in str(refused.value)


def refusal(**changes) -> str:
    base = {
        "criteria": RUBRIC,
        "sheets": [sheet("t1", "j1", innovation=5, technical=5)],
    }
    with pytest.raises(InputError) as refused:
        rank(RankingInput(**{**base, **changes}))
    return refused.value.reason.id


def test_invalid_input_is_refused_with_a_message_id():
    opened = datetime(2027, 5, 1, 8, tzinfo=UTC)
    assert refusal(criteria=[]) == "ranking_no_criteria"
    assert refusal(criteria=[*RUBRIC, RUBRIC[0]]) == "ranking_criterion_twice"
    assert refusal(criteria=[Criterion(id="innovation", weight=25, max=0), RUBRIC[1]]) == "ranking_criterion_bounds"
    assert refusal(tie_break=["design"]) == "ranking_unknown_tie_break"
    assert refusal(sheets=[sheet("t1", "j1", innovation=5, technical=5, design=3)]) == "ranking_unknown_score"
    assert refusal(sheets=[sheet("t1", "j1", innovation=5)]) == "ranking_missing_score"
    assert refusal(sheets=[sheet("t1", "j1", innovation=10.5, technical=5)]) == "ranking_score_out_of_range"
    assert refusal(sheets=[sheet("t1", "j1", innovation=-1, technical=5)]) == "ranking_score_out_of_range"
    assert refusal(sheets=[sheet("t1", "j1", innovation=float("nan"), technical=5)]) == "ranking_score_out_of_range"
    assert refusal(sheets=[sheet("t1", "j1", innovation=5, technical=5)] * 2) == "ranking_sheet_twice"
    backwards = Sheet(
        entry="t1",
        judge="j1",
        scores={"innovation": 5, "technical": 5},
        opened_at=opened,
        submitted_at=opened.replace(hour=7),
    )
    assert refusal(sheets=[backwards]) == "ranking_submitted_before_opened"
    assert refusal(expected={"t1": -1}) == "ranking_bad_expected"
    assert refusal(flag_threshold=-0.1) == "option_at_least"
    assert refusal(trim_min_sheets=2) == "option_at_least"
    assert refusal(ridge=float("inf")) == "option_at_least"


def test_a_refusal_names_the_sheet_and_the_limit():
    with pytest.raises(InputError) as refused:
        rank(RankingInput(criteria=RUBRIC, sheets=[sheet("t7", "j3", innovation=11, technical=5)]))
    assert str(refused.value) == "The sheet of judge j3 on entry t7 gives innovation a score of 11, outside 0 to 10."
