"""Mail rendering never trusts a value to be one line; undelivered mail is shown to national organizers."""

import pytest

from contest.lib.audit.tables import AuditEntry
from contest.lib.mail import service as mail
from contest.lib.mail.tables import MailMessage
from contest.lib.outbox.tables import OutboxJob
from contest.lib.principal import Role
from tests import factories as f

HOSTILE = "王五\n\nSubject: 你中奖了\r\nBcc: everyone@example.cn\x0b\x85\u2028点此领取"


@pytest.mark.parametrize("language", mail.LANGUAGES)
@pytest.mark.parametrize("template", sorted(mail.TEMPLATES))
def test_no_value_can_break_a_subject_or_start_a_paragraph(template, language):
    context = {key: HOSTILE for key in mail.TEMPLATES[template]}
    subject, body = mail.render(template, language, context)
    _, plain_body = mail.render(template, language, {key: "王五" for key in mail.TEMPLATES[template]})
    assert "\n" not in subject and "\r" not in subject and len(subject) <= mail.SUBJECT_MAX
    for value in ("\x0b", "\x85", "\u2028", "\r"):
        assert value not in subject
    # The body keeps the template's own lines: a value adds none (bar the free text of a reason).
    if not set(mail.TEMPLATES[template]) & mail.MULTILINE:
        assert body.count("\n") == plain_body.count("\n")
        assert not any(line.startswith(("Subject:", "Bcc:")) for line in body.splitlines())


def test_a_reason_keeps_its_lines():
    _, body = mail.render("change_decided", "en", {"team": "星辰", "decision": "rejected", "reason": "第一行\n第二行"})
    assert "第一行\n第二行" in body


def test_the_probes_invitation_no_longer_writes_the_subject():
    subject, body = mail.render(
        "team_invitation",
        "zh-CN",
        {"inviter": "李雷\n\n恭喜中奖", "team": "星辰", "contest": "大赛", "link": "http://x/i/1"},
    )
    assert subject.startswith("李雷 恭喜中奖") and "\n" not in subject
    assert body.splitlines()[0] == "你好："  # the first line is the template's, not the name's


async def test_failed_mail_is_listed_for_national_organizers_only(world, clock):
    contest_id, _ = await f.contest(clock)
    national = await world.staff("national@contest.cn", Role.ORGANIZER, None)
    regional = await world.staff("east@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    student = await world.signup("someone@u.edu.cn")
    message_id = await f.failed_mail(clock, "gone@u.edu.cn", "550 no such user", language="en")
    listed = await national.call("GET", "/api/v1/mail/failed")
    assert listed.status_code == 200
    assert [(m["id"], m["recipient"], m["error"]) for m in listed.json()] == [
        (message_id, "gone@u.edu.cn", "550 no such user")
    ]
    assert (await regional.call("GET", "/api/v1/mail/failed")).status_code == 403
    assert (await student.call("GET", "/api/v1/mail/failed")).status_code == 403


async def test_a_national_organizer_sends_an_undelivered_message_again_once(world, clock):
    contest_id, _ = await f.contest(clock)
    national = await world.staff("national@contest.cn", Role.ORGANIZER, None)
    regional = await world.staff("east@contest.cn", Role.ORGANIZER, contest_id, region="EC")
    message_id = await f.failed_mail(clock)

    assert (await regional.call("POST", f"/api/v1/mail/{message_id}/resend")).status_code == 403
    again = await national.call("POST", f"/api/v1/mail/{message_id}/resend")
    assert again.status_code == 200 and again.json() == {"id": message_id, "status": "queued"}
    # A job of its own (arq would ignore the first one's id), and the change is audited.
    assert await OutboxJob.exists().where(OutboxJob.job_id == f"mail:{message_id}:2")
    assert await AuditEntry.exists().where((AuditEntry.action == "mail.resend") & (AuditEntry.object_id == str(message_id)))
    await world.deliver_mail()
    row = await MailMessage.select(MailMessage.status, MailMessage.resends).where(MailMessage.id == message_id).first()
    assert row == {"status": "sent", "resends": 1}
    sent_twice = await national.call("POST", f"/api/v1/mail/{message_id}/resend")
    assert sent_twice.status_code == 409 and "not undelivered" in sent_twice.json()["message"]
    assert (await national.call("POST", "/api/v1/mail/999999/resend")).status_code == 404
    assert await MailMessage.count().where(MailMessage.status == "failed") == 0

