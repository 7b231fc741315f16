"""Reading sheets for other parts of the judging engine (rubrics, assignment, results)."""

from typing import Any

from judging.assignment import queries as assignment_queries
from judging.sheets.tables import ScoreSheet, SheetStatus


async def round_has_sheets(round_id: int) -> bool:
    """Whether any judge has saved a sheet in the round (its rubric is then fixed)."""
    return bool(await ScoreSheet.exists().where(ScoreSheet.round == round_id))


async def submitted_pairs(round_id: int) -> set[tuple[int, int]]:
    """(team, judge) of every submitted sheet in the round: no reassignment may take these away."""
    rows = await ScoreSheet.select(ScoreSheet.team, ScoreSheet.judge).where(
        (ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.SUBMITTED.value)
    )
    return {(r["team"], r["judge"]) for r in rows}


# The assignment work asks its lock sources before it ends a pair: a submitted sheet keeps its own.
assignment_queries.add_lock_source(submitted_pairs)


async def submitted_sheets(round_id: int) -> list[dict[str, Any]]:
    """Every submitted sheet of the round: team, judge, scores (decoded), comment, times."""
    return await ScoreSheet.select(
        ScoreSheet.id,
        ScoreSheet.team,
        ScoreSheet.judge,
        ScoreSheet.scores,
        ScoreSheet.comment,
        ScoreSheet.opened_at,
        ScoreSheet.submitted_at,
    ).where((ScoreSheet.round == round_id) & (ScoreSheet.status == SheetStatus.SUBMITTED.value))


async def team_comments(round_id: int, team_id: int) -> list[str]:
    """The judges' comments to a team (submitted sheets only, non-empty), for its result page."""
    rows = (
        await ScoreSheet.select(ScoreSheet.comment)
        .where(
            (ScoreSheet.round == round_id)
            & (ScoreSheet.team == team_id)
            & (ScoreSheet.status == SheetStatus.SUBMITTED.value)
        )
        .order_by(ScoreSheet.id)
    )
    return [r["comment"].strip() for r in rows if r["comment"].strip()]
