"""The live leaderboard of an on-site round: the trimmed mean and rank of the submitted sheets,
updated as sheets arrive, frozen for the reveal and unfrozen by an organizer.

Whichever app process takes a sheet computes the board once, keeps it in Redis under a new version
and publishes the version on a channel; every app process holds one subscription (a `Hub`) and wakes
the server-sent-event streams of its viewers, which read the board from Redis. A stream that
reconnects names the last version it saw (Last-Event-ID) and gets the current board if it differs; a
stream also re-reads every `HEARTBEAT_SECONDS`, so a lost message costs at most that long.
"""

import asyncio
import contextlib
import logging
import weakref
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from litestar.response.sse import ServerSentEventMessage

from contest.lib.audit import service as audit
from contest.lib.db import json_value, write_transaction
from contest.lib.errors import InvalidState, NotFound
from contest.lib.principal import SYSTEM, Principal, audit_id
from contest.lib.runtime import Runtime
from contest.lib.schemas import Name
from contest.rounds import participants
from contest.rounds.service import round_row
from judging.assignment import queries as assignment
from judging.ranking import Criterion, RankingInput, Sheet, rank
from judging.results import access
from judging.results.schemas import LiveBoardOut, LiveRow, RulesIn
from judging.results.tables import LiveBoard, ResultRules
from judging.rubrics.service import criteria_of
from judging.sheets import service as sheets
from judging.sheets.queries import submitted_sheets

log = logging.getLogger(__name__)
HEARTBEAT_SECONDS = 15
# A stream ends after this long and the browser reconnects at once (naming its last version), so an
# app process shutting down never waits on an endless response for longer.
STREAM_SECONDS = 10
RETRY_MS = 500
CHANNEL_PATTERN = "live-board:*"


def _channel(round_id: int) -> str:
    return f"live-board:{round_id}"


def _board_key(round_id: int) -> str:
    return f"live:{round_id}:board"


def _version_key(round_id: int) -> str:
    return f"live:{round_id}:version"


async def _live_round(round_id: int) -> dict[str, Any]:
    row = await round_row(round_id)
    if row["kind"] != "onsite":
        raise NotFound("This round has no live leaderboard: it is not an on-site round.")
    return row


async def _trim(round_id: int) -> int:
    stored = await ResultRules.select(ResultRules.rules).where(ResultRules.round == round_id).first()
    return msgspec.convert(json_value(stored["rules"]), RulesIn).trim_min_sheets if stored else 5


async def live_rows(row: dict[str, Any]) -> list[LiveRow]:
    """Every team of the round by its trimmed mean so far (teams without a sheet last)."""
    round_id = row["id"]
    criteria = await criteria_of(round_id)
    submitted = await submitted_sheets(round_id)
    # The finalists: the round's listed teams, those with judges assigned, and any with a sheet.
    assigned = {team for team, _ in await assignment.active_pairs(round_id)}
    team_ids = sorted(set(await participants.participant_ids(row)) | assigned | {s["team"] for s in submitted})
    data = RankingInput(
        criteria=[Criterion(id=c.code, weight=c.weight, max=c.max) for c in criteria],
        sheets=[
            Sheet(
                entry=str(s["team"]),
                judge=str(s["judge"]),
                scores={k: float(v) for k, v in json_value(s["scores"]).items() if v is not None},
            )
            for s in submitted
        ],
        method="trimmed",
        trim_min_sheets=await _trim(round_id),
        expected={str(t): 0 for t in team_ids},
    )
    ranking = rank(data)
    if row["blind"]:
        codes = await assignment.entry_codes(round_id, team_ids)
        names = {t: (codes.get(t, "—"), Name("")) for t in team_ids}
    else:
        names = {}
        if not row["all_teams"]:  # the finalists' names in one query
            listed = await participants.participants(SYSTEM, round_id, per_page=participants.EVERY_TEAM)
            names = {p.team_id: (p.name, p.university) for p in listed.participants}
        others = [t for t in team_ids if t not in names]
        names |= {t: (f.team, f.university) for t, f in (await sheets.team_facts(row["contest"], others)).items()}
    return [
        LiveRow(
            rank=item.rank,
            team=names[int(item.entry)][0],
            university=names[int(item.entry)][1],
            score=None if item.score is None else round(item.score, 2),
            sheets=item.sheets,
        )
        for item in ranking.entries
    ]


async def _board_row(round_id: int) -> dict[str, Any] | None:
    return await LiveBoard.select().where(LiveBoard.round == round_id).first()


async def _current(rt: Runtime, row: dict[str, Any]) -> LiveBoardOut:
    """The unfrozen board: from Redis, or computed (and kept there) when Redis has none."""
    redis = rt.redis
    if redis is not None:
        cached = await redis.get(_board_key(row["id"]))
        if cached:
            return msgspec.json.decode(cached, type=LiveBoardOut)
    return await _store(rt, row)


async def _store(rt: Runtime, row: dict[str, Any]) -> LiveBoardOut:
    """Compute the board, give it the next version, keep it in Redis and tell every process."""
    rows = await live_rows(row)
    redis = rt.redis
    version = int(await redis.incr(_version_key(row["id"]))) if redis is not None else 0
    stored = await _board_row(row["id"])
    board = LiveBoardOut(
        round_id=row["id"],
        round=Name(row["name_zh"], row["name_en"]),
        version=version,
        frozen=bool(stored and stored["frozen"]),
        updated_at=rt.clock.now(),
        rows=rows,
    )
    if redis is not None:
        await redis.set(_board_key(row["id"]), msgspec.json.encode(board))
        await redis.publish(_channel(row["id"]), str(version))
    return board


async def board(rt: Runtime, viewer: Principal | None, round_id: int, *, organizer_view: bool = False) -> LiveBoardOut:
    """The live board. The public sees the board as it was at the freeze while it is frozen;
    organizers may ask for the live one (`organizer_view`)."""
    row = await _live_round(round_id)
    if organizer_view:
        if viewer is None:
            raise NotFound("No such board.")
        access.require_reader(viewer, row["contest"])
    stored = await _board_row(round_id)
    if stored is not None and stored["frozen"] and stored["snapshot"] is not None and not organizer_view:
        return msgspec.convert(json_value(stored["snapshot"]), LiveBoardOut)
    current = await _current(rt, row)
    current.frozen = bool(stored and stored["frozen"])
    return current


# Boards being recomputed after a sheet, kept referenced until done.
_refreshing: set[asyncio.Task[None]] = set()


async def refresh(rt: Runtime, round_id: int) -> None:
    """After a submitted sheet changed: recompute and announce (on-site rounds only), beside the
    judge's request rather than inside it, so the judge's answer does not wait for the board."""
    row = await round_row(round_id)
    if row["kind"] != "onsite":
        return

    async def store() -> None:
        try:
            await _store(rt, row)
        except Exception:  # a board that failed to refresh is refreshed by the next sheet
            log.exception("live board of round %s not refreshed", round_id)

    task = asyncio.create_task(store())
    _refreshing.add(task)
    task.add_done_callback(_refreshing.discard)


async def set_frozen(rt: Runtime, actor: Principal, round_id: int, frozen: bool) -> LiveBoardOut:
    """Freeze the public board as it is now (for the reveal), or show the live one again. Either way
    the board gets a new version, so every open page hears of it."""
    row = await _live_round(round_id)
    access.require_reader(actor, row["contest"])
    async with write_transaction():
        stored = await _board_row(round_id)
        if stored is not None and bool(stored["frozen"]) == frozen:
            raise InvalidState("The board is already frozen." if frozen else "The board is not frozen.")
        values: dict[Any, Any] = {
            LiveBoard.frozen: frozen,
            LiveBoard.snapshot: None,
            LiveBoard.changed_by: audit_id(actor),
            LiveBoard.changed_at: rt.clock.now(),
        }
        if stored is None:
            await LiveBoard.insert(LiveBoard(values, round=round_id))
        else:
            await LiveBoard.update(values).where(LiveBoard.id == stored["id"])
        await audit.record(
            rt.clock,
            actor_id=audit_id(actor),
            action="live.freeze" if frozen else "live.unfreeze",
            object_type="round",
            object_id=round_id,
        )
    current = await _store(rt, row)
    if frozen:  # what the public keeps seeing until the unfreeze
        await LiveBoard.update({LiveBoard.snapshot: msgspec.to_builtins(current)}).where(LiveBoard.round == round_id)
    return await board(rt, actor, round_id, organizer_view=True)


class Hub:
    """One Redis subscription per app process, fanned out to the streams of its viewers."""

    def __init__(self, redis: Any) -> None:
        self.redis = redis
        self.queues: dict[int, set[asyncio.Queue[str]]] = {}
        self.task: asyncio.Task[None] | None = None

    def listen(self, round_id: int) -> "asyncio.Queue[str]":
        queue: asyncio.Queue[str] = asyncio.Queue(maxsize=8)
        self.queues.setdefault(round_id, set()).add(queue)
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._run())
        return queue

    def leave(self, round_id: int, queue: "asyncio.Queue[str]") -> None:
        self.queues.get(round_id, set()).discard(queue)
        if not any(self.queues.values()) and self.task is not None:
            self.task.cancel()
            self.task = None

    def _deliver(self, round_id: int, version: str) -> None:
        for queue in self.queues.get(round_id, ()):
            if queue.full():  # a slow viewer only needs the latest version
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(version)

    async def _run(self) -> None:
        while True:
            pubsub = self.redis.pubsub()
            try:
                await pubsub.psubscribe(CHANNEL_PATTERN)
                async for message in pubsub.listen():
                    if message.get("type") != "pmessage":
                        continue
                    channel = message["channel"]
                    channel = channel.decode() if isinstance(channel, bytes) else str(channel)
                    data = message["data"]
                    self._deliver(
                        int(channel.rsplit(":", 1)[1]), data.decode() if isinstance(data, bytes) else str(data)
                    )
            except asyncio.CancelledError:
                raise
            except Exception:  # Redis went away: viewers fall back on the heartbeat until it is back
                log.warning("live board subscription lost; retrying", exc_info=True)
                await asyncio.sleep(1)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()


_hubs: "weakref.WeakKeyDictionary[Any, Hub]" = weakref.WeakKeyDictionary()


def hub_for(redis: Any) -> Hub:
    hub = _hubs.get(redis)
    if hub is None:
        hub = _hubs[redis] = Hub(redis)
    return hub


async def stream(
    rt: Runtime, viewer: Principal | None, round_id: int, *, organizer_view: bool = False, last_id: str | None = None
) -> AsyncIterator[ServerSentEventMessage]:
    """Server-sent events of the board: the current board at once unless the viewer already has it
    (`last_id`), then every new version, with a comment as heartbeat, for STREAM_SECONDS."""
    first = await board(rt, viewer, round_id, organizer_view=organizer_view)  # refuses before streaming
    queue = hub_for(rt.redis).listen(round_id) if rt.redis is not None else None
    last = last_id
    current = first
    ends = asyncio.get_running_loop().time() + STREAM_SECONDS
    try:
        while True:
            if str(current.version) != last:
                last = str(current.version)
                yield ServerSentEventMessage(
                    data=msgspec.json.encode(current).decode(), event="board", id=last, retry=RETRY_MS
                )
            left = ends - asyncio.get_running_loop().time()
            if left <= 0:
                return
            try:
                if queue is None:
                    await asyncio.sleep(min(HEARTBEAT_SECONDS, left))
                else:
                    await asyncio.wait_for(queue.get(), timeout=min(HEARTBEAT_SECONDS, left))
            except TimeoutError:
                yield ServerSentEventMessage(comment="heartbeat")
            current = await board(rt, viewer, round_id, organizer_view=organizer_view)
    finally:
        if queue is not None and rt.redis is not None:
            hub_for(rt.redis).leave(round_id, queue)


sheets.on_submitted(refresh)
