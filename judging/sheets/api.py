"""JSON API of the judge panel: a judge's rounds and entries, an entry with its files, the sheet
(autosaved drafts, submit, edit until the window closes, stale saves refused), recusal, and a code
package's files. Nothing of a blind round's teams appears in any answer."""

from typing import Annotated

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from contest.lib.guards import judge, organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.submissions.api import STORE
from judging.sheets import files, review, service
from judging.sheets.schemas import (
    EntryOut,
    EntrySheetsOut,
    FileTextOut,
    PanelOut,
    PanelRoundOut,
    RecuseIn,
    SheetIn,
    SheetOut,
    TreeOut,
)
from storage import ObjectStore

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
Store = NamedDependency[ObjectStore]
Code = Annotated[str, Parameter(max_length=32)]


class JudgeContestController(Controller):
    path = "/contests/{contest_id:int}/judging"
    tags = ["judge panel"]
    guards = [judge]

    @get("/rounds")
    async def rounds(self, contest_id: FromPath[int], rt: Rt, actor: Actor) -> list[PanelRoundOut]:
        """The rounds in which the caller has entries to score, with their progress."""
        return await service.panel_rounds(rt, actor, contest_id)


class JudgePanelController(Controller):
    path = "/judging/rounds/{round_id:int}/entries"
    tags = ["judge panel"]
    guards = [judge]
    dependencies = STORE

    @get("/")
    async def entries(self, round_id: FromPath[int], rt: Rt, actor: Actor) -> PanelOut:
        """The caller's entries in the round by code, each with its sheet's status and total."""
        return await service.panel(rt, actor, round_id)

    @get("/{code:str}")
    async def entry(
        self, round_id: FromPath[int], code: FromPath[Code], rt: Rt, actor: Actor, store: Store
    ) -> EntryOut:
        """One assigned entry: blind-named files with short-lived links, the rubric and the caller's sheet."""
        return await files.entry_view(rt, store, actor, round_id, code)

    @put("/{code:str}/sheet")
    async def save(
        self, round_id: FromPath[int], code: FromPath[Code], data: JSONBody[SheetIn], rt: Rt, actor: Actor
    ) -> SheetOut:
        """Save the sheet (autosave): give `version` as last read; a stale copy is refused with 409."""
        return await service.save_sheet(rt, actor, round_id, code, data)

    @post("/{code:str}/sheet/submit", status_code=HTTP_200_OK)
    async def submit(
        self, round_id: FromPath[int], code: FromPath[Code], data: JSONBody[SheetIn], rt: Rt, actor: Actor
    ) -> SheetOut:
        """Submit the sheet: every criterion scored, in range and on its step."""
        return await service.save_sheet(rt, actor, round_id, code, data, submit=True)

    @post("/{code:str}/recuse", status_code=HTTP_200_OK)
    async def recuse(
        self, round_id: FromPath[int], code: FromPath[Code], data: JSONBody[RecuseIn], rt: Rt, actor: Actor
    ) -> SheetOut:
        """Step back from the entry with a reason; the assignment work gives it to another judge."""
        return await service.recuse(rt, actor, round_id, code, data)

    @get("/{code:str}/files/{slot:str}/tree")
    async def tree(
        self, round_id: FromPath[int], code: FromPath[Code], slot: FromPath[Code], actor: Actor, store: Store
    ) -> TreeOut:
        """The files of the entry's code package, read from the ZIP's directory where it is stored."""
        return await files.package_tree(store, actor, round_id, code, slot)

    @get("/{code:str}/files/{slot:str}/text")
    async def text(
        self,
        round_id: FromPath[int],
        code: FromPath[Code],
        slot: FromPath[Code],
        actor: Actor,
        store: Store,
        path: Annotated[str, Parameter(max_length=1000)],
    ) -> FileTextOut:
        """One source or text file of the package, as text."""
        return await files.package_text(store, actor, round_id, code, slot, path)


class EntrySheetsController(Controller):
    path = "/rounds/{round_id:int}/teams/{team_id:int}/sheets"
    tags = ["results"]

    @get("/", guards=[organizer])
    async def sheets(self, round_id: FromPath[int], team_id: FromPath[int], actor: Actor) -> EntrySheetsOut:
        """Every judge's sheet on a team's entry: scores, comment, private note (organizers of its region)."""
        return await review.entry_sheets(actor, round_id, team_id)
