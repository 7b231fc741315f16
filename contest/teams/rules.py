"""Team rules as pure functions: plain data in, a refusal message (or None) out.

The service loads rows and asks these; keeping them pure makes every rule testable alone.
"""

from datetime import datetime

import msgspec

from contest.lib.errors import Msg


class TeamRules(msgspec.Struct, frozen=True, kw_only=True):
    """A contest's configurable team rules (defaults from the contest's public rules)."""

    min_size: int = 1
    max_size: int = 3
    max_advisors: int = 1
    same_university: bool = True
    opens_at: datetime | None = None
    deadline: datetime | None = None


def roster_locked(rules: TeamRules, now: datetime) -> bool:
    """The registration deadline locks every roster: `now >= deadline` on the injected clock."""
    return rules.deadline is not None and now >= rules.deadline


def registration_refusal(rules: TeamRules, now: datetime) -> Msg | str | None:
    if rules.opens_at is not None and now < rules.opens_at:
        return "Registration has not opened yet."
    if roster_locked(rules, now):
        return "The registration deadline has passed; rosters are locked. Ask for a change request instead."
    return None


def advisor_confirmation_refusal(rules: TeamRules, now: datetime, requested_at: datetime) -> Msg | str | None:
    """A teacher confirms before the lock; after it, only a request made after the deadline, which
    only an accepted change request can make (the organizers lifted the lock for it)."""
    if roster_locked(rules, now) and not roster_locked(rules, requested_at):
        return "The registration deadline has passed; rosters are locked. Ask for a change request instead."
    return None


def join_refusal(
    rules: TeamRules,
    *,
    member_count: int,
    team_university: int,
    joiner_university: int | None,
    joiner_kind: str,
    joiner_verified: bool,
    already_in_team: bool,
) -> Msg | str | None:
    """Why this person may not join this team (None when they may)."""
    if joiner_kind != "student":
        return "Only students can be team members."
    if not joiner_verified:
        return "Verify your e-mail address first."
    if already_in_team:
        return "You are already in a team of this contest."
    if member_count >= rules.max_size:
        return Msg("The team is full ({max} members at most).", {"max": rules.max_size})
    if rules.same_university and joiner_university != team_university:
        return "Team members must be from the team's university."
    return None


def advisor_refusal(
    rules: TeamRules,
    *,
    advisor_count: int,
    team_university: int,
    teacher_university: int | None,
    teacher_kind: str,
    teacher_confirmed: bool,
) -> Msg | str | None:
    """Why this person may not advise this team (None when they may)."""
    if teacher_kind != "teacher":
        return "An advisor must be a teacher."
    if not teacher_confirmed:
        return "This teacher's account is not yet confirmed."
    if advisor_count >= rules.max_advisors:
        return Msg("A team has at most {max} advisor(s).", {"max": rules.max_advisors})
    if rules.same_university and teacher_university != team_university:
        return "The advisor must be a teacher of the team's university."
    return None
