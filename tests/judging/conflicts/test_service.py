"""Conflicts through their services: organizers add and remove, judges declare, and the console says
why any pair is forbidden."""

import pytest

from contest.accounts import staff
from contest.accounts.tables import AccountKind
from contest.lib.errors import Forbidden, InvalidInput
from contest.lib.principal import Role
from contest.teams import advisors, roster
from contest.teams.schemas import InvitationIn, TeamIn
from judging.conflicts import service
from judging.conflicts.schemas import ConflictIn, DeclareIn, RemoveIn
from tests import factories as f
from tests.judging.assignment_service import scene as scenes


async def test_the_console_explains_every_forbidden_pair(service_db, clock):
    s = await scenes.build(clock)
    judge = s.judges["EC"][0]  # of the university of EC teams 0 and 3
    team = s.teams["EC"][1]
    await service.add_conflict(s.rt, s.national, s.contest_id, ConflictIn(judge_id=judge, team_id=team, reason="亲属"))
    other_university = s.universities["NC"][0]
    actor = await f.principal(judge)
    await service.declare(s.rt, actor, s.contest_id, DeclareIn(university_id=other_university, reason="兼职"))
    listed = await service.judge_conflicts(s.rt, s.national, s.contest_id, judge)
    kinds = {p.team_id: [r.kind for r in p.reasons] for p in listed.pairs}
    assert kinds == {
        s.teams["EC"][0]: ["same_university"],
        s.teams["EC"][3]: ["same_university"],
        team: ["organizer_team"],
        s.teams["NC"][0]: ["declared_university"],
        s.teams["NC"][3]: ["declared_university"],
    }
    assert sorted(c.source for c in listed.stated) == ["declared", "organizer"]
    explained = await service.pair_reasons(s.national, s.contest_id, judge, team)
    assert [(r.text, r.params) for r in explained.reasons] == [
        ("Added by an organizer for this team: {reason}", {"reason": "亲属"})
    ]
    assert (await service.pair_reasons(s.national, s.contest_id, judge, s.teams["EC"][2])).reasons == []

    [organizers] = [c for c in listed.stated if c.source == "organizer"]
    await service.remove_conflict(s.rt, s.national, s.contest_id, organizers.id, RemoveIn(reason="误报"))
    assert (await service.pair_reasons(s.national, s.contest_id, judge, team)).reasons == []


async def test_an_advisor_who_judges_is_in_conflict_with_their_team(service_db, clock):
    contest_id, track_id = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    university = await f.university()
    leader = await f.principal(await f.user(clock, university_id=university))
    team = await roster.create_team(f.runtime(clock), leader, contest_id, TeamIn("明灯队", track_id))
    teacher = await f.user(clock, kind=AccountKind.TEACHER, university_id=university)
    await advisors.invite_advisor(f.runtime(clock), leader, team.id, InvitationIn(email=await f.email_of(teacher)))
    await staff.grant(clock, user_id=teacher, role=Role.JUDGE, contest_id=contest_id)
    listed = await service.judge_conflicts(f.runtime(clock), national, contest_id, teacher)
    assert [(p.team_id, [r.kind for r in p.reasons]) for p in listed.pairs] == [
        (team.id, ["same_university", "advisor"])
    ]


async def test_a_conflict_names_one_team_or_one_university_and_stays_in_its_region(service_db, clock):
    s = await scenes.build(clock)
    with pytest.raises(InvalidInput):
        await service.add_conflict(s.rt, s.national, s.contest_id, ConflictIn(judge_id=s.judges["EC"][1]))
    regional = await f.organizer(clock, s.contest_id, region="NC")
    with pytest.raises(Forbidden):
        await service.add_conflict(
            s.rt, regional, s.contest_id, ConflictIn(judge_id=s.judges["EC"][1], team_id=s.teams["EC"][0])
        )
    with pytest.raises(Forbidden):
        await service.declare(s.rt, regional, s.contest_id, DeclareIn(university_id=s.universities["EC"][0]))
