"""The worker's jobs for entries (registered in contest.shell.worker): verifying an upload, pinning
entries whose window is over, building a round's archive, cleaning up abandoned uploads."""

import logging
from typing import Any

from arq import Retry

from contest.submissions import archives, cleanup, pinning, verification
from storage import StorageError

log = logging.getLogger(__name__)


def _later(ctx: dict[str, Any]) -> int:
    return min(600, 15 * 2 ** ctx.get("job_try", 1))


async def verify_upload(ctx: dict[str, Any], upload_id: int) -> str:
    """Check a finalised upload. The store failing is retried (and, past every retry, requeued by the
    clean-up job); the check itself failing refuses the file with that reason."""
    try:
        return await verification.verify_upload(ctx["runtime"], ctx["store"], upload_id)
    except StorageError as exc:
        raise Retry(defer=_later(ctx)) from exc
    except Exception:
        log.exception("the check of upload %s failed", upload_id)
        return await verification.give_up(ctx["runtime"], upload_id)


async def pin_entries(ctx: dict[str, Any]) -> int:
    """Every minute: pin the entries whose window is over."""
    return await pinning.pin_due_entries(ctx["runtime"], ctx["store"])


async def build_archive(ctx: dict[str, Any], archive_id: int) -> str:
    try:
        return await archives.build_archive(ctx["runtime"], ctx["store"], archive_id)
    except StorageError as exc:
        raise Retry(defer=_later(ctx)) from exc


async def clean_uploads(ctx: dict[str, Any]) -> dict[str, int]:
    """Every hour: discard abandoned uploads, abort orphaned parts, requeue stuck checks."""
    return await cleanup.clean_uploads(ctx["runtime"], ctx["store"])
