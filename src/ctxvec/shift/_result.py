"""Results of `word_shift` and `rank_shift`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..results import JSON, Result
from ..store import Occurrence
from ._measures import MeasureValue

if TYPE_CHECKING:
    from ..structure import SenseLabel

EMERGED_BELOW = 0.02
EMERGED_AT_LEAST = 0.10
"""A sense *emerged* on B when it holds under 2 % of A's occurrences and at least 10 % of B's; it
*vanished* in the reverse case."""


def _occurrence(o: Occurrence) -> JSON:
    return {"row": o.row, "sentence_id": o.sentence_id, "start": o.start, "end": o.end, "sentence": o.sentence}


@dataclass
class SenseShift(Result):
    """One jointly clustered sense: its counts and shares on each side, its status (``both``,
    ``emerged``: new on B, ``vanished``: gone on B), WordNet label and example occurrences of each side."""

    sense: int
    count_a: int
    count_b: int
    share_a: float
    share_b: float
    status: str
    wordnet: SenseLabel | None = None
    examples_a: list[Occurrence] = field(default_factory=list)
    examples_b: list[Occurrence] = field(default_factory=list)

    def to_dict(self) -> JSON:
        return {
            "sense": self.sense,
            "count_a": self.count_a,
            "count_b": self.count_b,
            "share_a": self.share_a,
            "share_b": self.share_b,
            "status": self.status,
            "wordnet": None if self.wordnet is None else self.wordnet.to_dict(),
            "examples_a": [_occurrence(o) for o in self.examples_a],
            "examples_b": [_occurrence(o) for o in self.examples_b],
        }


@dataclass
class WordShift(Result):
    """How `word`'s usage differs between side A and side B.

    `measures`: excess, apd, prt, jsd (see `ctxvec.shift._measures`), each with its permutation p-value and
    bootstrap interval; `within_a`/`within_b` the within-side APDs; `senses` the jointly clustered senses;
    `rows_a`/`rows_b` the (capped) occurrences used, `labels` (n_a + n_b,) their senses and `xy`
    (n_a + n_b, 2) their PCA map (A first)."""

    word: str
    unit: str
    side_a: str
    side_b: str
    words_a: list[str]
    words_b: list[str]
    n_a: int
    n_b: int
    rows_a: np.ndarray
    rows_b: np.ndarray
    measures: dict[str, MeasureValue]
    within_a: float
    within_b: float
    senses: list[SenseShift]
    labels: np.ndarray
    xy: np.ndarray
    reason: str = ""
    wordnet_note: str = ""
    settings: JSON = field(default_factory=dict)

    def to_dict(self) -> JSON:
        """Everything above; `points`: one {side, row, sense, x, y} per occurrence used (the map)."""
        na = len(self.rows_a)
        rows = np.r_[self.rows_a, self.rows_b]
        return {
            "word": self.word,
            "unit": self.unit,
            "side_a": self.side_a,
            "side_b": self.side_b,
            "words_a": self.words_a,
            "words_b": self.words_b,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "used_a": na,
            "used_b": len(self.rows_b),
            "measures": {k: v.to_dict() for k, v in self.measures.items()},
            "within_a": self.within_a,
            "within_b": self.within_b,
            "k": len(self.senses),
            "reason": self.reason,
            "wordnet_note": self.wordnet_note,
            "senses": [s.to_dict() for s in self.senses],
            "points": [
                {"side": "a" if i < na else "b", "row": int(r), "sense": int(s), "x": float(x), "y": float(y)}
                for i, (r, s, (x, y)) in enumerate(zip(rows, self.labels, self.xy, strict=True))
            ],
            "settings": dict(self.settings),
        }


@dataclass(frozen=True)
class RankedWord:
    """One ranked word: occurrences on each side, the ranking measure's value, p-value and
    Benjamini–Hochberg q-value, and the other measures of the mean vectors."""

    word: str
    n_a: int
    n_b: int
    value: float
    p_value: float
    q_value: float
    excess: float
    apd: float
    prt: float
    jsd: float | None

    def to_dict(self) -> JSON:
        return {
            "word": self.word,
            "n_a": self.n_a,
            "n_b": self.n_b,
            "value": self.value,
            "p_value": self.p_value,
            "q_value": self.q_value,
            "excess": self.excess,
            "apd": self.apd,
            "prt": self.prt,
            "jsd": self.jsd,
        }


@dataclass
class ShiftRanking(Result):
    """Every word with at least `min_count` occurrences on both sides, ranked by `measure` (largest
    first); q-values are Benjamini–Hochberg adjusted over the `n_tested` words."""

    measure: str
    side_a: str
    side_b: str
    unit: str
    min_count: int
    words: list[RankedWord]
    seconds: float
    settings: JSON = field(default_factory=dict)

    @property
    def n_tested(self) -> int:
        return len(self.words)

    def to_dict(self) -> JSON:
        return {
            "measure": self.measure,
            "side_a": self.side_a,
            "side_b": self.side_b,
            "unit": self.unit,
            "min_count": self.min_count,
            "n_tested": self.n_tested,
            "correction": "Benjamini-Hochberg",
            "seconds": self.seconds,
            "settings": dict(self.settings),
            "words": [w.to_dict() for w in self.words],
        }


@dataclass
class ShiftWords(Result):
    """The comparisons of the words asked for (one `WordShift` each) and the figures written (paths)."""

    frame_path = ("words", "senses")  # rows of to_frame(), items of result[i]

    words: list[WordShift]
    figures: list[str] = field(default_factory=list)

    def to_dict(self) -> JSON:
        return {"words": [w.to_dict() for w in self.words], "figures": list(self.figures)}
