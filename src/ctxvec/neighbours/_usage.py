"""Is this usage of a word in the corpus? A new sentence's occurrence compared with the word's own occurrences.

What is compared is the *contextual part* of each vector: the unit vector minus the mean unit vector of
the word's occurrences. Raw cosines between occurrences of one word are all high (the word's identity
dominates every vector), so a usage the corpus lacks still finds a close raw neighbour; its contextual
part does not. The *support* of a query occurrence is the mean cosine of its contextual part with the
`NEIGHBOURS` closest contextual parts of the word's stored occurrences. Stored occurrences have a
reference: the same measure with each one left out of its own neighbours. A usage the corpus holds
scores like them; one it lacks ("the spring in the mattress" when the corpus speaks of the season)
scores below nearly all of them. The query is flagged when its support is below the `QUANTILE` quantile
of the references less `MARGIN`, or when the word has fewer than `MIN_OCCURRENCES` occurrences.
References are computed on a seeded sample of at most `SAMPLE` occurrences, which the result names;
false alarms and recall on hand-written sentences are in benchmarks/RESULTS.md (bench_senses).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..results import JSON, Result
from ..sampling import sample_rows, unit_rows
from ..store import Store, normalize_word

QUANTILE = 0.05
MARGIN = 0.0
NEIGHBOURS = 3
MIN_OCCURRENCES = 3
SAMPLE = 500
SEED = 0


@dataclass(frozen=True)
class Usage(Result):
    """How well the corpus holds one query occurrence's usage of `word`.

    support: how well its contextual part matches the word's stored occurrences' (module doc; None when
    there are none); threshold:
    the cosine below which it is flagged; nearest_row: the closest stored occurrence; warning: one
    line for the user, or None when the usage is well represented; sample: which occurrences the
    reference was computed on.
    """

    word: str
    n_occurrences: int
    support: float | None
    threshold: float | None
    nearest_row: int | None
    warning: str | None
    sample: JSON

    def to_dict(self) -> JSON:
        return {
            "word": self.word,
            "n_occurrences": self.n_occurrences,
            "support": None if self.support is None else round(self.support, 6),
            "threshold": None if self.threshold is None else round(self.threshold, 6),
            "nearest_row": self.nearest_row,
            "warning": self.warning,
            "sample": self.sample,
        }


def contextual_parts(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, dim) unit-length contextual parts of unit vectors `units` (each minus their mean) and the mean (dim,)."""
    mean = units.mean(axis=0) if len(units) else np.zeros(units.shape[1], dtype=np.float32)
    return unit_rows(units - mean).astype(np.float32), mean.astype(np.float32)


def _support(sims: np.ndarray, n: int = NEIGHBOURS) -> np.ndarray:
    """(m,) mean of the `n` largest of each row of (m, k) `sims` (fewer when k < n)."""
    n = max(1, min(n, sims.shape[1]))
    return np.asarray(-np.partition(-sims, n - 1, axis=1)[:, :n].mean(axis=1) if sims.shape[1] else np.zeros(len(sims)))


def usage_reference(
    store: Store, word: str, sample: int = SAMPLE, seed: int = SEED, chunk: int = 8192
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """rows (n,), unit contextual parts (n, dim) float32 and their mean (dim,) of the word's occurrences, and
    (m,) the leave-one-out support (module doc) of each occurrence in a seeded sample of at most `sample`
    of them (`chunk` occurrences at a time)."""
    rows = store.occurrences(word)
    units = unit_rows(store.get_vectors(rows)).astype(np.float32) if len(rows) else np.zeros((0, store.dim), np.float32)
    parts, mean = contextual_parts(units)
    picked = sample_rows(np.arange(len(rows)), sample, seed)
    if len(rows) < 2:
        return rows, parts, mean, np.zeros(0)
    n = min(NEIGHBOURS, len(rows) - 1)
    top = np.full((len(picked), n), -np.inf, dtype=np.float32)
    for start in range(0, len(rows), chunk):  # (m, chunk) float32 at a time: bounded memory for frequent words
        sims = parts[picked] @ parts[start : start + chunk].T
        own = (picked >= start) & (picked < start + chunk)
        sims[np.flatnonzero(own), picked[own] - start] = -np.inf  # not itself
        top = -np.partition(-np.concatenate([top, sims], axis=1), n - 1, axis=1)[:, :n]
    return rows, parts, mean, top.mean(axis=1)


def check_usage(store: Store, word: str, vector: np.ndarray, sample: int = SAMPLE, seed: int = SEED) -> Usage:
    """Compare a query occurrence's `vector` (dim,) of `word` with the word's stored occurrences (module doc)."""
    key = normalize_word(word)
    about = {"size": 0, "seed": seed, "of": f"occurrences of {key!r}", "population": 0}
    if store.find_word(key) < 0:
        absent = f"{key!r} does not occur in the corpus; its neighbours come from other words only"
        return Usage(key, 0, None, None, None, absent, about)
    rows, parts, mean, reference = usage_reference(store, key, sample, seed)
    about = {**about, "size": len(reference), "population": len(rows), "measure": "contextual part"}
    q = unit_rows(np.asarray(vector, dtype=np.float32)[None, :])[0]
    part = unit_rows((q - mean)[None, :])[0]
    sims = parts @ part
    best = int(np.argmax(sims))
    support, nearest = float(_support(sims[None, :])[0]), int(rows[best])
    if len(rows) < MIN_OCCURRENCES:
        rare = (
            f"{key!r} occurs only {len(rows)} time(s) in the corpus, too few to tell whether this usage is "
            f"represented; closest occurrence: row {nearest}"
        )
        return Usage(key, len(rows), support, None, nearest, rare, about)
    threshold = float(np.quantile(reference, QUANTILE)) - MARGIN
    warning = None
    if support < threshold:
        sentence = store.occurrence(nearest).highlighted()
        warning = (
            f"this usage of {key!r} is not well represented in the corpus: what its context adds matches the "
            f"word's occurrences at {support:.2f}, below {threshold:.2f} (the {QUANTILE:.0%} quantile of the "
            f"word's own occurrences); nearest occurrence: row {nearest}: {_clip(sentence)}"
        )
    return Usage(key, len(rows), support, threshold, nearest, warning, about)


def _clip(text: str, width: int = 70) -> str:
    """`text` cut to `width` characters each side of its ``[`` highlighted token ``]``."""
    a, b = text.find("["), text.rfind("]")
    lo, hi = max(0, a - width), min(len(text), b + 1 + width)
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
