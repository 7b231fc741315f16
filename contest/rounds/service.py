"""Rounds and their file slots: the sequence, the windows, the slots' limits (national organizers)."""

from datetime import datetime
from typing import Any

import msgspec

from contest.contests import service as contests
from contest.lib.audit import service as audit
from contest.lib.db import one, write_transaction
from contest.lib.errors import Conflict, InvalidInput, InvalidState, NotFound
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.rounds import access
from contest.rounds.rules import DEFAULT_ROUNDS, DEFAULT_SLOTS, Window, round_problems, state
from contest.rounds.schemas import RoundIn, RoundOut, RoundPatch, SlotIn, SlotOut, SlotPatch
from contest.rounds.tables import Round, RoundSlot

# Limits a slot kind does not use are dropped rather than stored.
_LIMITS_OF_KIND = {
    "pdf": {"max_mb", "max_pages"},
    "video": {"max_mb", "max_duration_s"},
    "zip": {"max_mb"},
    "image": {"max_mb"},
    "appid": set(),
}
_LIMITS = ("max_mb", "max_duration_s", "max_pages")


def _slot(row: dict[str, Any]) -> SlotOut:
    return msgspec.convert(row, SlotOut, from_attributes=True)


def window_of(row: dict[str, Any], extra_minutes: int = 0) -> Window:
    """The window of a round's row (for one team: with its extension)."""
    return Window(
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        grace_minutes=row["grace_minutes"],
        extra_minutes=extra_minutes,
    )


def round_out(row: dict[str, Any], slots: list[SlotOut], rt: Runtime) -> RoundOut:
    return msgspec.convert(
        {**row, "contest_id": row["contest"], "slots": slots, "state": state(window_of(row), rt.clock.now())},
        RoundOut,
        from_attributes=True,
    )


async def round_row(round_id: int) -> dict[str, Any]:
    """A round's row, or NotFound."""
    return await one(Round.select().where(Round.id == round_id).first(), "No such round.")


async def slots_of(round_id: int) -> list[SlotOut]:
    rows = await RoundSlot.select().where(RoundSlot.round == round_id).order_by(RoundSlot.sort_order)
    return [_slot(r) for r in rows]


async def round_of(rt: Runtime, round_id: int) -> RoundOut:
    """A round with its slots (the schedule is public)."""
    return round_out(await round_row(round_id), await slots_of(round_id), rt)


async def rounds_of(rt: Runtime, contest_id: int) -> list[RoundOut]:
    """The rounds of a contest in their order, each with its slots."""
    rows = await Round.select().where(Round.contest == contest_id).order_by(Round.position)
    slots = await RoundSlot.select().where(RoundSlot.round.is_in([r["id"] for r in rows] or [0]))
    slots.sort(key=lambda s: s["sort_order"])
    return [round_out(r, [_slot(s) for s in slots if s["round"] == r["id"]], rt) for r in rows]


def _check_slot(data: SlotIn) -> dict[str, Any]:
    """The slot's values as stored: limits its kind does not use are dropped."""
    if not data.name_zh.strip():
        raise InvalidInput("Give the slot a Chinese name.", {"name_zh": "required"})
    values = msgspec.structs.asdict(data)
    for limit in _LIMITS:
        if limit not in _LIMITS_OF_KIND[data.kind]:
            values[limit] = None
    return values


async def _insert_slots(round_id: int, slots: list[SlotIn]) -> None:
    codes = [s.code for s in slots]
    if len(set(codes)) != len(codes):
        raise InvalidInput("Two slots have the same code.", {"slots": "duplicate code"})
    values = [_check_slot(s) for s in slots]
    if values:
        await RoundSlot.insert(*[RoundSlot(round=round_id, sort_order=i, **v) for i, v in enumerate(values)])


def _default_slots() -> list[SlotIn]:
    return [msgspec.convert(msgspec.structs.asdict(spec), SlotIn) for spec in DEFAULT_SLOTS]


async def create_round(rt: Runtime, actor: Principal, contest_id: int, data: RoundIn) -> RoundOut:
    """A round after the contest's last one, with the default slots unless `slots` is given."""
    access.require_national_organizer(actor, contest_id)
    values = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "slots"}
    problems = round_problems(values)
    if problems:
        raise InvalidInput("Some settings are not valid.", problems)
    slots = _default_slots() if data.slots is None else data.slots
    async with write_transaction():
        await contests.contest(contest_id)
        position = await Round.count().where(Round.contest == contest_id) + 1
        rows = await Round.insert(Round(contest=contest_id, position=position, created_at=rt.clock.now(), **values))
        round_id = int(rows[0]["id"])
        await _insert_slots(round_id, slots)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="round.create",
            object_type="round",
            object_id=round_id,
            after={**values, "contest": contest_id, "position": position, "slots": [s.code for s in slots]},
        )
    return await round_of(rt, round_id)


async def add_default_rounds(rt: Runtime, actor: Principal, contest_id: int) -> list[RoundOut]:
    """The default sequence (regional preliminary, national semi-final, on-site final), each with the
    default slots and no window yet; only for a contest without rounds."""
    access.require_national_organizer(actor, contest_id)
    async with write_transaction():
        if await Round.exists().where(Round.contest == contest_id):
            raise Conflict("This contest already has rounds.")
        for spec in DEFAULT_ROUNDS:
            await create_round(rt, actor, contest_id, RoundIn(**msgspec.structs.asdict(spec)))
    return await rounds_of(rt, contest_id)


async def update_round(rt: Runtime, actor: Principal, round_id: int, patch: RoundPatch) -> RoundOut:
    """Change a round's settings (national organizers); the result must be consistent as a whole.
    Moving a round to another position shifts the rounds between."""
    changes = patch.changes()
    async with write_transaction():
        before = await round_row(round_id)
        access.require_national_organizer(actor, before["contest"])
        changed = {k: v for k, v in changes.items() if before[k] != v}
        problems = round_problems({**before, **changed})
        if problems:
            raise InvalidInput("Some settings are not valid.", problems)
        if "position" in changed:
            changed["position"] = await _move(before, changed["position"])
        await audit.update_audited(
            rt.clock,
            Round,
            round_id,
            before,
            changed,
            actor_id=audit_id(actor),
            action="round.update",
            object_type="round",
            object_id=round_id,
        )
    return await round_of(rt, round_id)


async def _move(row: dict[str, Any], target: int) -> int:
    """Make room at `target` (clamped to the sequence) by shifting the rounds between; returns it."""
    rounds = await Round.select(Round.id).where(Round.contest == row["contest"]).order_by(Round.position)
    order = [r["id"] for r in rounds if r["id"] != row["id"]]
    target = max(1, min(target, len(order) + 1))
    order.insert(target - 1, row["id"])
    for position, round_id in enumerate(order, start=1):
        if round_id != row["id"]:
            await Round.update({Round.position: position}).where(Round.id == round_id)
    return target


async def add_slot(rt: Runtime, actor: Principal, round_id: int, data: SlotIn) -> SlotOut:
    """A new slot, listed after the others."""
    values = _check_slot(data)
    async with write_transaction():
        row = await round_row(round_id)
        access.require_national_organizer(actor, row["contest"])
        if await RoundSlot.exists().where((RoundSlot.round == round_id) & (RoundSlot.code == data.code)):
            raise Conflict("This round already has a slot with that code.", {"code": "taken"})
        order = await RoundSlot.count().where(RoundSlot.round == round_id)
        rows = await RoundSlot.insert(RoundSlot(round=round_id, sort_order=order, **values))
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="round.slot_add",
            object_type="round",
            object_id=round_id,
            after={"slot": rows[0]["id"], **values},
        )
    return await slot_of(round_id, int(rows[0]["id"]))


async def slot_of(round_id: int, slot_id: int) -> SlotOut:
    """A slot of this round, or NotFound."""
    row = await RoundSlot.select().where((RoundSlot.id == slot_id) & (RoundSlot.round == round_id)).first()
    if row is None:
        raise NotFound("This round has no such slot.")
    return _slot(row)


async def update_slot(rt: Runtime, actor: Principal, round_id: int, slot_id: int, patch: SlotPatch) -> SlotOut:
    """Rename a slot, make it required or optional, change its limits (its code and kind stay)."""
    changes = patch.changes()
    if "name_zh" in changes and not str(changes["name_zh"]).strip():
        raise InvalidInput("Give the slot a Chinese name.", {"name_zh": "required"})
    async with write_transaction():
        row = await round_row(round_id)
        access.require_national_organizer(actor, row["contest"])
        before = msgspec.structs.asdict(await slot_of(round_id, slot_id))
        for limit in _LIMITS:
            if limit not in _LIMITS_OF_KIND[before["kind"]]:
                changes.pop(limit, None)
        await audit.update_audited(
            rt.clock,
            RoundSlot,
            slot_id,
            before,
            changes,
            actor_id=audit_id(actor),
            action="round.slot_update",
            object_type="round",
            object_id=round_id,
            tag={"slot": slot_id},
        )
    return await slot_of(round_id, slot_id)


async def remove_slot(rt: Runtime, actor: Principal, round_id: int, slot_id: int) -> None:
    """Remove a slot while the round has not opened (nobody can have uploaded to it yet)."""
    async with write_transaction():
        row = await round_row(round_id)
        access.require_national_organizer(actor, row["contest"])
        slot = await slot_of(round_id, slot_id)
        if row["opens_at"] is not None and rt.clock.now() >= row["opens_at"]:
            raise InvalidState("The round has opened: make the slot optional instead of removing it.")
        await RoundSlot.delete().where(RoundSlot.id == slot_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="round.slot_remove",
            object_type="round",
            object_id=round_id,
            before={"slot": slot_id, "code": slot.code},
        )


async def rounds_closed_between(since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Rows of the rounds whose submissions closed in [since, until] (for the jobs that pin entries)."""
    return await Round.select().where(
        Round.closes_at.is_not_null() & (Round.closes_at >= since) & (Round.closes_at <= until)
    )
