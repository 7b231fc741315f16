"""Multi-column uniqueness as indexes: SQLite cannot ALTER TABLE ... ADD CONSTRAINT."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-22T12:29:13:251480"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: team name per contest, one team per student per contest, one answer"

UNIQUE_INDEXES = [
    "CREATE UNIQUE INDEX team_contest_name ON team (contest, name)",
    'CREATE UNIQUE INDEX team_member_contest_user ON team_member (contest, "user")',
    "CREATE UNIQUE INDEX change_approval_request_member ON change_approval (request, member)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        for statement in UNIQUE_INDEXES:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
