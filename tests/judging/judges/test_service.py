"""Judge profiles through their services: defaults from the grant, regional limits, availability."""

import pytest

from contest.accounts import staff
from contest.lib.errors import Forbidden, InvalidInput, InvalidState
from contest.lib.principal import Role
from judging.assignment import service as assignment
from judging.assignment.schemas import RunIn
from judging.judges import queries, service
from judging.judges.schemas import AvailabilityIn, JudgeInviteIn, ProfileIn
from tests import factories as f
from tests.judging.assignment_service import scene as scenes


async def test_a_judge_without_a_profile_counts_with_the_defaults(service_db, clock):
    contest_id, _ = await f.contest(clock)
    university = await f.university()
    user_id = await f.user(clock, university_id=university)
    await staff.grant(clock, user_id=user_id, role=Role.JUDGE, contest_id=contest_id, region_id=await f.region_id("NC"))
    [judge] = await queries.judges(contest_id)
    assert (judge.has_profile, judge.university_id, judge.region_code, judge.tracks, judge.max_load) == (
        False,
        university,
        "NC",
        [],
        None,
    )


async def test_regional_organizers_manage_their_own_region_only(service_db, clock):
    contest_id, track_id = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    regional = await f.organizer(clock, contest_id, region="EC")
    ec, nc = await f.region_id("EC"), await f.region_id("NC")
    mine = await service.invite_judge(
        f.runtime(clock), regional, contest_id, JudgeInviteIn(email="a@example.org", profile=ProfileIn(region_id=ec))
    )
    with pytest.raises(Forbidden):
        await service.invite_judge(f.runtime(clock), regional, contest_id, JudgeInviteIn(email="b@example.org"))
    other = await service.invite_judge(
        f.runtime(clock), national, contest_id, JudgeInviteIn(email="c@example.org", profile=ProfileIn(region_id=nc))
    )
    with pytest.raises(Forbidden):
        await service.save_profile(f.runtime(clock), regional, contest_id, other.user_id, ProfileIn(region_id=ec))
    with pytest.raises(Forbidden):  # nor move their own judge out of their region
        await service.save_profile(f.runtime(clock), regional, contest_id, mine.user_id, ProfileIn(region_id=nc))
    saved = await service.save_profile(
        f.runtime(clock),
        regional,
        contest_id,
        mine.user_id,
        ProfileIn(
            region_id=ec, expertise=["  Machine   Learning ", "ai", "AI"], tracks=[track_id], min_load=2, max_load=9
        ),
    )
    assert (saved.expertise, saved.tracks, saved.min_load, saved.max_load) == (
        ["machine learning", "ai"],
        [track_id],
        2,
        9,
    )
    assert [j.user_id for j in await queries.judges_for(regional, contest_id)] == [mine.user_id]
    with pytest.raises(InvalidInput) as refused:
        await service.save_profile(
            f.runtime(clock), national, contest_id, mine.user_id, ProfileIn(region_id=ec, min_load=5, max_load=3)
        )
    assert set(refused.value.fields) == {"min_load"}


async def test_availability_per_round_and_no_quiet_exit_with_entries(service_db, clock):
    s = await scenes.build(clock)
    judge = s.judges["EC"][1]
    changed = await service.set_availability(s.rt, s.national, s.round_id, judge, AvailabilityIn(max_load=2))
    assert (changed.available, changed.max_load, changed.explicit) == (True, 2, True)
    run = await assignment.start_run(s.rt, s.national, s.round_id, RunIn())
    await assignment.run_job(s.rt, run.id)
    figures = (await assignment.run_of(s.national, run.id)).figures
    assert figures is not None and next(r.load for r in figures.loads if r.judge_id == judge) <= 2
    await assignment.publish(s.rt, s.national, run.id)
    with pytest.raises(InvalidState):
        await service.set_availability(s.rt, s.national, s.round_id, judge, AvailabilityIn(available=False))
