"""The teams of a round as judging needs them: university, region, track, advisors, names.

Read through the contest domain's query functions (one team at a time: the teams domain offers no
bulk read of these ids yet), so assignment, conflicts and the defence timetable share one view.
"""

from typing import Any

import msgspec

from contest.contests import service as contests
from contest.lib.schemas import Name
from contest.regions import service as regions
from contest.rounds import participants
from contest.teams.common import advisor_ids, load_team

EVERY_UNIVERSITY = 100_000


class TeamFacts(msgspec.Struct, frozen=True, kw_only=True):
    team_id: int
    contest_id: int
    name: str
    university_id: int
    university: Name
    region_id: int
    region_code: str
    region: Name
    track_id: int
    track_code: str
    track: Name
    advisors: list[int]


async def team_facts(contest_id: int, team_ids: list[int]) -> dict[int, TeamFacts]:
    """Facts of the given teams of one contest, by team id (teams of other contests are left out)."""
    region_rows = {r.id: r for r in await regions.list_regions()}
    tracks = {t.id: t for t in await contests.tracks_of(contest_id)}
    rows: list[dict[str, Any]] = [await load_team(team_id) for team_id in dict.fromkeys(team_ids)]
    rows = [r for r in rows if int(r["contest"]) == contest_id]
    universities = {}
    for university_id in {int(r["university"]) for r in rows}:
        universities[university_id] = await regions.university(university_id)
    out = {}
    for row in rows:
        university = universities[int(row["university"])]
        region = region_rows[int(row["region"])]
        track = tracks.get(int(row["track"]))
        out[int(row["id"])] = TeamFacts(
            team_id=int(row["id"]),
            contest_id=int(row["contest"]),
            name=str(row["name"]),
            university_id=university.id,
            university=Name(university.name_zh, university.name_en),
            region_id=region.id,
            region_code=region.code,
            region=Name(region.name_zh, region.name_en),
            track_id=int(row["track"]),
            track_code=track.code if track else "",
            track=Name(track.name_zh, track.name_en) if track else Name(""),
            advisors=await advisor_ids(int(row["id"])),
        )
    return out


async def round_teams(round_row: dict[str, Any]) -> dict[int, TeamFacts]:
    """Every active team taking part in the round, by team id."""
    ids = sorted(await participants.participant_ids(round_row))
    return await team_facts(int(round_row["contest"]), ids)
