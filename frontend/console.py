"""Organizer console pages: teams (filters, counts, export, status), teachers, change requests."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Template

from contest.accounts import service as accounts
from contest.accounts.api import me
from contest.accounts.guards import organizer
from contest.accounts.tables import Role
from contest.audit.service import entries_for
from contest.clock import Clock
from contest.contests.service import tracks_of
from contest.errors import DomainError, Forbidden
from contest.regions.api import ImportForm, import_from_upload
from contest.regions.service import list_regions, search_universities
from contest.teams import queries
from contest.teams import service as teams
from contest.teams.api import require_organizer_of_team
from contest.teams.tables import ChangeRequest, ChangeStatus
from frontend.forms import Form, see_other, text
from frontend.teams import _contest
from frontend.templating import render

STATUSES = ("active", "withdrawn", "disqualified")


class ConsolePages(Controller):
    path = "/console"
    include_in_schema = False
    guards = [organizer]

    @get("/")
    async def index(self) -> Response[Any]:
        return see_other("/console/teams")

    @get("/teams")
    async def teams_list(
        self,
        request: Request[Any, Any, Any],
        region_id: FromQuery[int | None] = None,
        track_id: FromQuery[int | None] = None,
        status: FromQuery[str | None] = None,
        q: FromQuery[str] = "",
        page: FromQuery[int] = 1,
    ) -> Template:
        contest = await _contest()
        principal = me(request)
        if not principal.has_role(Role.ORGANIZER, contest["id"]):
            raise Forbidden("You do not have the right to do this.")
        flt = queries.TeamFilter(
            region_ids=principal.organizer_regions(contest["id"]),
            region_id=region_id,
            track_id=track_id,
            status=status if status in STATUSES else None,
            q=q[:60],
        )
        result = await queries.list_teams(contest["id"], flt, page=max(page, 1), per_page=50)
        pending = await ChangeRequest.select(
            ChangeRequest.id, ChangeRequest.team.name.as_alias("team"), ChangeRequest.change, ChangeRequest.reason
        ).where((ChangeRequest.status == ChangeStatus.PENDING.value) & (ChangeRequest.team.contest == contest["id"]))
        query = "&".join(
            f"{k}={v}"
            for k, v in (("region_id", region_id), ("track_id", track_id), ("status", flt.status), ("q", flt.q))
            if v
        )
        return render(
            request,
            "console/teams.html",
            {
                "contest": contest,
                "result": result,
                "regions": await list_regions(),
                "tracks": await tracks_of(contest["id"]),
                "statuses": STATUSES,
                "page": max(page, 1),
                "filters": {"region_id": region_id, "track_id": track_id, "status": flt.status, "q": flt.q},
                "export_query": query,
                "pending": pending,
                "teachers": await accounts.pending_teachers(),
            },
        )

    @post("/teams/{team_id:int}/status")
    async def set_status(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any]:
        principal = me(request)
        await require_organizer_of_team(principal, team_id)
        await teams.set_status_by_organizer(
            clock,
            actor_id=principal.user_id,
            team_id=team_id,
            disqualify=data.get("disqualify") == "yes",
            reason=text(data, "reason", 1000),
        )
        return see_other("/console/teams")

    @post("/change-requests/{request_id:int}")
    async def decide_change(
        self, request: Request[Any, Any, Any], request_id: FromPath[int], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        principal = me(request)
        await require_organizer_of_team(principal, await teams.team_of_request(request_id))
        try:
            await teams.decide_change(
                clock,
                actor_id=principal.user_id,
                request_id=request_id,
                accept=data.get("accept") == "yes",
                reason=text(data, "reason", 1000),
            )
        except DomainError as exc:
            return render(
                request, "message.html", {"title": "Not done", "message": exc.message}, status_code=exc.status_code
            )
        return see_other("/console/teams")

    @post("/teachers/{user_id:int}")
    async def decide_teacher(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any]:
        await accounts.decide_teacher(
            clock, me(request).user_id, user_id, data.get("approve") == "yes", text(data, "reason", 500)
        )
        return see_other("/console/teams")

    @get("/universities")
    async def universities(self, request: Request[Any, Any, Any], q: FromQuery[str] = "") -> Template:
        return render(
            request,
            "console/universities.html",
            {"q": q[:50], "universities": await search_universities(q[:50], limit=200)},
        )

    @post("/universities")
    async def import_universities(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        clock: NamedDependency[Clock],
    ) -> Template:
        """The same import as the API, with the row report shown on the page."""
        context: dict[str, Any] = {"q": "", "universities": []}
        try:
            report = await import_from_upload(clock, me(request).user_id, data.file)
        except DomainError as exc:
            return render(
                request,
                "console/universities.html",
                {**context, "error": exc.message, "rows": exc.fields},
                status_code=exc.status_code,
            )
        context["universities"] = await search_universities("", limit=200)
        return render(request, "console/universities.html", {**context, "report": report})

    @get("/teams/{team_id:int}")
    async def team(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> Template:
        await require_organizer_of_team(me(request), team_id)

        return render(
            request,
            "console/team.html",
            {
                "team": await teams.team_detail(clock, team_id),
                "history": await entries_for("team", team_id),
            },
        )
