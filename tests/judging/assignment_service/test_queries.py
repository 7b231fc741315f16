"""The published assignment as the score sheets read it: active pairs only, codes, locked pairs."""

from contest.rounds import service as rounds
from contest.teams import roster
from contest.teams.schemas import TeamIn
from judging.assignment import queries
from judging.assignment.tables import Assignment, JudgedEntry, PairStatus
from tests import factories as f


async def test_only_active_pairs_count_and_locks_come_from_their_sources(service_db, clock):
    contest_id, track_id = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    first = (await rounds.add_default_rounds(f.runtime(clock), national, contest_id))[0]
    leader = await f.principal(await f.user(clock, university_id=await f.university()))
    team = (await roster.create_team(f.runtime(clock), leader, contest_id, TeamIn("星火队", track_id))).id
    judge, other = await f.user(clock), await f.user(clock)
    await Assignment.insert(
        Assignment(round=first.id, team=team, judge=judge, created_at=clock.now()),
        Assignment(round=first.id, team=team, judge=other, status=PairStatus.RECUSED.value, created_at=clock.now()),
    )
    await JudgedEntry.insert(JudgedEntry(round=first.id, team=team, code="K7M2QX"))

    assert await queries.is_assigned(first.id, team, judge)
    assert not await queries.is_assigned(first.id, team, other)
    assert await queries.judges_of(first.id, team) == [judge]
    [entry] = await queries.assigned(first.id, judge)
    assert (entry.team_id, entry.code, entry.source) == (team, "K7M2QX", "auto")
    assert await queries.assigned(first.id, other) == []
    assert await queries.team_of_code(first.id, "k7m2qx") == team

    assert await queries.locked_pairs(first.id) == set()

    async def sheets(round_id: int) -> set[tuple[int, int]]:
        return {(team, judge), (team, other)} if round_id == first.id else set()

    queries.add_lock_source(sheets)
    try:
        # The recused pair is history: only the active one is locked.
        assert await queries.locked_pairs(first.id) == {(team, judge)}
    finally:
        queries.remove_lock_source(sheets)
