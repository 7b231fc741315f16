"""Organizer console pages of rounds: the sequence and each round's settings, slots, participants and
extensions; the status of its entries per region and track; one team's files; the round's archives."""

import re
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from contest.lib.errors import Msg
from contest.lib.guards import organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Id
from contest.rounds import participants, service
from contest.rounds.schemas import ExtensionIn, ParticipantsIn, RoundIn, RoundPatch, SlotIn, SlotPatch
from contest.submissions import archives, entries, queries
from contest.submissions.schemas import ArchiveIn, Only
from frontend import flash
from frontend.console import console_contest, visible_regions
from frontend.entries import store_of
from frontend.forms import Form, decode, local_input
from frontend.templating import render

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
LOCAL_TIMES = ("opens_at", "closes_at", "review_opens_at", "review_closes_at")
CHECKBOXES = ("blind", "all_teams")
PER_PAGE = 100


class StatusFilter(msgspec.Struct, kw_only=True):
    region_id: Id | None = None
    track_id: Id | None = None
    only: Only | None = None
    page: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1


def team_ids(text: str) -> list[int]:
    """Team numbers typed or pasted in any layout (one per line, commas, spaces)."""
    return [int(n) for n in re.findall(r"\d+", text)]


class RoundPages(Controller):
    path = "/console"
    include_in_schema = False
    guards = [organizer]

    @get("/rounds")
    async def rounds(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        return render(
            request,
            "console/rounds.html",
            {
                "contest": contest,
                "rounds": await service.rounds_of(rt, contest.id),
                "national": actor.organizer_regions(contest.id) is None,
            },
        )

    @post("/rounds", opt={"back": "/console/rounds"})
    async def create(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        contest = await console_contest(request, actor)
        form = decode(data, RoundIn, checkboxes=CHECKBOXES, local_times=LOCAL_TIMES, tz=contest.time_zone)
        created = await service.create_round(rt, actor, contest.id, form)
        return await flash.redirect(request, f"/console/rounds/{created.id}", notice="Saved.")

    @post("/rounds/defaults", opt={"back": "/console/rounds"})
    async def defaults(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Response[Any]:
        contest = await console_contest(request, actor)
        await service.add_default_rounds(rt, actor, contest.id)
        return await flash.redirect(
            request, "/console/rounds", notice="The default rounds are added; set their windows."
        )

    @get("/rounds/{round_id:int}")
    async def round(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        round_ = await service.round_of(rt, round_id)
        values = {
            **{k: getattr(round_, k) for k in RoundPatch.__struct_fields__},
            **{k: local_input(getattr(round_, k), contest.time_zone) for k in LOCAL_TIMES},
        }
        listed = await participants.participants(actor, round_id, per_page=1000)
        return render(
            request,
            "console/round.html",
            {
                "contest": contest,
                "round": round_,
                "national": actor.organizer_regions(contest.id) is None,
                "form": values,
                "listed": listed,
                "listed_ids": " ".join(str(p.team_id) for p in listed.participants),
                "extensions": await participants.extensions(actor, round_id),
            },
        )

    @post("/rounds/{round_id:int}", opt={"back": "/console/rounds/{round_id}"})
    async def update(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        contest = await console_contest(request, actor)
        patch = decode(data, RoundPatch, checkboxes=CHECKBOXES, local_times=LOCAL_TIMES, tz=contest.time_zone)
        await service.update_round(rt, actor, round_id, patch)
        return await flash.redirect(request, f"/console/rounds/{round_id}", notice="Saved.")

    @post("/rounds/{round_id:int}/slots", opt={"back": "/console/rounds/{round_id}"})
    async def add_slot(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.add_slot(rt, actor, round_id, decode(data, SlotIn, checkboxes=("required",), prefix="slot_"))
        return await flash.redirect(request, f"/console/rounds/{round_id}", notice="Saved.")

    @post("/rounds/{round_id:int}/slots/{slot_id:int}", opt={"back": "/console/rounds/{round_id}"})
    async def update_slot(
        self,
        request: Request[Any, Any, Any],
        round_id: FromPath[int],
        slot_id: FromPath[int],
        data: Form,
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        await service.update_slot(rt, actor, round_id, slot_id, decode(data, SlotPatch, checkboxes=("required",)))
        return await flash.redirect(request, f"/console/rounds/{round_id}", notice="Saved.")

    @post("/rounds/{round_id:int}/slots/{slot_id:int}/remove", opt={"back": "/console/rounds/{round_id}"})
    async def remove_slot(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], slot_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.remove_slot(rt, actor, round_id, slot_id)
        return await flash.redirect(request, f"/console/rounds/{round_id}", notice="The slot is removed.")

    @post("/rounds/{round_id:int}/participants", opt={"back": "/console/rounds/{round_id}"})
    async def set_participants(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        listing = ParticipantsIn(team_ids(data.get("team_ids", "")))
        result = await participants.set_participants(rt, actor, round_id, listing)
        return await flash.redirect(
            request, f"/console/rounds/{round_id}", notice=Msg("Teams taking part: {count}.", {"count": result.total})
        )

    @post("/rounds/{round_id:int}/extensions", opt={"back": "/console/rounds/{round_id}"})
    async def extend(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await participants.grant_extension(rt, actor, round_id, decode(data, ExtensionIn))
        return await flash.redirect(request, f"/console/rounds/{round_id}", notice="Saved.")

    @get("/rounds/{round_id:int}/status")
    async def status(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        """Who submitted, what is missing, which checks failed; filters by region, track and state."""
        contest = await console_contest(request, actor)
        query = {k: v for k, v in request.query_params.items() if k in StatusFilter.__struct_fields__}
        flt = decode(query, StatusFilter)
        status = await queries.round_status(
            actor,
            round_id,
            region_id=flt.region_id,
            track_id=flt.track_id,
            only=flt.only,
            page=flt.page,
            per_page=PER_PAGE,
        )
        return render(
            request,
            "console/round_status.html",
            {
                "contest": contest,
                "round": await service.round_of(rt, round_id),
                "status": status,
                "filters": flt,
                "regions": await visible_regions(actor, contest.id),
                "query": urlencode({k: v for k, v in query.items() if v and k != "page"}),
                "per_page": PER_PAGE,
                "archives": await archives.archives_of(actor, round_id),
                "national": actor.organizer_regions(contest.id) is None,
            },
        )

    @post("/rounds/{round_id:int}/archives", opt={"back": "/console/rounds/{round_id}/status"})
    async def archive(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await archives.request_archive(rt, actor, round_id, decode(data, ArchiveIn))
        return await flash.redirect(
            request, f"/console/rounds/{round_id}/status", notice="The archive is being built; reload in a while."
        )

    @get("/archives/{archive_id:int}")
    async def download_archive(
        self, request: Request[Any, Any, Any], archive_id: FromPath[int], actor: Actor
    ) -> Redirect:
        found = await archives.archive_of(store_of(request), actor, archive_id)
        if found.url is None:
            return Redirect(path=f"/console/rounds/{found.round_id}/status", status_code=303)
        return Redirect(path=found.url, status_code=303)

    @get("/rounds/{round_id:int}/teams/{team_id:int}")
    async def team_entry(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], team_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Template:
        """One team's files with their checks, downloadable as attachments."""
        return render(
            request,
            "console/round_team.html",
            {
                "contest": await console_contest(request, actor),
                "entry": await entries.team_entry(rt, actor, round_id, team_id),
            },
        )
