"""A round's pinned files as one ZIP (every region, or one), built by a job straight from the object
store into the object store: each file is streamed in, the archive streamed out in parts of a
multipart upload, so the worker holds one part at a time whatever the round's size. Organizers
download it through a short-lived link. Beside the files: `manifest.csv` (who, what, digest) and
`BLAKE3SUMS`, so `b3sum -c BLAKE3SUMS` in the unpacked folder proves every file is the one pinned.
"""

import contextlib
import csv
import io
import re
import secrets
import zipfile
from datetime import timedelta
from typing import Any

from contest.lib.audit import service as audit
from contest.lib.db import one, write_transaction
from contest.lib.errors import Forbidden, NotFound
from contest.lib.outbox import service as outbox
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.rounds import access as round_access
from contest.rounds.service import round_row
from contest.submissions.rules import EXTENSIONS
from contest.submissions.schemas import ArchiveIn, ArchiveOut
from contest.submissions.tables import ArchiveStatus, PinnedFile, RoundArchive
from storage import ObjectStore, Part, StorageError

ARCHIVE_JOB = "build_archive"
ARCHIVES_PREFIX = "archives/"
PART_BYTES = 16 * 1024 * 1024
LINK_TTL = timedelta(hours=1)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def _out(row: dict[str, Any], url: str | None = None) -> ArchiveOut:
    return ArchiveOut(
        id=row["id"],
        round_id=row["round"],
        region_id=row["region"],
        status=row["status"],
        files=row["files"],
        size=row["size"],
        error=row["error"],
        requested_at=row["requested_at"],
        finished_at=row["finished_at"],
        url=url,
    )


def _may_see(actor: Principal, contest_id: int, region_id: int | None) -> bool:
    regions = round_access.organizer_regions(actor, contest_id)
    return regions is None or (region_id is not None and region_id in regions)


async def request_archive(rt: Runtime, actor: Principal, round_id: int, data: ArchiveIn) -> ArchiveOut:
    """Queue the archive of a round's pinned files: of every region (national organizers) or of one."""
    row = await round_row(round_id)
    if not _may_see(actor, row["contest"], data.region_id):
        raise Forbidden("Regional organizers build the archives of their own regions.")
    async with write_transaction():
        rows = await RoundArchive.insert(
            RoundArchive(
                round=round_id,
                region=data.region_id,
                requested_by=audit_id(actor),
                requested_at=rt.clock.now(),
            )
        )
        archive_id = int(rows[0]["id"])
        await outbox.enqueue(rt.clock, ARCHIVE_JOB, outbox.job_id("archive", archive_id, 1), archive_id=archive_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="round.archive",
            object_type="round",
            object_id=round_id,
            after={"archive": archive_id, "region": data.region_id},
        )
    return _out(await _row(archive_id))


async def _row(archive_id: int) -> dict[str, Any]:
    return await one(RoundArchive.select().where(RoundArchive.id == archive_id).first(), "No such archive.")


async def archives_of(actor: Principal, round_id: int) -> list[ArchiveOut]:
    """The archives of a round the actor may see, newest first (links come with `archive_of`)."""
    row = await round_row(round_id)
    rows = await RoundArchive.select().where(RoundArchive.round == round_id).order_by(RoundArchive.id, ascending=False)
    return [_out(r) for r in rows if _may_see(actor, row["contest"], r["region"])]


async def archive_of(store: ObjectStore, actor: Principal, archive_id: int) -> ArchiveOut:
    """One archive, with a download link once it is ready."""
    archive = await _row(archive_id)
    if not _may_see(actor, (await round_row(archive["round"]))["contest"], archive["region"]):
        raise NotFound("No such archive.")
    url = None
    if archive["status"] == ArchiveStatus.READY.value and archive["key"]:
        url = await store.presigned_get(archive["key"], LINK_TTL, download_name=f"round-{archive['round']}.zip")
    return _out(archive, url)


class _Parts:
    """A write-only file the ZIP writer fills; full parts are taken out and uploaded between writes.
    It tells its position but cannot seek, so zipfile streams (sizes in data descriptors)."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.written = 0

    def write(self, data: bytes) -> int:
        self.buffer += data
        self.written += len(data)
        return len(data)

    def tell(self) -> int:
        return self.written

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self, size: int) -> bytes:
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data


def _member_name(file: dict[str, Any]) -> str:
    team = _UNSAFE.sub("_", file["team_name"]).strip() or "team"
    extension = EXTENSIONS.get(file["content_type"], ".txt" if file["key"] is None else "")
    return f"{file['region']}/{file['team']}-{team}/{file['slot_code']}{extension}"


def _manifest(files: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 CSV with Chinese correctly only with a BOM
    writer = csv.writer(out)
    writer.writerow(["path", "team_id", "team", "region", "university", "slot", "filename", "size", "digest", "text"])
    for f in files:
        writer.writerow(
            [
                _member_name(f),
                f["team"],
                f["team_name"],
                f["region"],
                f["university"],
                f["slot_code"],
                f["filename"],
                f["size"],
                f["digest"],
                f["text"],
            ]
        )
    return out.getvalue().encode()


def _checksums(files: list[dict[str, Any]]) -> bytes:
    """`b3sum`'s check format, for the files whose digest is BLAKE3 (older ones were SHA-256)."""
    lines = [
        f"{f['digest'].removeprefix('blake3:')}  {_member_name(f)}\n"
        for f in files
        if f["key"] is not None and f["digest"].startswith("blake3:")
    ]
    return "".join(lines).encode()


async def _pinned_files(round_id: int, region_id: int | None) -> list[dict[str, Any]]:
    where: Any = PinnedFile.round == round_id
    if region_id is not None:
        where &= PinnedFile.team._.university._.region == region_id
    return await (
        PinnedFile.select(
            *PinnedFile.all_columns(),
            PinnedFile.team._.name.as_alias("team_name"),
            PinnedFile.team._.university._.name_zh.as_alias("university"),
            PinnedFile.team._.university._.region._.code.as_alias("region"),
        )
        .where(where)
        .order_by(PinnedFile.team)
    )


async def build_archive(rt: Runtime, store: ObjectStore, archive_id: int) -> str:
    """Build a queued archive (the job); a store failure puts it back in the queue for a retry."""
    archive = await _row(archive_id)
    if archive["status"] not in (ArchiveStatus.QUEUED.value, ArchiveStatus.BUILDING.value):
        return archive["status"]
    await RoundArchive.update({RoundArchive.status: ArchiveStatus.BUILDING.value}).where(RoundArchive.id == archive_id)
    files = await _pinned_files(archive["round"], archive["region"])
    key = f"{ARCHIVES_PREFIX}r{archive['round']}/{archive_id}-{secrets.token_urlsafe(12)}.zip"
    upload_id = await store.create_multipart(key, "application/zip")
    sink, parts = _Parts(), list[Part]()

    async def ship(final: bool = False) -> None:
        while len(sink.buffer) >= PART_BYTES or (final and sink.buffer):
            parts.append(await store.upload_part(key, upload_id, len(parts) + 1, sink.take(PART_BYTES)))

    try:
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED, allowZip64=True) as bundle:
            for file in files:
                name = _member_name(file)
                if file["key"] is None:
                    bundle.writestr(name, file["text"])
                    continue
                # Videos and packages are compressed already: stored as they are.
                with bundle.open(zipfile.ZipInfo(name), "w", force_zip64=True) as member:
                    async for chunk in store.stream(file["key"], etag=file["etag"]):
                        member.write(chunk)
                        await ship()
            bundle.writestr("manifest.csv", _manifest(files))
            bundle.writestr("BLAKE3SUMS", _checksums(files))
        await ship(final=True)
        await store.complete_multipart(key, upload_id, parts)
    except StorageError:
        await _abandon(store, key, upload_id)
        await RoundArchive.update({RoundArchive.status: ArchiveStatus.QUEUED.value}).where(
            RoundArchive.id == archive_id
        )
        raise
    except Exception as exc:
        await _abandon(store, key, upload_id)
        await RoundArchive.update(
            {RoundArchive.status: ArchiveStatus.FAILED.value, RoundArchive.error: str(exc)[:500]}
        ).where(RoundArchive.id == archive_id)
        raise
    await RoundArchive.update(
        {
            RoundArchive.status: ArchiveStatus.READY.value,
            RoundArchive.key: key,
            RoundArchive.files: len(files),
            RoundArchive.size: sink.written,
            RoundArchive.finished_at: rt.clock.now(),
        }
    ).where(RoundArchive.id == archive_id)
    return ArchiveStatus.READY.value


async def _abandon(store: ObjectStore, key: str, upload_id: str) -> None:
    with contextlib.suppress(StorageError):  # else the clean-up job aborts it later
        await store.abort_multipart(key, upload_id)
