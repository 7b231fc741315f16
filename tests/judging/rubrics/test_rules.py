"""Rubric rules: the default criteria, a rubric's consistency, scores in range and on the step."""

import math

import pytest

from judging.rubrics.rules import DEFAULT_CRITERIA, on_step, rubric_problems, score_problems, total


def test_the_default_rubric_totals_one_hundred_and_holds_together():
    assert [c.code for c in DEFAULT_CRITERIA] == ["innovation", "value", "design", "technical", "completeness"]
    assert sum(c.weight for c in DEFAULT_CRITERIA) == 100
    assert rubric_problems(DEFAULT_CRITERIA) == {}


@pytest.mark.parametrize(
    ("value", "step", "expected"),
    [(0.3, 0.1, True), (2.5, 0.5, True), (2.4, 0.5, False), (25, 1, True), (24.999, 1, False), (0, 0.25, True)],
)
def test_on_step(value, step, expected):
    assert on_step(value, step) is expected


def test_inconsistent_criteria_are_named_by_field():
    criteria = [
        DEFAULT_CRITERIA[0],
        DEFAULT_CRITERIA[0].__class__(code="innovation", name_zh="x", name_en="", weight=5, max=7, step=2),
    ]
    problems = rubric_problems(criteria)
    assert set(problems) == {"criteria[1].code", "criteria[1].max"}
    big_step = DEFAULT_CRITERIA[0].__class__(code="a", name_zh="x", name_en="", weight=5, max=2, step=3)
    assert set(rubric_problems([big_step])) == {"criteria[0].step"}


def test_scores_out_of_range_off_step_unknown_or_missing():
    problems = score_problems(
        DEFAULT_CRITERIA,
        {"innovation": 26, "value": 2.5, "design": math.nan, "charisma": 1, "technical": None},
        complete=True,
    )
    assert set(problems) == {"innovation", "value", "design", "charisma", "technical", "completeness"}
    assert problems["value"].params == {"criterion": "value", "step": 1, "score": 2.5}
    assert score_problems(DEFAULT_CRITERIA, {"innovation": 25}, complete=False) == {}


def test_total_is_the_weighted_sum_once_every_criterion_is_scored():
    weights = {c.code: (c.weight, c.max) for c in DEFAULT_CRITERIA}
    assert total(weights, {"innovation": 25}) is None
    assert total(weights, {c.code: c.max / 2 for c in DEFAULT_CRITERIA}) == 50
