"""Outgoing mail: rendered in the recipient's language, recorded, and sent by a job via the outbox."""

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from contest.lib.clock import Clock
from contest.lib.db import current_engine
from contest.lib.mail.tables import MailMessage
from contest.lib.outbox import service as outbox
from contest.lib.settings import Settings

TEMPLATES_DIR = Path(__file__).parent / "templates"
LANGUAGES = ("zh-CN", "en")
# Every template and the context keys it needs.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "verify_email": ("name", "link"),
    "reset_password": ("name", "link"),
    "team_invitation": ("inviter", "team", "contest", "link"),
    "advisor_request": ("name", "team", "university", "link"),
    "change_decided": ("team", "decision", "reason"),
    "staff_invitation": ("role", "contest", "link"),
    "teacher_approved": ("name",),
}
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR), autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
)


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a template in a language; the first line of the file is `Subject: ...`."""
    if template not in TEMPLATES:
        raise KeyError(f"unknown mail template {template!r}")
    language = language if language in LANGUAGES else "zh-CN"
    try:
        text = _ENV.get_template(f"{template}.{language}.txt").render(context)
    except TemplateNotFound:
        raise KeyError(f"mail template {template}.{language}.txt is missing") from None
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"mail template {template}.{language} must start with a Subject: line")
    return head.removeprefix("Subject: ").strip(), body


async def send(
    clock: Clock, *, to: str, language: str, template: str, context: dict[str, Any], user_id: int | None = None
) -> int:
    """Record a message and enqueue its delivery, in the caller's write transaction: the mail is part
    of the change that causes it, so it is sent only if that change commits."""
    if current_engine().current_transaction.get() is None:
        raise RuntimeError("mail.send must run inside the change's write_transaction")
    subject, body = render(template, language, context)
    rows = await MailMessage.insert(
        MailMessage(
            recipient=to,
            user=user_id,
            language=language if language in LANGUAGES else "zh-CN",
            template=template,
            subject=subject,
            body_text=body,
            created_at=clock.now(),
        )
    )
    message_id = int(rows[0]["id"])
    await outbox.enqueue(clock, "send_mail", outbox.job_id("mail", message_id, 1), message_id=message_id)
    return message_id


def mail_dir(settings: Settings) -> Path:
    return settings.var_path / "mail"


def list_dev_mail(settings: Settings) -> list[Path]:
    """The .eml files written without SMTP, newest first (the development mailbox page)."""
    folder = mail_dir(settings)
    return sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []
