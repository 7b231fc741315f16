"""Outgoing mail: rendered in the recipient's language, recorded, and sent by a job via the outbox."""

import functools
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateNotFound

from contest.lib.audit import service as audit
from contest.lib.clock import Clock
from contest.lib.db import current_engine, one, write_transaction
from contest.lib.errors import Conflict, Forbidden
from contest.lib.mail import limits as mail_limits
from contest.lib.mail.tables import MailMessage
from contest.lib.outbox import service as outbox
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
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
    "judge_new_entries": ("name", "count", "round", "link"),
    "judge_entries_gone": ("name", "count", "round", "link"),
    "judge_panel_duty": ("name", "count", "round", "link"),
    "results_published": ("name", "team", "round", "notice_ends", "updated", "link"),
    "appeal_answered": ("name", "team", "round", "decision", "answer", "link"),
}
# Context values that may span lines (a reason typed in a text box); every other value is shown on
# one line wherever it appears, and the subject is always one line.
MULTILINE = frozenset({"reason", "answer"})
SUBJECT_MAX = 300  # the column's width
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR), autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
)
# Line breaks of every kind (CR, LF, VT, FF, NEL, the Unicode line and paragraph separators) and
# other control characters: in a header they would start a new header, in a body a new paragraph.
_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(value: str) -> str:
    """`value` on one line: breaks and control characters become spaces, runs of spaces one."""
    return " ".join(_BREAKS.sub(" ", value).split())


@functools.lru_cache(maxsize=64)
def _parts(template: str, language: str) -> tuple[Template, Template]:
    """The subject line and the body of a template file, compiled apart: the split is made on the
    template's own text, so nothing a value holds can move it."""
    try:
        source, _, _ = _ENV.loader.get_source(_ENV, f"{template}.{language}.txt")  # type: ignore[union-attr]
    except TemplateNotFound:
        raise KeyError(f"mail template {template}.{language}.txt is missing") from None
    head, _, body = source.partition("\n\n")
    if not head.startswith("Subject: ") or "\n" in head:
        raise ValueError(f"mail template {template}.{language} must start with a one-line Subject: and a blank line")
    return _ENV.from_string(head.removeprefix("Subject: ")), _ENV.from_string(body)


def render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of a template in a language; the first line of the file is `Subject: ...`.
    No value is trusted to be one line: the subject is one line whatever the values hold, and so is
    every value in the body but the free texts of `MULTILINE`."""
    if template not in TEMPLATES:
        raise KeyError(f"unknown mail template {template!r}")
    language = language if language in LANGUAGES else "zh-CN"
    subject, body = _parts(template, language)
    flat = {k: one_line(v) if isinstance(v, str) else v for k, v in context.items()}
    in_body = {k: v if k in MULTILINE else flat[k] for k, v in context.items()}
    return one_line(subject.render(flat))[:SUBJECT_MAX], body.render(in_body)


async def send(
    clock: Clock,
    *,
    requester: mail_limits.Requester,
    to: str,
    language: str,
    template: str,
    context: dict[str, Any],
    user_id: int | None = None,
    dedupe_key: str | None = None,
) -> int:
    """Record a message and enqueue its delivery, in the caller's write transaction: the mail is part
    of the change that causes it, so it is sent only if that change commits. The mail counts against
    `requester`'s allowance (and its recipient's); RateLimited when one is used up. With a
    `dedupe_key` a message already recorded under it is not sent again (its id is returned)."""
    if current_engine().current_transaction.get() is None:
        raise RuntimeError("mail.send must run inside the change's write_transaction")
    if dedupe_key is not None:
        sent = await MailMessage.select(MailMessage.id).where(MailMessage.dedupe_key == dedupe_key).first()
        if sent is not None:
            return int(sent["id"])
    await requester.take(to)
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
            dedupe_key=dedupe_key,
        )
    )
    message_id = int(rows[0]["id"])
    await _queue(clock, message_id, 0)
    return message_id


async def _queue(clock: Clock, message_id: int, resends: int) -> None:
    # A new job id per try: arq ignores an id whose last result it still keeps.
    await outbox.enqueue(clock, "send_mail", outbox.job_id("mail", message_id, resends + 1), message_id=message_id)


def mail_dir(settings: Settings) -> Path:
    return settings.var_path / "mail"


def list_dev_mail(settings: Settings) -> list[Path]:
    """The .eml files written without SMTP, newest first (the development mailbox page)."""
    folder = mail_dir(settings)
    return sorted(folder.glob("*.eml"), reverse=True) if folder.is_dir() else []


class FailedMailOut(msgspec.Struct, kw_only=True):
    """A message that could not be sent, and why (organizers reach the person another way)."""

    id: int
    recipient: str
    template: str
    subject: str
    error: str
    created_at: datetime


class MailStatusOut(msgspec.Struct, kw_only=True):
    id: int
    status: str


def _national(actor: Principal) -> None:
    if not actor.organizes_nationally():
        raise Forbidden("Only national organizers see undelivered mail.")


async def failed_mail(actor: Principal, limit: int = 200) -> list[FailedMailOut]:
    """Messages that ended as failed, newest first: for national organizers (they name anyone)."""
    _national(actor)
    rows = (
        await MailMessage.select(
            MailMessage.id,
            MailMessage.recipient,
            MailMessage.template,
            MailMessage.subject,
            MailMessage.error,
            MailMessage.created_at,
        )
        .where(MailMessage.status == "failed")
        .order_by(MailMessage.id, ascending=False)
        .limit(limit)
    )
    return [FailedMailOut(**row) for row in rows]


async def count_failed(actor: Principal) -> int:
    """How many messages ended as failed (what waits for a national organizer)."""
    _national(actor)
    return int(await MailMessage.count().where(MailMessage.status == "failed"))


async def resend(rt: Runtime, actor: Principal, message_id: int) -> MailStatusOut:
    """Queue an undelivered message once more (say, after the mail server was repaired); counted
    against the organizer's allowance, audited. Only a failed message can be sent again."""
    _national(actor)
    async with write_transaction():
        row = await one(
            MailMessage.select(MailMessage.id, MailMessage.recipient, MailMessage.status, MailMessage.resends).where(
                MailMessage.id == message_id
            ).first(),
            "No such message.",
        )
        if row["status"] != "failed":
            raise Conflict("This message is not undelivered: it was sent or is still being sent.")
        await mail_limits.organizer(rt, audit_id(actor)).take(row["recipient"])
        await MailMessage.update(
            {MailMessage.status: "queued", MailMessage.resends: row["resends"] + 1}
        ).where(MailMessage.id == message_id)
        await _queue(rt.clock, message_id, row["resends"] + 1)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="mail.resend",
            object_type="mail",
            object_id=message_id,
            before={"status": "failed"},
            after={"status": "queued", "resends": row["resends"] + 1},
        )
    return MailStatusOut(id=message_id, status="queued")
