"""Rank a round's entries from their judges' sheets: validate, aggregate, break ties, flag disagreement."""

import math
from collections import Counter
from dataclasses import dataclass

import msgspec
import numpy as np

from judging.ranking.messages import InputError, message, require_at_least
from judging.ranking.methods import AggregationMethod, Floats, SheetTable, method_for
from judging.ranking.schemas import EntryResult, JudgeResult, RankingInput, RankingResult

# Scores, spreads and judge effects are reported, and compared for ties, at this many decimals.
DECIMALS = 6


@dataclass(frozen=True)
class Sheets:
    """Validated sheets as arrays: `table` indexes entries and judges (both sorted by id), `totals`
    holds each sheet's total, `weighted[:, c]` its weight x score / max on criterion c."""

    table: SheetTable
    entries: list[str]
    judges: list[str]
    criteria: list[str]
    totals: Floats
    weighted: Floats
    total_max: float


def decode_input(raw: bytes) -> RankingInput:
    """The ranking input from JSON bytes; a malformed document raises `InputError`."""
    try:
        return msgspec.json.decode(raw, type=RankingInput)
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        raise InputError(message("ranking_bad_input", detail=str(error))) from None


def load_sheets(data: RankingInput) -> Sheets:
    """Check `data` (raising `InputError` with the first problem) and lay its sheets out as arrays.

    Every sheet must score every criterion within 0..max (a missing score is never taken as zero),
    and a judge has at most one sheet per entry.
    """
    require_at_least("flag_threshold", data.flag_threshold, 0)
    require_at_least("trim_min_sheets", data.trim_min_sheets, 3)
    require_at_least("ridge", data.ridge, 0)
    if not data.criteria:
        raise InputError(message("ranking_no_criteria"))
    limits: dict[str, float] = {}
    for criterion in data.criteria:
        if criterion.id in limits:
            raise InputError(message("ranking_criterion_twice", criterion=criterion.id))
        if not (criterion.weight > 0 and criterion.max > 0 and math.isfinite(criterion.weight + criterion.max)):
            raise InputError(message("ranking_criterion_bounds", criterion=criterion.id))
        limits[criterion.id] = criterion.max
    for name in data.tie_break:
        if name not in limits:
            raise InputError(message("ranking_unknown_tie_break", criterion=name))
    for entry, count in data.expected.items():
        if count < 0:
            raise InputError(message("ranking_bad_expected", entry=entry, expected=count))

    criteria = [criterion.id for criterion in data.criteria]
    scores = np.empty((len(data.sheets), len(criteria)))
    seen: set[tuple[str, str]] = set()
    for row, sheet in enumerate(data.sheets):
        where = {"judge": sheet.judge, "entry": sheet.entry}
        if (sheet.entry, sheet.judge) in seen:
            raise InputError(message("ranking_sheet_twice", **where))
        seen.add((sheet.entry, sheet.judge))
        for name in sheet.scores:
            if name not in limits:
                raise InputError(message("ranking_unknown_score", criterion=name, **where))
        for column, name in enumerate(criteria):
            if name not in sheet.scores:
                raise InputError(message("ranking_missing_score", criterion=name, **where))
            score = sheet.scores[name]
            if not 0 <= score <= limits[name]:  # also refuses NaN
                raise InputError(
                    message("ranking_score_out_of_range", criterion=name, score=score, max=limits[name], **where)
                )
            scores[row, column] = score
        if sheet.opened_at and sheet.submitted_at and sheet.submitted_at < sheet.opened_at:
            raise InputError(message("ranking_submitted_before_opened", **where))

    entries = sorted({sheet.entry for sheet in data.sheets} | set(data.expected))
    judges = sorted({sheet.judge for sheet in data.sheets})
    entry_index = {entry: index for index, entry in enumerate(entries)}
    judge_index = {judge: index for index, judge in enumerate(judges)}
    table = SheetTable(
        entry=np.array([entry_index[sheet.entry] for sheet in data.sheets], dtype=np.intp),
        judge=np.array([judge_index[sheet.judge] for sheet in data.sheets], dtype=np.intp),
        n_entries=len(entries),
        n_judges=len(judges),
    )
    factor = np.array([criterion.weight / criterion.max for criterion in data.criteria])
    weighted = scores * factor
    return Sheets(
        table=table,
        entries=entries,
        judges=judges,
        criteria=criteria,
        totals=weighted.sum(axis=1),
        weighted=weighted,
        total_max=float(sum(criterion.weight for criterion in data.criteria)),
    )


def _rounded(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), DECIMALS)


def competition_ranks(keys: list[tuple[float, ...]]) -> list[int]:
    """Ranks of keys already sorted best first: equal keys share a rank and the next rank skips
    (1, 2, 2, 4)."""
    ranks: list[int] = []
    for position, key in enumerate(keys):
        ranks.append(ranks[-1] if position and key == keys[position - 1] else position + 1)
    return ranks


def rank(data: RankingInput) -> RankingResult:
    """Aggregate the sheets with `data.method`, rank the entries best first and report each judge.

    Ties on the (rounded) score are broken by the entry's aggregated score on each tie-break
    criterion in turn (the same method over that criterion's weighted scores); entries still equal
    share a rank. An entry with no sheet is listed last, unranked, with score None. An entry is
    flagged when its spread, (max - min of its sheet totals) / total maximum, exceeds
    `flag_threshold`. Raises `InputError` on invalid input.
    """
    sheets = load_sheets(data)
    table = sheets.table
    method = method_for(
        data.method, trim_min_sheets=data.trim_min_sheets, judge_scale=data.judge_scale, ridge=data.ridge
    )
    if not len(sheets.totals):
        return RankingResult(
            method=data.method,
            total_max=sheets.total_max,
            flag_threshold=data.flag_threshold,
            entries=[_unranked(entry, data.expected.get(entry, 0)) for entry in sheets.entries],
            judges=[],
        )
    outcome = method.aggregate(table, sheets.totals, sheets.total_max)
    score_of = {
        index: round(float(value), DECIMALS) for index, value in enumerate(outcome.score) if not np.isnan(value)
    }

    tie_scores = _tie_break_scores(data, sheets, method, score_of)

    def key(index: int) -> tuple[float, ...]:
        breaks = tie_scores.get(index, {})
        return (score_of[index], *(breaks.get(name, 0.0) for name in data.tie_break))

    order = sorted(score_of, key=lambda index: (tuple(-part for part in key(index)), sheets.entries[index]))
    ranks = competition_ranks([key(index) for index in order])

    low = np.full(table.n_entries, np.inf)
    high = np.full(table.n_entries, -np.inf)
    np.minimum.at(low, table.entry, sheets.totals)
    np.maximum.at(high, table.entry, sheets.totals)
    entries: list[EntryResult] = []
    for index, position in zip(order, ranks, strict=True):
        count = int(table.entry_counts[index])
        spread = round(float(high[index] - low[index]) / sheets.total_max, DECIMALS)
        entries.append(
            EntryResult(
                entry=sheets.entries[index],
                score=score_of[index],
                rank=position,
                sheets=count,
                missing=max(data.expected.get(sheets.entries[index], 0) - count, 0),
                spread=spread,
                flagged=spread > data.flag_threshold,
                tie_break=tie_scores.get(index, {}),
            )
        )
    entries += [
        _unranked(sheets.entries[index], data.expected.get(sheets.entries[index], 0))
        for index in range(table.n_entries)
        if index not in score_of
    ]
    judges = [
        JudgeResult(
            judge=judge,
            sheets=int(table.judge_counts[index]),
            bias=None if outcome.bias is None else _rounded(outcome.bias[index]),
            scale=None if outcome.scale is None else _rounded(outcome.scale[index]),
        )
        for index, judge in enumerate(sheets.judges)
    ]
    return RankingResult(
        method=data.method,
        total_max=sheets.total_max,
        flag_threshold=data.flag_threshold,
        entries=entries,
        judges=judges,
    )


def _tie_break_scores(
    data: RankingInput, sheets: Sheets, method: AggregationMethod, score_of: dict[int, float]
) -> dict[int, dict[str, float]]:
    """The tie-break criteria's aggregated scores of every entry whose score another entry shares."""
    repeats = Counter(score_of.values())
    tied = [index for index, score in score_of.items() if repeats[score] > 1]
    if not (tied and data.tie_break):
        return {}
    weights = {criterion.id: criterion.weight for criterion in data.criteria}
    per_criterion = {
        name: method.aggregate(sheets.table, sheets.weighted[:, sheets.criteria.index(name)], weights[name]).score
        for name in data.tie_break
    }
    return {
        index: {name: round(float(per_criterion[name][index]), DECIMALS) for name in data.tie_break} for index in tied
    }


def _unranked(entry: str, expected: int) -> EntryResult:
    return EntryResult(entry=entry, score=None, rank=None, sheets=0, missing=expected, spread=None, flagged=False)
