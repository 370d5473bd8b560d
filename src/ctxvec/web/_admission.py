"""Admission by expected waiting time: API requests run on a fixed pool of threads and queue for one
while the time a new request can expect to wait for its answer (its wait for a worker, then its own
service) stays within `Limits.max_wait` seconds; beyond that the server answers 503 with
``Retry-After`` (the seconds until the queue should be back within the bound). A request that finds
a free worker and nobody queued is always taken, however long it may take.

The times are estimated from measured service times: each kind of work (a key: the command and the
options it was given from its exclusive groups, so ``similar`` by word and ``similar in``, which
embeds a new sentence, are apart) keeps a moving average of how long its recent requests held a
worker, and the expected wait for a worker is the work still ahead of a new request (queued requests
at their key's estimate, running ones at what is left of theirs) shared by the workers. The times are
wall times, so contention for cores and the encoder is in them, and so is batching: new sentences
asked at the same time share one forward pass (`ctxvec.queries`), which shortens the time each of
them holds a worker under load, and the estimate follows (by Little's law, W busy workers each held
s seconds answer W/s requests a second, however the work inside is shared). Also a locked cache.
"""

from __future__ import annotations

import heapq
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """`workers` threads compute API answers; a request is queued for one while its expected time to
    an answer (wait for a worker + its service) is at most `max_wait` seconds (a request finding a free
    worker and no queue is always taken), else answered 503. `max_queue` bounds the queue whatever the estimate (memory, a flood);
    `first_estimate` is the service time assumed for a command before any of it was measured;
    `smoothing` the weight of the newest measurement in each command's moving average."""

    workers: int = 16
    max_wait: float = 3.0
    max_queue: int = 512
    first_estimate: float = 0.25
    smoothing: float = 0.2

    def __post_init__(self) -> None:
        if (
            self.workers < 1
            or not 0 <= self.max_wait < math.inf
            or self.max_queue < 0
            or not 0 < self.first_estimate < math.inf
            or not 0 < self.smoothing <= 1
        ):
            raise ValueError(
                f"bad limits {self}: need workers >= 1, 0 <= max_wait finite, max_queue >= 0, "
                "first_estimate > 0 and 0 < smoothing <= 1"
            )


class ApiError(Exception):
    """A request the API refuses: HTTP `status` (4xx, or 503 when busy) and a one-line message
    naming the value and the fix."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class ServiceTimes:
    """Moving averages of service seconds per key (a kind of work), and over all keys for a key not yet seen."""

    def __init__(self, first_estimate: float, smoothing: float):
        self.smoothing = smoothing
        self.overall = first_estimate
        self.by_key: dict[str, float] = {}

    def record(self, key: str, seconds: float) -> None:
        a = self.smoothing
        self.by_key[key] = seconds if key not in self.by_key else (1 - a) * self.by_key[key] + a * seconds
        self.overall = (1 - a) * self.overall + a * seconds

    def estimate(self, key: str) -> float:
        return self.by_key.get(key, self.overall)


def expected_wait(queued: list[float], running_left: list[float], workers: int) -> float:
    """Seconds until a new request gets a worker: 0 while one is free and nobody queues; else the
    first-in-first-out queue played out on the `workers` (each free once its running request has
    what `running_left` says left; each `queued` request, in order, takes the first free worker for
    its estimated service), the new request taking the first worker free after that. At most the work
    ahead shared by the workers, ``(sum(queued) + sum(running_left)) / workers``, and less when
    requests run in step (a batch of new sentences sharing a forward pass ends together)."""
    if not queued and len(running_left) < workers:
        return 0.0
    free = sorted(running_left)[:workers] + [0.0] * max(workers - len(running_left), 0)
    heapq.heapify(free)
    for service in queued:
        heapq.heappush(free, heapq.heappop(free) + service)
    return free[0]


class Admission:
    """Admits requests by expected wait (decided on the event loop's thread) and runs them on
    `limits.workers` threads, measuring how long each held its worker."""

    def __init__(self, limits: Limits):
        import anyio

        self.limits = limits
        self.limiter = anyio.CapacityLimiter(limits.workers)
        self.times = ServiceTimes(limits.first_estimate, limits.smoothing)
        self._lock = threading.Lock()
        self._queued: dict[int, str] = {}  # ticket -> key, admitted and waiting for a worker
        self._running: dict[int, tuple[str, float]] = {}  # ticket -> (key, start on the monotonic clock)
        self._tickets = 0

    @property
    def pending(self) -> int:
        """Requests admitted and not finished (queued or running)."""
        with self._lock:
            return len(self._queued) + len(self._running)

    def expected_wait(self) -> float:
        """Seconds a request admitted now would wait for a worker."""
        now = time.monotonic()
        with self._lock:
            queued = [self.times.estimate(k) for k in self._queued.values()]
            left = [max(self.times.estimate(k) - (now - t0), 0.0) for k, t0 in self._running.values()]
        return expected_wait(queued, left, self.limits.workers)

    def _busy(self, expected: float, queued: int) -> ApiError:
        retry = max(1, math.ceil(expected - self.limits.max_wait))
        return ApiError(
            503,
            f"server busy: a new request would wait about {expected:.1f} s for its answer ({queued} queued; "
            f"the bound is {self.limits.max_wait:g} s); retry in {retry} s",
            {"Retry-After": str(retry)},
        )

    async def run(self, fn: Callable[[], T], key: str = "") -> T:
        """`fn()` on a worker thread; `ApiError(503)` when it would have to wait for a worker and its
        expected time to an answer is over `max_wait` seconds (or `max_queue` requests already queue).
        `key` (the kind of work) picks the service-time estimate."""
        import anyio.to_thread

        wait = self.expected_wait()
        with self._lock:
            queued = len(self._queued)
            expected = wait + self.times.estimate(key)
            if wait > 0 and (expected > self.limits.max_wait or queued >= self.limits.max_queue):
                raise self._busy(expected, queued)
            self._tickets += 1
            ticket = self._tickets
            self._queued[ticket] = key

        def timed() -> T:
            t0 = time.monotonic()
            with self._lock:
                self._queued.pop(ticket, None)
                self._running[ticket] = (key, t0)
            try:
                return fn()
            finally:
                with self._lock:
                    self._running.pop(ticket, None)
                    self.times.record(key, time.monotonic() - t0)

        try:
            return await anyio.to_thread.run_sync(timed, limiter=self.limiter)
        finally:
            with self._lock:  # cancelled while queued: it never ran
                self._queued.pop(ticket, None)


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
