"""A judged round for the sheets and results tests: a contest with its default rounds, teams in
several regions, judges with grants, and a published assignment (rows as the assignment work writes
them when it publishes)."""

from datetime import timedelta
from typing import Any

import msgspec

from contest.accounts import staff
from contest.accounts.tables import AccountKind
from contest.lib.clock import FixedClock
from contest.lib.principal import Principal, Role
from contest.rounds import service as rounds
from contest.rounds.schemas import RoundOut, RoundPatch
from contest.teams import roster
from contest.teams.common import load_team
from contest.teams.schemas import TeamIn
from judging.assignment.tables import Assignment, JudgedEntry
from judging.sheets import service as sheets
from judging.sheets.schemas import SheetIn
from tests import factories as f

# Provinces of three regions: 北京 (华北), 上海 (华东), 广东 (华南).
PROVINCES = ("北京", "上海", "广东")
ALL_TENS = {"innovation": 20, "value": 15, "design": 15, "technical": 20, "completeness": 8}


class Scene(msgspec.Struct, kw_only=True):
    contest_id: int
    track_id: int
    organizer: Principal
    rounds: list[RoundOut]
    teams: list[int]
    judges: list[Principal]
    codes: dict[int, str]
    index: int = 0

    @property
    def round(self) -> RoundOut:
        return self.rounds[self.index]


async def judge(clock: FixedClock, contest_id: int, name: str = "") -> Principal:
    user_id = await f.user(clock, kind=AccountKind.STAFF, name=name)
    await staff.grant(clock, user_id=user_id, role=Role.JUDGE, contest_id=contest_id, region_id=None)
    return await f.principal(user_id)


async def team(clock: FixedClock, contest_id: int, track_id: int, name: str, province: str = "北京") -> int:
    university = await f.university(province=province)
    leader = await f.principal(await f.user(clock, university_id=university))
    return (await roster.create_team(f.runtime(clock), leader, contest_id, TeamIn(name, track_id))).id


async def leader(team_id: int) -> Principal:
    return await f.principal((await load_team(team_id))["leader"])


async def scene(clock: FixedClock, *, teams: int = 4, judges: int = 3, round_index: int = 0) -> Scene:
    """Teams spread over three regions, every judge assigned every team of the chosen round, whose
    review is open (a week from now)."""
    contest_id, track_id = await f.contest(clock)
    organizer = await f.organizer(clock, contest_id)
    rt = f.runtime(clock)
    made = await rounds.add_default_rounds(rt, organizer, contest_id)
    target = made[round_index]
    await rounds.update_round(
        rt,
        organizer,
        target.id,
        RoundPatch(review_opens_at=clock.now() - timedelta(hours=1), review_closes_at=clock.now() + timedelta(days=7)),
    )
    made = await rounds.rounds_of(rt, contest_id)
    team_ids = [
        await team(clock, contest_id, track_id, f"队伍{n + 1}", PROVINCES[n % len(PROVINCES)]) for n in range(teams)
    ]
    panel = [await judge(clock, contest_id, name=f"评委{n + 1}") for n in range(judges)]
    codes = {team_id: f"E{team_id:05d}" for team_id in team_ids}
    for team_id in team_ids:
        await JudgedEntry.insert(JudgedEntry(round=target.id, team=team_id, code=codes[team_id]))
        for person in panel:
            await Assignment.insert(
                Assignment(round=target.id, team=team_id, judge=person.user_id, created_at=clock.now())
            )
    return Scene(
        contest_id=contest_id,
        track_id=track_id,
        organizer=organizer,
        rounds=made,
        teams=team_ids,
        judges=panel,
        codes=codes,
        index=round_index,
    )


async def score(clock: FixedClock, s: Scene, person: Principal, team_id: int, scores: dict[str, Any], **kw: Any) -> Any:
    """Open and submit one sheet with these scores."""
    rt = f.runtime(clock)
    code = s.codes[team_id]
    opened = await sheets.sheet(rt, person, s.round.id, code)
    return await sheets.save_sheet(
        rt, person, s.round.id, code, SheetIn(scores=scores, version=opened.version, **kw), submit=True
    )


def scaled(fraction: float) -> dict[str, float]:
    """Scores at `fraction` of each default criterion's maximum, on whole points."""
    tops = {"innovation": 25, "value": 20, "design": 20, "technical": 25, "completeness": 10}
    return {code: float(round(top * fraction)) for code, top in tops.items()}
