"""The audit log: append-only (a database trigger refuses UPDATE and DELETE)."""

from typing import Any

from piccolo.columns import JSON, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table

from contest.lib.tables import USER


class AuditEntry(Table):
    id: Serial  # added by Piccolo; declared for type checkers
    # None for the system itself (jobs, CLI seeding).
    actor: ForeignKey[Any] = ForeignKey(USER, null=True, default=None)
    action = Varchar(length=64, index=True)
    object_type = Varchar(length=32)
    object_id = Varchar(length=64, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    reason = Text(default="")
    at = Timestamptz()
    request_id = Varchar(length=64, default="")
