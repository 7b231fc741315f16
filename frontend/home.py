"""What the home page knows of each person: the facts their next steps are made of, gathered through
the domains' services (the steps themselves are pure: frontend/steps.py)."""

from datetime import datetime

from contest.accounts import service as accounts
from contest.accounts import staff
from contest.contests.schemas import ContestOut
from contest.lib.errors import DomainError
from contest.lib.mail import service as mail
from contest.lib.principal import Principal, Role
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds import participants
from contest.rounds.schemas import RoundOut
from contest.submissions import entries
from contest.teams import queries as teams
from frontend.steps import JudgeRound, Step, TeamRound, judge_steps, next_steps, organizer_steps, round_steps
from judging.results import appeals as results
from judging.sheets import service as panel


async def steps_for(
    rt: Runtime, viewer: Principal, contest: ContestOut | None, plan: list[RoundOut]
) -> list[Step]:
    """Every step of this person, in the order they are taken (`plan`: the contest's rounds)."""
    user = await accounts.profile(viewer.user_id)
    team = await teams.my_team(rt, viewer, contest.id) if contest else None
    now = rt.clock.now()
    steps = next_steps(user, contest, team, now)
    if contest is None:
        return steps
    if team is not None:
        steps += round_steps(await _team_rounds(rt, viewer, contest.id, team.id), now)
    if viewer.has_role(Role.JUDGE, contest.id):
        steps += judge_steps(await _judge_rounds(rt, viewer, contest.id), now)
    if viewer.organizes(contest.id):
        steps += await _organizer_steps(viewer, contest.id, plan)
    return steps


async def _team_rounds(rt: Runtime, viewer: Principal, contest_id: int, team_id: int) -> list[TeamRound]:
    found = []
    for seen in await participants.team_rounds(rt, contest_id, team_id):
        entry = await entries.my_entry(rt, viewer, seen.round.id) if seen.takes_part else None
        result = await results.my_result(rt, viewer, seen.round.id)
        found.append(
            TeamRound(
                round_id=seen.round.id,
                name=Name(seen.round.name_zh, seen.round.name_en),
                state=seen.state,
                takes_part=seen.takes_part,
                opens_at=seen.round.opens_at,
                closes_at=seen.grace_ends_at or seen.closes_at,
                submitted=entry is not None and entry.submitted_at is not None and not entry.changed,
                published=result.published,
                notice_ends_at=result.notice_ends_at,
                can_appeal=result.can_appeal,
            )
        )
    return found


async def _judge_rounds(rt: Runtime, viewer: Principal, contest_id: int) -> list[JudgeRound]:
    return [
        JudgeRound(
            name=r.name,
            review_opens_at=r.review_opens_at,
            review_closes_at=r.review_closes_at,
            assigned=r.assigned,
            submitted=r.submitted,
        )
        for r in await panel.panel_rounds(rt, viewer, contest_id)
    ]


async def _organizer_steps(viewer: Principal, contest_id: int, plan: list[RoundOut]) -> list[Step]:
    open_appeals = 0
    for current in plan:
        try:
            open_appeals += sum(1 for a in await results.appeals(viewer, current.id) if a.status == "open")
        except DomainError:  # a regional organizer does not answer appeals
            break
    return organizer_steps(
        len(await staff.pending_teachers(viewer, contest_id)),
        len(await teams.pending_changes(viewer, contest_id)),
        open_appeals,
        await mail.count_failed(viewer) if viewer.organizes_nationally() else 0,
    )


def stages(
    contest: ContestOut | None, plan: list[RoundOut]
) -> list[tuple[Name, str, datetime | None, datetime | None]]:
    """The contest's stages with their dates: registration, then each round's submission window."""
    if contest is None:
        return []
    found: list[tuple[Name, str, datetime | None, datetime | None]] = [
        (Name("报名组队", "Registration"), "registration", contest.registration_opens_at, contest.registration_deadline)
    ]
    found += [(Name(r.name_zh, r.name_en), r.kind, r.opens_at, r.closes_at) for r in plan]
    return found
