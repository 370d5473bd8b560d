"""Is this usage of a word in the corpus? A new sentence's occurrence compared with the word's own occurrences.

Two measures, each scored against the same measure of the word's stored occurrences with each one left
out (its *reference*), as a z-score (value minus the reference mean, over the reference spread):

- *support*: the mean raw cosine of the query with its `NEIGHBOURS` closest stored occurrences of the
  word. A usage the corpus holds has close neighbours, like the stored occurrences have among themselves.
- *typicality*: the raw cosine of the query with the word's mean unit vector. A usage the corpus lacks
  ("charge my phone", "the spring in the mattress") sits off the word's centre, where its occurrences
  do not.

The query is flagged when its support z-score is below `SUPPORT_Z` (-3.0) or its typicality z-score is
below `TYPICAL_Z` (-1.5), or when the word has fewer than `MIN_OCCURRENCES` occurrences. Many words of a
store have 20-70 occurrences, so a rule on a far quantile of the contextual parts' support (the earlier
5 % rule) hardly ever fired; the typicality does most of the work.

How the thresholds were chosen (wiki store, default model; figures in benchmarks/RESULTS.md):
on benchmarks/data/usage_calibration.tsv (60 written sentences over 15 words, none of the report set's),
the pair flagging the most lacking usages among those that flag at most 10 % of the held ones *and* at
most 10 % of the store's own occurrences of those words (each left out of its reference): 11/30 lacking,
0/30 held, 9 % of stored occurrences. A first choice without the stored-occurrence cap (-0.20, -0.40:
26/30 and 3/30 on the calibration set) flagged 42 % of the store's own occurrences and 10/22 held
sentences of the report set: the calibration set's held sentences are more prototypical than real uses.
References are computed on a seeded sample of at most `SAMPLE` occurrences, which the result names.

This is the geometry alone, the default `UsageCheck` of the library's `similar` and `decompose`
(`check_occurrence`). The CLI, the explorer and `senses --in` use `ctxvec.structure.check_usage_senses`,
which adds WordNet's evidence (the usage's likeliest synset against the synsets the corpus's occurrences
take) and re-chose the typicality threshold with it; `usage_warning` words the warning for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..results import JSON, Result
from ..sampling import sample_rows, unit_rows
from ..store import Occurrence, Store, normalize_word

SUPPORT_Z = -3.0
TYPICAL_Z = -1.5
NEIGHBOURS = 3
MIN_OCCURRENCES = 3
SAMPLE = 500
SEED = 0
_MIN_SPREAD = 1e-6


@dataclass(frozen=True)
class Usage(Result):
    """How well the corpus holds one query occurrence's usage of `word`.

    support: mean raw cosine with its closest stored occurrences (module doc; None when there are none);
    threshold: the support below which it is flagged; typicality: its cosine with the word's mean unit
    vector, typicality_threshold: the typicality below which it is flagged; nearest_row: the closest
    stored occurrence; warning: one line for the user, or None when the usage is well represented;
    sample: which occurrences the reference was computed on; wordnet: the WordNet evidence when a check
    with it ran (`ctxvec.structure.check_usage_senses`: the usage's likeliest synset, its surprise and the
    threshold), else None; reasons: why it is flagged, one phrase each (the warning joins them).
    """

    word: str
    n_occurrences: int
    support: float | None
    threshold: float | None
    nearest_row: int | None
    warning: str | None
    sample: JSON
    typicality: float | None = None
    typicality_threshold: float | None = None
    wordnet: JSON | None = None
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> JSON:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 6)

        return {
            "word": self.word,
            "n_occurrences": self.n_occurrences,
            "support": r(self.support),
            "threshold": r(self.threshold),
            "typicality": r(self.typicality),
            "typicality_threshold": r(self.typicality_threshold),
            "nearest_row": self.nearest_row,
            "warning": self.warning,
            "sample": self.sample,
            "wordnet": self.wordnet,
            "reasons": list(self.reasons),
        }


#: A usage check: (store, the query occurrence in its new sentence, its vector (dim,)) -> `Usage`.
UsageCheck = Callable[[Store, Occurrence, np.ndarray], Usage]


@dataclass(frozen=True)
class UsageReference:
    """The word's occurrences: rows (n,), unit vectors (n, dim) float32, their mean unit vector (dim,), and
    for a seeded sample of at most `SAMPLE` of them (positions `picked` (m,)) the leave-one-out support
    (m,) and typicality (m,) (module doc)."""

    rows: np.ndarray
    units: np.ndarray
    mean: np.ndarray
    picked: np.ndarray
    support: np.ndarray
    typicality: np.ndarray

    def support_threshold(self) -> float:
        return _threshold(self.support, SUPPORT_Z)

    def typicality_threshold(self) -> float:
        return _threshold(self.typicality, TYPICAL_Z)


def _threshold(reference: np.ndarray, z: float) -> float:
    """The value at z-score `z` of `reference` (m,): mean + z · standard deviation."""
    return float(reference.mean() + z * max(float(reference.std()), _MIN_SPREAD))


def _support(sims: np.ndarray, n: int = NEIGHBOURS) -> np.ndarray:
    """(m,) mean of the `n` largest of each row of (m, k) `sims` (fewer when k < n)."""
    n = max(1, min(n, sims.shape[1]))
    return np.asarray(-np.partition(-sims, n - 1, axis=1)[:, :n].mean(axis=1) if sims.shape[1] else np.zeros(len(sims)))


def usage_reference(
    store: Store, word: str, sample: int = SAMPLE, seed: int = SEED, chunk: int = 8192
) -> UsageReference:
    """The word's occurrences and their leave-one-out support and typicality (module doc), `chunk`
    occurrences at a time (bounded memory for frequent words)."""
    rows = store.occurrences(word)
    units = unit_rows(store.get_vectors(rows)).astype(np.float32) if len(rows) else np.zeros((0, store.dim), np.float32)
    n_rows = len(rows)
    mean = units.mean(axis=0).astype(np.float32) if n_rows else np.zeros(store.dim, np.float32)
    picked = sample_rows(np.arange(n_rows), sample, seed)
    if n_rows < 2:
        return UsageReference(rows, units, mean, picked[:0], np.zeros(0), np.zeros(0))
    n = min(NEIGHBOURS, n_rows - 1)
    top = np.full((len(picked), n), -np.inf, dtype=np.float32)
    for start in range(0, n_rows, chunk):
        sims = units[picked] @ units[start : start + chunk].T
        own = (picked >= start) & (picked < start + chunk)
        sims[np.flatnonzero(own), picked[own] - start] = -np.inf  # not itself
        top = -np.partition(-np.concatenate([top, sims], axis=1), n - 1, axis=1)[:, :n]
    others = (n_rows * mean[None, :] - units[picked]) / (n_rows - 1)  # (m, dim) the mean without each one
    typicality = np.einsum("ij,ij->i", units[picked], unit_rows(others))
    return UsageReference(rows, units, mean, picked, top.mean(axis=1).astype(np.float64), typicality.astype(np.float64))


def check_usage(
    store: Store,
    word: str,
    vector: np.ndarray,
    sample: int = SAMPLE,
    seed: int = SEED,
    *,
    support_z: float = SUPPORT_Z,
    typical_z: float = TYPICAL_Z,
) -> Usage:
    """Compare a query occurrence's `vector` (dim,) of `word` with the word's stored occurrences (module doc);
    `support_z` and `typical_z`: the z-scores below which it is flagged."""
    key = normalize_word(word)
    about = {"size": 0, "seed": seed, "of": f"occurrences of {key!r}", "population": 0}
    if store.find_word(key) < 0:
        absent = f"{key!r} does not occur in the corpus; its neighbours come from other words only"
        return Usage(key, 0, None, None, None, absent, about)
    ref = usage_reference(store, key, sample, seed)
    rows = ref.rows
    about = {**about, "size": len(ref.support), "population": len(rows), "measure": "support and typicality"}
    q = unit_rows(np.asarray(vector, dtype=np.float32)[None, :])[0]
    sims = ref.units @ q
    best = int(np.argmax(sims))
    support, nearest = float(_support(sims[None, :])[0]), int(rows[best])
    typicality = float(q @ unit_rows(ref.mean[None, :])[0])
    if len(rows) < MIN_OCCURRENCES:
        rare = (
            f"{key!r} occurs only {len(rows)} time(s) in the corpus, too few to tell whether this usage is "
            f"represented; closest occurrence: row {nearest}"
        )
        return Usage(key, len(rows), support, None, nearest, rare, about, typicality)
    threshold = _threshold(ref.support, support_z)
    typical_threshold = _threshold(ref.typicality, typical_z)
    reasons = []
    if support < threshold:
        reasons.append(
            f"its {NEIGHBOURS} closest occurrences match at {support:.3f}, below {threshold:.3f} (most of the "
            "word's occurrences have closer ones)"
        )
    if typicality < typical_threshold:
        reasons.append(
            f"it sits off the word's centre ({typicality:.3f}, below {typical_threshold:.3f}, where most of its "
            "occurrences are not)"
        )
    warning = usage_warning(store, key, reasons, nearest)
    return Usage(
        key, len(rows), support, threshold, nearest, warning, about, typicality, typical_threshold, None, tuple(reasons)
    )


def check_occurrence(store: Store, occurrence: Occurrence, vector: np.ndarray) -> Usage:
    """The default `UsageCheck`: `check_usage` of the occurrence's token (the geometry only)."""
    return check_usage(store, occurrence.token, vector)


def usage_warning(store: Store, key: str, reasons: list[str], nearest: int) -> str | None:
    """The one-line warning for `reasons` (None when there is none), naming the nearest stored occurrence."""
    if not reasons:
        return None
    sentence = store.occurrence(nearest).highlighted()
    return (
        f"this usage of {key!r} is not well represented in the corpus: {'; and '.join(reasons)}; nearest "
        f"occurrence: row {nearest}: {_clip(sentence)}"
    )


def _clip(text: str, width: int = 70) -> str:
    """`text` cut to `width` characters each side of its ``[`` highlighted token ``]``."""
    a, b = text.find("["), text.rfind("]")
    lo, hi = max(0, a - width), min(len(text), b + 1 + width)
    return ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")
