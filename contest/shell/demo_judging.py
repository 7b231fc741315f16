"""The demo's judges and their first assignment: profiles for the demo judges and a few more per region
(universities, expertise, tracks, loads), two conflicts of interest to explain, the preliminary's
assignment run and published, and the final's rooms and sessions with the judges who sit it."""

import math
import random
from collections import Counter
from datetime import timedelta

from argon2 import PasswordHasher

from contest.accounts import staff
from contest.accounts.tables import AccountKind
from contest.contests import service as contests
from contest.lib.clock import Clock
from contest.lib.principal import SYSTEM, Role
from contest.lib.runtime import Runtime
from contest.lib.settings import Settings
from contest.regions import service as regions
from contest.rounds import service as rounds
from contest.shell.demo_people import demo_account
from contest.shell.wiring import runtime_for
from contest.teams import queries as teams
from contest.teams.queries import TeamFilter
from judging.assignment import service as assignment
from judging.assignment.schemas import RunIn
from judging.conflicts import service as conflicts
from judging.conflicts.schemas import ConflictIn
from judging.defence import service as defence
from judging.defence.schemas import AbsenceIn, AbsencesIn, RoomIn, SessionIn
from judging.judges import queries as judge_queries
from judging.judges import service as judges
from judging.judges.schemas import AvailabilityIn, JudgeOut, ProfileIn

EXPERTISE = ("人工智能", "教育", "医疗健康", "电商", "游戏", "交互设计", "云开发", "公益", "校园服务", "数据可视化")
SURNAMES = "钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
MAX_LOAD = 15
FINAL_JUDGES = 7


async def seed_judging(settings: Settings, clock: Clock, contest_id: int, password_hash: str) -> None:
    """Judge profiles across every region with entries, and the preliminary's assignment published.
    New judges share the demo password (`password_hash`)."""
    rng = random.Random(11)
    rt = runtime_for(settings, clock)
    tracks = await contests.tracks_of(contest_id)
    listed = await teams.list_teams(SYSTEM, contest_id, TeamFilter(status="active"), per_page=100_000)
    entries = Counter(t.region for t in listed.teams)
    used = {t.university for t in listed.teams}
    existing = await judge_queries.judges(contest_id)
    for region in await regions.list_regions():
        if not entries[region.code]:
            continue
        choices = [u for u in await regions.search_universities("", limit=100_000) if u.region_id == region.id]
        # Judges of different universities: the first one's has teams (a conflict to see), then those
        # without teams, then the rest.
        with_teams = [u for u in choices if u.name_zh in used]
        order = with_teams[:1] + [u for u in choices if u.name_zh not in used] + with_teams[1:]
        wanted = max(4, math.ceil(3 * entries[region.code] / (MAX_LOAD - 3)))
        ours = [j for j in existing if j.region_id == region.id]
        serial = 0
        for index in range(wanted):
            if index < len(ours):
                user_id = ours[index].user_id
            else:
                serial += 1
                user_id = await _judge_account(clock, rt.hasher, password_hash, region.code.lower(), serial, rng)
                await staff.grant(clock, user_id=user_id, role=Role.JUDGE, contest_id=contest_id, region_id=region.id)
            await judges.save_profile(
                rt,
                SYSTEM,
                contest_id,
                user_id,
                ProfileIn(
                    university_id=order[index % len(order)].id,
                    region_id=region.id,
                    expertise=rng.sample(EXPERTISE, 2),
                    tracks=[] if index % 3 == 2 else [tracks[index % len(tracks)].id],
                    max_load=MAX_LOAD,
                ),
            )
    national = [j for j in existing if j.region_id is None]
    for index, judge in enumerate(national):
        await judges.save_profile(
            rt, SYSTEM, contest_id, judge.user_id, ProfileIn(expertise=rng.sample(EXPERTISE, 3), max_load=10 + index)
        )
    every = await judge_queries.judges(contest_id)
    regional = [j for j in every if j.region_id is not None]
    if regional and listed.teams:
        await conflicts.add_conflict(
            rt,
            SYSTEM,
            contest_id,
            ConflictIn(judge_id=regional[0].user_id, team_id=listed.teams[-1].id, reason="曾为该队伍提供技术指导"),
        )
    preliminary, *_, final = await rounds.rounds_of(rt, contest_id)
    run = await assignment.start_run(rt, SYSTEM, preliminary.id, RunIn())
    if await assignment.run_job(rt, run.id) == "draft":
        await assignment.publish(rt, SYSTEM, run.id)
    await _final(rt, final.id, every)


async def _judge_account(
    clock: Clock, hasher: PasswordHasher, password_hash: str, region: str, serial: int, rng: random.Random
) -> int:
    return await demo_account(
        clock,
        hasher,
        password_hash,
        email=f"judge-{region}{serial}@demo.contest.cn",
        name=rng.choice(SURNAMES) + rng.choice(("老师", "教授", "工程师")),
        kind=AccountKind.STAFF,
    )


async def _final(rt: Runtime, round_id: int, every: list[JudgeOut]) -> None:
    """The final's two rooms and two half-days, and the national and a few regional judges sitting it
    (one of them not on the afternoon)."""
    for name in ("一号答辩厅", "二号答辩厅"):
        await defence.add_room(rt, SYSTEM, round_id, RoomIn(name=name))
    day = (rt.clock.now() + timedelta(days=75)).replace(hour=1, minute=0, second=0, microsecond=0)
    for name, start in (("第一天上午", day), ("第一天下午", day + timedelta(hours=5))):
        await defence.add_session(rt, SYSTEM, round_id, SessionIn(name=name, starts_at=start, slots=8))
    panel = sorted(every, key=lambda j: (j.region_id is not None, j.user_id))[:FINAL_JUDGES]
    for judge in panel:
        await judges.set_availability(rt, SYSTEM, round_id, judge.user_id, AvailabilityIn(available=True))
    # One of them cannot come on the first afternoon: the timetable seats them in the morning only.
    afternoon = (await defence.sessions_of(SYSTEM, round_id))[-1]
    await defence.set_absences(
        rt, SYSTEM, round_id, AbsencesIn(absences=[AbsenceIn(judge_id=panel[-1].user_id, session_id=afternoon.id)])
    )
