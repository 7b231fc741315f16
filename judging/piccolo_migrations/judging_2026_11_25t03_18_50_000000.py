"""Multi-column uniqueness of the sheets and results tables as indexes (SQLite cannot add constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T03:18:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: one sheet per round, team and judge; run numbers per round"

UNIQUE_INDEXES = [
    "CREATE UNIQUE INDEX score_sheet_round_team_judge ON score_sheet (round, team, judge)",
    "CREATE UNIQUE INDEX result_run_round_number ON result_run (round, number)",
    "CREATE INDEX appeal_round_team ON appeal (round, team)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="judging", description=DESCRIPTION)

    async def run():
        for statement in UNIQUE_INDEXES:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
