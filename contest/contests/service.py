"""Contests and their tracks: creation, settings, reading."""

import re
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count

from contest.audit import service as audit
from contest.clock import Clock
from contest.contests.rules import settings_problems
from contest.contests.tables import Contest, Track
from contest.db import one, write_transaction
from contest.errors import Conflict, InvalidInput

DEFAULT_TRACKS = (("app", "小程序应用", "Mini-program application"), ("game", "小游戏", "Mini-game"))
# What organizers may change after creation (the slug stays: links and exports name it).
SETTINGS = (
    "name_zh",
    "name_en",
    "time_zone",
    "registration_opens_at",
    "registration_deadline",
    "min_team_size",
    "max_team_size",
    "max_advisors",
    "same_university",
    "privacy_notice_zh",
    "privacy_notice_en",
)
TRACK_FIELDS = ("name_zh", "name_en", "sort_order")
TRACK_CODE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")


async def create_contest(
    clock: Clock,
    *,
    slug: str,
    name_zh: str,
    name_en: str,
    time_zone: str = "Asia/Shanghai",
    actor_id: int | None,
    registration_opens_at: datetime | None = None,
    registration_deadline: datetime | None = None,
    tracks: tuple[tuple[str, str, str], ...] = (),
) -> int:
    """A contest with its registration window and tracks (code, Chinese name, English name)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,62}", slug):
        raise InvalidInput("A short name has lower-case letters, digits and dashes.", {"slug": "invalid"})
    problems = settings_problems(
        {
            "name_zh": name_zh,
            "time_zone": time_zone,
            "registration_opens_at": registration_opens_at,
            "registration_deadline": registration_deadline,
        }
    )
    if problems:
        raise InvalidInput("Some settings are not valid.", problems)
    async with write_transaction():
        if await Contest.exists().where(Contest.slug == slug):
            raise Conflict("A contest with this short name already exists.", {"slug": "taken"})
        rows = await Contest.insert(
            Contest(
                slug=slug,
                name_zh=name_zh,
                name_en=name_en,
                time_zone=time_zone,
                created_at=clock.now(),
                registration_opens_at=registration_opens_at,
                registration_deadline=registration_deadline,
            )
        )
        contest_id: int = rows[0]["id"]
        if tracks:
            await Track.insert(
                *[
                    Track(contest=contest_id, code=c, name_zh=zh, name_en=en, sort_order=i)
                    for i, (c, zh, en) in enumerate(tracks)
                ]
            )
        await audit.record(
            clock,
            actor_id=actor_id,
            action="contest.create",
            object_type="contest",
            object_id=contest_id,
            after={"slug": slug, "name_zh": name_zh, "tracks": [t[0] for t in tracks]},
        )
    return contest_id


async def tracks_of(contest_id: int) -> list[dict[str, Any]]:
    return await Track.select().where(Track.contest == contest_id).order_by(Track.sort_order)


async def current_contest() -> dict[str, Any] | None:
    """The newest contest: what the portal shows by default."""
    return await Contest.select().order_by(Contest.id, ascending=False).first()


async def portal_contest() -> dict[str, Any]:
    """The contest the portal's pages are about, or NotFound before the first one exists."""
    return await one(current_contest(), "No contest is open yet.")


async def contest_detail(contest_id: int) -> dict[str, Any]:
    """A contest's settings with its tracks."""
    contest = await one(Contest.select().where(Contest.id == contest_id).first(), "No such contest.")
    contest["tracks"] = await tracks_of(contest_id)
    return contest


async def list_contests() -> list[dict[str, Any]]:
    """Every contest, newest first, with its tracks."""
    contests = await Contest.select().order_by(Contest.id, ascending=False)
    tracks = await Track.select().order_by(Track.sort_order)
    for contest in contests:
        contest["tracks"] = [t for t in tracks if t["contest"] == contest["id"]]
    return contests


async def update_contest(clock: Clock, *, actor_id: int, contest_id: int, changes: dict[str, Any]) -> None:
    """Change a contest's settings. The result must be consistent as a whole and fit the teams
    already formed (a smaller team size or fewer advisors than a team has is refused)."""
    from contest.teams.tables import TeamAdvisor, TeamMember

    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise InvalidInput("These settings cannot be changed.", {f: "not editable" for f in unknown})
    async with write_transaction():
        before = await one(Contest.select().where(Contest.id == contest_id).first(), "No such contest.")
        changed = {k: v for k, v in changes.items() if before[k] != v}
        if not changed:
            return
        problems = settings_problems({**before, **changed})
        if problems:
            raise InvalidInput("Some settings are not valid.", problems)
        if "max_team_size" in changed:
            largest = await _largest(TeamMember, TeamMember.team, TeamMember.contest == contest_id)
            if largest > changed["max_team_size"]:
                raise Conflict("A team already has more members than that.", {"max_team_size": f"a team has {largest}"})
        if "max_advisors" in changed:
            largest = await _largest(TeamAdvisor, TeamAdvisor.team, _active_advisors_of(contest_id))
            if largest > changed["max_advisors"]:
                raise Conflict("A team already has more advisors than that.", {"max_advisors": f"a team has {largest}"})
        if changed.get("same_university") and await _teams_mix_universities(contest_id):
            raise Conflict(
                "Some teams already have a member or advisor from another university.",
                {"same_university": "teams mix universities"},
            )
        await Contest.update({getattr(Contest, k): v for k, v in changed.items()}).where(Contest.id == contest_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="contest.update",
            object_type="contest",
            object_id=contest_id,
            before={k: before[k] for k in changed},
            after=changed,
        )


async def _teams_mix_universities(contest_id: int) -> bool:
    """Whether a member or an active advisor of some team of the contest is of another university."""
    from contest.teams.tables import TeamAdvisor, TeamMember

    members = await TeamMember.select(
        TeamMember.team._.university.as_alias("team"), TeamMember.user._.university.as_alias("person")
    ).where(TeamMember.contest == contest_id)
    advisors = await TeamAdvisor.select(
        TeamAdvisor.team._.university.as_alias("team"), TeamAdvisor.user._.university.as_alias("person")
    ).where(_active_advisors_of(contest_id))
    return any(row["team"] != row["person"] for row in [*members, *advisors])


def _active_advisors_of(contest_id: int) -> Any:
    """The condition on TeamAdvisor rows: active advisors of the contest's teams."""
    from contest.teams.tables import ACTIVE_ADVISOR_STATUSES, Team, TeamAdvisor

    return TeamAdvisor.team.is_in(Team.select(Team.id).where(Team.contest == contest_id)) & TeamAdvisor.status.is_in(
        list(ACTIVE_ADVISOR_STATUSES)
    )


async def _largest(table: Any, group: Any, where: Any) -> int:
    """The largest number of `table` rows sharing one value of `group` among those matching `where`."""
    rows = await table.select(group.as_alias("key"), Count()).where(where).group_by(group)
    return max((int(r["count"]) for r in rows), default=0)


async def add_track(clock: Clock, *, actor_id: int, contest_id: int, code: str, name_zh: str, name_en: str) -> int:
    """A new track, listed after the others."""
    if not TRACK_CODE.fullmatch(code):
        raise InvalidInput("A track code has lower-case letters, digits and dashes.", {"code": "invalid"})
    if not name_zh.strip():
        raise InvalidInput("Give the track a Chinese name.", {"name_zh": "required"})
    async with write_transaction():
        await one(Contest.select(Contest.id).where(Contest.id == contest_id).first(), "No such contest.")
        if await Track.exists().where((Track.contest == contest_id) & (Track.code == code)):
            raise Conflict("This contest already has a track with that code.", {"code": "taken"})
        order = await Track.count().where(Track.contest == contest_id)
        rows = await Track.insert(
            Track(contest=contest_id, code=code, name_zh=name_zh.strip(), name_en=name_en.strip(), sort_order=order)
        )
        track_id = int(rows[0]["id"])
        await audit.record(
            clock,
            actor_id=actor_id,
            action="track.add",
            object_type="contest",
            object_id=contest_id,
            after={"track": track_id, "code": code, "name_zh": name_zh},
        )
    return track_id


async def update_track(clock: Clock, *, actor_id: int, contest_id: int, track_id: int, changes: dict[str, Any]) -> None:
    """Rename or reorder a track (its code stays: teams and exports refer to it)."""
    unknown = set(changes) - set(TRACK_FIELDS)
    if unknown:
        raise InvalidInput("These fields cannot be changed.", {f: "not editable" for f in unknown})
    if "name_zh" in changes and not str(changes["name_zh"]).strip():
        raise InvalidInput("Give the track a Chinese name.", {"name_zh": "required"})
    async with write_transaction():
        before = await one(
            Track.select().where((Track.id == track_id) & (Track.contest == contest_id)).first(), "No such track."
        )
        changed = {k: v for k, v in changes.items() if before[k] != v}
        if not changed:
            return
        await Track.update({getattr(Track, k): v for k, v in changed.items()}).where(Track.id == track_id)
        await audit.record(
            clock,
            actor_id=actor_id,
            action="track.update",
            object_type="contest",
            object_id=contest_id,
            before={"track": track_id, **{k: before[k] for k in changed}},
            after={"track": track_id, **changed},
        )
