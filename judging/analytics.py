"""Judge analytics for organizers: numbers per judge over the same sheets input as the ranking.

- leniency: the judge's mean deviation (in total points) from the entry means of the panels they
  sat on, counting entries with two or more sheets; above zero lenient, below zero severe;
- straight-lining: sheets whose criterion scores are all the same fraction of their maximum, and
  their share of the judge's sheets (None with a single criterion, where every sheet would count);
- time per entry: median and mean of submitted_at - opened_at over the sheets that carry both;
- agreement: the Pearson correlation of the judge's totals with the mean of the other judges'
  totals on the same entries (None below three such entries or when either side does not vary).
"""

from typing import Any

import msgspec
import numpy as np
import numpy.typing as npt

from judging.ranking.methods import RELATIVE_EPS, Floats
from judging.ranking.rank import DECIMALS, load_sheets
from judging.ranking.schemas import RankingInput

MIN_AGREEMENT_ENTRIES = 3


class JudgeAnalytics(msgspec.Struct, frozen=True, kw_only=True):
    """One judge's numbers (see the module documentation for each)."""

    judge: str
    sheets: int
    leniency: float | None
    leniency_entries: int
    straight_lined: int
    straight_line_share: float | None
    timed_sheets: int
    median_seconds: float | None
    mean_seconds: float | None
    agreement: float | None
    agreement_entries: int


class AnalyticsResult(msgspec.Struct, frozen=True, kw_only=True):
    """Judges sorted by id."""

    total_max: float
    judges: list[JudgeAnalytics]


def _round(value: float) -> float | None:
    return None if np.isnan(value) else round(float(value), DECIMALS)


def judge_analytics(data: RankingInput) -> AnalyticsResult:
    """Leniency, straight-lining, time per entry and agreement for every judge with a sheet.

    Raises `InputError` on the same invalid input as `judging.ranking.rank`.
    """
    sheets = load_sheets(data)
    table, totals = sheets.table, sheets.totals
    eps = RELATIVE_EPS * sheets.total_max

    shared = table.entry_counts[table.entry] >= 2
    deviation = np.where(shared, totals - table.entry_mean(totals)[table.entry], 0.0)
    leniency_entries = np.bincount(table.judge, weights=shared, minlength=table.n_judges)
    leniency = np.bincount(table.judge, weights=deviation, minlength=table.n_judges)
    leniency = np.divide(leniency, leniency_entries, out=np.full(table.n_judges, np.nan), where=leniency_entries > 0)

    weights = np.array([criterion.weight for criterion in data.criteria])
    fractions = sheets.weighted / weights
    flat = np.ptp(fractions, axis=1) <= RELATIVE_EPS if len(weights) > 1 else np.zeros(len(totals), dtype=bool)
    straight_lined = np.bincount(table.judge, weights=flat, minlength=table.n_judges)

    sums = np.bincount(table.entry, weights=totals, minlength=table.n_entries)
    others = np.divide(
        sums[table.entry] - totals,
        table.entry_counts[table.entry] - 1,
        out=np.full(len(totals), np.nan),
        where=shared,
    )
    agreement, agreement_entries = _agreement(table.judge, table.n_judges, totals, others, shared, eps)

    durations: list[list[float]] = [[] for _ in sheets.judges]
    for sheet, judge in zip(data.sheets, table.judge, strict=True):
        if sheet.opened_at is not None and sheet.submitted_at is not None:
            durations[judge].append((sheet.submitted_at - sheet.opened_at).total_seconds())

    judges = []
    for index, judge in enumerate(sheets.judges):
        count = int(table.judge_counts[index])
        times = durations[index]
        judges.append(
            JudgeAnalytics(
                judge=judge,
                sheets=count,
                leniency=_round(leniency[index]),
                leniency_entries=int(leniency_entries[index]),
                straight_lined=int(straight_lined[index]),
                straight_line_share=round(float(straight_lined[index]) / count, DECIMALS) if len(weights) > 1 else None,
                timed_sheets=len(times),
                median_seconds=float(np.median(times)) if times else None,
                mean_seconds=round(float(np.mean(times)), DECIMALS) if times else None,
                agreement=_round(agreement[index]),
                agreement_entries=int(agreement_entries[index]),
            )
        )
    return AnalyticsResult(total_max=sheets.total_max, judges=judges)


def _agreement(
    judge: np.ndarray, n_judges: int, totals: Floats, others: Floats, shared: np.ndarray, eps: float
) -> tuple[Floats, npt.NDArray[Any]]:
    """Per judge: correlation of their totals with the other judges' means, and how many entries count."""
    count = np.bincount(judge, weights=shared, minlength=n_judges)
    safe = np.maximum(count, 1)

    def per_judge(values: Floats) -> Floats:
        return np.bincount(judge, weights=np.where(shared, values, 0.0), minlength=n_judges) / safe

    own_dev = totals - per_judge(totals)[judge]
    others_dev = np.where(shared, others, 0.0) - per_judge(np.where(shared, others, 0.0))[judge]
    covariance = per_judge(own_dev * others_dev)
    own_spread = np.sqrt(per_judge(own_dev**2))
    others_spread = np.sqrt(per_judge(others_dev**2))
    defined = (count >= MIN_AGREEMENT_ENTRIES) & (own_spread > eps) & (others_spread > eps)
    correlation = np.full(n_judges, np.nan)
    np.divide(covariance, own_spread * others_spread, out=correlation, where=defined)
    return np.clip(correlation, -1.0, 1.0), count
