"""What every team operation loads and checks first: the team, its contest's rules, its roster."""

from collections.abc import Iterable
from typing import Any

from contest.accounts.schemas import Account
from contest.contests import service as contests
from contest.contests.schemas import ContestOut
from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import chunks, one
from contest.lib.errors import Conflict, DomainError, InvalidState, Msg
from contest.teams.rules import TeamRules, join_refusal, registration_refusal
from contest.teams.tables import ACTIVE_ADVISOR_STATUSES, Team, TeamAdvisor, TeamMember, TeamStatus

INACTIVE = "This team is withdrawn or disqualified."


def rules_of(contest: ContestOut) -> TeamRules:
    return TeamRules(
        min_size=contest.min_team_size,
        max_size=contest.max_team_size,
        max_advisors=contest.max_advisors,
        same_university=contest.same_university,
        opens_at=contest.registration_opens_at,
        deadline=contest.registration_deadline,
    )


async def contest_rules(contest_id: int) -> tuple[ContestOut, TeamRules]:
    contest = await contests.contest(contest_id)
    return contest, rules_of(contest)


async def load_team(team_id: int) -> dict[str, Any]:
    """The team's row with its region (organizer grants are scoped by region)."""
    return await one(
        Team.select(*Team.all_columns(), Team.university._.region.as_alias("region")).where(Team.id == team_id).first(),
        "No such team.",
    )


async def load_teams(team_ids: Iterable[int]) -> list[dict[str, Any]]:
    """`load_team` for many teams in a few queries (ids that name no team are left out)."""
    rows: list[dict[str, Any]] = []
    for chunk in chunks(team_ids):
        rows += await Team.select(*Team.all_columns(), Team.university._.region.as_alias("region")).where(
            Team.id.is_in(chunk)
        )
    return rows


async def member_ids(team_id: int) -> list[int]:
    rows = await TeamMember.select(TeamMember.user).where(TeamMember.team == team_id).order_by(TeamMember.id)
    return [r["user"] for r in rows]


async def advisor_ids(team_id: int) -> list[int]:
    """Teachers advising the team or asked to (they count towards the limit and may read it)."""
    rows = await TeamAdvisor.select(TeamAdvisor.user).where(
        (TeamAdvisor.team == team_id) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES))
    )
    return [r["user"] for r in rows]


async def advisors_of(team_ids: Iterable[int]) -> dict[int, list[int]]:
    """`advisor_ids` for many teams in a few queries (a team without one maps to [])."""
    found: dict[int, list[int]] = {}
    for chunk in chunks(team_ids):
        rows = await TeamAdvisor.select(TeamAdvisor.team, TeamAdvisor.user).where(
            TeamAdvisor.team.is_in(chunk) & TeamAdvisor.status.is_in(list(ACTIVE_ADVISOR_STATUSES))
        )
        for row in rows:
            found.setdefault(row["team"], []).append(row["user"])
        for team_id in chunk:
            found.setdefault(team_id, [])
    return found


def refuse(message: Msg | str | None, error: type[DomainError] = InvalidState) -> None:
    if message:
        raise error(message)


def require_active(team: dict[str, Any]) -> None:
    if team["status"] != TeamStatus.ACTIVE.value:
        raise InvalidState(INACTIVE)


async def open_roster(clock: Clock, team: dict[str, Any]) -> tuple[ContestOut, TeamRules]:
    """The team's contest and rules, refusing when the team is not active or the roster is locked."""
    require_active(team)
    contest, rules = await contest_rules(team["contest"])
    refuse(registration_refusal(rules, clock.now()))
    return contest, rules


async def check_joiner(rules: TeamRules, team: dict[str, Any], person: Account, members: int) -> None:
    """Refuse (Conflict) when this person may not join this team."""
    already = await TeamMember.exists().where((TeamMember.contest == team["contest"]) & (TeamMember.user == person.id))
    refusal = join_refusal(
        rules,
        member_count=members,
        team_university=team["university"],
        joiner_university=person.university_id,
        joiner_kind=person.kind,
        joiner_verified=person.verified,
        already_in_team=already,
    )
    refuse(refusal, Conflict)


async def add_member(clock: Clock, team: dict[str, Any], user_id: int, actor_id: int | None, how: str) -> None:
    """Put a person on the roster (the caller has checked `check_joiner`)."""
    await TeamMember.insert(TeamMember(team=team["id"], user=user_id, contest=team["contest"], joined_at=clock.now()))
    await audit.record(
        clock,
        actor_id=actor_id,
        action=f"team.member_add.{how}",
        object_type="team",
        object_id=team["id"],
        after={"user": user_id},
    )
