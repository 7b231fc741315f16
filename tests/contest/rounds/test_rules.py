"""The round rules alone: one team's window, what it allows at each instant, settings, defaults."""

from datetime import UTC, datetime, timedelta

import pytest

from contest.rounds.rules import (
    DEFAULT_ROUNDS,
    DEFAULT_SLOTS,
    Window,
    entry_refusal,
    extension_refusal,
    finish_refusal,
    issue_refusal,
    pin_due,
    round_problems,
    state,
)

OPENS = datetime(2027, 4, 1, tzinfo=UTC)
CLOSES = datetime(2027, 5, 1, 16, 0, tzinfo=UTC)
MS = timedelta(milliseconds=1)
SETTLE = timedelta(minutes=15)


def window(grace=0, extra=0):
    return Window(opens_at=OPENS, closes_at=CLOSES, grace_minutes=grace, extra_minutes=extra)


def test_the_close_is_exclusive_to_the_millisecond():
    assert issue_refusal(window(), CLOSES - MS) is None
    assert "deadline passed" in str(issue_refusal(window(), CLOSES))
    assert finish_refusal(window(), CLOSES - MS, started_at=CLOSES - timedelta(hours=1)) is None
    assert finish_refusal(window(), CLOSES + MS, started_at=CLOSES - timedelta(hours=1)) is not None
    assert entry_refusal(window(), CLOSES - MS) is None and entry_refusal(window(), CLOSES + MS) is not None


def test_grace_lets_only_uploads_started_before_the_close_finish():
    grace = window(grace=30)
    end = CLOSES + timedelta(minutes=30)
    assert state(grace, CLOSES + MS) == "grace"
    assert issue_refusal(grace, CLOSES + MS) is not None
    assert finish_refusal(grace, end - MS, started_at=CLOSES - MS) is None
    assert finish_refusal(grace, end + MS, started_at=CLOSES - MS) is not None
    assert finish_refusal(grace, CLOSES + MS, started_at=CLOSES) is not None
    assert entry_refusal(grace, end - MS) is None and entry_refusal(grace, end) is not None


def test_an_extension_moves_the_teams_close():
    extended = window(extra=90)
    assert extended.close == CLOSES + timedelta(minutes=90)
    assert issue_refusal(extended, CLOSES + timedelta(minutes=89)) is None
    assert issue_refusal(extended, CLOSES + timedelta(minutes=90)) is not None


def test_before_the_window_and_without_one():
    assert "open at" in str(issue_refusal(window(), OPENS - MS))
    assert issue_refusal(window(), OPENS) is None
    unscheduled = Window(opens_at=None, closes_at=None)
    assert state(unscheduled, OPENS) == "unscheduled"
    assert "not scheduled" in str(issue_refusal(unscheduled, OPENS))
    assert not pin_due(unscheduled, OPENS, SETTLE)


def test_entries_are_pinned_once_grace_and_every_handed_out_address_are_over():
    assert not pin_due(window(), CLOSES + SETTLE - MS, SETTLE)
    assert pin_due(window(), CLOSES + SETTLE, SETTLE)
    assert not pin_due(window(grace=60), CLOSES + timedelta(minutes=59), SETTLE)
    assert pin_due(window(grace=60), CLOSES + timedelta(minutes=60), SETTLE)
    assert extension_refusal(window(), CLOSES + SETTLE - MS, SETTLE) is None
    assert extension_refusal(window(), CLOSES + SETTLE, SETTLE) is not None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name_zh": ""}, "name_zh"),
        ({"name_zh": "初赛", "opens_at": CLOSES, "closes_at": OPENS}, "closes_at"),
        ({"name_zh": "初赛", "opens_at": OPENS}, "closes_at"),
        ({"name_zh": "初赛", "grace_minutes": 24 * 60 + 1}, "grace_minutes"),
        ({"name_zh": "初赛", "opens_at": OPENS, "closes_at": CLOSES, "review_opens_at": OPENS}, "review_opens_at"),
    ],
)
def test_inconsistent_settings_are_named(values, field):
    assert field in round_problems(values)


def test_consistent_settings_pass():
    values = {"name_zh": "初赛", "opens_at": OPENS, "closes_at": CLOSES, "review_opens_at": CLOSES, "grace_minutes": 30}
    assert round_problems(values) == {}


def test_the_defaults_are_the_published_rules():
    assert [(r.kind, r.scope, r.blind, r.all_teams) for r in DEFAULT_ROUNDS] == [
        ("online", "regional", True, True),
        ("online", "national", False, False),
        ("onsite", "national", False, False),
    ]
    limits = {s.code: (s.kind, s.max_mb, s.max_duration_s) for s in DEFAULT_SLOTS}
    assert limits == {
        "design_document": ("pdf", 10, None),
        "demo_video": ("video", 300, 180),
        "code_package": ("zip", 100, None),
        "code_image": ("image", 5, None),
        "appid": ("appid", None, None),
    }
