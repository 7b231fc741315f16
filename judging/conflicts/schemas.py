"""Request and response bodies of conflicts of interest."""

from datetime import datetime

import msgspec

from contest.lib.schemas import Id, Name, Reason


class ConflictIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """An organizer's conflict: this judge may not review this team, or any team of this university."""

    judge_id: Id
    team_id: Id | None = None
    university_id: Id | None = None
    reason: Reason = ""


class DeclareIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A judge declares that they may not review any team of a university (a former employer, say)."""

    university_id: Id
    reason: Reason = ""


class RemoveIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason = ""


class ConflictOut(msgspec.Struct, kw_only=True):
    id: int
    judge_id: int
    judge: str
    team_id: int | None
    team: str | None
    university_id: int | None
    university: Name | None
    source: str
    reason: str
    created_by: str
    created_at: datetime


class ReasonOut(msgspec.Struct, kw_only=True):
    """One reason a pair is forbidden: an English template (the msgid) and its parameters."""

    kind: str
    text: str
    params: dict[str, str]


class PairReasonsOut(msgspec.Struct, kw_only=True):
    """Why a judge may not review a team (no reasons: they may, as far as conflicts go)."""

    judge_id: int
    judge: str
    team_id: int
    team: str
    reasons: list[ReasonOut]


class JudgeConflictsOut(msgspec.Struct, kw_only=True):
    """Every team of the contest a judge may not review, each with its reasons."""

    judge_id: int
    judge: str
    pairs: list[PairReasonsOut]
    stated: list[ConflictOut]
