"""Incremental reassignment: judges leaving, pairs forbidden, arbitration, fewest moves."""

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.assignment import Change, Entry, Instance, InstanceError, Judge, reassign, solve
from tests.judging.assignment.oracle import assignments, small_instances, violations


def contest() -> Instance:
    entries = [Entry(id=f"t{i}", university=f"u{i % 4}", region="华东") for i in range(12)]
    judges = [Judge(id=f"j{i}", university=f"v{i % 5}", region="华东", max=6) for i in range(8)]
    affinity = [(e.id, j.id, ((3 * i + 5 * k) % 11) / 10) for i, e in enumerate(entries) for k, j in enumerate(judges)]
    return Instance(k=3, entries=entries, judges=judges, scope="region", affinity=affinity)


def without(instance: Instance, judge: str) -> Instance:
    return msgspec.structs.replace(instance, judges=[j for j in instance.judges if j.id != judge])


def test_a_judge_who_leaves_is_replaced_and_nothing_else_moves() -> None:
    instance = contest()
    current = solve(instance).assignment
    gone = current[0][1]
    result = reassign(instance, current, Change(remove_judges=[gone]))
    assert result.status == "optimal" and result.moved == 0
    mine = [pair for pair in current if pair[1] == gone]
    assert result.removed == mine
    assert {e for e, _ in result.added} == {e for e, _ in mine} and len(result.added) == len(mine)
    assert set(current) - set(mine) <= set(result.assignment)
    assert violations(without(instance, gone), result.assignment) == []


def test_a_forbidden_pair_is_replaced_under_the_same_rules() -> None:
    instance = contest()
    current = solve(instance).assignment
    pair = current[4]
    result = reassign(instance, current, Change(forbid=[pair]))
    assert result.removed == [pair] and len(result.added) == 1 and result.added[0][0] == pair[0]
    assert result.added[0] != pair
    ruled = msgspec.structs.replace(instance, conflicts=[pair])
    assert violations(ruled, result.assignment) == []


def test_arbitration_adds_one_judge_to_the_flagged_entry() -> None:
    instance = contest()
    current = solve(instance).assignment
    result = reassign(instance, current, Change(add_judge=["t5"]))
    assert result.removed == [] and len(result.added) == 1 and result.added[0][0] == "t5"
    assert set(current) <= set(result.assignment)
    assert violations(instance, result.assignment, calibration={"t5": 4}) == []
    # A second arbitration of the same entry adds a fifth judge.
    again = reassign(instance, result.assignment, Change(add_judge=["t5"]))
    assert [e for e, _ in again.assignment].count("t5") == 5


def test_untouched_pairs_move_only_when_they_must() -> None:
    # t1 can only move to B once A leaves, but B is full with t2, which can go to C.
    entries = [Entry(id="t1", university="u1"), Entry(id="t2", university="u2")]
    judges = [Judge(id=name, university=f"v{name}", max=1) for name in "ABC"]
    instance = Instance(k=1, entries=entries, judges=judges, scope="national", conflicts=[("t1", "C")])
    result = reassign(instance, [("t1", "A"), ("t2", "B")], Change(remove_judges=["A"]))
    assert result.status == "optimal"
    assert result.moved == 1
    assert result.assignment == [("t1", "B"), ("t2", "C")]
    assert result.removed == [("t1", "A"), ("t2", "B")] and result.added == [("t1", "B"), ("t2", "C")]
    assert [m.id for m in result.explanation] == ["reassign_moved"]


def test_no_replacement_is_explained() -> None:
    entries = [Entry(id="t1", university="u1")]
    judges = [Judge(id="A", university="a", max=2), Judge(id="B", university="b", max=2)]
    instance = Instance(k=2, entries=entries, judges=judges, scope="national")
    result = reassign(instance, [("t1", "A"), ("t1", "B")], Change(remove_judges=["B"]))
    assert result.status == "infeasible"
    assert result.assignment == []
    assert "Entry t1 has 1 eligible judges from 1 universities" in " ".join(m.rendered for m in result.explanation)


def test_unknown_ids_in_the_change_or_the_assignment() -> None:
    instance = contest()
    with pytest.raises(InstanceError) as caught:
        reassign(instance, [("t1", "j1")], Change(remove_judges=["nobody"], add_judge=["t99"]))
    assert [m.rendered for m in caught.value.messages] == [
        "change names an unknown judge nobody",
        "change names an unknown entry t99",
    ]
    with pytest.raises(InstanceError):
        reassign(instance, [("t1", "ghost")], Change())


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(small_instances(max_entries=4, max_judges=5, pins=False, loose=True), st.data())
def test_moves_are_fewest_possible(instance: Instance, data: st.DataObject) -> None:
    solution = solve(instance)
    if solution.status != "optimal" or not solution.assignment:
        return
    gone = data.draw(st.sampled_from(sorted({j for _, j in solution.assignment})))
    result = reassign(instance, solution.assignment, Change(remove_judges=[gone]))
    after = without(instance, gone)
    untouched = {pair for pair in solution.assignment if pair[1] != gone}
    options = [len(untouched - pairs) for _, pairs in assignments(after)]
    if not options:
        assert result.status == "infeasible"
        return
    assert result.status == "optimal"
    assert violations(after, result.assignment) == []
    assert result.moved == min(options)
