"""Plain data in and out of the ranking: the sheets input and the ranked result."""

from datetime import datetime
from typing import Annotated, Literal

import msgspec

MethodName = Literal["mean", "trimmed", "zscore", "least_squares"]
AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class Criterion(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A rubric criterion: a sheet's total is the sum over criteria of weight x score / max."""

    id: str
    weight: float
    max: float


class Sheet(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """One judge's submitted scores on one entry (times are optional, for judge analytics)."""

    entry: str
    judge: str
    scores: dict[str, float]
    opened_at: AwareDatetime | None = None
    submitted_at: AwareDatetime | None = None


class RankingInput(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """A round's sheets and how to rank them.

    `expected` names how many sheets an entry should have (an entry listed there without any sheet
    is reported unranked); `flag_threshold` bounds the normalised spread (max - min of the sheet
    totals over the total maximum) above which an entry is flagged; `trim_min_sheets` is the
    number of sheets from which the trimmed mean drops the highest and the lowest; `judge_scale`
    and `ridge` tune the least-squares calibration (a scale per judge; a penalty on judge offsets).
    """

    criteria: list[Criterion]
    sheets: list[Sheet]
    method: MethodName = "mean"
    tie_break: list[str] = []
    expected: dict[str, int] = {}
    flag_threshold: float = 0.2
    trim_min_sheets: int = 5
    judge_scale: bool = False
    ridge: float = 0.0


class EntryResult(msgspec.Struct, frozen=True, kw_only=True):
    """An entry's aggregated score and rank (both None when it has no sheet).

    `spread` is (max - min) of its sheet totals over the total maximum (0 with a single sheet);
    `tie_break` holds its aggregated criterion scores when its total ties with another entry's.
    """

    entry: str
    score: float | None
    rank: int | None
    sheets: int
    missing: int
    spread: float | None
    flagged: bool
    tie_break: dict[str, float] = {}


class JudgeResult(msgspec.Struct, frozen=True, kw_only=True):
    """A judge's offset against the panel and scale under the method (None where not meaningful)."""

    judge: str
    sheets: int
    bias: float | None
    scale: float | None


class RankingResult(msgspec.Struct, frozen=True, kw_only=True):
    """Entries best first (ties share a rank; unranked entries last), judges by id."""

    method: MethodName
    total_max: float
    flag_threshold: float
    entries: list[EntryResult]
    judges: list[JudgeResult]
