"""The mail job: deliver one recorded message by SMTP, or as an .eml file when no SMTP is set."""

import logging
import os
import tempfile
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from arq import Retry

from contest.lib.mail.service import mail_dir
from contest.lib.mail.tables import MailMessage
from contest.lib.settings import Settings

log = logging.getLogger(__name__)


def build_message(row: dict[str, Any], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["recipient"]
    message["Subject"] = row["subject"]
    message["Date"] = format_datetime(row["created_at"])
    # Derived from the row, so a duplicate delivery is recognisable as the same message.
    message["Message-ID"] = make_msgid(idstring=f"mail-{row['id']}", domain=sender.rsplit("@", 1)[-1] or "localhost")
    message["Content-Language"] = row["language"]
    message.set_content(row["body_text"], charset="utf-8")
    return message


async def _smtp(settings: Settings, message: EmailMessage) -> None:
    url = urlsplit(settings.smtp_url)
    options = parse_qs(url.query)
    await aiosmtplib.send(
        message,
        hostname=url.hostname or "localhost",
        port=url.port or (465 if url.scheme == "smtps" else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=url.scheme == "smtps",
        start_tls=options.get("starttls", ["false"])[0] == "true",
        timeout=30,
    )


def _write_eml(settings: Settings, row: dict[str, Any], message: EmailMessage) -> None:
    folder = mail_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{row['created_at']:%Y%m%dT%H%M%S}-{row['id']:08d}.eml"
    # Write then rename: a half-written file never appears under its final name.
    fd, temp = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(message.as_bytes())
    os.replace(temp, target)


def _permanent(exc: Exception) -> bool:
    """Whether sending can never succeed: the server refused for good (a 5xx answer: no such
    recipient, a refused sender), as opposed to a network failure or a 4xx "try later"."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(error.code >= 500 for error in exc.recipients)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):  # e.g. a non-ASCII address, no SMTPUTF8
        return True
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500


async def _fail(message_id: int, reason: str) -> str:
    await MailMessage.update({MailMessage.error: reason[:500], MailMessage.status: "failed"}).where(
        MailMessage.id == message_id
    )
    log.warning("mail %s failed for good: %s", message_id, reason)
    return "failed"


async def send_mail(ctx: dict[str, Any], message_id: int) -> str:
    """Deliver a recorded message once. arq may deliver the job twice: a sent row is left alone.

    A message that can never be sent (it cannot even be built, or the server refuses it for good)
    ends as failed at once, with the reason, where organizers see it; a passing failure is retried
    with growing delays until the last try, which ends it as failed too. Nothing stays queued."""
    settings: Settings = ctx["settings"]
    row = await MailMessage.select().where(MailMessage.id == message_id).first()
    if row is None:
        return "missing"
    if row["status"] in ("sent", "failed"):
        return f"already {row['status']}"
    try:
        message = build_message(row, settings.mail_from)
    except (ValueError, TypeError) as exc:  # e.g. a header holding a line break (rows from before one_line)
        return await _fail(message_id, f"cannot build the message: {exc}")
    try:
        if settings.smtp_url:
            await _smtp(settings, message)
        else:
            _write_eml(settings, row, message)
    except (aiosmtplib.SMTPException, OSError) as exc:
        if _permanent(exc):
            return await _fail(message_id, str(exc))
        tries = ctx.get("job_try", 1)
        if tries >= ctx.get("max_tries", 5):
            return await _fail(message_id, str(exc))
        await MailMessage.update({MailMessage.error: str(exc)[:500]}).where(MailMessage.id == message_id)
        raise Retry(defer=min(600, 10 * 2**tries)) from exc
    except Exception as exc:  # no retry mends what we did not foresee; say so rather than wait
        log.exception("mail %s could not be sent", message_id)
        return await _fail(message_id, f"{type(exc).__name__}: {exc}")
    await MailMessage.update(
        {MailMessage.status: "sent", MailMessage.sent_at: ctx["clock"].now(), MailMessage.error: ""}
    ).where(MailMessage.id == message_id)
    return "sent"
