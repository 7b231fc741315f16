"""Jobs on a real Redis with a real arq worker: outbox relay, idempotence, mail delivery."""

import asyncio
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from arq.connections import ArqRedis

from contest.lib import db
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.mail.jobs import send_mail
from contest.lib.mail.tables import MailMessage
from contest.lib.outbox import service as outbox
from contest.lib.outbox.tables import OutboxJob
from contest.shell.worker import build_worker
from tests import factories as f
from tests.conftest import replace


@pytest.fixture
async def engine(app_settings):
    engine = await db.open_engine(app_settings)
    yield engine
    await db.close_engine(engine)


@pytest.fixture
async def redis(app_settings):
    client = ArqRedis.from_url(app_settings.redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


async def queue_mail(clock, to="li@example.edu.cn", language="zh-CN") -> int:
    context = {"name": "李雷", "link": "http://x/verify?token=abc"}
    return await f.queued_mail(clock, to, language, "verify_email", context)


async def run_worker(settings, clock) -> None:
    worker = build_worker(settings, burst=True, ctx={"clock": clock}, poll_delay=0.05)
    try:
        await worker.main()
    finally:
        await worker.close()


async def test_outbox_to_worker_to_eml(app_settings, engine, redis, clock):
    message_id = await queue_mail(clock)
    assert await outbox.pending_count() == 1
    assert await outbox.relay(redis, clock) == 1
    assert await outbox.pending_count() == 0
    await run_worker(app_settings, clock)
    row = await MailMessage.select().where(MailMessage.id == message_id).first()
    assert row["status"] == "sent"
    files = mail.list_dev_mail(app_settings)
    assert len(files) == 1
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert parsed["To"] == "li@example.edu.cn"
    assert parsed["Subject"].startswith("请验证你的邮箱")
    assert "verify?token=abc" in parsed.get_content()


async def test_a_rolled_back_change_sends_nothing(engine, clock):
    with pytest.raises(RuntimeError):
        async with db.write_transaction():
            await mail.send(
                clock,
                requester=mail_limits.platform(),
                to="x@example.edu.cn",
                language="en",
                template="verify_email",
                context={"name": "X", "link": "l"},
            )
            raise RuntimeError("the change failed")
    assert await OutboxJob.count() == 0 and await MailMessage.count() == 0


async def test_relay_keeps_jobs_while_redis_is_down(engine, clock):
    await queue_mail(clock)
    dead = ArqRedis.from_url("redis://127.0.0.1:1/0")
    assert await outbox.relay(dead, clock) == 0
    row = await OutboxJob.select().first()
    assert row["sent_at"] is None and row["attempts"] == 1 and row["last_error"]
    await dead.aclose()


async def test_delivery_is_idempotent(app_settings, engine, clock):
    message_id = await queue_mail(clock)
    ctx = {"settings": app_settings, "clock": clock}
    assert await send_mail(ctx, message_id) == "sent"
    assert await send_mail(ctx, message_id) == "already sent"
    assert len(mail.list_dev_mail(app_settings)) == 1


async def test_the_same_job_id_is_enqueued_once(redis, engine, clock):
    async with db.write_transaction():
        await outbox.enqueue(clock, "send_mail", outbox.job_id("mail", 7, 1), message_id=7)
        await outbox.enqueue(clock, "send_mail", outbox.job_id("mail", 7, 1), message_id=7)
        await outbox.enqueue(clock, "send_mail", outbox.job_id("mail", 7, 2), message_id=7)
    assert await OutboxJob.count() == 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Collector:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


async def test_smtp_delivery_to_a_real_peer(app_settings, engine, clock):
    collector = Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        settings = replace(app_settings, smtp_url=f"smtp://127.0.0.1:{port}", mail_from="contest@demo.cn")
        message_id = await queue_mail(clock, to="han@example.edu.cn")
        assert await send_mail({"settings": settings, "clock": clock}, message_id) == "sent"
    finally:
        await asyncio.to_thread(controller.stop)
    assert len(collector.envelopes) == 1
    envelope = collector.envelopes[0]
    assert envelope.rcpt_tos == ["han@example.edu.cn"] and envelope.mail_from == "contest@demo.cn"
    parsed = email.message_from_bytes(envelope.content, policy=policy.default)
    assert parsed["Subject"].startswith("请验证你的邮箱")


async def test_smtp_failure_is_retried_then_recorded(app_settings, engine, clock):
    from arq import Retry

    settings = replace(app_settings, smtp_url=f"smtp://127.0.0.1:{free_port()}")
    message_id = await queue_mail(clock)
    with pytest.raises(Retry):
        await send_mail({"settings": settings, "clock": clock, "job_try": 1, "max_tries": 3}, message_id)
    assert await send_mail({"settings": settings, "clock": clock, "job_try": 3, "max_tries": 3}, message_id) == "failed"
    row = await MailMessage.select().where(MailMessage.id == message_id).first()
    assert row["status"] == "failed" and row["error"]
