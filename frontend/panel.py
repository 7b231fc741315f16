"""The judge panel's pages: the rounds a judge scores with progress, the entries of a round, one entry
with its files and the rubric form (autosaved by static/app.js through the JSON API; the form also
works without script), recusal, and a code package's files shown as text. Phone first: the on-site
final is scored on phones."""

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from contest.lib.errors import InvalidInput, Unavailable
from contest.lib.guards import judge
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from frontend import flash
from frontend.forms import Form, decode
from frontend.switcher import chosen_contest
from frontend.templating import render
from judging.rubrics import service as rubrics
from judging.rubrics.schemas import CriterionOut
from judging.sheets import files, service
from judging.sheets.schemas import RecuseIn, SheetIn
from storage import ObjectStore

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]


def store_or_none(request: Request[Any, Any, Any]) -> ObjectStore | None:
    store: Any = request.app.state.get("store")
    return store  # type: ignore[no-any-return]


def sheet_from_form(form: dict[str, str], criteria: list[CriterionOut]) -> SheetIn:
    """The rubric form as the API's SheetIn: score_<code> fields ("" is not scored yet)."""
    scores: dict[str, float | None] = {}
    problems = {}
    for criterion in criteria:
        raw = form.get(f"score_{criterion.code}", "").strip().replace(",", ".")
        if not raw:
            scores[criterion.code] = None
            continue
        try:
            scores[criterion.code] = float(raw)
        except ValueError:
            problems[f"scores.{criterion.code}"] = "This value is not valid."
    if problems:
        raise InvalidInput("Some scores are not valid.", problems)
    fields = {"comment": form.get("comment", ""), "note": form.get("note", ""), "version": form.get("version", "")}
    return decode(fields, SheetIn, scores=scores)


class PanelPages(Controller):
    path = "/judge"
    include_in_schema = False
    guards = [judge]

    @get("/")
    async def rounds(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        contest = await chosen_contest(request)
        return render(
            request,
            "judge/rounds.html",
            {"contest": contest, "rounds": await service.panel_rounds(rt, actor, contest.id)},
        )

    @get("/rounds/{round_id:int}")
    async def entries(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        contest = await chosen_contest(request)
        return render(
            request, "judge/entries.html", {"contest": contest, "panel": await service.panel(rt, actor, round_id)}
        )

    @get("/rounds/{round_id:int}/entries/{code:str}")
    async def entry(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], code: FromPath[str], rt: Rt, actor: Actor
    ) -> Template:
        contest = await chosen_contest(request)
        shown = await files.entry_view(rt, store_or_none(request), actor, round_id, code[:32])
        values = {f"score_{k}": ("" if v is None else f"{v:g}") for k, v in shown.sheet.scores.items()}
        values |= {"comment": shown.sheet.comment, "note": shown.sheet.note}
        return render(request, "judge/entry.html", {"contest": contest, "entry": shown, "form": values})

    @post("/rounds/{round_id:int}/entries/{code:str}")
    async def save(
        self,
        request: Request[Any, Any, Any],
        round_id: FromPath[int],
        code: FromPath[str],
        data: Form,
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        """The rubric form without script: save a draft, or submit."""
        scene = await service.scene_of(actor, round_id, code[:32])
        criteria = await rubrics.criteria_of(round_id)
        submit = data.get("action") == "submit"
        await service.save_sheet(rt, actor, round_id, scene.code, sheet_from_form(data, criteria), submit=submit)
        notice = "Sheet submitted. You may still change it until the review closes." if submit else "Draft saved."
        return await flash.redirect(request, f"/judge/rounds/{round_id}/entries/{scene.code}", notice=notice)

    @post("/rounds/{round_id:int}/entries/{code:str}/recuse", opt={"back": "/judge/rounds/{round_id}/entries/{code}"})
    async def recuse(
        self,
        request: Request[Any, Any, Any],
        round_id: FromPath[int],
        code: FromPath[str],
        data: Form,
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        await service.recuse(rt, actor, round_id, code[:32], decode(data, RecuseIn))
        return await flash.redirect(
            request,
            f"/judge/rounds/{round_id}",
            notice="You stepped back from this entry; another judge will score it.",
        )

    @get("/rounds/{round_id:int}/entries/{code:str}/package/{slot:str}")
    async def package(
        self,
        request: Request[Any, Any, Any],
        round_id: FromPath[int],
        code: FromPath[str],
        slot: FromPath[str],
        actor: Actor,
    ) -> Template:
        """The code package's files; with ?path=, that file's text (escaped, never rendered)."""
        store = store_or_none(request)
        if store is None:
            raise Unavailable("The file store is not configured.")
        path = request.query_params.get("path", "")[:1000]
        tree = await files.package_tree(store, actor, round_id, code[:32], slot[:32])
        text = await files.package_text(store, actor, round_id, code[:32], slot[:32], path) if path else None
        return render(
            request,
            "judge/package.html",
            {"round_id": round_id, "code": code[:32], "slot": slot[:32], "tree": tree, "text": text, "path": path},
        )
