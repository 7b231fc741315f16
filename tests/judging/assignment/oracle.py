"""Independent references for the assignment solver's tests: the rules checked pair by pair, a brute
force optimum, the LP relaxation solved by GLOP, and random small instances."""

import itertools
from collections import Counter

import msgspec
from hypothesis import strategies as st
from ortools.linear_solver import pywraplp

from judging.assignment import Entry, Instance, Judge


def allowed(instance: Instance, entry: Entry, judge: Judge) -> bool:
    """The pair rules: scope, own university, declared conflicts."""
    if entry.university == judge.university or [entry.id, judge.id] in [list(c) for c in instance.conflicts]:
        return False
    if instance.scope == "region":
        return judge.region is None or judge.region == entry.region
    if instance.scope == "other_regions":
        return judge.region is None or judge.region != entry.region
    return True


def k_of(instance: Instance, entry: Entry, calibration: dict[str, int] | None = None) -> int:
    if calibration and entry.id in calibration:
        return calibration[entry.id]
    return entry.k if entry.k is not None else instance.k


def violations(instance: Instance, assignment: list, calibration: dict[str, int] | None = None) -> list[str]:
    """Every broken rule of `assignment`, in words."""
    entries = {e.id: e for e in instance.entries}
    judges = {j.id: j for j in instance.judges}
    out = []
    pairs = [tuple(p) for p in assignment]
    if len(set(pairs)) != len(pairs):
        out.append("duplicate pair")
    per_entry: dict[str, list[str]] = {e: [] for e in entries}
    load: Counter[str] = Counter()
    for e, j in pairs:
        if e not in entries or j not in judges:
            out.append(f"unknown pair {e} {j}")
            continue
        per_entry[e].append(j)
        load[j] += 1
        if not allowed(instance, entries[e], judges[j]):
            out.append(f"pair {e} {j} not allowed")
    for e, js in per_entry.items():
        if len(js) != k_of(instance, entries[e], calibration):
            out.append(f"entry {e} has {len(js)} judges")
        if instance.one_judge_per_university:
            universities = Counter(judges[j].university for j in js)
            if universities and max(universities.values()) > 1:
                out.append(f"entry {e} has two judges of one university")
    for j, judge in judges.items():
        if load[j] < judge.min or (judge.max is not None and load[j] > judge.max):
            out.append(f"judge {j} load {load[j]}")
    for pin in instance.pins:
        if tuple(pin) not in set(pairs):
            out.append(f"pin {pin} dropped")
    return out


def affinity_of(instance: Instance) -> dict[tuple[str, str], float]:
    return {(e, j): a for e, j, a in instance.affinity}


def assignments(instance: Instance, k: dict[str, int] | None = None):
    """Every assignment obeying the rules, as (total affinity, set of pairs); `k` overrides counts."""
    aff = affinity_of(instance)
    pins = {tuple(p) for p in instance.pins}
    choices = []
    for entry in instance.entries:
        ok = [j for j in instance.judges if allowed(instance, entry, j)]
        options = []
        for combo in itertools.combinations(ok, (k or {}).get(entry.id, k_of(instance, entry))):
            ids = {j.id for j in combo}
            if any(e == entry.id and j not in ids for e, j in pins):
                continue
            if instance.one_judge_per_university and len({j.university for j in combo}) < len(combo):
                continue
            options.append((sum(aff.get((entry.id, j.id), 0.0) for j in combo), [(entry.id, j.id) for j in combo]))
        choices.append(options)
    for pick in itertools.product(*choices):
        load = Counter(j for _, pairs in pick for _, j in pairs)
        if all(j.min <= load[j.id] <= (j.max if j.max is not None else 10**9) for j in instance.judges):
            yield sum(value for value, _ in pick), {pair for _, pairs in pick for pair in pairs}


def brute_force(instance: Instance) -> float | None:
    """The best total affinity over every assignment obeying the rules, or None if there is none."""
    return max((total for total, _ in assignments(instance)), default=None)


def lp_optimum(instance: Instance) -> float | None:
    """The LP relaxation's optimum (GLOP), or None if even the relaxation is infeasible."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    aff = affinity_of(instance)
    x = {}
    for entry in instance.entries:
        for judge in instance.judges:
            if allowed(instance, entry, judge):
                lower = 1.0 if (entry.id, judge.id) in {tuple(p) for p in instance.pins} else 0.0
                x[entry.id, judge.id] = solver.NumVar(lower, 1.0, "")
    for pin in instance.pins:
        if tuple(pin) not in x:
            return None
    for entry in instance.entries:
        row = [v for (e, _), v in x.items() if e == entry.id]
        solver.Add(sum(row) == k_of(instance, entry))
        if instance.one_judge_per_university:
            by_university: dict[str, list] = {}
            for (e, j), v in x.items():
                if e == entry.id:
                    by_university.setdefault(next(u.university for u in instance.judges if u.id == j), []).append(v)
            for group in by_university.values():
                solver.Add(sum(group) <= 1)
    for judge in instance.judges:
        column = [v for (_, j), v in x.items() if j == judge.id]
        solver.Add(sum(column) >= judge.min)
        if judge.max is not None:
            solver.Add(sum(column) <= judge.max)
    solver.Maximize(sum(aff.get(key, 0.0) * v for key, v in x.items()))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return solver.Objective().Value()


@st.composite
def small_instances(
    draw, max_entries: int = 4, max_judges: int = 5, max_k: int = 2, pins: bool = True, loose: bool = False
) -> Instance:
    """Random small instances, many of them infeasible (few universities and regions, tight loads);
    `loose` makes most of them feasible (no minimum loads, room to spare)."""
    regions = ["华东", "华北"]
    loose_scope = st.sampled_from(["national", "other_regions"])
    n = draw(st.integers(1, max_entries))
    m = draw(st.integers(1, max_judges))
    k = draw(st.integers(1, max_k))
    universities = [f"u{i}" for i in range(draw(st.integers(2, 5)))]
    entries = [
        Entry(id=f"t{i}", university=draw(st.sampled_from(universities)), region=draw(st.sampled_from(regions)))
        for i in range(n)
    ]
    judges = []
    for i in range(m):
        low = 0 if loose else draw(st.sampled_from([0, 0, 0, 1, 2]))
        judges.append(
            Judge(
                id=f"j{i}",
                university=draw(st.sampled_from(universities)),
                region=draw(st.sampled_from([*regions, None])),
                min=low,
                max=low
                + draw(st.integers(max_entries // 2, max_entries) if loose else st.integers(0, 4) | st.integers(2, 5)),
            )
        )
    pairs = [(e.id, j.id) for e in entries for j in judges]
    # Rounded: GLOP (the LP oracle) treats coefficients like 1e-106 as invalid; brute force does not.
    values = st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.8, 1.0]) | st.floats(-1, 1).map(lambda v: round(v, 6))
    affinity = [(e, j, draw(values)) for e, j in pairs if draw(st.booleans())]
    conflicts = [pair for pair in pairs if draw(st.integers(0, 9)) == 0]
    instance = Instance(
        k=k,
        entries=entries,
        judges=judges,
        scope=draw(loose_scope if loose else st.sampled_from(["region", "national", "other_regions"])),
        affinity=affinity,
        conflicts=conflicts,
        one_judge_per_university=draw(st.booleans()),
    )
    if not pins:
        return instance
    # Mostly pins that obey the pair rules, sometimes one that does not.
    by_id = {j.id: j for j in judges}
    fair = [(e.id, j) for e in entries for j in by_id if allowed(instance, e, by_id[j])]
    pinned = [pair for pair in fair if draw(st.integers(0, 7)) == 0]
    if pairs and draw(st.integers(0, 5)) == 0:
        pinned.append(draw(st.sampled_from(pairs)))
    return msgspec.structs.replace(instance, pins=list(dict.fromkeys(pinned)))
