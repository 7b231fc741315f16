"""Pinning: once a team's window is over, its submitted versions become an immutable record (the
judge panel reads it), and later uploads count for nothing in that round.

A team is pinned when its own close (with its extension) and grace are over and every upload
address handed out before the close has expired. A submitted version still being checked is waited
for; one the check refused leaves its slot empty. Each stored file is confirmed to be the version
that was checked (same ETag), since a POST form stays usable until it expires.
"""

from datetime import timedelta
from typing import Any

from contest.lib.audit import service as audit
from contest.lib.db import json_value, write_transaction
from contest.lib.runtime import Runtime
from contest.rounds import participants
from contest.rounds.rules import pin_due
from contest.rounds.service import rounds_closed_between, slots_of, window_of
from contest.submissions.rules import problem
from contest.submissions.schemas import PinnedEntryOut, PinnedFileOut
from contest.submissions.tables import Entry, PinnedEntry, PinnedFile, Upload, UploadStatus
from contest.submissions.uploads import refused
from storage import ObjectNotFound, ObjectStore

# Rounds are looked at this long after their close (extensions of up to a week, late checks).
HORIZON = timedelta(days=30)


async def _still_the_checked_file(store: ObjectStore, upload: dict[str, Any]) -> bool:
    if upload["key"] is None:
        return True
    try:
        info = await store.stat(upload["key"])
    except ObjectNotFound:
        return False
    return info.etag == upload["etag"]


async def pin_entry(rt: Runtime, store: ObjectStore, row: dict[str, Any], team_id: int) -> bool:
    """Pin one team's entry in one round; False when it must wait (a check is still running) or was
    pinned already."""
    round_id = row["id"]
    entry = await Entry.select().where((Entry.round == round_id) & (Entry.team == team_id)).first()
    submitted = {int(k): int(v) for k, v in (json_value(entry["submitted"]) if entry else {}).items()}
    uploads = {u["id"]: u for u in await Upload.select().where(Upload.id.is_in(list(submitted.values()) or [0]))}
    if any(u["status"] == UploadStatus.CHECKING.value for u in uploads.values()):
        return False
    kept: dict[int, dict[str, Any]] = {}
    for slot_id, upload_id in submitted.items():
        upload = uploads.get(upload_id)
        if upload is None or upload["status"] != UploadStatus.ACCEPTED.value:
            continue
        if await _still_the_checked_file(store, upload):
            kept[slot_id] = upload
        else:
            await Upload.update(
                {Upload.status: UploadStatus.REJECTED.value, Upload.result: refused(problem("file_changed"))}
            ).where(Upload.id == upload_id)
    slots = {s.id: s for s in await slots_of(round_id)}
    complete = entry is not None and all(s.id in kept for s in slots.values() if s.required)
    async with write_transaction():
        if await PinnedEntry.exists().where((PinnedEntry.round == round_id) & (PinnedEntry.team == team_id)):
            return False
        rows = await PinnedEntry.insert(
            PinnedEntry(
                round=round_id,
                team=team_id,
                submitted_at=entry["submitted_at"] if entry else None,
                complete=complete,
                pinned_at=rt.clock.now(),
            )
        )
        files = [
            PinnedFile(
                entry=rows[0]["id"],
                round=round_id,
                team=team_id,
                slot=slot_id,
                upload=u["id"],
                slot_code=slots[slot_id].code if slot_id in slots else "",
                kind=slots[slot_id].kind if slot_id in slots else "",
                key=u["key"],
                filename=u["filename"],
                content_type=u["content_type"],
                size=u["size"] or 0,
                digest=u["digest"],
                etag=u["etag"],
                text=u["text"],
            )
            for slot_id, u in kept.items()
            if slot_id in slots
        ]
        if files:
            await PinnedFile.insert(*files)
        await audit.record(
            rt.clock,
            actor_id=None,
            action="entry.pin",
            object_type="team",
            object_id=team_id,
            after={"round": round_id, "files": {str(k): u["id"] for k, u in kept.items()}, "complete": complete},
        )
    return True


async def pin_due_entries(rt: Runtime, store: ObjectStore) -> int:
    """Pin every entry whose window is over (run every minute by the worker); returns how many."""
    now = rt.clock.now()
    settle = participants.settle_time(rt)
    pinned_now = 0
    for row in await rounds_closed_between(now - HORIZON, now):
        pinned = {r["team"] for r in await PinnedEntry.select(PinnedEntry.team).where(PinnedEntry.round == row["id"])}
        if len(pinned) >= await participants.participant_count(row):
            continue  # every team of a closed round is pinned: nothing to list each minute
        waiting = [t for t in await participants.participant_ids(row) if t not in pinned]
        extra = await participants.extra_minutes(row["id"], waiting)
        for team_id in waiting:
            if pin_due(window_of(row, extra.get(team_id, 0)), now, settle):
                pinned_now += await pin_entry(rt, store, row, team_id)
    return pinned_now


async def pinned_entry(round_id: int, team_id: int) -> PinnedEntryOut | None:
    """A team's pinned entry in a round (what the judge panel reads), or None before the pin."""
    entry = await PinnedEntry.select().where((PinnedEntry.round == round_id) & (PinnedEntry.team == team_id)).first()
    if entry is None:
        return None
    files = await PinnedFile.select().where(PinnedFile.entry == entry["id"]).order_by(PinnedFile.slot)
    return PinnedEntryOut(
        round_id=round_id,
        team_id=team_id,
        pinned_at=entry["pinned_at"],
        submitted_at=entry["submitted_at"],
        complete=entry["complete"],
        files=[
            PinnedFileOut(
                slot_id=f["slot"],
                slot_code=f["slot_code"],
                kind=f["kind"],
                upload_id=f["upload"],
                filename=f["filename"],
                size=f["size"],
                digest=f["digest"],
                text=f["text"],
            )
            for f in files
        ],
    )
