"""Word analogies: king − man + woman ≈ queen, by 3CosAdd or 3CosMul (Levy & Goldberg 2014).

For a candidate x with cosines cos(x, p) to the positive inputs and cos(x, n) to the negative ones:

- 3CosAdd: ``Σ_p cos(x, p) − Σ_n cos(x, n)`` (ranks like gensim's ``most_similar``);
- 3CosMul: ``Π_p s(x, p) / (Π_n s(x, n) + ε)`` with cosines shifted to [0, 1], ``s = (1 + cos) / 2``
  (paper: eq. 4 and footnote 7, ε = 0.001; gensim's ``most_similar_cosmul`` uses ε = 1e-6).

Scores: 3CosAdd's sum lies in [−3, 3] for three inputs (that is why answers used to score above 1);
it equals ``|v| cos(x, v)`` with ``v = Σ p̂ − Σ n̂``, so the score reported is ``cos(x, v)``, a true cosine
in [−1, 1] with the same ranking (gensim's ``most_similar`` reports the same number). 3CosMul's score
is a ratio, not a cosine; every answer also carries ``cosine`` = cos(x, v), for both methods.

The inputs are never returned unless `include_inputs`, nor (unless `keep_family`) the words of their
morphological families, by the benchmark convention of `_convention` (bigger − big + small may answer
smaller; japan − tokyo + rome may not answer romans); `keep_family` is gensim's protocol (only the
inputs are left out).
At level ``types`` candidates are the store's word types (mean of occurrences); at level
``occurrences`` they are the store's rows, each input is one occurrence (``word`` = its first
occurrence, ``word@ROW``, or ``word@a new sentence``) and every occurrence of an input word is
excluded unless `include_inputs` (the blog's answer "queen, king, king, king" is what including them
gives). With `group_words` (default) the occurrence-level answers are one per word: its best occurrence.

Over occurrences, 3CosAdd is the cosine to one vector, ``Σ cos(x, p) − Σ cos(x, n) = |v| cos(x, v)``
with ``v = Σ p̂ − Σ n̂``, so the exact nearest-neighbour search (`ctxvec.neighbours.search_vectors`)
answers it: its top rows are re-scored with the formula above and the search is deepened until no
unseen row can beat the k-th answer. 3CosMul is no cosine to one vector: one pass over the store's
blocks scores every row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..morphology import Families, store_families
from ..results import JSON, Result
from ..store import Occurrence, Store
from ._convention import analogy_exclusion
from ._names import EPSILON, LEVELS, METHODS
from ._wordtypes import WordTypes, vocabulary_ids, word_types

#: Bound on |3CosAdd score from the per-input cosines − |v| · cos(x, v)| per input (float32 rounding).
_ADD_TOLERANCE = 1e-5


@dataclass
class AnalogyResult(Result):
    """Top-k answers: words (k,), scores (k,) float32 (3CosAdd: the cosine to v = Σ p̂ − Σ n̂; 3CosMul: its
    ratio), cosines (k,) float32 (cos(x, v), in [-1, 1]), rows (k,) int64 (-1 at level ``types``), and at
    level ``occurrences`` the answers' occurrences (k,) and the rows of the inputs (-1: a new sentence);
    `grouped`: one answer per word (its best occurrence); `excluded` the words kept out of the answers;
    `morphological`: the inputs hold a morphologically related pair, so c's family could answer."""

    frame_path = ("answers",)  # rows of to_frame(), items of result[i]

    words: np.ndarray
    scores: np.ndarray
    rows: np.ndarray
    positive: list[str] = field(default_factory=list)
    negative: list[str] = field(default_factory=list)
    method: str = "add"
    level: str = "types"
    input_rows: list[int] = field(default_factory=list)
    occurrences: list[Occurrence] = field(default_factory=list)
    cosines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    grouped: bool = False
    excluded: list[str] = field(default_factory=list)
    morphological: bool = False

    def __len__(self) -> int:
        return len(self.words)

    def to_dict(self) -> JSON:
        answers: list[JSON] = []
        for i, (w, s) in enumerate(zip(self.words, self.scores, strict=True)):
            item: JSON = {"word": str(w), "score": float(s)}
            if len(self.cosines):
                item["cosine"] = float(self.cosines[i])
            if self.occurrences:
                o = self.occurrences[i]
                item.update(row=o.row, sentence_id=o.sentence_id, sentence=o.sentence, span=[o.start, o.end])
            answers.append(item)
        return {
            "positive": self.positive,
            "negative": self.negative,
            "method": self.method,
            "level": self.level,
            "input_rows": self.input_rows,
            "grouped_by_word": self.grouped,
            "excluded_words": self.excluded,
            "morphological": self.morphological,
            "answers": answers,
        }


def combine(cos_pos: np.ndarray, cos_neg: np.ndarray, method: str = "add", epsilon: float = EPSILON) -> np.ndarray:
    """Analogy scores from cosines to the inputs: cos_pos (n, p), cos_neg (n, q) -> (n,).

    ``add``: Σ cos_pos − Σ cos_neg. ``mul``: Π s_pos / (Π s_neg + ε), s = (1 + cos) / 2.
    """
    if method == "add":
        return np.asarray(cos_pos.sum(axis=1) - cos_neg.sum(axis=1))
    if method == "mul":
        return np.asarray(np.prod((1 + cos_pos) / 2, axis=1) / (np.prod((1 + cos_neg) / 2, axis=1) + epsilon))
    raise ParameterError("method", f"unknown analogy {{name}} {method!r}; use one of {', '.join(METHODS)}")


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest finite scores, best first (ties by index)."""
    finite = np.flatnonzero(np.isfinite(scores))
    if len(finite) > k:
        part = np.argpartition(-scores[finite], k - 1)[:k]
        finite = finite[part]
    return finite[np.lexsort((finite, -scores[finite]))]


def _check(positive: Sequence[str], k: int, method: str, level: str) -> None:
    if not positive:
        raise CtxvecError("an analogy needs at least one positive word (e.g. positive=['king', 'woman'])")
    if k < 1:
        raise ParameterError("k", f"{{name}} must be at least 1, got {k}")
    if method not in METHODS:
        raise ParameterError("method", f"unknown analogy {{name}} {method!r}; use one of {', '.join(METHODS)}")
    if level not in LEVELS:
        raise ParameterError("level", f"unknown analogy {{name}} {level!r}; use one of {', '.join(LEVELS)}")


def type_analogy(
    types: WordTypes,
    positive: Sequence[str],
    negative: Sequence[str] = (),
    k: int = 5,
    method: str = "add",
    include_inputs: bool = False,
    epsilon: float = EPSILON,
    keep_family: bool = False,
    families: Families | None = None,
) -> AnalogyResult:
    """Top-k word types for Σ positive − Σ negative over `types` (n_words, dim); see the module docstring.
    `families`: the families to exclude by (default: computed over `types.words`)."""
    _check(positive, k, method, "types")
    found = types.find([*positive, *negative])  # one error naming every unknown word
    pos, neg = found[: len(positive)], found[len(positive) :]
    unit = types.unit_vectors()
    cos = unit @ unit[np.r_[pos, neg]].T
    offset = unit[pos].astype(np.float64).sum(axis=0) - unit[neg].astype(np.float64).sum(axis=0)
    cosines = _cosine_to(unit, offset)
    scores = cosines.copy() if method == "add" else combine(cos[:, : len(pos)], cos[:, len(pos) :], method, epsilon)
    excluded: list[str] = []
    morphological = False
    if not include_inputs:
        out = np.zeros(len(types), dtype=bool)
        out[np.r_[pos, neg]] = True
        if not keep_family:
            fams = families if families is not None else Families.of(types.words)
            rule = analogy_exclusion(fams, positive, negative)
            out |= np.fromiter((str(w) in rule.words for w in types.words), dtype=bool, count=len(types))
            morphological = rule.morphological
        scores[out] = -np.inf
        excluded = [str(w) for w in types.words[out]]
        if out.all():
            raise CtxvecError("every candidate is an input or in an input's family; keep the family (keep_family)")
    top = _top_k(scores, k)
    return AnalogyResult(
        words=types.words[top],
        scores=scores[top].astype(np.float32),
        rows=np.full(len(top), -1, dtype=np.int64),
        positive=list(positive),
        negative=list(negative),
        method=method,
        level="types",
        cosines=cosines[top].astype(np.float32),
        excluded=excluded,
        morphological=morphological,
    )


def _cosine_to(unit: np.ndarray, offset: np.ndarray) -> np.ndarray:
    """(n,) float64 cosines of unit rows (n, dim) to `offset` (dim,), clipped to [-1, 1]; 0 for a zero offset."""
    norm = float(np.linalg.norm(offset))
    if norm == 0.0:
        return np.zeros(len(unit), dtype=np.float64)
    return np.asarray(np.clip(unit.astype(np.float64) @ (offset / norm), -1.0, 1.0))


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


def _row_scores(
    store: Store, rows: np.ndarray, unit_in: np.ndarray, n_pos: int, method: str, epsilon: float
) -> np.ndarray:
    """(r,) float64 analogy scores of sorted `rows` (r,) against unit inputs (m, dim), the first `n_pos` positive."""
    if len(rows) == 0:
        return np.empty(0, dtype=np.float64)
    n = np.asarray(store.norms()[rows], dtype=np.float32)
    cos = (store.get_vectors(rows) @ unit_in.T) / np.where(n > 0, n, 1.0)[:, None]
    return combine(cos[:, :n_pos].astype(np.float64), cos[:, n_pos:].astype(np.float64), method, epsilon)


def _add_top(
    store: Store, unit_in: np.ndarray, n_pos: int, k: int, excluded: np.ndarray, block_rows: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact 3CosAdd top-k rows (<= k,) and float64 scores, rows of `excluded` word ids left out."""
    from ..neighbours import search_vectors

    v = unit_in[:n_pos].astype(np.float64).sum(axis=0) - unit_in[n_pos:].astype(np.float64).sum(axis=0)
    norm = float(np.linalg.norm(v))
    word_ids, n_rows = store.word_ids, store.n_rows
    if norm == 0.0:  # the inputs cancel: every row scores 0, the first rows win
        rows = np.flatnonzero(~np.isin(word_ids, excluded))[:k]
        return rows, np.zeros(len(rows), dtype=np.float64)
    counts = store.word_counts
    native = excluded[np.argsort(-counts[excluded], kind="stable")[:1]]  # the search drops one word itself
    rest = excluded[~np.isin(excluded, native)]
    tolerance = _ADD_TOLERANCE * len(unit_in)
    m = k + int(counts[rest].sum()) + max(k, 64)
    while True:
        m = min(m, n_rows)
        found = search_vectors(
            store, v[None, :], m, exclude_word_ids=native if len(native) else None, block_rows=block_rows
        )
        got = found.rows[0][found.rows[0] >= 0]
        bound = float(found.scores[0, len(got) - 1]) if len(got) else -np.inf  # no unseen row's cosine exceeds it
        candidates = np.sort(got[~np.isin(word_ids[got], rest)])
        scores = _row_scores(store, candidates, unit_in, n_pos, "add", 0.0)
        top = _top_k(scores, k)
        seen_all = len(got) < m or m >= n_rows
        if seen_all or (len(top) == k and scores[top[-1]] > norm * bound + tolerance):
            return candidates[top], scores[top]
        m *= 8


def _scan_top(
    store: Store,
    unit_in: np.ndarray,
    n_pos: int,
    k: int,
    method: str,
    epsilon: float,
    excluded: np.ndarray,
    block_rows: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-k rows (<= k,) and float64 scores by one pass over every block of the store."""
    norms = np.asarray(store.norms(), dtype=np.float32)
    word_ids = store.word_ids
    best_rows = np.empty(0, dtype=np.int64)
    best_scores = np.empty(0, dtype=np.float64)
    for start, block in store.iter_blocks(block_rows):
        n = norms[start : start + len(block)]
        cos = (block @ unit_in.T) / np.where(n > 0, n, 1.0)[:, None]
        scores = combine(cos[:, :n_pos].astype(np.float64), cos[:, n_pos:].astype(np.float64), method, epsilon)
        if len(excluded):
            scores[np.isin(word_ids[start : start + len(block)], excluded)] = -np.inf
        top = _top_k(scores, k)
        best_rows = np.r_[best_rows, top + start]
        best_scores = np.r_[best_scores, scores[top]]
    keep = _top_k(best_scores, k)
    return best_rows[keep], best_scores[keep]


def occurrence_analogy(
    store: Store,
    positive: Sequence[str],
    negative: Sequence[str] = (),
    k: int = 5,
    method: str = "add",
    include_inputs: bool = False,
    epsilon: float = EPSILON,
    block_rows: int | None = None,
    device: str = "auto",
    keep_family: bool = False,
    group_words: bool = True,
) -> AnalogyResult:
    """Top-k occurrences (rows) of `store` for Σ positive − Σ negative, inputs chosen per occurrence.

    `group_words`: one answer per word (its best occurrence). `block_rows`: rows per block of the scan
    (None: the search's own choice; 65536 for 3CosMul)."""
    _check(positive, k, method, "occurrences")
    vecs, in_rows, in_words = occurrence_inputs(store, list(positive) + list(negative), device)
    norms_in = np.linalg.norm(vecs, axis=1, keepdims=True)
    unit_in = vecs / np.where(norms_in > 0, norms_in, 1.0)
    n_pos = len(positive)
    morphological = False
    if include_inputs:
        excluded = np.empty(0, dtype=np.int64)
    elif not keep_family:
        rule = analogy_exclusion(store_families(store), in_words[:n_pos], in_words[n_pos:])
        morphological = rule.morphological
        ids = [store.find_word(w) for w in sorted(rule.words)]
        excluded = np.unique(np.asarray([j for j in ids if j >= 0], dtype=np.int64))
    else:
        excluded = np.unique(vocabulary_ids(store, in_words))
    offset = unit_in[:n_pos].astype(np.float64).sum(axis=0) - unit_in[n_pos:].astype(np.float64).sum(axis=0)

    def top(m: int) -> tuple[np.ndarray, np.ndarray]:
        if method == "add":
            return _add_top(store, unit_in, n_pos, m, excluded, block_rows)
        return _scan_top(store, unit_in, n_pos, m, method, epsilon, excluded, block_rows or 65536)

    rows, scores = _grouped_top(store, top, k) if group_words else top(k)
    rows = rows.astype(np.int64)
    if not len(rows):
        raise CtxvecError("every occurrence is an input or in an input's family; keep the family (keep_family)")
    found = store.get_vectors(rows) if len(rows) else np.zeros((0, store.dim), dtype=np.float32)
    norms = np.linalg.norm(found, axis=1, keepdims=True)
    cosines = _cosine_to(found / np.where(norms > 0, norms, 1.0), offset)
    if method == "add":
        scores = cosines  # Σ cos(x, p) − Σ cos(x, n) = |v| cos(x, v): the same order, a true cosine
    return AnalogyResult(
        words=np.asarray([store.tokens[r] for r in rows], dtype=object),
        scores=scores.astype(np.float32),
        rows=rows,
        positive=list(positive),
        negative=list(negative),
        method=method,
        level="occurrences",
        input_rows=[int(r) for r in in_rows],
        occurrences=[store.occurrence(int(r)) for r in rows],
        cosines=cosines.astype(np.float32),
        grouped=group_words,
        excluded=[str(store.vocabulary[j]) for j in excluded],
        morphological=morphological,
    )


def _grouped_top(
    store: Store, top: Callable[[int], tuple[np.ndarray, np.ndarray]], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The best occurrence of each of the top-k words, from a ranking `top(m)` of rows fetched deeper until
    k distinct words are found (or the store is exhausted)."""
    m = min(4 * k, store.n_rows)
    while True:
        rows, scores = top(m)
        _, first = np.unique(store.word_ids[rows], return_index=True)
        first = np.sort(first)[:k]
        if len(first) >= k or len(rows) < m or m >= store.n_rows:
            return rows[first], scores[first]
        m = min(8 * m, store.n_rows)


def analogy(
    store: Store,
    positive: Sequence[str],
    negative: Sequence[str] = (),
    k: int = 5,
    method: str = "add",
    level: str = "types",
    include_inputs: bool = False,
    min_count: int = 1,
    epsilon: float = EPSILON,
    decontextualized: bool = True,
    device: str = "auto",
    keep_family: bool = False,
    group_words: bool = True,
) -> AnalogyResult:
    """Answer Σ positive − Σ negative in `store` (``analogy(s, ["king", "woman"], ["man"])`` ≈ queen).

    level ``types``: candidates are word types with at least `min_count` occurrences (plus the
    store's decontextualized vectors when `decontextualized`); ``occurrences``: candidates are rows
    (`group_words`: one per word). The inputs' families are left out by the benchmark convention
    (`_convention`); `keep_family` leaves out only the inputs (gensim's protocol).
    """
    _check(positive, k, method, level)
    if level == "occurrences":
        return occurrence_analogy(
            store,
            positive,
            negative,
            k,
            method,
            include_inputs,
            epsilon,
            device=device,
            keep_family=keep_family,
            group_words=group_words,
        )
    types = word_types(store, min_count=min_count, decontextualized=decontextualized)
    families = None if keep_family or include_inputs else store_families(store)
    return type_analogy(types, positive, negative, k, method, include_inputs, epsilon, keep_family, families)
