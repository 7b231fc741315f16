"""Multi-column uniqueness of the rounds' tables as indexes (SQLite cannot add constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T03:03:15:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: slot code per round, one listing and one extension per team and round"

UNIQUE_INDEXES = [
    "CREATE UNIQUE INDEX round_slot_round_code ON round_slot (round, code)",
    "CREATE UNIQUE INDEX round_team_round_team ON round_team (round, team)",
    "CREATE UNIQUE INDEX extension_round_team ON extension (round, team)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        for statement in UNIQUE_INDEXES:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
