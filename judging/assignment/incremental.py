"""Incremental reassignment: repair an assignment after judges leave, pairs become forbidden, or an
entry needs one more judge (arbitration), moving as few pairs as possible."""

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import msgspec
import numpy as np

from judging.assignment.messages import InstanceError, message
from judging.assignment.model import Change, Instance, Pair, Reassignment, decode_instance
from judging.assignment.problem import pair_indices, prepare
from judging.assignment.solver import solve_problem


def reassign(instance: Instance | Mapping[str, Any], current: Sequence[Pair], change: Change) -> Reassignment:
    """Repair `current` (the pairs of `instance` assigned so far) after `change`.

    Every pair the change does not touch is pinned and only the affected entries are re-solved under
    the same rules. If that is impossible, the whole instance is solved again keeping as many of the
    untouched pairs as any assignment can (then `moved` says how many had to go). An entry listed in
    `change.add_judge` gets one more judge than it has (arbitration). Raises InstanceError for unknown
    ids in `current` or `change`.
    """
    if not isinstance(instance, Instance):
        instance = decode_instance(instance)
    entry_index = {e.id: i for i, e in enumerate(instance.entries)}
    judge_index = {j.id: i for i, j in enumerate(instance.judges)}
    problems = pair_indices(current, "assignment", entry_index, judge_index)[2]
    problems += pair_indices(change.forbid, "change", entry_index, judge_index)[2]
    problems += [
        message("unknown_judge", field="change", judge=j) for j in change.remove_judges if j not in judge_index
    ]
    problems += [message("unknown_entry", field="change", entry=e) for e in change.add_judge if e not in entry_index]
    if problems:
        raise InstanceError(problems)

    gone = set(change.remove_judges)
    forbidden = {(e, j) for e, j in change.forbid}
    current_pairs = list(dict.fromkeys((e, j) for e, j in current))
    touched = {pair for pair in current_pairs if pair[1] in gone or pair in forbidden}
    kept = [pair for pair in current_pairs if pair not in touched]
    extra = Counter(change.add_judge)
    count = Counter(e for e, _ in current_pairs)
    entries = [
        msgspec.structs.replace(e, k=max(e.k or instance.k, count[e.id]) + extra[e.id])
        if e.id in count or e.id in extra
        else e
        for e in instance.entries
    ]
    base_pins = [(e, j) for e, j in instance.pins if j not in gone and (e, j) not in forbidden]
    repaired = msgspec.structs.replace(
        instance,
        entries=entries,
        judges=[j for j in instance.judges if j.id not in gone],
        affinity=[a for a in instance.affinity if a[1] not in gone],
        conflicts=[c for c in instance.conflicts if c[1] not in gone] + sorted(forbidden),
        pins=list(dict.fromkeys(base_pins + kept)),
        calibration_entries=0,  # calibration entries already carry their judge counts in `current`
    )
    solution = solve_problem(prepare(repaired))
    moved = 0
    if solution.status != "optimal":
        # Untouched pairs cannot all stay: keep the most that can, then the best affinity.
        loose = prepare(msgspec.structs.replace(repaired, pins=list(dict.fromkeys(base_pins))))
        keep = np.zeros((loose.n, loose.m), dtype=bool)
        loose_judges = {j: i for i, j in enumerate(loose.judge_ids)}
        for e, j in kept:
            keep[entry_index[e], loose_judges[j]] = True
        solution = solve_problem(loose, keep=keep, improve_worst=False)
        if solution.status != "optimal":
            return Reassignment(
                status="infeasible",
                assignment=[],
                added=[],
                removed=[],
                moved=0,
                total_affinity=0.0,
                explanation=solution.explanation,
            )
        moved = len(set(kept) - set(solution.assignment))
        solution.explanation.append(message("reassign_moved", level="note", moved=moved))

    order = {pair: (entry_index[pair[0]], judge_index[pair[1]]) for pair in [*current_pairs, *solution.assignment]}
    new = set(solution.assignment)
    old = set(current_pairs)
    return Reassignment(
        status="optimal",
        assignment=solution.assignment,
        added=sorted(new - old, key=order.__getitem__),
        removed=sorted(old - new, key=order.__getitem__),
        moved=moved,
        total_affinity=solution.total_affinity,
        explanation=solution.explanation,
    )
