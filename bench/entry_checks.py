"""Entry-file checks and the bounded parse runner: what they cost, against references measured in the
same run. The last line printed is one JSON object of the figures.

- run_bounded per call (a fork from the preloaded zygote, trivial function), against starting a fresh
  interpreter that imports the parsers (what the "spawn" start method would cost per call);
- checking a 256 MB MP4 and a 96 MB code package through RangedReader over a local file (1 MiB
  blocks, 16 cached), against a plain sequential read of the same file and check_file on the file
  itself; and the same MP4 check under run_bounded;
- the workbook guard on a 6,000-row workbook, against openpyxl reading it;
- openpyxl on a sheet holding one XML comment of 1 to 8 MB (time grows with the square of its
  length), against the guard refusing it.

    .venv/bin/python bench/entry_checks.py            # the sizes above
    .venv/bin/python bench/entry_checks.py --small    # 32 MB video, 16 MB package, comments up to 2 MB
"""

import argparse
import asyncio
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import blake3
import openpyxl
import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage import samples  # noqa: E402
from storage.checks import DEFAULT_SLOTS, FileRefused, RangedReader, check_file, check_path  # noqa: E402
from storage.sandbox import DEFAULT_PRELOAD, prepare, run_bounded, run_bounded_sync  # noqa: E402
from storage.xlsx_guard import guard_xlsx_bytes  # noqa: E402

MIB = 1024 * 1024


def seconds(action, repeat: int = 1) -> float:
    """The median wall time of `action` over `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sequential_read(path: Path) -> None:
    with open(path, "rb") as handle:
        while handle.read(MIB):
            pass


def sequential_digest(path: Path) -> None:
    """A sequential read hashed with the checks' digest (BLAKE3)."""
    digest = blake3.blake3()
    with open(path, "rb") as handle:
        while chunk := handle.read(MIB):
            digest.update(chunk)


def ranged_check(slot_name: str, path: Path) -> dict:
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        reader = RangedReader(lambda offset, length: os.pread(fd, length, offset), size)
        result = check_file(DEFAULT_SLOTS[slot_name], reader, size)
        assert result.ok, result.problems
        return {
            "calls": reader.calls,
            "fetched_mb": round(reader.bytes_fetched / MIB, 1),
            "max_fetch": reader.max_fetch,
        }
    finally:
        os.close(fd)


def measure_runner(calls: int) -> dict:
    prepare()
    run_bounded_sync(abs, -1, timeout_s=10, memory_mb=64)  # warm

    async def many() -> None:
        for _ in range(calls):
            await run_bounded(abs, -1, timeout_s=10, memory_mb=64)

    per_call = seconds(lambda: asyncio.run(many())) / calls
    per_call_sync = (
        seconds(lambda: [run_bounded_sync(abs, -1, timeout_s=10, memory_mb=64) for _ in range(calls)]) / calls
    )
    command = [sys.executable, "-c", "import " + ", ".join(DEFAULT_PRELOAD)]
    fresh = seconds(lambda: subprocess.run(command, check=True, cwd=ROOT), repeat=3)
    print(
        f"run_bounded per call: {per_call * 1000:.1f} ms (sync {per_call_sync * 1000:.1f} ms); "
        f"fresh interpreter with the parsers: {fresh * 1000:.0f} ms ({fresh / per_call:.0f}x)"
    )
    return {
        "run_bounded_ms": round(per_call * 1000, 2),
        "run_bounded_sync_ms": round(per_call_sync * 1000, 2),
        "fresh_interpreter_ms": round(fresh * 1000, 1),
        "fresh_over_run_bounded": round(fresh / per_call, 1),
    }


def measure_file(slot_name: str, path: Path, label: str) -> dict:
    size_mb = path.stat().st_size / MIB
    sequential_read(path)  # the page cache holds it for every measurement alike
    plain = seconds(lambda: sequential_read(path), repeat=3)
    hashed = seconds(lambda: sequential_digest(path), repeat=3)
    direct = seconds(lambda: check_path(DEFAULT_SLOTS[slot_name], path), repeat=3)
    traffic: dict = {}
    ranged = seconds(lambda: traffic.update(ranged_check(slot_name, path)), repeat=3)
    print(
        f"{label} {size_mb:.0f} MB: ranged check {ranged:.2f} s, check of the open file {direct:.2f} s, "
        f"sequential read {plain:.3f} s, sequential read with the digest {hashed:.2f} s "
        f"(ranged/read {ranged / plain:.1f}x, ranged/digest {ranged / hashed:.2f}x, "
        f"ranged/direct {ranged / direct:.2f}x); "
        f"{traffic['calls']} range reads of at most {traffic['max_fetch']} bytes, {traffic['fetched_mb']} MB in all"
    )
    return {
        f"{label}_mb": round(size_mb),
        f"{label}_ranged_s": round(ranged, 3),
        f"{label}_direct_s": round(direct, 3),
        f"{label}_read_s": round(plain, 3),
        f"{label}_digest_s": round(hashed, 3),
        f"{label}_ranged_over_read": round(ranged / plain, 2),
        f"{label}_ranged_over_digest": round(ranged / hashed, 2),
        f"{label}_ranged_over_direct": round(ranged / direct, 2),
        f"{label}_fetched_mb": traffic["fetched_mb"],
    }


def workbook(rows: int, comment: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for row in range(rows):
        sheet.write_row(row, 0, [f"大学{row}", f"University {row}", "浙江", f"u{row}.edu.cn", row])
    book.close()
    if not comment:
        return buffer.getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData><!--" + comment + b"-->")
            target.writestr(info.filename, data)
    return out.getvalue()


def openpyxl_rows(content: bytes) -> int:
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
    return sum(1 for _ in sheet.iter_rows(values_only=True))


def measure_workbooks(comment_sizes: list[int]) -> dict:
    content = workbook(6000)
    guard = seconds(lambda: guard_xlsx_bytes(content), repeat=3)
    parse = seconds(lambda: openpyxl_rows(content), repeat=3)
    print(f"6,000-row workbook: guard {guard * 1000:.0f} ms, openpyxl {parse * 1000:.0f} ms ({guard / parse:.2f}x)")
    figures = {"xlsx_guard_ms": round(guard * 1000, 1), "xlsx_openpyxl_ms": round(parse * 1000, 1)}
    for megabytes in comment_sizes:
        hostile = workbook(1, random.Random(megabytes).randbytes(megabytes * MIB // 2).hex().encode())
        parse = seconds(lambda hostile=hostile: openpyxl_rows(hostile))

        def refuse(hostile: bytes = hostile) -> None:
            try:
                guard_xlsx_bytes(hostile)
            except FileRefused:
                return
            raise AssertionError("the guard let a hostile comment through")

        guard = seconds(refuse, repeat=3)
        print(f"one {megabytes} MB comment: openpyxl {parse:.2f} s, guard refuses in {guard * 1000:.1f} ms")
        figures[f"comment_{megabytes}mb_openpyxl_s"] = round(parse, 3)
        figures[f"comment_{megabytes}mb_guard_ms"] = round(guard * 1000, 2)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="small files, for a quick run")
    options = parser.parse_args()
    video_mb, package_mb = (32, 16) if options.small else (256, 96)
    figures: dict = {"small": options.small}
    figures |= measure_runner(20 if options.small else 100)
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "demo.mp4"
        with open(video, "wb") as out:
            samples.write_mp4(out, duration_s=170, size=video_mb * MIB)
        figures |= measure_file("demo_video", video, "mp4")
        bounded = seconds(
            lambda: run_bounded_sync(check_path, DEFAULT_SLOTS["demo_video"], video, timeout_s=120, memory_mb=512)
        )
        print(f"the same MP4 check under run_bounded: {bounded:.2f} s")
        figures["mp4_bounded_s"] = round(bounded, 3)
        package = Path(folder) / "code.zip"
        with open(package, "wb") as out:
            samples.write_miniprogram_zip(out, layout="taro", padding_bytes=package_mb * MIB)
        figures |= measure_file("code_package", package, "zip")
    figures |= measure_workbooks([1, 2] if options.small else [1, 2, 4, 8])
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
