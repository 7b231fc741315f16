"""The teams of a round as judging needs them: university, region, track, advisors, names.

Read through the contest domain's query functions (in bulk: a national round has thousands of
teams), so assignment, conflicts and the defence timetable share one view.
"""

from typing import Any

import msgspec

from contest.contests import service as contests
from contest.lib.schemas import Name
from contest.regions import service as regions
from contest.rounds import participants
from contest.teams.common import advisors_of, load_teams

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
    """Facts of the given teams of one contest, by team id (teams of other contests are left out).

    A few queries whatever the number of teams (a national round reads 6,000)."""
    region_rows = {r.id: r for r in await regions.list_regions()}
    tracks = {t.id: t for t in await contests.tracks_of(contest_id)}
    rows = {int(r["id"]): r for r in await load_teams(team_ids) if int(r["contest"]) == contest_id}
    universities = await regions.universities(int(r["university"]) for r in rows.values())
    advisors = await advisors_of(rows)
    out = {}
    for row in (rows[t] for t in dict.fromkeys(team_ids) if t in rows):  # in the order asked
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
            advisors=advisors[int(row["id"])],
        )
    return out


async def round_teams(round_row: dict[str, Any]) -> dict[int, TeamFacts]:
    """Every active team taking part in the round, by team id."""
    ids = sorted(await participants.participant_ids(round_row))
    return await team_facts(int(round_row["contest"]), ids)
