"""Bounded work: API requests run on a fixed pool of threads, at most `Limits.max_pending` of them
in flight or queued; beyond that the server answers 503 with ``Retry-After`` at once, so a burst
never piles up into minutes of queueing. Also the runner interface and a locked cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ..results import JSON

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """`workers` threads compute API answers; at most `max_pending` requests are in flight or
    waiting for a thread (the rest are answered 503, ``Retry-After: retry_after`` seconds)."""

    workers: int = 4
    max_pending: int = 4
    retry_after: int = 1

    def __post_init__(self) -> None:
        if self.workers < 1 or self.max_pending < self.workers or self.retry_after < 0:
            raise ValueError(f"bad limits {self}: need workers >= 1 and max_pending >= workers")


class ApiError(Exception):
    """A request the API refuses: HTTP `status` (4xx, or 503 when busy) and a one-line message
    naming the value and the fix."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class CommandRunner(Protocol):
    """What the API serves: the commands' parameters, and one command run on query parameters."""

    def describe(self) -> JSON:
        """``{"commands": {name: {"help": ..., "parameters": [...]}}}``."""
        ...

    def run(self, command: str, params: list[tuple[str, str]]) -> JSON:
        """The command's result as JSON; raises `ApiError` for bad input."""
        ...


class Admission:
    """Counts requests in flight (from the event loop's thread) and runs them on `limits.workers` threads."""

    def __init__(self, limits: Limits):
        import anyio

        self.limits = limits
        self.limiter = anyio.CapacityLimiter(limits.workers)
        self.pending = 0

    async def run(self, fn: Callable[[], T]) -> T:
        """`fn()` on a worker thread; `ApiError(503)` when `max_pending` requests are already admitted."""
        import anyio.to_thread

        if self.pending >= self.limits.max_pending:
            raise ApiError(
                503,
                f"server busy: {self.pending} requests in flight or queued (at most {self.limits.max_pending}); "
                f"retry in {self.limits.retry_after} s",
                {"Retry-After": str(self.limits.retry_after)},
            )
        self.pending += 1
        try:
            return await anyio.to_thread.run_sync(fn, limiter=self.limiter)
        finally:
            self.pending -= 1


class LockedCache:
    """At most `size` values by key, computed under one lock (for work that is not thread-safe,
    such as UMAP, and costly enough to keep: projections). Errors are not cached."""

    def __init__(self, size: int = 32):
        self.size = size
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, object] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]  # type: ignore[return-value]
            value = compute()
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._values)
