"""How crowded is the space? The isotropy report of a store, a `VectorSource` or arrays.

Global figures (exact, from two streaming passes over every row; `ctxvec.space._metrics`):

- ``isoscore`` — IsoScore (Rudman et al. 2022) of the covariance eigenvalues; 1 = isotropic.
- ``partition_ratio`` / ``log_partition_ratio`` — I(W) over ±eigenvectors of the uncentred XᵀX
  (Arora et al. 2016; Mu & Viswanath 2018), raw (unnormalised) vectors; in (0, 1].
- ``top_pc_variance`` / ``top_k_pc_variance`` — fraction of the (centred) variance on the first
  principal component / the first ``top_k``; ``pc_variance`` lists the first ``top_k`` ratios.
- ``effective_rank`` — exp of the entropy of the normalised singular values of the centred data.
- ``mean_norm`` — mean vector length.

Sampled figures (seeded with ``seed``; `ctxvec.space._sampled`), drawn from the rows of a seeded sample
of ``sample_sentences`` sentences (default 500, drawn as the per-layer report draws the sentences it
encodes, so both give the same figure for the same layer; None: every sentence). ``sample`` says which:

- ``mean_cosine`` — mean cosine of ``n_pairs`` random pairs of occurrences from different sentences.
- Ethayarajh 2019, over up to ``max_words`` word types with at least ``min_count`` occurrences
  (at most ``max_occurrences`` occurrences each): ``self_similarity``, ``mev``; over up to
  ``max_sentences`` sentences: ``intra_sentence_similarity``. Each has an ``*_adjusted`` value: minus
  ``mean_cosine`` for the two similarities, minus the MEV of equally many random occurrences for MEV.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ..sources import ArraySource, Rows, TransformedSource, VectorMap, VectorSource
from ..stats import MomentAccumulator, Moments, eigh_desc
from ..store import Store, normalize_word
from ._metrics import (
    effective_rank_from_eigenvalues,
    isoscore_from_eigenvalues,
    log_partition_functions,
    partition_directions,
)
from ._sampled import SAMPLE_SENTENCES, describe_sample, sampled_measures, sentence_sample
from ._sampling import DEFAULT_SAMPLING, Sampling


@dataclass
class IsotropyReport(Result):
    """Every figure of one isotropy report (see the module docstring for definitions)."""

    n_rows: int
    dim: int
    seed: int
    isoscore: float
    mean_cosine: float
    n_pairs: int
    partition_ratio: float
    log_partition_ratio: float
    top_pc_variance: float
    top_k: int
    top_k_pc_variance: float
    effective_rank: float
    mean_norm: float
    self_similarity: float
    self_similarity_adjusted: float
    mev: float
    mev_baseline: float
    mev_adjusted: float
    n_words: int
    min_count: int
    intra_sentence_similarity: float
    intra_sentence_similarity_adjusted: float
    n_sentences: int
    pc_variance: np.ndarray = field(repr=False)
    sample: JSON = field(repr=False)

    def figures(self) -> JSON:
        """Every figure under its field name (floats, ints, a list for pc_variance)."""
        out: JSON = {}
        for f in fields(IsotropyReport):
            v = getattr(self, f.name)
            if f.name == "pc_variance":
                out[f.name] = [float(x) for x in v]
            elif f.name == "sample":
                out[f.name] = dict(v)
            else:
                out[f.name] = float(v) if isinstance(v, float | np.floating) else v
        return out

    def to_dict(self) -> JSON:
        """Plain JSON data: every figure under its field name (NaN stays a float NaN here)."""
        return self.figures()


@dataclass
class StoreIsotropy(IsotropyReport):
    """The isotropy report of the store at `store`, as seen through `transform_id` (the store's in-place
    transform and/or a transform applied on the fly; None for its raw vectors)."""

    store: str
    transform_id: str | None

    def to_dict(self) -> JSON:
        return {"store": self.store, "transform_id": self.transform_id, **self.figures()}


SUMMARY_FIELDS = (
    ("isoscore", "IsoScore (1 = isotropic)"),
    ("mean_cosine", "mean cosine, random pairs"),
    ("partition_ratio", "partition ratio I(W)"),
    ("log_partition_ratio", "log I(W)"),
    ("top_pc_variance", "variance on PC 1"),
    ("top_k_pc_variance", "variance on top-k PCs"),
    ("effective_rank", "effective rank"),
    ("mean_norm", "mean vector norm"),
    ("self_similarity", "self-similarity"),
    ("self_similarity_adjusted", "self-similarity, adjusted"),
    ("intra_sentence_similarity", "intra-sentence similarity"),
    ("intra_sentence_similarity_adjusted", "intra-sentence sim., adjusted"),
    ("mev", "max. explainable variance"),
    ("mev_adjusted", "MEV, adjusted"),
)
"""(field, label) of the figures shown in tables, in order."""


def word_ids_of_tokens(tokens: Sequence[str] | np.ndarray) -> np.ndarray:
    """(n,) int64 word ids of `tokens`, words matched as the store matches them (`normalize_word`)."""
    keys = np.array([normalize_word(str(t)) for t in tokens], dtype=str)
    _, word_ids = np.unique(keys, return_inverse=True)
    return word_ids.astype(np.int64)


def _moments_and_norm(source: VectorSource, block_rows: int) -> tuple[Moments, float]:
    acc = MomentAccumulator(source.dim)
    norm_sum = 0.0
    for _, block in source.iter_blocks(block_rows):
        acc.update(block)
        norm_sum += float(np.sqrt(np.einsum("ij,ij->i", block, block)).sum(dtype=np.float64))
    m = acc.result()
    return m, norm_sum / m.n


def isotropy_of_source(
    source: VectorSource,
    sentence_ids: np.ndarray,
    word_ids: np.ndarray,
    *,
    sampling: Sampling = DEFAULT_SAMPLING,
    top_k: int = 10,
    block_rows: int = 16384,
    sentences: np.ndarray | None = None,
    population: int | None = None,
) -> IsotropyReport:
    """The isotropy report of the (n_rows, dim) vectors of `source`, whose rows belong to the sentences
    `sentence_ids` (n_rows,) and the words `word_ids` (n_rows,).

    Global figures use every row (two streaming passes); sampled ones use the rows of `sentences`
    (sorted sentence ids; None: every row) and, among them, what `sampling` draws (its sizes and seed:
    `Sampling`). `population`: how many sentences there are in all
    (for the report's ``sample``; default: the distinct `sentence_ids`).
    """
    if top_k < 1:
        raise ParameterError("top_k", f"{{name}}={top_k} is too small; use at least 1")
    if len(sentence_ids) != source.n_rows or len(word_ids) != source.n_rows:
        raise CtxvecError(
            f"{source.n_rows} rows but {len(sentence_ids)} sentence ids and {len(word_ids)} word ids; give one per row"
        )
    if source.n_rows < 2:
        raise CtxvecError(f"an isotropy report needs at least 2 vectors, got {source.n_rows}")
    m, mean_norm = _moments_and_norm(source, block_rows)
    values, _ = eigh_desc(m.covariance)
    total = values.sum()
    ratios = values / total if total > 0 else np.zeros_like(values)
    k = min(top_k, m.dim)
    logz = log_partition_functions(source, partition_directions(m.correlation), block_rows)
    log_ratio = float(logz.min() - logz.max())
    sids, wids = np.asarray(sentence_ids), np.asarray(word_ids)
    n_all = int(population) if population is not None else len(np.unique(sids))
    if sentences is None:
        s = sampled_measures(source, sids, wids, sampling)
        sample = describe_sample(sampling.seed, len(np.unique(sids)), n_all, source.n_rows, s, sampling)
    else:
        rows = np.flatnonzero(np.isin(sids, sentences))
        if len(rows) < 2:
            raise CtxvecError(f"the {len(sentences)} sampled sentences hold {len(rows)} rows; sample more sentences")
        s = sampled_measures(_RowSubset(source, rows), sids[rows], wids[rows], sampling)
        sample = describe_sample(sampling.seed, len(np.unique(sids[rows])), n_all, len(rows), s, sampling)
    return IsotropyReport(
        n_rows=int(source.n_rows),
        dim=int(m.dim),
        seed=int(sampling.seed),
        isoscore=isoscore_from_eigenvalues(values),
        mean_cosine=s.mean_cosine,
        n_pairs=s.n_pairs,
        partition_ratio=float(np.exp(log_ratio)),
        log_partition_ratio=log_ratio,
        top_pc_variance=float(ratios[0]),
        top_k=k,
        top_k_pc_variance=float(ratios[:k].sum()),
        effective_rank=effective_rank_from_eigenvalues(values),
        mean_norm=mean_norm,
        self_similarity=s.self_similarity,
        self_similarity_adjusted=s.self_similarity - s.mean_cosine,
        mev=s.mev,
        mev_baseline=s.mev_baseline,
        mev_adjusted=s.mev - s.mev_baseline,
        n_words=s.n_words,
        min_count=int(sampling.min_count),
        intra_sentence_similarity=s.intra,
        intra_sentence_similarity_adjusted=s.intra - s.mean_cosine,
        n_sentences=s.n_sentences,
        pc_variance=ratios[:k].copy(),
        sample=sample,
    )


class _RowSubset:
    """The rows `rows` (m,) of `source` as a `VectorSource` of m rows (read on demand)."""

    def __init__(self, source: VectorSource, rows: np.ndarray):
        self.source, self.rows = source, np.asarray(rows, dtype=np.int64)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def dim(self) -> int:
        return self.source.dim

    def get_vectors(self, rows: Rows) -> np.ndarray:
        return self.source.get_vectors(self.rows[rows])

    def iter_blocks(self, block_rows: int = 65536) -> Iterator[tuple[int, np.ndarray]]:
        for start in range(0, len(self.rows), block_rows):
            yield start, self.source.get_vectors(self.rows[start : start + block_rows])


def _map_id(t: VectorMap) -> str:
    from ..transforms import is_saveable, transform_id

    return transform_id(t) if is_saveable(t) else type(t).__name__


def isotropy(
    store: Store,
    *,
    transform: VectorMap | None = None,
    raw: bool = False,
    sampling: Sampling = DEFAULT_SAMPLING,
    top_k: int = 10,
    block_rows: int = 16384,
    sample_sentences: int | None = SAMPLE_SENTENCES,
) -> StoreIsotropy:
    """The isotropy report of `store` (its in-place transform applied; with `raw`, its stored vectors
    ignoring that transform), optionally seen through a fitted `transform` applied on the fly; see
    `isotropy_of_source` for the sample sizes. Sampled measures are drawn from `sample_sentences`
    seeded sentences (the ones `store_layer_isotropy` encodes with the same seed; None: all)."""
    base: VectorSource = ArraySource(store.vectors) if raw else store
    source: VectorSource = base if transform is None else TransformedSource(base, transform)
    report = isotropy_of_source(
        source,
        store.sentence_ids,
        store.word_ids,
        sampling=sampling,
        top_k=top_k,
        block_rows=block_rows,
        sentences=sentence_sample(store.n_sentences, sample_sentences, sampling.seed),
        population=store.n_sentences,
    )
    in_place = None if raw else store.transform_id
    ids = [i for i in (in_place, None if transform is None else _map_id(transform)) if i]
    figures = {f.name: getattr(report, f.name) for f in fields(IsotropyReport)}
    return StoreIsotropy(**figures, store=str(store.path), transform_id="+".join(ids) if ids else None)


def isotropy_arrays(
    vectors: np.ndarray,
    sentence_ids: Sequence[int] | np.ndarray,
    tokens: Sequence[str] | np.ndarray,
    *,
    sampling: Sampling = DEFAULT_SAMPLING,
    top_k: int = 10,
    block_rows: int = 16384,
    population: int | None = None,
) -> IsotropyReport:
    """The isotropy report of in-memory vectors (n, dim) with sentence ids (n,) and tokens (n,);
    see `isotropy_of_source` (`population`: the sentences these were sampled from, for ``sample``)."""
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or len(vectors) != len(sentence_ids) or len(vectors) != len(tokens):
        raise CtxvecError(
            f"vectors {vectors.shape}, sentence_ids ({len(sentence_ids)},) and tokens ({len(tokens)},) do not match"
        )
    return isotropy_of_source(
        ArraySource(vectors),
        np.asarray(sentence_ids, dtype=np.int64),
        word_ids_of_tokens(tokens),
        sampling=sampling,
        top_k=top_k,
        block_rows=block_rows,
        population=population,
    )
