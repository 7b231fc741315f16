"""JSON API of results: rules, runs (compute, review, adjust, publish, finalise), exports, appeals,
a team's own result, the public results and the live leaderboard (with its event stream)."""

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, JSONBody, Parameter
from litestar.response import ServerSentEvent
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from contest.lib.guards import authenticated, organizer, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Reason
from contest.submissions.api import STORE
from judging.ranking import RankingResult
from judging.results import appeals, live, preview, service
from judging.results.schemas import (
    AdjustIn,
    AnswerIn,
    AppealIn,
    AppealOut,
    LiveBoardOut,
    MyResultOut,
    PublicResultsOut,
    PublishIn,
    ResultsOut,
    RulesIn,
    RulesOut,
    RunOut,
    ViewOut,
)
from storage import ObjectStore

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
Viewer = NamedDependency[Principal | None]
Store = NamedDependency[ObjectStore]
ViewKey = Annotated[str, Parameter(max_length=120)]
MAX_FORM_BYTES = 11 * 1024 * 1024


class SheetsFile(msgspec.Struct):
    """A sheets file in the ranking command's JSON format."""

    file: UploadFile


class AppealForm(msgspec.Struct):
    """The reason and, optionally, one PDF or image of at most 10 MB."""

    reason: Reason
    attachment: UploadFile | None = None


class RoundResultsController(Controller):
    path = "/rounds/{round_id:int}/results"
    tags = ["results"]

    @get("/rules", guards=[organizer])
    async def rules(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> RulesOut:
        """How the round is ranked, who advances and the award tiers (its defaults until set)."""
        return await service.rules_of(rt, round_id)

    @put("/rules", guards=[organizer])
    async def set_rules(self, round_id: FromPath[int], data: JSONBody[RulesIn], rt: Rt, actor: Actor) -> RulesOut:
        """Set the round's result rules (national organizers); refused when they do not hold together."""
        return await service.set_rules(rt, actor, round_id, data)

    @post("/runs", guards=[organizer], status_code=HTTP_202_ACCEPTED)
    async def compute(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> RunOut:
        """Queue a computation from the submitted sheets as they are now (a new numbered run)."""
        return await service.request_compute(rt, actor, round_id)

    @get("/runs", guards=[organizer])
    async def runs(self, round_id: FromPath[int], actor: Actor) -> list[RunOut]:
        """The round's runs, newest first."""
        return await service.runs(actor, round_id)

    @get("/appeals", guards=[organizer])
    async def appeals(self, round_id: FromPath[int], actor: Actor) -> list[AppealOut]:
        """The round's appeals, open ones first."""
        return await appeals.appeals(actor, round_id)

    @get("/public", guards=[public])
    async def public(self, round_id: FromPath[int]) -> PublicResultsOut:
        """The published results (empty until published)."""
        return await service.public_results(round_id)

    @get("/mine", guards=[authenticated])
    async def mine(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> MyResultOut:
        """The caller's team's result with the reasons and the judges' comments, once published."""
        return await appeals.my_result(rt, actor, round_id)

    @post("/appeals", guards=[authenticated], dependencies=STORE, request_max_body_size=MAX_FORM_BYTES)
    async def appeal(
        self,
        round_id: FromPath[int],
        data: Annotated[AppealForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        rt: Rt,
        actor: Actor,
        store: Store,
    ) -> AppealOut:
        """File an appeal during the notice period (multipart: `reason`, optional `attachment`)."""
        attachment = None
        if data.attachment is not None and data.attachment.filename:
            attachment = appeals.Attachment(data.attachment.filename, await data.attachment.read())
        return await appeals.file_appeal(rt, store, actor, round_id, AppealIn(reason=data.reason), attachment)


class RunController(Controller):
    path = "/results/runs/{run_id:int}"
    tags = ["results"]
    guards = [organizer]

    @get("/")
    async def show(self, run_id: FromPath[int], actor: Actor) -> ResultsOut:
        """A run with every team's standing (adjustments applied), judges' analytics and adjustments."""
        return await service.results(actor, run_id)

    @get("/views")
    async def views(self, run_id: FromPath[int], actor: Actor) -> list[ViewOut]:
        """The run's rankings: national, per region and per track."""
        found = await service.results(actor, run_id)
        return service.views(found.snapshot) if found.snapshot else []

    @post("/adjustments", status_code=HTTP_200_OK)
    async def adjust(self, run_id: FromPath[int], data: JSONBody[AdjustIn], rt: Rt, actor: Actor) -> ResultsOut:
        """Change a team's advancement or award, with a recorded reason."""
        return await service.adjust(rt, actor, run_id, data)

    @post("/publish", status_code=HTTP_200_OK)
    async def publish(self, run_id: FromPath[int], data: JSONBody[PublishIn], rt: Rt, actor: Actor) -> RunOut:
        """Publish and open the notice period (with missing sheets only with override and reason)."""
        return await service.publish(rt, actor, run_id, data)

    @post("/finalise", status_code=HTTP_200_OK)
    async def finalise(self, run_id: FromPath[int], rt: Rt, actor: Actor) -> RunOut:
        """Make the results final after the notice period (the schedule also does it)."""
        return await service.finalise(rt, actor, run_id)

    @get("/export.csv", media_type="text/csv")
    async def export_csv(
        self, run_id: FromPath[int], actor: Actor, view: FromQuery[ViewKey] = "national"
    ) -> Response[bytes]:
        """One view (national, region:<code>, track:<name>, awards) as CSV (UTF-8 with BOM)."""
        return Response(
            await service.export_csv(actor, run_id, view),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="results-{run_id}.csv"'},
        )

    @get("/export.xlsx")
    async def export_xlsx(self, run_id: FromPath[int], actor: Actor) -> Response[bytes]:
        """Every view and the award list as one workbook, a sheet per view."""
        return Response(
            await service.export_xlsx(actor, run_id),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="results-{run_id}.xlsx"'},
        )


class AppealController(Controller):
    path = "/appeals/{appeal_id:int}"
    tags = ["results"]

    @post("/answer", guards=[organizer], status_code=HTTP_200_OK)
    async def answer(self, appeal_id: FromPath[int], data: JSONBody[AnswerIn], rt: Rt, actor: Actor) -> AppealOut:
        """Uphold (with the change, recorded as an adjustment) or dismiss an appeal, saying why."""
        return await appeals.answer_appeal(rt, actor, appeal_id, data)

    @get("/attachment", guards=[authenticated], dependencies=STORE)
    async def attachment(self, appeal_id: FromPath[int], rt: Rt, actor: Actor, store: Store) -> dict[str, str]:
        """A short-lived download link of the appeal's attachment (its team and organizers)."""
        return {"url": await appeals.attachment_link(rt, store, actor, appeal_id)}


class LiveController(Controller):
    path = "/rounds/{round_id:int}/live"
    tags = ["leaderboard"]

    @get("/", guards=[public])
    async def board(
        self, round_id: FromPath[int], rt: Rt, viewer: Viewer, view: FromQuery[str] = "public"
    ) -> LiveBoardOut:
        """The live leaderboard of an on-site round (frozen: as at the freeze; `view=organizer` for
        organizers: the live one)."""
        return await live.board(rt, viewer, round_id, organizer_view=view == "organizer")

    @get("/events", guards=[public])
    async def events(
        self,
        request: Request[Any, Any, Any],
        round_id: FromPath[int],
        rt: Rt,
        viewer: Viewer,
        view: FromQuery[str] = "public",
    ) -> ServerSentEvent:
        """Server-sent events: `board` with the whole board at once and on every change."""
        last = request.headers.get("last-event-id")
        await live.board(rt, viewer, round_id, organizer_view=view == "organizer")  # 404/403 before the stream starts
        return ServerSentEvent(
            live.stream(rt, viewer, round_id, organizer_view=view == "organizer", last_id=last),
            headers={"X-Accel-Buffering": "no"},
            retry_duration=live.RETRY_MS,
        )

    @post("/freeze", guards=[organizer], status_code=HTTP_200_OK)
    async def freeze(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> LiveBoardOut:
        """Freeze the public board as it is now, for the reveal."""
        return await live.set_frozen(rt, actor, round_id, True)

    @post("/unfreeze", guards=[organizer], status_code=HTTP_200_OK)
    async def unfreeze(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> LiveBoardOut:
        """Show the live board to the public again."""
        return await live.set_frozen(rt, actor, round_id, False)


class RankingPreviewController(Controller):
    path = "/ranking/preview"
    tags = ["results"]

    @post("/", guards=[organizer], status_code=HTTP_200_OK, request_max_body_size=MAX_FORM_BYTES * 2)
    async def preview(
        self, data: Annotated[SheetsFile, Body(media_type=RequestEncodingType.MULTI_PART)], actor: Actor
    ) -> RankingResult:
        """Rank a sheets file (multipart `file`, the JSON of `python -m judging.ranking`) without
        storing anything; a malformed file is refused with the reason."""
        return await preview.preview(actor, await data.file.read())
