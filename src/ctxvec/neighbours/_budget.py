"""`BuildBudget`: the time and memory an index build may take, checked before and while it runs."""

from __future__ import annotations

import time

from ..errors import ParameterError

MIN_SHARE_FOR_PROJECTION = 0.05  # project the total time once this share of the rows is added,
MIN_SECONDS_FOR_PROJECTION = 30.0  # or once the phase has run this long (HNSW slows as it grows: a low bound)
MiB = 2**20


class BuildBudget:
    """Limits of one `kind` index build: `max_seconds` of wall time, `max_memory_bytes` of estimated
    peak memory (None: no limit). The clock starts when the budget is made."""

    def __init__(self, kind: str, max_seconds: float | None, max_memory_bytes: int | None):
        if max_seconds is not None and not max_seconds > 0:
            raise ParameterError("max_seconds", f"{{name}} must be positive, got {max_seconds}")
        if max_memory_bytes is not None and max_memory_bytes < 1:
            raise ParameterError("max_memory_bytes", f"{{name}} must be positive, got {max_memory_bytes}")
        self.kind = kind
        self.max_seconds = max_seconds
        self.max_memory_bytes = max_memory_bytes
        self.start = time.perf_counter()
        self.phase_start = 0.0  # elapsed seconds when the current phase (training, adding) began

    def start_phase(self) -> None:
        """Begin a phase: `check_time` projects its share `done` of this phase only."""
        self.phase_start = self.elapsed()

    def elapsed(self) -> float:
        """Seconds since the budget was made."""
        return time.perf_counter() - self.start

    def check_memory(self, estimate: int) -> None:
        """Refuse (`ParameterError` on max_memory_bytes) when the `estimate` in bytes is over the budget."""
        if self.max_memory_bytes is not None and estimate > self.max_memory_bytes:
            raise ParameterError(
                "max_memory_bytes",
                f"the {self.kind} index build needs about {estimate / MiB:,.0f} MiB, over "
                f"{{name}}={self.max_memory_bytes / MiB:,.0f} MiB; raise {{name}}, or choose a smaller kind "
                "(ivfpq, hnsw-sq8)",
            )

    def check_projected(self, seconds: float, what: str) -> None:
        """Refuse (`ParameterError` on max_seconds) before a step (`what`, e.g. "training on 262,144
        rows") that cannot be stopped once begun, when the elapsed time plus its projected `seconds`
        is over the budget."""
        if self.max_seconds is None:
            return
        projected = self.elapsed() + seconds
        if projected > self.max_seconds:
            raise ParameterError(
                "max_seconds",
                f"refused the {self.kind} index build: {what} would take about {seconds:,.0f} s "
                f"(projected from a timed run on a sample), the build about {projected:,.0f} s, over "
                f"{{name}}={self.max_seconds:g}; nothing was written; raise {{name}}, or lower nlist",
            )

    def check_time(self, done: float) -> None:
        """Stop (`ParameterError` on max_seconds) when the elapsed time, or the time projected from the
        share `done` (0..1) of the current phase (once 5 % of it or 30 s), is over the budget."""
        if self.max_seconds is None:
            return
        elapsed = self.elapsed()
        phase = elapsed - self.phase_start
        enough = done >= MIN_SHARE_FOR_PROJECTION or (done > 0 and phase >= MIN_SECONDS_FOR_PROJECTION)
        projected = self.phase_start + phase / done if enough else elapsed
        if elapsed > self.max_seconds or (done < 1.0 and projected > self.max_seconds):
            what = f"took {elapsed:,.0f} s" if done >= 1.0 else f"would take about {projected:,.0f} s"
            raise ParameterError(
                "max_seconds",
                f"stopped the {self.kind} index build: it {what}, over {{name}}={self.max_seconds:g}; "
                "nothing was written; raise {name}, or lower the build effort (m, ef_construction, nlist)",
            )
