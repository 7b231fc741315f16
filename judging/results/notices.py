"""E-mail to teams about their results, in each member's language: when a round's results are
published (a job, to every member of every team in them, once per person and run) and when their
appeal is answered (in the transaction of the answer).

A publication reaches thousands of people at once, so it is sent as the platform (no organizer's
hourly allowance could hold it) and bounded instead by its key: one message per person and run,
however often the job runs."""

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from contest.accounts import service as accounts
from contest.contests import service as contests
from contest.lib.db import write_transaction
from contest.lib.mail import limits as mail_limits
from contest.lib.mail import service as mail
from contest.lib.mail.limits import Requester
from contest.lib.outbox import service as outbox
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds.service import round_row
from contest.teams.common import load_teams, member_ids
from judging.results.schemas import Snapshot
from judging.results.tables import ResultRun, RunStatus

NOTIFY_JOB = "notify_results"
TEAMS_PER_TRANSACTION = 100
BEIJING = "Asia/Shanghai"


def local_time(value: datetime, time_zone: str, language: str) -> str:
    """A time as a mail shows it: minutes, in the contest's zone, named."""
    shown = value.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")
    if language == "en":
        return f"{shown} ({'Beijing time' if time_zone == BEIJING else time_zone})"
    return f"{shown}（{'北京时间' if time_zone == BEIJING else time_zone}）"


async def mail_members(
    rt: Runtime,
    requester: Requester,
    team: dict[str, Any],
    round_: dict[str, Any],
    template: str,
    context: dict[str, Any | Callable[[str], str]],
    *,
    dedupe: str | None = None,
) -> None:
    """One message per member of `team` about `round_`, in their language (call inside the write
    transaction of the change it reports). A callable context value is given the member's language
    (a time, say). `dedupe`: a key prefix naming the notice, so each member gets it once."""
    round_name = Name(round_["name_zh"], round_["name_en"])
    for person in (await accounts.accounts(await member_ids(int(team["id"])))).values():
        await mail.send(
            rt.clock,
            requester=requester,
            to=person.email,
            language=person.language,
            template=template,
            user_id=person.id,
            context={
                "name": person.name,
                "team": team["name"],
                "round": round_name.pick(person.language),
                "link": f"{rt.base_url}/my/results",
                **{k: v(person.language) if callable(v) else v for k, v in context.items()},
            },
            dedupe_key=f"{dedupe}:{person.id}" if dedupe else None,
        )


async def queue_publication_mail(rt: Runtime, run_id: int) -> None:
    """Queue the mail of a publication (inside the transaction that publishes)."""
    await outbox.enqueue(rt.clock, NOTIFY_JOB, outbox.job_id("results-mail", run_id, 1), run_id=run_id)


async def notify_publication(rt: Runtime, run: dict[str, Any], snapshot: Snapshot) -> int:
    """Mail every member of every team in a public run's results; returns how many teams. A member
    already mailed about this run is skipped, so the job may run again after a failure."""
    if run["status"] not in (RunStatus.PUBLISHED.value, RunStatus.FINAL.value):
        return 0
    round_ = await round_row(run["round"])
    time_zone = (await contests.contest(int(round_["contest"]))).time_zone
    updated = await ResultRun.exists().where(
        (ResultRun.round == run["round"]) & (ResultRun.number < run["number"]) & ResultRun.published_at.is_not_null()
    )
    ends = run["notice_ends_at"]
    context = {"notice_ends": lambda language: local_time(ends, time_zone, language), "updated": updated}
    teams = await load_teams(t.team_id for t in snapshot.teams)
    for start in range(0, len(teams), TEAMS_PER_TRANSACTION):
        async with write_transaction():
            for team in teams[start : start + TEAMS_PER_TRANSACTION]:
                await mail_members(
                    rt,
                    mail_limits.platform(),
                    team,
                    round_,
                    "results_published",
                    context,
                    dedupe=f"results:{run['id']}",
                )
    return len(teams)


async def notify_answer(rt: Runtime, actor_id: int | None, appeal: dict[str, Any], decision: str, answer: str) -> None:
    """Tell the team how its appeal was answered (inside the answer's transaction; counted against
    the organizer's allowance like their other decisions)."""
    team = (await load_teams([int(appeal["team"])]))[0]
    round_ = await round_row(appeal["round"])
    await mail_members(
        rt,
        mail_limits.organizer(rt, actor_id),
        team,
        round_,
        "appeal_answered",
        {"decision": decision, "answer": answer},
    )
