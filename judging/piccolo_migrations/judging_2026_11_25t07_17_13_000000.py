"""One absence per judge and defence session (SQLite cannot add constraints: a unique index)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T07:17:13:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique index: one absence per judge and session"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="judging", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX defence_absence_session_judge ON defence_absence (session, judge)")

    manager.add_raw(run)
    return manager
