"""Contests and their tracks: creation, settings, reading."""

import re
from typing import Any

import msgspec

from contest.contests import access
from contest.contests.rules import settings_problems
from contest.contests.schemas import ContestIn, ContestOut, ContestPatch, TrackIn, TrackOut, TrackPatch
from contest.contests.tables import Contest, Track
from contest.lib.audit import service as audit
from contest.lib.db import one, write_transaction
from contest.lib.errors import Conflict, InvalidInput, Msg, NotFound
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime

DEFAULT_TRACKS = (
    TrackIn(code="app", name_zh="小程序应用", name_en="Mini-program application"),
    TrackIn(code="game", name_zh="小游戏", name_en="Mini-game"),
)
TRACK_CODE = re.compile(r"^[a-z][a-z0-9-]{1,31}$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")


def _track(row: dict[str, Any]) -> TrackOut:
    return msgspec.convert(row, TrackOut, from_attributes=True)


async def tracks_of(contest_id: int) -> list[TrackOut]:
    return [_track(r) for r in await Track.select().where(Track.contest == contest_id).order_by(Track.sort_order)]


async def track_of(contest_id: int, track_id: int) -> TrackOut:
    """A track of this contest, or InvalidInput naming the field."""
    row = await Track.select().where((Track.id == track_id) & (Track.contest == contest_id)).first()
    if row is None:
        raise InvalidInput("Choose one of this contest's tracks.", {"track_id": "unknown"})
    return _track(row)


def _contest(row: dict[str, Any], tracks: list[TrackOut]) -> ContestOut:
    return msgspec.convert({**row, "tracks": tracks}, ContestOut, from_attributes=True)


async def contest(contest_id: int) -> ContestOut:
    """A contest's settings with its tracks."""
    row = await one(Contest.select().where(Contest.id == contest_id).first(), "No such contest.")
    return _contest(row, await tracks_of(contest_id))


async def list_contests() -> list[ContestOut]:
    """Every contest, newest first, with its tracks."""
    contests = await Contest.select().order_by(Contest.id, ascending=False)
    tracks = [(r["contest"], _track(r)) for r in await Track.select().order_by(Track.sort_order)]
    return [_contest(c, [t for owner, t in tracks if owner == c["id"]]) for c in contests]


async def current_contest() -> ContestOut | None:
    """The newest contest: what the portal shows unless the visitor chose another."""
    row = await Contest.select(Contest.id).order_by(Contest.id, ascending=False).first()
    return None if row is None else await contest(row["id"])


async def portal_contest() -> ContestOut:
    """The contest the portal's pages are about, or NotFound before the first one exists."""
    found = await current_contest()
    if found is None:
        raise NotFound("No contest is open yet.")
    return found


async def create_contest(rt: Runtime, actor: Principal, data: ContestIn) -> ContestOut:
    """A contest with its registration window and tracks (the default two when none are given)."""
    access.require_admin(actor)
    if not SLUG.fullmatch(data.slug):
        raise InvalidInput("A short name has lower-case letters, digits and dashes.", {"slug": "invalid"})
    problems = settings_problems(msgspec.structs.asdict(data))
    if problems:
        raise InvalidInput("Some settings are not valid.", problems)
    tracks = DEFAULT_TRACKS if data.tracks is None else tuple(data.tracks)
    for track in tracks:
        _check_track(track.code, track.name_zh)
    async with write_transaction():
        if await Contest.exists().where(Contest.slug == data.slug):
            raise Conflict("A contest with this short name already exists.", {"slug": "taken"})
        rows = await Contest.insert(
            Contest(
                slug=data.slug,
                name_zh=data.name_zh,
                name_en=data.name_en,
                time_zone=data.time_zone,
                created_at=rt.clock.now(),
                registration_opens_at=data.registration_opens_at,
                registration_deadline=data.registration_deadline,
                announcement_zh=data.announcement_zh,
                announcement_en=data.announcement_en,
            )
        )
        contest_id: int = rows[0]["id"]
        if tracks:
            await Track.insert(
                *[
                    Track(contest=contest_id, code=t.code, name_zh=t.name_zh, name_en=t.name_en, sort_order=i)
                    for i, t in enumerate(tracks)
                ]
            )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="contest.create",
            object_type="contest",
            object_id=contest_id,
            after={"slug": data.slug, "name_zh": data.name_zh, "tracks": [t.code for t in tracks]},
        )
    return await contest(contest_id)


async def update_contest(rt: Runtime, actor: Principal, contest_id: int, patch: ContestPatch) -> ContestOut:
    """Change a contest's settings (national organizers). The result must be consistent as a whole
    and fit the teams already formed (a smaller team size or fewer advisors than a team has is
    refused, and so is the same-university rule while a team mixes universities)."""
    access.require_national_organizer(actor, contest_id)
    changes = patch.changes()
    async with write_transaction():
        before = await one(Contest.select().where(Contest.id == contest_id).first(), "No such contest.")
        changed = {k: v for k, v in changes.items() if before[k] != v}
        problems = settings_problems({**before, **changed})
        if problems:
            raise InvalidInput("Some settings are not valid.", problems)
        if {"max_team_size", "max_advisors", "same_university"} & set(changed):
            _fits(changed, await rt.teams.roster_facts(contest_id))
        await audit.update_audited(
            rt.clock,
            Contest,
            contest_id,
            before,
            changed,
            actor_id=audit_id(actor),
            action="contest.update",
            object_type="contest",
            object_id=contest_id,
        )
    return await contest(contest_id)


def _fits(changed: dict[str, Any], facts: Any) -> None:
    if "max_team_size" in changed and facts.largest_team > changed["max_team_size"]:
        raise Conflict(
            "A team already has more members than that.",
            {"max_team_size": Msg("a team has {count}", {"count": facts.largest_team})},
        )
    if "max_advisors" in changed and facts.most_advisors > changed["max_advisors"]:
        raise Conflict(
            "A team already has more advisors than that.",
            {"max_advisors": Msg("a team has {count}", {"count": facts.most_advisors})},
        )
    if changed.get("same_university") and facts.mixes_universities:
        raise Conflict(
            "Some teams already have a member or advisor from another university.",
            {"same_university": "teams mix universities"},
        )


def _check_track(code: str, name_zh: str) -> None:
    if not TRACK_CODE.fullmatch(code):
        raise InvalidInput("A track code has lower-case letters, digits and dashes.", {"code": "invalid"})
    if not name_zh.strip():
        raise InvalidInput("Give the track a Chinese name.", {"name_zh": "required"})


async def add_track(rt: Runtime, actor: Principal, contest_id: int, data: TrackIn) -> TrackOut:
    """A new track, listed after the others (national organizers)."""
    access.require_national_organizer(actor, contest_id)
    _check_track(data.code, data.name_zh)
    async with write_transaction():
        await one(Contest.select(Contest.id).where(Contest.id == contest_id).first(), "No such contest.")
        if await Track.exists().where((Track.contest == contest_id) & (Track.code == data.code)):
            raise Conflict("This contest already has a track with that code.", {"code": "taken"})
        order = await Track.count().where(Track.contest == contest_id)
        rows = await Track.insert(
            Track(
                contest=contest_id,
                code=data.code,
                name_zh=data.name_zh.strip(),
                name_en=data.name_en.strip(),
                sort_order=order,
            )
        )
        track_id = int(rows[0]["id"])
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="track.add",
            object_type="contest",
            object_id=contest_id,
            after={"track": track_id, "code": data.code, "name_zh": data.name_zh},
        )
    return await track_of(contest_id, track_id)


async def update_track(rt: Runtime, actor: Principal, contest_id: int, track_id: int, patch: TrackPatch) -> TrackOut:
    """Rename or reorder a track (its code stays: teams and exports refer to it)."""
    access.require_national_organizer(actor, contest_id)
    changes = patch.changes()
    if "name_zh" in changes and not str(changes["name_zh"]).strip():
        raise InvalidInput("Give the track a Chinese name.", {"name_zh": "required"})
    async with write_transaction():
        before = await Track.select().where((Track.id == track_id) & (Track.contest == contest_id)).first()
        if before is None:
            raise NotFound("No such track.")
        await audit.update_audited(
            rt.clock,
            Track,
            track_id,
            before,
            changes,
            actor_id=audit_id(actor),
            action="track.update",
            object_type="contest",
            object_id=contest_id,
            tag={"track": track_id},
        )
    return await track_of(contest_id, track_id)
