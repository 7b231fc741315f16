"""JSON API of contests: public reading, creation by admins, settings and tracks by organizers."""

from litestar import Controller, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from contest.contests import service
from contest.contests.schemas import ContestIn, ContestOut, ContestPatch, TrackIn, TrackOut, TrackPatch
from contest.lib.guards import admin, organizer, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime


class ContestController(Controller):
    path = "/contests"
    tags = ["contests"]

    @get("/", guards=[public])
    async def list_contests(self) -> list[ContestOut]:
        """Every contest, newest first, with its registration window, team rules and tracks."""
        return await service.list_contests()

    @get("/{contest_id:int}", guards=[public])
    async def show(self, contest_id: FromPath[int]) -> ContestOut:
        return await service.contest(contest_id)

    @post("/", guards=[admin])
    async def create(
        self, data: JSONBody[ContestIn], rt: NamedDependency[Runtime], actor: NamedDependency[Principal]
    ) -> ContestOut:
        """A new contest (administrators); without `tracks` it gets the default two."""
        return await service.create_contest(rt, actor, data)

    @patch("/{contest_id:int}", guards=[organizer])
    async def update(
        self,
        contest_id: FromPath[int],
        data: JSONBody[ContestPatch],
        rt: NamedDependency[Runtime],
        actor: NamedDependency[Principal],
    ) -> ContestOut:
        """Change settings (national organizers); only those sent change. Audited."""
        return await service.update_contest(rt, actor, contest_id, data)

    @post("/{contest_id:int}/tracks", guards=[organizer])
    async def add_track(
        self,
        contest_id: FromPath[int],
        data: JSONBody[TrackIn],
        rt: NamedDependency[Runtime],
        actor: NamedDependency[Principal],
    ) -> TrackOut:
        return await service.add_track(rt, actor, contest_id, data)

    @patch("/{contest_id:int}/tracks/{track_id:int}", guards=[organizer])
    async def update_track(
        self,
        contest_id: FromPath[int],
        track_id: FromPath[int],
        data: JSONBody[TrackPatch],
        rt: NamedDependency[Runtime],
        actor: NamedDependency[Principal],
    ) -> TrackOut:
        """Rename or reorder a track; its code stays."""
        return await service.update_track(rt, actor, contest_id, track_id, data)
