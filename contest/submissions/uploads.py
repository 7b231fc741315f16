"""Uploads: the app hands out presigned addresses bound to keys it makes, the browser sends the bytes
straight to the object store, and finalising checks what arrived before the verification job runs.

A file up to one part goes in one POST whose policy binds the key, the type and the exact size; a
larger one in parts (presigned part URLs bind only the key), which a dropped connection or a closed
laptop resumes: the parts that arrived are listed by S3, the missing ones asked for again. Sizes and
parts are checked at finalise; an oversize multipart upload is aborted and never stored.

No S3 call runs inside a write transaction (SQLite holds its write lock for the whole transaction):
each operation checks, talks to S3, then writes, the write re-checking the upload's state.
"""

import contextlib
import math
import secrets
from datetime import timedelta
from typing import Any

import msgspec

from contest.lib.audit import service as audit
from contest.lib.db import write_transaction
from contest.lib.errors import Conflict, InvalidInput, InvalidState, Msg
from contest.lib.outbox import service as outbox
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.rounds.rules import finish_refusal, issue_refusal
from contest.rounds.schemas import SlotOut
from contest.rounds.service import slot_of
from contest.submissions.common import Scene, load_upload, my_scene, upload_out, upload_scene
from contest.submissions.entries import auto_choose, refuse
from contest.submissions.rules import (
    EXTENSIONS,
    MIB,
    PartFacts,
    Plan,
    content_type_for,
    display_name,
    max_bytes,
    object_key,
    parts_problem,
    plan_upload,
    problem,
    too_large,
)
from contest.submissions.schemas import (
    DownloadOut,
    PartOut,
    PartsIn,
    PartUrl,
    PartUrlsOut,
    PostForm,
    TextIn,
    UploadIn,
    UploadOut,
    UploadTicket,
)
from contest.submissions.tables import Upload, UploadMethod, UploadStatus
from storage import ObjectInfo, ObjectNotFound, ObjectStore, StorageError
from storage.checks import CheckResult, Message, check_appid

# Unfinished uploads a slot may have at once (two teammates, a retry): more is a runaway client.
MAX_IN_PROGRESS = 3
DOWNLOAD_TTL = timedelta(minutes=10)
VERIFY_JOB = "verify_upload"


def url_ttl(rt: Runtime) -> timedelta:
    return timedelta(minutes=rt.settings.upload_url_minutes)


def _msg(message: Message) -> Msg:
    return Msg(message.text, message.params)


def stored_result(result: CheckResult) -> dict[str, Any]:
    """A check's verdict as kept with the upload (the text extracted from a PDF is not kept)."""
    plain: dict[str, Any] = msgspec.to_builtins(result)
    plain["facts"].pop("text", None)
    return plain


def refused(*problems: Message) -> dict[str, Any]:
    return {"ok": False, "problems": msgspec.to_builtins(list(problems)), "warnings": [], "notes": [], "facts": {}}


async def next_version(team_id: int, slot_id: int) -> int:
    row = await (
        Upload.select(Upload.version)
        .where((Upload.team == team_id) & (Upload.slot == slot_id))
        .order_by(Upload.version, ascending=False)
        .first()
    )
    return 1 + (row["version"] if row else 0)


async def _file_slot(scene: Scene, slot_id: int) -> SlotOut:
    slot = await slot_of(scene.round["id"], slot_id)
    if slot.kind == "appid":
        raise InvalidInput("This slot takes the AppID as text, not a file.", {"slot_id": "text slot"})
    return slot


async def issue_upload(
    rt: Runtime, store: ObjectStore, actor: Principal, round_id: int, slot_id: int, data: UploadIn
) -> UploadTicket:
    """Start a new version of a slot: a POST form for a file up to one part, else a multipart upload
    whose part URLs are asked for with `part_urls`. Refused outside the team's window, or for a file
    larger than the slot allows."""
    scene = await my_scene(actor, round_id)
    slot = await _file_slot(scene, slot_id)
    refuse(issue_refusal(scene.window, rt.clock.now()))
    limit = max_bytes(slot)
    if data.size > limit:
        raise InvalidInput(_msg(too_large(data.size, limit)), {"size": "too large"})
    team_id = scene.team["id"]
    busy = await Upload.count().where(
        (Upload.team == team_id) & (Upload.slot == slot_id) & (Upload.status == UploadStatus.ISSUED.value)
    )
    if busy >= MAX_IN_PROGRESS:
        raise Conflict("This slot already has {count} unfinished uploads: resume or cancel one first.", count=busy)
    content_type = content_type_for(slot.kind, data.content_type)
    plan = plan_upload(data.size, rt.settings.upload_part_mib * MIB)
    key = object_key(scene.round["contest"], round_id, team_id, slot.code, secrets.token_urlsafe(18), content_type)
    s3_upload_id = await store.create_multipart(key, content_type) if plan.method == "multipart" else None
    try:
        async with write_transaction():
            refuse(issue_refusal(scene.window, rt.clock.now()))
            rows = await Upload.insert(
                Upload(
                    round=round_id,
                    slot=slot_id,
                    team=team_id,
                    version=0,
                    method=plan.method,
                    key=key,
                    s3_upload_id=s3_upload_id,
                    part_size=plan.part_size if plan.method == "multipart" else 0,
                    filename=display_name(data.filename),
                    content_type=content_type,
                    declared_size=data.size,
                    created_by=actor.user_id,
                    created_at=rt.clock.now(),
                )
            )
    except BaseException:
        if s3_upload_id is not None:
            with contextlib.suppress(StorageError):
                await store.abort_multipart(key, s3_upload_id)
        raise
    upload = await load_upload(int(rows[0]["id"]))
    post = None
    if plan.method == "post":
        form = await store.presigned_post(
            key, min_size=data.size, max_size=data.size, content_type=content_type, expires=url_ttl(rt)
        )
        post = PostForm(form.url, form.fields)
    return UploadTicket(upload=upload_out(upload), expires_at=rt.clock.now() + url_ttl(rt), post=post)


async def _resumable(rt: Runtime, actor: Principal, upload_id: int) -> tuple[dict[str, Any], Scene]:
    upload, scene = await upload_scene(actor, upload_id)
    if upload["method"] != UploadMethod.MULTIPART.value or upload["status"] != UploadStatus.ISSUED.value:
        raise InvalidState("This upload is not waiting for parts.")
    refuse(finish_refusal(scene.window, rt.clock.now(), upload["created_at"]))
    return upload, scene


async def part_urls(rt: Runtime, store: ObjectStore, actor: Principal, upload_id: int, data: PartsIn) -> PartUrlsOut:
    """Presigned URLs for some parts of a multipart upload (first, or again when resuming)."""
    upload, _ = await _resumable(rt, actor, upload_id)
    count = math.ceil(upload["declared_size"] / upload["part_size"])
    if max(data.numbers) > count:
        raise InvalidInput("This file goes up in {count} parts.", {"numbers": "out of range"}, count=count)
    ttl = url_ttl(rt)
    urls = [
        PartUrl(number, await store.presign_part(upload["key"], upload["s3_upload_id"], number, ttl))
        for number in sorted(set(data.numbers))
    ]
    return PartUrlsOut(urls=urls, expires_at=rt.clock.now() + ttl)


async def uploaded_parts(rt: Runtime, store: ObjectStore, actor: Principal, upload_id: int) -> list[PartOut]:
    """The parts that reached the object store, so an interrupted upload sends only the others."""
    upload, _ = await _resumable(rt, actor, upload_id)
    try:
        parts = await store.list_parts(upload["key"], upload["s3_upload_id"])
    except ObjectNotFound:
        raise InvalidState("This upload is no longer known to the object store; start a new one.") from None
    return [PartOut(p.number, p.size, p.etag) for p in parts]


async def _reject(rt: Runtime, upload: dict[str, Any], message: Message) -> None:
    """Record a finalise that found a file which cannot count (it is gone from the store)."""
    async with write_transaction():
        version = await next_version(upload["team"], upload["slot"])
        await Upload.update(
            {
                Upload.status: UploadStatus.REJECTED.value,
                Upload.version: version,
                Upload.finalised_at: rt.clock.now(),
                Upload.checked_at: rt.clock.now(),
                Upload.result: refused(message),
            }
        ).where((Upload.id == upload["id"]) & (Upload.status == UploadStatus.ISSUED.value))


async def _arrived(rt: Runtime, store: ObjectStore, upload: dict[str, Any], limit: int) -> ObjectInfo:
    """The stored object once every part (or the POST) has arrived at the announced size; a file that
    cannot count is removed from the store, recorded as refused and answered with a 400."""
    key, declared = upload["key"], upload["declared_size"]
    if upload["method"] == UploadMethod.MULTIPART.value:
        try:
            parts = await store.list_parts(key, upload["s3_upload_id"])
        except ObjectNotFound:
            raise InvalidState("This upload is no longer known to the object store; start a new one.") from None
        plan = Plan("multipart", upload["part_size"], math.ceil(declared / upload["part_size"]))
        verdict = parts_problem([PartFacts(p.number, p.size) for p in parts], plan, declared, limit)
        if verdict is not None and verdict[0] == "missing":
            raise InvalidState(
                "{missing} of {count} parts have not arrived yet: resume the upload to send them.",
                missing=verdict[1],
                count=plan.part_count,
            )
        if verdict is not None:
            with contextlib.suppress(ObjectNotFound):
                await store.abort_multipart(key, upload["s3_upload_id"])
            message = (
                too_large(verdict[1], limit) if verdict[0] == "too_large" else problem("parts_mismatch", size=declared)
            )
            await _reject(rt, upload, message)
            raise InvalidInput(_msg(message), {"file": "refused"})
        await store.complete_multipart(key, upload["s3_upload_id"], parts)
    try:
        info = await store.stat(key)
    except ObjectNotFound:
        raise InvalidState("The file has not arrived in the object store: upload it first, then finalise.") from None
    if info.size != declared or info.size > limit:
        await store.delete(key)
        message = too_large(info.size, limit) if info.size > limit else problem("parts_mismatch", size=declared)
        await _reject(rt, upload, message)
        raise InvalidInput(_msg(message), {"file": "refused"})
    return info


async def finalise_upload(rt: Runtime, store: ObjectStore, actor: Principal, upload_id: int) -> UploadOut:
    """The browser says the file is up: check that it arrived whole and within the slot's limit, make
    it a version of the slot (chosen if the slot has no usable choice) and queue its verification.
    Finalising again answers the same; after the deadline (and grace) it is refused."""
    upload, scene = await upload_scene(actor, upload_id)
    now = rt.clock.now()
    if upload["status"] == UploadStatus.CANCELLED.value:
        raise InvalidState("This upload was cancelled; start a new one.")
    if upload["status"] != UploadStatus.ISSUED.value:
        return upload_out(upload)
    refuse(finish_refusal(scene.window, now, upload["created_at"]))
    slot = await slot_of(upload["round"], upload["slot"])
    info = await _arrived(rt, store, upload, max_bytes(slot))
    async with write_transaction():
        version = await next_version(upload["team"], upload["slot"])
        changed = (
            await Upload.update(
                {
                    Upload.status: UploadStatus.CHECKING.value,
                    Upload.version: version,
                    Upload.size: info.size,
                    Upload.etag: info.etag,
                    Upload.finalised_at: now,
                }
            )
            .where((Upload.id == upload_id) & (Upload.status == UploadStatus.ISSUED.value))
            .returning(Upload.id)
        )
        if changed:
            await auto_choose(rt.clock, upload)
            await outbox.enqueue(rt.clock, VERIFY_JOB, outbox.job_id("verify", upload_id, 1), upload_id=upload_id)
            await audit.record(
                rt.clock,
                actor_id=audit_id(actor),
                action="entry.upload",
                object_type="team",
                object_id=upload["team"],
                after={"round": upload["round"], "slot": slot.code, "upload": upload_id, "version": version},
            )
    return upload_out(await load_upload(upload_id))


async def discard(store: ObjectStore, upload: dict[str, Any]) -> None:
    """Remove whatever an unfinished upload left in the store (parts, or a POSTed object)."""
    with contextlib.suppress(ObjectNotFound):
        if upload["s3_upload_id"]:
            await store.abort_multipart(upload["key"], upload["s3_upload_id"])
        else:
            await store.delete(upload["key"])


async def cancel_upload(rt: Runtime, store: ObjectStore, actor: Principal, upload_id: int) -> UploadOut:
    """Give up an upload still on its way (its parts are discarded); finalised versions stay."""
    upload, _ = await upload_scene(actor, upload_id)
    if upload["status"] != UploadStatus.ISSUED.value:
        raise InvalidState("Only an upload still on its way can be cancelled.")
    await discard(store, upload)
    await Upload.update({Upload.status: UploadStatus.CANCELLED.value}).where(
        (Upload.id == upload_id) & (Upload.status == UploadStatus.ISSUED.value)
    )
    return upload_out(await load_upload(upload_id))


async def upload_of(actor: Principal, upload_id: int) -> UploadOut:
    """One upload with its check results (its team's members and organizers)."""
    upload, _ = await upload_scene(actor, upload_id, readers=True)
    return upload_out(upload)


async def download_link(rt: Runtime, store: ObjectStore, actor: Principal, upload_id: int) -> DownloadOut:
    """A short-lived link that downloads a stored version as an attachment, from the object store's
    address (never rendered as a page of ours)."""
    upload, _ = await upload_scene(actor, upload_id, readers=True)
    if upload["key"] is None or upload["status"] in (UploadStatus.ISSUED.value, UploadStatus.CANCELLED.value):
        raise InvalidState("This upload holds no stored file.")
    slot = await slot_of(upload["round"], upload["slot"])
    name = upload["filename"] or f"{slot.code}{EXTENSIONS.get(upload['content_type'], '')}"
    url = await store.presigned_get(upload["key"], DOWNLOAD_TTL, download_name=name)
    return DownloadOut(url=url, filename=name, expires_at=rt.clock.now() + DOWNLOAD_TTL)


async def add_text(rt: Runtime, actor: Principal, round_id: int, slot_id: int, data: TextIn) -> UploadOut:
    """A new version of the AppID slot: checked at once (wx and 16 hexadecimal digits); a malformed one
    is refused with what is wrong and not recorded."""
    scene = await my_scene(actor, round_id)
    slot = await slot_of(round_id, slot_id)
    if slot.kind != "appid":
        raise InvalidInput("This slot takes a file, not text.", {"slot_id": "file slot"})
    result = check_appid(data.text)
    if not result.ok:
        raise InvalidInput(_msg(result.problems[0]), {"text": _msg(result.problems[0])})
    appid = result.facts.appid or ""
    async with write_transaction():
        refuse(issue_refusal(scene.window, rt.clock.now()))
        version = await next_version(scene.team["id"], slot_id)
        rows = await Upload.insert(
            Upload(
                round=round_id,
                slot=slot_id,
                team=scene.team["id"],
                version=version,
                method=UploadMethod.TEXT.value,
                text=appid,
                declared_size=len(appid),
                size=len(appid),
                status=UploadStatus.ACCEPTED.value,
                result=stored_result(result),
                created_by=actor.user_id,
                created_at=rt.clock.now(),
                finalised_at=rt.clock.now(),
                checked_at=rt.clock.now(),
            )
        )
        upload = await load_upload(int(rows[0]["id"]))
        await auto_choose(rt.clock, upload)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="entry.upload",
            object_type="team",
            object_id=scene.team["id"],
            after={"round": round_id, "slot": slot.code, "upload": upload["id"], "version": version, "text": appid},
        )
    return upload_out(upload)
