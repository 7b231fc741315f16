"""Migrations of entry records keep what was recorded: the SHA-256 checksums taken before the
checksum became a self-described digest survive as "sha256:<hex>"."""

import contextlib
import io
from datetime import timedelta

from piccolo.apps.migrations.commands.forwards import run_forwards

from contest.lib import db
from contest.lib.principal import SYSTEM
from contest.regions.service import ensure_regions
from contest.rounds import service as rounds
from contest.rounds.schemas import RoundIn
from contest.teams import roster
from contest.teams.schemas import TeamIn
from tests import factories as f
from tests.conftest import base_settings

BEFORE_DIGEST = "2026-11-25T03:10:27:075841"
OLD = "ab" * 32


async def test_recorded_sha256_checksums_become_digests(tmp_path, empty_database, clock):
    engine = await db.open_engine(base_settings(tmp_path, database_url=empty_database))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            assert (await run_forwards(app_name="contest", migration_id=BEFORE_DIGEST)).success
        await ensure_regions()
        rt = f.runtime(clock)
        contest_id, track_id = await f.contest(clock)
        leader_id = await f.user(clock, university_id=await f.university())
        team = await roster.create_team(rt, await f.principal(leader_id), contest_id, TeamIn("旧队", track_id))
        round_ = await rounds.create_round(
            rt,
            SYSTEM,
            contest_id,
            RoundIn(name_zh="初赛", opens_at=clock.now(), closes_at=clock.now() + timedelta(days=1)),
        )
        for number, checksum in ((1, OLD), (2, "")):
            await engine.run_ddl(
                "INSERT INTO upload (round, slot, team, version, method, key, sha256, status, created_by, created_at) "
                f"VALUES ({round_.id}, {round_.slots[0].id}, {team.id}, {number}, 'post', 'k/{number}', "
                f"'{checksum}', 'accepted', {leader_id}, CURRENT_TIMESTAMP)"
            )
        assert await db.migrate() >= 2

        rows = await engine.run_ddl("SELECT version, digest FROM upload ORDER BY version")
        assert [(r["version"], r["digest"]) for r in rows] == [(1, f"sha256:{OLD}"), (2, "")]
        assert await db.pending_migrations() == []
    finally:
        await db.close_engine(engine)
