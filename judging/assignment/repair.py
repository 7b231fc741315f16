"""Incremental reassignment of a published assignment.

Whatever takes an entry from a judge (a recusal, a withdrawal, a review overdue by the round's margin,
a conflict added later) ends that pair at once, in its own transaction, and queues a repair of the
round; arbitration raises an entry's judge count and queues one too. The repair (a job) re-solves only
the entries short of judges under the same rules: every other pair, and every pair whose review is in
(`queries.locked_pairs`), stays; a judge never gets back an entry they recused from, withdrew from or
let lapse. If it cannot, nothing changes and the reasons are kept for the organizers. New judges are
told in their portal.
"""

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any

import msgspec

from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import json_value, write_transaction
from contest.lib.errors import InvalidState, NotFound
from contest.lib.mail import limits as mail_limits
from contest.lib.outbox import service as outbox
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.rounds import service as rounds
from judging.assignment import access, queries
from judging.assignment.common import (
    ENTRIES_GONE,
    NEW_ENTRIES,
    digest,
    ensure_codes,
    message_outs,
    notify,
    round_name,
    stored_messages,
)
from judging.assignment.facts import round_scene, settings_of
from judging.assignment.incremental import reassign
from judging.assignment.inputs import JudgeFacts, entry_id, instance_of, judge_id, team_of, user_of
from judging.assignment.messages import InstanceError
from judging.assignment.model import Change
from judging.assignment.schemas import AssignedOut, PairOut, ReassignmentOut
from judging.assignment.tables import (
    Assignment,
    JudgedEntry,
    PairSource,
    PairStatus,
    Reassignment,
    ReassignmentReason,
    ReassignmentStatus,
)
from judging.judges import queries as judges
from judging.judges import service as judge_service
from judging.teams import team_facts

Pair = tuple[int, int]
# Ended pairs that must not come back to the same judge in a repair (and lapsed reviews).
NEVER_AGAIN = {PairStatus.RECUSED.value, PairStatus.WITHDRAWN.value}
LATE = "late"
# A repair solved from a state that changed before it could write it solves again, this many times.
ATTEMPTS = 3
STALE = "stale"


async def end_pairs(clock: Clock, round_id: int, pairs: set[Pair], status: PairStatus, reason: str) -> list[Pair]:
    """End these active pairs of the round (those whose review is in stay); returns the ended ones.
    Call inside the change's write transaction."""
    if not pairs:
        return []
    locked = await queries.locked_pairs(round_id)
    rows = await Assignment.select(Assignment.id, Assignment.team, Assignment.judge).where(
        (Assignment.round == round_id)
        & (Assignment.status == PairStatus.ACTIVE.value)
        & Assignment.team.is_in(sorted({t for t, _ in pairs}))
    )
    ending = [r for r in rows if (r["team"], r["judge"]) in pairs and (r["team"], r["judge"]) not in locked]
    if ending:
        await Assignment.update(
            {Assignment.status: status.value, Assignment.ended_at: clock.now(), Assignment.end_reason: reason}
        ).where(Assignment.id.is_in([r["id"] for r in ending]))
    return [(r["team"], r["judge"]) for r in ending]


async def queue_repair(clock: Clock, round_id: int, reason: ReassignmentReason, actor: Principal | None) -> int:
    """Record a repair of the round and queue its job (in the caller's write transaction)."""
    rows = await Reassignment.insert(
        Reassignment(
            round=round_id,
            reason=reason.value,
            requested_by=None if actor is None else audit_id(actor),
            created_at=clock.now(),
        )
    )
    reassignment_id = int(rows[0]["id"])
    await outbox.enqueue(
        clock,
        "assignment_repair",
        outbox.job_id("assignment-repair", reassignment_id, 1),
        reassignment_id=reassignment_id,
    )
    return reassignment_id


async def _facts_for_repair(round_row: dict[str, Any]) -> tuple[Any, list[Pair], Counter[int]]:
    """The round's facts as a repair sees them, its active pairs, and the judges each entry lacks."""
    round_id = int(round_row["id"])
    settings = await settings_of(round_row)
    rows = await Assignment.select(Assignment.team, Assignment.judge, Assignment.status, Assignment.end_reason).where(
        Assignment.round == round_id
    )
    active = {(r["team"], r["judge"]) for r in rows if r["status"] == PairStatus.ACTIVE.value}
    scene = await round_scene(round_row, settings, keep=active)
    # Only entries that were published take part: a repair never assigns a region nobody published.
    history = {r["team"] for r in rows}
    teams = {e.team_id for e in scene.facts.entries} & history
    current = sorted(pair for pair in active if pair[0] in teams)
    held = Counter(j for _, j in current)
    present = {j.user_id for j in scene.facts.judges}
    never = {
        (r["team"], r["judge"])
        for r in rows
        if (r["status"] in NEVER_AGAIN or r["end_reason"] == LATE) and r["team"] in teams and r["judge"] in present
    }
    count = Counter(t for t, _ in current)
    lacking: Counter[int] = Counter()
    entries = []
    for entry in scene.facts.entries:
        if entry.team_id not in teams:
            continue
        target = entry.k or settings.k
        if count[entry.team_id] == 0:
            # No judge left at all: the entry is solved afresh (reassign leaves its k as is).
            lacking[entry.team_id] = 0
            entries.append(msgspec.structs.replace(entry, k=target))
            continue
        if count[entry.team_id] < target:
            lacking[entry.team_id] = target - count[entry.team_id]
        # reassign counts the judges an entry has and adds the lacking ones to them.
        entries.append(msgspec.structs.replace(entry, k=count[entry.team_id]))
    facts = msgspec.structs.replace(
        scene.facts,
        entries=entries,
        # A repair adds reviews where they are missing; it never imposes minimum loads again.
        judges=[_repair_judge(j, held[j.user_id]) for j in scene.facts.judges],
        forbidden=sorted({*scene.facts.forbidden, *((t, j, "ended") for t, j in never)}),
        pins=[],
    )
    return (facts, scene.labels), current, lacking


def _repair_judge(judge: JudgeFacts, held: int) -> JudgeFacts:
    high = None if judge.max is None else max(judge.max, held)
    return msgspec.structs.replace(judge, min=0, max=high)


async def repair(rt: Runtime, reassignment_id: int) -> str:
    """The job: give every entry of the round short of judges the judges it lacks, moving nothing else
    if at all possible; record what changed (or why nothing could). If the round's pairs changed while
    it solved (another repair, a recusal), it solves again from the new state."""
    for _ in range(ATTEMPTS):
        outcome = await _repair_once(rt, reassignment_id)
        if outcome != STALE:
            return outcome
    raise RuntimeError(f"reassignment {reassignment_id}: the round kept changing; retry later")


async def _repair_once(rt: Runtime, reassignment_id: int) -> str:
    row = await Reassignment.select().where(Reassignment.id == reassignment_id).first()
    if row is None:
        raise NotFound("No such reassignment.")
    if row["status"] != ReassignmentStatus.QUEUED.value:
        return str(row["status"])
    round_row = await rounds.round_row(row["round"])
    state = digest(await queries.active_pairs(round_row["id"]))
    (facts, labels), current, lacking = await _facts_for_repair(round_row)
    before = set(current)
    result = None
    # Pairs now forbidden (a conflict added since publication) move as well, unless their review is in.
    locked = await queries.locked_pairs(round_row["id"])
    forbidden = {(t, j) for t, j, _ in facts.forbidden}
    stale = [p for p in current if p in forbidden and p not in locked]
    if lacking or stale:
        change = Change(
            forbid=[(entry_id(t), judge_id(j)) for t, j in stale],
            add_judge=[entry_id(t) for t, n in sorted(lacking.items()) for _ in range(n)],
        )
        try:
            result = await asyncio.to_thread(
                reassign, instance_of(facts), [(entry_id(t), judge_id(j)) for t, j in current], change
            )
        except InstanceError as error:
            return await _record(
                rt, row, round_row, state, ReassignmentStatus.INFEASIBLE, explanation=error.messages, labels={}
            )
        if result.status != "optimal":
            return await _record(
                rt, row, round_row, state, ReassignmentStatus.INFEASIBLE, explanation=result.explanation, labels=labels
            )
    after = before if result is None else {(team_of(e), user_of(j)) for e, j in result.assignment}
    return await _record(
        rt,
        row,
        round_row,
        state,
        ReassignmentStatus.DONE,
        added=sorted(after - before),
        removed=sorted(before - after),
        moved=0 if result is None else result.moved,
        explanation=[] if result is None else result.explanation,
        labels=labels,
    )


async def _record(
    rt: Runtime,
    row: dict[str, Any],
    round_row: dict[str, Any],
    state: str,
    status: ReassignmentStatus,
    *,
    added: list[Pair] | None = None,
    removed: list[Pair] | None = None,
    moved: int = 0,
    explanation: Any = (),
    labels: dict[str, tuple[str, str]],
) -> str:
    added, removed = added or [], removed or []
    now = rt.clock.now()
    settings = await settings_of(round_row)
    source = PairSource.ARBITRATION if row["reason"] == ReassignmentReason.ARBITRATION.value else PairSource.AUTO
    due = now + timedelta(hours=settings.reassigned_review_hours)
    closes = round_row["review_closes_at"]
    async with write_transaction():
        fresh = await Reassignment.select(Reassignment.status).where(Reassignment.id == row["id"]).first()
        if fresh is None or fresh["status"] != ReassignmentStatus.QUEUED.value:
            return str(fresh["status"] if fresh else status.value)
        if digest(await queries.active_pairs(round_row["id"])) != state:
            return STALE
        if removed:
            await end_pairs(rt.clock, round_row["id"], set(removed), PairStatus.REPLACED, "moved")
        if added:
            await Assignment.insert(
                *[
                    Assignment(
                        round=round_row["id"],
                        team=t,
                        judge=j,
                        source=source.value,
                        due_at=None if closes is not None and closes >= due else due,
                        created_at=now,
                    )
                    for t, j in added
                ]
            )
            await ensure_codes(round_row["id"], [t for t, _ in added])
        name = round_name(round_row)
        # A repair is the platform's own doing (a recusal, a late review, a withdrawal).
        sender = mail_limits.organizer(rt, None)
        for judge, count in sorted(Counter(j for _, j in added).items()):
            await notify(rt, judge, round_row["id"], NEW_ENTRIES, requester=sender, count=count, round=name)
        for judge, count in sorted(Counter(j for _, j in removed).items()):
            await notify(rt, judge, round_row["id"], ENTRIES_GONE, requester=sender, count=count, round=name)
        messages = list(explanation)
        await Reassignment.update(
            {
                Reassignment.status: status.value,
                Reassignment.added: [list(p) for p in added],
                Reassignment.removed: [list(p) for p in removed],
                Reassignment.moved: moved,
                Reassignment.explanation: stored_messages(messages, labels),
                Reassignment.finished_at: now,
            }
        ).where(Reassignment.id == row["id"])
        await audit.record(
            rt.clock,
            actor_id=None,
            action="assignment.repair",
            object_type="round",
            object_id=round_row["id"],
            after={"reassignment": row["id"], "status": status.value, "added": added, "removed": removed},
        )
    return status.value


# ---------------------------------------------------------------- what starts a repair


async def withdraw_judge(rt: Runtime, actor: Principal, round_id: int, user_id: int, reason: str) -> ReassignmentOut:
    """Take a judge out of a round: they are no longer available there, their entries whose review is
    not in go to other judges (a repair is queued), and the reviews they submitted stay."""
    async with write_transaction():
        round_row = await rounds.round_row(round_id)
        contest_id = int(round_row["contest"])
        judge = await judges.judge_for(actor, contest_id, user_id)
        await judge_service.mark_unavailable(rt.clock, round_id, judge.user_id)
        pairs = {(a.team_id, user_id) for a in await queries.assigned(round_id, user_id)}
        ended = await end_pairs(rt.clock, round_id, pairs, PairStatus.WITHDRAWN, "withdrawn")
        reassignment_id = await queue_repair(rt.clock, round_id, ReassignmentReason.WITHDRAWAL, actor)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="assignment.withdraw",
            object_type="round",
            object_id=round_id,
            after={"judge": user_id, "ended": ended, "reassignment": reassignment_id},
            reason=reason,
        )
    return await reassignment_of(actor, reassignment_id)


async def late_reviews(rt: Runtime) -> int:
    """The cron check: pairs whose review is overdue by more than the round's margin (and not in) end,
    and their rounds are repaired. Returns how many pairs ended."""
    now = rt.clock.now()
    rows = await Assignment.select(Assignment.round).where(Assignment.status == PairStatus.ACTIVE.value).distinct()
    ended = 0
    for round_id in sorted({r["round"] for r in rows}):
        round_row = await rounds.round_row(round_id)
        margin = timedelta(hours=(await settings_of(round_row)).late_margin_hours)
        closes = round_row["review_closes_at"]
        pairs = await Assignment.select(Assignment.team, Assignment.judge, Assignment.due_at).where(
            (Assignment.round == round_id) & (Assignment.status == PairStatus.ACTIVE.value)
        )
        late = {
            (p["team"], p["judge"])
            for p in pairs
            if (p["due_at"] or closes) is not None and now > (p["due_at"] or closes) + margin
        }
        if not late:
            continue
        async with write_transaction():
            gone = await end_pairs(rt.clock, round_id, late, PairStatus.REPLACED, LATE)
            if gone:
                await queue_repair(rt.clock, round_id, ReassignmentReason.LATE, None)
                await audit.record(
                    rt.clock,
                    actor_id=None,
                    action="assignment.late",
                    object_type="round",
                    object_id=round_id,
                    after={"ended": gone},
                )
        ended += len(gone)
    return ended


async def request_arbitration(
    rt: Runtime, actor: Principal, round_id: int, team_id: int, reason: str
) -> ReassignmentOut:
    """One more judge for an entry the scoring flagged, under the same rules (a repair is queued; the
    scoring work calls this, as may an organizer of the entry's region)."""
    async with write_transaction():
        round_row = await rounds.round_row(round_id)
        team = (await team_facts(int(round_row["contest"]), [team_id]))[team_id]
        access.require_scope(actor, round_row, team.region_id if round_row["scope"] == "regional" else None)
        if not await queries.judges_of(round_id, team_id):
            raise InvalidState("This entry has no judges yet: publish the assignment first.")
        await ensure_codes(round_id, [team_id])
        await JudgedEntry.update({JudgedEntry.extra_judges: JudgedEntry.extra_judges + 1}).where(
            (JudgedEntry.round == round_id) & (JudgedEntry.team == team_id)
        )
        reassignment_id = await queue_repair(rt.clock, round_id, ReassignmentReason.ARBITRATION, actor)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="assignment.arbitration",
            object_type="round",
            object_id=round_id,
            after={"team": team_id, "reassignment": reassignment_id},
            reason=reason,
        )
    return await reassignment_of(actor, reassignment_id)


async def rules_changed(clock: Clock, round_ids: list[int], pairs: set[Pair], actor: Principal | None) -> None:
    """A conflict added after publication: the now forbidden pairs end (unless their review is in) and
    their rounds are repaired. Call inside the change's write transaction."""
    for round_id in round_ids:
        gone = await end_pairs(clock, round_id, pairs, PairStatus.RECUSED, "conflict")
        if gone:
            await queue_repair(clock, round_id, ReassignmentReason.RULES, actor)


# ---------------------------------------------------------------- reading


def _pair_outs(pairs: Any, teams: dict[int, str], people: dict[int, str]) -> list[PairOut]:
    return [
        PairOut(team_id=t, team=teams.get(t, str(t)), judge_id=j, judge=people.get(j, str(j)))
        for t, j in json_value(pairs) or []
    ]


async def _reassignment_outs(rows: list[dict[str, Any]], contest_id: int) -> list[ReassignmentOut]:
    pairs = [(t, j) for r in rows for key in ("added", "removed") for t, j in json_value(r[key]) or []]
    teams = {t: f.name for t, f in (await team_facts(contest_id, sorted({t for t, _ in pairs}))).items()}
    people = {j.user_id: j.name for j in await judges.judges(contest_id, sorted({j for _, j in pairs}))}
    return [
        ReassignmentOut(
            id=r["id"],
            round_id=r["round"],
            reason=r["reason"],
            status=r["status"],
            added=_pair_outs(r["added"], teams, people),
            removed=_pair_outs(r["removed"], teams, people),
            moved=r["moved"],
            explanation=message_outs(r["explanation"]),
            created_at=r["created_at"],
            finished_at=r["finished_at"],
        )
        for r in rows
    ]


async def reassignment_of(actor: Principal, reassignment_id: int) -> ReassignmentOut:
    row = await Reassignment.select().where(Reassignment.id == reassignment_id).first()
    if row is None:
        raise NotFound("No such reassignment.")
    round_row = await rounds.round_row(row["round"])
    access.organizer_regions(actor, int(round_row["contest"]))
    return (await _reassignment_outs([row], int(round_row["contest"])))[0]


async def reassignments_of(actor: Principal, round_id: int, limit: int = 50) -> list[ReassignmentOut]:
    """The round's latest repairs, newest first."""
    round_row = await rounds.round_row(round_id)
    access.organizer_regions(actor, int(round_row["contest"]))
    rows = (
        await Reassignment.select()
        .where(Reassignment.round == round_id)
        .order_by(Reassignment.id, ascending=False)
        .limit(limit)
    )
    return await _reassignment_outs(rows, int(round_row["contest"]))


async def published(
    actor: Principal, round_id: int, *, judge_id_: int | None = None, team_id: int | None = None, ended: bool = False
) -> list[AssignedOut]:
    """The round's published pairs (with `ended`, the history too), for one judge or one team."""
    round_row = await rounds.round_row(round_id)
    contest_id = int(round_row["contest"])
    regions = access.organizer_regions(actor, contest_id)
    where: Any = Assignment.round == round_id
    if not ended:
        where &= Assignment.status == PairStatus.ACTIVE.value
    if judge_id_ is not None:
        where &= Assignment.judge == judge_id_
    if team_id is not None:
        where &= Assignment.team == team_id
    rows = await Assignment.select().where(where).order_by(Assignment.team).order_by(Assignment.id)
    teams = await team_facts(contest_id, sorted({r["team"] for r in rows}))
    people = {j.user_id: j.name for j in await judges.judges(contest_id, sorted({r["judge"] for r in rows}))}
    codes = await queries.entry_codes(round_id, sorted(teams))
    return [
        AssignedOut(
            team_id=r["team"],
            team=teams[r["team"]].name,
            code=codes.get(r["team"], ""),
            judge_id=r["judge"],
            judge=people.get(r["judge"], str(r["judge"])),
            status=r["status"],
            source=r["source"],
            due_at=r["due_at"],
            created_at=r["created_at"],
            ended_at=r["ended_at"],
            end_reason=r["end_reason"],
        )
        for r in rows
        if regions is None or teams[r["team"]].region_id in regions
    ]
