"""Request and response bodies of rubrics."""

from datetime import datetime
from typing import Annotated

import msgspec

from contest.lib.schemas import Line100

Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{1,31}$")]
Points = Annotated[float, msgspec.Meta(gt=0, le=1000)]
Guidance = Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^[^\x00]*$")]


class CriterionIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A criterion: its weight in the total, the highest score a judge may give and the step of the
    scale (a score is a multiple of the step), and what judges should look for."""

    code: Code
    name_zh: Line100
    name_en: Line100 = ""
    weight: Points
    max: Points
    step: Points = 1.0
    guidance_zh: Guidance = ""
    guidance_en: Guidance = ""


class RubricIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    criteria: Annotated[list[CriterionIn], msgspec.Meta(min_length=1, max_length=20)]


class CriterionOut(msgspec.Struct, kw_only=True, frozen=True):
    code: str
    name_zh: str
    name_en: str
    weight: float
    max: float
    step: float
    guidance_zh: str
    guidance_en: str


class RubricOut(msgspec.Struct, kw_only=True):
    """`default`: the round has no rubric of its own yet and uses the platform's; `locked`: sheets
    exist, so the criteria no longer change."""

    round_id: int
    criteria: list[CriterionOut]
    total: float
    default: bool
    locked: bool
    updated_at: datetime | None
