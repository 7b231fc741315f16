"""Notices that go out once: the unique index on mail_message.dedupe_key (SQLite cannot add a unique
column, and piccolo runs raw statements before column changes, hence a step of its own). Rows
without a key (NULL) never collide."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T07:10:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique index on mail_message.dedupe_key"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        await engine_finder().run_ddl("CREATE UNIQUE INDEX mail_message_dedupe_key ON mail_message (dedupe_key)")

    manager.add_raw(run)
    return manager
