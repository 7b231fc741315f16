"""The instance as dense arrays (entries x judges), checked for unknown and duplicate ids.

Dense matrices keep every rule a vectorised mask: 10,000 entries x 1,000 judges is 80 MB of affinity,
well within the contest's scale (6,000 teams, 1,000 judges).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

import numpy as np

from judging.assignment.messages import InstanceError, Message, capped, message
from judging.assignment.model import Instance

NO_REGION = "-"


@dataclass
class Problem:
    """One instance in index form; `k` already includes calibration entries' larger counts."""

    entry_ids: list[str]
    judge_ids: list[str]
    region_names: list[str]
    k: np.ndarray  # judges per entry
    entry_university: np.ndarray
    entry_region: np.ndarray  # -1: no region
    judge_university: np.ndarray
    judge_region: np.ndarray  # -1: national judge
    jmin: np.ndarray
    jmax: np.ndarray
    affinity: np.ndarray  # (entries, judges) float64, 0 where not listed
    conflict: np.ndarray  # (entries, judges) bool, declared conflicts
    in_scope: np.ndarray  # (entries, judges) bool, the scope's region rule
    eligible: np.ndarray  # in scope, not own university, not conflicted
    pins: np.ndarray  # (entries, judges) bool
    pin_pairs: np.ndarray  # (pins, 2) in the order given
    university_names: list[str]
    one_per_university: bool
    scope: str
    connected: bool
    calibration: np.ndarray  # entry indices

    @property
    def n(self) -> int:
        return len(self.entry_ids)

    @property
    def m(self) -> int:
        return len(self.judge_ids)

    @property
    def n_universities(self) -> int:
        return len(self.university_names)

    def region_name(self, code: int) -> str:
        return self.region_names[code] if code >= 0 else NO_REGION


def _index(ids: Sequence[str], kind: str) -> tuple[dict[str, int], list[Message]]:
    index: dict[str, int] = {}
    duplicates: list[Message] = []
    for position, ident in enumerate(ids):
        if ident in index:
            params: dict[str, Any] = {kind: ident}
            duplicates.append(message(f"duplicate_{kind}", **params))
        index[ident] = position
    return index, duplicates


def _codes(values: Iterable[str | None], names: dict[str, int]) -> np.ndarray:
    out = []
    for value in values:
        if value is None:
            out.append(-1)
        else:
            out.append(names.setdefault(value, len(names)))
    return np.array(out, dtype=np.int64)


def pair_indices(
    pairs: Sequence[Sequence[object]], field: str, entries: dict[str, int], judges: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, list[Message]]:
    """Entry and judge indices of the first two columns of `pairs`, or messages naming the unknown ids
    (`field` says where they were found)."""
    empty = np.zeros(0, dtype=np.int64)
    if not pairs:
        return empty, empty, []
    try:
        es = np.fromiter(map(entries.__getitem__, map(itemgetter(0), pairs)), dtype=np.int64, count=len(pairs))
        js = np.fromiter(map(judges.__getitem__, map(itemgetter(1), pairs)), dtype=np.int64, count=len(pairs))
    except KeyError:
        problems = [message("unknown_entry", field=field, entry=str(p[0])) for p in pairs if p[0] not in entries]
        problems += [message("unknown_judge", field=field, judge=str(p[1])) for p in pairs if p[1] not in judges]
        return empty, empty, capped(_unique(problems))
    return es, js, []


def _unique(messages: list[Message]) -> list[Message]:
    seen: set[str] = set()
    out = []
    for m in messages:
        if m.rendered not in seen:
            seen.add(m.rendered)
            out.append(m)
    return out


def scope_mask(scope: str, entry_region: np.ndarray, judge_region: np.ndarray) -> np.ndarray:
    """Which judges the scope's region rule allows for which entries (national judges: any entry)."""
    er = entry_region[:, None]
    jr = judge_region[None, :]
    if scope == "region":
        return np.asarray((jr == -1) | (jr == er))
    if scope == "other_regions":
        return np.asarray((jr == -1) | (jr != er))
    return np.ones((len(entry_region), len(judge_region)), dtype=bool)


def prepare(instance: Instance) -> Problem:
    """Check ids, pairs and values of `instance` and put it in index form; raises InstanceError."""
    entry_index, problems = _index([e.id for e in instance.entries], "entry")
    judge_index, judge_problems = _index([j.id for j in instance.judges], "judge")
    problems = capped(problems) + capped(judge_problems)
    for judge in instance.judges:
        if judge.max is not None and judge.min > judge.max:
            problems.append(message("min_above_max", judge=judge.id, min=judge.min, max=judge.max))
    if problems:
        raise InstanceError(problems)
    n, m = len(instance.entries), len(instance.judges)

    ae, aj, bad = pair_indices(instance.affinity, "affinity", entry_index, judge_index)
    ce, cj, bad_conflicts = pair_indices(instance.conflicts, "conflicts", entry_index, judge_index)
    pe, pj, bad_pins = pair_indices(instance.pins, "pins", entry_index, judge_index)
    problems = bad + bad_conflicts + bad_pins
    affinity = np.zeros((n, m))
    if len(ae):
        values = np.fromiter(map(itemgetter(2), instance.affinity), dtype=np.float64, count=len(ae))
        not_finite = np.flatnonzero(~np.isfinite(values))
        problems += capped(
            [
                message("affinity_not_finite", entry=instance.entries[ae[i]].id, judge=instance.judges[aj[i]].id)
                for i in not_finite
            ]
        )
        counts = np.bincount(ae * m + aj, minlength=n * m)
        repeated = np.flatnonzero(counts > 1)
        problems += capped(
            [
                message("duplicate_affinity", entry=instance.entries[c // m].id, judge=instance.judges[c % m].id)
                for c in repeated
            ]
        )
        affinity[ae, aj] = values
    if problems:
        raise InstanceError(problems)

    region_codes: dict[str, int] = {}
    university_codes: dict[str, int] = {}
    entry_region = _codes((e.region for e in instance.entries), region_codes)
    judge_region = _codes((j.region for j in instance.judges), region_codes)
    entry_university = _codes((e.university for e in instance.entries), university_codes)
    judge_university = _codes((j.university for j in instance.judges), university_codes)
    conflict = np.zeros((n, m), dtype=bool)
    conflict[ce, cj] = True
    in_scope = scope_mask(instance.scope, entry_region, judge_region)
    eligible = in_scope & ~conflict & (entry_university[:, None] != judge_university[None, :])
    pins = np.zeros((n, m), dtype=bool)
    pins[pe, pj] = True
    order = np.unique(pe * m + pj, return_index=True)[1]
    keep = np.sort(order)
    k = np.array([e.k if e.k is not None else instance.k for e in instance.entries], dtype=np.int64)
    jmax = np.array([j.max if j.max is not None else n for j in instance.judges], dtype=np.int64)
    problem = Problem(
        entry_ids=[e.id for e in instance.entries],
        judge_ids=[j.id for j in instance.judges],
        region_names=list(region_codes),
        k=k,
        entry_university=entry_university,
        entry_region=entry_region,
        judge_university=judge_university,
        judge_region=judge_region,
        jmin=np.array([j.min for j in instance.judges], dtype=np.int64),
        jmax=np.minimum(jmax, n),
        affinity=affinity,
        conflict=conflict,
        in_scope=in_scope,
        eligible=eligible,
        pins=pins,
        pin_pairs=np.stack([pe[keep], pj[keep]], axis=1) if len(pe) else np.zeros((0, 2), dtype=np.int64),
        university_names=list(university_codes),
        one_per_university=instance.one_judge_per_university,
        scope=instance.scope,
        connected=instance.connected,
        calibration=np.zeros(0, dtype=np.int64),
    )
    if instance.calibration_entries:
        _add_calibration(problem, instance.calibration_entries)
    return problem


def reviewers_available(problem: Problem, mask: np.ndarray) -> np.ndarray:
    """Per entry, how many judges of `mask` it may have at once: distinct universities under the
    one-judge-per-university rule, else the judges themselves."""
    if not problem.one_per_university:
        return np.asarray(mask.sum(axis=1))
    seen = np.zeros((mask.shape[0], problem.n_universities), dtype=bool)
    rows, cols = np.nonzero(mask)
    seen[rows, problem.judge_university[cols]] = True
    return np.asarray(seen.sum(axis=1))


def _add_calibration(problem: Problem, per_region: int) -> None:
    """Per entry region, the `per_region` entries open to the most judges become calibration entries,
    each to be reviewed by all the judges it may have (ties by entry order)."""
    available = reviewers_available(problem, problem.eligible)
    chosen: list[int] = []
    for code in np.unique(problem.entry_region):
        members = np.flatnonzero(problem.entry_region == code)
        ranked = members[np.argsort(-available[members], kind="stable")]
        chosen.extend(int(e) for e in ranked[:per_region])
    calibration = np.array(sorted(chosen), dtype=np.int64)
    problem.k[calibration] = np.maximum(available[calibration], problem.k[calibration])
    problem.calibration = calibration


@dataclass
class Residual:
    """What is left to decide once the pins are placed: per entry the judges still needed, per judge
    the load range still open, and the pairs still allowed (`free`)."""

    k: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    pinned_load: np.ndarray
    free: np.ndarray

    @classmethod
    def of(cls, problem: Problem) -> "Residual":
        pinned_load = problem.pins.sum(axis=0)
        k = problem.k - problem.pins.sum(axis=1)
        lo = np.maximum(problem.jmin - pinned_load, 0)
        hi = problem.jmax - pinned_load
        free = problem.eligible & ~problem.pins & (k > 0)[:, None] & (hi > 0)[None, :]
        if problem.one_per_university and problem.pins.any():
            taken = np.zeros((problem.n, problem.n_universities), dtype=bool)
            rows, cols = np.nonzero(problem.pins)
            taken[rows, problem.judge_university[cols]] = True
            free &= ~taken[:, problem.judge_university]
        return cls(k=k, lo=lo, hi=hi, pinned_load=pinned_load, free=free)
