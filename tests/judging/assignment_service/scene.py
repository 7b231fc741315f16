"""A small contest to assign: the default rounds, teams of a few universities in two regions, and
judges with profiles in each region (one of them from a team's university), built through the
services."""

from collections.abc import Sequence

import msgspec

from contest.lib.clock import Clock
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.rounds import service as rounds
from contest.teams import roster
from contest.teams.schemas import TeamIn
from judging.judges import service as judges
from judging.judges.schemas import JudgeInviteIn, ProfileIn
from tests import factories as f

PROVINCES = {"EC": ("上海", "江苏", "浙江"), "NC": ("北京", "天津", "河北")}


class Scene(msgspec.Struct, kw_only=True):
    rt: Runtime
    contest_id: int
    track_id: int
    national: Principal
    round_id: int
    region_ids: dict[str, int]
    universities: dict[str, list[int]]
    teams: dict[str, list[int]]
    judges: dict[str, list[int]]


async def build(
    clock: Clock,
    *,
    teams_per_region: Sequence[tuple[str, int]] = (("EC", 6), ("NC", 4)),
    judges_per_region: int = 4,
    max_load: int | None = None,
) -> Scene:
    rt = f.runtime(clock)
    contest_id, track_id = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    first = (await rounds.add_default_rounds(rt, national, contest_id))[0]
    region_ids: dict[str, int] = {}
    universities: dict[str, list[int]] = {}
    teams: dict[str, list[int]] = {}
    judge_ids: dict[str, list[int]] = {}
    for code, count in teams_per_region:
        region_ids[code] = await f.region_id(code)
        universities[code] = [await f.university(province=p) for p in PROVINCES[code]]
        teams[code] = []
        for n in range(count):
            university = universities[code][n % len(universities[code])]
            leader = await f.principal(await f.user(clock, university_id=university))
            team = await roster.create_team(rt, leader, contest_id, TeamIn(f"{code}队{n}", track_id))
            teams[code].append(team.id)
        judge_ids[code] = []
        # Judges come from a university of their own, except the first, from the region's first one.
        own = [universities[code][0]] + [
            await f.university(province=PROVINCES[code][0]) for _ in range(judges_per_region - 1)
        ]
        for n in range(judges_per_region):
            judge = await judges.invite_judge(
                rt,
                national,
                contest_id,
                JudgeInviteIn(
                    email=f"judge{n}-{code.lower()}-{contest_id}@example.org",
                    name=f"{code}评委{n}",
                    profile=ProfileIn(
                        university_id=own[n], region_id=region_ids[code], tracks=[track_id], max_load=max_load
                    ),
                ),
            )
            judge_ids[code].append(judge.user_id)
    return Scene(
        rt=rt,
        contest_id=contest_id,
        track_id=track_id,
        national=national,
        round_id=first.id,
        region_ids=region_ids,
        universities=universities,
        teams=teams,
        judges=judge_ids,
    )
