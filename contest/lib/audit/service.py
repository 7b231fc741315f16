"""Recording who changed what, when. The only write path to the audit log: there is no update."""

from typing import Any

import msgspec

from contest.lib.audit.tables import AuditEntry
from contest.lib.clock import Clock
from contest.lib.context import current_request_id
from contest.lib.db import current_engine


def _plain(value: Any) -> Any:
    return None if value is None else msgspec.to_builtins(value)


async def record(
    clock: Clock,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: object,
    before: Any = None,
    after: Any = None,
    reason: str = "",
) -> None:
    """Append an audit entry. Call it inside the write transaction of the change it describes."""
    if current_engine().current_transaction.get() is None:
        raise RuntimeError("audit.record must run inside the change's write_transaction")
    await AuditEntry.insert(
        AuditEntry(
            actor=actor_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            before=_plain(before),
            after=_plain(after),
            reason=reason,
            at=clock.now(),
            request_id=current_request_id(),
        )
    )


async def entries_for(object_type: str, object_id: object) -> list[dict[str, Any]]:
    """The history of one object, oldest first."""
    return await (
        AuditEntry.select(*AuditEntry.all_columns(), AuditEntry.actor.name.as_alias("actor_name"))
        .where((AuditEntry.object_type == object_type) & (AuditEntry.object_id == str(object_id)))
        .order_by(AuditEntry.id)
    )


async def update_audited(
    clock: Clock,
    table: Any,
    row_id: int,
    before: dict[str, Any],
    changes: dict[str, Any],
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: object,
    tag: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Write the fields of `changes` that differ from `before` to the row, with an audit entry of
    before and after (plus `tag`, e.g. which track); returns what changed (nothing: no write)."""
    changed = {k: v for k, v in changes.items() if before.get(k) != v}
    if changed:
        await table.update({getattr(table, k): v for k, v in changed.items()}).where(table.id == row_id)
        await record(
            clock,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            before={**(tag or {}), **{k: before.get(k) for k in changed}},
            after={**(tag or {}), **changed},
        )
    return changed
