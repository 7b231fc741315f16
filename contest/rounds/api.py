"""JSON API of rounds: the public schedule; configuration, participants and extensions by organizers."""

from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_200_OK

from contest.lib.guards import organizer, public
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.rounds import participants, service
from contest.rounds.schemas import (
    ExtensionIn,
    ExtensionOut,
    ParticipantListOut,
    ParticipantsIn,
    RoundIn,
    RoundOut,
    RoundPatch,
    SlotIn,
    SlotOut,
    SlotPatch,
)

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
Page = Annotated[int, Parameter(ge=1, le=100_000)]
PerPage = Annotated[int, Parameter(ge=1, le=1000)]


class ContestRoundsController(Controller):
    path = "/contests/{contest_id:int}/rounds"
    tags = ["rounds"]

    @get("/", guards=[public])
    async def list_rounds(self, contest_id: FromPath[int], rt: Rt) -> list[RoundOut]:
        """The rounds of a contest in order, with their windows and file slots."""
        return await service.rounds_of(rt, contest_id)

    @post("/", guards=[organizer])
    async def create(self, contest_id: FromPath[int], data: JSONBody[RoundIn], rt: Rt, actor: Actor) -> RoundOut:
        """A round after the last one (national organizers); without `slots` it gets the default five."""
        return await service.create_round(rt, actor, contest_id, data)

    @post("/defaults", guards=[organizer])
    async def defaults(self, contest_id: FromPath[int], rt: Rt, actor: Actor) -> list[RoundOut]:
        """The default sequence (regional preliminary, national semi-final, on-site final)."""
        return await service.add_default_rounds(rt, actor, contest_id)


class RoundController(Controller):
    path = "/rounds/{round_id:int}"
    tags = ["rounds"]

    @get("/", guards=[public])
    async def show(self, round_id: FromPath[int], rt: Rt) -> RoundOut:
        return await service.round_of(rt, round_id)

    @patch("/", guards=[organizer])
    async def update(self, round_id: FromPath[int], data: JSONBody[RoundPatch], rt: Rt, actor: Actor) -> RoundOut:
        """Change a round's settings (national organizers); only those sent change. Audited."""
        return await service.update_round(rt, actor, round_id, data)

    @post("/slots", guards=[organizer])
    async def add_slot(self, round_id: FromPath[int], data: JSONBody[SlotIn], rt: Rt, actor: Actor) -> SlotOut:
        return await service.add_slot(rt, actor, round_id, data)

    @patch("/slots/{slot_id:int}", guards=[organizer])
    async def update_slot(
        self, round_id: FromPath[int], slot_id: FromPath[int], data: JSONBody[SlotPatch], rt: Rt, actor: Actor
    ) -> SlotOut:
        return await service.update_slot(rt, actor, round_id, slot_id, data)

    @delete("/slots/{slot_id:int}", guards=[organizer], status_code=HTTP_200_OK)
    async def remove_slot(self, round_id: FromPath[int], slot_id: FromPath[int], rt: Rt, actor: Actor) -> None:
        """Only before the round opens; afterwards make the slot optional."""
        await service.remove_slot(rt, actor, round_id, slot_id)

    @get("/participants", guards=[organizer])
    async def list_participants(
        self,
        round_id: FromPath[int],
        actor: Actor,
        region_id: FromQuery[int | None] = None,
        track_id: FromQuery[int | None] = None,
        page: Page = 1,
        per_page: PerPage = 100,
    ) -> ParticipantListOut:
        """The teams taking part (a regional organizer sees their regions)."""
        return await participants.participants(
            actor, round_id, region_id=region_id, track_id=track_id, page=page, per_page=per_page
        )

    @put("/participants", guards=[organizer], status_code=HTTP_200_OK)
    async def set_participants(
        self, round_id: FromPath[int], data: JSONBody[ParticipantsIn], rt: Rt, actor: Actor
    ) -> ParticipantListOut:
        """Replace the list of teams taking part (national organizers, rounds that list their teams)."""
        return await participants.set_participants(rt, actor, round_id, data)

    @get("/extensions", guards=[organizer])
    async def extensions(self, round_id: FromPath[int], actor: Actor) -> list[ExtensionOut]:
        return await participants.extensions(actor, round_id)

    @post("/extensions", guards=[organizer], status_code=HTTP_200_OK)
    async def extend(self, round_id: FromPath[int], data: JSONBody[ExtensionIn], rt: Rt, actor: Actor) -> ExtensionOut:
        """Give a team extra minutes (0 takes them back), with a reason; audited in the team's history."""
        return await participants.grant_extension(rt, actor, round_id, data)
