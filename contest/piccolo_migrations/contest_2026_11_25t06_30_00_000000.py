"""Entry files' checksum becomes self-described (`digest`, "blake3:<hex>"); step 1: the new columns."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-25T06:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "digest columns beside sha256 on upload and pinned_file"

TABLES = (("Upload", "upload"), ("PinnedFile", "pinned_file"))


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)
    for class_name, tablename in TABLES:
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name="digest",
            db_column_name="digest",
            column_class_name="Varchar",
            column_class=Varchar,
            params={
                "length": 80,
                "default": "",
                "null": False,
                "primary_key": False,
                "unique": False,
                "index": False,
                "index_method": IndexMethod.btree,
                "choices": None,
                "db_column_name": None,
                "secret": False,
            },
            schema=None,
        )
    return manager
