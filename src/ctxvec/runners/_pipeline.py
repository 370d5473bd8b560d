"""The local runner's pipeline: inputs packed ahead on a producer thread, vectors written behind on a
writer thread, so the calling (compute) thread runs only forward passes.

- `prefetch(items, depth)` runs a generator on a daemon thread up to `depth` items ahead (the shard
  reading, tokenizing, batch planning and packing of `ctxvec.runners._shards.pack_shards`);
- `WriteBehind` casts and writes one batch's vectors at their rows while the next batch computes (one
  write in flight) and hands back the batches whose write is done, so progress, checkpoints and
  callbacks still happen in the caller's thread and only after the bytes are written.
"""

from __future__ import annotations

import ctypes
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import Generic, TypeVar

import numpy as np

from ..store import StoreWriter

T = TypeVar("T")
Tag = TypeVar("Tag")

_END = object()


def prefetch(items: Iterator[T], depth: int) -> Iterator[T]:
    """The items of `items`, produced on a daemon thread at most `depth` ahead of the consumer.

    An exception in the producer is raised here; leaving the loop early stops the producer (it
    finishes the item it is making, then ends) and waits for it."""
    q: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                q.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
        except BaseException as e:  # handed to the consumer, raised there
            put((_END, e))
            return
        put((_END, None))

    thread = threading.Thread(target=produce, name="ctxvec-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item, error = q.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()


class WriteBehind(Generic[Tag]):
    """Positioned writes of finished batches on a writer thread, one write in flight.

    ``submit(rows, vectors, tag)`` starts writing and returns the tags of the batches whose write has
    finished since (the previous one); ``drain()`` waits for the write in flight and returns its tag.
    """

    def __init__(self, writer: StoreWriter):
        self._writer = writer
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ctxvec-writer")
        self._inflight: tuple[Future[None], Tag] | None = None

    def _write(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        self._writer.write(rows, vectors)

    def submit(self, rows: np.ndarray, vectors: np.ndarray, tag: Tag) -> list[Tag]:
        """Write (k, dim) `vectors` at (k,) store rows `rows`; the tags of the writes now finished."""
        finished = self.drain()
        self._inflight = (self._pool.submit(self._write, rows, vectors), tag)
        return finished

    def drain(self) -> list[Tag]:
        """Wait for the write in flight (re-raising its error); its tag, or nothing."""
        if self._inflight is None:
            return []
        future, tag = self._inflight
        self._inflight = None
        future.result()
        return [tag]

    def close(self) -> None:
        """Wait for the write in flight (errors ignored: the batch was never recorded) and stop the thread."""
        if self._inflight is not None:
            self._inflight[0].exception()
            self._inflight = None
        self._pool.shutdown(wait=True)


@lru_cache(maxsize=1)
def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim, libc.mallopt  # noqa: B018 (glibc only)
        return libc
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Hand memory freed so far back to the OS (glibc keeps it otherwise, and batches of ever-changing
    shapes fragment the heap until peak memory grows with the corpus)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_GLIBC_DEFAULT_THRESHOLD = 128 * 1024
HEAP_BLOCKS = 1 << 30
"""While encoding, blocks up to this size come from the heap and stay there between batches."""


@contextmanager
def batch_memory() -> Iterator[None]:
    """Keep freed activation memory in the process between batches, and hand it back at the end.

    glibc serves a block over 32 MiB (at most) by a fresh ``mmap`` and unmaps it when freed, so each
    large activation of a large batch (8192 tokens x 1536 floats = 48 MiB) came back as new pages that
    the kernel zeroes and faults in, several times per layer: about 8 % of the encoding's CPU time went
    to the kernel. Here such blocks come from the heap and are reused; the caller releases the heap
    with `release_freed_memory` at its own pace (after each shard), and so does the end of the block.
    Elsewhere (not glibc) this does nothing."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, HEAP_BLOCKS)
        libc.mallopt(_M_TRIM_THRESHOLD, HEAP_BLOCKS)
    try:
        yield
    finally:
        if libc is not None:
            libc.mallopt(_M_MMAP_THRESHOLD, _GLIBC_DEFAULT_THRESHOLD)
            libc.mallopt(_M_TRIM_THRESHOLD, _GLIBC_DEFAULT_THRESHOLD)
            libc.malloc_trim(0)
