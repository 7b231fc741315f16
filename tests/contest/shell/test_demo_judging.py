"""The demo's judging: judge profiles in every region with entries, conflicts to explain, the
preliminary's assignment published, and the final's rooms, sessions and panel judges."""

from collections import Counter

from contest.accounts import staff
from contest.lib.principal import SYSTEM, Role
from contest.rounds import service as rounds
from contest.shell.demo_judging import seed_judging
from contest.teams import roster
from contest.teams.schemas import TeamIn
from judging.assignment import queries
from judging.conflicts.tables import Conflict
from judging.defence.tables import DefenceRoom, DefenceSession
from judging.judges import queries as judges
from tests import factories as f


async def test_the_demo_publishes_a_first_round_assignment_across_regions(service_db, clock):
    contest_id, track_id = await f.contest(clock)
    rt = f.runtime(clock)
    await rounds.add_default_rounds(rt, SYSTEM, contest_id)
    teams = []
    for n, province in enumerate(["上海", "江苏", "浙江", "北京", "天津", "上海", "北京"]):
        leader = await f.principal(await f.user(clock, university_id=await f.university(province=province)))
        teams.append((await roster.create_team(rt, leader, contest_id, TeamIn(f"演示队{n}", track_id))).id)
    for region in ("EC", "NC", None):
        user_id = await f.user(clock)
        region_id = await f.region_id(region) if region else None
        await staff.grant(clock, user_id=user_id, role=Role.JUDGE, contest_id=contest_id, region_id=region_id)

    await seed_judging(service_db, clock, contest_id, f.CHEAP_HASHER.hash(f.PASSWORD))

    profiles = await judges.judges(contest_id)
    assert all(j.has_profile for j in profiles)
    assert Counter(j.region_code for j in profiles) == {"EC": 4, "NC": 4, None: 1}
    preliminary, _, final = await rounds.rounds_of(rt, contest_id)
    assert [len(await queries.judges_of(preliminary.id, t)) for t in teams] == [3] * len(teams)
    assert await Conflict.count() == 1
    assert await DefenceRoom.count().where(DefenceRoom.round == final.id) == 2
    assert await DefenceSession.count().where(DefenceSession.round == final.id) == 2
    panel = await judges.round_loads(final.id, profiles, online=False)
    assert sum(load.available for load in panel.values()) == 7
