"""Judge analytics on hand-computed cases: leniency, straight-lining, time per entry, agreement."""

from datetime import UTC, datetime, timedelta

import pytest

from judging.analytics import judge_analytics
from judging.ranking import Criterion, InputError, RankingInput, Sheet

# Innovation is out of 10, technical out of 20: equal fractions of the maximum are not equal scores.
RUBRIC = [Criterion(id="innovation", weight=50, max=10), Criterion(id="technical", weight=50, max=20)]
START = datetime(2027, 5, 1, 8, tzinfo=UTC)


def sheet(entry: str, judge: str, innovation: float, technical: float, minutes: float | None = None) -> Sheet:
    times = {} if minutes is None else {"opened_at": START, "submitted_at": START + timedelta(minutes=minutes)}
    return Sheet(entry=entry, judge=judge, scores={"innovation": innovation, "technical": technical}, **times)


def by_judge(sheets: list[Sheet], criteria: list[Criterion] = RUBRIC):
    return {item.judge: item for item in judge_analytics(RankingInput(criteria=criteria, sheets=sheets)).judges}


def test_leniency_is_the_mean_deviation_from_the_panels_entry_means():
    # Totals: a: j1 70, j2 80 (mean 75); b: j1 60, j2 60, j3 90 (mean 70); c: j3 alone (not counted).
    sheets = [
        sheet("a", "j1", 7, 14),
        sheet("a", "j2", 8, 16),
        sheet("b", "j1", 6, 12),
        sheet("b", "j2", 6, 12),
        sheet("b", "j3", 9, 18),
        sheet("c", "j3", 5, 10),
    ]
    judges = by_judge(sheets)
    assert (judges["j1"].leniency, judges["j1"].leniency_entries) == (-7.5, 2)
    assert (judges["j2"].leniency, judges["j2"].leniency_entries) == (-2.5, 2)
    assert (judges["j3"].leniency, judges["j3"].leniency_entries) == (20.0, 1)
    alone = by_judge([sheet("a", "j1", 7, 14)])
    assert alone["j1"].leniency is None and alone["j1"].leniency_entries == 0


def test_straight_lining_counts_sheets_with_every_criterion_at_the_same_fraction():
    sheets = [
        sheet("a", "j1", 5, 10),  # 50% and 50%
        sheet("b", "j1", 10, 20),  # 100% and 100%
        sheet("c", "j1", 5, 5),  # equal scores, different fractions
        sheet("d", "j1", 7, 9),
        sheet("a", "j2", 6, 11),
    ]
    judges = by_judge(sheets)
    assert (judges["j1"].straight_lined, judges["j1"].straight_line_share) == (2, 0.5)
    assert (judges["j2"].straight_lined, judges["j2"].straight_line_share) == (0, 0.0)
    single = by_judge(
        [Sheet(entry="a", judge="j1", scores={"total": 50})], [Criterion(id="total", weight=100, max=100)]
    )
    assert single["j1"].straight_line_share is None


def test_time_per_entry_uses_the_sheets_that_carry_both_times():
    sheets = [
        sheet("a", "j1", 5, 10, minutes=10),
        sheet("b", "j1", 5, 10, minutes=20),
        sheet("c", "j1", 5, 10, minutes=60),
        sheet("d", "j1", 5, 10),
        sheet("a", "j2", 5, 10),
    ]
    judges = by_judge(sheets)
    assert (judges["j1"].timed_sheets, judges["j1"].median_seconds, judges["j1"].mean_seconds) == (3, 1200.0, 1800.0)
    assert (judges["j2"].timed_sheets, judges["j2"].median_seconds, judges["j2"].mean_seconds) == (0, None, None)


def test_agreement_is_the_correlation_with_the_other_judges_means():
    # j1, j2 and j4 move together on a..d; j3 scores against them; e is seen by j1 alone.
    rows = {"a": (9, 8, 3, 9), "b": (7, 7, 5, 6), "c": (5, 5, 6, 5), "d": (3, 4, 8, 2)}
    sheets = [
        sheet(entry, judge, score, 2 * score)
        for entry, scores in rows.items()
        for judge, score in zip(("j1", "j2", "j3", "j4"), scores, strict=True)
    ]
    sheets.append(sheet("e", "j1", 1, 2))
    judges = by_judge(sheets)
    assert judges["j1"].agreement_entries == 4
    # j1's others average 66.67, 60, 53.33, 46.67 against its 90, 70, 50, 30: exactly linear.
    assert judges["j1"].agreement == 1.0
    assert judges["j3"].agreement is not None and judges["j3"].agreement < -0.9
    # Two judges only: each one's "others" is the other judge, so the correlation is symmetric.
    pair = by_judge([s for s in sheets if s.judge in ("j1", "j2")])
    assert pair["j1"].agreement == pytest.approx(pair["j2"].agreement)


def test_agreement_is_none_on_too_few_entries_or_without_variation():
    few = by_judge([sheet("a", "j1", 5, 10), sheet("a", "j2", 6, 12), sheet("b", "j1", 7, 14), sheet("b", "j2", 8, 16)])
    assert few["j1"].agreement is None and few["j1"].agreement_entries == 2
    flat_rows = [(entry, judge) for entry in "abcd" for judge in ("j1", "j2")]
    flat = by_judge(
        [sheet(entry, judge, 5 if judge == "j1" else "abcd".index(entry), 10) for entry, judge in flat_rows]
    )
    assert flat["j1"].agreement is None and flat["j2"].agreement is None


def test_analytics_refuse_the_same_invalid_input_as_the_ranking():
    with pytest.raises(InputError) as refused:
        judge_analytics(RankingInput(criteria=RUBRIC, sheets=[sheet("a", "j1", 11, 10)]))
    assert refused.value.reason.id == "ranking_score_out_of_range"
