"""The demo's scoring: sheets for the preliminary's published assignment, a few missing, and its
results published with the override those need."""

from datetime import timedelta

from contest.accounts import staff
from contest.lib.principal import SYSTEM, Role
from contest.rounds import service as rounds
from contest.rounds.schemas import RoundPatch
from contest.shell.demo_judging import seed_judging
from contest.shell.demo_results import MISSING, seed_results
from contest.teams import roster
from contest.teams.schemas import TeamIn
from judging.assignment import queries
from judging.results import service as results
from judging.sheets.tables import ScoreSheet
from tests import factories as f


async def test_the_demo_scores_the_preliminary_and_publishes_its_results(service_db, clock):
    contest_id, track_id = await f.contest(clock)
    rt = f.runtime(clock)
    preliminary = (await rounds.add_default_rounds(rt, SYSTEM, contest_id))[0]
    now = clock.now()
    window = RoundPatch(
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=20),
        review_opens_at=now + timedelta(days=21),
        review_closes_at=now + timedelta(days=30),
    )
    await rounds.update_round(rt, SYSTEM, preliminary.id, window)
    for n, province in enumerate(["上海", "江苏", "浙江", "北京", "天津", "上海", "北京", "江苏"]):
        leader = await f.principal(await f.user(clock, university_id=await f.university(province=province)))
        await roster.create_team(rt, leader, contest_id, TeamIn(f"演示队{n}", track_id))
    for region in ("EC", "NC", None):
        user_id = await f.user(clock)
        region_id = await f.region_id(region) if region else None
        await staff.grant(clock, user_id=user_id, role=Role.JUDGE, contest_id=contest_id, region_id=region_id)
    await seed_judging(service_db, clock, contest_id, f.CHEAP_HASHER.hash(f.PASSWORD))

    await seed_results(service_db, clock, contest_id)

    pairs = await queries.active_pairs(preliminary.id)
    submitted = await ScoreSheet.count().where(ScoreSheet.status == "submitted")
    assert submitted == len(pairs) - MISSING
    [run] = await results.runs(SYSTEM, preliminary.id)
    assert run.status == "published" and run.missing == MISSING and run.override_reason
    shown = await results.public_results(preliminary.id)
    national = shown.views[0].rows
    assert len(national) == 8 and [r.rank for r in national] == sorted(r.rank for r in national)
    assert any(r.advanced for r in national)
