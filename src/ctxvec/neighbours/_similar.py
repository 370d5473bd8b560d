"""`similar`: the nearest occurrences (cosine) of query occurrences, from the backend that fits.

The query occurrence is never its own neighbour; `exclude_word` drops every occurrence of the
query's word and of its morphological family (`ctxvec.morphology`: banks, banking, banker for bank;
`keep_family` drops only the word itself); `other_sentences` drops the query's own sentence;
`distinct_sentences` keeps the best hit per sentence and `words_only` the best occurrence per word
type (with a count), leaving out stop words and punctuation (`ctxvec.morphology.STOP_WORDS`); the two
combine (each word once, no two from one sentence).
The backend is a saved faiss index when the store has a current one (hnsw, then ivf, then flat),
else the exact scan; `exact` asks for an exact answer
(the scan, or for a few queries the store's flat index, whose float16 kernel is faster still).
A query in a new sentence is compared with its word's stored occurrences (`check_usage`): when the
corpus does not hold that usage, its entry carries a warning naming the nearest occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..queries import Queries, select_queries
from ..results import JSON, Result
from ..store import Occurrence, Store, normalize_word
from ._backend import Backend
from ._exact import ExactScan
from ._indexes import index_info, list_indexes, load_index
from ._kinds import BACKENDS
from ._topk import check_k
from ._usage import Usage, UsageCheck, check_occurrence

PREFERENCE = ("hnsw", "hnsw-sq8", "ivfpq", "ivf", "flat")  # the index `similar` uses when several are present
FLAT_EXACT_MAX_QUERIES = 4  # beyond this, the blocked scan (all queries in one pass) is faster


@dataclass(frozen=True)
class Hit(Result):
    """One neighbour: the occurrence, its cosine, and (grouped by word) its word's count."""

    occurrence: Occurrence
    score: float
    count: int | None = None

    def to_dict(self) -> JSON:
        o = self.occurrence
        d: JSON = {
            "row": o.row,
            "token": o.token,
            "score": round(float(self.score), 6),
            "sentence_id": o.sentence_id,
            "sentence": o.sentence,
            "start": o.start,
            "end": o.end,
        }
        if self.count is not None:
            d["word"] = normalize_word(o.token)
            d["count"] = self.count
        return d


@dataclass
class Similar(Result):
    """Result of `similar`: for each query occurrence (q,), its k nearest occurrences.

    rows (q, k) int64 (-1 where fewer hits), scores (q, k) float32 cosines, counts (q, k) with
    grouping by word; `method` says how it was computed (`Backend.describe`), `recall_at_10` the
    index's measured recall@10 against the exact scan (None: exact, or not measured).
    """

    frame_path = ("queries", "hits")  # rows of to_frame(), items of result[i]

    store: Store = field(repr=False)
    queries: Queries = field(repr=False)
    rows: np.ndarray
    scores: np.ndarray
    method: str
    counts: np.ndarray | None = None
    options: JSON = field(default_factory=dict)
    recall_at_10: float | None = None
    usages: list[Usage | None] = field(default_factory=list)

    def usage(self, i: int) -> Usage | None:
        """How well the corpus holds query `i`'s usage (None for a stored occurrence)."""
        return self.usages[i] if i < len(self.usages) else None

    def warning(self, i: int) -> str | None:
        """One line when query `i`'s usage is not well represented in the corpus, else None."""
        u = self.usage(i)
        return None if u is None else u.warning

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def query_rows(self) -> np.ndarray:
        """(q,) row of each query occurrence (-1 for a word in a new sentence)."""
        return np.asarray(self.queries.rows, dtype=np.int64)

    @property
    def tokens(self) -> np.ndarray:
        """(q, k) object array of hit tokens ('' where no hit)."""
        out = np.full(self.rows.shape, "", dtype=object)
        valid = self.rows >= 0
        out[valid] = self.store.tokens[self.rows[valid]]
        return out

    def hits(self, i: int) -> list[Hit]:
        """The hits of query `i`, best first."""
        out = []
        for j, (r, s) in enumerate(zip(self.rows[i], self.scores[i], strict=True)):
            if r >= 0:
                c = None if self.counts is None else int(self.counts[i, j])
                out.append(Hit(self.store.occurrence(int(r)), float(s), c))
        return out

    def to_dict(self) -> JSON:
        """JSON-ready: store, method, options, and per query its row, token, sentence and hits."""
        queries = []
        for i, occ in enumerate(self.queries.occurrences):
            queries.append(
                {
                    "row": int(self.query_rows[i]),
                    "token": occ.token,
                    "sentence_id": occ.sentence_id,
                    "sentence": occ.sentence,
                    "start": occ.start,
                    "end": occ.end,
                    "warning": self.warning(i),
                    "usage": _usage_dict(self.usage(i)),
                    "hits": [h.to_dict() for h in self.hits(i)],
                }
            )
        return {
            "store": str(self.store.path),
            "method": self.method,
            "recall_at_10": self.recall_at_10,
            "options": self.options,
            "queries": queries,
        }


def _usage_dict(usage: Usage | None) -> JSON | None:
    return None if usage is None else usage.to_dict()


def query_word_ids(store: Store, queries: Queries) -> np.ndarray:
    """(q,) vocabulary id of each query's word (-1 when a new sentence's word is not in the store)."""
    rows = np.asarray(queries.rows, dtype=np.int64)
    out = np.full(len(rows), -1, dtype=np.int64)
    inside = rows >= 0
    out[inside] = store.word_ids[rows[inside]]
    for i in np.flatnonzero(~inside):
        out[i] = store.find_word(queries.occurrences[i].token)
    return out


class Filtered(Backend):
    """`inner` with every occurrence of some words, and optionally one sentence, left out per query (see
    `similar`'s `exclude_word`, `words_only`, `other_sentences`).

    The `exclude_word_ids` its `ranked` receives are query positions (0..q-1), so each query finds its
    own filter: `word_ids` (q,) the query's vocabulary id (-1: none), `forms` one (f,) array of
    vocabulary ids to leave out per query, `sentences` (q,) a sentence id to leave out (-1: none).
    It fetches longer prefixes until m rows survive."""

    def __init__(
        self, inner: Backend, word_ids: np.ndarray, forms: list[np.ndarray], sentences: np.ndarray | None = None
    ):
        self.inner, self.kind, self.store = inner, inner.kind, inner.store
        self.word_ids, self.forms = word_ids, forms
        self.sentences = np.full(len(word_ids), -1, dtype=np.int64) if sentences is None else sentences

    def describe(self) -> str:
        return self.inner.describe()

    @property
    def recall_at_10(self) -> float | None:
        return self.inner.recall_at_10

    def ranked(
        self, queries: np.ndarray, m: int, exclude_rows: np.ndarray, exclude_word_ids: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        q, n_rows = len(queries), self.store.n_rows
        positions = np.arange(q) if exclude_word_ids is None else exclude_word_ids
        rows = np.full((q, m), -1, dtype=np.int64)
        scores = np.full((q, m), -np.inf, dtype=np.float32)
        todo, fetch = np.arange(q), min(2 * m + 16, n_rows)
        while len(todo):
            r, sc = self.inner.ranked(queries[todo], fetch, exclude_rows[todo], self.word_ids[positions[todo]])
            again = []
            for j, qi in enumerate(todo):
                valid = r[j] >= 0
                safe = np.maximum(r[j], 0)
                keep = valid & ~np.isin(self.store.word_ids[safe], self.forms[positions[qi]])
                if self.sentences[positions[qi]] >= 0:
                    keep &= self.store.sentence_ids[safe] != self.sentences[positions[qi]]
                kept_rows, kept_scores = r[j][keep][:m], sc[j][keep][:m]
                if len(kept_rows) >= m or fetch >= n_rows or not valid.all():
                    rows[qi, : len(kept_rows)], scores[qi, : len(kept_rows)] = kept_rows, kept_scores
                else:
                    again.append(qi)
            todo, fetch = np.asarray(again, dtype=np.int64), min(fetch * 4, n_rows)
        return rows, scores


FormsExcluded = Filtered  # the earlier name


def query_family(store: Store, queries: Queries) -> list[np.ndarray]:
    """Per query, (f,) sorted vocabulary ids of its word's family in `store` (the word included)."""
    from ..morphology import store_families

    families = store_families(store)
    return [families.ids(occ.token) for occ in queries.occurrences]


def query_lookalikes(store: Store, queries: Queries) -> list[np.ndarray]:
    """Per query, (l,) sorted vocabulary ids of its word's spelling look-alikes in `store` (not its family;
    `ctxvec.morphology.Lookalikes`)."""
    from ..morphology import store_lookalikes

    looks = store_lookalikes(store)
    vocab = store.vocabulary
    out = []
    for occ in queries.occurrences:
        members = looks.of(occ.token)
        out.append(
            np.flatnonzero(looks.mask(vocab, [occ.token])).astype(np.int64) if members else np.empty(0, np.int64)
        )
    return out


def function_word_ids(store: Store) -> np.ndarray:
    """(s,) sorted vocabulary ids of `store`'s stop words and punctuation (`ctxvec.morphology.STOP_WORDS`)."""
    from ..morphology import function_word_mask

    return np.flatnonzero(function_word_mask(store.vocabulary)).astype(np.int64)


def backend_kind(store: Store, choice: str = "auto", n_queries: int = 1) -> tuple[str, str]:
    """What `similar` searches for the backend `choice` and `n_queries` queries: ``"exact"`` (the scan) or
    the saved index kind to load, and, when an index is skipped, why ('' otherwise).

    `choice` (`BACKENDS`): ``"auto"``, the preferred current saved index, else the exact scan;
    ``"exact"``, an exact answer: the scan, or for at most `FLAT_EXACT_MAX_QUERIES` queries a current
    flat index (faiss's float16 kernel scans at memory speed, one query per thread); an index kind
    (``"hnsw"``, ...): that saved index.
    """
    if choice not in BACKENDS:
        raise ParameterError(
            "backend", f"unknown {{name}} {choice!r}; use one of {', '.join(BACKENDS)}, or a loaded index (load_index)"
        )
    if choice == "exact":
        info = index_info(store, "flat")
        current_flat = info is not None and not info.stale
        return ("flat" if n_queries <= FLAT_EXACT_MAX_QUERIES and current_flat else "exact"), ""
    if choice != "auto":
        return choice, ""
    present = list_indexes(store).indexes
    for name in PREFERENCE:
        if name in present and not present[name].stale:
            return name, ""
    stale = [name for name, info in present.items() if info.stale]
    return "exact", f"ignored stale {', '.join(stale)} index (rebuild with `ctxvec index`)" if stale else ""


def choose_backend(store: Store, choice: str = "auto", n_queries: int = 1) -> tuple[Backend, str]:
    """The backend `backend_kind` names, ready to search (a saved index read from disk with
    `load_index`), and why an index was skipped ('' otherwise). To search an index kept in memory,
    pass it to `similar` as its `backend`."""
    kind, why = backend_kind(store, choice, n_queries)
    return (ExactScan(store) if kind == "exact" else load_index(store, kind)), why


def similar(
    store: Store,
    word: str | None = None,
    *,
    k: int = 10,
    sentence: int | None = None,
    row: int | None = None,
    in_sentence: str | None = None,
    limit: int | None = None,
    device: str = "auto",
    queries: Queries | None = None,
    exclude_word: bool = False,
    distinct_sentences: bool = False,
    words_only: bool = False,
    other_sentences: bool = False,
    keep_family: bool = False,
    keep_lookalikes: bool = False,
    backend: str | Backend = "auto",
    where: str | None = None,
    usage_check: UsageCheck | None = None,
) -> Similar:
    """The k nearest occurrences (cosine) of each query occurrence of `word` in `store`.

    Queries are chosen as in `ctxvec.queries.select_queries` (all occurrences of `word`, the one in
    `sentence`, `row`, or `word` inside the new sentence `in_sentence`, embedded on `device`; at
    most `limit`), or passed ready-made as `queries`. The query occurrence is never its own
    neighbour. `exclude_word` drops every occurrence of the query's word and its family (banks, banked,
    banking, banker for bank; only the word itself with `keep_family`) and, unless `keep_lookalikes`, its
    spelling look-alikes (bankhead, banknotes for bank: same first wordpiece); `other_sentences` drops the
    query's own sentence; `distinct_sentences` keeps one hit per sentence; `words_only` keeps each word
    type's best occurrence, with a count, and leaves out stop words and punctuation (both together: each
    word once and no two hits from one sentence). The result's options say what was left out.
    `backend`: how to search, one choice: ``"auto"`` (the store's preferred current index, else the
    exact scan), ``"exact"`` (an exact answer), an index kind (``"hnsw"``: that saved index, read from
    disk), or a `Backend` object (a `load_index` result kept for many calls, an `ExactScan`), as
    gensim's ``indexer=``; `choose_backend` says how a name is resolved. `where`: search only the rows of that slice of the
    store's document metadata (`ctxvec.slices`); the queries may lie outside it.
    `usage_check`: how a query in a new sentence is checked against the word's occurrences (default
    `check_occurrence`, the geometry; the CLI and the explorer pass `ctxvec.structure.check_usage_senses`,
    which adds WordNet's evidence).
    """
    k = check_k(store, k)
    if (
        isinstance(backend, Backend)
        and backend.store is not store
        and backend.store.resolved_path != store.resolved_path
    ):
        raise ParameterError("backend", f"{{name}} searches {backend.store.path}, not {store.path}")
    if not isinstance(backend, Backend) and backend not in BACKENDS:
        raise ParameterError(
            "backend", f"unknown {{name}} {backend!r}; use one of {', '.join(BACKENDS)}, or a loaded index (load_index)"
        )
    if queries is None:
        queries = select_queries(
            store, word, sentence=sentence, row=row, in_sentence=in_sentence, limit=limit, device=device
        )
    group = (
        "word-sentence" if distinct_sentences and words_only else "sentence" if distinct_sentences
        else "word" if words_only else None
    )  # fmt: skip
    exclude_rows = np.asarray(queries.rows, dtype=np.int64)
    ew = query_word_ids(store, queries) if exclude_word else None
    vectors = np.asarray(queries.vectors, dtype=np.float32)
    why = ""
    if not isinstance(backend, Backend):
        backend, why = choose_backend(store, backend, len(vectors))
    searcher, excluded, lookalikes = backend, [], []
    drop = [np.empty(0, dtype=np.int64) for _ in range(len(vectors))]
    if ew is not None:
        drop = [np.asarray([w], dtype=np.int64) if w >= 0 else drop[0] for w in ew]
        if not keep_family:
            drop = query_family(store, queries)
        excluded = sorted({str(store.vocabulary[j]) for f in drop for j in f})
        if not keep_lookalikes:
            looks = query_lookalikes(store, queries)
            lookalikes = sorted({str(store.vocabulary[j]) for f in looks for j in f} - set(excluded))
            drop = [np.union1d(f, g) for f, g in zip(drop, looks, strict=True)]
    function_words = function_word_ids(store) if words_only else np.empty(0, dtype=np.int64)
    if len(function_words):
        drop = [np.union1d(f, function_words) for f in drop]
    sentences = None
    if other_sentences:
        sentences = np.asarray([o.sentence_id if o.row >= 0 else -1 for o in queries.occurrences], dtype=np.int64)
    own = ew if ew is not None else np.full(len(vectors), -1, dtype=np.int64)
    if sentences is not None or any(len(f) > (1 if w >= 0 else 0) for f, w in zip(drop, own, strict=True)):
        searcher, ew = Filtered(backend, own, drop, sentences), np.arange(len(vectors))
    if where is not None:
        from ..slices import slice_rows
        from ._slice import RowsKept

        keep = np.zeros(store.n_rows, dtype=bool)
        keep[slice_rows(store, where)] = True
        searcher = RowsKept(searcher, keep)
    matches = searcher.search(vectors, k, exclude_rows=exclude_rows, exclude_word_ids=ew, group=group)
    if not (matches.rows >= 0).any():
        raise CtxvecError(
            "no occurrence is left once the query's word, family, sentence and the stop words are left out; "
            "allow more (keep_family=True, keep_lookalikes=True, other_sentences=False) or use a larger store"
        )
    method = backend.describe() + (f"; {why}" if why else "")
    options: JSON = {
        "k": k,
        "exclude_word": exclude_word,
        "distinct_sentences": distinct_sentences,
        "words_only": words_only,
        "other_sentences": other_sentences,
        "keep_family": keep_family,
        "keep_lookalikes": keep_lookalikes,
        "exact": backend.exact,
    }
    if exclude_word:
        options["excluded_words"] = excluded
        if not keep_lookalikes:
            options["excluded_lookalikes"] = lookalikes
    if words_only:
        options["excluded_function_words"] = f"{len(function_words)} stop words and punctuation tokens"
    if other_sentences:
        options["excluded_sentences"] = [int(s) for s in sentences if s >= 0] if sentences is not None else []
    check = check_occurrence if usage_check is None else usage_check
    usages = [
        check(store, occ, queries.vectors[i]) if occ.row < 0 else None for i, occ in enumerate(queries.occurrences)
    ]
    return Similar(
        store, queries, matches.rows, matches.scores, method, matches.counts, options, backend.recall_at_10, usages
    )
