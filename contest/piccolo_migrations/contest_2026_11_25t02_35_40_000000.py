"""Fill the pinyin search keys of universities that existed before the columns did."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Varchar
from piccolo.table import Table
from pypinyin import lazy_pinyin

ID = "2026-11-25T02:35:40:000000"
VERSION = "1.38.0"
DESCRIPTION = "backfill university pinyin and initials"


class University(Table, tablename="university"):
    # The columns this step reads and writes, as they are at this migration (not the app's table).
    name_zh = Varchar(length=100)
    pinyin = Varchar(length=400)
    initials = Varchar(length=100)


def keys(name: str) -> tuple[str, str]:
    syllables = [s.lower() for s in lazy_pinyin(name) if s.strip()]
    full = "".join(c for s in syllables for c in s if c.isascii() and c.isalnum())
    return full, "".join(s[0] for s in syllables if s and s[0].isascii() and s[0].isalnum())


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="contest", description=DESCRIPTION)

    async def run():
        for row in await University.select(University.id, University.name_zh).where(University.pinyin == ""):
            full, initials = keys(row["name_zh"])
            await University.update({University.pinyin: full, University.initials: initials}).where(
                University.id == row["id"]
            )

    manager.add_raw(run)
    return manager
