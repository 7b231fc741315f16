"""JSON API of conflicts of interest: organizers list, add, remove and explain them; judges declare
theirs."""

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from contest.lib.guards import judge, organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Message
from judging.conflicts import service
from judging.conflicts.schemas import (
    ConflictIn,
    ConflictOut,
    DeclareIn,
    JudgeConflictsOut,
    PairReasonsOut,
    RemoveIn,
)

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]


class ConflictsController(Controller):
    path = "/contests/{contest_id:int}/conflicts"
    tags = ["conflicts"]
    guards = [organizer]

    @get("/")
    async def list_conflicts(
        self, contest_id: FromPath[int], actor: Actor, judge_id: FromQuery[int | None] = None
    ) -> list[ConflictOut]:
        """Declared and organizers' conflicts in force (of one judge with `judge_id`)."""
        return await service.conflicts_of(actor, contest_id, judge_id)

    @post("/")
    async def add(self, contest_id: FromPath[int], data: JSONBody[ConflictIn], rt: Rt, actor: Actor) -> ConflictOut:
        """A judge may not review a team, or any team of a university; published pairs it forbids move."""
        return await service.add_conflict(rt, actor, contest_id, data)

    @post("/{conflict_id:int}/remove")
    async def remove(
        self, contest_id: FromPath[int], conflict_id: FromPath[int], data: JSONBody[RemoveIn], rt: Rt, actor: Actor
    ) -> Message:
        await service.remove_conflict(rt, actor, contest_id, conflict_id, data)
        return Message("Conflict removed.")

    @get("/explain")
    async def explain(
        self, contest_id: FromPath[int], judge_id: FromQuery[int], team_id: FromQuery[int], actor: Actor
    ) -> PairReasonsOut:
        """Why a judge may not review a team (no reasons: conflicts do not stand in the way)."""
        return await service.pair_reasons(actor, contest_id, judge_id, team_id)

    @get("/judges/{judge_id:int}")
    async def of_judge(
        self, contest_id: FromPath[int], judge_id: FromPath[int], rt: Rt, actor: Actor
    ) -> JudgeConflictsOut:
        """Every team a judge may not review, with the reasons."""
        return await service.judge_conflicts(rt, actor, contest_id, judge_id)


class MyConflictsController(Controller):
    path = "/contests/{contest_id:int}/my/conflicts"
    tags = ["conflicts"]
    guards = [judge]

    @get("/")
    async def mine(self, contest_id: FromPath[int], actor: Actor) -> list[ConflictOut]:
        return await service.my_conflicts(actor, contest_id)

    @post("/")
    async def declare(self, contest_id: FromPath[int], data: JSONBody[DeclareIn], rt: Rt, actor: Actor) -> ConflictOut:
        """Declare that you may not review any team of a university."""
        return await service.declare(rt, actor, contest_id, data)
