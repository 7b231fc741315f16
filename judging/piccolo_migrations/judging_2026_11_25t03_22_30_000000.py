"""Multi-column uniqueness of the judges' tables as indexes (SQLite cannot add constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T03:22:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: one profile per judge and contest, one availability per judge and round"

UNIQUE_INDEXES = [
    'CREATE UNIQUE INDEX judge_profile_user_contest ON judge_profile ("user", contest)',
    'CREATE UNIQUE INDEX judge_round_user_round ON judge_round ("user", round)',
    "CREATE INDEX conflict_contest_judge ON conflict (contest, judge)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="judging", description=DESCRIPTION)

    async def run():
        for statement in UNIQUE_INDEXES:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
