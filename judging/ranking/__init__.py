"""Ranking of a round's entries from score sheets: pure functions over plain data.

`rank(RankingInput) -> RankingResult` aggregates with one of the methods of `methods` (mean,
trimmed mean, per-judge z-score, least-squares judge calibration), breaks ties by the declared
criteria and flags disagreement. `python -m judging.ranking SHEETS.json` does the same from a file.
"""

from judging.ranking.messages import InputError, Message
from judging.ranking.rank import decode_input, load_sheets, rank
from judging.ranking.schemas import (
    Criterion,
    EntryResult,
    JudgeResult,
    MethodName,
    RankingInput,
    RankingResult,
    Sheet,
)

__all__ = [
    "Criterion",
    "EntryResult",
    "InputError",
    "JudgeResult",
    "Message",
    "MethodName",
    "RankingInput",
    "RankingResult",
    "Sheet",
    "decode_input",
    "load_sheets",
    "rank",
]
