"""Judge assignment at national scale: the solver against a plain min-cost flow and an LP bound.

A seeded instance: 10,000 entries, 1,000 judges, k = 5, 8 regions plus national judges (scope
"region"), universities with many entries at the big ones, about 2% of the in-scope pairs declared as
conflicts, tight loads (every judge 30..51 reviews for a mean of 50: capacity 2% above demand), one
judge per university.

Figures, all measured in this run:
- affinity_ratio: the solver's total affinity over an upper bound on the LP relaxation (with the
  university rule). The bound is a Lagrangian dual bound computed here, independently of the solver:
  this script solves the full network (every entry x university node) with its own min-cost flow,
  reads judge prices off that optimum (Bellman-Ford on its exchange graph: prices under which every
  entry's judges are its best choice), and evaluates
      UB(w) = sum_j (max(w_j, 0) max_j - max(-w_j, 0) min_j) + sum_e best_e(affinity - w),
  best_e being the best k judges of entry e at most one per university. UB(w) bounds the LP for any
  prices w, so the ratio is a real check; the prices only make it tight. With --small, GLOP solves
  the LP itself as a second check.
- coverage, violations, worst_entry (lowest mean affinity of an entry), load_spread: from an
  independent checker in this file, not from the solver's report.
- time_s against reference_time_s: the solver end to end (checks, flow, passes) against a plain
  OR-Tools min-cost flow without the university rule on the same instance, both from the same Instance
  object; each is run three times and the fastest run counts.

    .venv/bin/python bench/assignment.py            # full scale, a few minutes
    .venv/bin/python bench/assignment.py --small    # 2,000 entries, 200 judges
The last line printed is one JSON object of the figures.
"""

import argparse
import json
import math
import sys
import time
from collections import Counter
from operator import itemgetter
from pathlib import Path

import numpy as np
from ortools.graph.python import min_cost_flow

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judging.assignment import Entry, Instance, Judge, solve  # noqa: E402

REGIONS = ["华东", "华北", "华南", "华中", "西南", "西北", "东北", "港澳台"]
REGION_WEIGHTS = np.array([0.22, 0.16, 0.15, 0.13, 0.11, 0.09, 0.08, 0.06])
TRACKS = ["app", "game", "tool", "edu", "health", "public"]
SCALE = 1_000_000  # affinity resolution of this script's own flows


def generate(seed: int, n_entries: int, n_judges: int, k: int) -> Instance:
    """A national-scale instance from `seed`."""
    rng = np.random.default_rng(seed)
    per_region = max(20, n_entries // 60)
    entry_region = rng.choice(len(REGIONS), size=n_entries, p=REGION_WEIGHTS)
    # Big universities send many entries: Zipf-like weights inside each region.
    popularity = 1.0 / np.arange(1, per_region + 1) ** 0.8
    popularity /= popularity.sum()
    entry_univ = entry_region * per_region + rng.choice(per_region, size=n_entries, p=popularity)
    entry_track = rng.integers(0, len(TRACKS), n_entries)
    entry_topic = rng.dirichlet(np.full(8, 0.4), n_entries)

    n_national = n_judges * 12 // 100
    demand = np.bincount(entry_region, minlength=len(REGIONS)) * k
    share = demand / demand.sum() * (n_judges - n_national)
    seats = np.floor(share).astype(int)
    seats[np.argsort(seats - share)[: n_judges - n_national - seats.sum()]] += 1
    judge_region = np.concatenate([np.full(n_national, -1), np.repeat(np.arange(len(REGIONS)), seats)])
    # Judges come from the big universities more often too, if less steeply.
    judge_popularity = np.sqrt(popularity) / np.sqrt(popularity).sum()
    judge_home = np.where(judge_region >= 0, judge_region, rng.integers(0, len(REGIONS), n_judges))
    judge_univ = judge_home * per_region + rng.choice(per_region, size=n_judges, p=judge_popularity)
    judge_tracks = np.zeros((n_judges, len(TRACKS)), dtype=bool)
    judge_tracks[np.arange(n_judges), rng.integers(0, len(TRACKS), n_judges)] = True
    second = rng.random(n_judges) < 0.5
    judge_tracks[np.flatnonzero(second), rng.integers(0, len(TRACKS), second.sum())] = True
    judge_topic = rng.dirichlet(np.full(8, 0.4), n_judges)

    mean_load = n_entries * k / n_judges
    low, high = math.floor(0.6 * mean_load), math.ceil(1.02 * mean_load)

    in_scope = (judge_region[None, :] == -1) | (judge_region[None, :] == entry_region[:, None])
    es, js = np.nonzero(in_scope)
    norms = np.linalg.norm(entry_topic, axis=1)[es] * np.linalg.norm(judge_topic, axis=1)[js]
    cosine = np.einsum("ij,ij->i", entry_topic[es], judge_topic[js]) / norms
    values = np.round(0.5 * judge_tracks[js, entry_track[es]] + 0.5 * cosine, 4)
    conflicted = rng.random(len(es)) < 0.02

    entry_ids = [f"t{i:05d}" for i in range(n_entries)]
    judge_ids = [f"j{i:04d}" for i in range(n_judges)]
    return Instance(
        k=k,
        entries=[
            Entry(
                id=entry_ids[i],
                university=f"u{entry_univ[i]}",
                region=REGIONS[entry_region[i]],
                track=TRACKS[entry_track[i]],
            )
            for i in range(n_entries)
        ],
        judges=[
            Judge(
                id=judge_ids[j],
                university=f"u{judge_univ[j]}",
                region=REGIONS[judge_region[j]] if judge_region[j] >= 0 else None,
                min=low,
                max=high,
            )
            for j in range(n_judges)
        ],
        scope="region",
        affinity=[
            (entry_ids[e], judge_ids[j], v) for e, j, v in zip(es.tolist(), js.tolist(), values.tolist(), strict=True)
        ],
        conflicts=[
            (entry_ids[e], judge_ids[j]) for e, j in zip(es[conflicted].tolist(), js[conflicted].tolist(), strict=True)
        ],
        one_judge_per_university=True,
    )


class Arrays:
    """The instance as dense arrays, built here without the solver's code."""

    def __init__(self, instance: Instance) -> None:
        self.entry_index = {e.id: i for i, e in enumerate(instance.entries)}
        self.judge_index = {j.id: i for i, j in enumerate(instance.judges)}
        n, m = len(instance.entries), len(instance.judges)
        names: dict[str | None, int] = {None: -1}
        er = np.array([names.setdefault(e.region, len(names)) for e in instance.entries])
        jr = np.array([names.setdefault(j.region, len(names)) for j in instance.judges])
        universities: dict[str, int] = {}
        self.entry_univ = np.array([universities.setdefault(e.university, len(universities)) for e in instance.entries])
        self.judge_univ = np.array([universities.setdefault(j.university, len(universities)) for j in instance.judges])
        self.n_univ = len(universities)
        count = len(instance.affinity)
        self.affinity = np.zeros((n, m))
        self.affinity[
            np.fromiter(map(self.entry_index.__getitem__, map(itemgetter(0), instance.affinity)), np.int64, count),
            np.fromiter(map(self.judge_index.__getitem__, map(itemgetter(1), instance.affinity)), np.int64, count),
        ] = np.fromiter(map(itemgetter(2), instance.affinity), np.float64, count)
        allowed = (
            (jr[None, :] == -1) | (jr[None, :] == er[:, None]) if instance.scope == "region" else np.ones((n, m), bool)
        )
        allowed &= self.entry_univ[:, None] != self.judge_univ[None, :]
        for e, j in instance.conflicts:
            allowed[self.entry_index[e], self.judge_index[j]] = False
        self.allowed = allowed
        self.k = np.array([e.k or instance.k for e in instance.entries])
        self.jmin = np.array([j.min for j in instance.judges])
        self.jmax = np.array([j.max if j.max is not None else n for j in instance.judges])

    def matrix(self, pairs: list) -> np.ndarray:
        x = np.zeros(self.allowed.shape, dtype=bool)
        for e, j in pairs:
            x[self.entry_index[e], self.judge_index[j]] = True
        return x


def min_cost_assignment(a: Arrays, university_rule: bool) -> np.ndarray:
    """Max-affinity assignment by one OR-Tools min-cost flow (judge minimums as lower bounds through
    node demands); with the university rule, every entry x university of two judges or more is a node."""
    n, m = a.allowed.shape
    pe, pj = np.nonzero(a.allowed)
    cost = -np.rint(a.affinity[pe, pj] * SCALE).astype(np.int64)
    flow = min_cost_flow.SimpleMinCostFlow()
    sink = n + m
    tails = pe.copy()
    if university_rule:
        keys, inverse, counts = np.unique(pe * a.n_univ + a.judge_univ[pj], return_inverse=True, return_counts=True)
        node = np.where(counts > 1, sink + 1 + np.cumsum(counts > 1) - 1, -1)
        tails = np.where(node[inverse] >= 0, node[inverse], pe)
        many = counts > 1
        flow.add_arcs_with_capacity_and_unit_cost(
            keys[many] // a.n_univ,
            node[many],
            np.ones(many.sum(), dtype=np.int64),
            np.zeros(many.sum(), dtype=np.int64),
        )
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, n + pj, np.ones(len(pe), dtype=np.int64), cost)
    flow.add_arcs_with_capacity_and_unit_cost(
        n + np.arange(m), np.full(m, sink), a.jmax - a.jmin, np.zeros(m, dtype=np.int64)
    )
    flow.set_nodes_supplies(np.arange(n + m + 1), np.concatenate([a.k, -a.jmin, [-(a.k.sum() - a.jmin.sum())]]))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SystemExit(f"reference flow: {status}")
    used = flow.flows(arcs) > 0
    x = np.zeros((n, m), dtype=bool)
    x[pe[used], pj[used]] = True
    return x


def reference(instance: Instance) -> np.ndarray:
    """The plain flow the solver is timed against: same instance, no university rule."""
    return min_cost_assignment(Arrays(instance), university_rule=False)


def best_per_entry(a: Arrays, values: np.ndarray) -> np.ndarray:
    """Per entry, the largest sum of `values` over k allowed judges, at most one per university."""
    order = np.argsort(a.judge_univ, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(a.judge_univ[order]) != 0])
    best = np.maximum.reduceat(np.where(a.allowed, values, -np.inf)[:, order], starts, axis=1)
    top = int(a.k.max())
    part = -np.sort(-np.partition(best, best.shape[1] - top, axis=1)[:, -top:], axis=1)
    return np.take_along_axis(np.cumsum(part, axis=1), (a.k - 1)[:, None], axis=1)[:, 0]


def dual_bound(a: Arrays, x: np.ndarray) -> tuple[float, int]:
    """UB(w) for judge prices w read off the optimal assignment x (see the module docstring);
    returns the bound and the Bellman-Ford rounds used."""
    n, m = x.shape
    cost = np.rint(a.affinity * SCALE)
    load = x.sum(axis=0)
    ucount = np.zeros((n, a.n_univ), dtype=np.int32)
    rows, cols = np.nonzero(x)
    np.add.at(ucount, (rows, a.judge_univ[cols]), 1)
    weights = np.full((m + 1) * (m + 1), np.inf)
    entry_rows = np.split(cols, np.flatnonzero(np.diff(rows)) + 1)
    width = max(len(r) for r in entry_rows)
    assigned = np.full((n, width), -1)
    for e, r in enumerate(entry_rows):
        assigned[e, : len(r)] = r
    open_pairs = a.allowed & ~x
    pe, pj = np.nonzero(open_pairs)
    for s in range(width):
        j = assigned[pe, s]
        ok = (j >= 0) & (ucount[pe, a.judge_univ[pj]] - (a.judge_univ[pj] == a.judge_univ[np.maximum(j, 0)]) == 0)
        # Entry pe keeps judge j rather than take pj: w_j <= w_pj + cost[pe, j] - cost[pe, pj].
        np.minimum.at(weights, pj[ok] * (m + 1) + j[ok], cost[pe[ok], j[ok]] - cost[pe[ok], pj[ok]])
    weights = weights.reshape(m + 1, m + 1)
    z = m
    below_max, above_min = np.flatnonzero(load < a.jmax), np.flatnonzero(load > a.jmin)
    weights[z, below_max] = np.minimum(weights[z, below_max], 0)  # w_j <= 0
    weights[above_min, z] = np.minimum(weights[above_min, z], 0)  # w_j >= 0
    d = np.zeros(m + 1)
    rounds = 0
    while rounds <= m:  # more rounds than nodes would mean a negative cycle: x was not optimal
        rounds += 1
        relaxed = np.minimum(d, (d[:, None] + weights).min(axis=0))
        if np.array_equal(relaxed, d):
            break
        d = relaxed
    w = (d[:m] - d[z]) / SCALE
    constant = float((np.maximum(w, 0) * a.jmax).sum() - (np.maximum(-w, 0) * a.jmin).sum())
    return constant + float(best_per_entry(a, a.affinity - w[None, :]).sum()), rounds


def glop_bound(a: Arrays) -> float:
    """The LP relaxation solved by GLOP (small instances only)."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("GLOP")
    pe, pj = np.nonzero(a.allowed)
    x = [solver.NumVar(0, 1, "") for _ in range(len(pe))]
    by_entry: dict[int, list] = {}
    by_judge: dict[int, list] = {}
    by_group: dict[tuple[int, int], list] = {}
    for i, (e, j) in enumerate(zip(pe.tolist(), pj.tolist(), strict=True)):
        by_entry.setdefault(e, []).append(x[i])
        by_judge.setdefault(j, []).append(x[i])
        by_group.setdefault((e, int(a.judge_univ[j])), []).append(x[i])
    for e, xs in by_entry.items():
        solver.Add(solver.Sum(xs) == int(a.k[e]))
    for j, xs in by_judge.items():
        solver.Add(solver.Sum(xs) >= int(a.jmin[j]))
        solver.Add(solver.Sum(xs) <= int(a.jmax[j]))
    for xs in by_group.values():
        if len(xs) > 1:
            solver.Add(solver.Sum(xs) <= 1)
    solver.Maximize(
        solver.Sum([float(a.affinity[e, j]) * v for e, j, v in zip(pe.tolist(), pj.tolist(), x, strict=True)])
    )
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        raise SystemExit("GLOP: no optimum")
    return float(solver.Objective().Value())


def check(instance: Instance, a: Arrays, pairs: list) -> dict[str, float | int]:
    """Rule by rule, from the instance: violations, coverage, worst entry, load spread."""
    violations: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    per_entry: dict[int, list[int]] = {}
    for e_id, j_id in pairs:
        if (e_id, j_id) in seen:
            violations["duplicate pair"] += 1
            continue
        seen.add((e_id, j_id))
        e, j = a.entry_index.get(e_id), a.judge_index.get(j_id)
        if e is None or j is None:
            violations["unknown id"] += 1
            continue
        if not a.allowed[e, j]:
            violations["pair not allowed"] += 1
        per_entry.setdefault(e, []).append(j)
    covered = 0
    means = []
    for e in range(len(instance.entries)):
        judges = per_entry.get(e, [])
        covered += min(len(judges), int(a.k[e]))
        if len(judges) != a.k[e]:
            violations["wrong judge count"] += 1
        if instance.one_judge_per_university and len({int(a.judge_univ[j]) for j in judges}) < len(judges):
            violations["two judges of one university"] += 1
        means.append(float(a.affinity[e, judges].sum()) / int(a.k[e]))
    load = np.bincount([j for js in per_entry.values() for j in js], minlength=len(instance.judges))
    violations["load outside [min, max]"] += int(((load < a.jmin) | (load > a.jmax)).sum())
    for pin in instance.pins:
        violations["pin dropped"] += tuple(pin) not in seen
    total = float(sum(a.affinity[e, js].sum() for e, js in per_entry.items()))
    return {
        "violations": sum(violations.values()),
        "coverage": covered / int(a.k.sum()),
        "worst_entry": min(means),
        "load_spread": int(load.max() - load.min()),
        "total": total,
    }


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="2,000 entries and 200 judges")
    parser.add_argument("--seed", type=int, default=2027)
    args = parser.parse_args()
    n_entries, n_judges, k = (2000, 200, 5) if args.small else (10_000, 1_000, 5)

    instance, seconds = timed(generate, args.seed, n_entries, n_judges, k)
    print(
        f"instance: {n_entries} entries, {n_judges} judges, k={k}, {len(instance.affinity)} affinities, "
        f"{len(instance.conflicts)} conflicts ({seconds:.1f} s to generate)"
    )

    # Alternate the two timed runs so neither gets a warmer machine.
    reference_times, solver_times = [], []
    for _ in range(3):
        _, seconds = timed(reference, instance)
        reference_times.append(seconds)
        solution, seconds = timed(solve, instance)
        solver_times.append(seconds)
    if solution.status != "optimal":
        raise SystemExit(f"solver: {[m.rendered for m in solution.explanation]}")
    print(
        f"solver: {min(solver_times):.2f} s (runs {', '.join(f'{t:.2f}' for t in solver_times)}); "
        f"plain flow: {min(reference_times):.2f} s (runs {', '.join(f'{t:.2f}' for t in reference_times)})"
    )
    print(f"solver stages: {solution.stages}")

    arrays = Arrays(instance)
    figures = check(instance, arrays, solution.assignment)
    full, seconds = timed(min_cost_assignment, arrays, True)
    (bound, rounds), bound_seconds = timed(dual_bound, arrays, full)
    flow_total = float(arrays.affinity[full].sum())
    print(
        f"LP bound: {bound:.4f} (dual, {rounds} Bellman-Ford rounds, {bound_seconds:.1f} s); "
        f"full-network flow of this script: {flow_total:.4f} ({seconds:.1f} s)"
    )
    result = {
        "entries": n_entries,
        "judges": n_judges,
        "k": k,
        "total_affinity": round(figures["total"], 4),
        "lp_bound": round(bound, 4),
        "affinity_ratio": round(figures["total"] / bound, 7),
        "coverage": figures["coverage"],
        "violations": figures["violations"],
        "worst_entry": round(figures["worst_entry"], 4),
        "load_spread": figures["load_spread"],
        "time_s": round(min(solver_times), 3),
        "reference_time_s": round(min(reference_times), 3),
        "time_ratio": round(min(solver_times) / min(reference_times), 3),
    }
    if args.small:
        result["lp_glop"] = round(glop_bound(arrays), 4)
        print(f"GLOP LP optimum: {result['lp_glop']}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
