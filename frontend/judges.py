"""Organizer console pages of judges: the list with profiles, one-by-one invitations and the CSV/XLSX
import with its row report; one judge's profile, availability per round and conflicts of interest, each
forbidden team with its reasons; and "why may this judge not review this team?"."""

import re
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from contest.contests import service as contests
from contest.lib.errors import Msg
from contest.lib.guards import organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Id
from contest.regions import service as regions
from contest.rounds import service as rounds
from frontend import flash
from frontend.console import console_contest, visible_regions
from frontend.forms import Form, Upload, decode
from frontend.templating import render
from judging.assignment import repair
from judging.assignment.schemas import WithdrawIn
from judging.conflicts import service as conflicts
from judging.conflicts.schemas import ConflictIn, RemoveIn
from judging.judges import queries, service
from judging.judges.importer import split_list
from judging.judges.schemas import AvailabilityIn, JudgeInviteIn, ProfileIn

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]


class PairQuery(msgspec.Struct):
    judge: Id | None = None
    team: Id | None = None


def profile_from(form: dict[str, str]) -> ProfileIn:
    """The profile form as the API's ProfileIn: tags typed in one field, tracks ticked one by one."""
    tracks = [int(m.group(1)) for key in form if (m := re.fullmatch(r"track_(\d+)", key))]
    return decode(form, ProfileIn, expertise=split_list(form.get("expertise", "")), tracks=tracks)


class JudgePages(Controller):
    path = "/console"
    include_in_schema = False
    guards = [organizer]

    @get("/judges")
    async def judges(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        asked = decode(dict(request.query_params), PairQuery)
        explained = None
        if asked.judge is not None and asked.team is not None:
            explained = await conflicts.pair_reasons(actor, contest.id, asked.judge, asked.team)
        return render(
            request,
            "assignment/judges.html",
            {
                "contest": contest,
                "judges": await queries.judges_for(actor, contest.id),
                "regions": await visible_regions(actor, contest.id),
                "national": actor.organizer_regions(contest.id) is None,
                "tracks": await contests.tracks_of(contest.id),
                "universities": await regions.universities_by_region(),
                "asked": asked,
                "explained": explained,
            },
        )

    @post("/judges", opt={"back": "/console/judges"})
    async def invite(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        contest = await console_contest(request, actor)
        invited = await service.invite_judge(
            rt, actor, contest.id, decode(data, JudgeInviteIn, profile=profile_from(data))
        )
        return await flash.redirect(request, f"/console/judges/{invited.user_id}", notice="Invitation sent.")

    @post("/judges/import", opt={"back": "/console/judges"})
    async def import_judges(self, request: Request[Any, Any, Any], data: Upload, rt: Rt, actor: Actor) -> Response[Any]:
        """The same import as the API; each refused row, or what happened to each row, shows on the page."""
        contest = await console_contest(request, actor)
        report = await service.import_judges(rt, actor, contest.id, data.file.filename, await data.file.read())
        return await flash.redirect(
            request,
            "/console/judges",
            notice=Msg(
                "{created} judges invited, {existing} already had an account; every profile is set.",
                {"created": report.created, "existing": report.existing},
            ),
        )

    @get("/judges/{user_id:int}")
    async def judge(self, request: Request[Any, Any, Any], user_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        judge = await queries.judge_for(actor, contest.id, user_id)
        every = await rounds.rounds_of(rt, contest.id)
        rounds_ = []
        for round_ in every:
            load = (await queries.round_loads(round_.id, [judge], online=round_.kind == "online"))[user_id]
            rounds_.append((round_, load))
        values = {
            "university_id": judge.university_id or "",
            "region_id": judge.region_id or "",
            "expertise": ", ".join(judge.expertise),
            "min_load": judge.min_load,
            "max_load": "" if judge.max_load is None else judge.max_load,
            "note": judge.note,
            **{f"track_{t}": "yes" for t in judge.tracks},
        }
        return render(
            request,
            "assignment/judge.html",
            {
                "contest": contest,
                "judge": judge,
                "form": values,
                "regions": await visible_regions(actor, contest.id),
                "national": actor.organizer_regions(contest.id) is None,
                "tracks": await contests.tracks_of(contest.id),
                "universities": await regions.universities_by_region(),
                "rounds": rounds_,
                "conflicts": await conflicts.judge_conflicts(rt, actor, contest.id, user_id),
            },
        )

    @post("/judges/{user_id:int}", opt={"back": "/console/judges/{user_id}"})
    async def save(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        contest = await console_contest(request, actor)
        await service.save_profile(rt, actor, contest.id, user_id, profile_from(data))
        return await flash.redirect(request, f"/console/judges/{user_id}", notice="Saved.")

    @post("/judges/{user_id:int}/rounds/{round_id:int}", opt={"back": "/console/judges/{user_id}"})
    async def availability(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        round_id: FromPath[int],
        data: Form,
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        await service.set_availability(
            rt, actor, round_id, user_id, decode(data, AvailabilityIn, checkboxes=("available",))
        )
        return await flash.redirect(request, f"/console/judges/{user_id}", notice="Saved.")

    @post("/judges/{user_id:int}/rounds/{round_id:int}/withdraw", opt={"back": "/console/judges/{user_id}"})
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        round_id: FromPath[int],
        data: Form,
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        await repair.withdraw_judge(rt, actor, round_id, user_id, decode(data, WithdrawIn).reason)
        return await flash.redirect(
            request,
            f"/console/judges/{user_id}",
            notice="The judge is withdrawn from the round; their open entries go to other judges.",
        )

    @post("/judges/{user_id:int}/conflicts", opt={"back": "/console/judges/{user_id}"})
    async def add_conflict(
        self, request: Request[Any, Any, Any], user_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        contest = await console_contest(request, actor)
        await conflicts.add_conflict(rt, actor, contest.id, decode(data, ConflictIn, judge_id=user_id))
        return await flash.redirect(request, f"/console/judges/{user_id}", notice="Conflict recorded.")

    @post("/judges/{user_id:int}/conflicts/{conflict_id:int}/remove", opt={"back": "/console/judges/{user_id}"})
    async def remove_conflict(
        self,
        request: Request[Any, Any, Any],
        user_id: FromPath[int],
        conflict_id: FromPath[int],
        data: Form,
        rt: Rt,
        actor: Actor,
    ) -> Response[Any]:
        contest = await console_contest(request, actor)
        await conflicts.remove_conflict(rt, actor, contest.id, conflict_id, decode(data, RemoveIn))
        return await flash.redirect(request, f"/console/judges/{user_id}", notice="Conflict removed.")
