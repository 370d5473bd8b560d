"""Is this usage of a word in the corpus? A new sentence's occurrence compared with the word's own occurrences.

The *support* of a query occurrence is its best cosine to the stored occurrences of its word. Stored
occurrences have a reference: each one's best cosine to the word's *other* occurrences (leave one out).
A usage the corpus holds scores like them; one it lacks (``cold`` in "I caught a cold" when the corpus
only speaks of cold weather) scores below nearly all of them. The query is flagged when its support is
below the `QUANTILE` quantile of the references minus `MARGIN` (calibrated on the built-in wiki store,
see docs/architecture.md), or when the word has fewer than `MIN_OCCURRENCES` occurrences.
References are computed on a seeded sample of at most `SAMPLE` occurrences, which the result names.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..results import JSON, Result
from ..sampling import sample_rows, unit_rows
from ..store import Store, normalize_word

QUANTILE = 0.05
MARGIN = 0.05
MIN_OCCURRENCES = 3
SAMPLE = 2000
SEED = 0


@dataclass(frozen=True)
class Usage(Result):
    """How well the corpus holds one query occurrence's usage of `word`.

    support: its best cosine to the word's stored occurrences (None when there are none); threshold:
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


def usage_reference(
    store: Store, word: str, sample: int = SAMPLE, seed: int = SEED
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """rows (n,) and unit vectors (n, dim) float64 of the word's occurrences, and (m,) the leave-one-out
    best same-word cosine of each occurrence in a seeded sample of at most `sample` of them."""
    rows = store.occurrences(word)
    units = unit_rows(store.get_vectors(rows)) if len(rows) else np.zeros((0, store.dim))
    picked = sample_rows(np.arange(len(rows)), sample, seed)
    if len(rows) < 2:
        return rows, units, np.zeros(0)
    sims = units[picked] @ units.T  # (m, n)
    sims[np.arange(len(picked)), picked] = -np.inf  # not itself
    return rows, units, sims.max(axis=1)


def check_usage(store: Store, word: str, vector: np.ndarray, sample: int = SAMPLE, seed: int = SEED) -> Usage:
    """Compare a query occurrence's `vector` (dim,) of `word` with the word's stored occurrences."""
    key = normalize_word(word)
    about = {"size": 0, "seed": seed, "of": f"occurrences of {key!r}", "population": 0}
    if store.find_word(key) < 0:
        absent = f"{key!r} does not occur in the corpus; its neighbours come from other words only"
        return Usage(key, 0, None, None, None, absent, about)
    rows, units, reference = usage_reference(store, key, sample, seed)
    about = {**about, "size": len(reference), "population": len(rows)}
    q = unit_rows(np.asarray(vector, dtype=np.float32)[None, :])[0]
    sims = units @ q
    best = int(np.argmax(sims))
    support, nearest = float(sims[best]), int(rows[best])
    if len(rows) < MIN_OCCURRENCES:
        rare = (
            f"{key!r} occurs only {len(rows)} time(s) in the corpus, too few to tell whether this usage is "
            f"represented; closest occurrence: row {nearest} (cosine {support:.2f})"
        )
        return Usage(key, len(rows), support, None, nearest, rare, about)
    threshold = float(np.quantile(reference, QUANTILE)) - MARGIN
    warning = None
    if support < threshold:
        sentence = store.occurrence(nearest).highlighted()
        warning = (
            f"this usage of {key!r} is not well represented in the corpus: its closest occurrence scores "
            f"{support:.2f}, below {threshold:.2f} (the {QUANTILE:.0%} quantile of the word's occurrences' "
            f"closest same-word cosines, less {MARGIN}); nearest occurrence: row {nearest}: {_clip(sentence)}"
        )
    return Usage(key, len(rows), support, threshold, nearest, warning, about)


def _clip(text: str, width: int = 70) -> str:
    """`text` cut to `width` characters each side of its ``[`` highlighted token ``]``."""
    a, b = text.find("["), text.rfind("]")
    lo, hi = max(0, a - width), min(len(text), b + 1 + width)
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
