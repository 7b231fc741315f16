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

    .venv/bin/python bench/ranking.py [--small] [--seed 7] [--repeat 3]

OpenBLAS runs single-threaded unless OPENBLAS_NUM_THREADS says otherwise: LSMR's vector norms
are too short to gain from threads, and on a busy machine (our workers run several jobs at once)
threads waiting for a core made the scaled least squares ten times slower in our runs.
"""

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads OpenBLAS

import msgspec
import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from judging.ranking import Criterion, RankingInput, Sheet, decode_input, load_sheets, rank  # noqa: E402

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

    # recompute_ratio belongs here once judging has its sheet tables: time a full recompute of a
    # round from PostgreSQL (service loads the rows, ranks, stores) against reading the same rows
    # with a bare asyncpg query, in this run, and add the ratio to the figures below.
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
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
