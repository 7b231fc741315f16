"""Verification: a finalised upload counts only once its content passed the checks of its slot.

The content check reads the object from S3 inside a child process bounded in time and memory
(storage.sandbox), so a hostile file neither hangs nor exhausts the worker; a check that runs out of
either refuses the file with that reason. Meanwhile the worker streams the object once for its size
and digest, which parses nothing. An S3 failure is not a verdict: it is raised, and the job
retried. Idempotent (arq delivers at least once): an upload no longer being checked is left alone.
"""

import asyncio
from functools import partial
from typing import Any

from contest.lib.clock import Clock
from contest.lib.db import write_transaction
from contest.lib.principal import SYSTEM
from contest.lib.runtime import Runtime
from contest.rounds.service import round_row, slot_of
from contest.submissions.entries import auto_choose
from contest.submissions.rules import MIB, anonymity_names, problem, slot_config
from contest.submissions.tables import Upload, UploadStatus
from contest.submissions.uploads import refused, stored_result
from contest.teams import queries as teams
from storage import ObjectChanged, ObjectStore
from storage.checks import CheckResult
from storage.remote import check_object, digest_object
from storage.sandbox import ParseFailed, ParseTimeout, ParseTooLarge, run_bounded

CHECK_MEMORY_MB = 512


def check_seconds(size: int) -> float:
    """Time a check may take: a minute, plus a second per 8 MB streamed (a 300 MB video: 98 s)."""
    return 60 + size / (8 * MIB)


async def blind_names(rt: Runtime, team_id: int) -> list[str]:
    """The team's, members', advisors' and university's names, which a blind round's files must not carry."""
    team = await teams.team_for(rt, SYSTEM, team_id)
    people = [m.name for m in team.members] + [a.name for a in team.advisors]
    return anonymity_names(team.name, people, (team.university.zh, team.university.en))


async def _content_verdict(
    rt: Runtime, store: ObjectStore, upload: dict[str, Any], size: int
) -> CheckResult | dict[str, Any]:
    """The bounded child's check of the content (without the checksum), or the refusal it ended in."""
    slot = await slot_of(upload["round"], upload["slot"])
    names = await blind_names(rt, upload["team"]) if (await round_row(upload["round"]))["blind"] else []
    seconds = check_seconds(size)
    check = partial(
        check_object,
        store.config,
        upload["key"],
        size=upload["size"],
        etag=upload["etag"],
        slot=slot_config(slot),
        names=names,
        filename=upload["filename"],
        checksum=False,
    )
    try:
        result: CheckResult = await run_bounded(check, timeout_s=seconds, memory_mb=CHECK_MEMORY_MB)
    except ObjectChanged:
        return refused(problem("file_changed"))
    except ParseTimeout:
        return refused(problem("check_timeout", seconds=round(seconds)))
    except ParseTooLarge:
        return refused(problem("check_memory"))
    except ParseFailed:
        return refused(problem("check_failed"))
    return result


async def run_check(rt: Runtime, store: ObjectStore, upload: dict[str, Any]) -> dict[str, Any]:
    """The verdict on one stored upload, as kept with it.

    Two readers at once: this process streams the object for its size and digest (bytes counted
    and hashed, nothing parsed), while the bounded child parses the content with ranged reads.
    """
    size = upload["size"] or 0
    digesting = asyncio.ensure_future(
        asyncio.to_thread(digest_object, store.config, upload["key"], size=size, etag=upload["etag"])
    )
    try:
        result = await _content_verdict(rt, store, upload, size)
    finally:
        # The stream ends on its own (a thread cannot be stopped): wait for it whatever happened.
        outcome = await asyncio.gather(digesting, return_exceptions=True)
    if isinstance(outcome[0], ObjectChanged):
        return refused(problem("file_changed"))
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    if isinstance(result, dict):
        return result
    counted, digest = outcome[0]
    if counted != size:
        return refused(problem("file_size_mismatch", actual=counted, expected=size))
    result.facts.digest = digest
    return stored_result(result)


async def record_verdict(clock: Clock, upload: dict[str, Any], verdict: dict[str, Any]) -> str:
    """Accept or reject an upload still being checked; an accepted one may become the slot's choice."""
    status = UploadStatus.ACCEPTED.value if verdict["ok"] else UploadStatus.REJECTED.value
    async with write_transaction():
        changed = (
            await Upload.update(
                {
                    Upload.status: status,
                    Upload.digest: verdict["facts"].get("digest") or "",
                    Upload.result: verdict,
                    Upload.checked_at: clock.now(),
                }
            )
            .where((Upload.id == upload["id"]) & (Upload.status == UploadStatus.CHECKING.value))
            .returning(Upload.id)
        )
        if changed and verdict["ok"]:
            await auto_choose(clock, upload)
    return status if changed else "unchanged"


async def verify_upload(rt: Runtime, store: ObjectStore, upload_id: int) -> str:
    """Check a finalised upload and record the verdict; returns the new status (or why nothing was done)."""
    upload = await Upload.select().where(Upload.id == upload_id).first()
    if upload is None:
        return "missing"
    if upload["status"] != UploadStatus.CHECKING.value:
        return f"already {upload['status']}"
    return await record_verdict(rt.clock, upload, await run_check(rt, store, upload))


async def give_up(rt: Runtime, upload_id: int) -> str:
    """The check itself kept failing (not the store): refuse the file with that reason, so the team
    knows to upload it again instead of waiting."""
    upload = await Upload.select().where(Upload.id == upload_id).first()
    if upload is None or upload["status"] != UploadStatus.CHECKING.value:
        return "unchanged"
    return await record_verdict(rt.clock, upload, refused(problem("check_failed")))
