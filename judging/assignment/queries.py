"""What other judging work asks of the published assignment: which entries a judge has, whether a pair
is assigned, the judges of an entry, the blind codes, and which pairs must never move.

The score sheets call these; they read only `active` pairs (ended ones are history). `locked_pairs`
asks every registered lock source (the sheets register theirs: a submitted sheet pins its pair), so
this module never imports the sheets and the sheets may import it.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec

from judging.assignment.tables import Assignment, JudgedEntry, PairStatus

Pair = tuple[int, int]  # (team id, judge user id)
LockSource = Callable[[int], Awaitable[set[Pair]]]
_lock_sources: list[LockSource] = []


class AssignedEntry(msgspec.Struct, kw_only=True):
    """One entry a judge reviews in a round; `due_at` None means the round's review close."""

    team_id: int
    code: str
    source: str
    due_at: datetime | None
    assigned_at: datetime


def _active(round_id: int) -> Any:
    return (Assignment.round == round_id) & (Assignment.status == PairStatus.ACTIVE.value)


async def assigned(round_id: int, judge_id: int) -> list[AssignedEntry]:
    """The entries `judge_id` reviews in the round (active pairs), by their code."""
    rows = await Assignment.select(Assignment.team, Assignment.source, Assignment.due_at, Assignment.created_at).where(
        _active(round_id) & (Assignment.judge == judge_id)
    )
    codes = await entry_codes(round_id, [r["team"] for r in rows])
    found = [
        AssignedEntry(
            team_id=r["team"],
            code=codes.get(r["team"], ""),
            source=r["source"],
            due_at=r["due_at"],
            assigned_at=r["created_at"],
        )
        for r in rows
    ]
    return sorted(found, key=lambda a: (a.code, a.team_id))


async def is_assigned(round_id: int, team_id: int, judge_id: int) -> bool:
    """Whether `judge_id` currently reviews the team's entry in the round."""
    pair = (Assignment.team == team_id) & (Assignment.judge == judge_id)
    return bool(await Assignment.exists().where(_active(round_id) & pair))


async def judges_of(round_id: int, team_id: int) -> list[int]:
    """The judges (user ids) currently reviewing the team's entry in the round, in assignment order."""
    rows = (
        await Assignment.select(Assignment.judge)
        .where(_active(round_id) & (Assignment.team == team_id))
        .order_by(Assignment.id)
    )
    return [r["judge"] for r in rows]


async def active_pairs(round_id: int) -> set[Pair]:
    """Every (team, judge) pair currently assigned in the round."""
    rows = await Assignment.select(Assignment.team, Assignment.judge).where(_active(round_id))
    return {(r["team"], r["judge"]) for r in rows}


def add_lock_source(source: LockSource) -> None:
    """Register a function naming the pairs of a round that must stay as they are (a submitted
    sheet, say). Registering the same function twice has no effect."""
    if source not in _lock_sources:
        _lock_sources.append(source)


def remove_lock_source(source: LockSource) -> None:
    """Forget a lock source (tests)."""
    if source in _lock_sources:
        _lock_sources.remove(source)


async def locked_pairs(round_id: int) -> set[Pair]:
    """Active pairs no reassignment, re-publication or late-review check may end: those any lock
    source names (pairs it names that are not active are ignored: ended pairs never come back)."""
    locked: set[Pair] = set()
    for source in _lock_sources:
        locked |= await source(round_id)
    return locked & await active_pairs(round_id) if locked else set()


async def entry_codes(round_id: int, team_ids: list[int] | None = None) -> dict[int, str]:
    """The anonymous codes of the round's entries (those given one so far), by team id."""
    where: Any = JudgedEntry.round == round_id
    if team_ids is not None:
        where &= JudgedEntry.team.is_in(team_ids or [0])
    rows = await JudgedEntry.select(JudgedEntry.team, JudgedEntry.code).where(where)
    return {r["team"]: r["code"] for r in rows}


async def team_of_code(round_id: int, code: str) -> int | None:
    """The team whose entry has `code` in the round, or None."""
    row = (
        await JudgedEntry.select(JudgedEntry.team)
        .where((JudgedEntry.round == round_id) & (JudgedEntry.code == code.strip().upper()))
        .first()
    )
    return None if row is None else int(row["team"])


async def active_of_judge(judge_id: int) -> list[tuple[int, int]]:
    """Every (round, team) the judge currently reviews, in any round."""
    rows = await Assignment.select(Assignment.round, Assignment.team).where(
        (Assignment.judge == judge_id) & (Assignment.status == PairStatus.ACTIVE.value)
    )
    return sorted({(r["round"], r["team"]) for r in rows})
