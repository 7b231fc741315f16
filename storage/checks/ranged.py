"""A seekable read-only file over ranged reads, so a large object (a 300 MB video in S3) can be
checked without holding it in memory: the parsers see a file, the store sees bounded range reads.
"""

import io
import os
from collections import OrderedDict
from collections.abc import Callable

ReadRange = Callable[[int, int], bytes]


class RangedReader(io.RawIOBase):
    """A read-only file of `size` bytes whose content comes from `read_range(offset, length)`.

    Reads go through an LRU cache of `cache_blocks` blocks of `block_size` bytes, so memory stays
    bounded by the cache plus what the caller asks for in one read, and each call to `read_range`
    asks for at most one block. `calls`, `bytes_fetched` and `max_fetch` count the traffic.
    """

    def __init__(self, read_range: ReadRange, size: int, *, block_size: int = 1 << 20, cache_blocks: int = 16):
        super().__init__()
        if size < 0 or block_size <= 0 or cache_blocks <= 0:
            raise ValueError("size, block_size and cache_blocks must be positive")
        self._read_range = read_range
        self._size = size
        self._block_size = block_size
        self._cache_blocks = cache_blocks
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._pos = 0
        self.calls = 0
        self.bytes_fetched = 0
        self.max_fetch = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._check_open()
        if whence == os.SEEK_SET:
            target = offset
        elif whence == os.SEEK_CUR:
            target = self._pos + offset
        elif whence == os.SEEK_END:
            target = self._size + offset
        else:
            raise ValueError(f"invalid whence: {whence}")
        if target < 0:
            raise OSError("negative seek position")
        self._pos = target
        return target

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        self._check_open()
        view = memoryview(buffer).cast("B")
        wanted = min(len(view), max(0, self._size - self._pos))
        done = 0
        while done < wanted:
            index, start = divmod(self._pos, self._block_size)
            block = self._block(index)
            count = min(len(block) - start, wanted - done)
            view[done : done + count] = block[start : start + count]
            done += count
            self._pos += count
        return done

    def read(self, size: int | None = -1) -> bytes:
        self._check_open()
        if size is None or size < 0:
            size = max(0, self._size - self._pos)
        buffer = bytearray(min(size, max(0, self._size - self._pos)))
        count = self.readinto(buffer)
        return bytes(memoryview(buffer)[:count])

    def readall(self) -> bytes:
        return self.read(-1)

    def close(self) -> None:
        self._cache.clear()
        super().close()

    def _block(self, index: int) -> bytes:
        block = self._cache.get(index)
        if block is not None:
            self._cache.move_to_end(index)
            return block
        offset = index * self._block_size
        length = min(self._block_size, self._size - offset)
        block = self._read_range(offset, length)
        self.calls += 1
        self.bytes_fetched += len(block)
        self.max_fetch = max(self.max_fetch, length)
        if len(block) != length:
            raise OSError(f"short read at {offset}: {len(block)} bytes of {length}; did the object change?")
        self._cache[index] = block
        if len(self._cache) > self._cache_blocks:
            self._cache.popitem(last=False)
        return block

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")
