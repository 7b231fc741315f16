"""Judge assignment as stored: the per-round settings, the runs (drafts), the published pairs, the
organizers' pins and forbids, the blind entry codes, the reassignments and the judges' notices.

A run is one solve of one round (one region of it, for a regional organizer): it keeps the facts it
read, the pairs it proposes and the figures of the preview until it is published. Publishing turns
its pairs into `Assignment` rows, which every later change (recusal, withdrawal, a late review,
arbitration) ends or adds one by one; an ended pair is kept with its reason, never deleted.
"""

from enum import StrEnum

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.accounts.tables import User
from contest.regions.tables import Region
from contest.rounds.tables import Round
from contest.teams.tables import Team


class RoundJudging(Table):
    """How a round's entries are assigned (one row per round, made with defaults on first use)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, unique=True)
    # Judges per entry (DESIGN: 3 in the preliminaries, 5 later); rounds do not carry it themselves.
    k = Integer(default=3)
    # "same": the round's scope (regional: a regional judge reviews their region only; national: any);
    # "other_regions": never an entry of the judge's own region.
    scope_rule = Varchar(length=16, default="same")
    one_judge_per_university = Boolean(default=True)
    # Normalisation: keep the judges' graph connected per region; calibration entries per region.
    connected = Boolean(default=False)
    calibration_entries = Integer(default=0)
    # A judge whose review is this many hours overdue loses the entry to another judge; a judge given
    # an entry by a reassignment has at least `reassigned_review_hours` to review it.
    late_margin_hours = Integer(default=24)
    reassigned_review_hours = Integer(default=72)
    updated_at = Timestamptz()


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DRAFT = "draft"  # solved: a preview organizers may adjust and publish
    INFEASIBLE = "infeasible"  # no assignment exists: `explanation` says why
    FAILED = "failed"  # the input could not be built or the job broke: `error` says why
    PUBLISHED = "published"
    SUPERSEDED = "superseded"  # a newer draft or publication of the same scope replaced it


# Runs that are still being worked on, and runs whose pairs a person may still act on.
OPEN_RUNS = (RunStatus.QUEUED.value, RunStatus.RUNNING.value)


class AssignmentRun(Table):
    """One solve of a round (or of one region of it) and its draft."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    # None: every region of the round (national organizers); else that region's entries.
    region = ForeignKey(Region, null=True, default=None)
    status = Varchar(length=16, choices=RunStatus, default=RunStatus.QUEUED.value, index=True)
    # The settings the run used: k, scope rule, university rule, connectivity, calibration entries.
    options = JSON(default="{}")
    # SHA-256 of the facts: equal versions mean an equal input (a re-run then gives the same draft).
    input_version = Varchar(length=64, default="")
    # SHA-256 of the published pairs of the scope when the run read them: publishing refuses a draft
    # made before the published assignment last changed.
    base_digest = Varchar(length=64, default="")
    progress = Integer(default=0)
    stage = Varchar(length=32, default="")
    # The instance without its affinities, plus the judges' and entries' facts they come from.
    facts = JSON(null=True, default=None)
    # The draft: [[team id, judge user id, source], ...].
    pairs = JSON(null=True, default=None)
    # The preview: loads, affinity histogram, worst entries, conflicts avoided, connectivity.
    figures = JSON(null=True, default=None)
    # Solver messages (id, English template, params, level), also when infeasible.
    explanation = JSON(null=True, default=None)
    error = Text(default="")
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    published_by = ForeignKey(User, null=True, default=None)
    published_at = Timestamptz(null=True, default=None)


class PairStatus(StrEnum):
    ACTIVE = "active"
    RECUSED = "recused"  # the judge (or an organizer for them) declared a conflict of interest
    WITHDRAWN = "withdrawn"  # the judge left the round
    REPLACED = "replaced"  # moved by a new publication, a late review or an organizer's change


class PairSource(StrEnum):
    AUTO = "auto"  # chosen by the solver
    PIN = "pin"  # an organizer's pin
    MANUAL = "manual"  # an organizer's swap
    ARBITRATION = "arbitration"  # one more judge for an entry the scoring flagged


class Assignment(Table, tablename="judge_assignment"):
    """A judge assigned to a team's entry in a round. Only `active` pairs count; the others are
    history (one active pair per round, team and judge: a partial unique index)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False, index=True)
    judge = ForeignKey(User, null=False, index=True)
    status = Varchar(length=16, choices=PairStatus, default=PairStatus.ACTIVE.value)
    source = Varchar(length=16, choices=PairSource, default=PairSource.AUTO.value)
    run = ForeignKey(AssignmentRun, null=True, default=None)
    # When the review is due; None: the round's review close.
    due_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    ended_at = Timestamptz(null=True, default=None)
    end_reason = Varchar(length=32, default="")


class RuleKind(StrEnum):
    PIN = "pin"
    FORBID = "forbid"


class AssignmentRule(Table):
    """An organizer's pin (this judge reviews this entry) or forbid (never), kept for every later run
    of the round. Unique per round, team and judge."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False)
    judge = ForeignKey(User, null=False)
    kind = Varchar(length=8, choices=RuleKind)
    reason = Text(default="")
    created_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()


class JudgedEntry(Table):
    """A team's entry as judging knows it in one round: the anonymous code judges of a blind round
    see, and how many judges arbitration added. Unique per (round, team) and per (round, code)."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    team = ForeignKey(Team, null=False)
    code = Varchar(length=12)
    extra_judges = Integer(default=0)


class ReassignmentReason(StrEnum):
    RECUSAL = "recusal"
    WITHDRAWAL = "withdrawal"
    LATE = "late"
    ARBITRATION = "arbitration"
    RULES = "rules"  # a conflict or forbid added after publication


class ReassignmentStatus(StrEnum):
    QUEUED = "queued"
    DONE = "done"
    INFEASIBLE = "infeasible"


class Reassignment(Table):
    """One incremental repair of a published assignment: why, what it added and ended, or why not."""

    id: Serial  # added by Piccolo; declared for type checkers
    round = ForeignKey(Round, null=False, index=True)
    reason = Varchar(length=16, choices=ReassignmentReason)
    status = Varchar(length=16, choices=ReassignmentStatus, default=ReassignmentStatus.QUEUED.value)
    # [[team id, judge user id], ...]
    added = JSON(default="[]")
    removed = JSON(default="[]")
    moved = Integer(default=0)
    explanation = JSON(null=True, default=None)
    requested_by = ForeignKey(User, null=True, default=None)
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)


class JudgeNotice(Table):
    """A message to a judge about their assignment, shown in the judge portal until read."""

    id: Serial  # added by Piccolo; declared for type checkers
    judge = ForeignKey(User, null=False, index=True)
    round = ForeignKey(Round, null=False)
    # An English template (the catalog's msgid) and its parameters.
    text = Text()
    params = JSON(default="{}")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
