"""Checking an entry file where it lies in S3, never holding it in memory.

`check_object` is what the verification job runs in a bounded child process (storage.sandbox), and
`digest_object` what it runs beside it in the worker (the size and digest: a stream, nothing parsed).
Both read a seekable file (`RangedReader`); `ObjectSource` serves its block reads: reading from the
start, or a run of consecutive blocks, becomes one streaming GET read as the caller asks (a read-ahead
thread cost more in hand-offs than it overlapped), while a jump (a ZIP's central directory, an MP4's
moov box at the end) is one bounded ranged GET. Every GET is conditional on the ETag recorded when
the upload was finalised (If-Match), so the bytes checked are the bytes recorded: an object replaced
meanwhile fails with ObjectChanged instead of passing unseen.

The checks turn any read error into a verdict about the file ("cannot be opened"); a failure of S3
is not one, so the source remembers it and `check_object` raises it instead of returning a verdict.
"""

from collections.abc import Sequence
from types import TracebackType
from typing import Any, BinaryIO, cast

import urllib3
from minio import Minio
from minio.error import S3Error

from storage.checks import CheckResult, RangedReader, SlotConfig, check_file
from storage.checks.entry import file_digest
from storage.store import ObjectChanged, ObjectStore, StorageError, StoreConfig, storage_error

BLOCK_BYTES = 1 << 20
CACHE_BLOCKS = 16


class _Stream:
    """One GET from `offset` to the end of the object, read in order as the caller asks."""

    def __init__(self, response: Any, offset: int) -> None:
        self.response = response
        self.next = offset  # the offset of the next byte `take` returns

    def take(self, length: int) -> bytes:
        """The next `length` bytes of the object (fewer only at its end)."""
        data: bytes = self.response.read(length)
        self.next += len(data)
        return data

    def close(self) -> None:
        self.response.close()
        self.response.release_conn()


class ObjectSource:
    """`read_range(offset, length)` over one version of one object (see the module docstring).

    `failure` keeps the first S3 or connection error met, since the checks that read through it
    would take it for a damaged file.
    """

    def __init__(self, client: Minio, bucket: str, key: str, *, size: int, etag: str) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._size = size
        self._headers: dict[str, str | list[str] | tuple[str]] = {"If-Match": '"' + etag.strip('"') + '"'}
        self._stream: _Stream | None = None
        self._last_end = 0  # the end of the last ranged read: nothing read yet, so the start
        self.failure: StorageError | None = None
        self.requests = 0

    def __call__(self, offset: int, length: int) -> bytes:
        try:
            return self._read(offset, length)
        except (S3Error, urllib3.exceptions.HTTPError, OSError) as exc:
            self.failure = self.failure or storage_error(exc)
            raise self.failure from exc

    def _read(self, offset: int, length: int) -> bytes:
        if self._stream is not None and offset == self._stream.next:
            return self._stream.take(length)
        self.close()
        if offset == self._last_end and offset + length < self._size:
            # The start of the object (every check reads a file from its start, the checksum pass
            # right after), or the second block in a row: the caller is scanning, so stream the rest.
            self._stream = _Stream(self._get(offset, 0), offset)
            return self._stream.take(length)
        response = self._get(offset, length)
        try:
            data: bytes = response.read()
        finally:
            response.close()
            response.release_conn()
        self._last_end = offset + len(data)
        return data

    def _get(self, offset: int, length: int) -> Any:
        self.requests += 1
        return self._client.get_object(self._bucket, self._key, offset, length, request_headers=self._headers)

    def close(self) -> None:
        """Stop a streaming GET (a jump elsewhere, or the end of the check)."""
        if self._stream is not None:
            stream, self._stream = self._stream, None
            self._last_end = stream.next
            stream.close()

    def __enter__(self) -> "ObjectSource":
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


class _ObjectReader(RangedReader):
    """A RangedReader that answers a read of exactly one aligned block with the block itself: the
    checksum pass reads the file block by block, and copying each (twice per read) costs about as
    much CPU as hashing it. Any other read is RangedReader's (never shorter than asked but at the end)."""

    def read(self, size: int | None = -1) -> bytes:
        self._check_open()
        if size == self._block_size and self._pos % self._block_size == 0:
            block = self._block(self._pos // self._block_size)
            self._pos += len(block)
            return block
        return super().read(size)


def digest_object(config: StoreConfig, key: str, *, size: int, etag: str) -> tuple[int, str]:
    """`file_digest` of the object `key` at version `etag`: one streaming GET, nothing parsed, so the
    verification job runs it in the worker itself, beside the bounded content check. Raises like
    `check_object`."""
    store = ObjectStore(config)
    with ObjectSource(store.client, config.bucket, key, size=size, etag=etag) as source:
        reader = _ObjectReader(source, size, block_size=BLOCK_BYTES, cache_blocks=1)
        return file_digest(cast(BinaryIO, reader), size)  # ObjectSource raises S3's failures as StorageErrors


def check_object(
    config: StoreConfig,
    key: str,
    *,
    size: int,
    etag: str,
    slot: SlotConfig,
    names: Sequence[str] = (),
    filename: str | None = None,
    checksum: bool = True,
) -> CheckResult:
    """`check_file` on the object `key` at version `etag` of `size` bytes, read from S3 in bounded
    pieces (at most CACHE_BLOCKS blocks of BLOCK_BYTES held at once, and the block being read).

    Raises ObjectChanged when the object is no longer that version, and StorageError (or
    StorageUnavailable) when S3 fails: those say nothing about the file, so the caller retries.
    Its arguments pickle, so it runs under `storage.sandbox.run_bounded`.
    """
    store = ObjectStore(config)
    with ObjectSource(store.client, config.bucket, key, size=size, etag=etag) as source:
        reader = _ObjectReader(source, size, block_size=BLOCK_BYTES, cache_blocks=CACHE_BLOCKS)
        result = check_file(slot, cast(BinaryIO, reader), size, names=names, filename=filename, checksum=checksum)
    if source.failure is not None:
        raise source.failure
    return result


__all__ = ["BLOCK_BYTES", "CACHE_BLOCKS", "ObjectChanged", "ObjectSource", "check_object", "digest_object"]
