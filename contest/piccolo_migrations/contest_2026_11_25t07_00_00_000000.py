"""How many times an organizer sent an undelivered message again."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-25T07:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "mail_message.resends"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)
    manager.add_column(
        table_class_name="MailMessage",
        tablename="mail_message",
        column_name="resends",
        db_column_name="resends",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 0,
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
