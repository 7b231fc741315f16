"""Student pages of entries: the rounds of the chosen contest with their countdowns, and per round an
upload card per slot (progress and resume in the browser, check results, versions, the chosen one)
and the submit button. Files go from the browser straight to the object store (static/app.js asks
the JSON API for the addresses); these pages only read, choose, submit and cancel."""

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from contest.lib.errors import Unavailable
from contest.lib.guards import authenticated
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Id, Line100
from contest.rounds import participants
from contest.submissions import entries, uploads
from contest.submissions.rules import CONTENT_TYPES, max_bytes
from contest.submissions.schemas import ChoiceIn, TextIn
from contest.teams import queries as teams
from frontend import flash
from frontend.forms import Form, decode
from frontend.switcher import chosen_contest
from frontend.templating import render
from storage import ObjectStore

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]


class AppIdForm(msgspec.Struct):
    slot_id: Id
    text: Line100


def store_of(request: Request[Any, Any, Any]) -> ObjectStore:
    store: Any = request.app.state.get("store")
    if store is None:
        raise Unavailable("The file store is not configured; uploads are unavailable.")
    return store  # type: ignore[no-any-return]


def pending_uploads(entry: Any) -> dict[int, str]:
    """Per slot, its unfinished uploads as JSON for the upload script (to resume them)."""
    return {
        slot.slot.id: msgspec.json.encode(
            [
                {
                    "id": u.id,
                    "filename": u.filename,
                    "size": u.declared_size,
                    "method": u.method,
                    "part_size": u.part_size,
                    "part_count": u.part_count,
                }
                for u in slot.in_progress
            ]
        ).decode()
        for slot in entry.slots
    }


class EntryPages(Controller):
    include_in_schema = False
    guards = [authenticated]

    @get("/my/entries")
    async def overview(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        """The rounds of the chosen contest as the student's team sees them."""
        contest = await chosen_contest(request)
        team_id = await teams.team_of(actor.user_id, contest.id)
        rounds = await participants.team_rounds(rt, contest.id, team_id) if team_id is not None else []
        return render(request, "entries/overview.html", {"contest": contest, "team_id": team_id, "rounds": rounds})

    @get("/my/entries/{round_id:int}")
    async def entry(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        """One round's entry: an upload card per slot, and the submit button."""
        entry = await entries.my_entry(rt, actor, round_id)
        return render(
            request,
            "entries/entry.html",
            {
                "contest": await chosen_contest(request),
                "entry": entry,
                "limits": {s.slot.id: max_bytes(s.slot) for s in entry.slots if s.slot.kind != "appid"},
                "accept": {k: ",".join(v) for k, v in CONTENT_TYPES.items()},
                "pending": pending_uploads(entry),
            },
        )

    @post("/my/entries/{round_id:int}/appid", opt={"back": "/my/entries/{round_id}"})
    async def appid(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        form = decode(data, AppIdForm)
        await uploads.add_text(rt, actor, round_id, form.slot_id, TextIn(form.text))
        return await flash.redirect(request, f"/my/entries/{round_id}", notice="The AppID is saved.")

    @post("/my/entries/{round_id:int}/choose", opt={"back": "/my/entries/{round_id}"})
    async def choose(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await entries.choose_version(rt, actor, round_id, decode(data, ChoiceIn))
        return await flash.redirect(request, f"/my/entries/{round_id}", notice="This version is now your choice.")

    @post("/my/entries/{round_id:int}/submit", opt={"back": "/my/entries/{round_id}"})
    async def submit(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await entries.submit_entry(rt, actor, round_id)
        return await flash.redirect(request, f"/my/entries/{round_id}", notice="Your entry is submitted.")

    @post("/my/entries/{round_id:int}/cancel/{upload_id:int}", opt={"back": "/my/entries/{round_id}"})
    async def cancel(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], upload_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await uploads.cancel_upload(rt, store_of(request), actor, upload_id)
        return await flash.redirect(request, f"/my/entries/{round_id}", notice="The upload is cancelled.")

    @get("/files/{upload_id:int}")
    async def download(
        self, request: Request[Any, Any, Any], upload_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Redirect:
        """A stored version, downloaded from the object store as an attachment (its team and organizers)."""
        link = await uploads.download_link(rt, store_of(request), actor, upload_id)
        return Redirect(path=link.url, status_code=303)
