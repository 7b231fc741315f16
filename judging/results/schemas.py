"""Request and response bodies of results: rules, runs, standings, adjustments, appeals, boards."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from contest.lib.schemas import Line32, Line100, Name, Reason
from judging.advancement import AdvancementRule, GroupSummary
from judging.awards import AwardRules, TierSummary
from judging.ranking import Message, MethodName

Ratio = Annotated[float, msgspec.Meta(ge=0, le=1)]
TeamStatus = Literal["submitted", "not_submitted", "disqualified"]


class RulesIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """How a round is ranked (method, disagreement threshold, trimming, tie-break criteria), who
    advances (None: nobody, e.g. the last round) and the award tiers (None: no awards), and how many
    days the published results stay open to appeals."""

    method: MethodName = "mean"
    flag_threshold: Ratio = 0.2
    trim_min_sheets: Annotated[int, msgspec.Meta(ge=3, le=50)] = 5
    judge_scale: bool = False
    tie_break: Annotated[list[Line32], msgspec.Meta(max_length=20)] = []
    advancement: AdvancementRule | None = None
    awards: AwardRules | None = None
    notice_days: Annotated[int, msgspec.Meta(ge=0, le=60)] = 7


class RulesOut(msgspec.Struct, kw_only=True):
    round_id: int
    rules: RulesIn
    default: bool
    updated_at: datetime | None


class TeamStanding(msgspec.Struct, kw_only=True):
    """A team in a run: national rank and its ranks in its region and track (competition ranking,
    ties share), its outcome with the reasons, and which outcomes organizers adjusted."""

    team_id: int
    team: str
    university: Name
    region: str
    region_name: Name
    track: Name
    status: TeamStatus
    score: float | None = None
    rank: int | None = None
    region_rank: int | None = None
    track_rank: int | None = None
    sheets: int = 0
    missing: int = 0
    spread: float | None = None
    flagged: bool = False
    advanced: bool | None = None
    via: str | None = None
    advance_reason: Message | None = None
    award: str | None = None
    award_reason: Message | None = None
    adjusted: list[str] = []


class JudgeStats(msgspec.Struct, kw_only=True):
    """A judge's effect under the method and the analytics of their sheets (see judging.analytics)."""

    judge_id: int
    name: str
    sheets: int
    bias: float | None = None
    scale: float | None = None
    leniency: float | None = None
    straight_lined: int = 0
    straight_line_share: float | None = None
    median_seconds: float | None = None
    agreement: float | None = None
    agreement_entries: int = 0


class AdvancementSummary(msgspec.Struct, kw_only=True):
    groups: list[GroupSummary]
    wildcards_given: int
    notes: list[Message]
    errors: list[Message]


class Snapshot(msgspec.Struct, kw_only=True):
    """What a run computed: teams best first (unranked last), judges by name, summaries."""

    method: str
    total_max: float
    flag_threshold: float
    teams: list[TeamStanding]
    judges: list[JudgeStats]
    advancement: AdvancementSummary | None = None
    tiers: list[TierSummary] = []
    tier_names: list[str] = []


class RunOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    number: int
    status: str
    sheets: int
    missing: int
    flagged: int
    requested_at: datetime
    computed_at: datetime | None
    published_at: datetime | None
    notice_ends_at: datetime | None
    finalised_at: datetime | None
    override_reason: str
    error: Message | None
    # Why it cannot be published as it is (an advancement rule that selects nobody ...).
    problems: list[Message] = []


class AdjustmentOut(msgspec.Struct, kw_only=True):
    id: int
    team_id: int
    team: str
    field: str
    before: bool | str | None
    value: bool | str | None
    reason: str
    appeal_id: int | None
    made_by: str
    made_at: datetime


class ViewOut(msgspec.Struct, kw_only=True):
    """One ranking view: national, a region's or a track's; rows by their rank in the view."""

    key: str
    label: Name
    rows: list[TeamStanding]


class ResultsOut(msgspec.Struct, kw_only=True):
    """A run as organizers review it: the adjusted snapshot, its adjustments and the open appeals."""

    run: RunOut
    snapshot: Snapshot | None
    adjustments: list[AdjustmentOut]
    open_appeals: int


class AdjustIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Change one team's outcome: whether it advances, or its award tier ("" or null: none)."""

    team_id: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
    field: Literal["advanced", "award"]
    advanced: bool | None = None
    award: Line100 | None = None
    reason: Reason


class PublishIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Publishing with sheets missing needs `override` and a reason (both recorded)."""

    override: bool = False
    reason: Reason = ""


class AppealIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason


class AnswerIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Uphold (with the change made, as an adjustment) or dismiss an appeal, saying why."""

    decision: Literal["upheld", "dismissed"]
    answer: Reason
    field: Literal["advanced", "award"] | None = None
    advanced: bool | None = None
    award: Line100 | None = None


class AppealOut(msgspec.Struct, kw_only=True):
    id: int
    round_id: int
    run_id: int
    team_id: int
    team: str
    reason: str
    attachment_name: str
    attachment_size: int
    status: str
    answer: str
    filed_at: datetime
    answered_at: datetime | None


class PublicRow(msgspec.Struct, kw_only=True):
    rank: int | None
    team: str
    university: Name
    region_name: Name
    track: Name
    score: float | None
    award: str | None
    advanced: bool | None


class PublicView(msgspec.Struct, kw_only=True):
    key: str
    label: Name
    rows: list[PublicRow]


class PublicResultsOut(msgspec.Struct, kw_only=True):
    """Published results of a round (nothing before publication)."""

    round_id: int
    round: Name
    status: str
    published_at: datetime | None
    notice_ends_at: datetime | None
    views: list[PublicView]


class MyResultOut(msgspec.Struct, kw_only=True):
    """A team's own result in a round, with the judges' comments, once published."""

    round_id: int
    round: Name
    team_id: int
    published: bool
    final: bool
    standing: TeamStanding | None
    region_count: int
    comments: list[str]
    notice_ends_at: datetime | None
    can_appeal: bool
    appeals: list[AppealOut]


class LiveRow(msgspec.Struct, kw_only=True):
    rank: int | None
    team: str
    university: Name
    score: float | None
    sheets: int


class LiveBoardOut(msgspec.Struct, kw_only=True):
    """The live board of an on-site round: `version` grows with every change; `frozen` boards show
    the public what they showed at the freeze."""

    round_id: int
    round: Name
    version: int
    frozen: bool
    updated_at: datetime | None
    rows: list[LiveRow]
