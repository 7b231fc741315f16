"""Independent judges of a timetable, written from the rules rather than from the solver's model:
`violations` checks a timetable against every hard rule; `brute_force_feasible` searches all
timetables of a tiny instance."""

import itertools
from collections import Counter, defaultdict
from datetime import date

from judging.schedule import Finalist, Judge, ScheduleInput, Timetable


def _slot_table(instance: ScheduleInput):
    """slot id -> (session id, slot)"""
    return {slot.id: (session.id, slot) for session in instance.sessions for slot in session.slots}


def _away(person: Finalist | Judge, instance: ScheduleInput, slot_id: str) -> bool:
    session_id = _slot_table(instance)[slot_id][0]
    return slot_id in person.unavailable or session_id in person.unavailable


def may_hear(instance: ScheduleInput, judge: Judge, finalist: Finalist) -> bool:
    """The conflict and track rules between one judge and one finalist."""
    if judge.university == finalist.university or judge.id in finalist.advisors:
        return False
    if (finalist.id, judge.id) in {tuple(pair) for pair in instance.conflicts}:
        return False
    return not (judge.tracks and finalist.track is not None and finalist.track not in judge.tracks)


def violations(instance: ScheduleInput, timetable: Timetable) -> list[str]:
    """Every broken hard rule, in words (empty: the timetable is valid)."""
    out: list[str] = []
    slots = _slot_table(instance)
    rooms = {room.id: room for room in instance.rooms}
    finalists = {f.id: f for f in instance.finalists}
    judges = {j.id: j for j in instance.judges}
    k = instance.panel_size

    places = Counter((h.room, h.slot) for h in timetable.hearings)
    out += [f"room-slot {place} listed {n} times" for place, n in places.items() if n > 1]
    heard = [h for h in timetable.hearings if h.finalist is not None]
    times_heard = Counter(h.finalist for h in heard)
    for f in instance.finalists:
        if times_heard[f.id] != 1:
            out.append(f"finalist {f.id} heard {times_heard[f.id]} times")
    out += [f"unknown finalist {fid}" for fid in times_heard if fid not in finalists]
    out += [f"unknown room or slot {h.room}/{h.slot}" for h in heard if h.room not in rooms or h.slot not in slots]

    def block_of(slot_id: str) -> tuple[str, str | None]:
        session_id = slots[slot_id][0]
        return (session_id, None) if instance.panels == "session" else (session_id, slot_id)

    panels: dict[tuple[str, str, str | None], list[str]] = {}
    for panel in timetable.panels:
        key = (panel.room, panel.session, panel.slot)
        if key in panels:
            out.append(f"two panels for {key}")
        panels[key] = panel.judges
        if len(panel.judges) != k or len(set(panel.judges)) != k:
            out.append(f"panel {key} has judges {panel.judges}, not {k} distinct ones")
        out += [f"unknown judge {j}" for j in panel.judges if j not in judges]
        if (instance.panels == "session") != (panel.slot is None):
            out.append(f"panel {key} does not match the panel mode {instance.panels}")
        room = rooms.get(panel.room)
        for jid in panel.judges:
            judge = judges.get(jid)
            if room and judge and room.track and judge.tracks and room.track not in judge.tracks:
                out.append(f"judge {jid} sits in room {room.id} of track {room.track}")
    used = {(h.room, *block_of(h.slot)) for h in heard if h.slot in slots}
    out += [f"room-block {key} hears finalists without a panel" for key in used - panels.keys()]
    out += [f"panel {key} hears nobody" for key in panels.keys() - used]

    # no judge in two rooms at once: the time spans of the panels a judge sits must not overlap
    spans: dict[str, list[tuple[str, object, object]]] = defaultdict(list)
    for (room, session_id, slot_id), members in panels.items():
        session = next((s for s in instance.sessions if s.id == session_id), None)
        if session is None:
            out.append(f"panel in unknown session {session_id}")
            continue
        covered = [s for s in session.slots if slot_id is None or s.id == slot_id]
        start, end = min(s.start for s in covered), max(s.end for s in covered)
        for jid in members:
            spans[jid].append((room, start, end))
    for jid, sat in spans.items():
        for (room_a, start_a, end_a), (room_b, start_b, end_b) in itertools.combinations(sat, 2):
            if start_a < end_b and start_b < end_a:
                out.append(f"judge {jid} sits in {room_a} and {room_b} at the same time")

    per_day: Counter[tuple[str, date]] = Counter()
    for h in heard:
        if h.finalist not in finalists or h.slot not in slots:
            continue
        f, room = finalists[h.finalist], rooms[h.room]
        if room.track is not None and room.track != f.track:
            out.append(f"finalist {f.id} of track {f.track} in room {room.id} of track {room.track}")
        if _away(f, instance, h.slot):
            out.append(f"finalist {f.id} heard at {h.slot}, where they are unavailable")
        for jid in panels.get((h.room, *block_of(h.slot)), []):
            judge = judges.get(jid)
            if judge is None:
                continue
            if not may_hear(instance, judge, f):
                out.append(f"judge {jid} may not hear finalist {f.id}")
            if _away(judge, instance, h.slot):
                out.append(f"judge {jid} hears {f.id} at {h.slot}, where they are unavailable")
            per_day[jid, slots[h.slot][1].start.date()] += 1
    for (jid, day), n in per_day.items():
        limit = judges[jid].max_slots_per_day
        if limit is not None and n > limit:
            out.append(f"judge {jid} hears {n} finalists on {day}, more than {limit}")

    duties = {duty.judge: duty for duty in timetable.judges}
    for jid in judges:
        sat = sum(jid in members for members in panels.values())
        if jid not in duties or duties[jid].load != sat:
            out.append(f"judge {jid}'s duties do not match the panels ({sat} panels)")
    return out


def brute_force_feasible(instance: ScheduleInput) -> bool:
    """Whether any timetable obeys every hard rule: all placements of finalists into room-slots, then all
    panels for the used room-blocks. Only for tiny instances."""
    slots = _slot_table(instance)
    slot_ids = list(slots)
    k = instance.panel_size
    places = [(room, sid) for room in instance.rooms for sid in slot_ids]

    def block(sid: str) -> tuple[str, str | None]:
        return (slots[sid][0], None) if instance.panels == "session" else (slots[sid][0], sid)

    def placeable(f: Finalist, place) -> bool:
        room, sid = place
        return (room.track is None or room.track == f.track) and not _away(f, instance, sid)

    def panels_exist(placement) -> bool:
        # room-blocks in use, grouped by block; the panels of one block must be disjoint
        by_block: dict[tuple[str, str | None], dict[str, list[tuple[Finalist, str]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for f, (room, sid) in zip(instance.finalists, placement, strict=True):
            by_block[block(sid)][room.id].append((f, sid))
        rooms = {room.id: room for room in instance.rooms}

        def fits(judge: Judge, room_id: str, hearings) -> bool:
            track = rooms[room_id].track
            if track and judge.tracks and track not in judge.tracks:
                return False
            return all(may_hear(instance, judge, f) and not _away(judge, instance, sid) for f, sid in hearings)

        blocks = list(by_block.items())

        def search(b: int, taken_per_day: Counter) -> bool:
            if b == len(blocks):
                return True
            _, rooms_used = blocks[b]
            choices = []
            for room_id, hearings in rooms_used.items():
                fitting = [j for j in instance.judges if fits(j, room_id, hearings)]
                choices.append([(room_id, hearings, combo) for combo in itertools.combinations(fitting, k)])
            for combination in itertools.product(*choices):
                seated = [j.id for _, _, combo in combination for j in combo]
                if len(seated) != len(set(seated)):
                    continue
                load = Counter(taken_per_day)
                for _, hearings, combo in combination:
                    for j in combo:
                        for _, sid in hearings:
                            load[j.id, slots[sid][1].start.date()] += 1
                limits = {j.id: j.max_slots_per_day for j in instance.judges}
                if any(limits[jid] is not None and n > limits[jid] for (jid, _), n in load.items()):
                    continue
                if search(b + 1, load):
                    return True
            return False

        return search(0, Counter())

    options = [[place for place in places if placeable(f, place)] for f in instance.finalists]
    for placement in itertools.product(*options):
        if len({(room.id, sid) for room, sid in placement}) == len(placement) and panels_exist(placement):
            return True
    return False
