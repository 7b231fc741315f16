"""Incremental reassignment on the real database: a withdrawal, late reviews, arbitration and a new
conflict move only the entries they touch, and never a submitted sheet."""

from datetime import timedelta

import pytest

from contest.lib.db import write_transaction
from contest.lib.errors import InvalidState
from contest.lib.outbox.tables import OutboxJob
from contest.rounds.tables import Round
from judging.assignment import queries, repair, service
from judging.assignment.schemas import RunIn, SettingsIn
from judging.assignment.tables import Assignment, PairSource, PairStatus
from judging.conflicts import service as conflicts
from judging.conflicts.schemas import ConflictIn
from judging.judges import queries as judge_queries
from judging.sheets.tables import ScoreSheet, SheetStatus
from tests import factories as f
from tests.judging.assignment_service import scene as scenes


async def published(s):
    started = await service.start_run(s.rt, s.national, s.round_id, RunIn())
    assert await service.run_job(s.rt, started.id) == "draft"
    await service.publish(s.rt, s.national, started.id)


async def active(round_id):
    rows = await Assignment.select(Assignment.team, Assignment.judge).where(
        (Assignment.round == round_id) & (Assignment.status == PairStatus.ACTIVE.value)
    )
    return {(r["team"], r["judge"]) for r in rows}


async def submit_sheet(clock, round_id, team, judge):
    await ScoreSheet.insert(
        ScoreSheet(
            round=round_id,
            team=team,
            judge=judge,
            status=SheetStatus.SUBMITTED.value,
            scores={"innovation": 20},
            version=1,
            opened_at=clock.now(),
            saved_at=clock.now(),
            submitted_at=clock.now(),
        )
    )


async def sheets():
    rows = await ScoreSheet.select(ScoreSheet.team, ScoreSheet.judge, ScoreSheet.status, ScoreSheet.version)
    return sorted((r["team"], r["judge"], r["status"], r["version"]) for r in rows)


def complete(pairs, teams, k=3):
    return all(sum(1 for t, _ in pairs if t == team) == k for team in teams)


async def test_withdrawing_a_judge_after_some_sheets_moves_only_their_open_entries(service_db, clock):
    s = await scenes.build(clock, judges_per_region=5)
    await published(s)
    before = await active(s.round_id)
    judge = max(s.judges["EC"], key=lambda j: sum(1 for _, u in before if u == j))
    theirs = sorted(t for t, u in before if u == judge)
    assert len(theirs) >= 2
    # The judge submitted one sheet; two other judges submitted theirs on other pairs.
    await submit_sheet(clock, s.round_id, theirs[0], judge)
    others = sorted(p for p in before if p[1] != judge)[:2]
    for team, other in others:
        await submit_sheet(clock, s.round_id, team, other)
    sheets_before = await sheets()

    queued = await repair.withdraw_judge(s.rt, s.national, s.round_id, judge, "ill")
    assert queued.status == "queued" and queued.reason == "withdrawal"
    assert await OutboxJob.exists().where(OutboxJob.job_id == f"assignment-repair:{queued.id}:1")
    assert await repair.repair(s.rt, queued.id) == "done"
    assert await repair.repair(s.rt, queued.id) == "done"  # a repeated delivery changes nothing

    after = await active(s.round_id)
    # Only the withdrawn judge's open entries moved: every other pair stays, and so does their sheet.
    assert {p for p in before if p[1] != judge} <= after
    assert (theirs[0], judge) in after
    assert all((t, judge) not in after for t in theirs[1:])
    added = after - before
    assert {t for t, _ in added} == set(theirs[1:]) and judge not in {u for _, u in added}
    assert complete(after, s.teams["EC"] + s.teams["NC"])
    assert await sheets() == sheets_before
    # The new judges are of the entry's region, never of its university.
    profiles = {j.user_id: j for j in await judge_queries.judges(s.contest_id)}
    for team, new in added:
        assert new in s.judges["EC"]
        assert profiles[new].university_id != s.universities["EC"][s.teams["EC"].index(team) % 3]
    ended = await Assignment.select(Assignment.team, Assignment.end_reason).where(
        (Assignment.judge == judge) & (Assignment.status == PairStatus.WITHDRAWN.value)
    )
    assert sorted(r["team"] for r in ended) == theirs[1:]
    done = await repair.reassignment_of(s.national, queued.id)
    assert sorted((p.team_id, p.judge_id) for p in done.added) == sorted(added)
    # The withdrawn judge takes nothing in a later run either.
    loads = await judge_queries.round_loads(s.round_id, [profiles[judge]])
    assert not loads[judge].available


async def test_reviews_overdue_by_the_margin_go_to_other_judges(service_db, clock):
    s = await scenes.build(clock, judges_per_region=5)
    await service.update_settings(s.rt, s.national, s.round_id, SettingsIn(k=3, late_margin_hours=12))
    await published(s)
    await Round.update({Round.review_closes_at: clock.now() + timedelta(days=1)}).where(Round.id == s.round_id)
    before = await active(s.round_id)
    judge = max(s.judges["NC"], key=lambda j: sum(1 for _, u in before if u == j))
    theirs = sorted(t for t, u in before if u == judge)
    # Everybody else was given more time; the judge submitted one of their sheets.
    await Assignment.update({Assignment.due_at: clock.now() + timedelta(days=10)}).where(Assignment.judge != judge)
    await submit_sheet(clock, s.round_id, theirs[0], judge)
    assert await repair.late_reviews(s.rt) == 0
    clock.advance(timedelta(days=1, hours=11))
    assert await repair.late_reviews(s.rt) == 0  # within the margin
    clock.advance(timedelta(hours=2))
    assert await repair.late_reviews(s.rt) == len(theirs) - 1
    [queued] = await repair.reassignments_of(s.national, s.round_id)
    assert queued.reason == "late" and await repair.repair(s.rt, queued.id) == "done"
    after = await active(s.round_id)
    assert {p for p in before if p[1] != judge} <= after and (theirs[0], judge) in after
    added = after - before
    assert {t for t, _ in added} == set(theirs[1:]) and judge not in {u for _, u in added}
    # The new judges get their own time to review, the round's close having passed.
    due = await Assignment.select(Assignment.due_at).where(
        Assignment.team.is_in(theirs[1:]) & (Assignment.status == PairStatus.ACTIVE.value) & (Assignment.judge != judge)
    )
    assert any(r["due_at"] == clock.now() + timedelta(hours=72) for r in due)


async def test_arbitration_adds_one_judge_under_the_same_rules(service_db, clock):
    s = await scenes.build(clock, judges_per_region=5)
    await published(s)
    team = s.teams["NC"][1]
    before = await queries.judges_of(s.round_id, team)
    queued = await repair.request_arbitration(s.rt, s.national, s.round_id, team, "scores 40 points apart")
    assert await repair.repair(s.rt, queued.id) == "done"
    after = await queries.judges_of(s.round_id, team)
    assert after[:3] == before and len(after) == 4 and after[3] in s.judges["NC"]
    row = (
        await Assignment.select(Assignment.source)
        .where((Assignment.team == team) & (Assignment.judge == after[3]))
        .first()
    )
    assert row["source"] == PairSource.ARBITRATION.value
    # Every other entry kept its judges.
    assert [len(await queries.judges_of(s.round_id, t)) for t in s.teams["NC"] if t != team] == [3, 3, 3]


async def test_a_conflict_added_after_publication_moves_that_pair(service_db, clock):
    s = await scenes.build(clock, judges_per_region=5)
    await published(s)
    team = s.teams["EC"][2]
    judge = (await queries.judges_of(s.round_id, team))[0]
    await conflicts.add_conflict(
        s.rt, s.national, s.contest_id, ConflictIn(judge_id=judge, team_id=team, reason="former student")
    )
    assert judge not in await queries.judges_of(s.round_id, team)
    [queued] = await repair.reassignments_of(s.national, s.round_id)
    assert queued.reason == "rules" and await repair.repair(s.rt, queued.id) == "done"
    now = await queries.judges_of(s.round_id, team)
    assert len(now) == 3 and judge not in now


async def test_a_recusal_in_the_panel_is_a_declared_conflict_and_the_entry_moves(service_db, clock):
    s = await scenes.build(clock, judges_per_region=5)
    await published(s)
    team = s.teams["NC"][0]
    judge = (await queries.judges_of(s.round_id, team))[0]
    actor = await f.principal(judge)
    async with write_transaction():
        await conflicts.recused(s.rt, actor, s.round_id, team, "I know the team")
    [queued] = await repair.reassignments_of(s.national, s.round_id)
    assert queued.reason == "recusal"
    assert await repair.repair(s.rt, queued.id) == "done"
    assert judge not in await queries.judges_of(s.round_id, team)
    mine = await conflicts.my_conflicts(actor, s.contest_id)
    assert [(c.team_id, c.source) for c in mine] == [(team, "declared")]
    # The judge does not come back to it in a repair either.
    status = (
        await Assignment.select(Assignment.status)
        .where((Assignment.team == team) & (Assignment.judge == judge))
        .first()
    )
    assert status["status"] == PairStatus.RECUSED.value


async def test_arbitration_needs_a_published_entry(service_db, clock):
    s = await scenes.build(clock)
    with pytest.raises(InvalidState):
        await repair.request_arbitration(s.rt, s.national, s.round_id, s.teams["EC"][0], "")


async def test_a_repair_solves_again_when_the_round_changed_meanwhile(service_db, clock, monkeypatch):
    s = await scenes.build(clock, judges_per_region=5)
    await published(s)
    first_team, second_team = s.teams["EC"][0], s.teams["EC"][1]
    leaving = (await queries.judges_of(s.round_id, first_team))[0]
    queued = await repair.withdraw_judge(s.rt, s.national, s.round_id, leaving, "ill")
    read = repair._facts_for_repair
    calls = []

    async def meanwhile(round_row):
        found = await read(round_row)
        if not calls:  # another judge recuses while the repair solves
            other = next(j for j in await queries.judges_of(s.round_id, second_team) if j != leaving)
            await repair.end_pairs(clock, s.round_id, {(second_team, other)}, PairStatus.RECUSED, "recused")
        calls.append(round_row["id"])
        return found

    monkeypatch.setattr(repair, "_facts_for_repair", meanwhile)
    outcome = await repair.repair(s.rt, queued.id)
    assert outcome == "done", (await repair.reassignment_of(s.national, queued.id)).explanation
    assert len(calls) == 2
    assert complete(await active(s.round_id), s.teams["EC"] + s.teams["NC"])
