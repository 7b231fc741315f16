"""Request and response bodies of the defence timetable: rooms, sessions, builds and the grid."""

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from contest.lib.schemas import Id, Instant, Line100, Name


class RoomIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Line100
    # A room of one track hears only that track's finalists; None: any.
    track_id: Id | None = None


class RoomOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    track_id: int | None
    track: Name | None


class SessionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A half-day: `slots` slots of `slot_minutes` each from `starts_at`, the same in every room."""

    name: Line100
    starts_at: Instant
    slot_minutes: Annotated[int, msgspec.Meta(ge=5, le=240)] = 20
    slots: Annotated[int, msgspec.Meta(ge=1, le=40)] = 8


class SessionOut(msgspec.Struct, kw_only=True):
    id: int
    name: str
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int
    slots: int


class AbsenceIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    judge_id: Id
    session_id: Id


class AbsencesIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Every session a judge of the final cannot sit (the whole list: it replaces the last one)."""

    absences: Annotated[list[AbsenceIn], msgspec.Meta(max_length=5000)]


class AbsenceOut(msgspec.Struct, kw_only=True):
    judge_id: int
    session_id: int


class MyAbsencesIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The sessions of the round you cannot sit (the whole list)."""

    session_ids: Annotated[list[Id], msgspec.Meta(max_length=100)]


class MySessionsOut(msgspec.Struct, kw_only=True):
    """An on-site round you sit: its sessions, the ones you said you cannot, and whether you may
    still change that (not once a timetable is published: then the organizers do)."""

    round_id: int
    round: Name
    sessions: list["SessionOut"]
    absent: list[int]
    can_change: bool


class BuildIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    panel_size: Annotated[int, msgspec.Meta(ge=1, le=15)] = 5
    # Seconds the solver may search (the job's own limit is larger).
    time_limit: Annotated[int, msgspec.Meta(ge=5, le=300)] = 30
    panels: Literal["session", "slot"] = "session"


class CellOut(msgspec.Struct, kw_only=True):
    """One room-slot: the finalist heard there, or None."""

    team_id: int | None
    team: str | None
    university: Name | None


class RowOut(msgspec.Struct, kw_only=True):
    start: datetime
    end: datetime
    cells: list[CellOut]


class SessionGridOut(msgspec.Struct, kw_only=True):
    session_id: int
    name: str
    # Per room (in the rooms' order), the panel's judges' names.
    panels: list[list[str]]
    rows: list[RowOut]


class TimetableOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    status: str
    panel_size: int
    messages: list[Any]
    figures: dict[str, Any] | None
    error: str
    created_at: datetime
    finished_at: datetime | None
    published_at: datetime | None


class GridOut(msgspec.Struct, kw_only=True):
    timetable: TimetableOut
    rooms: list[RoomOut]
    sessions: list[SessionGridOut]
    # Each judge's panels: name -> number of sessions sat.
    duties: dict[str, int]
