from datetime import UTC, datetime, timedelta

import pytest

from contest.teams.rules import (
    TeamRules,
    advisor_confirmation_refusal,
    advisor_refusal,
    join_refusal,
    registration_refusal,
    roster_locked,
)

DEADLINE = datetime(2027, 4, 1, 16, 0, tzinfo=UTC)
RULES = TeamRules(deadline=DEADLINE, opens_at=DEADLINE - timedelta(days=30))


def test_the_lock_is_now_at_or_after_the_deadline():
    assert not roster_locked(RULES, DEADLINE - timedelta(microseconds=1))
    assert roster_locked(RULES, DEADLINE)
    assert not roster_locked(TeamRules(), DEADLINE)


def test_a_teacher_confirms_before_the_lock_or_a_request_made_after_it():
    before, after = DEADLINE - timedelta(hours=1), DEADLINE + timedelta(hours=1)
    assert advisor_confirmation_refusal(RULES, before, before) is None
    assert "locked" in (advisor_confirmation_refusal(RULES, after, before) or "")
    assert advisor_confirmation_refusal(RULES, after + timedelta(days=1), after) is None
    assert advisor_confirmation_refusal(TeamRules(), after, before) is None


def test_registration_window():
    assert registration_refusal(RULES, DEADLINE - timedelta(days=31)) == "Registration has not opened yet."
    assert registration_refusal(RULES, DEADLINE - timedelta(days=1)) is None
    assert "locked" in (registration_refusal(RULES, DEADLINE) or "")


def join(**changes):
    values = dict(
        member_count=1,
        team_university=1,
        joiner_university=1,
        joiner_kind="student",
        joiner_verified=True,
        already_in_team=False,
    )
    values.update(changes)
    return join_refusal(RULES, **values)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, None),
        ({"joiner_kind": "teacher"}, "Only students"),
        ({"joiner_verified": False}, "Verify"),
        ({"already_in_team": True}, "already in a team"),
        ({"member_count": 3}, "full"),
        ({"joiner_university": 2}, "university"),
        ({"joiner_university": None}, "university"),
    ],
)
def test_join_rules(changes, expected):
    refusal = join(**changes)
    assert refusal is None if expected is None else expected in refusal


def test_other_universities_are_allowed_when_the_contest_says_so():
    rules = TeamRules(same_university=False, max_size=5)
    assert (
        join_refusal(
            rules,
            member_count=4,
            team_university=1,
            joiner_university=2,
            joiner_kind="student",
            joiner_verified=True,
            already_in_team=False,
        )
        is None
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, None),
        ({"teacher_kind": "student"}, "must be a teacher"),
        ({"teacher_confirmed": False}, "not yet confirmed"),
        ({"advisor_count": 1}, "at most 1"),
        ({"teacher_university": 9}, "university"),
    ],
)
def test_advisor_rules(changes, expected):
    values = dict(
        advisor_count=0, team_university=1, teacher_university=1, teacher_kind="teacher", teacher_confirmed=True
    )
    values.update(changes)
    refusal = advisor_refusal(RULES, **values)
    assert refusal is None if expected is None else expected in refusal
