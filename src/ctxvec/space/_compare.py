"""Compare two stores (typically before and after a transform): isotropy, neighbours, evaluation.

Nearest neighbours come from `ctxvec.neighbours.similar` and evaluation scores from `ctxvec.lexicon.evaluate`
(both imported when used); when an evaluation cannot run, the comparison says so in its notes instead of failing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ..store import Store
from ._report import StoreIsotropy, isotropy
from ._sampling import DEFAULT_SAMPLING, Sampling

if TYPE_CHECKING:
    from ..neighbours import Similar

#: The headline figure of each evaluation task (key in its ``to_dict()``).
HEADLINE = {"analogy": "accuracy", "ws353": "spearman", "simlex": "spearman", "wic": "auc"}
DEFAULT_TASKS = ("analogy", "ws353", "simlex")
_WORDLIKE = re.compile(r"^[a-z]{4,}$")


@dataclass
class Neighbours(Result):
    """One query word: its occurrence (row in store a, its sentence with the word in [brackets]) and its top-k
    hits in each store ({"row", "token", "score"}); `overlap` rows shared by both (-1 when the rows differ)."""

    word: str
    row_a: int
    row_b: int
    sentence: str
    hits_a: list[JSON]
    hits_b: list[JSON]
    overlap: int

    def to_dict(self) -> JSON:
        return {
            "word": self.word,
            "row_a": self.row_a,
            "row_b": self.row_b,
            "sentence": self.sentence,
            "hits_a": self.hits_a,
            "hits_b": self.hits_b,
            "overlap": self.overlap,
        }


@dataclass
class Comparison(Result):
    """Isotropy of both stores, neighbours side by side, evaluation scores (None with a note when unavailable)."""

    store_a: str
    store_b: str
    isotropy_a: StoreIsotropy
    isotropy_b: StoreIsotropy
    neighbours: list[Neighbours] | None
    evaluation_a: JSON | None
    evaluation_b: JSON | None
    notes: list[str] = field(default_factory=list)

    def isotropy_rows(self) -> list[tuple[str, float, float]]:
        """(figure, value in a, value in b) for every scalar figure of the reports."""
        a, b = self.isotropy_a.figures(), self.isotropy_b.figures()
        return [(k, a[k], b[k]) for k in a if isinstance(a[k], float)]

    def evaluation_rows(self) -> list[tuple[str, float | None, float | None]]:
        """(task: figure, score in a, score in b) for each task run."""
        if self.evaluation_a is None or self.evaluation_b is None:
            return []
        rows = []
        for task, key in HEADLINE.items():
            if task in self.evaluation_a or task in self.evaluation_b:
                rows.append(
                    (
                        f"{task} {key}",
                        self.evaluation_a.get(task, {}).get(key),
                        self.evaluation_b.get(task, {}).get(key),
                    )
                )
        return rows

    def to_dict(self) -> JSON:
        return {
            "store_a": self.store_a,
            "store_b": self.store_b,
            "isotropy_a": self.isotropy_a.figures(),
            "isotropy_b": self.isotropy_b.figures(),
            "neighbours": None if self.neighbours is None else [n.to_dict() for n in self.neighbours],
            "evaluation_a": self.evaluation_a,
            "evaluation_b": self.evaluation_b,
            "notes": self.notes,
        }


def same_rows(a: Store, b: Store) -> bool:
    """True when `a` and `b` hold the same occurrences in the same order (e.g. a store and its transform)."""
    return a.n_rows == b.n_rows and a.n_sentences == b.n_sentences and bool(np.array_equal(a.tokens, b.tokens))


def pick_words(store: Store, n: int, seed: int = 0, min_count: int = 20) -> list[str]:
    """`n` random alphabetic words (4+ letters) with at least `min_count` occurrences, seeded."""
    vocab, counts = store.vocabulary, store.word_counts
    ok = [i for i in np.flatnonzero(counts >= min_count) if _WORDLIKE.match(str(vocab[i]))]
    if not ok:
        ok = list(np.argsort(counts)[::-1][:n])
    rng = np.random.default_rng(seed)
    chosen = rng.choice(ok, size=min(n, len(ok)), replace=False)
    return [str(vocab[i]) for i in sorted(chosen, key=lambda i: -counts[i])]


def _hits(result: Similar) -> list[JSON]:
    return [{"row": h["row"], "token": h["token"], "score": h["score"]} for h in result.to_dict()["queries"][0]["hits"]]


def neighbours_side_by_side(a: Store, b: Store, words: list[str], k: int = 5) -> list[Neighbours]:
    """For each word, its first occurrence in `a`, and its k nearest occurrences in `a` and in `b`.

    When the stores hold the same rows, `b` is queried with the same occurrence; otherwise with
    the word's first occurrence in `b`.
    """
    from ..neighbours import similar

    aligned = same_rows(a, b)
    out = []
    for word in words:
        row_a = int(a.occurrences(word)[0])
        row_b = row_a if aligned else int(b.occurrences(word)[0])
        ha = _hits(similar(a, row=row_a, k=k))
        hb = _hits(similar(b, row=row_b, k=k))
        overlap = len({h["row"] for h in ha} & {h["row"] for h in hb}) if aligned else -1
        out.append(Neighbours(word, row_a, row_b, a.occurrence(row_a).highlighted(), ha, hb, overlap))
    return out


def compare(
    a: Store,
    b: Store,
    *,
    words: list[str] | None = None,
    n_words: int = 3,
    k: int = 5,
    tasks: list[str] | tuple[str, ...] | None = DEFAULT_TASKS,
    sampling: Sampling = DEFAULT_SAMPLING,
) -> Comparison:
    """Isotropy of `a` and `b` (drawn as `sampling` says), the neighbours of `words` (default `n_words`
    random frequent words, drawn with `sampling.seed`) side by side, and evaluation `tasks` on both (None: skip evaluation)."""
    if k < 1:
        raise ParameterError("k", f"{{name}}={k} must be at least 1")
    notes: list[str] = []
    iso_a = isotropy(a, sampling=sampling)
    iso_b = isotropy(b, sampling=sampling)
    chosen = words if words else pick_words(a, n_words, sampling.seed)
    neighbours = neighbours_side_by_side(a, b, chosen, k) if chosen else []
    if not same_rows(a, b):
        notes.append("the stores hold different rows: each word is queried with its first occurrence in each")
    ev_a = ev_b = None
    if tasks:
        from ..lexicon import evaluate

        try:
            ev_a = evaluate(a, tasks=list(tasks)).to_dict()
            ev_b = evaluate(b, tasks=list(tasks)).to_dict()
        except CtxvecError as e:
            ev_a = ev_b = None
            notes.append(f"evaluation skipped: {e}")
    return Comparison(str(a.path), str(b.path), iso_a, iso_b, neighbours, ev_a, ev_b, notes)
