"""Organizer console pages: teams (filters, counts, export, status), change requests, teachers,
judges and organizers, contest settings and tracks, universities."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from argon2 import PasswordHasher
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
from contest.contests import service as contests
from contest.contests.api import require_national_organizer
from contest.contests.rules import known_time_zone
from contest.contests.service import tracks_of
from contest.errors import DomainError, Forbidden, InvalidInput
from contest.regions.api import ImportForm, import_from_upload
from contest.regions.service import list_regions, search_universities
from contest.settings import Settings
from contest.teams import queries
from contest.teams import service as teams
from contest.teams.api import require_organizer_of_team
from frontend.forms import Form, local_datetime, local_input, number, see_other, text, whole
from frontend.templating import render

STATUSES = ("active", "withdrawn", "disqualified")


class Scope(msgspec.Struct, frozen=True):
    """The current contest as this organizer sees it: `regions` None means every region."""

    contest: dict[str, Any]
    user_id: int
    regions: frozenset[int] | None


async def scope_of(request: Request[Any, Any, Any]) -> Scope:
    contest = await contests.portal_contest()
    principal = me(request)
    if not principal.has_role(Role.ORGANIZER, contest["id"]):
        raise Forbidden("You do not have the right to do this.")
    return Scope(contest, principal.user_id, principal.organizer_regions(contest["id"]))


async def act_on_team(
    request: Request[Any, Any, Any], team_id: int, action: Callable[[int], Awaitable[object]]
) -> Response[Any] | Template:
    """Run an organizer's action (given their user id) on a team they oversee, then show the team
    again; a refusal is shown as a page with its status."""
    principal = me(request)
    await require_organizer_of_team(principal, team_id)
    try:
        await action(principal.user_id)
    except DomainError as exc:
        return render(
            request, "message.html", {"title": "Not done", "message": exc.message}, status_code=exc.status_code
        )
    return see_other(f"/console/teams/{team_id}")


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
        scope = await scope_of(request)
        contest_id = scope.contest["id"]
        flt = queries.TeamFilter(
            region_ids=scope.regions,
            region_id=region_id,
            track_id=track_id,
            status=status if status in STATUSES else None,
            q=q[:60],
        )
        result = await queries.list_teams(contest_id, flt, page=max(page, 1), per_page=50)
        query = "&".join(
            f"{k}={quote(str(v))}"
            for k, v in (("region_id", region_id), ("track_id", track_id), ("status", flt.status), ("q", flt.q))
            if v
        )
        return render(
            request,
            "console/teams.html",
            {
                "contest": scope.contest,
                "result": result,
                "regions": await _visible_regions(scope),
                "tracks": await tracks_of(contest_id),
                "statuses": STATUSES,
                "page": max(page, 1),
                "filters": {"region_id": region_id, "track_id": track_id, "status": flt.status, "q": flt.q},
                "export_query": query,
                "pending": await queries.pending_changes(contest_id, scope.regions),
                "teachers": await accounts.pending_teachers(scope.regions),
            },
        )

    @get("/teams/{team_id:int}")
    async def team(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], clock: NamedDependency[Clock]
    ) -> Template:
        await require_organizer_of_team(me(request), team_id)
        return render(
            request,
            "console/team.html",
            {"team": await teams.team_detail(clock, team_id), "history": await entries_for("team", team_id)},
        )

    @post("/teams/{team_id:int}/status")
    async def set_status(
        self, request: Request[Any, Any, Any], team_id: FromPath[int], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        return await act_on_team(
            request,
            team_id,
            lambda actor_id: teams.set_status_by_organizer(
                clock,
                actor_id=actor_id,
                team_id=team_id,
                disqualify=data.get("disqualify") == "yes",
                reason=text(data, "reason", 1000),
            ),
        )

    @post("/change-requests/{request_id:int}/answer")
    async def answer_for_member(
        self, request: Request[Any, Any, Any], request_id: FromPath[int], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        """Stand in for a member who does not answer, with a reason (recorded as an override)."""
        return await act_on_team(
            request,
            await teams.team_of_request(request_id),
            lambda actor_id: teams.answer_change(
                clock,
                actor_id=actor_id,
                request_id=request_id,
                approve=data.get("approve") == "yes",
                member_id=number(data, "member_id"),
                reason=text(data, "reason", 1000),
            ),
        )

    @post("/change-requests/{request_id:int}")
    async def decide_change(
        self,
        request: Request[Any, Any, Any],
        request_id: FromPath[int],
        data: Form,
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Any] | Template:
        return await act_on_team(
            request,
            await teams.team_of_request(request_id),
            lambda actor_id: teams.decide_change(
                clock,
                settings.public_base_url,
                actor_id=actor_id,
                request_id=request_id,
                accept=data.get("accept") == "yes",
                reason=text(data, "reason", 1000),
            ),
        )

    @post("/teachers/{user_id:int}")
    async def decide_teacher(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any]:
        scope = await scope_of(request)
        await accounts.decide_teacher(
            clock, scope.user_id, user_id, data.get("approve") == "yes", text(data, "reason", 500), scope.regions
        )
        return see_other("/console/teams")

    @get("/staff")
    async def staff(self, request: Request[Any, Any, Any]) -> Template:
        return await self._staff_page(request, await scope_of(request))

    @post("/staff")
    async def invite_staff(
        self,
        request: Request[Any, Any, Any],
        data: Form,
        clock: NamedDependency[Clock],
        hasher: NamedDependency[PasswordHasher],
        settings: NamedDependency[Settings],
    ) -> Template:
        """Invite a judge or organizer by e-mail; the same service (and regional limits) as the API."""
        scope = await scope_of(request)
        role = data.get("role", "")
        try:
            if role not in (Role.JUDGE.value, Role.ORGANIZER.value):
                raise InvalidInput("Choose judge or organizer.", {"role": "invalid"})
            await accounts.invite_staff(
                clock,
                hasher,
                settings.public_base_url,
                actor_id=scope.user_id,
                contest_id=scope.contest["id"],
                email=text(data, "email", 254),
                name=text(data, "name", 100),
                role=Role(role),
                region_id=number(data, "region_id"),
                inviter_regions=scope.regions,
                language="en" if data.get("language") == "en" else "zh-CN",
            )
        except DomainError as exc:
            return await self._staff_page(
                request, scope, {"error": exc.message, "fields": exc.fields, "form": data}, exc.status_code
            )
        return await self._staff_page(request, scope, {"flash": "Invitation sent."})

    async def _staff_page(
        self, request: Request[Any, Any, Any], scope: Scope, extra: dict[str, Any] | None = None, status_code: int = 200
    ) -> Template:
        return render(
            request,
            "console/staff.html",
            {
                "contest": scope.contest,
                "staff": await accounts.staff_of(scope.contest["id"], scope.regions),
                "regions": await _visible_regions(scope),
                "national": scope.regions is None,
                "form": {},
                **(extra or {}),
            },
            status_code=status_code,
        )

    @get("/contest")
    async def contest_settings(self, request: Request[Any, Any, Any]) -> Template:
        return await self._contest_page(request, await scope_of(request))

    @post("/contest")
    async def update_contest(
        self, request: Request[Any, Any, Any], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        """Save the settings form (national organizers); a refusal shows the form again as typed."""

        async def save(scope: Scope, actor_id: int) -> None:
            tz = text(data, "time_zone", 64)
            # The window is typed in the zone the form names (if it is a real one).
            zone = tz if known_time_zone(tz) else scope.contest["time_zone"]
            changes = {
                "name_zh": text(data, "name_zh", 200),
                "name_en": text(data, "name_en", 200),
                "time_zone": tz,
                "registration_opens_at": local_datetime(data, "registration_opens_at", zone),
                "registration_deadline": local_datetime(data, "registration_deadline", zone),
                "min_team_size": whole(data, "min_team_size"),
                "max_team_size": whole(data, "max_team_size"),
                "max_advisors": whole(data, "max_advisors"),
                "same_university": data.get("same_university") == "yes",
                "privacy_notice_zh": text(data, "privacy_notice_zh", 20000),
                "privacy_notice_en": text(data, "privacy_notice_en", 20000),
            }
            await contests.update_contest(clock, actor_id=actor_id, contest_id=scope.contest["id"], changes=changes)

        return await self._change_contest(
            request, save, lambda exc: {"error": exc.message, "fields": exc.fields, "form": data}
        )

    @post("/contest/tracks")
    async def add_track(
        self, request: Request[Any, Any, Any], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        return await self._change_contest(
            request,
            lambda scope, actor_id: contests.add_track(
                clock,
                actor_id=actor_id,
                contest_id=scope.contest["id"],
                code=text(data, "code", 32),
                name_zh=text(data, "name_zh", 100),
                name_en=text(data, "name_en", 100),
            ),
            lambda exc: {"track_error": exc.message, "track_form": data, "fields": exc.fields},
        )

    @post("/contest/tracks/{track_id:int}")
    async def rename_track(
        self, request: Request[Any, Any, Any], track_id: FromPath[int], data: Form, clock: NamedDependency[Clock]
    ) -> Response[Any] | Template:
        async def rename(scope: Scope, actor_id: int) -> None:
            changes = {
                "name_zh": text(data, "name_zh", 100),
                "name_en": text(data, "name_en", 100),
                "sort_order": whole(data, "sort_order"),
            }
            await contests.update_track(
                clock, actor_id=actor_id, contest_id=scope.contest["id"], track_id=track_id, changes=changes
            )

        return await self._change_contest(request, rename, lambda exc: {"track_error": exc.message})

    async def _change_contest(
        self,
        request: Request[Any, Any, Any],
        action: Callable[[Scope, int], Awaitable[object]],
        shown: Callable[[DomainError], dict[str, Any]],
    ) -> Response[Any] | Template:
        """Run a national organizer's change of the contest; a refusal shows the settings page
        again with what `shown` picks from the error."""
        scope = await scope_of(request)
        actor_id = require_national_organizer(request, scope.contest["id"])
        try:
            await action(scope, actor_id)
        except DomainError as exc:
            return await self._contest_page(request, scope, shown(exc), exc.status_code)
        return see_other("/console/contest?saved=1")

    async def _contest_page(
        self, request: Request[Any, Any, Any], scope: Scope, extra: dict[str, Any] | None = None, status_code: int = 200
    ) -> Template:
        contest = await contests.contest_detail(scope.contest["id"])
        tz = contest["time_zone"]
        values = {
            **{k: contest[k] for k in contests.SETTINGS},
            "registration_opens_at": local_input(contest["registration_opens_at"], tz),
            "registration_deadline": local_input(contest["registration_deadline"], tz),
            "same_university": "yes" if contest["same_university"] else "",
        }
        return render(
            request,
            "console/contest.html",
            {
                "contest": contest,
                "national": scope.regions is None,
                "saved": request.query_params.get("saved") == "1",
                "form": values,
                "track_form": {},
                "track_error": "",
                **(extra or {}),
            },
            status_code=status_code,
        )

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
            report = await import_from_upload(clock, me(request), data.file)
        except DomainError as exc:
            return render(
                request,
                "console/universities.html",
                {**context, "error": exc.message, "rows": exc.fields},
                status_code=exc.status_code,
            )
        context["universities"] = await search_universities("", limit=200)
        return render(request, "console/universities.html", {**context, "report": report})


async def _visible_regions(scope: Scope) -> list[dict[str, Any]]:
    regions = await list_regions()
    return regions if scope.regions is None else [r for r in regions if r["id"] in scope.regions]
