"""JSON API of the defence timetable (national organizers): rooms, sessions, builds, the grid, publication
and the CSV export."""

from litestar import Controller, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from contest.lib.guards import judge, organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from judging.defence import service
from judging.defence.schemas import (
    AbsenceOut,
    AbsencesIn,
    BuildIn,
    GridOut,
    MyAbsencesIn,
    MySessionsOut,
    RoomIn,
    RoomOut,
    SessionIn,
    SessionOut,
    TimetableOut,
)

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]


class RoundDefenceController(Controller):
    path = "/rounds/{round_id:int}/defence"
    tags = ["defence"]
    guards = [organizer]

    @get("/rooms")
    async def rooms(self, round_id: FromPath[int], actor: Actor) -> list[RoomOut]:
        return await service.rooms_of(actor, round_id)

    @post("/rooms")
    async def add_room(self, round_id: FromPath[int], data: JSONBody[RoomIn], rt: Rt, actor: Actor) -> list[RoomOut]:
        return await service.add_room(rt, actor, round_id, data)

    @delete("/rooms/{room_id:int}", status_code=HTTP_200_OK)
    async def remove_room(self, round_id: FromPath[int], room_id: FromPath[int], rt: Rt, actor: Actor) -> list[RoomOut]:
        return await service.remove_room(rt, actor, round_id, room_id)

    @get("/sessions")
    async def sessions(self, round_id: FromPath[int], actor: Actor) -> list[SessionOut]:
        return await service.sessions_of(actor, round_id)

    @post("/sessions")
    async def add_session(
        self, round_id: FromPath[int], data: JSONBody[SessionIn], rt: Rt, actor: Actor
    ) -> list[SessionOut]:
        """A half-day of equal slots, the same in every room; sessions may not overlap."""
        return await service.add_session(rt, actor, round_id, data)

    @delete("/sessions/{session_id:int}", status_code=HTTP_200_OK)
    async def remove_session(
        self, round_id: FromPath[int], session_id: FromPath[int], rt: Rt, actor: Actor
    ) -> list[SessionOut]:
        return await service.remove_session(rt, actor, round_id, session_id)

    @get("/absences")
    async def absences(self, round_id: FromPath[int], actor: Actor) -> list[AbsenceOut]:
        """The sessions the final's judges cannot sit."""
        return await service.absences_of(actor, round_id)

    @put("/absences")
    async def set_absences(
        self, round_id: FromPath[int], data: JSONBody[AbsencesIn], rt: Rt, actor: Actor
    ) -> list[AbsenceOut]:
        """Replace who cannot sit which session; later builds seat nobody there."""
        return await service.set_absences(rt, actor, round_id, data)

    @post("/timetables")
    async def build(self, round_id: FromPath[int], data: JSONBody[BuildIn], rt: Rt, actor: Actor) -> TimetableOut:
        """Queue a build of the timetable (finalists, available judges, rooms, sessions)."""
        return await service.start_build(rt, actor, round_id, data)

    @get("/timetables")
    async def timetables(self, round_id: FromPath[int], actor: Actor) -> list[TimetableOut]:
        return await service.timetables_of(actor, round_id)


class MyDefenceController(Controller):
    """A judge of the final says which sessions they cannot sit."""

    path = "/"
    tags = ["defence"]
    guards = [judge]

    @get("/contests/{contest_id:int}/my/defence-sessions")
    async def sessions(self, contest_id: FromPath[int], rt: Rt, actor: Actor) -> list[MySessionsOut]:
        """The on-site rounds you sit, their sessions, and the ones you cannot sit."""
        return await service.my_sessions(rt, actor, contest_id)

    @put("/rounds/{round_id:int}/defence/my-absences")
    async def set_absences(
        self, round_id: FromPath[int], data: JSONBody[MyAbsencesIn], rt: Rt, actor: Actor
    ) -> list[MySessionsOut]:
        """The sessions you cannot sit (the whole list), until a timetable is published."""
        return await service.set_my_absences(rt, actor, round_id, data)


class DefenceTimetableController(Controller):
    path = "/defence-timetables/{timetable_id:int}"
    tags = ["defence"]
    guards = [organizer]

    @get("/")
    async def grid(self, timetable_id: FromPath[int], actor: Actor) -> GridOut:
        """The timetable as a grid: sessions, slots by rooms, panels, each judge's duty."""
        return await service.grid_of(actor, timetable_id)

    @post("/publish", status_code=HTTP_200_OK)
    async def publish(self, timetable_id: FromPath[int], rt: Rt, actor: Actor) -> TimetableOut:
        return await service.publish(rt, actor, timetable_id)

    @get("/csv", media_type="text/csv")
    async def export(self, timetable_id: FromPath[int], actor: Actor, lang: FromQuery[str] = "zh-CN") -> Response[str]:
        """The timetable as CSV (UTF-8 with BOM), one row per room and slot."""
        return Response(
            await service.export_csv(actor, timetable_id, "en" if lang == "en" else "zh-CN"),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="defence-{timetable_id}.csv"'},
        )
