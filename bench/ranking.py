"""Ranking methods against a planted truth: how well and how fast each recovers it.

Plants a true quality per entry and a bias, a scale and noise per judge, for 10,000 entries x 5
judges (50,000 sheets; `--small`: 1,000 entries). Entries sit in eight regions of mixed size; each
entry gets 5 distinct judges of its region, each judge about 50 entries (least-loaded first, ties
broken at random, as an assignment run would spread them), so the judge graph is connected within
each region and the regions are apart. A judge's sheet scores five weighted criteria (max 10, in
half points) around the judge's view of the entry. Every method then ranks the same input in one
run; the figures are the Spearman correlation of each method's scores with the true quality, and
the time of `judging.ranking.rank` per method (the best of `--repeat` runs) with its ratio to the
plain mean's. The last line printed is one JSON object of the figures.

With a PostgreSQL server at BENCH_POSTGRES_URL (default: the local one, as the tests use), the same
sheets also go into a scratch database (teams, judges, the assignment, submitted sheets) and a full
recompute of the round is timed as the worker runs it (`judging.results.service.compute_run`: the
services load participants, teams, assignment and sheets, the pure modules rank, advance and award,
the snapshot is stored) next to reading the same rows with a bare asyncpg query in the same run;
`recompute_ratio` is the first over the second. Without a server those figures are null.

    .venv/bin/python bench/ranking.py [--small] [--seed 7] [--repeat 3] [--no-database]

OpenBLAS runs single-threaded unless OPENBLAS_NUM_THREADS says otherwise: LSMR's vector norms
are too short to gain from threads, and on a busy machine (our workers run several jobs at once)
threads waiting for a core made the scaled least squares ten times slower in our runs.
"""

import argparse
import asyncio
import json
import math
import os
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads OpenBLAS

import msgspec
import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from contest.accounts.tables import User  # noqa: E402
from contest.contests import service as contests  # noqa: E402
from contest.contests.schemas import ContestIn, TrackIn  # noqa: E402
from contest.lib import db  # noqa: E402
from contest.lib.clock import SystemClock  # noqa: E402
from contest.lib.principal import SYSTEM  # noqa: E402
from contest.lib.settings import load_settings  # noqa: E402
from contest.regions import service as regions  # noqa: E402
from contest.regions.tables import Region, University  # noqa: E402
from contest.rounds import service as rounds  # noqa: E402
from contest.shell.wiring import runtime_for  # noqa: E402
from contest.teams.tables import Team  # noqa: E402
from judging.assignment.tables import Assignment  # noqa: E402
from judging.ranking import Criterion, RankingInput, Sheet, decode_input, load_sheets, rank  # noqa: E402
from judging.results import service as results  # noqa: E402
from judging.sheets.tables import ScoreSheet, SheetStatus  # noqa: E402

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BATCH = 2000
# The rows a recompute reads, read bare: submitted sheets, the assignment, the teams with their names.
BARE_QUERIES = (
    "SELECT team, judge, scores, opened_at, submitted_at FROM score_sheet WHERE round = $1 AND status = 'submitted'",
    "SELECT team, judge FROM judge_assignment WHERE round = $1 AND status = 'active'",
    "SELECT t.id, t.name, t.status, u.name_zh, u.name_en, r.code, r.name_zh, r.name_en, k.name_zh, k.name_en "
    "FROM team t JOIN university u ON u.id = t.university JOIN region r ON r.id = u.region "
    "JOIN track k ON k.id = t.track WHERE t.contest = $1",
)

REGION_SHARES = (0.22, 0.18, 0.15, 0.13, 0.11, 0.09, 0.07, 0.05)
JUDGES_PER_ENTRY = 5
ENTRIES_PER_JUDGE = 50
CRITERIA = [
    Criterion(id="innovation", weight=25, max=10),
    Criterion(id="value", weight=20, max=10),
    Criterion(id="design", weight=20, max=10),
    Criterion(id="technical", weight=25, max=10),
    Criterion(id="completeness", weight=10, max=10),
]
# Planted effects on the latent scale (a true quality is standard normal).
JUDGE_BIAS_SD = 0.5
JUDGE_LOG_SCALE_SD = 0.3
SHEET_NOISE_SD = 0.35
CRITERION_NOISE_SD = 0.05
# Methods measured: name -> options of RankingInput. The first is the reference for time ratios.
METHODS: dict[str, dict[str, object]] = {
    "mean": {"method": "mean"},
    "trimmed": {"method": "trimmed"},
    "zscore": {"method": "zscore"},
    "least_squares": {"method": "least_squares"},
    "least_squares_scaled": {"method": "least_squares", "judge_scale": True},
}


def assign(n_entries: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Region of each entry, and the (entry, judge) pair of every sheet."""
    sizes = [round(share * n_entries) for share in REGION_SHARES]
    sizes[0] += n_entries - sum(sizes)
    region = np.repeat(np.arange(len(sizes)), sizes)
    sheet_entry: list[int] = []
    sheet_judge: list[int] = []
    first_judge, first_entry = 0, 0
    for size in sizes:
        n_judges = max(math.ceil(size * JUDGES_PER_ENTRY / ENTRIES_PER_JUDGE), JUDGES_PER_ENTRY)
        load = np.zeros(n_judges)
        for entry in first_entry + rng.permutation(size):
            chosen = np.argpartition(load + rng.random(n_judges), JUDGES_PER_ENTRY - 1)[:JUDGES_PER_ENTRY]
            load[chosen] += 1
            sheet_entry += [int(entry)] * JUDGES_PER_ENTRY
            sheet_judge += (first_judge + chosen).tolist()
        first_judge += n_judges
        first_entry += size
    return region, np.array(sheet_entry), np.array(sheet_judge)


def plant(n_entries: int, seed: int) -> tuple[RankingInput, np.ndarray, int]:
    """The sheets input, the true quality per entry and the number of judges."""
    rng = np.random.default_rng(seed)
    _, entry, judge = assign(n_entries, rng)
    n_judges = int(judge.max()) + 1
    quality = rng.standard_normal(n_entries)
    bias = rng.normal(0.0, JUDGE_BIAS_SD, n_judges)
    scale = np.exp(rng.normal(0.0, JUDGE_LOG_SCALE_SD, n_judges))
    latent = scale[judge] * quality[entry] + bias[judge] + rng.normal(0.0, SHEET_NOISE_SD, len(entry))
    fraction = 0.7 + 0.1 * latent
    per_criterion = fraction[:, None] + rng.normal(0.0, CRITERION_NOISE_SD, (len(entry), len(CRITERIA)))
    half_points = np.round(np.clip(per_criterion, 0.0, 1.0) * 20) / 2
    sheets = [
        Sheet(
            entry=f"e{e:05d}",
            judge=f"j{j:04d}",
            scores={criterion.id: float(value) for criterion, value in zip(CRITERIA, row, strict=True)},
        )
        for e, j, row in zip(entry.tolist(), judge.tolist(), half_points, strict=True)
    ]
    data = RankingInput(criteria=CRITERIA, sheets=sheets, tie_break=["technical", "innovation"])
    return data, quality, n_judges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="1,000 entries instead of 10,000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="time each method this many times, keep the best")
    parser.add_argument("--no-database", action="store_true", help="skip the recompute from PostgreSQL")
    args = parser.parse_args()
    n_entries = 1_000 if args.small else 10_000

    data, quality, n_judges = plant(n_entries, args.seed)
    raw = msgspec.json.encode(data)
    started = time.perf_counter()
    data = decode_input(raw)
    decode_s = time.perf_counter() - started
    components = int(load_sheets(data).table.judge_components().max()) + 1
    print(
        f"{n_entries} entries, {n_judges} judges, {len(data.sheets)} sheets in {len(REGION_SHARES)} regions "
        f"({components} judge components); JSON {len(raw) / 1e6:.1f} MB decoded in {decode_s:.3f} s"
    )

    spearman: dict[str, float] = {}
    time_s: dict[str, float] = {}
    for name, options in METHODS.items():
        variant = msgspec.structs.replace(data, **options)
        durations = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = rank(variant)
            durations.append(time.perf_counter() - started)
        time_s[name] = round(min(durations), 4)
        score = {item.entry: item.score for item in result.entries}
        ours = [score[f"e{e:05d}"] for e in range(n_entries)]
        spearman[name] = round(float(spearmanr(ours, quality).statistic), 4)
    reference = next(iter(METHODS))
    ratio = {name: round(time_s[name] / time_s[reference], 2) for name in METHODS}
    print(f"{'method':<22}{'spearman':>10}{'time s':>10}{'x mean':>9}")
    for name in METHODS:
        print(f"{name:<22}{spearman[name]:>10.4f}{time_s[name]:>10.3f}{ratio[name]:>9.2f}")

    database = None if args.no_database else asyncio.run(recompute(data, args.repeat))
    if database is not None:
        print(
            f"recompute from PostgreSQL {database['recompute_s']:.3f} s, bare read of the same rows "
            f"{database['bare_read_s']:.3f} s: ratio {database['recompute_ratio']:.2f}"
        )
    figures = {
        "entries": n_entries,
        "judges": n_judges,
        "sheets": len(data.sheets),
        "components": components,
        "blas_threads": os.environ["OPENBLAS_NUM_THREADS"],
        "decode_s": round(decode_s, 4),
        "spearman": spearman,
        "time_s": time_s,
        "time_ratio_vs_mean": ratio,
        "recompute_s": database["recompute_s"] if database else None,
        "bare_read_s": database["bare_read_s"] if database else None,
        "recompute_ratio": database["recompute_ratio"] if database else None,
        "recompute_method": database["method"] if database else None,
    }
    print(json.dumps(figures))


async def _insert(table: Any, rows: list[Any]) -> list[int]:
    """Insert in batches; the new ids in order."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        ids += [row["id"] for row in await table.insert(*rows[start : start + BATCH])]
    return ids


async def _scene(data: RankingInput) -> tuple[int, int]:
    """The planted sheets as a contest in the database: one team per entry (its region's
    universities in turn), judges, the published assignment, the submitted sheets. Returns the
    contest's and the preliminary round's ids."""
    now = datetime.now(UTC)
    rt = runtime_for(load_settings({}, contest_env="test"), SystemClock())
    await regions.ensure_regions()
    overseas = [regions.UniversityRow("新加坡国立大学", "National University of Singapore", "")]
    await regions.add_universities([*regions.reference_universities(), *overseas])
    contest = await contests.create_contest(
        rt, SYSTEM, ContestIn(slug="bench", name_zh="基准大赛", tracks=[TrackIn(code="app", name_zh="小程序应用")])
    )
    preliminary = (await rounds.add_default_rounds(rt, SYSTEM, contest.id))[0]
    codes = [r["code"] for r in await Region.select(Region.code).order_by(Region.sort_order)]
    by_region: dict[str, list[int]] = {}
    for u in await University.select(University.id, University.region._.code.as_alias("code")):
        by_region.setdefault(u["code"], []).append(u["id"])
    region_of, _, _ = assign(len({s.entry for s in data.sheets}), np.random.default_rng(0))
    entries = sorted({sheet.entry for sheet in data.sheets})
    judges = sorted({sheet.judge for sheet in data.sheets})
    people = [
        User(email=f"{name}@bench.cn", name=name, kind="staff" if name.startswith("j") else "student", created_at=now)
        for name in [*entries, *judges]
    ]
    user_ids = dict(zip([*entries, *judges], await _insert(User, people), strict=True))
    teams = []
    for index, entry in enumerate(entries):
        universities = by_region.get(codes[int(region_of[index]) % len(codes)]) or by_region[codes[0]]
        teams.append(
            Team(
                contest=contest.id,
                track=contest.tracks[0].id,
                university=universities[index % len(universities)],
                name=f"队伍{entry}",
                leader=user_ids[entry],
                created_at=now,
            )
        )
    team_ids = dict(zip(entries, await _insert(Team, teams), strict=True))
    await _insert(
        Assignment,
        [
            Assignment(round=preliminary.id, team=team_ids[s.entry], judge=user_ids[s.judge], created_at=now)
            for s in data.sheets
        ],
    )
    await _insert(
        ScoreSheet,
        [
            ScoreSheet(
                round=preliminary.id,
                team=team_ids[s.entry],
                judge=user_ids[s.judge],
                status=SheetStatus.SUBMITTED.value,
                scores=s.scores,
                version=1,
                opened_at=now,
                saved_at=now,
                submitted_at=now,
            )
            for s in data.sheets
        ],
    )
    return contest.id, preliminary.id


async def recompute(data: RankingInput, repeat: int) -> dict[str, Any] | None:
    """Best-of-`repeat` times of a full recompute of the round and of a bare read of its rows, in a
    scratch PostgreSQL database made and dropped here; None when no server answers."""
    try:
        admin = await asyncpg.connect(POSTGRES_URL, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        print(f"no PostgreSQL at {POSTGRES_URL} ({error}): recompute not measured")
        return None
    name = f"bench_ranking_{uuid.uuid4().hex[:8]}"
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    engine = None
    try:
        settings = load_settings({}, contest_env="test", database_url=url)
        engine = await db.open_engine(settings)
        await db.migrate()
        started = time.perf_counter()
        contest_id, round_id = await _scene(data)
        print(f"scratch database {name}: {len(data.sheets)} sheets stored in {time.perf_counter() - started:.1f} s")
        rt = runtime_for(settings, SystemClock())
        recompute_s, bare_s = [], []
        method = (await results.rules_of(rt, round_id)).rules.method
        for _ in range(repeat):
            run = await results.request_compute(rt, SYSTEM, round_id)
            started = time.perf_counter()
            assert await results.compute_run(rt, run.id) == "ready"
            recompute_s.append(time.perf_counter() - started)
            bare = await asyncpg.connect(url)
            try:
                started = time.perf_counter()
                found = [await bare.fetch(BARE_QUERIES[0], round_id), await bare.fetch(BARE_QUERIES[1], round_id)]
                found.append(await bare.fetch(BARE_QUERIES[2], contest_id))
                bare_s.append(time.perf_counter() - started)
            finally:
                await bare.close()
            assert len(found[0]) == len(data.sheets)
        best, bare_best = min(recompute_s), min(bare_s)
        return {
            "recompute_s": round(best, 4),
            "bare_read_s": round(bare_best, 4),
            "recompute_ratio": round(best / bare_best, 2),
            "method": method,
        }
    finally:
        if engine is not None:
            await db.close_engine(engine)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    main()
