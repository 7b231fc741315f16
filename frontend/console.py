"""Organizer console pages: teams (filters, counts, export, status), change requests, teachers,
judges and organizers, contest settings and tracks, universities, undelivered mail."""

from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from contest.accounts import staff
from contest.accounts.schemas import DecisionIn as TeacherDecisionIn
from contest.accounts.schemas import StaffInviteIn
from contest.contests import service as contests
from contest.contests.rules import known_time_zone
from contest.contests.schemas import ContestOut, ContestPatch, TrackIn, TrackPatch
from contest.lib.errors import Forbidden, Msg, NotFound
from contest.lib.guards import organizer
from contest.lib.mail import service as mail
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.regions import service as regions
from contest.teams import changes, queries, roster
from contest.teams.queries import STATUSES, TeamFilter
from contest.teams.schemas import ChangeAnswerIn, DecisionIn, StatusIn
from frontend import flash
from frontend.forms import Form, Upload, decode, local_input
from frontend.switcher import chosen_contest
from frontend.templating import render

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
PER_PAGE = 50
LOCAL_TIMES = ("registration_opens_at", "registration_deadline")


async def console_contest(request: Request[Any, Any, Any], actor: Principal) -> ContestOut:
    """The contest the console is about (the one chosen, else the newest), which this person must
    organize (a region of it at least)."""
    contest = await chosen_contest(request)
    if not actor.organizes(contest.id):
        raise Forbidden("You do not have the right to do this.")
    return contest


async def visible_regions(actor: Principal, contest_id: int) -> list[Any]:
    scope = actor.organizer_regions(contest_id)
    return [r for r in await regions.list_regions() if scope is None or r.id in scope]


class ConsolePages(Controller):
    path = "/console"
    include_in_schema = False
    guards = [organizer]

    @get("/")
    async def index(self) -> Response[Any]:
        return Response(None, status_code=303, headers={"Location": "/console/teams"})

    @get("/teams")
    async def teams_list(self, request: Request[Any, Any, Any], actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        query = {k: v for k, v in request.query_params.items() if k in TeamFilter.__struct_fields__}
        flt = decode(query, TeamFilter)
        if flt.status not in (None, *STATUSES):
            flt = TeamFilter(region_id=flt.region_id, track_id=flt.track_id, q=flt.q)
        page = decode({"page": request.query_params.get("page", "")}, PageIn).page
        kept = {k: v for k, v in query.items() if v}
        return render(
            request,
            "console/teams.html",
            {
                "contest": contest,
                "result": await queries.list_teams(actor, contest.id, flt, page=page, per_page=PER_PAGE),
                "regions": await visible_regions(actor, contest.id),
                "statuses": STATUSES,
                "page": page,
                "per_page": PER_PAGE,
                "filters": flt,
                "export_query": urlencode(kept),
                "pending": await queries.pending_changes(actor, contest.id),
                "teachers": await staff.pending_teachers(actor, contest.id),
            },
        )

    @get("/teams/{team_id:int}")
    async def team(self, request: Request[Any, Any, Any], team_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        return render(
            request,
            "console/team.html",
            {"team": await queries.team_for(rt, actor, team_id), "history": await queries.history(actor, team_id)},
        )

    @post("/teams/{team_id:int}/status", opt={"back": "/console/teams/{team_id}"})
    async def set_status(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        team = await roster.set_status(rt, actor, team_id, decode(data, StatusIn))
        return await flash.redirect(request, f"/console/teams/{team.id}", notice="Saved.")

    @post("/change-requests/{request_id:int}/answer")
    async def answer_for_member(
        self, request: Request[Any, Any, Any], request_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        """Stand in for a member who does not answer, with a reason (recorded as an override)."""
        team_id = await _team_of_request(request_id)
        request.state.back = f"/console/teams/{team_id}"
        await changes.answer_change(rt, actor, request_id, decode(data, ChangeAnswerIn))
        return await flash.redirect(request, f"/console/teams/{team_id}", notice="Your answer is recorded.")

    @post("/change-requests/{request_id:int}")
    async def decide_change(
        self, request: Request[Any, Any, Any], request_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        team_id = await _team_of_request(request_id)
        request.state.back = f"/console/teams/{team_id}"
        await changes.decide_change(rt, actor, request_id, decode(data, DecisionIn))
        return await flash.redirect(request, f"/console/teams/{team_id}", notice="Decision recorded.")

    @post("/teachers/{user_id:int}", opt={"back": "/console/teams"})
    async def decide_teacher(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        contest = await console_contest(request, actor)
        await staff.decide_teacher(rt, actor, contest.id, user_id, decode(data, TeacherDecisionIn))
        return await flash.redirect(request, "/console/teams", notice="Decision recorded.")

    @get("/staff")
    async def staff(self, request: Request[Any, Any, Any], actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        return render(
            request,
            "console/staff.html",
            {
                "contest": contest,
                "staff": await staff.staff_of(actor, contest.id),
                "regions": await visible_regions(actor, contest.id),
                "national": actor.organizer_regions(contest.id) is None,
                "form": {},
            },
        )

    @post("/staff")
    async def invite_staff(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        """Invite a judge or organizer by e-mail; the same service (and regional limits) as the API."""
        contest = await console_contest(request, actor)
        await staff.invite_staff(rt, actor, contest.id, decode(data, StaffInviteIn))
        return await flash.redirect(request, "/console/staff", notice="Invitation sent.")

    @get("/mail")
    async def undelivered_mail(self, request: Request[Any, Any, Any], actor: Actor) -> Template:
        """Mail that could not be delivered (national organizers: it may be to anyone)."""
        return render(request, "console/mail.html", {"messages": await mail.failed_mail(actor)})

    @post("/mail/{message_id:int}/resend", opt={"back": "/console/mail"})
    async def resend_mail(
        self, request: Request[Any, Any, Any], message_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await mail.resend(rt, actor, message_id)
        return await flash.redirect(request, "/console/mail", notice="The message is queued to be sent again.")

    @get("/contest")
    async def contest_settings(self, request: Request[Any, Any, Any], actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        tz = contest.time_zone
        values = {
            **{k: getattr(contest, k) for k in ContestPatch.__struct_fields__},
            **{k: local_input(getattr(contest, k), tz) for k in LOCAL_TIMES},
        }
        return render(
            request,
            "console/contest.html",
            {"contest": contest, "national": actor.organizer_regions(contest.id) is None, "form": values},
        )

    @post("/contest")
    async def update_contest(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        """Save the settings (national organizers); the window is typed in the zone the form names."""
        contest = await console_contest(request, actor)
        zone = data.get("time_zone", "") if known_time_zone(data.get("time_zone", "")) else contest.time_zone
        patch = decode(data, ContestPatch, checkboxes=("same_university",), local_times=LOCAL_TIMES, tz=zone)
        await contests.update_contest(rt, actor, contest.id, patch)
        return await flash.redirect(request, "/console/contest", notice="Saved.")

    @post("/contest/tracks", opt={"back": "/console/contest"})
    async def add_track(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        contest = await console_contest(request, actor)
        await contests.add_track(rt, actor, contest.id, decode(data, TrackIn, prefix="track_"))
        return await flash.redirect(request, "/console/contest", notice="Saved.")

    @post("/contest/tracks/{track_id:int}", opt={"back": "/console/contest"})
    async def rename_track(
        self, request: Request[Any, Any, Any], track_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        contest = await console_contest(request, actor)
        await contests.update_track(rt, actor, contest.id, track_id, decode(data, TrackPatch))
        return await flash.redirect(request, "/console/contest", notice="Saved.")

    @get("/universities")
    async def universities(self, request: Request[Any, Any, Any]) -> Template:
        q = request.query_params.get("q", "")[:50]
        return render(
            request,
            "console/universities.html",
            {"q": q, "universities": await regions.search_universities(q, limit=200), "report": None, "rows": {}},
        )

    @post("/universities")
    async def import_universities(
        self,
        request: Request[Any, Any, Any],
        data: Upload,
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        """The same import as the API; the outcome (or each refused row) shows on the page."""
        report = await regions.import_universities(rt, actor, data.file.filename, await data.file.read())
        return await flash.redirect(
            request,
            "/console/universities",
            notice=Msg(
                "{created} universities added, {updated} updated.",
                {"created": report.created, "updated": report.updated},
            ),
        )


class PageIn(msgspec.Struct):
    page: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1


async def _team_of_request(request_id: int) -> int:
    team_id = await queries.team_of_request(request_id)
    if team_id is None:
        raise NotFound("No such change request.")
    return team_id
