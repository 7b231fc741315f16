"""Conflicts of interest: organizers add them, judges declare them (a university, or an entry assigned
to them), and the console explains why any judge may not review any team.

A conflict that touches published pairs takes effect at once: those pairs end (unless the judge's
review is in) and the round is repaired (`judging.assignment.repair`). A judge recuses from an entry in
the judge panel (the score sheets), which calls `recused` here.
"""

from typing import Any

from contest.accounts import service as accounts
from contest.accounts import sessions
from contest.lib.audit import service as audit
from contest.lib.db import write_transaction
from contest.lib.errors import InvalidInput, NotFound
from contest.lib.principal import SYSTEM, Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.regions import service as regions
from contest.rounds import service as rounds
from contest.teams import advisors
from contest.teams import queries as teams_queries
from contest.teams.queries import TeamFilter
from judging.assignment import access as assignment_access
from judging.assignment import queries as assignment
from judging.assignment import repair
from judging.assignment.tables import PairStatus, ReassignmentReason
from judging.conflicts import queries
from judging.conflicts.rules import JudgeSide, Stated, TeamSide, reasons
from judging.conflicts.schemas import (
    ConflictIn,
    ConflictOut,
    DeclareIn,
    JudgeConflictsOut,
    PairReasonsOut,
    ReasonOut,
    RemoveIn,
)
from judging.conflicts.tables import Conflict, ConflictSource
from judging.judges import queries as judges
from judging.judges.schemas import JudgeOut
from judging.sheets import service as sheets
from judging.teams import TeamFacts, team_facts

EVERY_TEAM = 100_000


async def _out(rows: list[dict[str, Any]], contest_id: int) -> list[ConflictOut]:
    people = await accounts.accounts(
        sorted({r["judge"] for r in rows} | {r["created_by"] for r in rows if r["created_by"]})
    )
    teams = await team_facts(contest_id, sorted({r["team"] for r in rows if r["team"]}))
    universities = {}
    for university_id in sorted({r["university"] for r in rows if r["university"]}):
        found = await regions.university(university_id)
        universities[university_id] = Name(found.name_zh, found.name_en)
    return [
        ConflictOut(
            id=r["id"],
            judge_id=r["judge"],
            judge=people[r["judge"]].name if r["judge"] in people else str(r["judge"]),
            team_id=r["team"],
            team=teams[r["team"]].name if r["team"] in teams else None,
            university_id=r["university"],
            university=universities.get(r["university"]),
            source=r["source"],
            reason=r["reason"],
            created_by=people[r["created_by"]].name if r["created_by"] in people else "",
            created_at=r["created_at"],
        )
        for r in rows
    ]


async def _affected(
    judge_id: int, team_id: int | None, university_id: int | None, contest_id: int
) -> dict[int, set[int]]:
    """The rounds where the judge reviews a team the conflict covers, with those teams."""
    found: dict[int, set[int]] = {}
    active = await assignment.active_of_judge(judge_id)
    facts = await team_facts(contest_id, sorted({t for _, t in active}))
    for round_id, team in active:
        if team in facts and (team == team_id or facts[team].university_id == university_id):
            found.setdefault(round_id, set()).add(team)
    return found


async def _insert(
    rt: Runtime,
    actor: Principal,
    contest_id: int,
    judge_id: int,
    source: ConflictSource,
    *,
    team_id: int | None,
    university_id: int | None,
    reason: str,
) -> int:
    """Store a conflict, end the published pairs it forbids and repair their rounds."""
    if (team_id is None) == (university_id is None):
        raise InvalidInput("Name one team or one university.", {"team_id": "one of team and university"})
    if team_id is not None and not await team_facts(contest_id, [team_id]):
        raise InvalidInput("This team is not in this contest.", {"team_id": "unknown"})
    if university_id is not None and not await regions.university_exists(university_id):
        raise InvalidInput("Unknown university.", {"university_id": "unknown"})
    same = (Conflict.contest == contest_id) & (Conflict.judge == judge_id) & Conflict.removed_at.is_null()
    same &= Conflict.team == team_id if team_id is not None else Conflict.university == university_id
    existing = await Conflict.select(Conflict.id).where(same).first()
    if existing is not None:
        return int(existing["id"])
    rows = await Conflict.insert(
        Conflict(
            contest=contest_id,
            judge=judge_id,
            team=team_id,
            university=university_id,
            source=source.value,
            reason=reason,
            created_by=audit_id(actor),
            created_at=rt.clock.now(),
        )
    )
    conflict_id = int(rows[0]["id"])
    for round_id, teams in sorted((await _affected(judge_id, team_id, university_id, contest_id)).items()):
        await repair.rules_changed(rt.clock, [round_id], {(t, judge_id) for t in teams}, actor)
    await audit.record(
        rt.clock,
        actor_id=audit_id(actor),
        action=f"conflict.{source.value}",
        object_type="conflict",
        object_id=conflict_id,
        after={"judge": judge_id, "team": team_id, "university": university_id, "contest": contest_id},
        reason=reason,
    )
    return conflict_id


async def add_conflict(rt: Runtime, actor: Principal, contest_id: int, data: ConflictIn) -> ConflictOut:
    """An organizer of the judge's region adds a conflict for them (a team, or a university)."""
    async with write_transaction():
        judge = await judges.judge_for(actor, contest_id, data.judge_id)
        conflict_id = await _insert(
            rt,
            actor,
            contest_id,
            judge.user_id,
            ConflictSource.ORGANIZER,
            team_id=data.team_id,
            university_id=data.university_id,
            reason=data.reason,
        )
    return await _one(contest_id, conflict_id)


async def declare(rt: Runtime, actor: Principal, contest_id: int, data: DeclareIn) -> ConflictOut:
    """A judge declares that they may not review any team of a university."""
    assignment_access.require_judge(actor, contest_id)
    async with write_transaction():
        conflict_id = await _insert(
            rt,
            actor,
            contest_id,
            actor.user_id,
            ConflictSource.DECLARED,
            team_id=None,
            university_id=data.university_id,
            reason=data.reason,
        )
    return await _one(contest_id, conflict_id)


async def recused(rt: Runtime, actor: Principal, round_id: int, team_id: int, reason: str) -> None:
    """A judge stepped back from an entry in the judge panel (the score sheets call this inside their
    transaction): it is a declared conflict with the team, the pair ends and the round is repaired."""
    round_row = await rounds.round_row(round_id)
    contest_id = int(round_row["contest"])
    same = (Conflict.contest == contest_id) & (Conflict.judge == actor.user_id) & (Conflict.team == team_id)
    if not await Conflict.exists().where(same & Conflict.removed_at.is_null()):
        await Conflict.insert(
            Conflict(
                contest=contest_id,
                judge=actor.user_id,
                team=team_id,
                source=ConflictSource.DECLARED.value,
                reason=reason,
                created_by=actor.user_id,
                created_at=rt.clock.now(),
            )
        )
    ended = await repair.end_pairs(rt.clock, round_id, {(team_id, actor.user_id)}, PairStatus.RECUSED, "recused")
    if ended:
        await repair.queue_repair(rt.clock, round_id, ReassignmentReason.RECUSAL, actor)
    await audit.record(
        rt.clock,
        actor_id=audit_id(actor),
        action="conflict.recuse",
        object_type="round",
        object_id=round_id,
        after={"team": team_id, "judge": actor.user_id, "ended": bool(ended)},
        reason=reason,
    )


# A recusal in the judge panel is a declared conflict here.
sheets.on_recusal(recused)


async def remove_conflict(rt: Runtime, actor: Principal, contest_id: int, conflict_id: int, data: RemoveIn) -> None:
    """An organizer removes a conflict (kept on record); later runs may pair the two again."""
    async with write_transaction():
        row = (
            await Conflict.select()
            .where((Conflict.id == conflict_id) & (Conflict.contest == contest_id) & Conflict.removed_at.is_null())
            .first()
        )
        if row is None:
            raise NotFound("No such conflict.")
        await judges.judge_for(actor, contest_id, row["judge"])
        await Conflict.update({Conflict.removed_at: rt.clock.now(), Conflict.removed_by: audit_id(actor)}).where(
            Conflict.id == conflict_id
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="conflict.remove",
            object_type="conflict",
            object_id=conflict_id,
            before={"judge": row["judge"], "team": row["team"], "university": row["university"]},
            reason=data.reason,
        )


async def _one(contest_id: int, conflict_id: int) -> ConflictOut:
    rows = await Conflict.select().where(Conflict.id == conflict_id)
    return (await _out(rows, contest_id))[0]


async def conflicts_of(actor: Principal, contest_id: int, judge_id: int | None = None) -> list[ConflictOut]:
    """The declared and organizers' conflicts in force of the judges the actor manages."""
    managed = {j.user_id for j in await judges.judges_for(actor, contest_id)}
    where = (
        (Conflict.contest == contest_id) & Conflict.removed_at.is_null() & Conflict.judge.is_in(sorted(managed) or [0])
    )
    if judge_id is not None:
        where &= Conflict.judge == judge_id
    return await _out(await Conflict.select().where(where).order_by(Conflict.id), contest_id)


async def my_conflicts(actor: Principal, contest_id: int) -> list[ConflictOut]:
    """The conflicts in force that concern the judge themselves."""
    assignment_access.require_judge(actor, contest_id)
    where = (Conflict.contest == contest_id) & Conflict.removed_at.is_null() & (Conflict.judge == actor.user_id)
    return await _out(await Conflict.select().where(where).order_by(Conflict.id), contest_id)


def _side(team: TeamFacts) -> TeamSide:
    return TeamSide(
        team_id=team.team_id, university_id=team.university_id, university=team.university.zh, advisors=team.advisors
    )


def _reasons(judge: JudgeOut, team: TeamFacts, stated: list[Stated]) -> list[ReasonOut]:
    side = JudgeSide(user_id=judge.user_id, university_id=judge.university_id)
    return [ReasonOut(kind=r.kind, text=r.text, params=r.params) for r in reasons(side, _side(team), stated)]


async def pair_reasons(actor: Principal, contest_id: int, judge_id: int, team_id: int) -> PairReasonsOut:
    """Why this judge may not review this team (an empty list: conflicts do not stand in the way)."""
    judge = await judges.judge_for(actor, contest_id, judge_id)
    teams = await team_facts(contest_id, [team_id])
    if team_id not in teams:
        raise NotFound("No such team in this contest.")
    team = teams[team_id]
    stated = await queries.stated(contest_id, [judge_id])
    return PairReasonsOut(
        judge_id=judge_id, judge=judge.name, team_id=team_id, team=team.name, reasons=_reasons(judge, team, stated)
    )


async def _advised(rt: Runtime, judge_id: int) -> list[int]:
    """Teams a judge who is a teacher advises (or was asked to), as the teacher sees them."""
    principal = await sessions.principal_for(judge_id)
    if principal is None or principal.kind != "teacher":
        return []
    return [t.team_id for t in await advisors.advised_teams(rt, principal)]


async def judge_conflicts(rt: Runtime, actor: Principal, contest_id: int, judge_id: int) -> JudgeConflictsOut:
    """Every team of the contest this judge may not review, each with the reasons."""
    judge = await judges.judge_for(actor, contest_id, judge_id)
    stated = await queries.stated(contest_id, [judge_id])
    candidates: set[int] = {c.team_id for c in stated if c.team_id is not None}
    universities = {c.university_id for c in stated if c.university_id is not None}
    if judge.university_id is not None:
        universities.add(judge.university_id)
    for university_id in sorted(universities):
        listed = await teams_queries.list_teams(
            SYSTEM, contest_id, TeamFilter(university_id=university_id), per_page=EVERY_TEAM
        )
        candidates |= {t.id for t in listed.teams}
    candidates |= set(await _advised(rt, judge_id))
    teams = await team_facts(contest_id, sorted(candidates))
    pairs = [
        PairReasonsOut(judge_id=judge_id, judge=judge.name, team_id=t.team_id, team=t.name, reasons=found)
        for t in sorted(teams.values(), key=lambda t: (t.name, t.team_id))
        if (found := _reasons(judge, t, stated))
    ]
    return JudgeConflictsOut(
        judge_id=judge_id,
        judge=judge.name,
        pairs=pairs,
        stated=await conflicts_of(actor, contest_id, judge_id),
    )
