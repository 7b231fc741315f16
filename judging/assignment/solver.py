"""The judge-assignment solver: one min-cost flow, then two cheap passes.

Network: source supply -> entry (k) -> [entry x university node, capacity 1] -> judge -> sink.
Pins are placed first (they lower the entry's k and the judge's range, and close the pinned judge's
university for that entry). Judges' minimum loads are lower bounds on the judge -> sink arcs, handled by
the standard transformation: each judge node demands its minimum, the sink the rest; OR-Tools then
either routes every supply (a feasible assignment exists) or reports infeasible, which is the proof.

What each stage guarantees:
1. Hard rules: the flow is integral, so every entry gets exactly k eligible judges, loads lie in
   [min, max], at most one judge per university (the entry x university node), pins kept.
2. Total affinity: costs are affinities scaled to integers (resolution max|a| / 2^23). University
   nodes are added lazily: the first flow has them only where two judges of one university are
   among an entry's best few, so it is a relaxation of the full network (whose LP relaxation is
   integral) and its objective bounds the optimum. If it breaks the university rule for a few entries,
   those entries alone are re-solved with every node; if that loses more than the tolerance, violated
   universities get their nodes and the flow runs again, until its optimum obeys the rule (then it is
   optimal for the full network). The returned `affinity_bound` is certified: the relaxation's
   objective + the most the load term could have cost + rounding; total_affinity >= (1 - 1e-4) * bound.
3. Load evenness: the judge -> sink arcs carry an increasing (convex) cost per unit of load, so among
   assignments of equal scaled affinity the flow takes the most even loads (least sum of squares);
   if this term ever costs more than the tolerance, the flow is solved again without it.
4. Worst-off entry: a bounded pass of exchanges (improve.raise_worst) raises the lowest mean entry
   affinity without lowering it anywhere below the old minimum, spending at most what is left of
   90% of the 1e-4 tolerance: total affinity stays within 0.01% of the bound. It is a local
   improvement, not a proven max-min optimum.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from judging.assignment import explain, improve
from judging.assignment.messages import Message
from judging.assignment.model import Instance, Solution, Stages, WorstEntry, decode_instance
from judging.assignment.problem import Problem, Residual, prepare

TOLERANCE = 1e-4  # relative distance to the LP bound allowed for the secondary objectives
COST_SPAN = 1 << 23  # largest scaled affinity
FINE_SPAN = 1 << 60  # bound on (largest scaled affinity) x (nodes or reviews) for the finest flow
KEEP_SPAN = 1 << 10  # affinity resolution when kept pairs come first (incremental reassignment)
LOAD_WEIGHT = 1  # cost per unit of load per unit of load level
LAZY_ROUNDS = 3  # flows with lazily added university nodes before all are added
TINY = 1e-200  # affinities all below this in size count as zero


def solve(instance: Instance | Mapping[str, Any]) -> Solution:
    """Assign judges to the entries of `instance` (or explain why it cannot be done).

    Raises InstanceError for a malformed instance (unknown or duplicate ids, bad values)."""
    if not isinstance(instance, Instance):
        instance = decode_instance(instance)
    return solve_problem(prepare(instance))


@dataclass
class _Flow:
    chosen: np.ndarray  # (entries, judges) bool, the pairs the flow chose besides the pins
    # The certificate, from a flow that is a relaxation of the full network (the lazy one):
    scaled: int  # its chosen pairs' scaled affinities, summed
    load_cost: int  # what its load term cost
    load_top: int  # the most the load term could cost for the same flow
    scale: float
    span: float  # largest |affinity| of a free pair
    rounding: float  # largest |affinity * scale - scaled affinity| over the free pairs
    rounds: int
    university_nodes: int


@dataclass
class _Network:
    """The flow's pair arcs: (entry, judge) index arrays in entry order, their scaled affinities and
    costs, and each pair's entry x university key (None without the university rule)."""

    pe: np.ndarray
    pj: np.ndarray
    scaled: np.ndarray
    cost: np.ndarray
    scale: float
    span: float
    rounding: float
    university_key: np.ndarray | None


def solve_problem(problem: Problem, *, keep: np.ndarray | None = None, improve_worst: bool = True) -> Solution:
    """Solve an instance already in index form.

    keep: pairs to keep if at all possible (incremental reassignment): the flow first maximises how many
    of them stay, then affinity at a coarser resolution; no bound is certified then.
    """
    remarks = explain.notes(problem)
    errors = explain.pin_problems(problem)
    if errors:
        return _infeasible(errors + remarks)
    residual = Residual.of(problem)
    errors = explain.prechecks(problem, residual)
    if errors:
        return _infeasible(errors + remarks)

    pinned_total = float(problem.affinity[problem.pins].sum())
    stages = Stages()
    bound = None
    # Cheapest first: a repaired relaxation with the load term; then the exact lazy flow; then the
    # exact flow without the load term and with the finest cost resolution OR-Tools allows, in case
    # the load term or rounding cost more than the tolerance (affinities summing to nearly 0).
    attempts = (
        [(0, False, KEEP_SPAN)]
        if keep is not None
        else [(LOAD_WEIGHT, True, COST_SPAN), (LOAD_WEIGHT, False, COST_SPAN), (0, False, 0)]
    )
    for weight, repair, resolution in attempts:
        flow = _optimise(problem, residual, keep, weight, repair, resolution)
        if flow is None:
            return _infeasible(explain.cut_explanations(problem, residual) + remarks)
        stages.flow_rounds += flow.rounds
        stages.university_nodes = flow.university_nodes
        stages.load_weight = weight
        total = float(problem.affinity[flow.chosen].sum()) + pinned_total
        if keep is not None:
            break
        bound = _bound(flow, weight) + pinned_total
        stages.affinity_gap = bound - total
        if bound - total <= TOLERANCE * abs(bound):
            break
    assert flow is not None
    assigned = flow.chosen | problem.pins

    if improve_worst and bound is not None:
        # A tenth of the tolerance stays unspent, so float sums never take the total below its target.
        budget = max(0.9 * TOLERANCE * abs(bound) - (bound - total), 0.0)
        stages.worst_off_moves, spent = improve.raise_worst(problem, assigned, budget, 100 + problem.n // 10)
        stages.affinity_spent = spent
    if problem.connected:
        stages.connect_moves, _, connect_notes = improve.connect(problem, assigned)
        remarks += connect_notes
    return _solution(problem, assigned, bound, stages, remarks)


def _network(problem: Problem, residual: Residual, keep: np.ndarray | None, resolution: int) -> _Network:
    """Pairs and costs; `resolution` is the largest scaled affinity, 0 for the finest that cannot
    overflow OR-Tools' int64 arithmetic (costs times nodes, and times reviews)."""
    pe, pj = np.nonzero(residual.free)
    values = problem.affinity[pe, pj]
    span = float(np.abs(values).max()) if len(values) else 0.0
    if span < TINY:
        span = 0.0  # treated as all zero: scaling such values would overflow
    if not resolution:
        nodes = problem.n + problem.m + 2 + len(pe)
        resolution = FINE_SPAN // max(nodes, int(residual.k.sum()), 1)
    scale = resolution / span if span > 0 else 1.0
    scaled = np.rint(values * scale).astype(np.int64) if span > 0 else np.zeros(len(values), dtype=np.int64)
    cost = -scaled
    if keep is not None:
        # Each kept pair is worth more than any spread of affinity over all the flow's pairs, so the
        # flow keeps as many as it can before it looks at affinity.
        bonus = int(residual.k.sum()) * int(scaled.max() - scaled.min() + 1) + 1 if len(scaled) else 1
        cost = cost - bonus * keep[pe, pj].astype(np.int64)
    rounding = float(np.abs(values * scale - scaled).max()) if len(values) and span > 0 else 0.0
    key = pe * problem.n_universities + problem.judge_university[pj] if problem.one_per_university else None
    return _Network(pe, pj, scaled, cost, scale, span, rounding, key)


def _optimise(
    problem: Problem, residual: Residual, keep: np.ndarray | None, weight: int, repair: bool, resolution: int
) -> _Flow | None:
    """The min-cost flow with university nodes added lazily; None when no assignment exists.

    The first flow has university nodes only where they are likely to matter. If it breaks the rule for
    a few entries and `repair` is set, those entries alone are solved again with every university node
    (the others keep their judges): the first flow still certifies the bound. Otherwise the violated
    universities get their nodes and the flow runs again (after LAZY_ROUNDS, with every node)."""
    n, m = problem.n, problem.m
    net = _network(problem, residual, keep, resolution)
    need = int(residual.k.sum())
    supplies = np.concatenate([residual.k, -residual.lo, [-(need - int(residual.lo.sum()))]])
    room = np.maximum(np.minimum(residual.hi, np.bincount(net.pj, minlength=m)) - residual.lo, 0)
    mean_load = -(-int(problem.k.sum()) // max(m, 1))
    load_arcs = _load_arcs(n, residual.pinned_load + residual.lo, room, weight, mean_load)
    selected = _likely_groups(residual, net) if net.university_key is not None else None

    for round_number in range(1, LAZY_ROUNDS + 2):
        solved = _flow_once(
            n, m, problem.n_universities, net.pe, net.pj, net.cost, net.university_key, selected, supplies, load_arcs
        )
        if solved is None:
            return None
        on_pairs, load_flow, groups = solved
        bad = _violations(net.university_key, on_pairs)
        rounds = round_number
        if bad.size and repair and round_number == 1:
            fixed = _repair(problem, residual, net, on_pairs, bad, weight, mean_load)
            if fixed is not None:
                on_pairs, bad, rounds = fixed, bad[:0], 2
        if bad.size == 0:
            chosen = np.zeros((n, m), dtype=bool)
            chosen[net.pe[on_pairs], net.pj[on_pairs]] = True
            return _Flow(
                chosen=chosen,
                scaled=int(net.scaled[solved[0]].sum()),
                load_cost=int((load_flow * load_arcs[2]).sum()),
                load_top=_top_units(load_arcs[1], load_arcs[2], int(load_flow.sum())),
                scale=net.scale,
                span=net.span,
                rounding=net.rounding,
                rounds=rounds,
                university_nodes=groups,
            )
        assert net.university_key is not None and selected is not None
        if round_number >= LAZY_ROUNDS:
            selected[:] = True
        else:
            # Broadly: a violated university tends to be one with many judges, wanted by other entries too.
            universities = problem.n_universities
            selected |= np.isin(net.pe, bad // universities) | np.isin(
                net.university_key % universities, bad % universities
            )
    raise AssertionError("the flow with every university node obeys the university rule")


def _repair(
    problem: Problem,
    residual: Residual,
    net: _Network,
    on_pairs: np.ndarray,
    bad: np.ndarray,
    weight: int,
    mean_load: int,
) -> np.ndarray | None:
    """Re-solve only the entries whose judges broke the university rule, with every university node,
    the other entries keeping their judges; the pairs used, or None if those entries cannot be served."""
    m, universities = problem.m, problem.n_universities
    entries = np.unique(bad // universities)
    inside = np.isin(net.pe, entries)
    fixed = np.bincount(net.pj[on_pairs & ~inside], minlength=m)
    lo = np.maximum(residual.lo - fixed, 0)
    hi = residual.hi - fixed
    k = residual.k[entries]
    if lo.sum() > k.sum():
        return None
    sub_e = np.searchsorted(entries, net.pe[inside])
    sub_j = net.pj[inside]
    supplies = np.concatenate([k, -lo, [-(int(k.sum()) - int(lo.sum()))]])
    room = np.maximum(np.minimum(hi, np.bincount(sub_j, minlength=m)) - lo, 0)
    arcs = _load_arcs(len(entries), residual.pinned_load + fixed + lo, room, weight, mean_load)
    key = sub_e * universities + problem.judge_university[sub_j]
    everything = np.ones(len(sub_e), dtype=bool)
    solved = _flow_once(len(entries), m, universities, sub_e, sub_j, net.cost[inside], key, everything, supplies, arcs)
    if solved is None:
        return None
    repaired = on_pairs & ~inside
    repaired[np.flatnonzero(inside)[solved[0]]] = True
    return repaired


def _likely_groups(residual: Residual, net: _Network) -> np.ndarray:
    """Pairs whose university gets a node in the first flow: those among an entry's best few judges
    (8k + 8 by affinity: under tight loads entries reach well below their first choices), and every pair
    of an entry needing more judges than usual."""
    needed = residual.k[residual.k > 0]
    typical = int(np.median(needed)) if needed.size else 1
    top = 8 * typical + 8
    n = len(residual.k)
    counts = np.bincount(net.pe, minlength=n)
    width = int(counts.max()) if n else 0
    if top >= width:
        return np.ones(len(net.pe), dtype=bool)
    # Each entry's pairs side by side (pairs come in entry order), to find its top-th best affinity.
    column = np.arange(len(net.pe)) - (np.cumsum(counts) - counts)[net.pe]
    table = np.full((n, width), np.iinfo(np.int64).min, dtype=np.int64)
    table[net.pe, column] = net.scaled
    threshold = np.partition(table, width - top, axis=1)[:, width - top]
    return np.asarray((net.scaled >= threshold[net.pe]) | (residual.k[net.pe] > typical))


def _violations(university_key: np.ndarray | None, on_pairs: np.ndarray) -> np.ndarray:
    """The (entry, university) keys that got two judges or more."""
    if university_key is None:
        return np.zeros(0, dtype=np.int64)
    keys, counts = np.unique(university_key[on_pairs], return_counts=True)
    return np.asarray(keys[counts > 1])


def _load_arcs(
    first_judge: int, start: np.ndarray, room: np.ndarray, weight: int, mean_load: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Judge -> sink arcs beyond each judge's forced load `start`, `room` units in all: one unit arc per
    load level with cost weight x level (convex), up to twice the mean load, then one arc for the rest
    at the last level's cost. Without weight, one free arc per judge."""
    m = len(start)
    judges = first_judge + np.arange(m)
    if weight == 0:
        return judges, room, np.zeros(m, dtype=np.int64)
    units = np.clip(2 * mean_load + 2 - start, 0, room)
    unit_tails = np.repeat(judges, units)
    offsets = np.arange(units.sum()) - np.repeat(np.cumsum(units) - units, units)
    unit_costs = weight * (np.repeat(start, units) + offsets + 1)
    rest = room - units
    tail = rest > 0
    return (
        np.concatenate([unit_tails, judges[tail]]),
        np.concatenate([np.ones(len(unit_tails), dtype=np.int64), rest[tail]]),
        np.concatenate([unit_costs, weight * (start[tail] + units[tail] + 1)]).astype(np.int64),
    )


def _top_units(caps: np.ndarray, costs: np.ndarray, units: int) -> int:
    """The largest total cost `units` units of flow could have on these arcs."""
    order = np.argsort(-costs, kind="stable")
    taken = np.minimum(caps[order], np.maximum(units - (np.cumsum(caps[order]) - caps[order]), 0))
    return int((taken * costs[order]).sum())


def _flow_once(
    n: int,
    m: int,
    n_universities: int,
    pe: np.ndarray,
    pj: np.ndarray,
    cost: np.ndarray,
    university_key: np.ndarray | None,
    selected: np.ndarray | None,
    supplies: np.ndarray,
    load_arcs: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """One min-cost flow; returns (pairs used, flow on the load arcs, university nodes) or None if
    infeasible."""
    flow = min_cost_flow.SimpleMinCostFlow()
    sink = n + m
    tails = pe.copy()
    groups = 0
    if university_key is not None and selected is not None:
        rows = np.flatnonzero(selected)
        keys, inverse, counts = np.unique(university_key[rows], return_inverse=True, return_counts=True)
        multi = counts >= 2
        groups = int(multi.sum())
        node_of = np.full(len(keys), -1, dtype=np.int64)
        node_of[multi] = sink + 1 + np.arange(groups)
        nodes = node_of[inverse]
        tails[rows[nodes >= 0]] = nodes[nodes >= 0]
        ones, zeros = np.ones(groups, dtype=np.int64), np.zeros(groups, dtype=np.int64)
        flow.add_arcs_with_capacity_and_unit_cost(keys[multi] // n_universities, node_of[multi], ones, zeros)
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, n + pj, np.ones(len(pe), dtype=np.int64), cost)
    load_tails, load_caps, load_costs = load_arcs
    load_ids = flow.add_arcs_with_capacity_and_unit_cost(
        load_tails, np.full(len(load_tails), sink), load_caps, load_costs
    )
    flow.set_nodes_supplies(np.arange(n + m + 1), supplies)
    status = flow.solve()
    if status == flow.INFEASIBLE:
        return None
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return flow.flows(pair_arcs) > 0, flow.flows(load_ids), groups


def _bound(flow: _Flow, weight: int) -> float:
    """Certified upper bound on the LP relaxation's total affinity of the pairs besides the pins.

    For any fractional assignment x of the network (a superset of the lazy network's constraints is a
    subset of its solutions), optimality of the flow gives scaled(x) <= flow.scaled + load(x) - load(flow)
    <= flow.scaled + load_top - load_cost; unscaling adds at most `rounding` per pair."""
    if flow.span == 0:
        return 0.0  # every free pair has affinity 0
    pairs = int(flow.chosen.sum())
    slack = flow.load_top - flow.load_cost if weight else 0
    free_bound = (flow.scaled + slack + pairs * flow.rounding) / flow.scale
    return float(free_bound)


def _infeasible(explanation: list[Message]) -> Solution:
    return Solution(status="infeasible", assignment=[], total_affinity=0.0, explanation=explanation)


def _solution(
    problem: Problem, assigned: np.ndarray, bound: float | None, stages: Stages, remarks: list[Message]
) -> Solution:
    rows, cols = np.nonzero(assigned)
    load = np.bincount(cols, minlength=problem.m)
    per_entry = np.bincount(rows, weights=problem.affinity[rows, cols], minlength=problem.n)
    reviewed = np.flatnonzero(problem.k > 0)
    worst = None
    if reviewed.size:
        means = per_entry[reviewed] / problem.k[reviewed]
        w = int(np.argmin(means))
        worst = WorstEntry(entry=problem.entry_ids[reviewed[w]], affinity=float(means[w]))
    open_judges = problem.eligible.any(axis=0)
    spread = int(load[open_judges].max() - load[open_judges].min()) if open_judges.any() else 0
    return Solution(
        status="optimal",
        assignment=[
            (problem.entry_ids[e], problem.judge_ids[j]) for e, j in zip(rows.tolist(), cols.tolist(), strict=True)
        ],
        total_affinity=float(per_entry.sum()),
        explanation=remarks,
        affinity_bound=bound,
        worst_entry=worst,
        loads=dict(zip(problem.judge_ids, load.tolist(), strict=True)),
        load_spread=spread,
        components=improve.components(problem, assigned),
        calibration={problem.entry_ids[e]: int(problem.k[e]) for e in problem.calibration.tolist()},
        stages=stages,
    )
