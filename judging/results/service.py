"""Results of a round: rules, runs computed by the worker into versioned snapshots, review with
recorded adjustments, publication (with an explicit, recorded override when sheets are missing), the
notice period, and finalisation, which makes the advanced teams the next round's participants."""

import asyncio
from typing import Any

import msgspec

from contest.lib.audit import service as audit
from contest.lib.db import json_value, one, write_transaction
from contest.lib.errors import InvalidInput, InvalidState, Msg
from contest.lib.outbox import service as outbox
from contest.lib.principal import Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds import participants
from contest.rounds.schemas import RoundOut
from contest.rounds.service import round_row, rounds_of
from judging.advancement import advance
from judging.awards import award
from judging.ranking import InputError, Message
from judging.results import access, notices
from judging.results.compute import compute
from judging.results.exports import export_views, pick_view, to_csv, to_xlsx
from judging.results.inputs import encode, load_inputs
from judging.results.rules import blocking_problems, default_rules, missing_sheets, notice_end
from judging.results.schemas import (
    AdjustIn,
    AdjustmentOut,
    PublicResultsOut,
    PublicRow,
    PublicView,
    PublishIn,
    ResultsOut,
    RulesIn,
    RulesOut,
    RunOut,
    Snapshot,
    TeamStanding,
    ViewOut,
)
from judging.results.tables import (
    AdjustmentField,
    Appeal,
    AppealStatus,
    ResultAdjustment,
    ResultRules,
    ResultRun,
    RunStatus,
)
from judging.rubrics.service import criteria_of

COMPUTE_JOB = "compute_results"
PUBLIC = (RunStatus.PUBLISHED.value, RunStatus.FINAL.value)


def as_msg(message: Message) -> Msg:
    return Msg(message.text, message.params)


# Rules ------------------------------------------------------------------------------------------


async def _next_round(rt: Runtime, row: dict[str, Any]) -> RoundOut | None:
    later = [r for r in await rounds_of(rt, row["contest"]) if r.position > row["position"]]
    return later[0] if later else None


async def rules_of(rt: Runtime, round_id: int) -> RulesOut:
    """The round's result rules (its defaults until organizers set them)."""
    row = await round_row(round_id)
    stored = await ResultRules.select().where(ResultRules.round == round_id).first()
    if stored is not None:
        rules = msgspec.convert(json_value(stored["rules"]), RulesIn)
    else:
        codes = [c.code for c in await criteria_of(round_id)]
        has_next = await _next_round(rt, row) is not None
        rules = default_rules(kind=row["kind"], scope=row["scope"], has_next=has_next, criteria=codes)
    return RulesOut(
        round_id=round_id, rules=rules, default=stored is None, updated_at=stored["updated_at"] if stored else None
    )


async def check_rules(round_id: int, rules: RulesIn) -> None:
    """Refuse rules that do not hold together, with the pure modules' own reasons."""
    codes = {c.code for c in await criteria_of(round_id)}
    unknown = [code for code in rules.tie_break if code not in codes]
    if unknown:
        raise InvalidInput(
            "The tie-break names {criterion}, which is not a criterion of this round.",
            {"tie_break": "unknown criterion"},
            criterion=unknown[0],
        )
    try:
        if rules.advancement is not None:
            advance([], rules.advancement)
        if rules.awards is not None:
            award([], rules.awards)
    except InputError as error:
        raise InvalidInput(as_msg(error.reason)) from None


async def set_rules(rt: Runtime, actor: Principal, round_id: int, data: RulesIn) -> RulesOut:
    """Set how the round is ranked, who advances and the award tiers (national organizers)."""
    await check_rules(round_id, data)
    async with write_transaction():
        row = await round_row(round_id)
        access.require_manager(actor, row["contest"])
        before = await rules_of(rt, round_id)
        await ResultRules.delete().where(ResultRules.round == round_id)
        await ResultRules.insert(
            ResultRules(round=round_id, rules=encode(data), updated_by=audit_id(actor), updated_at=rt.clock.now())
        )
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="results.rules",
            object_type="round",
            object_id=round_id,
            before=encode(before.rules),
            after=encode(data),
        )
    return await rules_of(rt, round_id)


# Runs -------------------------------------------------------------------------------------------


def _snapshot(row: dict[str, Any]) -> Snapshot | None:
    payload = row["payload"]
    return None if payload is None else msgspec.convert(json_value(payload), Snapshot)


def run_out(row: dict[str, Any], snapshot: Snapshot | None = None) -> RunOut:
    error = json_value(row["error"]) if row["error"] is not None else None
    return RunOut(
        id=row["id"],
        round_id=row["round"],
        number=row["number"],
        status=row["status"],
        sheets=row["sheets"],
        missing=row["missing"],
        flagged=sum(t.flagged for t in snapshot.teams) if snapshot else 0,
        requested_at=row["requested_at"],
        computed_at=row["computed_at"],
        published_at=row["published_at"],
        notice_ends_at=row["notice_ends_at"],
        finalised_at=row["finalised_at"],
        override_reason=row["override_reason"],
        error=None if error is None else msgspec.convert(error, Message),
        problems=blocking_problems(snapshot),
    )


async def run_row(run_id: int) -> dict[str, Any]:
    return await one(ResultRun.select().where(ResultRun.id == run_id).first(), "No such result run.")


async def request_compute(rt: Runtime, actor: Principal, round_id: int) -> RunOut:
    """Queue a computation of the round's results from its submitted sheets as they are now: a new,
    numbered run (earlier runs stay as they were)."""
    async with write_transaction():
        row = await round_row(round_id)
        access.require_manager(actor, row["contest"])
        if await ResultRun.exists().where((ResultRun.round == round_id) & (ResultRun.status == RunStatus.FINAL.value)):
            raise InvalidState("The results of this round are final.")
        rules = (await rules_of(rt, round_id)).rules
        number = await ResultRun.count().where(ResultRun.round == round_id) + 1
        inserted = await ResultRun.insert(
            ResultRun(
                round=round_id,
                number=number,
                status=RunStatus.QUEUED.value,
                rules=encode(rules),
                requested_by=audit_id(actor),
                requested_at=rt.clock.now(),
            )
        )
        run_id = int(inserted[0]["id"])
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="results.compute",
            object_type="round",
            object_id=round_id,
            after={"run": run_id, "number": number},
        )
        await outbox.enqueue(rt.clock, COMPUTE_JOB, outbox.job_id("results", round_id, number), run_id=run_id)
    return run_out(await run_row(run_id))


async def compute_run(rt: Runtime, run_id: int) -> str:
    """The job: load the inputs, compute in a worker thread, store the snapshot (or why it failed).
    Idempotent: a run that is no longer queued or computing is left alone."""
    async with write_transaction():
        row = await run_row(run_id)
        if row["status"] not in (RunStatus.QUEUED.value, RunStatus.COMPUTING.value):
            return row["status"]
        await ResultRun.update({ResultRun.status: RunStatus.COMPUTING.value}).where(ResultRun.id == run_id)
    round_ = await round_row(row["round"])
    rules = msgspec.convert(json_value(row["rules"]), RulesIn)
    inputs = await load_inputs(round_, rules)
    try:
        snapshot = await asyncio.to_thread(compute, inputs)
    except InputError as error:
        await ResultRun.update(
            {
                ResultRun.status: RunStatus.FAILED.value,
                ResultRun.error: encode(error.reason),
                ResultRun.computed_at: rt.clock.now(),
            }
        ).where(ResultRun.id == run_id)
        return RunStatus.FAILED.value
    await store_snapshot(rt, run_id, snapshot, len(inputs.sheets))
    return RunStatus.READY.value


async def store_snapshot(rt: Runtime, run_id: int, snapshot: Snapshot, sheets: int) -> None:
    await ResultRun.update(
        {
            ResultRun.status: RunStatus.READY.value,
            # Encoded here, at msgspec's speed: the column takes the JSON text as it is.
            ResultRun.payload: msgspec.json.encode(snapshot).decode(),
            ResultRun.sheets: sheets,
            ResultRun.missing: missing_sheets(snapshot),
            ResultRun.computed_at: rt.clock.now(),
            ResultRun.error: None,
        }
    ).where(ResultRun.id == run_id)


async def runs(actor: Principal, round_id: int) -> list[RunOut]:
    """The round's runs, newest first."""
    row = await round_row(round_id)
    access.require_reader(actor, row["contest"])
    rows = await ResultRun.select().where(ResultRun.round == round_id).order_by(ResultRun.number, ascending=False)
    return [run_out(r, _snapshot(r)) for r in rows]


# Adjustments ------------------------------------------------------------------------------------


async def _adjustments(run_id: int) -> list[dict[str, Any]]:
    return await (
        ResultAdjustment.select(
            *ResultAdjustment.all_columns(),
            ResultAdjustment.team._.name.as_alias("team_name"),
            ResultAdjustment.made_by._.name.as_alias("made_by_name"),
        )
        .where(ResultAdjustment.run == run_id)
        .order_by(ResultAdjustment.id)
    )


def apply_adjustments(snapshot: Snapshot, adjustments: list[dict[str, Any]]) -> Snapshot:
    """The snapshot with organizers' adjustments applied in order (the latest per team and field wins)."""
    by_team = {team.team_id: team for team in snapshot.teams}
    for item in adjustments:
        team = by_team.get(item["team"])
        if team is None:
            continue
        value = json_value(item["value"]).get("value")
        if item["field"] == AdjustmentField.ADVANCED.value:
            team.advanced = bool(value)
            team.via = "adjusted"
        else:
            team.award = value or None
        if item["field"] not in team.adjusted:
            team.adjusted.append(item["field"])
    return snapshot


def _adjustment_out(row: dict[str, Any]) -> AdjustmentOut:
    return AdjustmentOut(
        id=row["id"],
        team_id=row["team"],
        team=row["team_name"],
        field=row["field"],
        before=json_value(row["before"]).get("value"),
        value=json_value(row["value"]).get("value"),
        reason=row["reason"],
        appeal_id=row["appeal"],
        made_by=row["made_by_name"] or "",
        made_at=row["made_at"],
    )


async def adjusted_snapshot(row: dict[str, Any]) -> Snapshot | None:
    snapshot = _snapshot(row)
    return None if snapshot is None else apply_adjustments(snapshot, await _adjustments(row["id"]))


async def results(actor: Principal, run_id: int) -> ResultsOut:
    """A run as organizers review it: the snapshot with adjustments applied, and the adjustments."""
    row = await run_row(run_id)
    round_ = await round_row(row["round"])
    access.require_reader(actor, round_["contest"])
    adjustments = await _adjustments(run_id)
    snapshot = _snapshot(row)
    if snapshot is not None:
        snapshot = apply_adjustments(snapshot, adjustments)
    return ResultsOut(
        run=run_out(row, snapshot),
        snapshot=snapshot,
        adjustments=[_adjustment_out(a) for a in adjustments],
        open_appeals=await Appeal.count().where(
            (Appeal.round == row["round"]) & (Appeal.status == AppealStatus.OPEN.value)
        ),
    )


async def record_adjustment(
    rt: Runtime,
    actor: Principal,
    row: dict[str, Any],
    data: AdjustIn,
    *,
    appeal_id: int | None = None,
) -> None:
    """Write one adjustment of a run (inside the caller's transaction), audited with its reason."""
    reason = data.reason.strip()
    if not reason:
        raise InvalidInput("Say why the result changes.", {"reason": "required"})
    snapshot = await adjusted_snapshot(row)
    if snapshot is None:
        raise InvalidState("These results are not computed yet.")
    team = next((t for t in snapshot.teams if t.team_id == data.team_id), None)
    if team is None:
        raise InvalidInput("This team has no result in this run.", {"team_id": "unknown"})
    before: bool | str | None
    value: bool | str | None
    if data.field == "advanced":
        if data.advanced is None:
            raise InvalidInput("Say whether the team advances.", {"advanced": "required"})
        before, value = team.advanced, data.advanced
    else:
        value = (data.award or "").strip() or None
        if value is not None and value not in snapshot.tier_names:
            raise InvalidInput("{tier} is not an award tier of this round.", {"award": "unknown"}, tier=value)
        before = team.award
    await ResultAdjustment.insert(
        ResultAdjustment(
            run=row["id"],
            team=data.team_id,
            field=data.field,
            value={"value": value},
            before={"value": before},
            reason=reason,
            appeal=appeal_id,
            made_by=audit_id(actor),
            made_at=rt.clock.now(),
        )
    )
    await audit.record(
        rt.clock,
        actor_id=audit_id(actor),
        action="results.adjust",
        object_type="round",
        object_id=row["round"],
        before={"run": row["id"], "team": data.team_id, data.field: before},
        after={"run": row["id"], "team": data.team_id, data.field: value, "appeal": appeal_id},
        reason=reason,
    )


async def adjust(rt: Runtime, actor: Principal, run_id: int, data: AdjustIn) -> ResultsOut:
    """Change one team's advancement or award in a run under review or in its notice period, with a
    recorded reason."""
    async with write_transaction():
        row = await run_row(run_id)
        round_ = await round_row(row["round"])
        access.require_manager(actor, round_["contest"])
        if row["status"] not in (RunStatus.READY.value, RunStatus.PUBLISHED.value):
            raise InvalidState("Only results under review or in their notice period can be adjusted.")
        await record_adjustment(rt, actor, row, data)
    return await results(actor, run_id)


# Publication and finalisation ---------------------------------------------------------------------


async def publish(rt: Runtime, actor: Principal, run_id: int, data: PublishIn) -> RunOut:
    """Make a computed run public and open the notice period. With sheets missing, only with the
    override and a reason (both recorded); a rule that selects nobody is never published."""
    async with write_transaction():
        row = await run_row(run_id)
        round_ = await round_row(row["round"])
        access.require_manager(actor, round_["contest"])
        if await ResultRun.exists().where(
            (ResultRun.round == row["round"]) & (ResultRun.status == RunStatus.FINAL.value)
        ):
            raise InvalidState("The results of this round are final.")
        if row["status"] != RunStatus.READY.value:
            raise InvalidState("Only computed results that are not published yet can be published.")
        snapshot = await adjusted_snapshot(row)
        problems = blocking_problems(snapshot)
        if problems:
            raise InvalidState(as_msg(problems[0]))
        reason = data.reason.strip()
        if row["missing"] and not data.override:
            raise InvalidState(
                "{missing} sheets are still missing. Publish anyway only with the override and a reason.",
                {"override": "required"},
                missing=row["missing"],
            )
        if data.override and not reason:
            raise InvalidInput("Say why the results are published with sheets missing.", {"reason": "required"})
        rules = msgspec.convert(json_value(row["rules"]), RulesIn)
        now = rt.clock.now()
        await ResultRun.update({ResultRun.status: RunStatus.SUPERSEDED.value}).where(
            (ResultRun.round == row["round"]) & (ResultRun.status == RunStatus.PUBLISHED.value)
        )
        await ResultRun.update(
            {
                ResultRun.status: RunStatus.PUBLISHED.value,
                ResultRun.published_by: audit_id(actor),
                ResultRun.published_at: now,
                ResultRun.notice_ends_at: notice_end(now, rules.notice_days),
                ResultRun.override_reason: reason if data.override else "",
            }
        ).where(ResultRun.id == run_id)
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="results.publish",
            object_type="round",
            object_id=row["round"],
            after={"run": run_id, "missing": row["missing"], "override": data.override},
            reason=reason,
        )
        await notices.queue_publication_mail(rt, run_id)
    return run_out(await run_row(run_id), snapshot)


async def finalise_run(rt: Runtime, row: dict[str, Any]) -> bool:
    """Make a published run final once its notice period is over and every appeal of the round is
    answered; the teams it advances become the next round's participants (when that round lists
    its teams). Returns whether it became final."""
    now = rt.clock.now()
    async with write_transaction():
        current = await run_row(row["id"])
        if current["status"] != RunStatus.PUBLISHED.value or current["notice_ends_at"] > now:
            return False
        if await Appeal.exists().where((Appeal.round == current["round"]) & (Appeal.status == AppealStatus.OPEN.value)):
            return False
        await ResultRun.update({ResultRun.status: RunStatus.FINAL.value, ResultRun.finalised_at: now}).where(
            ResultRun.id == current["id"]
        )
        round_ = await round_row(current["round"])
        snapshot = await adjusted_snapshot(current)
        advanced = [t.team_id for t in snapshot.teams if t.advanced] if snapshot else []
        following = await _next_round(rt, round_)
        if following is not None and not following.all_teams and snapshot and snapshot.advancement is not None:
            await participants.advance(rt.clock, following.id, advanced)
        await audit.record(
            rt.clock,
            actor_id=None,
            action="results.final",
            object_type="round",
            object_id=current["round"],
            after={"run": current["id"], "advanced": len(advanced), "next_round": following.id if following else None},
        )
    return True


async def finalise_due(rt: Runtime) -> int:
    """Every few minutes: finalise the published runs whose notice period is over (see finalise_run)."""
    due = await ResultRun.select().where(
        (ResultRun.status == RunStatus.PUBLISHED.value) & (ResultRun.notice_ends_at <= rt.clock.now())
    )
    done = 0
    for row in due:
        done += await finalise_run(rt, row)
    return done


async def finalise(rt: Runtime, actor: Principal, run_id: int) -> RunOut:
    """Finalise now (national organizers), which the schedule also does: refused before the notice
    period ends or while an appeal is open."""
    row = await run_row(run_id)
    round_ = await round_row(row["round"])
    access.require_manager(actor, round_["contest"])
    if row["status"] != RunStatus.PUBLISHED.value:
        raise InvalidState("Only published results can become final.")
    if row["notice_ends_at"] > rt.clock.now():
        raise InvalidState("The notice period runs until {when}.", when=row["notice_ends_at"])
    if not await finalise_run(rt, row):
        raise InvalidState("Answer every appeal before the results become final.")
    return run_out(await run_row(run_id))


# Views ------------------------------------------------------------------------------------------


def views(snapshot: Snapshot, national: Name | None = None) -> list[ViewOut]:
    """The national ranking, then one view per region and per track, rows by their rank in it."""
    ranked = [t for t in snapshot.teams if t.rank is not None]
    unranked = [t for t in snapshot.teams if t.rank is None]
    found = [ViewOut(key="national", label=national or Name("全国", "National"), rows=ranked + unranked)]
    regions: dict[str, list[TeamStanding]] = {}
    tracks: dict[str, list[TeamStanding]] = {}
    labels: dict[str, Name] = {}
    for team in snapshot.teams:
        regions.setdefault(team.region, []).append(team)
        labels[f"region:{team.region}"] = team.region_name
        tracks.setdefault(team.track.zh, []).append(team)
        labels[f"track:{team.track.zh}"] = team.track
    for prefix, groups, rank_of in (
        ("region", regions, lambda t: t.region_rank),
        ("track", tracks, lambda t: t.track_rank),
    ):
        for key in sorted(groups):
            rows = sorted(groups[key], key=lambda t: (rank_of(t) is None, rank_of(t) or 0, t.team_id))
            found.append(ViewOut(key=f"{prefix}:{key}", label=labels[f"{prefix}:{key}"], rows=rows))
    return found


async def published_run(round_id: int) -> dict[str, Any] | None:
    """The round's public run (published or final), if any."""
    return (
        await ResultRun.select()
        .where((ResultRun.round == round_id) & ResultRun.status.is_in(list(PUBLIC)))
        .order_by(ResultRun.number, ascending=False)
        .first()
    )


async def latest_run(round_id: int) -> dict[str, Any] | None:
    return (
        await ResultRun.select().where(ResultRun.round == round_id).order_by(ResultRun.number, ascending=False).first()
    )


async def public_results(round_id: int) -> PublicResultsOut:
    """The round's published results for everyone: ranks, scores, awards and who advanced (nothing
    before publication, nothing of the judges)."""
    row = await round_row(round_id)
    run = await published_run(round_id)
    snapshot = await adjusted_snapshot(run) if run else None
    shown = []
    for view in views(snapshot) if snapshot else []:
        shown.append(
            PublicView(
                key=view.key,
                label=view.label,
                rows=[
                    PublicRow(
                        rank=t.rank
                        if view.key == "national"
                        else (t.region_rank if view.key.startswith("region:") else t.track_rank),
                        team=t.team,
                        university=t.university,
                        region_name=t.region_name,
                        track=t.track,
                        score=t.score,
                        award=t.award,
                        advanced=t.advanced,
                    )
                    for t in view.rows
                    if t.status == "submitted"
                ],
            )
        )
    return PublicResultsOut(
        round_id=round_id,
        round=Name(row["name_zh"], row["name_en"]),
        status=run["status"] if run else "unpublished",
        published_at=run["published_at"] if run else None,
        notice_ends_at=run["notice_ends_at"] if run else None,
        views=shown,
    )


async def _export_source(actor: Principal, run_id: int) -> tuple[Snapshot, list[ViewOut]]:
    row = await run_row(run_id)
    round_ = await round_row(row["round"])
    access.require_reader(actor, round_["contest"])
    snapshot = await adjusted_snapshot(row)
    if snapshot is None:
        raise InvalidState("These results are not computed yet.")
    return snapshot, export_views(views(snapshot), snapshot)


async def export_csv(actor: Principal, run_id: int, view: str) -> bytes:
    """One view of a run (national, region:<code>, track:<name> or awards) as CSV."""
    _, found = await _export_source(actor, run_id)
    return to_csv(pick_view(found, view), actor.language)


async def export_xlsx(actor: Principal, run_id: int) -> bytes:
    """Every view of a run, and the award list, as one workbook (a sheet per view)."""
    _, found = await _export_source(actor, run_id)
    return to_xlsx(found, actor.language)
