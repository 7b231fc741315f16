"""Teams hear of their results by e-mail, each member in their language: a publication (a job that
mails every member of every team once, however often it runs, and says so when results were
corrected) and the answer to their appeal."""

from datetime import timedelta

from contest.accounts.tables import User
from contest.lib.mail.tables import MailMessage
from contest.lib.outbox.tables import OutboxJob
from contest.teams.common import member_ids
from judging.results import appeals, notices, service
from judging.results.jobs import notify_results
from judging.results.schemas import AdjustIn, AnswerIn, AppealIn, PublishIn
from tests import factories as f
from tests.judging import scoring
from tests.judging.results.test_service import computed, scored_round


async def mails(template):
    return (
        await MailMessage.select(
            MailMessage.recipient, MailMessage.language, MailMessage.subject, MailMessage.body_text
        )
        .where(MailMessage.template == template)
        .order_by(MailMessage.id)
    )


async def test_a_publication_mails_every_member_once_in_their_language(service_db, clock):
    s = await scored_round(clock, teams=3, judges=2)
    rt = f.runtime(clock)
    english = (await member_ids(s.teams[1]))[0]
    await User.update({User.language: "en"}).where(User.id == english)
    found = await computed(clock, s)
    await service.publish(rt, s.organizer, found.run.id, PublishIn())
    assert await OutboxJob.exists().where(OutboxJob.job_id == f"results-mail:{found.run.id}:1")

    context = {"runtime": rt}
    assert await notify_results(context, found.run.id) == 3
    assert await notify_results(context, found.run.id) == 3  # delivered again by the queue: no one mailed twice
    sent = await mails("results_published")
    members = [m for team in s.teams for m in await member_ids(team)]
    assert len(sent) == len(members) == len({m["recipient"] for m in sent})
    chinese = next(m for m in sent if m["language"] == "zh-CN")
    assert chinese["subject"].endswith("成绩已公布") and "公示期至" in chinese["body_text"]
    assert "（北京时间）" in chinese["body_text"] and "/my/results" in chinese["body_text"]
    assert [m["subject"] for m in sent if m["language"] == "en"] == [
        f"Results published: {s.round.name_en or s.round.name_zh}"
    ]

    # A correction published as a new run tells everyone again, as a correction.
    await service.adjust(
        rt, s.organizer, found.run.id, AdjustIn(team_id=s.teams[2], field="advanced", advanced=True, reason="复核")
    )
    again = await service.request_compute(rt, s.organizer, s.round.id)
    assert await service.compute_run(rt, again.id) == "ready"
    await service.publish(rt, s.organizer, again.id, PublishIn())
    assert await notify_results(context, again.id) == 3
    corrected = (await mails("results_published"))[len(sent) :]
    assert len(corrected) == len(members) and all(
        "更正" in m["subject"] or "corrected" in m["subject"] for m in corrected
    )


async def test_an_answered_appeal_is_mailed_to_the_team(service_db, clock):
    s = await scored_round(clock, teams=3, judges=2)
    rt = f.runtime(clock)
    found = await computed(clock, s)
    await service.publish(rt, s.organizer, found.run.id, PublishIn())
    member = await scoring.leader(s.teams[2])
    filed = await appeals.file_appeal(rt, None, member, s.round.id, AppealIn(reason="分数有误"))
    clock.advance(timedelta(days=1))
    await appeals.answer_appeal(
        rt, s.organizer, filed.id, AnswerIn(decision="dismissed", answer="经复核，评分无误。\n维持原成绩。")
    )
    sent = await mails("appeal_answered")
    assert len(sent) == len(await member_ids(s.teams[2]))
    assert "申诉不成立" in sent[0]["body_text"] and "经复核，评分无误。\n维持原成绩。" in sent[0]["body_text"]


def test_a_mail_names_the_zone_of_its_times():
    from datetime import UTC, datetime

    at = datetime(2027, 3, 20, 10, 0, tzinfo=UTC)
    assert notices.local_time(at, "Asia/Shanghai", "zh-CN") == "2027-03-20 18:00（北京时间）"
    assert notices.local_time(at, "Asia/Shanghai", "en") == "2027-03-20 18:00 (Beijing time)"
    assert notices.local_time(at, "Europe/London", "en") == "2027-03-20 10:00 (Europe/London)"
