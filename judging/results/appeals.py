"""The notice period (公示) from a team's side and the organizers': a team's own result with the
judges' comments, appeals with a reason and an optional attachment, and the organizers' answers
(upheld, with the change recorded as an adjustment, or dismissed)."""

import secrets
from datetime import timedelta
from typing import Any

from contest.lib.audit import service as audit
from contest.lib.db import one, write_transaction
from contest.lib.errors import Forbidden, InvalidInput, InvalidState, NotFound
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds.service import round_row
from contest.teams import queries as teams
from contest.teams.access import organizes
from contest.teams.common import load_team, member_ids
from judging.results import access, notices
from judging.results.schemas import AdjustIn, AnswerIn, AppealIn, AppealOut, MyResultOut
from judging.results.service import adjusted_snapshot, published_run, record_adjustment
from judging.results.tables import Appeal, AppealStatus, RunStatus
from judging.sheets.queries import team_comments
from storage import ObjectStore
from storage.checks.sniff import detect_type

ATTACHMENT_TYPES = {"pdf": ("application/pdf", ".pdf"), "png": ("image/png", ".png"), "jpeg": ("image/jpeg", ".jpg")}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_APPEALS = 3
LINK_TTL = timedelta(minutes=30)


class Attachment:
    """A file sent with an appeal: its name as the team had it, and its bytes."""

    def __init__(self, filename: str, content: bytes) -> None:
        self.filename = filename
        self.content = content


def _appeal_out(row: dict[str, Any]) -> AppealOut:
    return AppealOut(
        id=row["id"],
        round_id=row["round"],
        run_id=row["run"],
        team_id=row["team"],
        team=row.get("team_name", ""),
        reason=row["reason"],
        attachment_name=row["attachment_name"],
        attachment_size=row["attachment_size"],
        status=row["status"],
        answer=row["answer"],
        filed_at=row["filed_at"],
        answered_at=row["answered_at"],
    )


def _with_team() -> list[Any]:
    return [*Appeal.all_columns(), Appeal.team._.name.as_alias("team_name")]


async def _my_team(actor: Principal, contest_id: int) -> int:
    team_id = await teams.team_of(actor.user_id, contest_id)
    if team_id is None:
        raise Forbidden("You are not in a team of this contest.")
    return team_id


async def _team_appeals(round_id: int, team_id: int) -> list[dict[str, Any]]:
    return await (
        Appeal.select(*_with_team()).where((Appeal.round == round_id) & (Appeal.team == team_id)).order_by(Appeal.id)
    )


async def my_result(rt: Runtime, actor: Principal, round_id: int) -> MyResultOut:
    """The caller's team's result in the round, once published: its ranks, whether it advanced and
    its award, each with the reason, the judges' comments, and its appeals."""
    row = await round_row(round_id)
    team_id = await _my_team(actor, row["contest"])
    run = await published_run(round_id)
    snapshot = await adjusted_snapshot(run) if run else None
    standing = next((t for t in snapshot.teams if t.team_id == team_id), None) if snapshot else None
    appeals = await _team_appeals(round_id, team_id)
    region_count = (
        sum(1 for t in snapshot.teams if t.region == standing.region and t.status == "submitted")
        if snapshot and standing
        else 0
    )
    now = rt.clock.now()
    can_appeal = (
        run is not None
        and run["status"] == RunStatus.PUBLISHED.value
        and now < run["notice_ends_at"]
        and not any(a["status"] == AppealStatus.OPEN.value for a in appeals)
        and len(appeals) < MAX_APPEALS
    )
    return MyResultOut(
        round_id=round_id,
        round=Name(row["name_zh"], row["name_en"]),
        team_id=team_id,
        published=run is not None,
        final=run is not None and run["status"] == RunStatus.FINAL.value,
        standing=standing,
        region_count=region_count,
        comments=await team_comments(round_id, team_id) if run else [],
        notice_ends_at=run["notice_ends_at"] if run else None,
        can_appeal=can_appeal,
        appeals=[_appeal_out(a) for a in appeals],
    )


def _checked_attachment(attachment: Attachment | None) -> tuple[str, str] | None:
    """(content type, extension) of an acceptable attachment; InvalidInput otherwise."""
    if attachment is None or not attachment.content:
        return None
    if len(attachment.content) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput("The attachment may be 10 MB at most.", {"attachment": "too large"})
    kind = detect_type(attachment.content[:4096])
    if kind not in ATTACHMENT_TYPES:
        raise InvalidInput("Attach a PDF, PNG or JPEG file.", {"attachment": "wrong type"})
    return ATTACHMENT_TYPES[kind]


async def file_appeal(
    rt: Runtime,
    store: ObjectStore | None,
    actor: Principal,
    round_id: int,
    data: AppealIn,
    attachment: Attachment | None = None,
) -> AppealOut:
    """A team's appeal against the published results, during the notice period only, with a reason
    and optionally a PDF or image (stored in the object store)."""
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput("Say what the appeal is about.", {"reason": "required"})
    row = await round_row(round_id)
    team_id = await _my_team(actor, row["contest"])
    kind = _checked_attachment(attachment)
    if kind is not None and store is None:
        raise InvalidState("The file store is not configured; send the appeal without an attachment.")
    key = None
    async with write_transaction():
        run = await published_run(round_id)
        if run is None:
            raise InvalidState("The results of this round are not published.")
        if run["status"] == RunStatus.FINAL.value or rt.clock.now() >= run["notice_ends_at"]:
            raise InvalidState("The notice period ended at {when}: appeals are closed.", when=run["notice_ends_at"])
        earlier = await _team_appeals(round_id, team_id)
        if any(a["status"] == AppealStatus.OPEN.value for a in earlier):
            raise InvalidState("Your team's appeal is still being answered.")
        if len(earlier) >= MAX_APPEALS:
            raise InvalidState("A team may appeal at most {count} times per round.", count=MAX_APPEALS)
        if kind is not None and attachment is not None and store is not None:
            key = f"appeals/r{round_id}/t{team_id}/{secrets.token_urlsafe(12)}{kind[1]}"
            await store.put(key, attachment.content, kind[0])
        inserted = await Appeal.insert(
            Appeal(
                round=round_id,
                run=run["id"],
                team=team_id,
                filed_by=actor.user_id,
                reason=reason,
                attachment_key=key,
                attachment_name=(attachment.filename[:255] if attachment and key else ""),
                attachment_type=kind[0] if kind else "",
                attachment_size=len(attachment.content) if attachment and key else 0,
                filed_at=rt.clock.now(),
            )
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="appeal.file",
            object_type="team",
            object_id=team_id,
            after={"round": round_id, "run": run["id"], "appeal": inserted[0]["id"], "attachment": bool(key)},
            reason=reason,
        )
    return await appeal_of(int(inserted[0]["id"]))


async def appeal_of(appeal_id: int) -> AppealOut:
    return _appeal_out(await _appeal_row(appeal_id))


async def _appeal_row(appeal_id: int) -> dict[str, Any]:
    return await one(Appeal.select(*_with_team()).where(Appeal.id == appeal_id).first(), "No such appeal.")


async def appeals(actor: Principal, round_id: int) -> list[AppealOut]:
    """The round's appeals, open ones first (organizers see those of the teams they oversee)."""
    row = await round_row(round_id)
    access.require_reader(actor, row["contest"])
    regions = actor.organizer_regions(row["contest"])
    where: Any = Appeal.round == round_id
    if regions is not None:
        where &= Appeal.team._.university._.region.is_in(list(regions) or [0])
    rows = await Appeal.select(*_with_team()).where(where).order_by(Appeal.id)
    rows.sort(key=lambda a: (a["status"] != AppealStatus.OPEN.value, a["id"]))
    return [_appeal_out(a) for a in rows]


async def answer_appeal(rt: Runtime, actor: Principal, appeal_id: int, data: AnswerIn) -> AppealOut:
    """Answer an open appeal (national organizers): upheld, with the change made to the published
    results (recorded as an adjustment naming the appeal), or dismissed; the answer says why."""
    answer = data.answer.strip()
    if not answer:
        raise InvalidInput("Write the answer the team will read.", {"answer": "required"})
    async with write_transaction():
        appeal = await _appeal_row(appeal_id)
        round_ = await round_row(appeal["round"])
        access.require_manager(actor, round_["contest"])
        if appeal["status"] != AppealStatus.OPEN.value:
            raise InvalidState("This appeal is already answered.")
        if data.decision == "upheld":
            if data.field is None:
                raise InvalidInput("Say what changes when the appeal is upheld.", {"field": "required"})
            run = await published_run(appeal["round"])
            if run is None or run["status"] != RunStatus.PUBLISHED.value:
                raise InvalidState("The results of this round are final.")
            change = AdjustIn(
                team_id=appeal["team"], field=data.field, advanced=data.advanced, award=data.award, reason=answer
            )
            await record_adjustment(rt, actor, run, change, appeal_id=appeal_id)
        await Appeal.update(
            {
                Appeal.status: data.decision,
                Appeal.answer: answer,
                Appeal.answered_by: audit_id(actor),
                Appeal.answered_at: rt.clock.now(),
            }
        ).where(Appeal.id == appeal_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="appeal.answer",
            object_type="team",
            object_id=appeal["team"],
            after={"appeal": appeal_id, "decision": data.decision},
            reason=answer,
        )
        await notices.notify_answer(rt, audit_id(actor), appeal, data.decision, answer)
    return await appeal_of(appeal_id)


async def attachment_link(rt: Runtime, store: ObjectStore, actor: Principal, appeal_id: int) -> str:
    """A short-lived download link of an appeal's attachment (its team and its organizers)."""
    appeal = await _appeal_row(appeal_id)
    team = await load_team(appeal["team"])
    if actor.user_id not in await member_ids(appeal["team"]) and not organizes(actor, team):
        raise NotFound("No such appeal.")
    if not appeal["attachment_key"]:
        raise NotFound("This appeal has no attachment.")
    suffix = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(appeal["attachment_type"], "")
    return await store.presigned_get(appeal["attachment_key"], LINK_TTL, download_name=f"appeal-{appeal_id}{suffix}")
