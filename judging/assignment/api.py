"""JSON API of the judge assignment: settings, runs and drafts, pins, forbids and swaps, publication,
the published pairs and their repairs, arbitration; and the judge's own entries."""

from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from contest.lib.guards import judge, organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Message
from judging.assignment import portal, repair, service
from judging.assignment.schemas import (
    ArbitrationIn,
    AssignedOut,
    DraftOut,
    PairIn,
    PortalOut,
    PublishOut,
    ReassignmentOut,
    RuleOut,
    RunIn,
    RunOut,
    SettingsIn,
    SettingsOut,
    SwapIn,
)

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
Page = Annotated[int, Parameter(ge=1, le=100_000)]
PerPage = Annotated[int, Parameter(ge=1, le=500)]


class RoundAssignmentController(Controller):
    path = "/rounds/{round_id:int}/assignment"
    tags = ["assignment"]
    guards = [organizer]

    @get("/settings")
    async def settings(self, round_id: FromPath[int], actor: Actor) -> SettingsOut:
        return await service.settings_for(actor, round_id)

    @put("/settings")
    async def update_settings(
        self, round_id: FromPath[int], data: JSONBody[SettingsIn], rt: Rt, actor: Actor
    ) -> SettingsOut:
        """Judges per entry, region rule, university rule, normalisation options, late-review margin."""
        return await service.update_settings(rt, actor, round_id, data)

    @post("/runs")
    async def run(self, round_id: FromPath[int], data: JSONBody[RunIn], rt: Rt, actor: Actor) -> RunOut:
        """Queue a run (of one region with `region_id`); poll the run for its progress and draft."""
        return await service.start_run(rt, actor, round_id, data)

    @get("/runs")
    async def runs(self, round_id: FromPath[int], actor: Actor) -> list[RunOut]:
        return await service.runs_of(actor, round_id)

    @get("/rules")
    async def rules(self, round_id: FromPath[int], actor: Actor) -> list[RuleOut]:
        """The round's pins and forbids, kept for every run."""
        return await service.rules_of(actor, round_id)

    @delete("/rules/{rule_id:int}")
    async def remove_rule(self, round_id: FromPath[int], rule_id: FromPath[int], rt: Rt, actor: Actor) -> None:
        await service.remove_rule(rt, actor, round_id, rule_id)

    @get("/pairs")
    async def pairs(
        self,
        round_id: FromPath[int],
        actor: Actor,
        judge_id: FromQuery[int | None] = None,
        team_id: FromQuery[int | None] = None,
        ended: FromQuery[bool] = False,
    ) -> list[AssignedOut]:
        """The published pairs (with `ended`, their history too)."""
        return await repair.published(actor, round_id, judge_id_=judge_id, team_id=team_id, ended=ended)

    @get("/reassignments")
    async def reassignments(self, round_id: FromPath[int], actor: Actor) -> list[ReassignmentOut]:
        """The latest repairs of the published assignment, with what moved or why nothing could."""
        return await repair.reassignments_of(actor, round_id)

    @post("/arbitration")
    async def arbitration(
        self, round_id: FromPath[int], data: JSONBody[ArbitrationIn], rt: Rt, actor: Actor
    ) -> ReassignmentOut:
        """One more judge for a flagged entry, under the same rules."""
        return await repair.request_arbitration(rt, actor, round_id, data.team_id, data.reason)


class AssignmentRunController(Controller):
    path = "/assignment-runs/{run_id:int}"
    tags = ["assignment"]
    guards = [organizer]

    @get("/")
    async def show(self, run_id: FromPath[int], actor: Actor) -> RunOut:
        """A run: status, progress, explanation, and the draft's figures."""
        return await service.run_of(actor, run_id)

    @get("/draft")
    async def draft(
        self,
        run_id: FromPath[int],
        actor: Actor,
        q: Annotated[str, Parameter(max_length=60)] = "",
        judge_id: FromQuery[int | None] = None,
        page: Page = 1,
        per_page: PerPage = 50,
    ) -> DraftOut:
        """One page of the draft's entries with their judges, and every judge's load."""
        return await service.draft_of(actor, run_id, q=q, judge_id_=judge_id, page=page, per_page=per_page)

    @post("/pins", status_code=HTTP_200_OK)
    async def pin(self, run_id: FromPath[int], data: JSONBody[PairIn], rt: Rt, actor: Actor) -> RunOut:
        return await service.pin(rt, actor, run_id, data)

    @post("/forbids", status_code=HTTP_200_OK)
    async def forbid(self, run_id: FromPath[int], data: JSONBody[PairIn], rt: Rt, actor: Actor) -> RunOut:
        return await service.forbid(rt, actor, run_id, data)

    @post("/swaps", status_code=HTTP_200_OK)
    async def swap(self, run_id: FromPath[int], data: JSONBody[SwapIn], rt: Rt, actor: Actor) -> RunOut:
        return await service.swap(rt, actor, run_id, data)

    @post("/publish", status_code=HTTP_200_OK)
    async def publish(self, run_id: FromPath[int], rt: Rt, actor: Actor) -> PublishOut:
        """Make the draft the round's assignment; audited, and the judges are told."""
        return await service.publish(rt, actor, run_id)


class MyAssignmentsController(Controller):
    path = "/contests/{contest_id:int}/my"
    tags = ["assignment"]
    guards = [judge]

    @get("/assignments")
    async def assignments(self, contest_id: FromPath[int], rt: Rt, actor: Actor) -> PortalOut:
        """Your entries per round (in a blind round, codes only) and your notices."""
        return await portal.portal(rt, actor, contest_id)

    @post("/notices/read", status_code=HTTP_200_OK)
    async def read(self, contest_id: FromPath[int], rt: Rt, actor: Actor) -> Message:
        await portal.mark_read(rt, actor)
        return Message("Recorded.")
