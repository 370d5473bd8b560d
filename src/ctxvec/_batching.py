"""Micro-batching of concurrent calls: `Batcher(run)` turns ``run(items) -> results`` (one result per
item, in order) into a thread-safe ``batcher(item) -> result`` whose concurrent callers share calls.

A call that finds `run` idle runs at once with its own item (no delay when nobody else is asking).
Calls that arrive while `run` is busy wait; when it is free, one of them runs every waiting item
(oldest first, at most `max_items`) in one call and hands each caller its own result. So a server
that embeds one new sentence per request runs one forward pass for all the sentences that arrived
during the previous one (`ctxvec.queries`). When a call over several items raises, each item is run
again alone, so one caller's bad input is that caller's error only.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

In = TypeVar("In")
Out = TypeVar("Out")


class _Job(Generic[In, Out]):
    __slots__ = ("done", "error", "item", "result")

    def __init__(self, item: In):
        self.item = item
        self.done = False
        self.result: Out | None = None
        self.error: BaseException | None = None


class Batcher(Generic[In, Out]):
    """Concurrent ``batcher(item)`` calls combined into ``run(items)`` calls of at most `max_items`.
    `sizes` counts the calls of `run` by number of items (what a benchmark or a test reads)."""

    def __init__(self, run: Callable[[list[In]], Sequence[Out]], max_items: int = 32):
        if max_items < 1:
            raise ValueError(f"max_items must be at least 1, got {max_items}")
        self.run = run
        self.max_items = max_items
        self.sizes: dict[int, int] = {}
        self._cond = threading.Condition()
        self._waiting: list[_Job[In, Out]] = []
        self._busy = False

    def __call__(self, item: In) -> Out:
        job: _Job[In, Out] = _Job(item)
        with self._cond:
            self._waiting.append(job)
            while True:
                while self._busy and not job.done:
                    self._cond.wait()
                if job.done:
                    break
                # idle and this call's item not yet run: run the oldest waiting items (this one among
                # them unless more than `max_items` wait ahead of it; then it runs in a later call)
                batch, self._waiting = self._waiting[: self.max_items], self._waiting[self.max_items :]
                self._busy = True
                self.sizes[len(batch)] = self.sizes.get(len(batch), 0) + 1
                self._cond.release()
                try:
                    self._run(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        if job.error is not None:
            raise job.error
        return job.result  # type: ignore[return-value]

    def _run(self, batch: list[_Job[In, Out]]) -> None:
        """Run `batch` (outside the lock) and give every job its result or error."""
        try:
            results = self.run([j.item for j in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"batch run gave {len(results)} results for {len(batch)} items")
        except BaseException as e:
            if len(batch) == 1:
                batch[0].error = e
            else:
                for job in batch:  # alone, so that each item meets only its own error
                    self._run([job])
            for job in batch:
                job.done = True
            return
        for job, result in zip(batch, results, strict=True):
            job.result, job.done = result, True
