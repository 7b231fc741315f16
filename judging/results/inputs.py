"""Loading a round's result inputs through the services that own them: participants and entries
(contest), teams and judges' names, the rubric, the submitted sheets and the assignment."""

from typing import Any

import msgspec

from contest.accounts import service as accounts
from contest.lib.principal import SYSTEM
from contest.lib.schemas import Name
from contest.rounds import participants
from contest.submissions import queries as submissions
from contest.teams import queries as teams
from contest.teams.queries import TeamFilter
from judging.assignment import queries as assignment
from judging.ranking import Criterion
from judging.results.compute import Inputs, SheetRow, TeamFacts
from judging.results.schemas import RulesIn, TeamStatus
from judging.rubrics.service import criteria_of
from judging.sheets.queries import submitted_sheets

EVERY_TEAM = participants.EVERY_TEAM


async def team_rows(contest_id: int) -> dict[int, Any]:
    """Every team of the contest (any status) by id, with its region, university and track names."""
    listed = await teams.list_teams(SYSTEM, contest_id, TeamFilter(), per_page=EVERY_TEAM)
    return {t.id: t for t in listed.teams}


async def submitted_entries(row: dict[str, Any]) -> set[int]:
    """Teams whose entry was submitted (online rounds with file slots)."""
    status = await submissions.round_status(SYSTEM, row["id"], per_page=EVERY_TEAM)
    return {t.team_id for t in status.teams if t.submitted_at is not None}


async def load_inputs(row: dict[str, Any], rules: RulesIn) -> Inputs:
    """What `compute` needs for the round `row`. The round's teams are its participants plus any
    team with a submitted sheet; a team counts as submitting when its entry was submitted, it has
    judges assigned or a submitted sheet (on site: every participant), disqualified teams as such,
    withdrawn teams not at all."""
    round_id = row["id"]
    criteria = await criteria_of(round_id)
    sheets = [
        SheetRow(
            team_id=s["team"],
            judge_id=s["judge"],
            scores={k: float(v) for k, v in _scores(s["scores"]).items() if v is not None},
            opened_at=s["opened_at"],
            submitted_at=s["submitted_at"],
        )
        for s in await submitted_sheets(round_id)
    ]
    pairs = await assignment.active_pairs(round_id)
    expected: dict[int, int] = {}
    for team_id, _ in pairs:
        expected[team_id] = expected.get(team_id, 0) + 1
    rows = await team_rows(row["contest"])
    if row["all_teams"]:  # every active team takes part: the list just read says which
        taking_part = {team_id for team_id, team in rows.items() if team.status == "active"}
    else:
        taking_part = set(await participants.participant_ids(row))
    scored = {s.team_id for s in sheets}
    # Teams judged (or to be) have entered; the entries' own record decides for the others.
    undecided = taking_part - scored - set(expected)
    entered = taking_part if row["kind"] == "onsite" or not undecided else await submitted_entries(row)
    facts = []
    for team_id in sorted(taking_part | scored):
        team = rows.get(team_id)
        if team is None or team.status == "withdrawn":
            continue
        status: TeamStatus = "not_submitted"
        if team.status == "disqualified":
            status = "disqualified"
        elif team_id in entered or team_id in expected or team_id in scored:
            status = "submitted"
        facts.append(
            TeamFacts(
                team_id=team_id,
                name=team.name,
                university=Name(team.university, team.university_en),
                region=team.region,
                region_name=team.region_name,
                track=Name(team.track, team.track_en),
                status=status,
            )
        )
    judges = await accounts.accounts(sorted({s.judge_id for s in sheets}))
    return Inputs(
        criteria=[Criterion(id=c.code, weight=c.weight, max=c.max) for c in criteria],
        sheets=sheets,
        teams=facts,
        expected=expected,
        judges={judge_id: account.name for judge_id, account in judges.items()},
        rules=rules,
    )


def _scores(value: Any) -> dict[str, Any]:
    """A sheet's scores column (text on SQLite and from PostgreSQL's json type, else data)."""
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else dict(value)


def encode(value: msgspec.Struct) -> Any:
    """A Struct as plain JSON-able data, for a JSON column."""
    return msgspec.to_builtins(value)
