"""The teams of a round as judging reads them: one contest's, in the order asked, with universities,
regions, tracks and advisors, in a few queries however many teams a (national) round has."""

import secrets

from contest.accounts.tables import AccountKind
from contest.lib import db
from contest.teams.tables import AdvisorStatus, TeamAdvisor
from judging.teams import team_facts
from tests import factories as f
from tests.judging.scoring import team


class QueryCounter:
    """Counts the statements the database engine runs."""

    def __init__(self, monkeypatch):
        self.count = 0
        engine_class = type(db.current_engine())
        run = engine_class.run_querystring

        async def counted(engine, *args, **kwargs):
            self.count += 1
            return await run(engine, *args, **kwargs)

        monkeypatch.setattr(engine_class, "run_querystring", counted)


async def advise(clock, team_id, status=AdvisorStatus.CONFIRMED):
    teacher = await f.user(clock, kind=AccountKind.TEACHER)
    now = clock.now()
    await TeamAdvisor.insert(
        TeamAdvisor(
            team=team_id, user=teacher, status=status.value, token_hash=secrets.token_hex(32), created_at=now, expires_at=now
        )
    )
    return teacher


async def test_team_facts_reads_many_teams_in_a_few_queries(service_db, clock, monkeypatch):
    contest_id, track_id = await f.contest(clock)
    other_contest, other_track = await f.contest(clock)
    teams = [await team(clock, contest_id, track_id, f"队{n}", province=("北京", "广东")[n % 2]) for n in range(12)]
    stranger = await team(clock, other_contest, other_track, "别的比赛")
    advisor = await advise(clock, teams[3])
    await advise(clock, teams[4], AdvisorStatus.DECLINED)

    asked = [teams[5], stranger, teams[0], 10**6, *teams[6:]]
    found = await team_facts(contest_id, asked)
    assert list(found) == [teams[5], teams[0], *teams[6:]]  # the order asked; others' and unknown ids left out
    assert found[teams[0]].region_code == "NC" and found[teams[5]].region_code == "SC"
    assert found[teams[0]].track_id == track_id and found[teams[0]].contest_id == contest_id
    everyone = await team_facts(contest_id, teams)
    assert everyone[teams[3]].advisors == [advisor] and everyone[teams[4]].advisors == []

    counter = QueryCounter(monkeypatch)
    await team_facts(contest_id, teams[:2])
    few = counter.count
    counter.count = 0
    await team_facts(contest_id, teams)
    assert counter.count == few  # not two more per team
