"""Small pieces the assignment's services share: blind entry codes, judges' notices, digests of a set
of pairs, and solver messages as stored and shown."""

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

import msgspec

from contest.accounts import service as accounts
from contest.lib.db import json_value
from contest.lib.mail import service as mail_service
from contest.lib.mail.limits import Requester
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from judging.assignment.inputs import relabel
from judging.assignment.messages import Message
from judging.assignment.schemas import MessageOut
from judging.assignment.tables import Assignment, JudgedEntry, JudgeNotice, PairStatus

# No 0/O, 1/I/L: a code is read aloud and typed.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6

NEW_ENTRIES = "You have {count} new entries to review in {round}."
ENTRIES_GONE = "{count} of your entries in {round} now go to other judges."


async def ensure_codes(round_id: int, team_ids: Iterable[int]) -> dict[int, str]:
    """The anonymous code of each team's entry in the round, made (random, unique in the round) for
    the teams that have none yet. Call inside the write transaction that needs them."""
    wanted = sorted(set(team_ids))
    rows = await JudgedEntry.select(JudgedEntry.team, JudgedEntry.code).where(JudgedEntry.round == round_id)
    codes = {r["team"]: r["code"] for r in rows}
    taken = set(codes.values())
    new = []
    for team_id in wanted:
        if team_id in codes:
            continue
        code = _code()
        while code in taken:
            code = _code()
        taken.add(code)
        codes[team_id] = code
        new.append(JudgedEntry(round=round_id, team=team_id, code=code))
    if new:
        await JudgedEntry.insert(*new)
    return {t: codes[t] for t in wanted}


def _code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


# The mail that goes with each kind of notice.
MAIL_OF = {NEW_ENTRIES: "judge_new_entries", ENTRIES_GONE: "judge_entries_gone"}


async def notify(
    rt: Runtime, judge_id: int, round_id: int, text: str, *, requester: Requester, mail: str = "", **params: Any
) -> None:
    """A notice in the judge's portal (an English template and its parameters) and the same news by
    e-mail in the judge's language (`mail`: the template, else the one of `text`). Call inside the
    write transaction that makes the change."""
    await JudgeNotice.insert(
        JudgeNotice(
            judge=judge_id, round=round_id, text=text, params=msgspec.to_builtins(params), created_at=rt.clock.now()
        )
    )
    judge = await accounts.account(judge_id)
    round_label = params.get("round")
    await mail_service.send(
        rt.clock,
        requester=requester,
        to=judge.email,
        language=judge.language,
        template=mail or MAIL_OF[text],
        user_id=judge_id,
        context={
            "name": judge.name,
            "count": params.get("count", 0),
            "round": round_label.pick(judge.language) if isinstance(round_label, Name) else str(round_label or ""),
            "link": f"{rt.base_url}/judge/assignments",
        },
    )


def digest(pairs: Iterable[tuple[int, int]]) -> str:
    """A digest of a set of (team, judge) pairs: equal digests, equal sets."""
    return hashlib.sha256(msgspec.json.encode(sorted(set(pairs)))).hexdigest()


async def active_in(round_id: int, team_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The active pairs of the round for these teams (rows)."""
    return await Assignment.select().where(
        (Assignment.round == round_id)
        & (Assignment.status == PairStatus.ACTIVE.value)
        & Assignment.team.is_in(sorted(set(team_ids)) or [0])
    )


def stored_messages(messages: Iterable[Message], labels: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """Solver messages as a run keeps them: solver ids in the parameters replaced by names."""
    return [
        {
            "id": m.id,
            "text": m.text,
            "params": {k: relabel(v, labels) for k, v in m.params.items()},
            "level": m.level,
        }
        for m in messages
    ]


def _param(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"zh", "en"}:
        return Name(str(value["zh"]), str(value["en"]))
    return value


def message_outs(stored: Any) -> list[MessageOut]:
    """Stored messages as shown: names become `Name`s, which pages show in the reader's language."""
    return [
        MessageOut(
            id=m["id"],
            text=m["text"],
            params={k: _param(v) for k, v in (json_value(m["params"]) or {}).items()},
            level=m.get("level", "error"),
        )
        for m in json_value(stored) or []
    ]


def round_name(row: dict[str, Any]) -> Name:
    return Name(str(row["name_zh"]), str(row.get("name_en") or ""))
