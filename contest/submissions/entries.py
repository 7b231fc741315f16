"""A team's entry in a round: each slot's versions, the version chosen per slot, and its submission.

The first usable version of a slot is chosen for the team (and a new one replaces a chosen version
that failed its check); any other choice is the team's. Submitting records the chosen versions; at
the round's close the submitted ones are pinned (pinning.py), so later choices count only once
submitted again.
"""

from typing import Any

from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import json_value, write_transaction
from contest.lib.errors import InvalidInput, InvalidState, Msg
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.rounds import participants
from contest.rounds.rules import entry_refusal
from contest.rounds.service import round_row, slots_of
from contest.submissions import access
from contest.submissions.common import Scene, load_upload, my_scene, scene_of, upload_out
from contest.submissions.rules import USABLE, gaps
from contest.submissions.schemas import ChoiceIn, EntryOut, SlotEntryOut
from contest.submissions.tables import Choice, Entry, PinnedEntry, Upload, UploadStatus


def refuse(message: Msg | None) -> None:
    if message is not None:
        raise InvalidState(message)


async def auto_choose(clock: Clock, upload: dict[str, Any]) -> None:
    """Make `upload` the slot's choice when the slot has none, or when its chosen version failed."""
    current = await (
        Choice.select(Choice.id, Choice.upload._.status.as_alias("status"))
        .where((Choice.team == upload["team"]) & (Choice.slot == upload["slot"]))
        .first()
    )
    if current is None:  # a teammate's version finalised at the same moment may win: that is fine
        await Choice.insert(
            Choice(
                round=upload["round"],
                team=upload["team"],
                slot=upload["slot"],
                upload=upload["id"],
                chosen_at=clock.now(),
            )
        ).on_conflict(action="DO NOTHING")
    elif current["status"] == UploadStatus.REJECTED.value:
        await Choice.update({Choice.upload: upload["id"], Choice.chosen_at: clock.now(), Choice.chosen_by: None}).where(
            Choice.id == current["id"]
        )


async def _entry_row(round_id: int, team_id: int) -> dict[str, Any] | None:
    return await Entry.select().where((Entry.round == round_id) & (Entry.team == team_id)).first()


def _submitted(entry: dict[str, Any] | None) -> dict[int, int]:
    return {int(k): int(v) for k, v in (json_value(entry["submitted"]) if entry else {}).items()}


async def entry_of(rt: Runtime, scene: Scene) -> EntryOut:
    """The entry of the scene's team in the scene's round."""
    round_id, team_id = scene.round["id"], scene.team["id"]
    slots = await slots_of(round_id)
    uploads = (
        await Upload.select()
        .where((Upload.round == round_id) & (Upload.team == team_id) & (Upload.status != UploadStatus.CANCELLED.value))
        .order_by(Upload.id, ascending=False)
    )
    chosen = {
        r["slot"]: r["upload"]
        for r in await Choice.select(Choice.slot, Choice.upload).where(
            (Choice.round == round_id) & (Choice.team == team_id)
        )
    }
    entry = await _entry_row(round_id, team_id)
    submitted = _submitted(entry)
    statuses = {u["id"]: u["status"] for u in uploads}
    current = gaps(slots, chosen, statuses)
    pinned = (
        await PinnedEntry.select(PinnedEntry.pinned_at)
        .where((PinnedEntry.round == round_id) & (PinnedEntry.team == team_id))
        .first()
    )
    return EntryOut(
        round=await participants.team_round(rt, round_id, team_id),
        team_id=team_id,
        team=scene.team["name"],
        slots=[
            SlotEntryOut(
                slot=slot,
                chosen_id=chosen.get(slot.id),
                submitted_id=submitted.get(slot.id),
                versions=sorted(
                    (upload_out(u) for u in uploads if u["slot"] == slot.id and u["status"] != "issued"),
                    key=lambda u: -u.version,
                ),
                in_progress=[upload_out(u) for u in uploads if u["slot"] == slot.id and u["status"] == "issued"],
            )
            for slot in slots
        ],
        submitted_at=entry["submitted_at"] if entry else None,
        changed=entry is not None and entry["submitted_at"] is not None and submitted != chosen,
        missing=current.missing,
        failed=current.failed,
        checking=current.checking,
        can_submit=current.ready and entry_refusal(scene.window, rt.clock.now()) is None and pinned is None,
        pinned_at=pinned["pinned_at"] if pinned else None,
    )


async def my_entry(rt: Runtime, actor: Principal, round_id: int) -> EntryOut:
    """The acting student's team's entry in a round."""
    return await entry_of(rt, await my_scene(actor, round_id))


async def team_entry(rt: Runtime, actor: Principal, round_id: int, team_id: int) -> EntryOut:
    """One team's entry, for the organizers of its region."""
    scene = await scene_of(await round_row(round_id), team_id)
    access.require_team_organizer(actor, scene.team)
    return await entry_of(rt, scene)


async def choose_version(rt: Runtime, actor: Principal, round_id: int, data: ChoiceIn) -> EntryOut:
    """Make one of the team's finalised versions (accepted, or still being checked) its slot's choice."""
    scene = await my_scene(actor, round_id)
    async with write_transaction():
        refuse(entry_refusal(scene.window, rt.clock.now()))
        upload = await load_upload(data.upload_id)
        if upload["team"] != scene.team["id"] or upload["round"] != round_id:
            raise InvalidInput("No such version of this entry.", {"upload_id": "unknown"})
        if upload["status"] not in USABLE:
            raise InvalidState("Only a version that passed its check (or is being checked) can be chosen.")
        await Choice.delete().where((Choice.team == upload["team"]) & (Choice.slot == upload["slot"]))
        await Choice.insert(
            Choice(
                round=round_id,
                team=upload["team"],
                slot=upload["slot"],
                upload=upload["id"],
                chosen_by=actor.user_id,
                chosen_at=rt.clock.now(),
            )
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="entry.choose",
            object_type="team",
            object_id=upload["team"],
            after={"round": round_id, "slot": upload["slot"], "upload": upload["id"], "version": upload["version"]},
        )
    return await entry_of(rt, scene)


async def submit_entry(rt: Runtime, actor: Principal, round_id: int) -> EntryOut:
    """Submit the chosen versions: every required slot needs one that passed its check or is still
    being checked (a version that then fails leaves its slot empty at the close)."""
    scene = await my_scene(actor, round_id)
    team_id = scene.team["id"]
    async with write_transaction():
        refuse(entry_refusal(scene.window, rt.clock.now()))
        if await PinnedEntry.exists().where((PinnedEntry.round == round_id) & (PinnedEntry.team == team_id)):
            raise InvalidState("This entry is already final.")
        slots = await slots_of(round_id)
        chosen = {
            r["slot"]: r["upload"]
            for r in await Choice.select(Choice.slot, Choice.upload).where(
                (Choice.round == round_id) & (Choice.team == team_id)
            )
        }
        statuses = {
            r["id"]: r["status"]
            for r in await Upload.select(Upload.id, Upload.status).where(Upload.id.is_in(list(chosen.values()) or [0]))
        }
        current = gaps(slots, chosen, statuses)
        if not current.ready:
            raise InvalidState(
                "The entry cannot be submitted yet: {slots} still need a file that passes its check.",
                slots=", ".join(s.code for s in slots if s.required and s.code in current.missing + current.failed),
            )
        submitted = {
            str(slot_id): upload_id for slot_id, upload_id in chosen.items() if statuses.get(upload_id) in USABLE
        }
        entry = await _entry_row(round_id, team_id)
        values: dict[str, Any] = {"submitted": submitted, "submitted_by": actor.user_id, "submitted_at": rt.clock.now()}
        if entry is None:
            await Entry.insert(Entry(round=round_id, team=team_id, **values))
        else:
            await Entry.update({getattr(Entry, k): v for k, v in values.items()}).where(Entry.id == entry["id"])
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="entry.submit",
            object_type="team",
            object_id=team_id,
            before={"round": round_id, "submitted": _submitted(entry)} if entry else None,
            after={"round": round_id, "submitted": submitted},
        )
    return await entry_of(rt, scene)
