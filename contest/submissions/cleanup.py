"""The clean-up job (hourly): uploads abandoned on their way are discarded from the store, multipart
uploads nobody knows of are aborted, and checks that never finished are queued again.

An abandoned upload was never finalised, so nothing a team was told is saved is touched.
"""

from datetime import timedelta

from contest.lib.db import write_transaction
from contest.lib.outbox import service as outbox
from contest.lib.runtime import Runtime
from contest.submissions.archives import ARCHIVES_PREFIX
from contest.submissions.rules import ENTRIES_PREFIX
from contest.submissions.tables import Upload, UploadMethod, UploadStatus
from contest.submissions.uploads import VERIFY_JOB, discard, url_ttl
from storage import ObjectStore

# A check still unfinished this long after finalising lost its job (e.g. S3 was down through every
# retry): it is queued again (a duplicate finds the upload decided and does nothing).
STUCK_CHECK = timedelta(hours=1)


async def clean_uploads(rt: Runtime, store: ObjectStore) -> dict[str, int]:
    """Discard abandoned uploads and orphaned parts; requeue stuck checks. Returns what it did."""
    now = rt.clock.now()
    resume = timedelta(hours=rt.settings.upload_resume_hours)
    issued = Upload.status == UploadStatus.ISSUED.value
    stale = await Upload.select().where(
        issued
        & (
            ((Upload.method == UploadMethod.MULTIPART.value) & (Upload.created_at < now - resume))
            | (
                (Upload.method == UploadMethod.POST.value)
                & (Upload.created_at < now - url_ttl(rt) - timedelta(hours=1))
            )
        )
    )
    for upload in stale:
        await discard(store, upload)
        await Upload.update({Upload.status: UploadStatus.CANCELLED.value}).where((Upload.id == upload["id"]) & issued)
    known = {r["s3_upload_id"] for r in await Upload.select(Upload.s3_upload_id).where(issued)}
    orphans = 0
    for prefix in (ENTRIES_PREFIX, ARCHIVES_PREFIX):
        for pending in await store.list_multipart_uploads(prefix):
            # The object store's own clock dates these; a day's margin covers any skew and every archive.
            old = pending.initiated is not None and pending.initiated < now - max(resume, timedelta(days=1))
            if pending.upload_id not in known and old:
                await store.abort_multipart(pending.key, pending.upload_id)
                orphans += 1
    stuck = await Upload.select(Upload.id).where(
        (Upload.status == UploadStatus.CHECKING.value) & (Upload.finalised_at < now - STUCK_CHECK)
    )
    for row in stuck:
        async with write_transaction():
            again = outbox.job_id("verify", row["id"], f"again-{now:%Y%m%d%H}")
            await outbox.enqueue(rt.clock, VERIFY_JOB, again, upload_id=row["id"])
    return {"abandoned": len(stale), "orphans": orphans, "requeued": len(stuck)}
