"""Entry files' checksum becomes self-described; step 2: the SHA-256 values recorded so far move to
`digest` as "sha256:<hex>" (still true of their files), then the sha256 columns go. Piccolo runs a
migration's raw statements before its column changes, hence two steps."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T06:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "sha256 values into digest, sha256 columns dropped"

TABLES = (("Upload", "upload"), ("PinnedFile", "pinned_file"))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def move():
        for _, tablename in TABLES:
            await engine_finder().run_ddl(
                f"UPDATE {tablename} SET digest = 'sha256:' || sha256 WHERE sha256 <> '' AND digest = ''"
            )

    manager.add_raw(move)
    for class_name, tablename in TABLES:
        manager.drop_column(
            table_class_name=class_name, tablename=tablename, column_name="sha256", db_column_name="sha256"
        )
    return manager
