"""RangedReader: a seekable file over range reads, and checks of large files through it that read
in bounded pieces and hold bounded memory."""

import io
import os
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import samples
from storage.checks import DEFAULT_SLOTS, RangedReader, check_file

MIB = 1024 * 1024
BLOCK = 256 * 1024


class CountingRanges:
    """read_range over a local file, counting calls and the largest request."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDONLY)
        self.size = os.fstat(self.fd).st_size
        self.calls = 0
        self.largest = 0

    def __call__(self, offset: int, length: int) -> bytes:
        self.calls += 1
        self.largest = max(self.largest, length)
        return os.pread(self.fd, length, offset)

    def close(self):
        os.close(self.fd)


@settings(max_examples=50, deadline=None)
@given(
    data=st.binary(min_size=0, max_size=3000),
    block=st.integers(1, 700),
    operations=st.lists(
        st.tuples(st.sampled_from(["read", "seek", "seek_end", "seek_cur"]), st.integers(-50, 3500)), max_size=25
    ),
)
def test_it_reads_like_a_file_in_memory(data, block, operations):
    reader = RangedReader(
        lambda offset, length: data[offset : offset + length], len(data), block_size=block, cache_blocks=2
    )
    plain = io.BytesIO(data)
    for operation, value in operations:
        if operation == "read":
            assert reader.read(value) == plain.read(value)
        elif operation == "seek" and value >= 0:
            assert reader.seek(value) == plain.seek(value)
        elif operation == "seek_end" and len(data) + min(value, 0) >= 0:
            assert reader.seek(min(value, 0), os.SEEK_END) == plain.seek(min(value, 0), os.SEEK_END)
        elif operation == "seek_cur" and plain.tell() + value >= 0:
            assert reader.seek(value, os.SEEK_CUR) == plain.seek(value, os.SEEK_CUR)
        assert reader.tell() == plain.tell()
    assert reader.max_fetch <= block


def test_a_short_range_read_is_an_error():
    reader = RangedReader(lambda offset, length: b"x" * (length - 1), 100, block_size=10)
    with pytest.raises(OSError):
        reader.read(5)


def test_a_closed_reader_refuses_reads():
    reader = RangedReader(lambda offset, length: bytes(length), 10)
    reader.close()
    with pytest.raises(ValueError):
        reader.read(1)


@pytest.mark.parametrize("kind", ["video", "zip"])
def test_checking_a_large_file_reads_bounded_pieces_and_holds_bounded_memory(tmp_path, kind):
    path = tmp_path / "entry"
    with open(path, "wb") as out:
        if kind == "video":
            samples.write_mp4(out, duration_s=150, size=24 * MIB)
        else:
            samples.write_miniprogram_zip(out, layout="taro", padding_bytes=24 * MIB)
    ranges = CountingRanges(path)
    reader = RangedReader(ranges, ranges.size, block_size=BLOCK, cache_blocks=4)
    slot = DEFAULT_SLOTS["demo_video" if kind == "video" else "code_package"]
    tracemalloc.start()
    try:
        result = check_file(slot, reader, ranges.size)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        ranges.close()
    assert result.ok, result.problems
    assert ranges.largest <= BLOCK and reader.max_fetch <= BLOCK
    # One pass for the checksum, at most one more for the content, plus a few re-read blocks.
    assert ranges.calls * BLOCK >= ranges.size
    assert reader.bytes_fetched <= 2 * ranges.size + 16 * BLOCK
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB for a {ranges.size / MIB:.0f} MiB file"
