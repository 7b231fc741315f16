"""Multi-column uniqueness of the assignment tables as indexes (SQLite cannot add constraints)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-25T03:12:32:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes: one active pair per round, team and judge; one rule per pair; entry codes"

UNIQUE_INDEXES = [
    # Ended pairs are history and may repeat; an active pair exists once.
    "CREATE UNIQUE INDEX judge_assignment_active ON judge_assignment (round, team, judge) WHERE status = 'active'",
    "CREATE INDEX judge_assignment_judge_round ON judge_assignment (judge, round)",
    "CREATE UNIQUE INDEX assignment_rule_pair ON assignment_rule (round, team, judge)",
    "CREATE UNIQUE INDEX judged_entry_round_team ON judged_entry (round, team)",
    "CREATE UNIQUE INDEX judged_entry_round_code ON judged_entry (round, code)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="judging", description=DESCRIPTION)

    async def run():
        for statement in UNIQUE_INDEXES:
            await engine_finder().run_ddl(statement)

    manager.add_raw(run)
    return manager
