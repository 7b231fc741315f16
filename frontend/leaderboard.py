"""Public pages of results: the published results of each round (national, per region, per track),
the live board of an on-site round and its projector view; and a team's own result with the reasons,
the judges' comments and its appeals during the notice period."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from contest.lib.guards import authenticated, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.rounds.service import rounds_of
from frontend import flash
from frontend.switcher import chosen_contest
from frontend.templating import render
from judging.results import appeals, live, service
from judging.results.schemas import AppealIn

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
Viewer = NamedDependency[Principal | None]


class AppealForm(msgspec.Struct):
    reason: str = ""
    attachment: UploadFile | None = None


class LeaderboardPages(Controller):
    include_in_schema = False
    guards = [public]

    @get("/results")
    async def index(self, request: Request[Any, Any, Any], rt: Rt) -> Template:
        contest = await chosen_contest(request)
        shown = []
        for r in await rounds_of(rt, contest.id):
            published = await service.published_run(r.id)
            if published is not None or r.kind == "onsite":
                shown.append({"round": r, "published": published})
        return render(request, "leaderboard/index.html", {"contest": contest, "rounds": shown})

    @get("/results/rounds/{round_id:int}")
    async def round(self, request: Request[Any, Any, Any], round_id: FromPath[int]) -> Template:
        contest = await chosen_contest(request)
        found = await service.public_results(round_id)
        key = request.query_params.get("view", "national")
        current = next((v for v in found.views if v.key == key), found.views[0] if found.views else None)
        return render(request, "leaderboard/round.html", {"contest": contest, "results": found, "view": current})

    @get("/live/{round_id:int}")
    async def live(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, viewer: Viewer) -> Template:
        contest = await chosen_contest(request)
        board = await live.board(rt, viewer, round_id)
        return render(request, "leaderboard/live.html", {"contest": contest, "board": board})

    @get("/live/{round_id:int}/projector")
    async def projector(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, viewer: Viewer
    ) -> Template:
        board = await live.board(rt, viewer, round_id)
        return render(request, "leaderboard/projector.html", {"board": board})


class MyResultPages(Controller):
    path = "/my/results"
    include_in_schema = False
    guards = [authenticated]

    @get("/")
    async def mine(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        contest = await chosen_contest(request)
        results = []
        for r in await rounds_of(rt, contest.id):
            if await service.published_run(r.id) is not None:
                results.append(await appeals.my_result(rt, actor, r.id))
        return render(request, "leaderboard/mine.html", {"contest": contest, "results": results})

    @post("/rounds/{round_id:int}/appeal", opt={"back": "/my/results"}, request_max_body_size=11 * 1024 * 1024)
    async def appeal(
        self,
        request: Request[Any, Any, Any],
        round_id: FromPath[int],
        data: Annotated[AppealForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        attachment = None
        if data.attachment is not None and data.attachment.filename:
            attachment = appeals.Attachment(data.attachment.filename, await data.attachment.read())
        store: Any = request.app.state.get("store")
        await appeals.file_appeal(rt, store, actor, round_id, AppealIn(reason=data.reason[:1000]), attachment)
        return await flash.redirect(
            request, "/my/results", notice="Your appeal is filed; the organizers will answer it."
        )

    @get("/appeals/{appeal_id:int}/attachment")
    async def attachment(
        self, request: Request[Any, Any, Any], appeal_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        store: Any = request.app.state.get("store")
        url = await appeals.attachment_link(rt, store, actor, appeal_id)
        return Response(None, status_code=303, headers={"Location": url})
