"""Plain-data types of the judge-assignment solver: the instance, the change, and what comes back.

Ids are strings. `decode_instance` checks the types (msgspec); `solve` checks the meaning (unknown or
duplicate ids, finite affinities, min <= max), so a service that builds an `Instance` directly gets the
same checks.
"""

from collections.abc import Mapping
from typing import Annotated, Any, Literal

import msgspec

from judging.assignment.messages import InstanceError, Message, message

NonNegative = Annotated[int, msgspec.Meta(ge=0)]
Positive = Annotated[int, msgspec.Meta(ge=1)]
Scope = Literal["region", "national", "other_regions"]
Pair = tuple[str, str]


class Entry(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """An entry to review; `k` overrides the instance's judges per entry."""

    id: str
    university: str
    region: str | None = None
    track: str | None = None
    k: Positive | None = None


class Judge(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """A judge; `region` None is a national judge; `max` None means no upper limit."""

    id: str
    university: str
    region: str | None = None
    min: NonNegative = 0
    max: NonNegative | None = None


class Instance(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One round's assignment problem.

    scope: "region" (a regional judge reviews only entries of their region, a national judge any),
    "other_regions" (never an entry of the judge's own region), "national" (no region rule).
    A judge of the entry's own university is always forbidden. Affinity pairs not listed are 0.
    connected: make the judges' graph (judges linked by a shared entry) connected within each region,
    so per-judge bias can be estimated. calibration_entries: per region, that many entries are
    reviewed by every judge who may review them (one per university when that rule is on).
    """

    k: Positive
    entries: list[Entry]
    judges: list[Judge]
    scope: Scope
    affinity: list[tuple[str, str, float]] = []
    conflicts: list[Pair] = []
    pins: list[Pair] = []
    one_judge_per_university: bool = True
    connected: bool = False
    calibration_entries: NonNegative = 0


class WorstEntry(msgspec.Struct, frozen=True):
    """The entry whose mean affinity over its judges is lowest."""

    entry: str
    affinity: float


class Stages(msgspec.Struct):
    """What each stage did: flow rounds (university nodes added lazily), the certified gap, the moves."""

    flow_rounds: int = 0
    university_nodes: int = 0
    load_weight: int = 0
    affinity_gap: float = 0.0
    worst_off_moves: int = 0
    affinity_spent: float = 0.0
    connect_moves: int = 0


class Solution(msgspec.Struct):
    """The assignment, or why there is none.

    affinity_bound is a certified upper bound on the LP relaxation's total affinity (total_affinity is
    within 0.01% of it); worst_entry and load_spread describe the secondary objectives; components
    gives, per entry region, the connected components of the judges' graph; calibration lists the
    calibration entries and the judge count each got.
    """

    status: Literal["optimal", "infeasible"]
    assignment: list[Pair]
    total_affinity: float
    explanation: list[Message]
    affinity_bound: float | None = None
    worst_entry: WorstEntry | None = None
    loads: dict[str, int] = {}
    load_spread: int = 0
    components: dict[str, int] = {}
    calibration: dict[str, int] = {}
    stages: Stages = msgspec.field(default_factory=Stages)


class Change(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """What changed since the assignment was made: judges gone, pairs now forbidden, entries needing
    one more judge each (arbitration; list an entry twice for two more)."""

    remove_judges: list[str] = []
    forbid: list[Pair] = []
    add_judge: list[str] = []


class Reassignment(msgspec.Struct):
    """The repaired assignment and the pairs that changed; `moved` counts pairs the change did not touch
    that had to move anyway (0 when the affected entries could be re-solved alone)."""

    status: Literal["optimal", "infeasible"]
    assignment: list[Pair]
    added: list[Pair]
    removed: list[Pair]
    moved: int
    total_affinity: float
    explanation: list[Message]


def _decode(data: bytes | str | Mapping[str, Any] | Any, kind: Any) -> Any:
    try:
        if isinstance(data, bytes | str):
            return msgspec.json.decode(data, type=kind)
        return msgspec.convert(data, kind)
    except msgspec.ValidationError as error:
        raise InstanceError([message("invalid_instance", detail=str(error))]) from None
    except msgspec.DecodeError as error:
        raise InstanceError([message("invalid_instance", detail=f"not JSON ({error})")]) from None


def decode_instance(data: bytes | str | Mapping[str, Any]) -> Instance:
    """An Instance from JSON text or plain data; raises InstanceError with a readable message."""
    instance: Instance = _decode(data, Instance)
    return instance


def decode_change(data: bytes | str | Mapping[str, Any]) -> Change:
    """A Change from JSON text or plain data; raises InstanceError with a readable message."""
    change: Change = _decode(data, Change)
    return change


def decode_assignment(data: bytes | str | Any) -> list[Pair]:
    """Pairs [entry, judge] from a list of pairs or from a solution object with an "assignment" key."""
    raw = _decode(data, list[Pair] | dict[str, Any]) if isinstance(data, bytes | str) else data
    if isinstance(raw, Mapping):
        raw = raw.get("assignment", None)
        if raw is None:
            raise InstanceError([message("invalid_instance", detail="no assignment key in the current assignment")])
    pairs: list[Pair] = _decode(raw, list[Pair])
    return pairs
