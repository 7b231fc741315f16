"""A mail job that can never succeed ends as failed, with its reason, at once; a passing failure is
retried. Nothing stays queued forever."""

import socket

import pytest
from aiosmtpd.controller import Controller
from arq import Retry

from contest.lib import db
from contest.lib.mail.jobs import send_mail
from contest.lib.mail.tables import MailMessage
from tests import factories as f
from tests.conftest import replace


@pytest.fixture
async def engine(app_settings):
    engine = await db.open_engine(app_settings)
    yield engine
    await db.close_engine(engine)


async def row(message_id: int) -> dict:
    return await MailMessage.select().where(MailMessage.id == message_id).first()


async def test_a_message_that_cannot_be_built_fails_at_once(app_settings, engine, clock):
    message_id = await f.queued_mail(clock)
    # A row written before subjects were made one line: its header cannot be built, ever.
    await MailMessage.update({MailMessage.subject: "李雷\r\nBcc: everyone@example.cn"}).where(
        MailMessage.id == message_id
    )
    ctx = {"settings": app_settings, "clock": clock, "job_try": 1, "max_tries": 5}
    assert await send_mail(ctx, message_id) == "failed"
    failed = await row(message_id)
    assert failed["status"] == "failed" and "cannot build" in failed["error"]
    assert await send_mail(ctx, message_id) == "already failed"  # a second delivery changes nothing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Refusing:
    """An SMTP server that answers every recipient with `reply`."""

    def __init__(self, reply: str) -> None:
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, options):
        return self.reply


@pytest.fixture
def smtp_server():
    started = []

    def start(reply: str) -> str:
        port = free_port()
        controller = Controller(Refusing(reply), hostname="127.0.0.1", port=port)
        controller.start()
        started.append(controller)
        return f"smtp://127.0.0.1:{port}"

    yield start
    for controller in started:
        controller.stop()


async def test_a_recipient_refused_for_good_fails_at_once(app_settings, engine, clock, smtp_server):
    settings = replace(app_settings, smtp_url=smtp_server("550 5.1.1 No such user"))
    message_id = await f.queued_mail(clock, to="gone@u.edu.cn")
    ctx = {"settings": settings, "clock": clock, "job_try": 1, "max_tries": 5}
    assert await send_mail(ctx, message_id) == "failed"
    failed = await row(message_id)
    assert failed["status"] == "failed" and "No such user" in failed["error"]


async def test_a_passing_refusal_is_retried_and_stays_queued_until_the_last_try(
    app_settings, engine, clock, smtp_server
):
    settings = replace(app_settings, smtp_url=smtp_server("451 4.3.0 Try again later"))
    message_id = await f.queued_mail(clock)
    with pytest.raises(Retry):
        await send_mail({"settings": settings, "clock": clock, "job_try": 1, "max_tries": 3}, message_id)
    waiting = await row(message_id)
    assert waiting["status"] == "queued" and "Try again later" in waiting["error"]
    last = {"settings": settings, "clock": clock, "job_try": 3, "max_tries": 3}
    assert await send_mail(last, message_id) == "failed"
    assert (await row(message_id))["status"] == "failed"
