"""Reading the mail people receive: the outbox relayed to Redis, a real worker delivering .eml files."""

import email
import re
from email import policy

from arq.connections import ArqRedis

from contest.lib.clock import Clock
from contest.lib.mail.service import list_dev_mail
from contest.lib.mail.tables import MailMessage
from contest.lib.outbox import service as outbox
from contest.lib.settings import Settings
from contest.shell.worker import build_worker


async def deliver_mail(settings: Settings, clock: Clock) -> None:
    """Relay the outbox and let a burst arq worker send everything that is queued."""
    redis = ArqRedis.from_url(settings.redis_url)
    try:
        await outbox.relay(redis, clock)
    finally:
        await redis.aclose()
    worker = build_worker(settings, burst=True, ctx={"clock": clock}, poll_delay=0.05)
    try:
        await worker.main()
    finally:
        await worker.close()


def link(settings: Settings, to: str, pattern: str) -> str:
    """Group 1 of `pattern` in the newest delivered mail to `to` that matches it."""
    for path in list_dev_mail(settings):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == to:
            match = re.search(pattern, message.get_content())
            if match:
                return match.group(1)
    raise AssertionError(f"no delivered mail to {to} matching {pattern}")


async def link_token(email: str, path: str) -> str:
    """The token from the newest mail to `email` whose link contains `path` (as the person reads it)."""
    rows = (
        await MailMessage.select(MailMessage.body_text)
        .where(MailMessage.recipient == email)
        .order_by(MailMessage.id, ascending=False)
    )
    for row in rows:
        match = re.search(re.escape(path) + r"([A-Za-z0-9_\-]+)", row["body_text"])
        if match:
            return match.group(1)
    raise AssertionError(f"no mail with {path} to {email}")
