"""Runs, drafts and publication through the services on the real database (each test rolled back):
the job solves the round, the draft obeys the rules, publishing is a diff, audited and idempotent."""

from collections import Counter

import pytest

from contest.lib.audit.service import entries_for
from contest.lib.errors import Forbidden, InvalidState
from contest.lib.mail.tables import MailMessage
from contest.lib.outbox.tables import OutboxJob
from judging.assignment import portal, queries, service
from judging.assignment.common import NEW_ENTRIES
from judging.assignment.schemas import PairIn, RunIn, SettingsIn, SwapIn
from judging.assignment.tables import Assignment, PairStatus
from judging.conflicts import service as conflicts
from judging.conflicts.schemas import ConflictIn
from judging.judges import queries as judge_queries
from judging.judges import service as judge_service
from judging.judges.schemas import JudgeInviteIn, ProfileIn
from tests import factories as f
from tests.judging.assignment_service import scene as scenes


async def run(s, actor=None, region_id=None):
    started = await service.start_run(s.rt, actor or s.national, s.round_id, RunIn(region_id=region_id))
    assert await service.run_job(s.rt, started.id) in ("draft", "infeasible")
    return await service.run_of(actor or s.national, started.id)


async def test_a_run_is_queued_solved_and_previewed(service_db, clock):
    s = await scenes.build(clock)
    started = await service.start_run(s.rt, s.national, s.round_id, RunIn())
    assert started.status == "queued"
    job = await OutboxJob.select().where(OutboxJob.function == "assignment_run").first()
    assert job is not None and job["job_id"] == f"assignment-run:{started.id}:1"
    # While it waits, asking again gives the same run.
    assert (await service.start_run(s.rt, s.national, s.round_id, RunIn())).id == started.id

    assert await service.run_job(s.rt, started.id) == "draft"
    assert await service.run_job(s.rt, started.id) == "draft"  # a repeated delivery changes nothing
    done = await service.run_of(s.national, started.id)
    assert (done.status, done.progress) == ("draft", 100)
    figures = done.figures
    assert figures is not None and (figures.entries, figures.reviews) == (10, 30)
    assert sum(bar.count for bar in figures.affinity_histogram) == 10
    assert sum(row.load for row in figures.loads) == 30
    # Each region's first judge shares a university with two teams of the region: never paired.
    assert figures.forbidden["same_university"] == 4
    assert figures.worst and figures.worst[0].mean <= figures.worst[-1].mean

    draft = await service.draft_of(s.national, started.id, per_page=100)
    found = await service.draft_of(s.national, started.id, q="ec队1")
    assert [e.team for e in found.entries] == ["EC队1"] and found.total == 1
    judges = {j.user_id: j for j in await judge_queries.judges(s.contest_id)}
    for entry in draft.entries:
        assert len(entry.judges) == 3
        region = "EC" if entry.team_id in s.teams["EC"] else "NC"
        assert {j.judge_id for j in entry.judges} <= set(s.judges[region])
        assert entry.university.zh not in {judges[j.judge_id].university.zh for j in entry.judges}


async def test_publishing_is_a_diff_audited_idempotent_and_tells_the_judges(service_db, clock):
    s = await scenes.build(clock)
    first = await run(s)
    published = await service.publish(s.rt, s.national, first.id)
    assert (published.added, published.ended, published.kept) == (30, 0, 0)
    again = await service.publish(s.rt, s.national, first.id)
    assert (again.added, again.ended) == (0, 0)
    team = s.teams["EC"][0]
    assert len(await queries.judges_of(s.round_id, team)) == 3
    codes = await queries.entry_codes(s.round_id)
    assert len(codes) == 10 and len(set(codes.values())) == 10
    judge = s.judges["EC"][1]
    assigned = await queries.assigned(s.round_id, judge)
    [notice] = await portal.notices(await f.principal(judge))
    assert notice.text == NEW_ENTRIES and notice.params["count"] == len(assigned) > 0
    assert notice.params["round"].zh == "赛区初赛"
    # ... and the same news by e-mail, in the judge's language.
    [mail] = await MailMessage.select().where(
        (MailMessage.user == judge) & (MailMessage.template == "judge_new_entries")
    )
    assert "赛区初赛" in mail["subject"] and f"{len(assigned)} 件新作品" in mail["body_text"]
    assert "/judge/assignments" in mail["body_text"]
    assert any(e["action"] == "assignment.publish" for e in await entries_for("round", s.round_id))

    # The same input gives the same draft; publishing it keeps every pair.
    second = await run(s)
    assert second.input_version == first.input_version and second.same_input_as == first.id
    republished = await service.publish(s.rt, s.national, second.id)
    assert (republished.added, republished.ended, republished.kept) == (0, 0, 30)


async def test_a_draft_is_adjusted_by_pin_forbid_and_swap(service_db, clock):
    s = await scenes.build(clock, judges_per_region=5)
    draft = await run(s)
    entries = await service.draft_of(s.national, draft.id, per_page=100)
    entry = entries.entries[0]
    region = "EC" if entry.team_id in s.teams["EC"] else "NC"
    on_it = [j.judge_id for j in entry.judges]
    # The region's first judge shares the university of this team (team 0): pinning them is refused.
    with pytest.raises(InvalidState) as refused:
        await service.pin(s.rt, s.national, draft.id, PairIn(team_id=entry.team_id, judge_id=s.judges[region][0]))
    assert any("own university" in str(problem) for problem in refused.value.fields.values())

    spare = next(j for j in s.judges[region][1:] if j not in on_it)
    await service.pin(s.rt, s.national, draft.id, PairIn(team_id=entry.team_id, judge_id=spare, reason="expert"))
    after = await service.draft_of(s.national, draft.id, per_page=100)
    row = next(e for e in after.entries if e.team_id == entry.team_id)
    assert spare in [j.judge_id for j in row.judges] and len(row.judges) == 3
    assert next(j.source for j in row.judges if j.judge_id == spare) == "pin"
    # Other entries did not move... unless the pinned judge's load forced it: loads still in range.
    assert sum(load.load for load in after.loads) == 30 and all(load.load <= 6 for load in after.loads)

    victim = next(j.judge_id for j in row.judges if j.judge_id != spare)
    await service.forbid(s.rt, s.national, draft.id, PairIn(team_id=entry.team_id, judge_id=victim))
    row = next(
        e for e in (await service.draft_of(s.national, draft.id, per_page=100)).entries if e.team_id == entry.team_id
    )
    assert victim not in [j.judge_id for j in row.judges] and len(row.judges) == 3
    rules = await service.rules_of(s.national, s.round_id)
    assert sorted(r.kind for r in rules) == ["forbid", "pin"]

    # Swap one judge of another entry for a judge that may take it.
    other = next(e for e in after.entries if e.team_id != entry.team_id and e.team_id in s.teams[region])
    current = [j.judge_id for j in other.judges]
    candidate = next((j for j in s.judges[region][1:] if j not in current), None)
    if candidate is not None:
        await service.swap(
            s.rt, s.national, draft.id, SwapIn(team_id=other.team_id, judge_id=current[-1], new_judge_id=candidate)
        )
        row = next(
            e
            for e in (await service.draft_of(s.national, draft.id, per_page=100)).entries
            if e.team_id == other.team_id
        )
        assert candidate in [j.judge_id for j in row.judges] and current[-1] not in [j.judge_id for j in row.judges]
    # A later run keeps the pin and the forbid.
    later = await run(s)
    row = next(
        e for e in (await service.draft_of(s.national, later.id, per_page=100)).entries if e.team_id == entry.team_id
    )
    assert spare in [j.judge_id for j in row.judges] and victim not in [j.judge_id for j in row.judges]


async def test_loads_that_cannot_cover_the_demand_are_explained_and_nothing_changes(service_db, clock):
    s = await scenes.build(clock, max_load=3)
    done = await run(s)
    assert done.status == "infeasible"
    texts = [m.text for m in done.explanation]
    assert any("can take at most" in t for t in texts)
    # The explanation names the region, not a code.
    shown = [m for m in done.explanation if m.id.startswith("region")]
    assert shown and all(getattr(m.params["region"], "zh", "") in ("华东", "华北") for m in shown)
    with pytest.raises(InvalidState):
        await service.publish(s.rt, s.national, done.id)
    assert await Assignment.count() == 0


async def test_k_larger_than_a_regions_judges_is_explained(service_db, clock):
    s = await scenes.build(clock, judges_per_region=2)
    await service.update_settings(s.rt, s.national, s.round_id, SettingsIn(k=3))
    done = await run(s)
    assert done.status == "infeasible"
    assert any(m.id in ("region_few_judges", "entry_few_judges", "entry_few_universities") for m in done.explanation)


async def test_regional_organizers_run_and_publish_their_region_only(service_db, clock):
    s = await scenes.build(clock)
    regional = await f.organizer(clock, s.contest_id, region="EC")
    with pytest.raises(Forbidden):
        await service.start_run(s.rt, regional, s.round_id, RunIn())
    with pytest.raises(Forbidden):
        await service.start_run(s.rt, regional, s.round_id, RunIn(region_id=s.region_ids["NC"]))
    with pytest.raises(Forbidden):
        await service.update_settings(s.rt, regional, s.round_id, SettingsIn(k=2))
    mine = await run(s, regional, s.region_ids["EC"])
    assert mine.status == "draft" and mine.figures is not None and mine.figures.entries == 6
    published = await service.publish(s.rt, regional, mine.id)
    assert published.added == 18
    pairs = await Assignment.select(Assignment.team).where(Assignment.status == PairStatus.ACTIVE.value)
    assert {p["team"] for p in pairs} == set(s.teams["EC"])
    # The regional organizer sees their region's runs only.
    national_run = await run(s)
    assert national_run.id not in [r.id for r in await service.runs_of(regional, s.round_id)]


async def test_a_draft_made_before_the_published_pairs_changed_is_refused(service_db, clock):
    s = await scenes.build(clock)
    old = await run(s)
    newer = await run(s)
    await service.publish(s.rt, s.national, newer.id)
    # The old draft was superseded by the newer one.
    assert (await service.run_of(s.national, old.id)).status == "superseded"
    third = await run(s)
    await Assignment.update({Assignment.status: PairStatus.WITHDRAWN.value}).where(
        Assignment.id == (await Assignment.select(Assignment.id).first())["id"]
    )
    with pytest.raises(InvalidState):
        await service.publish(s.rt, s.national, third.id)
    assert Counter(r["status"] for r in await Assignment.select(Assignment.status))["active"] == 29


async def test_a_judge_with_no_eligible_entry_is_named_in_a_note(service_db, clock):
    s = await scenes.build(clock)
    await judge_service.invite_judge(
        s.rt,
        s.national,
        s.contest_id,
        JudgeInviteIn(email="south@example.org", name="华南评委", profile=ProfileIn(region_id=await f.region_id("SC"))),
    )
    done = await run(s)
    assert done.status == "draft" and done.figures is not None and done.figures.idle_judges == 1
    [note] = [m for m in done.explanation if m.id == "judge_no_eligible"]
    assert note.level == "note" and note.params["judge"].zh == "华南评委"


async def test_a_pin_that_breaks_a_declared_conflict_is_refused_and_nothing_changes(service_db, clock):
    s = await scenes.build(clock, judges_per_region=5)
    team, judge = s.teams["NC"][1], s.judges["NC"][2]
    await conflicts.add_conflict(
        s.rt, s.national, s.contest_id, ConflictIn(judge_id=judge, team_id=team, reason="亲属")
    )
    draft = await run(s)
    before = await service.draft_of(s.national, draft.id, per_page=100)
    with pytest.raises(InvalidState) as refused:
        await service.pin(s.rt, s.national, draft.id, PairIn(team_id=team, judge_id=judge))
    assert [str(p) for p in refused.value.fields.values()] == [
        f"Pin NC队1 -> {(await judge_queries.judges(s.contest_id, [judge]))[0].name} breaks a declared conflict of interest"
    ]
    after = await service.draft_of(s.national, draft.id, per_page=100)
    assert after.entries == before.entries and await service.rules_of(s.national, s.round_id) == []
