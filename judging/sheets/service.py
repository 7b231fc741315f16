"""The judge panel's services: a judge's rounds and entries with progress, one entry with its sheet,
saving (drafts, autosave), submitting and editing until the review window closes, and recusal.

Saves are optimistically locked: each names the version of the sheet it was made from, and a save
from a stale copy (another tab, another device) is refused with a message instead of overwriting.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec

from contest.contests import service as contests
from contest.lib.audit import service as audit
from contest.lib.db import after_commit, json_value, write_transaction
from contest.lib.errors import Conflict, InvalidInput, InvalidState, Msg, NotFound
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.regions import service as regions
from contest.rounds.service import round_row, rounds_of
from contest.teams.common import load_team
from judging.assignment import queries as assignment
from judging.rubrics.rules import score_problems, total
from judging.rubrics.schemas import CriterionOut
from judging.rubrics.service import criteria_of
from judging.sheets import access
from judging.sheets.rules import deadline, edit_refusal
from judging.sheets.schemas import (
    PanelEntryOut,
    PanelOut,
    PanelRoundOut,
    RecuseIn,
    SheetIn,
    SheetOut,
)
from judging.sheets.tables import ScoreSheet, SheetStatus

# Called after a commit that submitted or changed a submitted sheet (the live leaderboard listens).
SheetListener = Callable[[Runtime, int], Awaitable[None]]
_listeners: list[SheetListener] = []


def on_submitted(listener: SheetListener) -> None:
    """Have `listener(rt, round_id)` called after every commit that changes a submitted sheet."""
    if listener not in _listeners:
        _listeners.append(listener)


class Facts(msgspec.Struct, kw_only=True):
    """What a non-blind panel shows of a team, and the track every panel shows."""

    team: str
    university: Name
    track: Name


async def team_facts(contest_id: int, team_ids: list[int]) -> dict[int, Facts]:
    tracks = {t.id: Name(t.name_zh, t.name_en) for t in await contests.tracks_of(contest_id)}
    found: dict[int, Facts] = {}
    for team_id in team_ids:
        team = await load_team(team_id)
        university = await regions.university(team["university"])
        found[team_id] = Facts(
            team=team["name"],
            university=Name(university.name_zh, university.name_en),
            track=tracks.get(team["track"], Name("")),
        )
    return found


def _weights(criteria: list[CriterionOut]) -> dict[str, tuple[float, float]]:
    return {c.code: (c.weight, c.max) for c in criteria}


def scores_of(row: dict[str, Any] | None) -> dict[str, float | None]:
    return dict(json_value(row["scores"])) if row else {}


def sheet_out(
    code: str, row: dict[str, Any] | None, criteria: list[CriterionOut], until: datetime | None, refusal: Msg | None
) -> SheetOut:
    scores = scores_of(row)
    status = row["status"] if row else "new"
    if status == SheetStatus.DRAFT.value and row is not None and row["saved_at"] is None:
        status = "new"  # opened, never saved
    value = total(_weights(criteria), scores)
    return SheetOut(
        code=code,
        status=status,
        scores={c.code: scores.get(c.code) for c in criteria},
        comment=row["comment"] if row else "",
        note=row["note"] if row else "",
        version=row["version"] if row else 0,
        total=None if value is None else round(value, 2),
        opened_at=row["opened_at"] if row else None,
        saved_at=row["saved_at"] if row else None,
        submitted_at=row["submitted_at"] if row else None,
        deadline=until,
        editable=refusal is None and status != SheetStatus.RECUSED.value,
        refusal=None if refusal is None else refusal.render(),
    )


async def _sheet_row(round_id: int, team_id: int, judge_id: int) -> dict[str, Any] | None:
    return (
        await ScoreSheet.select()
        .where((ScoreSheet.round == round_id) & (ScoreSheet.team == team_id) & (ScoreSheet.judge == judge_id))
        .first()
    )


async def panel_rounds(rt: Runtime, actor: Principal, contest_id: int) -> list[PanelRoundOut]:
    """The rounds of the contest in which the judge has entries, with how far they are."""
    access.require_judge(actor, contest_id)
    found = []
    for current in await rounds_of(rt, contest_id):
        entries = await assignment.assigned(current.id, actor.user_id)
        if not entries:
            continue
        statuses = await _statuses(current.id, actor.user_id)
        teams = [e.team_id for e in entries]
        found.append(
            PanelRoundOut(
                round_id=current.id,
                name=Name(current.name_zh, current.name_en),
                kind=current.kind,
                blind=current.blind,
                review_opens_at=current.review_opens_at,
                review_closes_at=current.review_closes_at,
                assigned=len(entries),
                submitted=sum(statuses.get(t, ("",))[0] == SheetStatus.SUBMITTED.value for t in teams),
                drafts=sum(statuses.get(t, ("",))[0] == "draft" for t in teams),
            )
        )
    return found


async def _statuses(round_id: int, judge_id: int) -> dict[int, tuple[str, dict[str, Any]]]:
    """The judge's sheets of a round by team: (status as shown, row)."""
    rows = await ScoreSheet.select().where((ScoreSheet.round == round_id) & (ScoreSheet.judge == judge_id))
    shown = {}
    for row in rows:
        status = row["status"]
        if status == SheetStatus.DRAFT.value and row["saved_at"] is None:
            status = "new"
        shown[row["team"]] = (status, row)
    return shown


async def panel(rt: Runtime, actor: Principal, round_id: int) -> PanelOut:
    """The judge's entries in a round, in code order, each with its sheet's status and total."""
    row = await round_row(round_id)
    access.require_judge(actor, row["contest"])
    entries = await assignment.assigned(round_id, actor.user_id)
    if not entries:
        raise NotFound("You have no entries to score in this round.")
    criteria = await criteria_of(round_id)
    statuses = await _statuses(round_id, actor.user_id)
    facts = await team_facts(row["contest"], [e.team_id for e in entries])
    listed = []
    submitted = drafts = 0
    for entry in entries:
        status, sheet = statuses.get(entry.team_id, ("new", None))
        submitted += status == SheetStatus.SUBMITTED.value
        drafts += status == "draft"
        value = total(_weights(criteria), scores_of(sheet))
        fact = facts[entry.team_id]
        listed.append(
            PanelEntryOut(
                code=entry.code,
                status=status,
                total=None if value is None else round(value, 2),
                saved_at=sheet["saved_at"] if sheet else None,
                deadline=deadline(row["review_closes_at"], entry.due_at),
                track=fact.track,
                team=None if row["blind"] else fact.team,
                university=None if row["blind"] else fact.university,
            )
        )
    return PanelOut(
        round=PanelRoundOut(
            round_id=round_id,
            name=Name(row["name_zh"], row["name_en"]),
            kind=row["kind"],
            blind=row["blind"],
            review_opens_at=row["review_opens_at"],
            review_closes_at=row["review_closes_at"],
            assigned=len(entries),
            submitted=submitted,
            drafts=drafts,
        ),
        entries=listed,
    )


class Scene(msgspec.Struct, kw_only=True):
    """A judge on one assigned entry: the round, the team, the judge's list and their deadline."""

    round: dict[str, Any]
    team_id: int
    code: str
    codes: list[str]
    until: datetime | None


async def scene_of(actor: Principal, round_id: int, code: str) -> Scene:
    """The assigned entry with this code (NotFound for any entry the judge does not have)."""
    row = await round_row(round_id)
    access.require_judge(actor, row["contest"])
    entries = await assignment.assigned(round_id, actor.user_id)
    wanted = code.strip().upper()
    mine = next((e for e in entries if e.code.upper() == wanted and e.code), None)
    access.require_assigned(mine is not None)
    assert mine is not None
    return Scene(
        round=row,
        team_id=mine.team_id,
        code=mine.code,
        codes=[e.code for e in entries],
        until=deadline(row["review_closes_at"], mine.due_at),
    )


async def open_sheet(rt: Runtime, actor: Principal, scene: Scene) -> tuple[SheetOut, list[CriterionOut]]:
    """The judge's sheet on the entry; the first opening is recorded (time per entry counts from it)."""
    criteria = await criteria_of(scene.round["id"])
    async with write_transaction():
        row = await _sheet_row(scene.round["id"], scene.team_id, actor.user_id)
        if row is None:  # two tabs opening at once: the first one's row stands
            await ScoreSheet.insert(
                ScoreSheet(
                    round=scene.round["id"],
                    team=scene.team_id,
                    judge=actor.user_id,
                    status=SheetStatus.DRAFT.value,
                    scores={},
                    version=0,
                    opened_at=rt.clock.now(),
                )
            ).on_conflict(action="DO NOTHING")
            row = await _sheet_row(scene.round["id"], scene.team_id, actor.user_id)
    refusal = edit_refusal(scene.round["review_opens_at"], scene.until, rt.clock.now())
    return sheet_out(scene.code, row, criteria, scene.until, refusal), criteria


async def sheet(rt: Runtime, actor: Principal, round_id: int, code: str) -> SheetOut:
    """The judge's sheet on one of their entries (opening it the first time)."""
    found, _ = await open_sheet(rt, actor, await scene_of(actor, round_id, code))
    return found


def _stale(yours: int, saved: int) -> Conflict:
    return Conflict(
        "This sheet was changed in another window or on another device after you opened it (your copy is "
        "version {yours}, the saved sheet version {saved}). Reload to see the saved sheet: nothing was overwritten.",
        {"version": "stale"},
        yours=yours,
        saved=saved,
    )


async def save_sheet(
    rt: Runtime, actor: Principal, round_id: int, code: str, data: SheetIn, *, submit: bool = False
) -> SheetOut:
    """Save the judge's sheet (a draft, or with `submit` the sheet that counts). A submitted sheet stays
    submitted through later edits, which must keep every criterion scored; every save needs the
    review window open and the version the judge's copy was read at."""
    scene = await scene_of(actor, round_id, code)
    criteria = await criteria_of(round_id)
    now = rt.clock.now()
    async with write_transaction():
        refusal = edit_refusal(scene.round["review_opens_at"], scene.until, now)
        if refusal is not None:
            raise InvalidState(refusal)
        row = await _sheet_row(round_id, scene.team_id, actor.user_id)
        saved = row["version"] if row else 0
        if data.version != saved:
            raise _stale(data.version, saved)
        if row is not None and row["status"] == SheetStatus.RECUSED.value:
            raise InvalidState("You recused yourself from this entry.")
        was_submitted = row is not None and row["status"] == SheetStatus.SUBMITTED.value
        status = SheetStatus.SUBMITTED if submit or was_submitted else SheetStatus.DRAFT
        problems = score_problems(criteria, data.scores, complete=status == SheetStatus.SUBMITTED)
        if problems:
            raise InvalidInput(
                "Some scores are not valid." if not submit else "The sheet cannot be submitted yet.",
                {f"scores.{code}": Msg(p.text, p.params) for code, p in problems.items()},
            )
        scores = {c.code: data.scores.get(c.code) for c in criteria}
        values: dict[Any, Any] = {
            ScoreSheet.status: status.value,
            ScoreSheet.scores: scores,
            ScoreSheet.comment: data.comment,
            ScoreSheet.note: data.note,
            ScoreSheet.version: saved + 1,
            ScoreSheet.saved_at: now,
        }
        if status == SheetStatus.SUBMITTED and not was_submitted:
            values[ScoreSheet.submitted_at] = now
        if row is None:
            created = (
                await ScoreSheet.insert(
                    ScoreSheet(
                        round=round_id,
                        team=scene.team_id,
                        judge=actor.user_id,
                        opened_at=now,
                        **{column._meta.name: value for column, value in values.items()},
                    )
                )
                .on_conflict(action="DO NOTHING")
                .returning(ScoreSheet.id)
            )
            if not created:  # another save of the same sheet got there first
                current = await _sheet_row(round_id, scene.team_id, actor.user_id)
                raise _stale(data.version, current["version"] if current else saved)
        else:
            # The version in the condition makes two saves from the same copy race safely.
            changed = (
                await ScoreSheet.update(values)
                .where((ScoreSheet.id == row["id"]) & (ScoreSheet.version == saved))
                .returning(ScoreSheet.id)
            )
            if not changed:
                current = await _sheet_row(round_id, scene.team_id, actor.user_id)
                raise _stale(data.version, current["version"] if current else saved)
        if status == SheetStatus.SUBMITTED:
            await audit.record(
                rt.clock,
                actor_id=audit_id(actor),
                action="sheet.edit" if was_submitted else "sheet.submit",
                object_type="round",
                object_id=round_id,
                before={"team": scene.team_id, "scores": scores_of(row)} if was_submitted else None,
                after={"team": scene.team_id, "scores": scores, "version": saved + 1},
            )
            _notify_after_commit(rt, round_id)
        row = await _sheet_row(round_id, scene.team_id, actor.user_id)
    return sheet_out(scene.code, row, criteria, scene.until, None)


def _notify_after_commit(rt: Runtime, round_id: int) -> None:
    for listener in _listeners:

        async def call(listener: SheetListener = listener) -> None:
            await listener(rt, round_id)

        after_commit(call)


# The assignment work ends the judge's pair and finds another judge; registered by the shell.
Recusal = Callable[[Runtime, Principal, int, int, str], Awaitable[None]]
_recusal: list[Recusal] = []


def on_recusal(handler: Recusal) -> None:
    if handler not in _recusal:
        _recusal.append(handler)


async def recuse(rt: Runtime, actor: Principal, round_id: int, code: str, data: RecuseIn) -> SheetOut:
    """Step back from an entry with a reason (a conflict of interest, say): the sheet no longer counts
    and the assignment work gives the entry to another judge."""
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput("Say why you step back from this entry.", {"reason": "required"})
    scene = await scene_of(actor, round_id, code)
    criteria = await criteria_of(round_id)
    now = rt.clock.now()
    async with write_transaction():
        row = await _sheet_row(round_id, scene.team_id, actor.user_id)
        was_submitted = row is not None and row["status"] == SheetStatus.SUBMITTED.value
        if row is None:
            await ScoreSheet.insert(
                ScoreSheet(
                    round=round_id,
                    team=scene.team_id,
                    judge=actor.user_id,
                    status=SheetStatus.RECUSED.value,
                    recuse_reason=reason,
                    version=1,
                    opened_at=now,
                    saved_at=now,
                )
            )
        else:
            await ScoreSheet.update(
                {
                    ScoreSheet.status: SheetStatus.RECUSED.value,
                    ScoreSheet.recuse_reason: reason,
                    ScoreSheet.version: row["version"] + 1,
                    ScoreSheet.saved_at: now,
                }
            ).where(ScoreSheet.id == row["id"])
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="sheet.recuse",
            object_type="round",
            object_id=round_id,
            after={"team": scene.team_id, "was_submitted": was_submitted},
            reason=reason,
        )
        for handler in _recusal:
            await handler(rt, actor, round_id, scene.team_id, reason)
        if was_submitted:
            _notify_after_commit(rt, round_id)
        row = await _sheet_row(round_id, scene.team_id, actor.user_id)
    return sheet_out(scene.code, row, criteria, scene.until, None)
