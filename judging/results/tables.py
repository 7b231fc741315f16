"""Result rules per round, result runs (versioned snapshots), adjustments, appeals and live boards."""

from enum import StrEnum

from piccolo.columns import JSON, BigInt, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.rounds.tables import Round
from contest.teams.tables import Team


class ResultRules(Table):
    """How a round is ranked, who advances and who wins what (schemas.RulesIn as JSON)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, unique=True)
    rules = JSON(default={})
    updated_by = ForeignKey(User, null=True, default=None)
    updated_at = Timestamptz()


class RunStatus(StrEnum):
    QUEUED = "queued"  # waiting for the worker
    COMPUTING = "computing"
    READY = "ready"  # computed; organizers review and adjust it
    FAILED = "failed"  # the inputs were refused (the error says why)
    PUBLISHED = "published"  # public; the notice period runs; appeals may be filed
    FINAL = "final"  # the notice period is over and every appeal answered
    SUPERSEDED = "superseded"  # a later run of the round was published instead


class ResultRun(Table):
    """One computation of a round's results: the rules and counts it used and what came out (payload)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    number = Integer()
    status = Varchar(length=16, choices=RunStatus, default=RunStatus.QUEUED.value)
    rules = JSON(default={})
    # schemas.Snapshot as JSON: every team's standing, advancement and award, the judges' analytics.
    payload = JSON(null=True, default=None)
    error = JSON(null=True, default=None)
    sheets = Integer(default=0)
    missing = Integer(default=0)
    requested_by = ForeignKey(User, null=True, default=None)
    requested_at = Timestamptz()
    computed_at = Timestamptz(null=True, default=None)
    published_by = ForeignKey(User, null=True, default=None)
    published_at = Timestamptz(null=True, default=None)
    # Publishing with missing sheets needs an explicit override and its reason.
    override_reason = Text(default="")
    notice_ends_at = Timestamptz(null=True, default=None)
    finalised_at = Timestamptz(null=True, default=None)
    # Unique together (round, number): an index in the migration.


class AdjustmentField(StrEnum):
    ADVANCED = "advanced"
    AWARD = "award"


class ResultAdjustment(Table):
    """An organizer's change to one team's outcome in a run, with its reason (the latest per field wins)."""

    id: Serial  # added by Piccolo; declared for type checkers
    run = ForeignKey(ResultRun, null=False, index=True)
    team = ForeignKey(Team, null=False)
    field = Varchar(length=16, choices=AdjustmentField)
    # {"value": ...}: True/False for advanced, a tier name or None for the award.
    value = JSON(default={})
    before = JSON(default={})
    reason = Text()
    appeal = Integer(null=True, default=None)
    made_by = ForeignKey(User, null=True, default=None)
    made_at = Timestamptz()


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"
    DISMISSED = "dismissed"


class Appeal(Table):
    """A team's objection to published results, filed during the notice period, answered by organizers."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    run = ForeignKey(ResultRun, null=False, index=True)
    team = ForeignKey(Team, null=False, index=True)
    filed_by = ForeignKey(User, null=False)
    reason = Text()
    attachment_key = Varchar(length=300, null=True, default=None)
    attachment_name = Varchar(length=255, default="")
    attachment_type = Varchar(length=100, default="")
    attachment_size = BigInt(default=0)
    status = Varchar(length=16, choices=AppealStatus, default=AppealStatus.OPEN.value)
    answer = Text(default="")
    answered_by = ForeignKey(User, null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
    filed_at = Timestamptz()


class LiveBoard(Table):
    """The live leaderboard of an on-site round: frozen, the public sees `snapshot` (taken at the freeze)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, unique=True)
    frozen = Boolean(default=False)
    snapshot = JSON(null=True, default=None)
    changed_by = ForeignKey(User, null=True, default=None)
    changed_at = Timestamptz()
