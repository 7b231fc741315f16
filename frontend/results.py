"""Organizer pages of results: per round the rubric, the result rules, the runs (compute, review with
views per region and track, adjust with a reason, publish, finalise, export), judge analytics as
charts, disagreement flags, appeals to answer, and the live board's freeze for the on-site final."""

from collections.abc import Sequence
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from contest.lib.errors import InvalidInput
from contest.lib.guards import organizer
from contest.lib.principal import Principal
from contest.lib.runtime import Runtime
from contest.rounds.service import round_of, rounds_of
from frontend import flash
from frontend.forms import Form, decode
from frontend.switcher import chosen_contest
from frontend.templating import language_of, render
from judging.advancement import AdvancementRule
from judging.assignment import repair
from judging.assignment.schemas import ArbitrationIn
from judging.awards import AwardRules, Tier
from judging.ranking.teams import GroupKey
from judging.results import appeals, charts, live, service
from judging.results.exports import award_view
from judging.results.schemas import AdjustIn, AnswerIn, PublishIn, RulesIn, Snapshot
from judging.rubrics import service as rubrics
from judging.rubrics.schemas import RubricIn
from judging.sheets import review

Rt = NamedDependency[Runtime]
Actor = NamedDependency[Principal]
GROUPINGS: dict[str, list[GroupKey]] = {
    "region": ["region"],
    "track": ["track"],
    "region_track": ["region", "track"],
    "national": [],
}
RUBRIC_ROWS = 8


def grouping(group_by: Sequence[str]) -> str:
    return next((key for key, value in GROUPINGS.items() if value == list(group_by)), "national")


def rules_form(rules: RulesIn) -> dict[str, Any]:
    """The rules as the form's fields."""
    advancement, awards = rules.advancement, rules.awards
    return {
        "method": rules.method,
        "flag_threshold": f"{rules.flag_threshold:g}",
        "trim_min_sheets": str(rules.trim_min_sheets),
        "judge_scale": rules.judge_scale,
        "tie_break": ", ".join(rules.tie_break),
        "notice_days": str(rules.notice_days),
        "advance": advancement is not None,
        "advance_group": grouping(advancement.group_by) if advancement else "region",
        "advance_percent": f"{advancement.percent:g}" if advancement else "30",
        "advance_minimum": str(advancement.minimum) if advancement else "2",
        "advance_wildcards": str(advancement.wildcards) if advancement else "0",
        "advance_ties": advancement.include_ties if advancement else True,
        "award": awards is not None,
        "award_group": grouping(awards.group_by) if awards else "region",
        "award_tiers": "\n".join(
            f"{t.name} {t.percent:g}%" if t.percent is not None else f"{t.name} {t.count}" for t in awards.tiers
        )
        if awards
        else "",
    }


def tiers_of(text: str) -> list[Tier]:
    """Lines "一等奖 5%" (a share of the submitting teams) or "特等奖 1" (a count)."""
    tiers = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, amount = line.strip().rpartition(" ")
        try:
            if amount.endswith("%"):
                tiers.append(Tier(name=name.strip(), percent=float(amount[:-1])))
            else:
                tiers.append(Tier(name=name.strip(), count=int(amount)))
        except ValueError:
            raise InvalidInput(
                "Write one tier per line: its name, then a share such as 5% or a number of teams.",
                {"award_tiers": "invalid"},
            ) from None
    return tiers


def rules_from(form: dict[str, str]) -> RulesIn:
    """The rules form as the API's RulesIn."""
    checked = {name: form.get(name, "") in ("on", "yes", "true", "1") for name in ("advance", "award", "advance_ties")}
    base = decode(
        {**form, "tie_break": ""},
        RulesIn,
        checkboxes=("judge_scale",),
        tie_break=[code.strip() for code in form.get("tie_break", "").replace("，", ",").split(",") if code.strip()],
    )
    advancement = None
    if checked["advance"]:
        advancement = decode(
            {
                "percent": form.get("advance_percent", ""),
                "minimum": form.get("advance_minimum", ""),
                "wildcards": form.get("advance_wildcards", ""),
            },
            AdvancementRule,
            group_by=GROUPINGS.get(form.get("advance_group", ""), ["region"]),
            include_ties=checked["advance_ties"],
        )
    awards = None
    if checked["award"]:
        awards = AwardRules(
            tiers=tiers_of(form.get("award_tiers", "")), group_by=GROUPINGS.get(form.get("award_group", ""), [])
        )
    return msgspec.structs.replace(base, advancement=advancement, awards=awards)


def rubric_from(form: dict[str, str]) -> RubricIn:
    """The rubric table's rows (c0_code, c0_name_zh, ...) as the API's RubricIn; empty rows are skipped."""
    rows = []
    for index in range(RUBRIC_ROWS):
        row = {k.removeprefix(f"c{index}_"): v for k, v in form.items() if k.startswith(f"c{index}_")}
        if not any(str(v).strip() for v in row.values()):
            continue
        rows.append({k: v.strip() for k, v in row.items()})
    try:
        return msgspec.convert({"criteria": rows}, RubricIn, strict=False)
    except msgspec.ValidationError as error:
        raise InvalidInput("Some criteria are not valid.", {"criteria": str(error)}) from None


def judge_charts(snapshot: Snapshot, language: str) -> list[str]:
    """Leniency, straight-lining, time per entry and agreement with the panel, one SVG each."""
    zh = language != "en"
    judges = snapshot.judges
    lenient = [j.leniency for j in judges]
    minutes = [None if j.median_seconds is None else j.median_seconds / 60 for j in judges]
    return [
        charts.bar_chart(
            "宽严度（高于零偏宽，低于零偏严）" if zh else "Leniency (right: lenient, left: severe)",
            [(j.name, j.leniency) for j in judges],
            low=-charts.symmetric(lenient, 1.0),
            high=charts.symmetric(lenient, 1.0),
        ),
        charts.bar_chart(
            "与评审组的一致性（相关系数）" if zh else "Agreement with the panel (correlation)",
            [(j.name, j.agreement) for j in judges],
            low=-1,
            high=1,
        ),
        charts.bar_chart(
            "各项同分的评分表比例" if zh else "Share of straight-lined sheets",
            [(j.name, j.straight_line_share) for j in judges],
            low=0,
            high=1,
        ),
        charts.bar_chart(
            "每个作品的评审时间（中位数，分钟）" if zh else "Time per entry (median, minutes)",
            [(j.name, m) for j, m in zip(judges, minutes, strict=True)],
            low=0,
            high=max([m for m in minutes if m is not None] + [1.0]),
            decimals=1,
        ),
    ]


class ResultPages(Controller):
    path = "/console/results"
    include_in_schema = False
    guards = [organizer]

    @get("/")
    async def rounds(self, request: Request[Any, Any, Any], rt: Rt, actor: Actor) -> Template:
        contest = await chosen_contest(request)
        found = []
        for r in await rounds_of(rt, contest.id):
            runs = await service.runs(actor, r.id)
            found.append({"round": r, "latest": runs[0] if runs else None})
        return render(request, "results/rounds.html", {"contest": contest, "rounds": found})

    @get("/rounds/{round_id:int}")
    async def round(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        contest = await chosen_contest(request)
        shown = await round_of(rt, round_id)
        rules = await service.rules_of(rt, round_id)
        context: dict[str, Any] = {
            "contest": contest,
            "round": shown,
            "rubric": await rubrics.rubric_of(round_id),
            "rules": rules,
            "runs": await service.runs(actor, round_id),
            "appeals": await appeals.appeals(actor, round_id),
            "form": rules_form(rules.rules),
            "board": await live.board(rt, actor, round_id, organizer_view=True) if shown.kind == "onsite" else None,
        }
        return render(request, "results/round.html", context)

    @post("/rounds/{round_id:int}/rules")
    async def set_rules(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        request.state.back = f"/console/results/rounds/{round_id}"
        await service.set_rules(rt, actor, round_id, rules_from(data))
        return await flash.redirect(request, f"/console/results/rounds/{round_id}", notice="Saved.")

    @get("/rounds/{round_id:int}/rubric")
    async def rubric(self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt) -> Template:
        contest = await chosen_contest(request)
        current = await rubrics.rubric_of(round_id)
        values = {
            f"c{i}_{field}": f"{getattr(c, field):g}" if isinstance(getattr(c, field), float) else getattr(c, field)
            for i, c in enumerate(current.criteria)
            for field in ("code", "name_zh", "name_en", "weight", "max", "step", "guidance_zh", "guidance_en")
        }
        return render(
            request,
            "results/rubric.html",
            {
                "contest": contest,
                "round": await round_of(rt, round_id),
                "rubric": current,
                "rows": RUBRIC_ROWS,
                "form": values,
            },
        )

    @post("/rounds/{round_id:int}/rubric")
    async def set_rubric(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await rubrics.set_rubric(rt, actor, round_id, rubric_from(data))
        return await flash.redirect(request, f"/console/results/rounds/{round_id}", notice="Saved.")

    @post("/rounds/{round_id:int}/compute", opt={"back": "/console/results/rounds/{round_id}"})
    async def compute(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        run = await service.request_compute(rt, actor, round_id)
        return await flash.redirect(
            request,
            f"/console/results/runs/{run.id}",
            notice="The computation is queued.",
        )

    @get("/runs/{run_id:int}")
    async def run(self, request: Request[Any, Any, Any], run_id: FromPath[int], rt: Rt, actor: Actor) -> Template:
        contest = await chosen_contest(request)
        found = await service.results(actor, run_id)
        views = service.views(found.snapshot) if found.snapshot else []
        if found.snapshot:
            views.append(award_view(found.snapshot))
        key = request.query_params.get("view", "national")
        current = next((v for v in views if v.key == key), views[0] if views else None)
        language = language_of(request)
        return render(
            request,
            "results/run.html",
            {
                "contest": contest,
                "round": await round_of(rt, found.run.round_id),
                "found": found,
                "views": views,
                "view": current,
                "charts": judge_charts(found.snapshot, language) if found.snapshot and found.snapshot.judges else [],
                "flagged": [t for t in found.snapshot.teams if t.flagged] if found.snapshot else [],
            },
        )

    @get("/rounds/{round_id:int}/teams/{team_id:int}")
    async def entry_sheets(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], team_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Template:
        """Every judge's sheet on one team's entry, with the private notes."""
        return render(
            request,
            "results/entry.html",
            {
                "contest": await chosen_contest(request),
                "round": await round_of(rt, round_id),
                "found": await review.entry_sheets(actor, round_id, team_id),
            },
        )

    @post("/runs/{run_id:int}/adjust", opt={"back": "/console/results/runs/{run_id}"})
    async def adjust(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        field = data.get("field", "")
        value = data.get("value", "")
        change = decode(
            {"team_id": data.get("team_id", ""), "field": field, "reason": data.get("reason", "")},
            AdjustIn,
            advanced=value == "yes" if field == "advanced" else None,
            award=value if field == "award" else None,
        )
        await service.adjust(rt, actor, run_id, change)
        return await flash.redirect(request, f"/console/results/runs/{run_id}", notice="The change is recorded.")

    @post("/runs/{run_id:int}/arbitration", opt={"back": "/console/results/runs/{run_id}"})
    async def arbitration(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        """One more judge for a flagged entry, through the assignment work's repair."""
        asked = decode(data, ArbitrationIn)
        round_id = (await service.results(actor, run_id)).run.round_id
        await repair.request_arbitration(rt, actor, round_id, asked.team_id, asked.reason)
        return await flash.redirect(
            request, f"/console/results/runs/{run_id}", notice="An arbitration judge is being assigned."
        )

    @post("/runs/{run_id:int}/publish", opt={"back": "/console/results/runs/{run_id}"})
    async def publish(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.publish(rt, actor, run_id, decode(data, PublishIn, checkboxes=("override",)))
        return await flash.redirect(
            request, f"/console/results/runs/{run_id}", notice="Published: the notice period has begun."
        )

    @post("/runs/{run_id:int}/finalise", opt={"back": "/console/results/runs/{run_id}"})
    async def finalise(
        self, request: Request[Any, Any, Any], run_id: FromPath[int], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await service.finalise(rt, actor, run_id)
        return await flash.redirect(request, f"/console/results/runs/{run_id}", notice="The results are final.")

    @get("/runs/{run_id:int}/export.csv")
    async def export_csv(self, request: Request[Any, Any, Any], run_id: FromPath[int], actor: Actor) -> Response[bytes]:
        view = request.query_params.get("view", "national")[:120]
        return Response(
            await service.export_csv(actor, run_id, view),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="results-{run_id}.csv"'},
        )

    @get("/runs/{run_id:int}/export.xlsx")
    async def export_xlsx(self, run_id: FromPath[int], actor: Actor) -> Response[bytes]:
        return Response(
            await service.export_xlsx(actor, run_id),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="results-{run_id}.xlsx"'},
        )

    @post("/appeals/{appeal_id:int}/answer")
    async def answer(
        self, request: Request[Any, Any, Any], appeal_id: FromPath[int], data: Form, rt: Rt, actor: Actor
    ) -> Response[Any]:
        field = data.get("field") or None
        value = data.get("value", "")
        answer = decode(
            {"decision": data.get("decision", ""), "answer": data.get("answer", "")},
            AnswerIn,
            field=field,
            advanced=value == "yes" if field == "advanced" else None,
            award=value if field == "award" else None,
        )
        round_id = (await appeals.appeal_of(appeal_id)).round_id
        request.state.back = f"/console/results/rounds/{round_id}"
        await appeals.answer_appeal(rt, actor, appeal_id, answer)
        return await flash.redirect(request, f"/console/results/rounds/{round_id}", notice="Answer recorded.")

    @post("/rounds/{round_id:int}/live/{action:str}", opt={"back": "/console/results/rounds/{round_id}"})
    async def freeze(
        self, request: Request[Any, Any, Any], round_id: FromPath[int], action: FromPath[str], rt: Rt, actor: Actor
    ) -> Response[Any]:
        await live.set_frozen(rt, actor, round_id, action == "freeze")
        notice = "The public board is frozen." if action == "freeze" else "The public board is live again."
        return await flash.redirect(request, f"/console/results/rounds/{round_id}", notice=notice)
