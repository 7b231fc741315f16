"""The solver against brute force and the LP relaxation, its rules on random instances, and its
explanations, secondary objectives and options on small hand-made instances."""

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings

from judging.assignment import Entry, Instance, Judge, solve
from judging.assignment import solver as solver_module
from judging.assignment.problem import prepare
from judging.assignment.solver import TOLERANCE, solve_problem
from tests.judging.assignment.oracle import brute_force, lp_optimum, small_instances, violations

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


def ids(solution) -> list[str]:
    return [m.id for m in solution.explanation]


def pair_total(instance: Instance, assignment) -> float:
    affinity = {(e, j): a for e, j, a in instance.affinity}
    return sum(affinity.get(tuple(p), 0.0) for p in assignment)


@SETTINGS
@given(small_instances())
def test_brute_force_agrees_on_feasibility_and_optimum(instance: Instance) -> None:
    solution = solve(instance)
    best = brute_force(instance)
    if best is None:
        assert solution.status == "infeasible"
        assert solution.assignment == []
        assert any(m.level == "error" for m in solution.explanation)
        return
    assert solution.status == "optimal"
    assert violations(instance, solution.assignment) == []
    assert solution.total_affinity == pytest.approx(pair_total(instance, solution.assignment), abs=1e-9)
    assert solution.total_affinity <= best + 1e-9
    assert solution.affinity_bound is not None and solution.affinity_bound >= best - 1e-9
    assert solution.total_affinity >= solution.affinity_bound - TOLERANCE * abs(solution.affinity_bound) - 1e-9


@SETTINGS
@given(small_instances(max_entries=4, max_judges=5, loose=True))
def test_mostly_feasible_instances_reach_the_brute_force_optimum(instance: Instance) -> None:
    solution = solve(instance)
    best = brute_force(instance)
    assert (solution.status == "optimal") == (best is not None)
    if best is not None:
        assert violations(instance, solution.assignment) == []
        assert solution.total_affinity >= best - TOLERANCE * abs(solution.affinity_bound) - 1e-9


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_instances(max_entries=12, max_judges=9, max_k=3, loose=True))
def test_lp_relaxation_bounds_and_is_reached(instance: Instance) -> None:
    solution = solve(instance)
    lp = lp_optimum(instance)
    # The network's LP is integral: the relaxation is feasible exactly when an assignment exists.
    assert (solution.status == "optimal") == (lp is not None)
    if lp is None:
        return
    assert violations(instance, solution.assignment) == []
    assert solution.affinity_bound >= lp - 1e-6
    assert solution.total_affinity >= lp - TOLERANCE * abs(lp) - 1e-6
    assert solution.total_affinity <= lp + 1e-6


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_instances(max_entries=12, max_judges=9, max_k=3, loose=True))
def test_worst_off_pass_never_lowers_the_minimum_nor_leaves_the_tolerance(instance: Instance) -> None:
    problem = prepare(instance)
    plain = solve_problem(problem, improve_worst=False)
    improved = solve_problem(prepare(instance))
    if plain.status != "optimal":
        return
    assert violations(instance, improved.assignment) == []
    assert improved.worst_entry.affinity >= plain.worst_entry.affinity - 1e-12
    bound = improved.affinity_bound
    assert improved.total_affinity >= bound - TOLERANCE * abs(bound) - 1e-9


def region_instance(**changes) -> Instance:
    """华东: 120 entries x 3 judges, 9 regional judges of at most 30 each; 华北 is fine."""
    entries = [Entry(id=f"t{i}", university=f"u{i % 40}", region="华东") for i in range(120)]
    entries += [Entry(id=f"n{i}", university="north", region="华北") for i in range(3)]
    judges = [Judge(id=f"j{i}", university=f"ju{i}", region="华东", max=30) for i in range(9)]
    judges += [Judge(id=f"h{i}", university=f"hu{i}", region="华北", max=3) for i in range(3)]
    values = {"k": 3, "entries": entries, "judges": judges, "scope": "region"} | changes
    return Instance(**values)


def test_region_short_of_capacity_is_explained_with_numbers() -> None:
    solution = solve(region_instance())
    assert solution.status == "infeasible"
    short = [m for m in solution.explanation if m.id == "region_short"]
    assert len(short) == 1
    assert short[0].params == {"region": "华东", "entries": 120, "k": 3, "need": 360, "judges": 9, "cap": 270}
    assert short[0].rendered == "华东: 120 entries x 3 judges = 360 reviews, its 9 eligible judges can take at most 270"


def test_national_judges_count_in_a_region_and_make_it_feasible() -> None:
    extra = [Judge(id=f"nat{i}", university=f"nu{i}", region=None, max=30) for i in range(3)]
    base = region_instance()
    instance = msgspec.structs.replace(base, judges=base.judges + extra)
    solution = solve(instance)
    assert solution.status == "optimal"
    assert violations(instance, solution.assignment) == []
    # Regional judges of 华北 never review 华东 entries.
    assert not any(j.startswith("h") and e.startswith("t") for e, j in solution.assignment)


def test_entry_with_too_few_eligible_judges() -> None:
    entries = [Entry(id="t17", university="u1", region="r"), Entry(id="t18", university="u2", region="r")]
    judges = [Judge(id=f"j{i}", university=f"v{i}", max=5) for i in range(4)]
    instance = Instance(k=3, entries=entries, judges=judges, scope="national", conflicts=[("t17", "j0"), ("t17", "j1")])
    solution = solve(instance)
    assert ids(solution) == ["entry_few_universities"]
    assert solution.explanation[0].params == {"entry": "t17", "k": 3, "eligible": 2, "universities": 2}
    plain = solve(msgspec.structs.replace(instance, one_judge_per_university=False))
    assert plain.explanation[0].rendered == "Entry t17 has 2 eligible judges, needs 3"


def test_one_judge_per_university_counts_universities_not_judges() -> None:
    entries = [Entry(id="t1", university="u1")]
    judges = [Judge(id=f"j{i}", university="same", max=1) for i in range(3)]
    instance = Instance(k=2, entries=entries, judges=judges, scope="national")
    assert ids(solve(instance)) == ["entry_few_universities"]
    relaxed = solve(msgspec.structs.replace(instance, one_judge_per_university=False))
    assert relaxed.status == "optimal" and len(relaxed.assignment) == 2


def test_k_larger_than_a_regions_judges_is_one_message_for_the_region() -> None:
    entries = [Entry(id=f"t{i}", university=f"u{i}", region="西北") for i in range(30)]
    judges = [Judge(id=f"j{i}", university=f"v{i}", region="西北", max=30) for i in range(2)]
    solution = solve(Instance(k=3, entries=entries, judges=judges, scope="region"))
    assert ids(solution) == ["total_capacity_short", "region_few_judges"]
    assert solution.explanation[1].params == {"region": "西北", "k": 3, "eligible": 2}


def test_judge_whose_minimum_cannot_be_met_and_idle_judge_note() -> None:
    entries = [Entry(id=f"t{i}", university=f"u{i}", region="华东") for i in range(3)]
    judges = [
        Judge(id="busy", university="v1", region="华东", min=5, max=10),
        Judge(id="idle", university="v2", region="华南", max=10),
        Judge(id="other", university="v3", region="华东", max=10),
    ]
    solution = solve(Instance(k=1, entries=entries, judges=judges, scope="region"))
    assert solution.status == "infeasible"
    found = {m.id: m for m in solution.explanation}
    assert found["judge_min_unreachable"].params == {"judge": "busy", "min": 5, "eligible": 3}
    assert found["judge_no_eligible"].level == "note"
    # Without the impossible minimum the idle judge is only a note on a solution.
    relaxed = solve(
        Instance(k=1, entries=entries, judges=[msgspec.structs.replace(judges[0], min=1), *judges[1:]], scope="region")
    )
    assert relaxed.status == "optimal"
    assert [(m.id, m.level) for m in relaxed.explanation] == [("judge_no_eligible", "note")]
    assert relaxed.loads["idle"] == 0


def test_total_capacity_and_total_minimum() -> None:
    entries = [Entry(id=f"t{i}", university=f"u{i}") for i in range(10)]
    judges = [Judge(id=f"j{i}", university=f"v{i}", max=4) for i in range(2)]
    solution = solve(Instance(k=1, entries=entries, judges=judges, scope="national"))
    assert solution.explanation[0].id == "total_capacity_short"
    assert solution.explanation[0].params == {"entries": 10, "need": 10, "judges": 2, "cap": 8}
    heavy = [Judge(id=f"j{i}", university=f"v{i}", min=6, max=9) for i in range(2)]
    solution = solve(Instance(k=1, entries=entries, judges=heavy, scope="national"))
    assert solution.explanation[0].id == "total_min_excess"
    assert solution.explanation[0].params == {"judges": 2, "min": 12, "entries": 10, "need": 10}


@pytest.mark.parametrize(
    ("pin", "expected"),
    [(("t1", "j1"), "pin_conflict"), (("t1", "own"), "pin_own_university"), (("t1", "far"), "pin_scope")],
)
def test_pins_that_break_a_rule(pin: tuple[str, str], expected: str) -> None:
    entries = [Entry(id="t1", university="u1", region="华东")]
    judges = [
        Judge(id="j1", university="v1", region="华东", max=3),
        Judge(id="own", university="u1", region="华东", max=3),
        Judge(id="far", university="v3", region="华南", max=3),
        Judge(id="j4", university="v4", region=None, max=3),
    ]
    instance = Instance(k=1, entries=entries, judges=judges, scope="region", conflicts=[("t1", "j1")], pins=[pin])
    solution = solve(instance)
    assert solution.status == "infeasible"
    assert [m.id for m in solution.explanation if m.level == "error"] == [expected]
    assert "t1" in solution.explanation[0].rendered


def test_pins_are_kept_and_close_their_university() -> None:
    entries = [Entry(id="t1", university="u1"), Entry(id="t2", university="u2")]
    judges = [
        Judge(id="a1", university="A", max=2),
        Judge(id="a2", university="A", max=2),
        Judge(id="b", university="B", max=2),
    ]
    affinity = [("t1", "a2", 1.0), ("t1", "b", 0.9), ("t2", "a2", 1.0)]
    instance = Instance(k=2, entries=entries, judges=judges, scope="national", affinity=affinity, pins=[("t1", "a1")])
    solution = solve(instance)
    assert solution.status == "optimal"
    assert violations(instance, solution.assignment) == []
    assert ("t1", "a1") in solution.assignment and ("t1", "b") in solution.assignment


def test_cut_names_entries_whose_judges_lack_room() -> None:
    entries = [
        Entry(id="t1", university="u1", region="r1"),
        Entry(id="t2", university="u2", region="r2"),
        Entry(id="t3", university="u3", region="r3"),
    ]
    judges = [Judge(id="j1", university="v1", max=1), Judge(id="j2", university="v2", max=5)]
    conflicts = [("t1", "j2"), ("t2", "j2"), ("t3", "j1")]
    solution = solve(Instance(k=1, entries=entries, judges=judges, scope="national", conflicts=conflicts))
    assert ids(solution) == ["group_short"]
    assert solution.explanation[0].params == {"entries": 2, "sample": "t1, t2", "need": 2, "judges": 1, "cap": 1}


def test_cut_names_judges_whose_minimums_cannot_be_absorbed() -> None:
    entries = [
        Entry(id="t1", university="u1", region="r1"),
        Entry(id="t2", university="u2", region="r2"),
        Entry(id="t3", university="u3", region="r3"),
    ]
    judges = [
        Judge(id="j1", university="v1", min=1, max=1),
        Judge(id="j2", university="v2", min=1, max=1),
        Judge(id="j3", university="v3", min=1, max=1),
        Judge(id="j4", university="v4", max=1),
    ]
    conflicts = [("t3", "j1"), ("t3", "j2"), ("t3", "j3"), ("t1", "j3"), ("t1", "j4"), ("t2", "j4")]
    solution = solve(Instance(k=1, entries=entries, judges=judges, scope="national", conflicts=conflicts))
    assert ids(solution) == ["group_min_excess"]
    assert solution.explanation[0].params == {"judges": 3, "sample": "j1, j2, j3", "min": 3, "cap": 2}


def test_equal_affinities_give_even_loads() -> None:
    entries = [Entry(id=f"t{i}", university=f"u{i}") for i in range(40)]
    judges = [Judge(id=f"j{i}", university=f"v{i}", max=40) for i in range(7)]
    solution = solve(Instance(k=3, entries=entries, judges=judges, scope="national"))
    assert solution.status == "optimal"
    assert sorted(solution.loads.values()) == [17] * 6 + [18]
    assert solution.load_spread == 1


def test_worst_off_entry_is_raised_within_the_tolerance() -> None:
    # t1/t2 share judges A and B (one review each): the best total gives t2 only 0.005; trading
    # costs 0.005, which the 0.01% tolerance of a total near 60 allows.
    entries = [Entry(id="t1", university="u1", region="r1"), Entry(id="t2", university="u2", region="r1")]
    entries += [Entry(id=f"f{i}", university=f"fu{i}", region="r2") for i in range(60)]
    judges = [Judge(id="A", university="a", region="r1", max=1), Judge(id="B", university="b", region="r1", max=1)]
    judges += [Judge(id=f"F{i}", university=f"fv{i}", region="r2", max=1) for i in range(60)]
    affinity = [("t1", "A", 0.5), ("t1", "B", 0.2), ("t2", "A", 0.3), ("t2", "B", 0.005)]
    affinity += [(f"f{i}", f"F{i}", 1.0) for i in range(60)]
    instance = Instance(k=1, entries=entries, judges=judges, scope="region", affinity=affinity)
    plain = solve_problem(prepare(instance), improve_worst=False)
    assert plain.worst_entry.affinity == pytest.approx(0.005)
    solution = solve(instance)
    assert {("t1", "B"), ("t2", "A")} <= set(solution.assignment)
    assert solution.worst_entry == plain.worst_entry.__class__(entry="t1", affinity=0.2)
    assert solution.stages.worst_off_moves == 1
    assert solution.total_affinity >= solution.affinity_bound * (1 - TOLERANCE)
    # With fewer filler entries the same trade would leave the tolerance, so it is not made.
    small = msgspec.structs.replace(
        instance,
        entries=instance.entries[:12],
        judges=instance.judges[:12],
        affinity=instance.affinity[:14],
    )
    assert solve(small).worst_entry.affinity == pytest.approx(0.005)


@pytest.mark.parametrize("repair", [True, False])
def test_university_nodes_added_lazily_give_the_same_optimum(monkeypatch, repair: bool) -> None:
    # Two judges of one university are each entry's best: a flow without university nodes takes both.
    entries = [Entry(id=f"t{i}", university=f"u{i}") for i in range(6)]
    judges = [Judge(id=f"a{i}", university="A", max=6) for i in range(3)]
    judges += [Judge(id=f"b{i}", university=f"B{i}", max=6) for i in range(12)]
    affinity = [(f"t{i}", f"a{j}", 1.0 - 0.1 * j) for i in range(6) for j in range(3)]
    affinity += [(f"t{i}", f"b{j}", 0.3 + 0.01 * ((i + j) % 5)) for i in range(6) for j in range(12)]
    instance = Instance(k=2, entries=entries, judges=judges, scope="national", affinity=affinity)
    eager = solve(instance)
    assert eager.stages.flow_rounds == 1
    monkeypatch.setattr(solver_module, "_likely_groups", lambda residual, net: net.pe < 0)
    if not repair:
        monkeypatch.setattr(solver_module, "_repair", lambda *args: None)
    lazy = solve(instance)
    # Every entry broke the rule, so the relaxation's bound is too loose to certify a repair: with or
    # without one, a second flow with the violated universities' nodes decides.
    assert lazy.stages.flow_rounds == (4 if repair else 2)
    assert violations(instance, lazy.assignment) == []
    assert lazy.total_affinity == pytest.approx(lp_optimum(instance), rel=TOLERANCE)
    assert lazy.affinity_bound >= eager.total_affinity - 1e-9


def test_a_few_violating_entries_are_repaired_without_a_second_flow(monkeypatch) -> None:
    # Only t0 wants two judges of university A; the repair gives it its next best judge instead.
    entries = [Entry(id=f"t{i}", university=f"u{i}") for i in range(30)]
    judges = [Judge(id="a0", university="A", max=2), Judge(id="a1", university="A", max=2)]
    judges += [Judge(id=f"b{i}", university=f"B{i}", max=2) for i in range(30)]
    affinity = [("t0", "a0", 1.0), ("t0", "a1", 1.0), ("t0", "b29", 0.999)]
    affinity += [(f"t{i}", f"b{j}", 1.0) for i in range(1, 30) for j in (i - 1, i)]
    instance = Instance(k=2, entries=entries, judges=judges, scope="national", affinity=affinity)
    monkeypatch.setattr(solver_module, "_likely_groups", lambda residual, net: net.pe < 0)
    solution = solve(instance)
    assert solution.stages.flow_rounds == 2
    assert violations(instance, solution.assignment) == []
    assert {("t0", "a0"), ("t0", "b29")} <= set(solution.assignment) or {("t0", "a1"), ("t0", "b29")} <= set(
        solution.assignment
    )
    assert solution.total_affinity == pytest.approx(59.999)
    assert solution.affinity_bound == pytest.approx(60.0)


def test_connected_option_joins_the_judges_graph() -> None:
    # By affinity, t1/t2 take A and B while t3/t4 take C and D: two components.
    entries = [Entry(id=f"t{i}", university=f"u{i}", region="华东") for i in range(1, 5)]
    judges = [Judge(id=name, university=f"v{name}", region="华东", max=2) for name in "ABCD"]
    affinity = [(e, j, 1.0) for e in ("t1", "t2") for j in "AB"] + [(e, j, 1.0) for e in ("t3", "t4") for j in "CD"]
    instance = Instance(k=2, entries=entries, judges=judges, scope="region", affinity=affinity)
    plain = solve(instance)
    assert plain.components == {"华东": 2}
    joined = solve(msgspec.structs.replace(instance, connected=True))
    assert joined.components == {"华东": 1}
    assert joined.stages.connect_moves == 1
    assert violations(instance, joined.assignment) == []
    assert joined.total_affinity == pytest.approx(6.0)


def test_connected_option_reports_when_it_cannot_join() -> None:
    entries = [Entry(id=f"t{i}", university=f"u{i}", region="华东") for i in range(2)]
    judges = [Judge(id=f"j{i}", university=f"v{i}", region="华东", max=1) for i in range(2)]
    solution = solve(Instance(k=1, entries=entries, judges=judges, scope="region", connected=True))
    assert solution.status == "optimal"
    assert solution.components == {"华东": 2}
    assert [(m.id, m.params) for m in solution.explanation] == [
        ("graph_not_connected", {"region": "华东", "components": 2})
    ]


def test_calibration_entries_are_reviewed_by_every_eligible_judge() -> None:
    entries = [Entry(id=f"t{i}", university=f"u{i}", region="华东") for i in range(8)]
    entries.append(Entry(id="s0", university="u0", region="华南"))
    judges = [Judge(id=f"j{i}", university=f"v{i}", region="华东", max=8) for i in range(5)]
    judges.append(Judge(id="s", university="w", region="华南", max=8))
    instance = Instance(k=1, entries=entries, judges=judges, scope="region", calibration_entries=1)
    solution = solve(instance)
    assert solution.status == "optimal"
    assert solution.calibration == {"t0": 5, "s0": 1}
    assert violations(instance, solution.assignment, calibration=solution.calibration) == []
    # Every judge of 华东 shares t0, so the graph is connected although other entries have one judge.
    assert solution.components == {"华东": 1, "华南": 1}
    # Under the one-judge-per-university rule a calibration entry gets one judge per university.
    shared = [msgspec.structs.replace(j, university=f"v{i % 3}") for i, j in enumerate(judges[:5])]
    solution = solve(msgspec.structs.replace(instance, judges=[*shared, judges[5]]))
    assert solution.calibration == {"t0": 3, "s0": 1}
