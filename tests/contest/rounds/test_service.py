"""Rounds through their services on the real database (each test rolled back): configuration by
national organizers, participants, per-team extensions and windows."""

from datetime import timedelta

import pytest

from contest.lib.audit.service import entries_for
from contest.lib.errors import Conflict, Forbidden, InvalidInput, InvalidState
from contest.rounds import participants, service
from contest.rounds.schemas import ExtensionIn, ParticipantsIn, RoundIn, RoundPatch, SlotIn, SlotPatch
from contest.teams import roster
from contest.teams.schemas import TeamIn
from tests import factories as f


async def make_team(clock, contest_id, track_id, province="北京", name=None):
    university = await f.university(province=province)
    leader = await f.principal(await f.user(clock, university_id=university))
    team = await roster.create_team(
        f.runtime(clock), leader, contest_id, TeamIn(name or f"队{leader.user_id}", track_id)
    )
    return team.id


async def test_the_default_rounds_come_once_and_only_from_national_organizers(service_db, clock):
    rt = f.runtime(clock)
    contest_id, _ = await f.contest(clock)
    regional = await f.organizer(clock, contest_id, region="EC")
    with pytest.raises(Forbidden):
        await service.add_default_rounds(rt, regional, contest_id)
    national = await f.organizer(clock, contest_id)
    rounds = await service.add_default_rounds(rt, national, contest_id)
    assert [(r.position, r.name_en, r.blind, r.all_teams, r.state) for r in rounds] == [
        (1, "Regional preliminary", True, True, "unscheduled"),
        (2, "National semi-final", False, False, "unscheduled"),
        (3, "National final", False, False, "unscheduled"),
    ]
    assert [s.code for s in rounds[0].slots] == ["design_document", "demo_video", "code_package", "code_image", "appid"]
    with pytest.raises(Conflict):
        await service.add_default_rounds(rt, national, contest_id)


async def test_a_round_is_configured_and_audited(service_db, clock):
    rt = f.runtime(clock)
    contest_id, _ = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    now = clock.now()
    created = await service.create_round(
        rt,
        national,
        contest_id,
        RoundIn(
            name_zh="初赛",
            opens_at=now,
            closes_at=now + timedelta(days=10),
            slots=[SlotIn(code="slides", kind="pdf", name_zh="答辩材料", max_mb=20, max_duration_s=60)],
        ),
    )
    assert created.state == "open" and [(s.code, s.max_mb, s.max_duration_s) for s in created.slots] == [
        ("slides", 20, None)
    ]
    with pytest.raises(InvalidInput) as refused:
        await service.update_round(rt, national, created.id, RoundPatch(closes_at=now - timedelta(days=1)))
    assert "closes_at" in refused.value.fields
    updated = await service.update_round(rt, national, created.id, RoundPatch(grace_minutes=30, blind=True))
    assert updated.grace_minutes == 30 and updated.blind
    history = await entries_for("round", created.id)
    assert [e["action"] for e in history] == ["round.create", "round.update"]
    slot = await service.update_slot(
        rt, national, created.id, created.slots[0].id, SlotPatch(required=False, max_mb=30)
    )
    assert not slot.required and slot.max_mb == 30
    with pytest.raises(InvalidState):
        await service.remove_slot(rt, national, created.id, slot.id)
    added = await service.add_slot(rt, national, created.id, SlotIn(code="poster", kind="image", name_zh="海报"))
    with pytest.raises(Conflict):
        await service.add_slot(rt, national, created.id, SlotIn(code="poster", kind="image", name_zh="海报"))
    regional = await f.organizer(clock, contest_id, region="EC")
    with pytest.raises(Forbidden):
        await service.update_slot(rt, regional, created.id, added.id, SlotPatch(required=False))


async def test_moving_a_round_shifts_the_others(service_db, clock):
    rt = f.runtime(clock)
    contest_id, _ = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    first, second, third = await service.add_default_rounds(rt, national, contest_id)
    await service.update_round(rt, national, third.id, RoundPatch(position=1))
    assert [r.id for r in await service.rounds_of(rt, contest_id)] == [third.id, first.id, second.id]


async def test_listed_participants_and_regional_views(service_db, clock):
    rt = f.runtime(clock)
    contest_id, track_id = await f.contest(clock)
    other_contest, other_track = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    east = await make_team(clock, contest_id, track_id, province="上海")
    north = await make_team(clock, contest_id, track_id, province="北京")
    stranger = await make_team(clock, other_contest, other_track)
    first, second, _ = await service.add_default_rounds(rt, national, contest_id)
    assert (await participants.participants(national, first.id)).total == 2
    with pytest.raises(InvalidState):
        await participants.set_participants(rt, national, first.id, ParticipantsIn([east]))
    with pytest.raises(InvalidInput):
        await participants.set_participants(rt, national, second.id, ParticipantsIn([east, stranger]))
    listed = await participants.set_participants(rt, national, second.id, ParticipantsIn([east, north]))
    assert listed.total == 2
    regional = await f.organizer(clock, contest_id, region="EC")
    seen = await participants.participants(regional, second.id)
    assert [p.team_id for p in seen.participants] == [east] and seen.participants[0].region == "EC"
    with pytest.raises(Forbidden):
        await participants.set_participants(rt, regional, second.id, ParticipantsIn([east]))
    await participants.advance(clock, second.id, [north])
    assert [p.source for p in (await participants.participants(national, second.id)).participants] == ["results"]
    assert [r.takes_part for r in await participants.team_rounds(rt, contest_id, east)] == [True, False, False]


async def test_extensions_move_one_teams_close_until_its_entry_is_final(service_db, clock):
    rt = f.runtime(clock)
    contest_id, track_id = await f.contest(clock)
    national = await f.organizer(clock, contest_id)
    east = await make_team(clock, contest_id, track_id, province="上海")
    north = await make_team(clock, contest_id, track_id, province="北京")
    closes = clock.now() + timedelta(days=1)
    created = await service.create_round(
        rt, national, contest_id, RoundIn(name_zh="初赛", opens_at=clock.now(), closes_at=closes, all_teams=True)
    )
    regional = await f.organizer(clock, contest_id, region="EC")
    with pytest.raises(Forbidden):
        await participants.grant_extension(
            rt, regional, created.id, ExtensionIn(team_id=north, minutes=30, reason="断网")
        )
    with pytest.raises(InvalidInput):
        await participants.grant_extension(rt, regional, created.id, ExtensionIn(team_id=east, minutes=30, reason=" "))
    granted = await participants.grant_extension(
        rt, regional, created.id, ExtensionIn(team_id=east, minutes=30, reason="校园网故障")
    )
    assert granted.closes_at == closes + timedelta(minutes=30)
    window = await participants.team_round(rt, created.id, east)
    assert window.closes_at == closes + timedelta(minutes=30) and window.extra_minutes == 30
    assert (await participants.team_round(rt, created.id, north)).closes_at == closes
    assert [e.team_id for e in await participants.extensions(national, created.id)] == [east]
    history = [e for e in await entries_for("team", east) if e["action"] == "round.extension"]
    assert history[0]["reason"] == "校园网故障"
    clock.set(closes + timedelta(minutes=30) + participants.settle_time(rt))
    with pytest.raises(InvalidState):
        await participants.grant_extension(
            rt, national, created.id, ExtensionIn(team_id=east, minutes=60, reason="too late")
        )
    assert (await participants.team_round(rt, created.id, east)).state == "closed"
