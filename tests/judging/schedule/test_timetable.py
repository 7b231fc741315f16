"""The defence timetable solver: hand-made cases with known shapes, each hard rule checked over the
output by an independent checker, explained infeasibility, and property tests against brute force."""

import random
from collections import Counter
from datetime import datetime, timedelta, timezone

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judging.schedule import (
    Finalist,
    InvalidInstance,
    Judge,
    Room,
    ScheduleInput,
    Session,
    Slot,
    SolveOptions,
    Timetable,
    solve,
    validate,
)
from tests.judging.schedule.oracle import brute_force_feasible, violations

BEIJING = timezone(timedelta(hours=8))
REPEATABLE = SolveOptions(time_limit=10, seed=0, workers=1)


def day_plan(days: int = 1, sessions_per_day: int = 2, slots: int = 3, minutes: int = 20) -> list[Session]:
    """Sessions d1a, d1p, d2a ... of `slots` back-to-back slots (d1a1, d1a2 ...), mornings and afternoons."""
    plan = []
    for d in range(days):
        for half, hour in zip("ap", (8, 14), strict=False):
            if half == "p" and sessions_per_day < 2:
                break
            start = datetime(2027, 8, 1 + d, hour, 30, tzinfo=BEIJING)
            name = f"d{d + 1}{half}"
            plan.append(
                Session(
                    id=name,
                    slots=[
                        Slot(
                            id=f"{name}{n + 1}",
                            start=start + timedelta(minutes=minutes * n),
                            end=start + timedelta(minutes=minutes * (n + 1)),
                        )
                        for n in range(slots)
                    ],
                )
            )
    return plan


def rooms(n: int, track: str | None = None) -> list[Room]:
    return [Room(id=f"r{i + 1}", name=f"Room {i + 1}", track=track) for i in range(n)]


def judges_from(universities: str, region: str = "华东") -> list[Judge]:
    return [Judge(id=f"j{u}", university=u, region=region) for u in universities]


def heard_at(timetable: Timetable) -> dict[str, tuple[str, str]]:
    return {h.finalist: (h.room, h.slot) for h in timetable.hearings if h.finalist}


def panel_for(timetable: Timetable, room: str, session: str) -> set[str]:
    return next(set(p.judges) for p in timetable.panels if p.room == room and p.session == session)


def solved(instance: ScheduleInput, options: SolveOptions = REPEATABLE) -> Timetable:
    timetable = solve(instance, options)
    assert timetable.status in ("OPTIMAL", "FEASIBLE"), timetable.messages
    assert violations(instance, timetable) == []
    return timetable


# ---------------------------------------------------------------- feasible cases with known shapes


def test_conflicts_outrank_spreading_a_university_over_rooms():
    """Two finalists of university A and two of B, judges of A, B, C, D, panels of two for one session:
    mixing A and B finalists in a room would need C and D on both panels, so each room hears one
    university before the other university's judge."""
    instance = ScheduleInput(
        rooms=rooms(2),
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[
            Finalist(id="a1", university="A", region="华北"),
            Finalist(id="a2", university="A", region="华北"),
            Finalist(id="b1", university="B", region="华南"),
            Finalist(id="b2", university="B", region="华南"),
        ],
        judges=judges_from("ABCD"),
        panel_size=2,
    )
    timetable = solved(instance)
    where = heard_at(timetable)
    room_a, room_b = where["a1"][0], where["b1"][0]
    assert where["a2"][0] == room_a and where["b2"][0] == room_b and room_a != room_b
    assert "jB" in panel_for(timetable, room_a, "d1a") and "jA" in panel_for(timetable, room_b, "d1a")
    assert {h.slot for h in timetable.hearings if h.finalist} == {"d1a1", "d1a2"}
    assert timetable.status == "OPTIMAL"
    assert timetable.figures is not None and timetable.figures.university_max_per_panel == 2


def test_fewest_panels_even_loads_spread_regions_and_no_gaps():
    """Six finalists fit two room-sessions of three slots; six judges of six universities from three
    regions sit one panel each, every panel mixes regions, each room hears both regions' finalists,
    from the first slot on."""
    regions = ["华北", "华南", "西北"]
    instance = ScheduleInput(
        rooms=rooms(2),
        sessions=day_plan(sessions_per_day=2, slots=3),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region=["东北", "西南"][i % 2]) for i in range(6)],
        judges=[Judge(id=f"j{i}", university=f"V{i}", region=regions[i % 3]) for i in range(6)],
        panel_size=3,
    )
    timetable = solved(instance)
    figures = timetable.figures
    assert figures is not None
    assert figures.panels == 2 and figures.gaps == 0
    assert figures.judge_load_min == figures.judge_load_max == 1
    assert figures.panel_region_duplicates == 0 and figures.panel_university_duplicates == 0
    assert figures.region_max_per_panel == 2  # 3 of each region over the 2 panels that must do
    assert all(duty.load == 1 and duty.hearings == 3 for duty in timetable.judges)
    used_slots = Counter(h.slot[-1] for h in timetable.hearings if h.finalist)
    assert used_slots == {"1": 2, "2": 2, "3": 2}


def test_two_judges_of_one_university_sit_apart_when_they_can():
    instance = ScheduleInput(
        rooms=rooms(2),
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region="华东") for i in range(4)],
        judges=[Judge(id=f"j{i}", university=u, region=f"R{i}") for i, u in enumerate("AABBCD")],
        panel_size=3,
    )
    timetable = solved(instance)
    assert timetable.figures is not None and timetable.figures.panel_university_duplicates == 0
    for panel in timetable.panels:
        universities = [next(j.university for j in instance.judges if j.id == jid) for jid in panel.judges]
        assert len(set(universities)) == 3


def test_judge_loads_are_even():
    """Four one-room sessions of two slots, eight finalists, four judges, panels of two: eight seats,
    so every judge sits exactly two sessions (one judge sitting all four would also be valid)."""
    instance = ScheduleInput(
        rooms=rooms(1),
        sessions=day_plan(days=2, sessions_per_day=2, slots=2),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region="华东") for i in range(8)],
        judges=judges_from("ABCD"),
        panel_size=2,
    )
    timetable = solved(instance)
    assert [duty.load for duty in timetable.judges] == [2, 2, 2, 2]


def test_compact_day_starts_at_the_first_slot_and_leaves_no_gap():
    instance = ScheduleInput(
        rooms=rooms(1),
        sessions=day_plan(sessions_per_day=1, slots=4),
        finalists=[
            Finalist(id="early", university="U1", region="华东"),
            Finalist(id="late", university="U2", region="华东", unavailable=["d1a1"]),
        ],
        judges=judges_from("AB"),
        panel_size=2,
    )
    timetable = solved(instance)
    assert heard_at(timetable) == {"early": ("r1", "d1a1"), "late": ("r1", "d1a2")}
    assert timetable.figures is not None and timetable.figures.gaps == 0


def test_tracks_keep_finalists_and_judges_in_their_rooms():
    instance = ScheduleInput(
        rooms=[Room(id="app", track="app"), Room(id="game", track="game")],
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[
            Finalist(id="a1", university="U1", region="华东", track="app"),
            Finalist(id="a2", university="U2", region="华东", track="app"),
            Finalist(id="g1", university="U3", region="华东", track="game"),
        ],
        judges=[
            Judge(id="ja1", university="A", region="华北", tracks=["app"]),
            Judge(id="ja2", university="B", region="华南", tracks=["app"]),
            Judge(id="jg1", university="C", region="华北", tracks=["game"]),
            Judge(id="jany", university="D", region="西北"),
        ],
        panel_size=2,
    )
    timetable = solved(instance)
    where = heard_at(timetable)
    assert where["a1"][0] == where["a2"][0] == "app" and where["g1"][0] == "game"
    assert panel_for(timetable, "app", "d1a") == {"ja1", "ja2"}
    assert panel_for(timetable, "game", "d1a") == {"jg1", "jany"}


def test_per_slot_panels_hear_what_a_fixed_panel_cannot():
    """One room, one session, panels of one: a and b each conflict with one of the two judges. A panel
    fixed for the session cannot hear both; panels that change per slot can."""
    finalists = [Finalist(id="a", university="A", region="华东"), Finalist(id="b", university="B", region="华东")]
    fixed = ScheduleInput(
        rooms=rooms(1),
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=finalists,
        judges=judges_from("AB"),
        panel_size=1,
    )
    refused = solve(fixed, REPEATABLE)
    assert refused.status == "INFEASIBLE"
    assert [m.id for m in refused.messages] == ["partial_optimal"]
    assert refused.messages[0].params == {
        "finalists": 2,
        "placed": 1,
        "unplaced": refused.messages[0].params["unplaced"],
    }
    assert refused.messages[0].params["unplaced"] in ("a", "b")
    assert not brute_force_feasible(fixed)

    per_slot = msgspec.structs.replace(fixed, panels="slot")
    timetable = solved(per_slot)
    assert sorted((p.slot, p.judges) for p in timetable.panels) in (
        [("d1a1", ["jA"]), ("d1a2", ["jB"])],
        [("d1a1", ["jB"]), ("d1a2", ["jA"])],
    )
    assert {d.judge: d.load for d in timetable.judges} == {"jA": 1, "jB": 1}


def test_unavailable_judges_and_daily_limits_are_kept():
    instance = ScheduleInput(
        rooms=rooms(1),
        sessions=day_plan(days=2, sessions_per_day=1, slots=2),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region="华东") for i in range(4)],
        judges=[
            Judge(id="tired", university="A", region="华东", max_slots_per_day=1),
            Judge(id="away", university="B", region="华东", unavailable=["d1a"]),
            Judge(id="busy", university="C", region="华东", unavailable=["d2a2"]),
            Judge(id="free", university="D", region="华东"),
        ],
        panel_size=2,
    )
    timetable = solved(instance)
    sat = {d.judge: [s.session for s in d.sittings] for d in timetable.judges}
    assert "d1a" not in sat["away"] and "d2a" not in sat["busy"] and sat["tired"] == []
    assert sorted(sat["free"]) == ["d1a", "d2a"]


def test_same_input_same_timetable_with_one_worker_and_a_seed():
    instance = ScheduleInput(
        rooms=rooms(2),
        sessions=day_plan(sessions_per_day=2, slots=3),
        finalists=[Finalist(id=f"f{i}", university=f"U{i % 3}", region=f"R{i % 2}") for i in range(9)],
        judges=[Judge(id=f"j{i}", university=f"V{i % 4}", region=f"R{i % 3}") for i in range(8)],
        panel_size=3,
    )
    assert msgspec.json.encode(solve(instance, REPEATABLE)) == msgspec.json.encode(solve(instance, REPEATABLE))


# ---------------------------------------------------------------- the checker catches broken rules


def _valid_case() -> tuple[ScheduleInput, Timetable]:
    instance = ScheduleInput(
        rooms=rooms(2),
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region="华东", advisors=[f"t{i}"]) for i in range(4)],
        judges=[Judge(id=f"j{i}", university=f"V{i}", region="华东") for i in range(4)],
        panel_size=2,
    )
    return instance, solved(instance)


def test_checker_finds_a_judge_in_two_rooms_and_a_short_panel():
    instance, timetable = _valid_case()
    first, second = timetable.panels
    moved = [first, msgspec.structs.replace(second, judges=[first.judges[0]])]
    found = violations(instance, msgspec.structs.replace(timetable, panels=moved))
    assert any("at the same time" in v for v in found) and any("not 2 distinct" in v for v in found)


def test_checker_finds_conflicts_of_every_kind():
    instance, timetable = _valid_case()
    heard_by = {h.finalist: h.room for h in timetable.hearings if h.finalist}
    judge = timetable.panels[0].judges[0]
    finalist = next(f for f, room in heard_by.items() if room == timetable.panels[0].room)
    for conflicted in (
        msgspec.structs.replace(instance, conflicts=[(finalist, judge)]),
        msgspec.structs.replace(
            instance,
            finalists=[
                msgspec.structs.replace(f, advisors=[judge]) if f.id == finalist else f for f in instance.finalists
            ],
        ),
        msgspec.structs.replace(
            instance,
            judges=[
                msgspec.structs.replace(j, university=f"U{finalist[1:]}") if j.id == judge else j
                for j in instance.judges
            ],
        ),
    ):
        assert violations(conflicted, timetable) == [f"judge {judge} may not hear finalist {finalist}"]


def test_checker_finds_double_hearings_unavailability_and_daily_limits():
    instance, timetable = _valid_case()
    hearings = list(timetable.hearings)
    used = [i for i, h in enumerate(hearings) if h.finalist]
    hearings[used[1]] = msgspec.structs.replace(hearings[used[1]], finalist=hearings[used[0]].finalist)
    found = violations(instance, msgspec.structs.replace(timetable, hearings=hearings))
    assert any("heard 2 times" in v for v in found) and any("heard 0 times" in v for v in found)

    judge = timetable.panels[0].judges[0]
    strict = msgspec.structs.replace(
        instance,
        judges=[
            msgspec.structs.replace(j, unavailable=["d1a2"], max_slots_per_day=1) if j.id == judge else j
            for j in instance.judges
        ],
    )
    found = violations(strict, timetable)
    assert any("where they are unavailable" in v for v in found) and any("more than 1" in v for v in found)


# ---------------------------------------------------------------- infeasible cases, explained


def test_too_many_finalists_for_the_rooms():
    instance = ScheduleInput(
        rooms=rooms(2),
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region="华东") for i in range(5)],
        judges=judges_from("ABCD"),
        panel_size=1,
    )
    timetable = solve(instance, REPEATABLE)
    assert timetable.status == "INFEASIBLE" and timetable.panels == [] and timetable.figures is None
    (message,) = timetable.messages
    assert message.id == "capacity"
    assert message.render() == "5 finalists need 5 slots; 2 rooms x 2 slots = 4"


def test_a_finalist_every_judge_conflicts_with():
    instance = ScheduleInput(
        rooms=rooms(1),
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[
            Finalist(id="ok", university="X", region="华东"),
            Finalist(id="stuck", university="A", region="华东", advisors=["jB"]),
        ],
        judges=[*judges_from("AB"), Judge(id="jC", university="C", region="华东")],
        conflicts=[("stuck", "jC")],
        panel_size=1,
    )
    timetable = solve(instance, REPEATABLE)
    assert timetable.status == "INFEASIBLE"
    (message,) = timetable.messages
    assert message.id == "finalist_all_conflicted" and message.params == {"id": "stuck", "n": 3}
    assert message.render() == "finalist stuck has no possible panel: every judge of 3 available is conflicted"


def test_a_finalist_with_too_few_judges_for_a_panel():
    instance = ScheduleInput(
        rooms=rooms(1),
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[Finalist(id="f", university="A", region="华东")],
        judges=judges_from("ABC"),
        panel_size=3,
    )
    (message,) = solve(instance, REPEATABLE).messages
    assert message.id == "finalist_few_judges"
    assert message.params == {"id": "f", "eligible": 2, "n": 3, "k": 3}


def test_too_few_judges_at_one_time():
    """Two rooms and six finalists need both rooms in the one session, so four judges at once; the
    fourth judge is away that morning."""
    instance = ScheduleInput(
        rooms=rooms(2),
        sessions=day_plan(sessions_per_day=1, slots=3),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region="华东") for i in range(6)],
        judges=[*judges_from("ABC"), Judge(id="jD", university="D", region="华东", unavailable=["d1a"])],
        panel_size=2,
    )
    timetable = solve(instance, REPEATABLE)
    assert timetable.status == "INFEASIBLE"
    assert [m.id for m in timetable.messages] == ["judges_short", "judges_short_at"]
    assert timetable.messages[0].params == {"finalists": 6, "k": 2, "capacity": 3}
    assert (
        timetable.messages[1].render()
        == "4 judges needed at 2027-08-01T08:30:00+08:00 (d1a) to open all 2 rooms, only 3 available"
    )


def test_daily_limits_leave_too_few_judge_hearings():
    instance = ScheduleInput(
        rooms=rooms(1),
        sessions=day_plan(sessions_per_day=2, slots=2),
        finalists=[Finalist(id=f"f{i}", university=f"U{i}", region="华东") for i in range(4)],
        judges=[Judge(id=f"j{u}", university=u, region="华东", max_slots_per_day=2) for u in "ABC"],
        panel_size=2,
    )
    (message,) = solve(instance, REPEATABLE).messages
    assert message.id == "judge_slots_short"
    assert message.params == {"finalists": 4, "k": 2, "needed": 8, "capacity": 6}


def test_finalists_crowding_one_track():
    instance = ScheduleInput(
        rooms=[Room(id="app", track="app"), Room(id="game", track="game")],
        sessions=day_plan(sessions_per_day=1, slots=2),
        finalists=[Finalist(id=f"g{i}", university=f"U{i}", region="华东", track="game") for i in range(3)],
        judges=judges_from("ABC"),
        panel_size=1,
    )
    (message,) = solve(instance, REPEATABLE).messages
    assert message.id == "finalists_short"
    assert message.params == {"count": 3, "finalists": "g0, g1, g2", "capacity": 2}


# ---------------------------------------------------------------- malformed input


def test_malformed_instances_are_refused_with_reasons():
    session = day_plan(sessions_per_day=1, slots=2)[0]
    clash = Slot(id="clash", start=session.slots[0].start + timedelta(minutes=5), end=session.slots[1].end)
    instance = ScheduleInput(
        rooms=rooms(1) + rooms(1),
        sessions=[session, Session(id="other", slots=[clash])],
        finalists=[Finalist(id="f", university="A", region="华东", unavailable=["nowhen"])],
        judges=judges_from("B"),
        conflicts=[("f", "nobody")],
        panel_size=0,
    )
    found = {m.id for m in validate(instance)}
    assert found == {
        "duplicate_room",
        "panel_size",
        "slots_overlap",
        "sessions_overlap",
        "unknown_time_finalist",
        "unknown_conflict_judge",
    }
    with pytest.raises(InvalidInstance) as refused:
        solve(instance)
    assert "room id r1 is used more than once" in str(refused.value)


def test_naive_and_zoned_times_do_not_mix():
    start = datetime(2027, 8, 1, 8, 30)
    instance = ScheduleInput(
        rooms=rooms(1),
        sessions=[
            Session(
                id="s", slots=[Slot(id="a", start=start, end=start.replace(tzinfo=BEIJING) + timedelta(minutes=20))]
            )
        ],
        finalists=[],
        judges=[],
    )
    assert [m.id for m in validate(instance)] == ["mixed_offsets"]


def test_no_finalists_is_an_empty_timetable():
    instance = ScheduleInput(rooms=rooms(1), sessions=day_plan(slots=1), finalists=[], judges=judges_from("A"))
    timetable = solved(instance)
    assert timetable.panels == [] and all(h.finalist is None for h in timetable.hearings)


# ---------------------------------------------------------------- properties on random instances


@st.composite
def instances(draw, max_finalists: int, max_judges: int, max_rooms: int, max_slots: int, tracks: bool = True):
    """Random small instances: a few rooms (maybe with tracks), one or two sessions of a few slots on
    one or two days, finalists and judges of a few universities with conflicts and unavailability.
    Without `tracks`, fewer instances fail the cheap checks and more test the search itself."""
    track_names = ["app", "game"] if tracks else []
    n_sessions = draw(st.integers(1, 2))
    per_session = [draw(st.integers(1, max_slots)) for _ in range(n_sessions)]
    two_days = draw(st.booleans())
    sessions = []
    for q, count in enumerate(per_session):
        start = datetime(2027, 8, 1 + (q if two_days else 0), 8 + 6 * q, 0)
        sessions.append(
            Session(
                id=f"s{q}",
                slots=[
                    Slot(
                        id=f"s{q}.{n}",
                        start=start + timedelta(minutes=30 * n),
                        end=start + timedelta(minutes=30 * n + 25),
                    )
                    for n in range(count)
                ],
            )
        )
    times = [s.id for s in sessions] + [slot.id for s in sessions for slot in s.slots]
    n_rooms = draw(st.integers(1, max_rooms))
    room_list = [
        Room(id=f"r{i}", track=draw(st.sampled_from([None, None, None, *track_names]))) for i in range(n_rooms)
    ]
    n_judges = draw(st.integers(1, max_judges))
    judge_ids = [f"j{i}" for i in range(n_judges)]
    judges = [
        Judge(
            id=jid,
            university=draw(st.sampled_from("ABCDEF")),
            region=draw(st.sampled_from(["N", "S"])),
            expertise=draw(st.lists(st.sampled_from(["ux", "ai", "web"]), max_size=2, unique=True)),
            tracks=draw(st.sampled_from([[], [], *([name] for name in track_names), track_names])),
            unavailable=draw(st.lists(st.sampled_from(times), max_size=1)),
            max_slots_per_day=draw(st.sampled_from([None, None, None, 0, 1, 2])),
        )
        for jid in judge_ids
    ]
    finalists = [
        Finalist(
            id=f"f{i}",
            university=draw(st.sampled_from("ABC")),
            region=draw(st.sampled_from(["N", "S"])),
            track=draw(st.sampled_from([None, None, None, *track_names])),
            advisors=draw(st.sampled_from([[], [], [draw(st.sampled_from(judge_ids))]])),
            unavailable=draw(st.sampled_from([[], [], [], [draw(st.sampled_from(times))]])),
        )
        # at most one finalist more than the room-slots, so that capacity is not what fails most
        for i in range(draw(st.integers(1, min(max_finalists, n_rooms * sum(per_session) + 1))))
    ]
    conflicts = draw(
        st.lists(st.tuples(st.sampled_from([f.id for f in finalists]), st.sampled_from(judge_ids)), max_size=2)
    )
    return ScheduleInput(
        rooms=room_list,
        sessions=sessions,
        finalists=finalists,
        judges=judges,
        conflicts=conflicts,
        panel_size=draw(st.integers(1, 2)),
        panels=draw(st.sampled_from(["session", "slot"])),
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(3, 4, 2, 2), instances(3, 4, 2, 2, tracks=False)))
def test_tiny_instances_agree_with_brute_force(instance):
    timetable = solve(instance, REPEATABLE)
    assert timetable.status != "UNKNOWN"
    exists = brute_force_feasible(instance)
    if timetable.status in ("OPTIMAL", "FEASIBLE"):
        assert violations(instance, timetable) == []
        assert exists
    else:
        assert timetable.messages and all(m.render() for m in timetable.messages)
        assert not exists, timetable.messages


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(instances(8, 8, 3, 3), instances(8, 8, 3, 3, tracks=False)))
def test_small_instances_never_break_a_hard_rule(instance):
    timetable = solve(instance, SolveOptions(time_limit=3))  # a few take longer to prove: FEASIBLE then
    if timetable.status in ("OPTIMAL", "FEASIBLE"):
        assert violations(instance, timetable) == []
        assert timetable.figures is not None and timetable.figures.panels == len(timetable.panels)
    else:
        assert timetable.status == "INFEASIBLE" and timetable.messages


# ---------------------------------------------------------------- a final of realistic size


def test_a_final_of_realistic_size():
    """60 finalists from 40 universities in 8 regions, 4 rooms, 2 days of two 8-slot sessions, 40 judges,
    panels of 5, a few declared conflicts and every finalist's advisor."""
    rng = random.Random(11)
    regions = ["东北", "华北", "华东", "华中", "西北", "西南", "华南", "海外"]
    universities = [(f"u{i}", regions[i % 8]) for i in range(40)]
    finalists = []
    for i in range(60):
        university, region = rng.choice(universities)
        finalists.append(Finalist(id=f"f{i}", university=university, region=region, advisors=[f"t{i}"]))
    tags = ["前端", "后端", "设计", "AI", "游戏", "产品"]
    judges = [
        Judge(
            id=f"j{n}",
            university=universities[(7 * n) % 40][0],
            region=universities[(7 * n) % 40][1],
            expertise=rng.sample(tags, 2),
            unavailable=["d2p"] if n % 10 == 0 else [],
        )
        for n in range(40)
    ]
    instance = ScheduleInput(
        rooms=rooms(4),
        sessions=day_plan(days=2, sessions_per_day=2, slots=8),
        finalists=finalists,
        judges=judges,
        conflicts=[(f"f{rng.randrange(60)}", f"j{rng.randrange(40)}") for _ in range(15)],
        panel_size=5,
    )
    timetable = solve(instance, SolveOptions(time_limit=20))
    assert timetable.status in ("OPTIMAL", "FEASIBLE")
    assert violations(instance, timetable) == []
    figures = timetable.figures
    assert figures is not None and figures.panel_university_duplicates == 0
    assert figures.panels >= 8 and figures.judge_load_spread <= 1
