"""Request and response bodies of the assignment: settings, runs and their drafts, adjustments,
publication, reassignments, and the judge portal."""

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec

from contest.lib.schemas import Id, Name, Reason
from judging.assignment.inputs import Figures

Hours = Annotated[int, msgspec.Meta(ge=0, le=30 * 24)]


class SettingsIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """How a round's entries are assigned (national organizers)."""

    k: Annotated[int, msgspec.Meta(ge=1, le=20)]
    scope_rule: Literal["same", "other_regions"] = "same"
    one_judge_per_university: bool = True
    connected: bool = False
    calibration_entries: Annotated[int, msgspec.Meta(ge=0, le=20)] = 0
    late_margin_hours: Hours = 24
    reassigned_review_hours: Annotated[int, msgspec.Meta(ge=1, le=30 * 24)] = 72


class SettingsOut(msgspec.Struct, kw_only=True):
    round_id: int
    k: int
    scope_rule: str
    one_judge_per_university: bool
    connected: bool
    calibration_entries: int
    late_margin_hours: int
    reassigned_review_hours: int


class RunIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Run the round's assignment; `region_id`: only that region's entries (regional organizers must
    name their region)."""

    region_id: Id | None = None


class MessageOut(msgspec.Struct, kw_only=True):
    """A solver message: the English template (the msgid), its parameters (names as {"zh", "en"}),
    and whether it is an error or a note."""

    id: str
    text: str
    params: dict[str, Any]
    level: str = "error"


class RunOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    region_id: int | None
    region: Name | None
    status: str
    progress: int
    stage: str
    input_version: str
    # An earlier run of the same scope whose input was the same (its draft was the same too).
    same_input_as: int | None
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    published_by: str
    published_at: datetime | None
    explanation: list[MessageOut]
    error: str
    figures: Figures | None
    pairs: int


class DraftJudgeOut(msgspec.Struct, kw_only=True):
    judge_id: int
    name: str
    source: str
    affinity: float


class DraftEntryOut(msgspec.Struct, kw_only=True):
    team_id: int
    team: str
    university: Name
    region: Name
    track: Name
    mean_affinity: float
    judges: list[DraftJudgeOut]


class LoadOut(msgspec.Struct, kw_only=True):
    judge_id: int
    name: str
    region: Name | None
    load: int
    min: int
    max: int | None


class DraftOut(msgspec.Struct, kw_only=True):
    """One page of a run's entries with their judges, and every judge's load."""

    run: RunOut
    total: int
    entries: list[DraftEntryOut]
    loads: list[LoadOut]


class PairIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A pin (this judge reviews this entry) or a forbid (never), kept for later runs too."""

    team_id: Id
    judge_id: Id
    reason: Reason = ""


class SwapIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Give `new_judge_id` the entry `judge_id` reviews in the draft; nothing else moves."""

    team_id: Id
    judge_id: Id
    new_judge_id: Id


class RuleOut(msgspec.Struct, kw_only=True):
    id: int
    team_id: int
    team: str
    judge_id: int
    judge: str
    kind: str
    reason: str
    created_at: datetime


class PublishOut(msgspec.Struct, kw_only=True):
    run: RunOut
    added: int
    ended: int
    kept: int


class PairOut(msgspec.Struct, kw_only=True):
    team_id: int
    team: str
    judge_id: int
    judge: str


class ReassignmentOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    reason: str
    status: str
    added: list[PairOut]
    removed: list[PairOut]
    moved: int
    explanation: list[MessageOut]
    created_at: datetime
    finished_at: datetime | None


class AssignedOut(msgspec.Struct, kw_only=True):
    """A published pair as organizers see it."""

    team_id: int
    team: str
    code: str
    judge_id: int
    judge: str
    status: str
    source: str
    due_at: datetime | None
    created_at: datetime
    ended_at: datetime | None
    end_reason: str


class WithdrawIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason


class ArbitrationIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    team_id: Id
    reason: Reason = ""


class PortalEntryOut(msgspec.Struct, kw_only=True):
    """An entry as its judge sees it: in a blind round only the code and the track."""

    code: str
    team: str | None
    university: Name | None
    track: Name
    due_at: datetime | None
    assigned_at: datetime
    source: str


class PortalRoundOut(msgspec.Struct, kw_only=True):
    round_id: int
    name: Name
    blind: bool
    review_opens_at: datetime | None
    review_closes_at: datetime | None
    entries: list[PortalEntryOut]


class NoticeOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    text: str
    params: dict[str, Any]
    created_at: datetime
    read: bool


class PortalOut(msgspec.Struct, kw_only=True):
    rounds: list[PortalRoundOut]
    notices: list[NoticeOut]
