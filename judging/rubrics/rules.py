"""Rubric rules as pure functions: the default criteria, a rubric's consistency, and whether a
sheet's scores fit it (in range, on the step, every criterion scored before a submit).

Problems are message templates with parameters (the English text is the catalog's msgid).
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import msgspec

# Scores are compared with the step's multiples at this relative tolerance (0.1 + 0.2 is on a 0.1 step).
STEP_TOLERANCE = 1e-9


class Problem(msgspec.Struct, frozen=True):
    """What is wrong, as a message template and its parameters."""

    text: str
    params: dict[str, Any] = {}


class CriterionLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def max(self) -> float: ...
    @property
    def step(self) -> float: ...


class DefaultCriterion(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name_zh: str
    name_en: str
    weight: float
    max: float
    step: float = 1.0
    guidance_zh: str = ""
    guidance_en: str = ""


# The contest's usual criteria (DESIGN.md): each scored out of its weight, so a sheet totals 100.
DEFAULT_CRITERIA: tuple[DefaultCriterion, ...] = (
    DefaultCriterion(
        code="innovation",
        name_zh="创新性",
        name_en="Innovation",
        weight=25,
        max=25,
        guidance_zh="选题与解决方案是否新颖，有无独到的创意，或在技术、交互上的创新。",
        guidance_en="How new the idea and the solution are: original thinking, technical or interaction novelty.",
    ),
    DefaultCriterion(
        code="value",
        name_zh="问题与价值",
        name_en="Problem and value",
        weight=20,
        max=20,
        guidance_zh="所解决的问题是否真实、重要，目标用户是否清晰，作品有无社会或商业价值。",
        guidance_en="Whether the problem is real and matters, the users are clear, and the work has social or "
        "commercial value.",
    ),
    DefaultCriterion(
        code="design",
        name_zh="产品设计与用户体验",
        name_en="Product design and user experience",
        weight=20,
        max=20,
        guidance_zh="界面、交互与信息结构是否清晰易用，是否符合小程序的设计规范。",
        guidance_en="Whether the interface, the interaction and the structure are clear and easy to use, and follow "
        "the mini-program design guidelines.",
    ),
    DefaultCriterion(
        code="technical",
        name_zh="技术实现",
        name_en="Technical implementation",
        weight=25,
        max=25,
        guidance_zh="架构与代码质量，功能实现的难度与完成度，性能与稳定性。",
        guidance_en="Architecture and code quality, the difficulty and finish of the features, performance and "
        "stability.",
    ),
    DefaultCriterion(
        code="completeness",
        name_zh="完整性与文档",
        name_en="Completeness and documentation",
        weight=10,
        max=10,
        guidance_zh="功能是否完整可用，设计文档与演示视频是否清楚完整。",
        guidance_en="Whether the features are complete and usable, and the design document and demo video clear and "
        "complete.",
    ),
)


def on_step(value: float, step: float) -> bool:
    """Whether `value` is a whole multiple of `step` (within a relative tolerance)."""
    units = value / step
    return abs(units - round(units)) <= STEP_TOLERANCE * max(1.0, abs(units))


def rubric_problems(criteria: Sequence[CriterionLike]) -> dict[str, Problem]:
    """Per field ("criteria[i].max" ...): what makes the criteria inconsistent."""
    problems: dict[str, Problem] = {}
    seen: set[str] = set()
    for index, criterion in enumerate(criteria):
        where = f"criteria[{index}]"
        if criterion.code in seen:
            problems[f"{where}.code"] = Problem("Two criteria have the code {code}.", {"code": criterion.code})
        seen.add(criterion.code)
        if criterion.step > criterion.max:
            problems[f"{where}.step"] = Problem(
                "The step of {code} is larger than its maximum.", {"code": criterion.code}
            )
        elif not on_step(criterion.max, criterion.step):
            problems[f"{where}.max"] = Problem(
                "The maximum of {code} ({max}) is not a multiple of its step ({step}).",
                {"code": criterion.code, "max": criterion.max, "step": criterion.step},
            )
    return problems


def score_problems(
    criteria: Sequence[CriterionLike], scores: Mapping[str, float | None], *, complete: bool
) -> dict[str, Problem]:
    """Per criterion code: a score out of 0..max or off the step, or (with `complete`, for a submit)
    missing. Scores of codes the rubric does not have are refused under their own code."""
    problems: dict[str, Problem] = {}
    known = {criterion.code: criterion for criterion in criteria}
    for code in scores:
        if code not in known:
            problems[code] = Problem("{criterion} is not a criterion of this rubric.", {"criterion": code})
    for criterion in criteria:
        value = scores.get(criterion.code)
        if value is None:
            if complete:
                problems[criterion.code] = Problem("Give a score for {criterion}.", {"criterion": criterion.code})
            continue
        if not (math.isfinite(value) and 0 <= value <= criterion.max):
            problems[criterion.code] = Problem(
                "The score of {criterion} must be between 0 and {max}.",
                {"criterion": criterion.code, "max": _number(criterion.max)},
            )
        elif not on_step(value, criterion.step):
            problems[criterion.code] = Problem(
                "The score of {criterion} goes in steps of {step}; {score} is not one of them.",
                {"criterion": criterion.code, "step": _number(criterion.step), "score": _number(value)},
            )
    return problems


def total(weights: Mapping[str, tuple[float, float]], scores: Mapping[str, float | None]) -> float | None:
    """A complete sheet's total: the sum of weight x score / max (None while a score is missing)."""
    if any(scores.get(code) is None for code in weights):
        return None
    return sum(weight * float(scores[code] or 0) / top for code, (weight, top) in weights.items())


def _number(value: float) -> int | float:
    """20.0 shown as 20, 0.5 as 0.5."""
    return int(value) if float(value).is_integer() else value
