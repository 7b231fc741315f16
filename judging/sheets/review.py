"""Organizers reading the sheets of one team's entry: every judge's scores, comment to the team and
private note, with the sheet's status (recused ones with their reason)."""

from typing import Any

from contest.accounts import service as accounts
from contest.lib.errors import Forbidden
from contest.lib.principal import Principal
from contest.rounds.service import round_row
from contest.teams.access import organizes
from contest.teams.common import load_team
from judging.rubrics.rules import total
from judging.rubrics.service import criteria_of
from judging.sheets.schemas import EntrySheetsOut, JudgeSheetOut
from judging.sheets.service import scores_of, team_facts
from judging.sheets.tables import ScoreSheet


async def entry_sheets(actor: Principal, round_id: int, team_id: int) -> EntrySheetsOut:
    """The sheets of a team's entry in a round, for the organizers of the team's region."""
    row = await round_row(round_id)
    team: dict[str, Any] = await load_team(team_id)
    if team["contest"] != row["contest"] or not organizes(actor, team):
        raise Forbidden("You do not organize this team's contest or region.")
    criteria = await criteria_of(round_id)
    weights = {c.code: (c.weight, c.max) for c in criteria}
    rows = await (
        ScoreSheet.select().where((ScoreSheet.round == round_id) & (ScoreSheet.team == team_id)).order_by(ScoreSheet.id)
    )
    people = await accounts.accounts([r["judge"] for r in rows])
    facts = (await team_facts(row["contest"], [team_id]))[team_id]
    sheets = []
    for r in rows:
        scores = scores_of(r)
        value = total(weights, scores)
        sheets.append(
            JudgeSheetOut(
                judge_id=r["judge"],
                judge=people[r["judge"]].name if r["judge"] in people else "",
                status=r["status"],
                scores={c.code: scores.get(c.code) for c in criteria},
                total=None if value is None else round(value, 2),
                comment=r["comment"],
                note=r["note"],
                recuse_reason=r["recuse_reason"],
                opened_at=r["opened_at"],
                submitted_at=r["submitted_at"],
            )
        )
    return EntrySheetsOut(
        round_id=round_id,
        team_id=team_id,
        team=facts.team,
        university=facts.university,
        criteria=criteria,
        sheets=sheets,
    )
