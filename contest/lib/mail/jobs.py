"""The mail job: deliver one recorded message by SMTP, or as an .eml file when no SMTP is set."""

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


async def send_mail(ctx: dict[str, Any], message_id: int) -> str:
    """Deliver a recorded message once. arq may deliver the job twice: a sent row is left alone."""
    settings: Settings = ctx["settings"]
    row = await MailMessage.select().where(MailMessage.id == message_id).first()
    if row is None:
        return "missing"
    if row["status"] == "sent":
        return "already sent"
    message = build_message(row, settings.mail_from)
    try:
        if settings.smtp_url:
            await _smtp(settings, message)
        else:
            _write_eml(settings, row, message)
    except (aiosmtplib.SMTPException, OSError) as exc:
        tries = ctx.get("job_try", 1)
        final = tries >= ctx.get("max_tries", 5)
        await MailMessage.update(
            {MailMessage.error: str(exc)[:500], MailMessage.status: "failed" if final else "queued"}
        ).where(MailMessage.id == message_id)
        if final:
            return "failed"
        raise Retry(defer=min(600, 10 * 2**tries)) from exc
    await MailMessage.update(
        {MailMessage.status: "sent", MailMessage.sent_at: ctx["clock"].now(), MailMessage.error: ""}
    ).where(MailMessage.id == message_id)
    return "sent"
