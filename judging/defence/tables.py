"""The final's defence timetable: rooms, sessions of equal slots, and the timetables built from them."""

from enum import StrEnum

from piccolo.columns import JSON, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.contests.tables import Track
from contest.rounds.tables import Round


class DefenceRoom(Table):
    """A room of the on-site round; with a track, it hears only finalists of that track."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    name = Varchar(length=100)
    track = ForeignKey(Track, null=True, default=None)
    sort_order = Integer(default=0)


class DefenceSession(Table):
    """A half-day of consecutive slots of equal length, the same in every room; a panel sits through
    a whole session."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    name = Varchar(length=100)
    starts_at = Timestamptz()
    slot_minutes = Integer()
    slots = Integer()


class DefenceAbsence(Table):
    """A judge of the final who cannot sit one session (unique per session and judge: an index in the
    migration); the timetable seats them elsewhere."""

    id: Serial  # added by Piccolo; declared for type checkers
    session = ForeignKey(DefenceSession, null=False, index=True)
    judge = ForeignKey(User, null=False)


class TimetableStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # a timetable: organizers look at it and publish it
    INFEASIBLE = "infeasible"  # none: `messages` say why
    FAILED = "failed"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class DefenceTimetable(Table):
    """One build of the round's timetable: its input, the solver's answer, and who published it."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    status = Varchar(length=16, choices=TimetableStatus, default=TimetableStatus.QUEUED.value)
    panel_size = Integer(default=5)
    time_limit = Integer(default=30)
    # The solver's input (judging.schedule.ScheduleInput) and answer (Timetable), as JSON.
    input = JSON(null=True, default=None)
    result = JSON(null=True, default=None)
    # Team id and judge user id of each finalist and judge id used in the input.
    labels = JSON(null=True, default=None)
    error = Text(default="")
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    published_by = ForeignKey(User, null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
