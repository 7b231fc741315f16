"""Multi-column uniqueness of the entries' tables as indexes (SQLite cannot add constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T03:10:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: one choice per slot, one entry and one pinned entry per team and round"

STATEMENTS = [
    "CREATE UNIQUE INDEX choice_team_slot ON choice (team, slot)",
    "CREATE UNIQUE INDEX entry_round_team ON entry (round, team)",
    "CREATE UNIQUE INDEX pinned_entry_round_team ON pinned_entry (round, team)",
    "CREATE INDEX upload_team_slot ON upload (team, slot)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
