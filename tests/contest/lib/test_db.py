import pytest

from contest.lib import db
from contest.lib.errors import Conflict
from contest.regions.tables import Region


async def test_nested_transactions_join_and_after_commit_waits_for_the_outer(service_db):
    ran: list[str] = []

    async def mark() -> None:
        ran.append("ran")

    # service_db holds the outermost transaction, so nothing commits and nothing runs.
    async with db.write_transaction():
        db.after_commit(mark)
    assert ran == []


def test_after_commit_needs_a_transaction():
    async def noop() -> None:
        return None

    with pytest.raises(RuntimeError):
        db.after_commit(noop)


async def test_reference_regions_are_seeded(service_db):
    codes = [r["code"] for r in await Region.select(Region.code).order_by(Region.sort_order)]
    assert codes == ["NE", "NC", "EC", "CC", "NW", "SW", "SC", "OS"]


async def test_commit_runs_callbacks_and_rollback_changes_nothing(fresh_settings):
    engine = await db.open_engine(fresh_settings)
    ran: list[str] = []

    async def mark() -> None:
        ran.append("committed")

    try:
        async with db.write_transaction():
            await Region.insert(Region(code="T1", name_zh="测试一", name_en="Test one"))
            db.after_commit(mark)
        assert ran == ["committed"]
        assert await Region.exists().where(Region.code == "T1")

        with pytest.raises(Conflict):
            async with db.write_transaction():
                await Region.insert(Region(code="T2", name_zh="测试二", name_en="Test two"))
                db.after_commit(mark)
                raise Conflict("refused")
        assert ran == ["committed"]
        assert not await Region.exists().where(Region.code == "T2")
    finally:
        await db.close_engine(engine)


async def test_migrations_are_all_applied(fresh_settings):
    engine = await db.open_engine(fresh_settings)
    try:
        assert await db.pending_migrations() == []
    finally:
        await db.close_engine(engine)


async def test_an_unmigrated_database_is_refused(tmp_path, empty_database):
    from tests.conftest import base_settings

    engine = await db.open_engine(base_settings(tmp_path, database_url=empty_database))
    try:
        assert await db.pending_migrations()
        with pytest.raises(db.MigrationsPending, match="contest migrate"):
            await db.require_migrated()
    finally:
        await db.close_engine(engine)


async def test_the_audit_log_refuses_update_and_delete(service_db, clock):
    from contest.lib.audit import service as audit
    from contest.lib.audit.tables import AuditEntry

    async with db.write_transaction():
        await audit.record(clock, actor_id=None, action="test.event", object_type="thing", object_id=1, reason="why")
    for attempt in (AuditEntry.update({AuditEntry.reason: "rewritten"}, force=True), AuditEntry.delete(force=True)):
        with pytest.raises(Exception, match="append-only"):
            async with db.write_transaction() as tx:
                savepoint = await tx.savepoint()
                try:
                    await attempt
                finally:
                    await savepoint.rollback_to()
    rows = await audit.entries_for("thing", 1)
    assert [(r["action"], r["reason"]) for r in rows] == [("test.event", "why")]
