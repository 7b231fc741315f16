"""JSON API of judges: the contest's judges and their profiles, invitations and list imports, and their
availability per round (organizers; a regional organizer their region's judges)."""

from typing import Annotated

import msgspec
from litestar import Controller, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody

from contest.lib.guards import organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.rounds import service as rounds
from judging.assignment import repair
from judging.assignment.schemas import ReassignmentOut, WithdrawIn
from judging.judges import queries, service
from judging.judges.schemas import AvailabilityIn, AvailabilityOut, ImportOut, JudgeInviteIn, JudgeOut, ProfileIn

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]


class ImportForm(msgspec.Struct):
    file: UploadFile


class ContestJudgesController(Controller):
    path = "/contests/{contest_id:int}/judges"
    tags = ["judges"]
    guards = [organizer]

    @get("/")
    async def list_judges(self, contest_id: FromPath[int], actor: Actor) -> list[JudgeOut]:
        """The contest's judges with their profiles (a regional organizer sees their region's)."""
        return await queries.judges_for(actor, contest_id)

    @post("/")
    async def invite(self, contest_id: FromPath[int], data: JSONBody[JudgeInviteIn], rt: Rt, actor: Actor) -> JudgeOut:
        """Invite one judge by e-mail and give them a profile; an existing account gains the right."""
        return await service.invite_judge(rt, actor, contest_id, data)

    @post("/import")
    async def import_judges(
        self,
        contest_id: FromPath[int],
        data: Annotated[ImportForm, Body(media_type=RequestEncodingType.MULTI_PART)],
        rt: Rt,
        actor: Actor,
    ) -> ImportOut:
        """Import judges from CSV or XLSX (name, email, university, region, tags, tracks, min_load,
        max_load). Any bad row refuses the file, with a per-row report."""
        return await service.import_judges(rt, actor, contest_id, data.file.filename, await data.file.read())

    @get("/{user_id:int}")
    async def show(self, contest_id: FromPath[int], user_id: FromPath[int], actor: Actor) -> JudgeOut:
        return await queries.judge_for(actor, contest_id, user_id)

    @put("/{user_id:int}/profile")
    async def save_profile(
        self, contest_id: FromPath[int], user_id: FromPath[int], data: JSONBody[ProfileIn], rt: Rt, actor: Actor
    ) -> JudgeOut:
        """Replace a judge's profile: university, region, expertise, tracks, loads."""
        return await service.save_profile(rt, actor, contest_id, user_id, data)


class RoundJudgesController(Controller):
    path = "/rounds/{round_id:int}/judges"
    tags = ["judges"]
    guards = [organizer]

    @get("/")
    async def availability(self, round_id: FromPath[int], actor: Actor) -> list[AvailabilityOut]:
        """Each judge's availability and loads in the round."""
        row = await rounds.round_row(round_id)
        return await queries.availability(actor, int(row["contest"]), round_id, online=row["kind"] == "online")

    @put("/{user_id:int}")
    async def set_availability(
        self, round_id: FromPath[int], user_id: FromPath[int], data: JSONBody[AvailabilityIn], rt: Rt, actor: Actor
    ) -> AvailabilityOut:
        return await service.set_availability(rt, actor, round_id, user_id, data)

    @post("/{user_id:int}/withdraw")
    async def withdraw(
        self, round_id: FromPath[int], user_id: FromPath[int], data: JSONBody[WithdrawIn], rt: Rt, actor: Actor
    ) -> ReassignmentOut:
        """Take a judge out of the round: their entries whose review is not in go to other judges."""
        return await repair.withdraw_judge(rt, actor, round_id, user_id, data.reason)
