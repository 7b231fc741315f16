"""JSON API of contests: public reading, creation by admins, settings and tracks by organizers."""

from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from contest.accounts.api import me
from contest.accounts.guards import admin, organizer, public
from contest.clock import Clock
from contest.contests import service
from contest.contests.schemas import ContestIn, ContestOut, ContestPatch, TrackIn, TrackOut, TrackPatch
from contest.errors import Forbidden


def require_national_organizer(request: Request[Any, Any, Any], contest_id: int) -> int:
    """The caller's user id, when they organize the whole contest (not one region of it)."""
    principal = me(request)
    if principal.organizer_regions(contest_id) is not None:
        raise Forbidden("Only national organizers change the contest's settings.")
    return principal.user_id


async def contest_out(contest_id: int) -> ContestOut:
    return msgspec.convert(await service.contest_detail(contest_id), ContestOut)


class ContestController(Controller):
    path = "/contests"
    tags = ["contests"]

    @get("/", guards=[public])
    async def list_contests(self) -> list[ContestOut]:
        """Every contest, newest first, with its registration window, team rules and tracks."""
        return [msgspec.convert(c, ContestOut) for c in await service.list_contests()]

    @get("/{contest_id:int}", guards=[public])
    async def show(self, contest_id: FromPath[int]) -> ContestOut:
        return await contest_out(contest_id)

    @post("/", guards=[admin])
    async def create(
        self, request: Request[Any, Any, Any], data: JSONBody[ContestIn], clock: NamedDependency[Clock]
    ) -> ContestOut:
        """A new contest (administrators); without `tracks` it gets the default two."""
        tracks = (
            service.DEFAULT_TRACKS
            if data.tracks is None
            else tuple((t.code, t.name_zh, t.name_en) for t in data.tracks)
        )
        contest_id = await service.create_contest(
            clock,
            slug=data.slug,
            name_zh=data.name_zh,
            name_en=data.name_en,
            time_zone=data.time_zone,
            actor_id=me(request).user_id,
            registration_opens_at=data.registration_opens_at,
            registration_deadline=data.registration_deadline,
            tracks=tracks,
        )
        return await contest_out(contest_id)

    @patch("/{contest_id:int}", guards=[organizer])
    async def update(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        data: JSONBody[ContestPatch],
        clock: NamedDependency[Clock],
    ) -> ContestOut:
        """Change settings (national organizers); only those sent change. Audited."""
        actor_id = require_national_organizer(request, contest_id)
        await service.update_contest(clock, actor_id=actor_id, contest_id=contest_id, changes=data.changes())
        return await contest_out(contest_id)

    @post("/{contest_id:int}/tracks", guards=[organizer])
    async def add_track(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        data: JSONBody[TrackIn],
        clock: NamedDependency[Clock],
    ) -> TrackOut:
        actor_id = require_national_organizer(request, contest_id)
        track_id = await service.add_track(
            clock, actor_id=actor_id, contest_id=contest_id, code=data.code, name_zh=data.name_zh, name_en=data.name_en
        )
        return await _track_out(contest_id, track_id)

    @patch("/{contest_id:int}/tracks/{track_id:int}", guards=[organizer])
    async def update_track(
        self,
        request: Request[Any, Any, Any],
        contest_id: FromPath[int],
        track_id: FromPath[int],
        data: JSONBody[TrackPatch],
        clock: NamedDependency[Clock],
    ) -> TrackOut:
        """Rename or reorder a track; its code stays."""
        actor_id = require_national_organizer(request, contest_id)
        await service.update_track(
            clock, actor_id=actor_id, contest_id=contest_id, track_id=track_id, changes=data.changes()
        )
        return await _track_out(contest_id, track_id)


async def _track_out(contest_id: int, track_id: int) -> TrackOut:
    track = next(t for t in await service.tracks_of(contest_id) if t["id"] == track_id)
    return msgspec.convert(track, TrackOut)
