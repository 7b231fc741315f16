"""Why an instance has no assignment, in words and numbers.

Each check is a necessary condition of feasibility, so any message it returns proves the instance
infeasible: pins that break a rule, totals, regions, single entries and single judges. When all of them
pass and the flow still finds no assignment, a minimum cut names a set of entries whose eligible judges
cannot take their reviews (or a set of judges whose minimum loads their entries cannot absorb).
"""

from typing import Any

import numpy as np
from ortools.graph.python import max_flow

from judging.assignment.messages import Message, capped, message
from judging.assignment.problem import Problem, Residual, reviewers_available

SAMPLE = 5


def notes(problem: Problem) -> list[Message]:
    """Remarks that do not make the instance infeasible: judges without any eligible entry."""
    idle = np.flatnonzero(~problem.eligible.any(axis=0) & (problem.jmin == 0))
    return capped([message("judge_no_eligible", level="note", judge=problem.judge_ids[j]) for j in idle])


def pin_problems(problem: Problem) -> list[Message]:
    """Pins that break a conflict, university or scope rule, or exceed a count or a load."""
    out: list[Message] = []
    for e, j in problem.pin_pairs.tolist():
        ids: dict[str, Any] = {"entry": problem.entry_ids[e], "judge": problem.judge_ids[j]}
        if problem.conflict[e, j]:
            out.append(message("pin_conflict", **ids))
        elif problem.entry_university[e] == problem.judge_university[j]:
            out.append(
                message("pin_own_university", **ids, university=problem.university_names[problem.entry_university[e]])
            )
        elif not problem.in_scope[e, j]:
            out.append(
                message(
                    "pin_scope",
                    **ids,
                    judge_region=problem.region_name(int(problem.judge_region[j])),
                    entry_region=problem.region_name(int(problem.entry_region[e])),
                    scope=problem.scope,
                )
            )
    per_entry = problem.pins.sum(axis=1)
    for e in np.flatnonzero(per_entry > problem.k):
        out.append(message("pin_over_k", entry=problem.entry_ids[e], pins=int(per_entry[e]), k=int(problem.k[e])))
    if problem.one_per_university:
        rows, cols = np.nonzero(problem.pins)
        keys, counts = np.unique(rows * problem.n_universities + problem.judge_university[cols], return_counts=True)
        for key, count in zip(keys[counts > 1].tolist(), counts[counts > 1].tolist(), strict=True):
            e, u = divmod(key, problem.n_universities)
            out.append(
                message(
                    "pin_same_university",
                    entry=problem.entry_ids[e],
                    count=count,
                    university=problem.university_names[u],
                )
            )
    per_judge = problem.pins.sum(axis=0)
    for j in np.flatnonzero(per_judge > problem.jmax):
        out.append(
            message("pin_over_max", judge=problem.judge_ids[j], pins=int(per_judge[j]), max=int(problem.jmax[j]))
        )
    return capped(out, 20)


def prechecks(problem: Problem, residual: Residual) -> list[Message]:
    """Counting arguments that rule the instance out before any flow is built."""
    out: list[Message] = []
    k, lo, hi, free = residual.k, residual.lo, residual.hi, residual.free
    need, cap, floor = int(problem.k.sum()), int(problem.jmax.sum()), int(problem.jmin.sum())
    if cap < need:
        out.append(message("total_capacity_short", entries=problem.n, need=need, judges=problem.m, cap=cap))
    if floor > need:
        out.append(message("total_min_excess", judges=problem.m, min=floor, entries=problem.n, need=need))

    pinned = problem.pins.sum(axis=1)
    available = reviewers_available(problem, free)
    short_entries = available < k
    regional: list[Message] = []
    reported_regions: set[int] = set()
    codes = np.unique(problem.entry_region)
    # Per region and judge, how many of the region's entries the judge may still take.
    region_of = np.searchsorted(codes, problem.entry_region)
    by_region = np.zeros((len(codes), problem.n), dtype=np.float32)
    by_region[region_of, np.arange(problem.n)] = 1
    region_counts = np.rint(by_region @ free.astype(np.float32)).astype(np.int64)
    for index, code in enumerate(codes.tolist()):
        members = problem.entry_region == code
        region = problem.region_name(code)
        if code >= 0 and members.sum() > 1 and short_entries[members].all() and np.unique(problem.k[members]).size == 1:
            reported_regions.add(code)
            best = int((available[members] + pinned[members]).max())
            regional.append(message("region_few_judges", region=region, k=int(problem.k[members][0]), eligible=best))
            continue
        # Each judge takes an entry at most once, so a judge's share of the region is capped by its entries.
        counts = region_counts[index]
        region_cap = int(np.minimum(hi, counts).sum())
        region_need = int(k[members].sum())
        if region_need > region_cap:
            shift = int(pinned[members].sum())
            judges = int((counts > 0).sum())
            ks = np.unique(problem.k[members])
            params: dict[str, Any] = {"region": region, "entries": int(members.sum()), "need": region_need + shift}
            if ks.size == 1 and shift == 0:
                regional.append(message("region_short", **params, k=int(ks[0]), judges=judges, cap=region_cap))
            else:
                regional.append(message("region_short_mixed", **params, judges=judges, cap=region_cap + shift))
        # Judges who may review only this region must find their minimum loads in it.
        own = (counts > 0) & (counts == region_counts.sum(axis=0))
        if own.any() and int(lo[own].sum()) > region_need:
            regional.append(
                message(
                    "region_min_excess", region=region, judges=int(own.sum()), min=int(lo[own].sum()), need=region_need
                )
            )
    out += regional

    entry_messages = []
    for e in np.flatnonzero(short_entries & ~np.isin(problem.entry_region, list(reported_regions))):
        about: dict[str, Any] = {"entry": problem.entry_ids[e], "k": int(problem.k[e])}
        if problem.one_per_university:
            judges = int(free[e].sum() + pinned[e])
            entry_messages.append(
                message("entry_few_universities", **about, eligible=judges, universities=int(available[e] + pinned[e]))
            )
        else:
            entry_messages.append(message("entry_few_judges", **about, eligible=int(available[e] + pinned[e])))
    out += capped(entry_messages)

    judge_open = free.sum(axis=0)
    judge_messages = [
        message(
            "judge_min_unreachable",
            judge=problem.judge_ids[j],
            min=int(problem.jmin[j]),
            eligible=int(judge_open[j] + residual.pinned_load[j]),
        )
        for j in np.flatnonzero(lo > judge_open)
    ]
    out += capped(judge_messages)
    return out


def _network(problem: Problem, residual: Residual) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Arcs entry -> (entry, university) -> judge with capacity 1; nodes are entries, judges, groups."""
    n, m = problem.n, problem.m
    pe, pj = np.nonzero(residual.free)
    if not problem.one_per_university:
        return pe, n + pj, np.zeros((0, 2), dtype=np.int64), n + m
    keys, inverse = np.unique(pe * problem.n_universities + problem.judge_university[pj], return_inverse=True)
    group_nodes = n + m + np.arange(len(keys))
    groups = np.stack([keys // problem.n_universities, group_nodes], axis=1)
    return group_nodes[inverse], n + pj, groups, n + m + len(keys)


def _sample(names: list[str]) -> str:
    return ", ".join(names[:SAMPLE]) + (", ..." if len(names) > SAMPLE else "")


def cut_explanations(problem: Problem, residual: Residual) -> list[Message]:
    """Hall-type witnesses from minimum cuts: entries whose judges lack capacity, or judges whose
    minimum loads cannot be absorbed; a last message if each side alone can be met."""
    n, m = problem.n, problem.m
    middle_tails, middle_heads, groups, nodes = _network(problem, residual)
    source, sink = nodes, nodes + 1
    k, lo, hi = residual.k, residual.lo, residual.hi
    out: list[Message] = []

    # Entries' side: every entry gets k, judges take at most their maximum.
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(np.full(n, source), np.arange(n), k)
    flow.add_arcs_with_capacity(groups[:, 0], groups[:, 1], np.ones(len(groups), dtype=np.int64))
    flow.add_arcs_with_capacity(middle_tails, middle_heads, np.ones(len(middle_tails), dtype=np.int64))
    flow.add_arcs_with_capacity(n + np.arange(m), np.full(m, sink), np.maximum(hi, 0))
    flow.solve(source, sink)
    need = int(k.sum())
    if flow.optimal_flow() < need:
        side = np.array(flow.get_source_side_min_cut(), dtype=np.int64)
        entries = side[side < n]
        entries_need = int(k[entries].sum())
        cap = int(flow.optimal_flow()) - (need - entries_need)
        judges = int(residual.free[entries].any(axis=0).sum())
        out.append(
            message(
                "group_short",
                entries=len(entries),
                sample=_sample([problem.entry_ids[e] for e in entries]),
                need=entries_need,
                judges=judges,
                cap=cap,
            )
        )

    # Judges' side: every judge gets their minimum, entries take at most k.
    flow = max_flow.SimpleMaxFlow()
    flow.add_arcs_with_capacity(np.full(m, source), n + np.arange(m), lo)
    flow.add_arcs_with_capacity(middle_heads, middle_tails, np.ones(len(middle_tails), dtype=np.int64))
    flow.add_arcs_with_capacity(groups[:, 1], groups[:, 0], np.ones(len(groups), dtype=np.int64))
    flow.add_arcs_with_capacity(np.arange(n), np.full(n, sink), k)
    flow.solve(source, sink)
    floor = int(lo.sum())
    if flow.optimal_flow() < floor:
        side = np.array(flow.get_source_side_min_cut(), dtype=np.int64)
        short_judges = side[(side >= n) & (side < n + m)] - n
        judges_min = int(lo[short_judges].sum())
        cap = int(flow.optimal_flow()) - (floor - judges_min)
        out.append(
            message(
                "group_min_excess",
                judges=len(short_judges),
                sample=_sample([problem.judge_ids[j] for j in short_judges]),
                min=judges_min,
                cap=cap,
            )
        )
    if not out:
        out.append(message("infeasible_combined"))
    return out
