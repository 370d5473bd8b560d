"""Word analogies: king − man + woman ≈ queen, by 3CosAdd or 3CosMul (Levy & Goldberg 2014).

For a candidate x with cosines cos(x, p) to the positive inputs and cos(x, n) to the negative ones:

- 3CosAdd: ``Σ_p cos(x, p) − Σ_n cos(x, n)`` (ranks like gensim's ``most_similar``);
- 3CosMul: ``Π_p s(x, p) / (Π_n s(x, n) + ε)`` with cosines shifted to [0, 1], ``s = (1 + cos) / 2``
  (paper: eq. 4 and footnote 7, ε = 0.001; gensim's ``most_similar_cosmul`` uses ε = 1e-6).

The inputs are never returned unless `include_inputs`. At word-type level candidates are the
store's word types (mean of occurrences); at occurrence level they are the store's rows, each input
is one occurrence (``word`` = its first occurrence, ``word@ROW``, or ``word@a new sentence``) and
every occurrence of an input word is excluded unless `include_inputs` (the blog's answer
"queen, king, king, king" is what including them gives).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import CtxvecError
from ..store import Store, normalize_word
from ._wordtypes import WordTypes, word_types

METHODS = ("add", "mul")
LEVELS = ("type", "occurrence")
EPSILON = 1e-3


@dataclass
class AnalogyResult:
    """Top-k answers: words (k,), scores (k,) float32, rows (k,) int64 (-1 at word-type level)."""

    words: np.ndarray
    scores: np.ndarray
    rows: np.ndarray
    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    method: str = "add"
    level: str = "type"
    input_rows: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.words)


def combine(cos_pos: np.ndarray, cos_neg: np.ndarray, method: str = "add", epsilon: float = EPSILON) -> np.ndarray:
    """Analogy scores from cosines to the inputs: cos_pos (n, p), cos_neg (n, q) -> (n,).

    ``add``: Σ cos_pos − Σ cos_neg. ``mul``: Π s_pos / (Π s_neg + ε), s = (1 + cos) / 2.
    """
    if method == "add":
        return cos_pos.sum(axis=1) - cos_neg.sum(axis=1)
    if method == "mul":
        return np.prod((1 + cos_pos) / 2, axis=1) / (np.prod((1 + cos_neg) / 2, axis=1) + epsilon)
    raise CtxvecError(f"unknown analogy method {method!r}; use one of {', '.join(METHODS)}")


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest finite scores, best first (ties by index)."""
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > k:
        part = np.argpartition(-scores[finite], k - 1)[:k]
        finite = finite[part]
    return finite[np.lexsort((finite, -scores[finite]))]


def _check(positive: Sequence[str], negative: Sequence[str], k: int, method: str, level: str) -> None:
    if not positive:
        raise CtxvecError("an analogy needs at least one positive word (e.g. `ctxvec analogy STORE king man woman`)")
    if k < 1:
        raise CtxvecError(f"-k must be at least 1, got {k}")
    if method not in METHODS:
        raise CtxvecError(f"unknown analogy method {method!r}; use one of {', '.join(METHODS)}")
    if level not in LEVELS:
        raise CtxvecError(f"unknown analogy level {level!r}; use one of {', '.join(LEVELS)}")


def type_analogy(
    types: WordTypes,
    positive: Sequence[str],
    negative: Sequence[str] = (),
    k: int = 5,
    method: str = "add",
    include_inputs: bool = False,
    epsilon: float = EPSILON,
) -> AnalogyResult:
    """Top-k word types for Σ positive − Σ negative over `types` (n_words, dim)."""
    _check(positive, negative, k, method, "type")
    found = types.find([*positive, *negative])  # one error naming every unknown word
    pos, neg = found[: len(positive)], found[len(positive) :]
    unit = types.unit_vectors()
    cos = unit @ unit[np.r_[pos, neg]].T
    scores = combine(cos[:, : len(pos)], cos[:, len(pos) :], method, epsilon)
    if not include_inputs:
        scores[np.r_[pos, neg]] = -np.inf
    top = _top_k(scores, k)
    return AnalogyResult(
        words=types.words[top],
        scores=scores[top].astype(np.float32),
        rows=np.full(len(top), -1, dtype=np.int64),
        positive=list(positive),
        negative=list(negative),
        method=method,
        level="type",
    )


def parse_occurrence_input(text: str) -> tuple[str, int | None, str | None]:
    """``word`` / ``word@ROW`` / ``word@sentence`` -> (word, row or None, sentence or None)."""
    word, sep, rest = text.partition("@")
    word, rest = word.strip(), rest.strip()
    if not word or (sep and not rest):
        raise CtxvecError(f"bad occurrence input {text!r}; use WORD, WORD@ROW or WORD@a sentence containing it")
    if not sep:
        return word, None, None
    if rest.isdigit():
        return word, int(rest), None
    return word, None, rest


def occurrence_inputs(
    store: Store, inputs: Sequence[str], device: str = "auto"
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Vectors (m, dim) float32, rows (m,) int64 (-1 for a new sentence) and words of `inputs`.

    Each input is chosen as ``ctxvec similar`` chooses a query (`ctxvec.queries.select_queries`):
    a bare word takes its first occurrence in the corpus.
    """
    from ..queries import select_queries

    vectors, rows, words = [], [], []
    for text in inputs:
        word, row, sentence = parse_occurrence_input(text)
        if row is not None:
            q = select_queries(store, word, row=row)
        elif sentence is not None:
            q = select_queries(store, word, in_sentence=sentence, limit=1, device=device)
        else:
            q = select_queries(store, word, limit=1)
        vectors.append(q.vectors[:1])
        rows.append(int(q.rows[0]))
        words.append(word)
    return np.concatenate(vectors).astype(np.float32), np.asarray(rows, dtype=np.int64), words


def occurrence_analogy(
    store: Store,
    positive: Sequence[str],
    negative: Sequence[str] = (),
    k: int = 5,
    method: str = "add",
    include_inputs: bool = False,
    epsilon: float = EPSILON,
    block_rows: int = 65536,
    device: str = "auto",
) -> AnalogyResult:
    """Top-k occurrences (rows) of `store` for Σ positive − Σ negative, inputs chosen per occurrence."""
    _check(positive, negative, k, method, "occurrence")
    vecs, in_rows, in_words = occurrence_inputs(store, list(positive) + list(negative), device)
    norms_in = np.linalg.norm(vecs, axis=1, keepdims=True)
    unit_in = vecs / np.where(norms_in > 0, norms_in, 1.0)
    n_pos = len(positive)
    excluded_ids = np.empty(0, dtype=np.int64)
    if not include_inputs:
        vocab = store.vocabulary
        keys = [normalize_word(w) for w in in_words]
        at = np.searchsorted(vocab, keys)
        excluded_ids = np.asarray(
            [a for a, key in zip(at, keys, strict=True) if a < len(vocab) and vocab[a] == key], dtype=np.int64
        )
    norms = np.asarray(store.norms(), dtype=np.float32)
    word_ids = store.word_ids
    best_rows = np.empty(0, dtype=np.int64)
    best_scores = np.empty(0, dtype=np.float64)
    for start, block in store.iter_blocks(block_rows):
        n = norms[start : start + len(block)]
        cos = (block @ unit_in.T) / np.where(n > 0, n, 1.0)[:, None]
        scores = combine(cos[:, :n_pos].astype(np.float64), cos[:, n_pos:].astype(np.float64), method, epsilon)
        if len(excluded_ids):
            scores[np.isin(word_ids[start : start + len(block)], excluded_ids)] = -np.inf
        top = _top_k(scores, k)
        best_rows = np.r_[best_rows, top + start]
        best_scores = np.r_[best_scores, scores[top]]
    keep = _top_k(best_scores, k)
    rows = best_rows[keep]
    return AnalogyResult(
        words=np.asarray([store.tokens[r] for r in rows], dtype=object),
        scores=best_scores[keep].astype(np.float32),
        rows=rows.astype(np.int64),
        positive=list(positive),
        negative=list(negative),
        method=method,
        level="occurrence",
        input_rows=[int(r) for r in in_rows],
    )


def analogy(
    store: Store,
    positive: Sequence[str],
    negative: Sequence[str] = (),
    k: int = 5,
    method: str = "add",
    level: str = "type",
    include_inputs: bool = False,
    min_count: int = 1,
    epsilon: float = EPSILON,
    decontextualized: bool = True,
    device: str = "auto",
) -> AnalogyResult:
    """Answer Σ positive − Σ negative in `store` (``analogy(s, ["king", "woman"], ["man"])`` ≈ queen).

    level ``type``: candidates are word types with at least `min_count` occurrences (plus the
    store's decontextualized vectors when `decontextualized`); ``occurrence``: candidates are rows.
    """
    _check(positive, negative, k, method, level)
    if level == "occurrence":
        return occurrence_analogy(store, positive, negative, k, method, include_inputs, epsilon, device=device)
    types = word_types(store, min_count=min_count, decontextualized=decontextualized)
    return type_analogy(types, positive, negative, k, method, include_inputs, epsilon)
