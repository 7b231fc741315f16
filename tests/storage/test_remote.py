"""Checking objects where they lie in S3 (embedded SeaweedFS or TEST_S3_ENDPOINT): streamed once for
the checksum, bounded ranged reads for the content, pinned to one version, S3 failures not verdicts."""

import io
import tracemalloc
import uuid
from functools import partial

import pytest
import urllib3
from blake3 import blake3

from storage import ObjectChanged, ObjectStore, StorageUnavailable, StoreConfig, samples
from storage.checks import DEFAULT_SLOTS, RangedReader, check_file
from storage.remote import BLOCK_BYTES, ObjectSource, check_object, digest_object
from storage.sandbox import run_bounded

MIB = 1024 * 1024


@pytest.fixture
async def store(s3):
    instance = ObjectStore(
        StoreConfig(endpoint=s3.s3_endpoint, access_key=s3.s3_access_key, secret_key=s3.s3_secret_key, bucket="contest")
    )
    await instance.ensure_bucket(["http://127.0.0.1:8000"])
    return instance


async def put_video(store, size, duration_s=150):
    key = f"test/{uuid.uuid4().hex}.mp4"
    buffer = io.BytesIO()
    samples.write_mp4(buffer, duration_s=duration_s, size=size)
    info = await store.put(key, buffer.getvalue(), "video/mp4")
    return key, info, buffer.getvalue()


@pytest.mark.parametrize("kind", ["video", "zip"])
async def test_a_large_file_in_s3_is_checked_with_few_requests_and_bounded_memory(store, kind):
    if kind == "video":
        key, info, data = await put_video(store, 24 * MIB)
    else:
        buffer = io.BytesIO()
        samples.write_miniprogram_zip(buffer, layout="taro", padding_bytes=24 * MIB)
        data, key = buffer.getvalue(), f"test/{uuid.uuid4().hex}.zip"
        info = await store.put(key, data, "application/zip")
    with ObjectSource(store.client, store.bucket, key, size=info.size, etag=info.etag) as source:
        reader = RangedReader(source, info.size, block_size=BLOCK_BYTES, cache_blocks=4)
        tracemalloc.start()
        try:
            result = check_file(DEFAULT_SLOTS["demo_video" if kind == "video" else "code_package"], reader, info.size)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert result.ok, result.problems
    assert result.facts.digest == f"blake3:{blake3(data).hexdigest()}"
    # One stream from the start, a few jumps (and, for the archive, one more stream as it is unpacked).
    assert source.requests <= 10
    assert peak < 16 * MIB, f"peak {peak / MIB:.1f} MiB"  # 4 cached blocks and the one being read, not the file


async def test_check_object_runs_in_a_bounded_child(store):
    key, info, _ = await put_video(store, 3 * MIB, duration_s=240)
    check = partial(check_object, store.config, key, size=info.size, etag=info.etag, slot=DEFAULT_SLOTS["demo_video"])
    result = await run_bounded(check, timeout_s=60, memory_mb=256)
    assert not result.ok and [m.id for m in result.problems] == ["video_too_long"]


async def test_an_object_replaced_after_it_was_recorded_is_not_checked(store):
    key, info, _ = await put_video(store, 2 * MIB)
    await store.put(key, samples.mp4_bytes(10), "video/mp4")
    with pytest.raises(ObjectChanged):
        check_object(store.config, key, size=info.size, etag=info.etag, slot=DEFAULT_SLOTS["demo_video"])
    with pytest.raises(ObjectChanged):
        digest_object(store.config, key, size=info.size, etag=info.etag)


async def test_the_digest_streams_the_object_once_and_the_content_check_can_leave_it_out(store):
    key, info, data = await put_video(store, 5 * MIB)
    assert digest_object(store.config, key, size=info.size, etag=info.etag) == (
        len(data),
        f"blake3:{blake3(data).hexdigest()}",
    )
    content = check_object(
        store.config, key, size=info.size, etag=info.etag, slot=DEFAULT_SLOTS["demo_video"], checksum=False
    )
    assert content.ok and content.facts.digest is None and content.facts.duration_s == 150


async def test_a_failing_s3_is_raised_not_taken_for_a_damaged_file(store, monkeypatch):
    key, info, _ = await put_video(store, 6 * MIB)
    real_get = ObjectSource._get

    def flaky(self, offset, length):
        """The connection breaks off after the second block of every read."""
        response = real_get(self, offset, length)
        real_read, blocks = response.read, []

        def read(*args, **kwargs):
            blocks.append(1)
            if len(blocks) > 2:
                raise urllib3.exceptions.ProtocolError("connection reset")
            return real_read(*args, **kwargs)

        response.read = read
        return response

    monkeypatch.setattr(ObjectSource, "_get", flaky)
    with pytest.raises(StorageUnavailable):
        check_object(store.config, key, size=info.size, etag=info.etag, slot=DEFAULT_SLOTS["demo_video"])
