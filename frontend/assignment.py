"""Console pages of the judge assignment and the defence timetable, and the judge's own assignments.

Assignment: the rounds; one round's settings, runs, rules, published pairs and repairs; one run with its
progress, explanation, preview figures (drawn on the server), draft entries and loads, and the pin,
forbid, swap and publish forms. Defence: rooms, sessions, builds, the grid and its CSV. Judges: their
entries per round (a blind round shows codes only), their notices and conflicts."""

import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from contest.contests import service as contests
from contest.lib.errors import Msg
from contest.lib.guards import judge, organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.lib.schemas import Id
from contest.regions import service as regions
from contest.rounds import service as rounds
from frontend import flash
from frontend.console import console_contest, visible_regions
from frontend.forms import Form, decode
from frontend.switcher import chosen_contest
from frontend.templating import language_of, render
from judging.assignment import portal, queries, repair, service
from judging.assignment.schemas import ArbitrationIn, PairIn, RunIn, SettingsIn, SwapIn
from judging.conflicts import service as conflicts
from judging.conflicts.schemas import DeclareIn
from judging.defence import service as defence
from judging.defence.schemas import AbsenceIn, AbsencesIn, BuildIn, MyAbsencesIn, RoomIn, SessionIn
from judging.judges import queries as judges

Rt = NamedDependency[Runtime]
ABSENT = re.compile(r"absent_(\d{1,9})_(\d{1,9})")
MY_ABSENT = re.compile(r"absent_(\d{1,9})")
Actor = NamedDependency[Principal]
PER_PAGE = 50
# While a run or a build is on its way, its page reloads itself every few seconds.
REFRESH_SECONDS = 3


class PairQuery(msgspec.Struct):
    team: Id | None = None
    judge: Id | None = None


class DraftQuery(msgspec.Struct):
    q: Annotated[str, msgspec.Meta(max_length=60)] = ""
    judge: Id | None = None
    page: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 1


class AssignmentPages(Controller):
    path = "/console"
    include_in_schema = False
    guards = [organizer]

    @get("/assignment")
    async def index(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        return render(
            request, "assignment/index.html", {"contest": contest, "rounds": await rounds.rounds_of(rt, contest.id)}
        )

    @get("/rounds/{round_id:int}/assignment")
    async def round_page(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Template:
        contest = await console_contest(request, actor)
        settings = await service.settings_for(actor, round_id)
        asked = decode(dict(request.query_params), PairQuery)
        active = await queries.active_pairs(round_id)
        shown = []
        if asked.team is not None or asked.judge is not None:
            shown = await repair.published(actor, round_id, judge_id_=asked.judge, team_id=asked.team, ended=True)
        return render(
            request,
            "assignment/round.html",
            {
                "contest": contest,
                "round": await rounds.round_of(rt, round_id),
                "settings": settings,
                "form": msgspec.structs.asdict(settings),
                "runs": await service.runs_of(actor, round_id),
                "rules": await service.rules_of(actor, round_id),
                "active": len(active),
                "active_entries": len({team for team, _ in active}),
                "asked": asked,
                "pairs": shown,
                "reassignments": await repair.reassignments_of(actor, round_id, limit=20),
                "regions": await visible_regions(actor, contest.id),
                "national": actor.organizer_regions(contest.id) is None,
            },
        )

    @post("/rounds/{round_id:int}/assignment/settings", opt={"back": "/console/rounds/{round_id}/assignment"})
    async def save_settings(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        checkboxes = ("one_judge_per_university", "connected")
        await service.update_settings(rt, actor, round_id, decode(data, SettingsIn, checkboxes=checkboxes))
        return await flash.redirect(request, f"/console/rounds/{round_id}/assignment", notice="Saved.")

    @post("/rounds/{round_id:int}/assignment/runs", opt={"back": "/console/rounds/{round_id}/assignment"})
    async def run(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        started = await service.start_run(rt, actor, round_id, decode(data, RunIn))
        return await flash.redirect(request, f"/console/assignment-runs/{started.id}", notice="The run is queued.")

    @post("/rounds/{round_id:int}/assignment/arbitration", opt={"back": "/console/rounds/{round_id}/assignment"})
    async def arbitration(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        form = decode(data, ArbitrationIn)
        await repair.request_arbitration(rt, actor, round_id, form.team_id, form.reason)
        return await flash.redirect(
            request, f"/console/rounds/{round_id}/assignment", notice="One more judge is being found for this entry."
        )

    @post(
        "/rounds/{round_id:int}/assignment/rules/{rule_id:int}/remove",
        opt={"back": "/console/rounds/{round_id}/assignment"},
    )
    async def remove_rule(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], rule_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.remove_rule(rt, actor, round_id, rule_id)
        return await flash.redirect(request, f"/console/rounds/{round_id}/assignment", notice="Removed.")

    @get("/assignment-runs/{run_id:int}")
    async def run_page(self, request: Request[Any, Any, Any], run_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        query = decode(dict(request.query_params), DraftQuery)
        draft = await service.draft_of(
            actor, run_id, q=query.q, judge_id_=query.judge, page=query.page, per_page=PER_PAGE
        )
        names = {load.judge_id: load.name for load in draft.loads}
        return render(
            request,
            "assignment/run.html",
            {
                "contest": contest,
                "round": await rounds.round_of(rt, draft.run.round_id),
                "draft": draft,
                "run": draft.run,
                "names": names,
                "region_names": {r.code: r for r in await regions.list_regions()},
                "query": query,
                "per_page": PER_PAGE,
                "refresh": REFRESH_SECONDS if draft.run.status in ("queued", "running") else None,
            },
        )

    @post("/assignment-runs/{run_id:int}/pins", opt={"back": "/console/assignment-runs/{run_id}"})
    async def pin(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.pin(rt, actor, run_id, decode(data, PairIn, prefix="pin_"))
        return await flash.redirect(request, f"/console/assignment-runs/{run_id}", notice="Pinned.")

    @post("/assignment-runs/{run_id:int}/forbids", opt={"back": "/console/assignment-runs/{run_id}"})
    async def forbid(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.forbid(rt, actor, run_id, decode(data, PairIn, prefix="forbid_"))
        return await flash.redirect(request, f"/console/assignment-runs/{run_id}", notice="Forbidden.")

    @post("/assignment-runs/{run_id:int}/swaps", opt={"back": "/console/assignment-runs/{run_id}"})
    async def swap(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.swap(rt, actor, run_id, decode(data, SwapIn, prefix="swap_"))
        return await flash.redirect(request, f"/console/assignment-runs/{run_id}", notice="Swapped.")

    @post("/assignment-runs/{run_id:int}/publish", opt={"back": "/console/assignment-runs/{run_id}"})
    async def publish(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        done = await service.publish(rt, actor, run_id)
        return await flash.redirect(
            request,
            f"/console/rounds/{done.run.round_id}/assignment",
            notice=Msg(
                "Published: {added} new pairs, {ended} ended, {kept} kept. The judges are told.",
                {"added": done.added, "ended": done.ended, "kept": done.kept},
            ),
        )


class DefencePages(Controller):
    path = "/console"
    include_in_schema = False
    guards = [organizer]

    @get("/rounds/{round_id:int}/defence")
    async def defence(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        contest = await console_contest(request, actor)
        every = await judges.judges(contest.id)
        loads = await judges.round_loads(round_id, every, online=False)
        return render(
            request,
            "assignment/defence.html",
            {
                "contest": contest,
                "round": await rounds.round_of(rt, round_id),
                "rooms": await defence.rooms_of(actor, round_id),
                "sessions": await defence.sessions_of(actor, round_id),
                "timetables": await defence.timetables_of(actor, round_id),
                "tracks": await contests.tracks_of(contest.id),
                "panel": [j for j in every if loads[j.user_id].available],
                "judges_total": len(every),
                "absent": {(a.judge_id, a.session_id) for a in await defence.absences_of(actor, round_id)},
            },
        )

    @post("/rounds/{round_id:int}/defence/absences", opt={"back": "/console/rounds/{round_id}/defence"})
    async def set_absences(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        """The grid of checkboxes `absent_<judge>_<session>`: ticked, that judge cannot sit that session."""
        pairs = [ABSENT.fullmatch(name) for name in data]
        absences = [AbsenceIn(judge_id=int(m[1]), session_id=int(m[2])) for m in pairs if m]
        await defence.set_absences(rt, actor, round_id, AbsencesIn(absences=absences))
        return await flash.redirect(request, f"/console/rounds/{round_id}/defence", notice="Saved.")

    @post("/rounds/{round_id:int}/defence/rooms", opt={"back": "/console/rounds/{round_id}/defence"})
    async def add_room(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await defence.add_room(rt, actor, round_id, decode(data, RoomIn, prefix="room_"))
        return await flash.redirect(request, f"/console/rounds/{round_id}/defence", notice="Saved.")

    @post(
        "/rounds/{round_id:int}/defence/rooms/{room_id:int}/remove", opt={"back": "/console/rounds/{round_id}/defence"}
    )
    async def remove_room(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], room_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await defence.remove_room(rt, actor, round_id, room_id)
        return await flash.redirect(request, f"/console/rounds/{round_id}/defence", notice="Removed.")

    @post("/rounds/{round_id:int}/defence/sessions", opt={"back": "/console/rounds/{round_id}/defence"})
    async def add_session(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        contest = await console_contest(request, actor)
        form = decode(data, SessionIn, prefix="session_", local_times=("starts_at",), tz=contest.time_zone)
        await defence.add_session(rt, actor, round_id, form)
        return await flash.redirect(request, f"/console/rounds/{round_id}/defence", notice="Saved.")

    @post(
        "/rounds/{round_id:int}/defence/sessions/{session_id:int}/remove",
        opt={"back": "/console/rounds/{round_id}/defence"},
    )
    async def remove_session(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], session_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await defence.remove_session(rt, actor, round_id, session_id)
        return await flash.redirect(request, f"/console/rounds/{round_id}/defence", notice="Removed.")

    @post("/rounds/{round_id:int}/defence/timetables", opt={"back": "/console/rounds/{round_id}/defence"})
    async def build(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        started = await defence.start_build(rt, actor, round_id, decode(data, BuildIn))
        return await flash.redirect(request, f"/console/defence-timetables/{started.id}", notice="The build is queued.")

    @get("/defence-timetables/{timetable_id:int}")
    async def grid(
        self, request: Request[Any, Any, Any], timetable_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Template:
        contest = await console_contest(request, actor)
        grid = await defence.grid_of(actor, timetable_id)
        return render(
            request,
            "assignment/timetable.html",
            {
                "contest": contest,
                "round": await rounds.round_of(rt, grid.timetable.round_id),
                "grid": grid,
                "refresh": REFRESH_SECONDS if grid.timetable.status in ("queued", "running") else None,
            },
        )

    @post("/defence-timetables/{timetable_id:int}/publish", opt={"back": "/console/defence-timetables/{timetable_id}"})
    async def publish(
        self, request: Request[Any, Any, Any], timetable_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await defence.publish(rt, actor, timetable_id)
        return await flash.redirect(
            request, f"/console/defence-timetables/{timetable_id}", notice="Published; the panel judges are told."
        )

    @get("/defence-timetables/{timetable_id:int}/timetable.csv")
    async def export(self, request: Request[Any, Any, Any], timetable_id: FromPath[int], actor: Actor) -> Response[str]:
        return Response(
            await defence.export_csv(actor, timetable_id, language_of(request)),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="defence-{timetable_id}.csv"'},
        )


class MyAssignmentPages(Controller):
    path = "/judge"
    include_in_schema = False
    guards = [judge]

    @get("/assignments")
    async def mine(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        contest = await chosen_contest(request)
        return render(
            request,
            "assignment/mine.html",
            {
                "contest": contest,
                "portal": await portal.portal(rt, actor, contest.id),
                "conflicts": await conflicts.my_conflicts(actor, contest.id),
                "universities": await regions.universities_by_region(),
                "defence": await defence.my_sessions(rt, actor, contest.id),
            },
        )

    @post("/defence/{round_id:int}", opt={"back": "/judge/assignments"})
    async def my_absences(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        """Checkboxes `absent_<session>`: ticked, the judge cannot sit that session."""
        sessions = [int(m[1]) for m in map(MY_ABSENT.fullmatch, data) if m]
        await defence.set_my_absences(rt, actor, round_id, MyAbsencesIn(session_ids=sessions))
        return await flash.redirect(request, "/judge/assignments", notice="Saved.")

    @post("/assignments/notices/read", opt={"back": "/judge/assignments"})
    async def read(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Response[Any]:
        await portal.mark_read(rt, actor)
        return await flash.redirect(request, "/judge/assignments")

    @post("/assignments/conflicts", opt={"back": "/judge/assignments"})
    async def declare(self, request: Request[Any, Any, Any], data: Form, rt: Rt, actor: Actor) -> Response[Any]:
        contest = await chosen_contest(request)
        await conflicts.declare(rt, actor, contest.id, decode(data, DeclareIn))
        return await flash.redirect(request, "/judge/assignments", notice="Conflict recorded.")
