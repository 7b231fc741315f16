"""Aggregation methods behind one interface: sheet values in, entry scores and judge effects out.

A method sees the sheets as a `SheetTable` (entry and judge index per sheet) and one value per sheet
(a sheet's total, or its weighted score on one criterion for the tie-break) whose maximum is `top`.
It returns a score per entry on the same scale (NaN for an entry without sheets) and, where the
method has them, a bias (offset against the panel) and a scale per judge.
"""

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix, csr_matrix, diags
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import lsmr

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]

# Values closer than this fraction of `top` count as equal (zero variance, converged iterations).
RELATIVE_EPS = 1e-9


@dataclass(frozen=True)
class SheetTable:
    """Which entry and which judge each sheet belongs to, as dense indices."""

    entry: Ints
    judge: Ints
    n_entries: int
    n_judges: int
    entry_counts: Ints = field(init=False)
    judge_counts: Ints = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "entry_counts", np.bincount(self.entry, minlength=self.n_entries))
        object.__setattr__(self, "judge_counts", np.bincount(self.judge, minlength=self.n_judges))

    def entry_mean(self, values: Floats) -> Floats:
        """Mean value per entry (NaN for an entry without sheets)."""
        return _divide(np.bincount(self.entry, weights=values, minlength=self.n_entries), self.entry_counts)

    def judge_mean(self, values: Floats) -> Floats:
        """Mean value per judge (NaN for a judge without sheets)."""
        return _divide(np.bincount(self.judge, weights=values, minlength=self.n_judges), self.judge_counts)

    def judge_components(self) -> Ints:
        """The connected component of each judge in the graph where judges meet on shared entries."""
        nodes = self.n_entries + self.n_judges
        edges = coo_matrix((np.ones(len(self.entry)), (self.entry, self.n_entries + self.judge)), shape=(nodes, nodes))
        _, labels = connected_components(edges, directed=False)
        return np.asarray(labels[self.n_entries :], dtype=np.intp)


@dataclass(frozen=True)
class Aggregate:
    """Per entry: score (NaN without sheets). Per judge: bias and scale, None when the method has none."""

    score: Floats
    bias: Floats | None = None
    scale: Floats | None = None


class AggregationMethod(Protocol):
    """One way of turning sheet values into entry scores."""

    name: str

    def aggregate(self, table: SheetTable, values: Floats, top: float) -> Aggregate:
        """Entry scores (and judge effects) from one value per sheet, each between 0 and `top`."""
        ...


def _divide(numerator: npt.NDArray[Any], denominator: npt.NDArray[Any]) -> Floats:
    """Elementwise quotient, NaN where the denominator is zero."""
    result = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=result, where=denominator > 0)
    return result


def _offset_against(table: SheetTable, values: Floats, score: Floats) -> Floats:
    """A judge's mean difference between their sheets and the entries' scores."""
    return table.judge_mean(values - score[table.entry])


class Mean:
    """The plain mean of an entry's sheets; a judge's bias is their mean offset from it."""

    name = "mean"

    def aggregate(self, table: SheetTable, values: Floats, top: float) -> Aggregate:
        score = table.entry_mean(values)
        return Aggregate(score=score, bias=_offset_against(table, values, score))


class Trimmed:
    """The mean without the highest and the lowest sheet once an entry has `min_sheets` or more."""

    name = "trimmed"

    def __init__(self, min_sheets: int = 5) -> None:
        self.min_sheets = min_sheets

    def aggregate(self, table: SheetTable, values: Floats, top: float) -> Aggregate:
        counts = table.entry_counts
        ordered = values[np.lexsort((values, table.entry))]
        starts = np.cumsum(counts) - counts
        trim = counts >= self.min_sheets
        sums = np.bincount(table.entry, weights=values, minlength=table.n_entries)
        lowest, highest = ordered[starts[trim]], ordered[starts[trim] + counts[trim] - 1]
        sums[trim] -= lowest + highest
        score = _divide(sums, np.where(trim, counts - 2, counts))
        return Aggregate(score=score, bias=_offset_against(table, values, score))


class ZScore:
    """Each judge's sheets as z-scores against the judge's own mean and spread, mapped back onto the
    value scale with the mean and standard deviation of all sheets, then averaged per entry.

    Degenerate judges never produce NaN: a judge with a single sheet is not normalised (their sheet
    is read against the mean and spread of all sheets; bias and scale None), and a judge whose
    sheets are all equal has z = 0 on each (their sheets count as the mean; scale 0). A judge's
    bias is their mean minus the mean of all sheets, their scale their spread over all sheets'
    (spreads are population standard deviations).
    """

    name = "zscore"

    def aggregate(self, table: SheetTable, values: Floats, top: float) -> Aggregate:
        eps = RELATIVE_EPS * top
        mean, spread = float(values.mean()), float(values.std())
        judge_mean = table.judge_mean(values)
        judge_spread = np.sqrt(table.judge_mean((values - judge_mean[table.judge]) ** 2))
        alone = table.judge_counts < 2
        centre = np.where(alone, mean, judge_mean)
        divisor = np.where(alone, spread, judge_spread)
        flat = divisor <= eps
        z = np.zeros_like(values)
        sheet_ok = ~flat[table.judge]
        z[sheet_ok] = (values[sheet_ok] - centre[table.judge][sheet_ok]) / divisor[table.judge][sheet_ok]
        score = table.entry_mean(mean + spread * z)
        bias = np.where(alone, np.nan, judge_mean - mean)
        scale = np.where(alone, np.nan, np.where(judge_spread <= eps, 0.0, judge_spread / max(spread, eps)))
        return Aggregate(score=score, bias=bias, scale=scale)


class LeastSquares:
    """Judge-bias calibration: value = quality(entry) + offset(judge), or with `judge_scale`
    value - c = scale(judge) x (quality(entry) - c) + offset(judge), c the mean of all sheets, solved
    as a sparse least-squares problem (LSMR) and, with scales, by alternating between the linear
    problem for qualities and offsets and a per-judge regression for scales.

    Only differences are identified within a group of judges that meet on shared entries, so the
    gauge is fixed per connected component: offsets sum to zero, and scales average one. Scales
    are kept at `MIN_SCALE` or above so that a judge whose totals run against the panel cannot
    invert the entries they saw. `ridge` (>= 0) shrinks offsets towards zero, which steadies
    judges with few sheets.
    """

    name = "least_squares"
    MIN_SCALE = 0.1
    MAX_ROUNDS = 200

    def __init__(self, judge_scale: bool = False, ridge: float = 0.0) -> None:
        self.judge_scale = judge_scale
        self.ridge = ridge

    def aggregate(self, table: SheetTable, values: Floats, top: float) -> Aggregate:
        eps = RELATIVE_EPS * top
        scored = table.entry_counts > 0
        entry_column = (np.cumsum(scored) - 1)[table.entry]  # entries without sheets get no column
        n_quality = int(scored.sum())
        components = table.judge_components()
        centre = float(values.mean())
        centred = values - centre
        scale = np.ones(table.n_judges)
        solution = self._solve(table, entry_column, n_quality, components, centred, scale)
        if self.judge_scale:
            for _ in range(self.MAX_ROUNDS):
                new_scale = self._judge_scales(table, solution[entry_column], centred, components, eps)
                new_solution = self._solve(table, entry_column, n_quality, components, centred, new_scale)
                moved = max(
                    np.abs(new_solution[:n_quality] - solution[:n_quality]).max(initial=0.0),
                    np.abs(new_scale - scale).max() * top,
                )
                solution, scale = new_solution, new_scale
                if moved <= eps:
                    break
        score = np.full(table.n_entries, np.nan)
        score[scored] = solution[:n_quality] + centre
        return Aggregate(score=score, bias=solution[n_quality:], scale=scale if self.judge_scale else None)

    def _solve(
        self,
        table: SheetTable,
        entry_column: Ints,
        n_quality: int,
        components: Ints,
        values: Floats,
        scale: Floats,
    ) -> Floats:
        """Qualities then offsets minimising the squared residuals for fixed judge scales."""
        n_sheets, n_judges = len(values), table.n_judges
        n_components = int(components.max()) + 1
        sheet_rows = np.arange(n_sheets)
        rows = [sheet_rows, sheet_rows, n_sheets + components]
        cols = [entry_column, n_quality + table.judge, n_quality + np.arange(n_judges)]
        data = [scale[table.judge], np.ones(n_sheets), np.ones(n_judges)]
        n_rows = n_sheets + n_components
        if self.ridge > 0:
            rows.append(n_rows + np.arange(n_judges))
            cols.append(n_quality + np.arange(n_judges))
            data.append(np.full(n_judges, np.sqrt(self.ridge)))
            n_rows += n_judges
        matrix = csr_matrix(
            (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, n_quality + n_judges)
        )
        # Equilibrated columns make LSMR converge in far fewer iterations on uneven panels.
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=0)).ravel())
        norms[norms == 0] = 1.0
        rhs = np.concatenate([values, np.zeros(n_rows - n_sheets)])
        solution = lsmr(
            matrix @ diags(1.0 / norms),
            rhs,
            atol=1e-12,
            btol=1e-12,
            conlim=1e12,
            maxiter=10 * matrix.shape[1],
        )[0]
        return np.asarray(solution / norms)

    def _judge_scales(self, table: SheetTable, quality: Floats, values: Floats, components: Ints, eps: float) -> Floats:
        """Each judge's regression slope of their values on the entries' qualities, averaging one per
        component; a judge whose entries' qualities do not vary keeps scale one."""
        judge = table.judge
        quality_dev = quality - table.judge_mean(quality)[judge]
        value_dev = values - table.judge_mean(values)[judge]
        variance = table.judge_mean(quality_dev**2)
        covariance = table.judge_mean(quality_dev * value_dev)
        estimated = variance > eps**2
        slope = np.where(estimated, covariance / np.where(estimated, variance, 1.0), 1.0)
        slope = np.maximum(slope, self.MIN_SCALE)
        per_component = np.bincount(components, weights=np.where(estimated, slope, 0.0))
        counted = np.bincount(components, weights=estimated.astype(float))
        average = _divide(per_component, counted)
        return np.where(estimated, slope / average[components], 1.0)


def method_for(
    name: str, *, trim_min_sheets: int = 5, judge_scale: bool = False, ridge: float = 0.0
) -> AggregationMethod:
    """The aggregation method called `name`, with its options."""
    methods: dict[str, AggregationMethod] = {
        "mean": Mean(),
        "trimmed": Trimmed(trim_min_sheets),
        "zscore": ZScore(),
        "least_squares": LeastSquares(judge_scale=judge_scale, ridge=ridge),
    }
    return methods[name]
