"""The national final's defence timetable: every finalist one slot in one room before a panel of judges.

Pure: msgspec Structs in, a `Timetable` out; the solver is OR-Tools CP-SAT. Nothing here reads a
database, a clock of the contest or a file.

The model. Rooms share one grid of time slots, grouped into sessions (half-days). A panel sits in a
room for a whole session (`panels="session"`, how finals run) or, if the organizers allow it, for
a single slot (`panels="slot"`); either way the span a panel sits is called a block below. A
room-block that hears at least one finalist gets a panel of exactly `panel_size` judges; an unused
one gets none.

Hard rules: every finalist is heard exactly once, at most one finalist per room-slot; no judge sits
two panels of the same block (so never two rooms at once); no finalist is heard by a panel holding
a judge of their own university, their advisor, a declared conflict, or a judge whose tracks
exclude theirs; rooms with a track hear only that track and seat only judges of it; nobody is
scheduled in a slot they are unavailable; a judge hears at most `max_slots_per_day` finalists a day.
A finalist with no track fits only rooms without one.

Soft objectives, strictly in this order (optimised in turn, each held while the next ones are; the last
two share one solve, weighted so that the order still holds):
1. balanced panels: judges of one university in a panel beyond the first, then judges of one
   region beyond the first, then expertise tags no judge of a panel has;
2. balanced judge loads: the sum over judges of the square of the blocks each sits (for a given
   number of seats this is least when loads are even, and it never pays to open needless panels);
3. spread finalists: finalists of one region before one room-session beyond a fair share (see
   `_Model._finalist_spread`), summed over regions, then the same for universities;
4. compact days: the slots of each room-session up to its last hearing (no gaps, early starts).

Before solving, cheap necessary conditions are checked (capacity, a panel for each finalist, judges
per block, judge-hearings); a failure is explained in words and numbers, as `Message`s whose English
`text` is the gettext msgid (translations in frontend/locales/*/LC_MESSAGES/schedule.po).
"""

import itertools
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import msgspec
import numpy as np
from ortools.sat.python import cp_model
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN"]


class Message(msgspec.Struct, frozen=True, kw_only=True):
    """A user-facing text as a message id, its English template (the msgid) and its parameters."""

    id: str
    text: str
    params: dict[str, str | int | float] = {}

    def render(self) -> str:
        """The English text with its parameters filled in."""
        return self.text.format(**self.params)


# Every user-facing text: message id -> English template (the gettext msgid). The Chinese catalog is
# frontend/locales/zh_CN/LC_MESSAGES/schedule.po.
TEMPLATES: dict[str, str] = {
    # malformed input (validate)
    "duplicate_room": "room id {id} is used more than once",
    "duplicate_time": "slot or session id {id} is used more than once",
    "duplicate_finalist": "finalist id {id} is used more than once",
    "duplicate_judge": "judge id {id} is used more than once",
    "panel_size": "the panel size must be at least 1 (it is {size})",
    "session_empty": "session {id} has no slots",
    "mixed_offsets": "slot times must all carry a UTC offset, or none may",
    "slot_order": "slot {id} must end after it starts ({start} to {end})",
    "slots_overlap": "slots {first} and {second} overlap",
    "sessions_overlap": "sessions {first} and {second} overlap in time",
    "session_days": "session {id} spans more than one day",
    "unknown_time_finalist": "finalist {id} is unavailable at {ref}, which is no slot or session",
    "unknown_time_judge": "judge {id} is unavailable at {ref}, which is no slot or session",
    "max_slots": "judge {id}: the most slots a day cannot be negative ({value})",
    "unknown_conflict_finalist": "conflict [{finalist}, {judge}] names unknown finalist {finalist}",
    "unknown_conflict_judge": "conflict [{finalist}, {judge}] names unknown judge {judge}",
    # cheap checks before solving
    "capacity": "{finalists} finalists need {finalists} slots; {rooms} rooms x {slots} slots = {capacity}",
    "finalist_no_slot": (
        "finalist {id} has no room and slot they can use: {rooms} rooms hear their track, and they are "
        "available in {slots} of {total} slots"
    ),
    "finalist_all_conflicted": "finalist {id} has no possible panel: every judge of {n} available is conflicted",
    "finalist_no_judge": (
        "finalist {id} has no possible panel: of {n} available judges, {conflicted} are conflicted and "
        "{other} judge other tracks"
    ),
    "finalist_few_judges": (
        "finalist {id} has no possible panel: at most {eligible} of {n} available judges may hear them at one"
        " time, and a panel needs {k}"
    ),
    "finalists_short": (
        "{count} finalists ({finalists}) can use only {capacity} room-slots between them, given their tracks,"
        " their unavailable slots and the judges who may hear them"
    ),
    "judges_short": (
        "{finalists} finalists need {finalists} slots, but panels of {k} drawn from the judges available can "
        "hear at most {capacity}"
    ),
    "judges_short_at": (
        "{needed} judges needed at {time} ({session}) to open all {rooms} rooms, only {available} available"
    ),
    "judge_slots_short": (
        "{finalists} finalists x {k} judges = {needed} judge-hearings; the judges' availability and daily "
        "limits allow at most {capacity}"
    ),
    # the solver's answer
    "partial_optimal": (
        "the hard rules together leave no timetable for all {finalists} finalists: at most {placed} can be "
        "heard (for example without {unplaced})"
    ),
    "partial_found": (
        "the hard rules together leave no timetable for all {finalists} finalists: the best found hears "
        "{placed} (without {unplaced})"
    ),
    "no_timetable": (
        "the hard rules together leave no timetable for all {finalists} finalists, although each check passes"
        " ({rooms} rooms, {slots} slots, {judges} judges, panels of {k})"
    ),
    "unknown": "no timetable was found within {seconds} s; allow more time",
    "not_proven": (
        "every hard rule holds, but the time limit of {seconds} s ended the search for a better balance "
        "before it was proven best"
    ),
}


def _say(message_id: str, params: dict[str, str | int | float] | None = None) -> Message:
    return Message(id=message_id, text=TEMPLATES[message_id], params=params or {})


# ---------------------------------------------------------------- input


class Room(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A defence room; with a `track`, it hears only finalists of that track."""

    id: str
    name: str = ""
    track: str | None = None


class Slot(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One defence slot, the same in every room. ISO date-times, all with a UTC offset or none; write them
    in the contest's local time, since a slot's day (for daily limits) is the date of its start as written."""

    id: str
    start: datetime
    end: datetime


class Session(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A half-day: consecutive slots of one day that a fixed panel sits through."""

    id: str
    slots: list[Slot]


class Finalist(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A finalist team. `advisors` are person ids compared with judge ids; `unavailable` names slot
    or session ids."""

    id: str
    university: str
    region: str
    track: str | None = None
    advisors: list[str] = []
    unavailable: list[str] = []


class Judge(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A final judge. Empty `tracks` means every track; `unavailable` names slot or session ids;
    `max_slots_per_day` bounds the finalists they hear a day (None: no bound)."""

    id: str
    university: str
    region: str
    expertise: list[str] = []
    tracks: list[str] = []
    unavailable: list[str] = []
    max_slots_per_day: int | None = None


class ScheduleInput(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One timetabling problem. `conflicts` are declared [finalist id, judge id] pairs, on top of the
    implicit ones (same university, advisor)."""

    rooms: list[Room]
    sessions: list[Session]
    finalists: list[Finalist]
    judges: list[Judge]
    conflicts: list[tuple[str, str]] = []
    panel_size: int = 5
    panels: Literal["session", "slot"] = "session"


class SolveOptions(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Solver knobs: a wall-clock limit for the whole solve, CP-SAT's random seed and its worker
    count (0: one per core; 1 with a fixed seed makes runs repeatable)."""

    time_limit: float = 10.0
    seed: int = 0
    workers: int = 0


# ---------------------------------------------------------------- output


class Panel(msgspec.Struct, frozen=True, kw_only=True):
    """The judges of one room for one session (or, with per-slot panels, one slot)."""

    room: str
    session: str
    slot: str | None
    judges: list[str]


class Hearing(msgspec.Struct, frozen=True, kw_only=True):
    """One room-slot and the finalist heard there (None: the room is free)."""

    room: str
    session: str
    slot: str
    start: datetime
    end: datetime
    finalist: str | None


class Sitting(msgspec.Struct, frozen=True, kw_only=True):
    """A panel a judge sits, and how many finalists it hears."""

    room: str
    session: str
    slot: str | None
    hearings: int


class JudgeDuty(msgspec.Struct, frozen=True, kw_only=True):
    """A judge's panels; `load` counts them, `hearings` the finalists heard."""

    judge: str
    sittings: list[Sitting]
    load: int
    hearings: int


class Figures(msgspec.Struct, frozen=True, kw_only=True):
    """How well the soft objectives were met.

    Duplicates count judges of a panel beyond the first of their university (region); the judge
    loads range over judges able to sit at all; the per-panel maxima count the finalists of one
    region (university) before one room in one session; gaps are free slots between used ones of a
    room-session."""

    panels: int
    panel_university_duplicates: int
    panel_region_duplicates: int
    panel_tags_uncovered: int
    judge_load_min: int
    judge_load_max: int
    judge_load_spread: int
    region_max_per_panel: int
    university_max_per_panel: int
    gaps: int


class Timetable(msgspec.Struct, frozen=True, kw_only=True):
    """The solver's answer: with OPTIMAL or FEASIBLE, the panels, every room-slot, each judge's duties
    and the figures; otherwise why not, in `messages`."""

    status: Status
    messages: list[Message] = []
    panels: list[Panel] = []
    hearings: list[Hearing] = []
    judges: list[JudgeDuty] = []
    figures: Figures | None = None


class InvalidInstance(ValueError):
    """The input is malformed beyond what its types say (unknown ids, overlapping slots, ...)."""

    def __init__(self, messages: list[Message]) -> None:
        super().__init__("; ".join(message.render() for message in messages))
        self.messages = messages


# ---------------------------------------------------------------- validation


def validate(instance: ScheduleInput) -> list[Message]:
    """What is wrong with `instance` as data (an empty list when nothing is)."""
    problems: list[Message] = []

    def duplicates(ids: Iterable[str], message_id: str) -> None:
        seen: set[str] = set()
        for item in ids:
            if item in seen:
                problems.append(_say(message_id, {"id": item}))
            seen.add(item)

    slots = [slot for session in instance.sessions for slot in session.slots]
    duplicates((room.id for room in instance.rooms), "duplicate_room")
    duplicates([session.id for session in instance.sessions] + [slot.id for slot in slots], "duplicate_time")
    duplicates((f.id for f in instance.finalists), "duplicate_finalist")
    duplicates((j.id for j in instance.judges), "duplicate_judge")
    if instance.panel_size < 1:
        problems.append(_say("panel_size", {"size": instance.panel_size}))
    for session in instance.sessions:
        if not session.slots:
            problems.append(_say("session_empty", {"id": session.id}))
    times = [moment for slot in slots for moment in (slot.start, slot.end)]
    if len({moment.utcoffset() is None for moment in times}) > 1:
        problems.append(_say("mixed_offsets"))
        return problems  # naive and aware times cannot even be compared
    for slot in slots:
        if slot.end <= slot.start:
            problems.append(
                _say("slot_order", {"id": slot.id, "start": slot.start.isoformat(), "end": slot.end.isoformat()})
            )
    ordered = sorted(slots, key=lambda slot: (slot.start, slot.end))
    for first, second in itertools.pairwise(ordered):
        if second.start < first.end:
            problems.append(_say("slots_overlap", {"first": first.id, "second": second.id}))
    spans = sorted(
        (min(s.start for s in session.slots), max(s.end for s in session.slots), session.id)
        for session in instance.sessions
        if session.slots
    )
    for (_, first_end, first_id), (second_start, _, second_id) in itertools.pairwise(spans):
        if second_start < first_end:
            problems.append(_say("sessions_overlap", {"first": first_id, "second": second_id}))
    for session in instance.sessions:
        if len({slot.start.date() for slot in session.slots}) > 1:
            problems.append(_say("session_days", {"id": session.id}))
    time_ids = {session.id for session in instance.sessions} | {slot.id for slot in slots}
    for finalist in instance.finalists:
        for ref in set(finalist.unavailable) - time_ids:
            problems.append(_say("unknown_time_finalist", {"id": finalist.id, "ref": ref}))
    for judge in instance.judges:
        for ref in set(judge.unavailable) - time_ids:
            problems.append(_say("unknown_time_judge", {"id": judge.id, "ref": ref}))
    for judge in instance.judges:
        if judge.max_slots_per_day is not None and judge.max_slots_per_day < 0:
            problems.append(_say("max_slots", {"id": judge.id, "value": judge.max_slots_per_day}))
    finalist_ids = {f.id for f in instance.finalists}
    judge_ids = {j.id for j in instance.judges}
    for finalist_id, judge_id in instance.conflicts:
        if finalist_id not in finalist_ids:
            problems.append(_say("unknown_conflict_finalist", {"finalist": finalist_id, "judge": judge_id}))
        if judge_id not in judge_ids:
            problems.append(_say("unknown_conflict_judge", {"finalist": finalist_id, "judge": judge_id}))
    return problems


# ---------------------------------------------------------------- derived look-ups


@dataclass
class _Prepared:
    """Index-based views of a valid instance: slots in time order, blocks, and the boolean tables
    `compat` (finalist x judge), `conflicted` (the conflict rules alone), `judge_room`, `judge_slot`,
    `finalist_room`, `finalist_slot` and `eligible` (finalist x room x slot: judges who may hear)."""

    instance: ScheduleInput
    slots: list[Slot]
    slot_session: list[int]
    slot_day: list[date]
    sessions: list[Session]
    session_slots: list[list[int]]
    blocks: list[list[int]]
    slot_block: list[int]
    compat: np.ndarray
    conflicted: np.ndarray
    judge_room: np.ndarray
    judge_slot: np.ndarray
    finalist_room: np.ndarray
    finalist_slot: np.ndarray
    eligible: np.ndarray


def _prepare(instance: ScheduleInput) -> _Prepared:
    sessions = sorted(instance.sessions, key=lambda session: min(slot.start for slot in session.slots))
    slots: list[Slot] = []
    slot_session: list[int] = []
    session_slots: list[list[int]] = []
    for q, session in enumerate(sessions):
        ordered = sorted(session.slots, key=lambda slot: slot.start)
        session_slots.append(list(range(len(slots), len(slots) + len(ordered))))
        slots.extend(ordered)
        slot_session.extend([q] * len(ordered))
    blocks = session_slots if instance.panels == "session" else [[s] for s in range(len(slots))]
    slot_block = [0] * len(slots)
    for b, members in enumerate(blocks):
        for s in members:
            slot_block[s] = b

    slot_index = {slot.id: s for s, slot in enumerate(slots)}
    session_index = {session.id: q for q, session in enumerate(sessions)}

    def unavailable(refs: list[str]) -> set[int]:
        out: set[int] = set()
        for ref in refs:
            if ref in slot_index:
                out.add(slot_index[ref])
            else:
                out.update(session_slots[session_index[ref]])
        return out

    finalists, judges, rooms = instance.finalists, instance.judges, instance.rooms
    n_f, n_j, n_r, n_s = len(finalists), len(judges), len(rooms), len(slots)
    declared = set(instance.conflicts)
    conflicted = np.zeros((n_f, n_j), dtype=bool)
    compat = np.zeros((n_f, n_j), dtype=bool)
    for i, f in enumerate(finalists):
        for j, judge in enumerate(judges):
            conflicted[i, j] = (
                judge.university == f.university or judge.id in f.advisors or (f.id, judge.id) in declared
            )
            track_ok = not judge.tracks or f.track is None or f.track in judge.tracks
            compat[i, j] = track_ok and not conflicted[i, j]
    judge_room = np.array(
        [[room.track is None or not judge.tracks or room.track in judge.tracks for room in rooms] for judge in judges],
        dtype=bool,
    ).reshape(n_j, n_r)
    judge_slot = np.ones((n_j, n_s), dtype=bool)
    for j, judge in enumerate(judges):
        judge_slot[j, sorted(unavailable(judge.unavailable))] = False
        if judge.max_slots_per_day == 0:
            judge_slot[j, :] = False
    finalist_room = np.array(
        [[room.track is None or room.track == f.track for room in rooms] for f in finalists], dtype=bool
    ).reshape(n_f, n_r)
    finalist_slot = np.ones((n_f, n_s), dtype=bool)
    for i, f in enumerate(finalists):
        finalist_slot[i, sorted(unavailable(f.unavailable))] = False
    eligible = np.einsum(
        "fj,jr,js->frs", compat.astype(np.int32), judge_room.astype(np.int32), judge_slot.astype(np.int32)
    )
    return _Prepared(
        instance=instance,
        slots=slots,
        slot_session=slot_session,
        slot_day=[slot.start.date() for slot in slots],
        sessions=sessions,
        session_slots=session_slots,
        blocks=blocks,
        slot_block=slot_block,
        compat=compat,
        conflicted=conflicted,
        judge_room=judge_room,
        judge_slot=judge_slot,
        finalist_room=finalist_room,
        finalist_slot=finalist_slot,
        eligible=eligible,
    )


def _options(prep: _Prepared) -> np.ndarray:
    """finalist x room x slot: where a finalist may be heard, with enough judges who may hear them."""
    basic = prep.finalist_room[:, :, None] & prep.finalist_slot[:, None, :]
    return basic & (prep.eligible >= prep.instance.panel_size)


# ---------------------------------------------------------------- cheap necessary checks


def _prechecks(prep: _Prepared) -> list[Message]:
    """Necessary conditions, each explained in numbers when it fails (empty: all hold)."""
    instance, k = prep.instance, prep.instance.panel_size
    n_f, n_r, n_s = len(instance.finalists), len(instance.rooms), len(prep.slots)
    if n_f > n_r * n_s:
        return [_say("capacity", {"finalists": n_f, "rooms": n_r, "slots": n_s, "capacity": n_r * n_s})]
    problems = _finalist_checks(prep)
    if problems:
        return problems
    problems = _hall_check(prep)
    if problems:
        return problems
    return _judge_checks(prep, k)


def _finalist_checks(prep: _Prepared) -> list[Message]:
    instance, k = prep.instance, prep.instance.panel_size
    basic = prep.finalist_room[:, :, None] & prep.finalist_slot[:, None, :]
    problems: list[Message] = []
    for i, f in enumerate(instance.finalists):
        if not basic[i].any():
            problems.append(
                _say(
                    "finalist_no_slot",
                    {
                        "id": f.id,
                        "rooms": int(prep.finalist_room[i].sum()),
                        "slots": int(prep.finalist_slot[i].sum()),
                        "total": len(prep.slots),
                    },
                )
            )
            continue
        best = int(prep.eligible[i][basic[i]].max())
        if best >= k:
            continue
        rooms, slots = np.nonzero(basic[i])
        # judges who could sit in one of this finalist's room-slots, ignoring who they are
        present = (prep.judge_room[:, rooms] & prep.judge_slot[:, slots]).any(axis=1)
        n = int(present.sum())
        conflicted = int((present & prep.conflicted[i]).sum())
        if n and conflicted == n:
            problems.append(_say("finalist_all_conflicted", {"id": f.id, "n": n}))
        elif n and best == 0:
            problems.append(
                _say("finalist_no_judge", {"id": f.id, "n": n, "conflicted": conflicted, "other": n - conflicted})
            )
        else:
            problems.append(_say("finalist_few_judges", {"id": f.id, "eligible": best, "n": n, "k": k}))
    return problems


def _hall_check(prep: _Prepared) -> list[Message]:
    """A maximum matching of finalists to room-slots; if it misses someone, the set of finalists that
    alternating paths reach from the missed ones has fewer room-slots than members (Hall's theorem)."""
    options = _options(prep)
    n_f = options.shape[0]
    if n_f == 0:
        return []
    flat = options.reshape(n_f, -1)
    matched = maximum_bipartite_matching(csr_matrix(flat.astype(np.int8)), perm_type="column")
    if (matched >= 0).all():
        return []
    owner = {int(column): i for i, column in enumerate(matched) if column >= 0}
    reached = {i for i in range(n_f) if matched[i] < 0}
    places: set[int] = set()
    frontier = list(reached)
    while frontier:
        i = frontier.pop()
        for column in map(int, np.nonzero(flat[i])[0]):
            if column not in places:
                places.add(column)
                other = owner[column]  # matched, else an augmenting path would exist
                if other not in reached:
                    reached.add(other)
                    frontier.append(other)
    ids = [f.id for i, f in enumerate(prep.instance.finalists) if i in reached]
    return [_say("finalists_short", {"count": len(ids), "finalists": ", ".join(ids), "capacity": len(places)})]


def _judge_checks(prep: _Prepared, k: int) -> list[Message]:
    instance = prep.instance
    n_f, n_r = len(instance.finalists), len(instance.rooms)
    capacity = 0
    short: list[Message] = []
    for members in prep.blocks:
        available = int(prep.judge_slot[:, members].any(axis=1).sum())
        capacity += min(n_r, available // k) * len(members)
        if available < k * n_r:
            first = prep.slots[members[0]]
            short.append(
                _say(
                    "judges_short_at",
                    {
                        "needed": k * n_r,
                        "time": first.start.isoformat(),
                        "session": prep.sessions[prep.slot_session[members[0]]].id,
                        "rooms": n_r,
                        "available": available,
                    },
                )
            )
    if n_f > capacity:
        return [
            _say("judges_short", {"finalists": n_f, "k": k, "capacity": capacity}),
            *short,
        ]
    seats = 0
    for j, judge in enumerate(instance.judges):
        per_day: dict[date, int] = defaultdict(int)
        for s in np.nonzero(prep.judge_slot[j])[0]:
            per_day[prep.slot_day[int(s)]] += 1
        limit = judge.max_slots_per_day
        seats += sum(count if limit is None else min(count, limit) for count in per_day.values())
    if k * n_f > seats:
        return [_say("judge_slots_short", {"finalists": n_f, "k": k, "needed": k * n_f, "capacity": seats})]
    return []


# ---------------------------------------------------------------- the CP-SAT model


class _Model:
    """The CP-SAT model. `relaxed` lets finalists go unheard (to explain an infeasible instance by how
    many can be heard together)."""

    def __init__(self, prep: _Prepared, relaxed: bool = False) -> None:
        self.prep = prep
        self.model = cp_model.CpModel()
        self.variables: list[cp_model.IntVar] = []
        instance, k = prep.instance, prep.instance.panel_size
        options = _options(prep)
        n_f, n_j = len(instance.finalists), len(instance.judges)

        self.x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        for i, r, s in zip(*np.nonzero(options), strict=True):
            self.x[int(i), int(r), int(s)] = self._bool()
        by_finalist: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        self.at: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)  # room-slot
        self.panel_of: dict[tuple[int, int], dict[int, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))
        for (i, r, s), var in self.x.items():
            by_finalist[i].append(var)
            self.at[r, s].append(var)
            self.panel_of[r, prep.slot_block[s]][i].append(var)
        self.heard: list[cp_model.IntVar] = []
        for i in range(n_f):
            if relaxed:
                heard = self._bool()
                self.heard.append(heard)
                self.model.add(sum(by_finalist[i]) == heard)
            else:
                self.model.add_exactly_one(by_finalist[i])
        for places in self.at.values():
            self.model.add_at_most_one(places)

        self.open: dict[tuple[int, int], cp_model.IntVar] = {}
        for (r, b), hearings in self.panel_of.items():
            opened = self.open[r, b] = self._bool()
            for s in prep.blocks[b]:
                if self.at.get((r, s)):
                    self.model.add(sum(self.at[r, s]) <= opened)
            self.model.add(opened <= sum(var for vars_ in hearings.values() for var in vars_))
        # implied, but it lets the solver prove at once that no fewer panels will do
        fewest = 0 if relaxed else _fewest([len(members) for members in prep.blocks], len(instance.rooms), n_f)
        self.opened = self._int(fewest, n_f)
        self.model.add(self.opened == _total(list(self.open.values())))

        self.p: dict[tuple[int, int, int], cp_model.IntVar] = {}
        for (r, b), hearings in self.panel_of.items():
            members = prep.blocks[b]
            for j in range(n_j):
                if not prep.judge_room[j, r] or not prep.judge_slot[j, members].any():
                    continue
                if not any(prep.compat[i, j] for i in hearings):
                    continue  # could only sit an empty panel
                self.p[j, r, b] = self._bool()
        self.seatable = {j for j, _, _ in self.p}
        self.seats: dict[tuple[int, int], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
        by_judge_block: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
        for (j, r, b), var in self.p.items():
            self.seats[r, b].append((j, var))
            by_judge_block[j, b].append(var)
        for (r, b), opened in self.open.items():
            self.model.add(sum(var for _, var in self.seats[r, b]) == k * opened)
        for sittings in by_judge_block.values():
            self.model.add_at_most_one(sittings)

        # no finalist before a panel holding a judge who may not hear them; a finalist's hearings in a
        # block sum to at most 1, so one inequality per judge covers all their slots there
        for (r, b), hearings in self.panel_of.items():
            for j, seat in self.seats[r, b]:
                for i, vars_ in hearings.items():
                    if not prep.compat[i, j]:
                        self.model.add(sum(vars_) + seat <= 1)
                for s in prep.blocks[b]:
                    if not prep.judge_slot[j, s] and self.at.get((r, s)):
                        self.model.add(sum(self.at[r, s]) + seat <= 1)
        self._daily_limits()
        self.phases: list[cp_model.LinearExpr] = []
        if not relaxed:
            phases = [self._balanced_panels(), self._judge_loads(), self._spread_then_compact()]
            self.phases = [phase for phase in phases if phase is not None]  # None: nothing to choose there

    def _bool(self) -> cp_model.IntVar:
        var = self.model.new_bool_var("")
        self.variables.append(var)
        return var

    def _int(self, low: int, high: int) -> cp_model.IntVar:
        var = self.model.new_int_var(low, high, "")
        self.variables.append(var)
        return var

    def _daily_limits(self) -> None:
        prep = self.prep
        for j, judge in enumerate(prep.instance.judges):
            limit = judge.max_slots_per_day
            if limit is None or j not in self.seatable:
                continue
            by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
            for (r, s), places in self.at.items():
                seat = self.p.get((j, r, prep.slot_block[s]))
                if seat is None or not prep.judge_slot[j, s]:
                    continue
                if len(prep.blocks[prep.slot_block[s]]) == 1:
                    by_day[prep.slot_day[s]].append(seat)  # a one-slot panel exists only if it hears
                    continue
                hears = self._bool()
                self.model.add(hears >= seat + sum(places) - 1)
                by_day[prep.slot_day[s]].append(hears)
            for hearings in by_day.values():
                if len(hearings) > limit:
                    self.model.add(sum(hearings) <= limit)

    def _balanced_panels(self) -> cp_model.LinearExpr | None:
        judges = self.prep.instance.judges
        k = self.prep.instance.panel_size
        tags = sorted({tag for judge in judges for tag in judge.expertise})
        universities: list[cp_model.IntVar] = []
        regions: list[cp_model.IntVar] = []
        uncovered: list[cp_model.IntVar] = []
        for (r, b), opened in self.open.items():
            seats = self.seats[r, b]
            for key in ("university", "region"):
                groups: dict[str, list[cp_model.IntVar]] = defaultdict(list)
                for j, var in seats:
                    groups[getattr(judges[j], key)].append(var)
                for members in groups.values():
                    if len(members) > 1:
                        excess = self._int(0, min(len(members), k) - 1)
                        self.model.add(excess >= sum(members) - 1)
                        (universities if key == "university" else regions).append(excess)
            for tag in tags:
                missing = self._bool()
                self.model.add(missing >= opened - sum(var for j, var in seats if tag in judges[j].expertise))
                uncovered.append(missing)
        panels = len(self.open)
        tag_bound = panels * len(tags) + 1
        region_bound = panels * max(k - 1, 0) + 1
        if not self.open:
            return None
        return _total(universities) * (region_bound * tag_bound) + _total(regions) * tag_bound + _total(uncovered)

    def _judge_loads(self) -> cp_model.LinearExpr | None:
        loads: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (j, _, _), var in self.p.items():
            loads[j].append(var)
        if not loads:
            return None
        squares: list[cp_model.IntVar] = []
        seats_total = self.prep.instance.panel_size * self.opened
        for seats in loads.values():
            most = min(len(seats), len(self.prep.blocks))
            square = self._int(0, most * most)
            for t in range(most):  # the tangents of load**2 between t and t + 1: exact on integers
                self.model.add(square >= (2 * t + 1) * sum(seats) - t * (t + 1))
            squares.append(square)
        self.model.add(_total(squares) >= seats_total)  # implied by square >= load; helps prove bounds
        return _total(squares)

    def _spread_then_compact(self) -> cp_model.LinearExpr | None:
        """The last two objectives in one solve (fewer solves, each with its own presolve, run faster):
        the compact term counts at most one per room-slot, so weighing spread above that keeps the order."""
        spread, compact = self._finalist_spread(), self._compact_days()
        if spread is None or compact is None:
            return None  # both exist as soon as anyone can be heard
        return spread * (len(self.prep.instance.rooms) * len(self.prep.slots) + 1) + compact

    def _finalist_spread(self) -> cp_model.LinearExpr | None:
        """Finalists of one region (university) before one room in one session beyond their fair share:
        their number divided by the fewest room-sessions that can hold every finalist, rounded up.
        Measured against the fewest, spreading never pays for opening more panels than needed."""
        prep = self.prep
        finalists = prep.instance.finalists
        if not self.x:
            return None
        fewest = _fewest([len(members) for members in prep.session_slots], len(prep.instance.rooms), len(finalists))
        totals: dict[str, cp_model.LinearExpr] = {}
        for key in ("region", "university"):
            groups: dict[str, list[int]] = defaultdict(list)
            for i, f in enumerate(finalists):
                groups[getattr(f, key)].append(i)
            excesses: list[cp_model.IntVar] = []
            for members in groups.values():
                share = -(-len(members) // fewest)
                if len(members) <= share:
                    continue
                member_set = set(members)
                before: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
                for (i, r, s), var in self.x.items():
                    if i in member_set:
                        before[r, prep.slot_session[s]].append(var)
                excess = self._int(0, len(members) - share)
                for vars_ in before.values():
                    self.model.add(excess >= sum(vars_) - share)
                excesses.append(excess)
            totals[key] = _total(excesses)
        return totals["region"] * (len(finalists) + 1) + totals["university"]

    def _compact_days(self) -> cp_model.LinearExpr | None:
        """Slots of each room-session up to its last hearing: least when every room hears its finalists
        back to back from the session's first slot."""
        prep = self.prep
        if not self.x:
            return None
        spans: list[cp_model.IntVar] = []
        for r in range(len(prep.instance.rooms)):
            for members in prep.session_slots:
                later: cp_model.IntVar | None = None  # "a hearing at or after this slot"
                for s in reversed(members):
                    if later is None and not self.at.get((r, s)):
                        continue
                    reached = self._bool()
                    if later is not None:
                        self.model.add(reached >= later)
                    if self.at.get((r, s)):
                        self.model.add(reached >= sum(self.at[r, s]))
                    spans.append(reached)
                    later = reached
        self.model.add(_total(spans) >= len(prep.instance.finalists))  # implied; proves a gapless day best
        return _total(spans)


def _fewest(lengths: list[int], rooms: int, hearings: int) -> int:
    """The fewest room-blocks (blocks of the given lengths, each in any of `rooms` rooms) that hold
    `hearings` hearings."""
    if hearings == 0:
        return 0
    ordered = sorted(lengths * rooms, reverse=True)
    return next((n for n, total in enumerate(itertools.accumulate(ordered), 1) if total >= hearings), len(ordered))


def _total(terms: list[cp_model.IntVar] | list[cp_model.LinearExpr]) -> cp_model.LinearExpr:
    return cp_model.LinearExpr.sum(terms)


def _solver(options: SolveOptions, seconds: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.random_seed = options.seed
    solver.parameters.num_workers = options.workers
    return solver


# ---------------------------------------------------------------- solving


def solve(instance: ScheduleInput, options: SolveOptions | None = None) -> Timetable:
    """The defence timetable of `instance`, found within `options.time_limit` seconds.

    Raises `InvalidInstance` when `validate` finds problems. INFEASIBLE comes with messages saying why
    (a failed check, or how many finalists can be heard together); OPTIMAL means every objective
    phase was proven optimal, FEASIBLE that the time limit stopped one; UNKNOWN that no timetable
    was found in time."""
    options = options or SolveOptions()
    problems = validate(instance)
    if problems:
        raise InvalidInstance(problems)
    deadline = time.monotonic() + options.time_limit
    prep = _prepare(instance)
    reasons = _prechecks(prep)
    if reasons:
        return Timetable(status="INFEASIBLE", messages=reasons)

    built = _Model(prep)
    solution: list[int] | None = None
    proven = True
    phases: list[cp_model.LinearExpr | None] = [*built.phases] or [None]  # None: only find a timetable
    # Each phase but the last also prefers fewer panels, without holding later phases to it: the choice
    # of how many panels to open is made early and is hard for a later phase to undo from its hint.
    for phase, objective in enumerate(phases):
        remaining = deadline - time.monotonic()
        if remaining <= 0 and solution is not None:
            proven = False
            break
        # the first phase also has to find a timetable at all: give it half of the time
        budget = remaining / 2 if phase == 0 and len(phases) > 1 else remaining / (len(phases) - phase)
        if objective is not None:
            last = phase == len(phases) - 1
            built.model.minimize(objective if last else objective * (len(built.open) + 1) + built.opened)
        if solution is not None:
            built.model.clear_hints()
            for var in built.variables:
                built.model.add_hint(var, solution[var.index])
        solver = _solver(options, budget)
        status = solver.solve(built.model)
        if status == cp_model.INFEASIBLE and solution is None:
            return Timetable(status="INFEASIBLE", messages=[_explain(prep, options, deadline)])
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if solution is None:
                return Timetable(
                    status="UNKNOWN",
                    messages=[_say("unknown", {"seconds": options.time_limit})],
                )
            proven = False
            break
        solution = list(solver.response_proto.solution)
        proven = proven and status == cp_model.OPTIMAL
        if objective is not None:
            built.model.add(objective <= solver.value(objective))
    assert solution is not None
    messages = []
    if not proven:
        messages.append(_say("not_proven", {"seconds": options.time_limit}))
    return _timetable(prep, built, solution, "OPTIMAL" if proven else "FEASIBLE", messages)


def _explain(prep: _Prepared, options: SolveOptions, deadline: float) -> Message:
    """Why an instance that passed every check has no timetable: how many finalists fit together."""
    n_f = len(prep.instance.finalists)
    relaxed = _Model(prep, relaxed=True)
    relaxed.model.maximize(sum(relaxed.heard))
    solver = _solver(options, max(deadline - time.monotonic(), 1.0))
    status = solver.solve(relaxed.model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        left_out = [f.id for i, f in enumerate(prep.instance.finalists) if not solver.value(relaxed.heard[i])]
        params: dict[str, str | int | float] = {
            "finalists": n_f,
            "placed": n_f - len(left_out),
            "unplaced": ", ".join(left_out),
        }
        if status == cp_model.OPTIMAL:
            return _say("partial_optimal", params)
        return _say("partial_found", params)
    return _say(
        "no_timetable",
        {
            "finalists": n_f,
            "rooms": len(prep.instance.rooms),
            "slots": len(prep.slots),
            "judges": len(prep.instance.judges),
            "k": prep.instance.panel_size,
        },
    )


def _timetable(
    prep: _Prepared, built: _Model, solution: list[int], status: Status, messages: list[Message]
) -> Timetable:
    instance = prep.instance
    rooms, judges, finalists = instance.rooms, instance.judges, instance.finalists
    per_slot = instance.panels == "slot"
    heard: dict[tuple[int, int], int] = {(r, s): i for (i, r, s), var in built.x.items() if solution[var.index]}
    seated: dict[tuple[int, int], list[int]] = defaultdict(list)
    for (j, r, b), var in built.p.items():
        if solution[var.index]:
            seated[r, b].append(j)

    panels: list[Panel] = []
    duties: dict[int, list[Sitting]] = defaultdict(list)
    for r, room in enumerate(rooms):
        for b, members in enumerate(prep.blocks):
            if not seated.get((r, b)):
                continue
            session = prep.sessions[prep.slot_session[members[0]]].id
            slot = prep.slots[members[0]].id if per_slot else None
            panels.append(Panel(room=room.id, session=session, slot=slot, judges=[judges[j].id for j in seated[r, b]]))
            count = sum((r, s) in heard for s in members)
            for j in seated[r, b]:
                duties[j].append(Sitting(room=room.id, session=session, slot=slot, hearings=count))
    hearings = [
        Hearing(
            room=room.id,
            session=prep.sessions[prep.slot_session[s]].id,
            slot=slot.id,
            start=slot.start,
            end=slot.end,
            finalist=finalists[heard[r, s]].id if (r, s) in heard else None,
        )
        for r, room in enumerate(rooms)
        for s, slot in enumerate(prep.slots)
    ]
    judge_duties = [
        JudgeDuty(
            judge=judge.id,
            sittings=duties[j],
            load=len(duties[j]),
            hearings=sum(sitting.hearings for sitting in duties[j]),
        )
        for j, judge in enumerate(judges)
    ]
    return Timetable(
        status=status,
        messages=messages,
        panels=panels,
        hearings=hearings,
        judges=judge_duties,
        figures=_figures(prep, built.seatable, heard, seated),
    )


def _figures(
    prep: _Prepared, seatable: set[int], heard: dict[tuple[int, int], int], seated: dict[tuple[int, int], list[int]]
) -> Figures:
    instance = prep.instance
    judges, finalists = instance.judges, instance.finalists
    tags = {tag for judge in judges for tag in judge.expertise}
    university_duplicates = region_duplicates = uncovered = 0
    loads: dict[int, int] = dict.fromkeys(seatable, 0)
    for members in seated.values():
        university_duplicates += len(members) - len({judges[j].university for j in members})
        region_duplicates += len(members) - len({judges[j].region for j in members})
        uncovered += len(tags - {tag for j in members for tag in judges[j].expertise})
        for j in members:
            loads[j] = loads.get(j, 0) + 1
    before: dict[tuple[str, str, int, int], int] = defaultdict(int)
    for (r, s), i in heard.items():
        before["region", finalists[i].region, r, prep.slot_session[s]] += 1
        before["university", finalists[i].university, r, prep.slot_session[s]] += 1
    gaps = 0
    for r in range(len(instance.rooms)):
        for members in prep.session_slots:
            used = [s for s in members if (r, s) in heard]
            if used:
                gaps += (used[-1] - used[0] + 1) - len(used)
    return Figures(
        panels=len(seated),
        panel_university_duplicates=university_duplicates,
        panel_region_duplicates=region_duplicates,
        panel_tags_uncovered=uncovered,
        judge_load_min=min(loads.values(), default=0),
        judge_load_max=max(loads.values(), default=0),
        judge_load_spread=max(loads.values(), default=0) - min(loads.values(), default=0),
        region_max_per_panel=max((n for key, n in before.items() if key[0] == "region"), default=0),
        university_max_per_panel=max((n for key, n in before.items() if key[0] == "university"), default=0),
        gaps=gaps,
    )
