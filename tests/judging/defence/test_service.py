"""The defence timetable through its services: rooms and sessions, a build in the job, the grid,
publication with the judges told, the CSV export, and a timetable that cannot exist explained."""

from datetime import timedelta

import pytest

from contest.accounts import service as accounts
from contest.lib.errors import Forbidden, InvalidInput, InvalidState, NotFound
from contest.rounds import participants
from contest.rounds import service as rounds
from contest.rounds.schemas import ParticipantsIn
from judging.assignment import portal
from judging.defence import service
from judging.defence.schemas import AbsenceIn, AbsencesIn, BuildIn, MyAbsencesIn, RoomIn, SessionIn
from judging.judges import service as judges
from judging.judges.schemas import AvailabilityIn
from tests import factories as f
from tests.judging import scoring
from tests.judging.assignment_service import scene as scenes


async def final(clock, finalists):
    s = await scenes.build(clock, teams_per_region=(("EC", 4), ("NC", 3)), judges_per_region=3)
    final_round = (await rounds.rounds_of(s.rt, s.contest_id))[2]
    chosen = (s.teams["EC"] + s.teams["NC"])[:finalists]
    await participants.set_participants(s.rt, s.national, final_round.id, ParticipantsIn(team_ids=chosen))
    for judge in s.judges["EC"] + s.judges["NC"]:
        await judges.set_availability(s.rt, s.national, final_round.id, judge, AvailabilityIn(available=True))
    for name in ("一号厅", "二号厅"):
        await service.add_room(s.rt, s.national, final_round.id, RoomIn(name=name))
    start = clock.now() + timedelta(days=30)
    await service.add_session(
        s.rt, s.national, final_round.id, SessionIn(name="上午", starts_at=start, slot_minutes=20, slots=3)
    )
    return s, final_round.id, chosen


async def build(s, round_id, panel_size=2):
    started = await service.start_build(s.rt, s.national, round_id, BuildIn(panel_size=panel_size, time_limit=5))
    assert started.status == "queued"
    await service.build_job(s.rt, started.id)
    return await service.timetable_of(s.national, started.id)


async def test_every_finalist_gets_one_slot_before_a_panel_without_conflict(service_db, clock):
    s, round_id, chosen = await final(clock, 5)
    built = await build(s, round_id)
    assert built.status == "done", built.messages
    grid = await service.grid_of(s.national, built.id)
    heard = [c.team_id for session in grid.sessions for row in session.rows for c in row.cells if c.team_id]
    assert sorted(heard) == sorted(chosen)
    [session] = grid.sessions
    assert all(len(panel) == 2 for panel in session.panels if panel)
    # No judge sits two rooms at once.
    seated = [name for panel in session.panels for name in panel]
    assert len(seated) == len(set(seated))

    published = await service.publish(s.rt, s.national, built.id)
    assert published.status == "published"
    told = [
        n
        for j in s.judges["EC"] + s.judges["NC"]
        for n in await portal.notices(await f.principal(j))
        if n.text == service.PANEL_DUTY
    ]
    assert len(told) == len(seated)
    text = await service.export_csv(s.national, built.id)
    lines = text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("场次") and len(lines) == 1 + 3 * 2
    assert sum(1 for line in lines[1:] if "队" in line) == 5
    english = await service.export_csv(s.national, built.id, "en")
    assert english.lstrip("\ufeff").startswith("session,start,end,room,team")


async def test_too_many_finalists_for_the_rooms_are_explained(service_db, clock):
    s, round_id, _ = await final(clock, 7)
    built = await build(s, round_id)
    assert built.status == "infeasible"
    assert [m.id for m in built.messages] == ["capacity"]
    with pytest.raises(InvalidState):
        await service.publish(s.rt, s.national, built.id)


async def test_sessions_may_not_overlap_and_only_national_organizers_build(service_db, clock):
    s, round_id, _ = await final(clock, 3)
    with pytest.raises(InvalidInput):
        await service.add_session(
            s.rt,
            s.national,
            round_id,
            SessionIn(name="重叠", starts_at=clock.now() + timedelta(days=30, minutes=30), slots=2),
        )
    regional = await f.organizer(clock, s.contest_id, region="EC")
    with pytest.raises(Forbidden):
        await service.start_build(s.rt, regional, round_id, BuildIn())


async def test_judges_who_cannot_sit_a_session_are_seated_only_in_the_others(service_db, clock):
    s, round_id, chosen = await final(clock, 5)
    afternoon = SessionIn(name="下午", starts_at=clock.now() + timedelta(days=30, hours=5), slot_minutes=20, slots=3)
    await service.add_session(s.rt, s.national, round_id, afternoon)
    morning = next(x for x in await service.sessions_of(s.national, round_id) if x.name == "上午")
    away = [*s.judges["EC"][:2], s.judges["NC"][0]]
    wanted = AbsencesIn(absences=[AbsenceIn(judge_id=j, session_id=morning.id) for j in away])
    saved = await service.set_absences(s.rt, s.national, round_id, wanted)
    assert {(a.judge_id, a.session_id) for a in saved} == {(j, morning.id) for j in away}
    assert await service.absences_of(s.national, round_id) == saved

    built = await build(s, round_id)
    assert built.status == "done", built.messages
    grid = await service.grid_of(s.national, built.id)
    heard = [c.team_id for session in grid.sessions for row in session.rows for c in row.cells if c.team_id]
    assert sorted(heard) == sorted(chosen)
    names = {(await accounts.account(j)).name for j in away}
    seated_in_the_morning = {
        n for g in grid.sessions if g.session_id == morning.id for panel in g.panels for n in panel
    }
    assert seated_in_the_morning and not seated_in_the_morning & names

    # Saving again replaces the list; refusals change nothing.
    cleared = await service.set_absences(s.rt, s.national, round_id, AbsencesIn(absences=[]))
    assert cleared == []
    with pytest.raises(InvalidInput):
        await service.set_absences(
            s.rt, s.national, round_id, AbsencesIn(absences=[AbsenceIn(judge_id=away[0], session_id=10**6)])
        )
    with pytest.raises(InvalidInput):
        await service.set_absences(
            s.rt, s.national, round_id, AbsencesIn(absences=[AbsenceIn(judge_id=10**6, session_id=morning.id)])
        )
    regional = await f.organizer(clock, s.contest_id, region="EC")
    with pytest.raises(Forbidden):
        await service.set_absences(s.rt, regional, round_id, wanted)
    assert await service.absences_of(s.national, round_id) == []


async def test_a_judge_of_the_final_says_which_sessions_they_cannot_sit_until_it_is_published(service_db, clock):
    s, round_id, _ = await final(clock, 3)
    afternoon = SessionIn(name="下午", starts_at=clock.now() + timedelta(days=30, hours=5), slot_minutes=20, slots=3)
    await service.add_session(s.rt, s.national, round_id, afternoon)
    morning, later = await service.sessions_of(s.national, round_id)
    judge = await f.principal(s.judges["EC"][0])
    [mine] = await service.my_sessions(s.rt, judge, s.contest_id)
    assert mine.round_id == round_id and [x.id for x in mine.sessions] == [morning.id, later.id]
    assert mine.absent == [] and mine.can_change

    [mine] = await service.set_my_absences(s.rt, judge, round_id, MyAbsencesIn(session_ids=[later.id]))
    assert mine.absent == [later.id]
    assert [(a.judge_id, a.session_id) for a in await service.absences_of(s.national, round_id)] == [
        (judge.user_id, later.id)
    ]
    with pytest.raises(InvalidInput):
        await service.set_my_absences(s.rt, judge, round_id, MyAbsencesIn(session_ids=[10**6]))
    outsider = await scoring.judge(clock, s.contest_id)  # a judge of the contest, not sitting the final
    assert await service.my_sessions(s.rt, outsider, s.contest_id) == []
    with pytest.raises(NotFound):
        await service.set_my_absences(s.rt, outsider, round_id, MyAbsencesIn(session_ids=[]))

    built = await build(s, round_id)
    await service.publish(s.rt, s.national, built.id)
    [mine] = await service.my_sessions(s.rt, judge, s.contest_id)
    assert not mine.can_change
    with pytest.raises(InvalidState):
        await service.set_my_absences(s.rt, judge, round_id, MyAbsencesIn(session_ids=[]))
    assert mine.absent == [later.id]  # unchanged
