"""How crowded is the space? Isotropy and contextuality measures, for a store or per model layer.

Global measures (exact, from one or two streaming passes over every row):

- ``isoscore`` — IsoScore (Rudman et al. 2022) from the covariance eigenvalues λ (d = dim):
  λ̂ = √d λ / ‖λ‖, δ = ‖λ̂ − 1‖ / √(2(d − √d)), score = ((d − δ²(d − √d))² − d) / (d(d − 1)).
  1 for isotropic data, 0 when all variance lies on one line; identical to the ``IsoScore`` package.
- ``partition_ratio`` — I(W) = min_c Z(c) / max_c Z(c), Z(c) = Σ_w exp(cᵀw) (Arora et al. 2016;
  Mu & Viswanath 2018), c over the eigenvectors of the uncentred XᵀX. Sign convention: an
  eigenvector's sign is arbitrary, so c ranges over **both** +u and −u of every eigenvector
  (2·dim directions); the result does not depend on the eigen-solver. Computed in log space
  (``log_partition_ratio``), so it is in (0, 1] and never overflows; raw (unnormalised) vectors.
- ``top_pc_variance`` / ``top_k_pc_variance`` — fraction of the (centred) variance on the first
  principal component / the first ``top_k``; ``pc_variance`` lists the first ``top_k`` ratios.
- ``effective_rank`` — exp of the entropy of the normalised singular values σᵢ/Σσ of the centred
  data (Roy & Vetterli 2007); σᵢ ∝ √λᵢ.

Sampled measures (seeded with ``seed``; sample sizes reported):

- ``mean_cosine`` — mean cosine of ``n_pairs`` random pairs of occurrences from different sentences
  (the anisotropy baseline of Ethayarajh 2019).
- Ethayarajh 2019, over up to ``max_words`` word types with at least ``min_count`` occurrences
  (at most ``max_occurrences`` occurrences each): ``self_similarity`` (mean pairwise cosine of a word's
  occurrences), ``mev`` (maximum explainable variance σ₁² / Σσᵢ² of the word's uncentred occurrence
  matrix, as in the paper); over up to ``max_sentences`` sentences: ``intra_sentence_similarity``
  (mean cosine of each word to its sentence's mean vector). Each has an ``*_adjusted`` value: minus
  ``mean_cosine`` for the two similarities, minus the MEV of equally many random occurrences for MEV.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CtxvecError
from ..stats import MomentAccumulator, Moments, eigh_desc
from ..store import Store, normalize_word

# ---- sources: a store, arrays, or either seen through a transform ----------------------------------


@dataclass
class ArraySource:
    """In-memory vectors (n, dim), sentence ids (n,) and word ids (n,): the store interface the metrics use."""

    vectors: np.ndarray
    sentence_ids: np.ndarray
    word_ids: np.ndarray

    @classmethod
    def from_tokens(cls, vectors: np.ndarray, sentence_ids: Any, tokens: Any) -> ArraySource:
        """Word ids from `tokens` (n,) matched like the store does (`normalize_word`)."""
        keys = np.array([normalize_word(str(t)) for t in tokens], dtype=str)
        _, word_ids = np.unique(keys, return_inverse=True)
        return cls(np.asarray(vectors), np.asarray(sentence_ids, dtype=np.int64), word_ids.astype(np.int64))

    @property
    def n_rows(self) -> int:
        return len(self.vectors)

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def get_vectors(self, rows: Any) -> np.ndarray:
        """(k, dim) vectors of `rows`: float64 when the arrays are float64, float32 otherwise."""
        v = np.asarray(self.vectors[rows])
        return v if v.dtype == np.float64 else v.astype(np.float32)

    def iter_blocks(self, block_rows: int = 16384) -> Any:
        for s in range(0, self.n_rows, block_rows):
            yield s, self.get_vectors(slice(s, s + block_rows))


class TransformedSource:
    """A store (or ArraySource) seen through a fitted transform, applied on the fly block by block."""

    def __init__(self, source: Any, transform: Any):
        self.source, self.transform = source, transform
        self.sentence_ids, self.word_ids = source.sentence_ids, source.word_ids
        self.n_rows = source.n_rows
        self.dim = int(np.asarray(transform.transform(np.zeros((1, source.dim), np.float32))).shape[1])

    def get_vectors(self, rows: Any) -> np.ndarray:
        return np.asarray(self.transform.transform(self.source.get_vectors(rows)), dtype=np.float32)

    def iter_blocks(self, block_rows: int = 16384) -> Any:
        for s, block in self.source.iter_blocks(block_rows):
            yield s, np.asarray(self.transform.transform(block), dtype=np.float32)


# ---- the report ----------------------------------------------------------------------------------------


@dataclass
class IsotropyReport:
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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict: every figure under its field name (floats, ints, a list for pc_variance)."""
        d = asdict(self)
        d["pc_variance"] = [float(x) for x in self.pc_variance]
        return {k: (float(v) if isinstance(v, float | np.floating) else v) for k, v in d.items()}


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


# ---- global measures -----------------------------------------------------------------------------------


def isoscore_from_eigenvalues(values: np.ndarray) -> float:
    """IsoScore (Rudman et al. 2022) from the (dim,) covariance eigenvalues; NaN when they are all zero."""
    pcs = np.clip(np.asarray(values, dtype=np.float64), 0.0, None)
    d = len(pcs)
    if d < 2:
        raise CtxvecError(f"IsoScore needs at least 2 dimensions, got {d}")
    norm = np.linalg.norm(pcs)
    if norm == 0:
        return float("nan")
    pcs_norm = pcs * math.sqrt(d) / norm
    defect = np.linalg.norm(pcs_norm - 1.0) / math.sqrt(2 * (d - math.sqrt(d)))
    return float(((d - defect**2 * (d - math.sqrt(d))) ** 2 - d) / (d * (d - 1)))


def isoscore_from_covariance(cov: np.ndarray) -> float:
    """IsoScore of a (dim, dim) covariance matrix; NaN when it is all zero."""
    cov = np.asarray(cov, dtype=np.float64)
    if cov.shape[0] < 2:
        raise CtxvecError(f"IsoScore needs at least 2 dimensions, got {cov.shape[0]}")
    return isoscore_from_eigenvalues(np.linalg.eigvalsh((cov + cov.T) / 2))


def isoscore(points: np.ndarray) -> float:
    """IsoScore of (n, dim) points (covariance with ddof=1, as the reference package)."""
    return isoscore_from_covariance(np.cov(np.asarray(points, dtype=np.float64), rowvar=False))


def effective_rank_from_eigenvalues(values: np.ndarray) -> float:
    """exp(entropy of σ/Σσ), σ = √(covariance eigenvalues): the centred data's singular values up to a constant."""
    sigma = np.sqrt(np.clip(np.asarray(values, dtype=np.float64), 0.0, None))
    total = sigma.sum()
    if total == 0:
        return 0.0
    p = sigma[sigma > 0] / total
    return float(np.exp(-(p * np.log(p)).sum()))


def effective_rank_from_covariance(cov: np.ndarray) -> float:
    """Effective rank (Roy & Vetterli 2007) of data with covariance `cov`."""
    return effective_rank_from_eigenvalues(np.linalg.eigvalsh(np.asarray(cov, dtype=np.float64)))


def partition_directions(correlation: np.ndarray) -> np.ndarray:
    """(dim, dim) eigenvectors u (rows) of the uncentred correlation XᵀX / n; I(W) uses each as +u and −u."""
    _, comps = eigh_desc(correlation)
    return comps


def log_partition_functions(source: Any, directions: np.ndarray, block_rows: int = 16384) -> np.ndarray:
    """(2k,) log Z(c) = log Σ_rows exp(cᵀx) for c = +u then c = −u, u the k rows of `directions`; streamed."""
    logz = np.full(2 * len(directions), -np.inf)
    for _, block in source.iter_blocks(block_rows):
        dtype = np.float64 if block.dtype == np.float64 else np.float32
        proj = block.astype(dtype, copy=False) @ np.asarray(directions, dtype=dtype).T  # (b, k)
        for sign, at in ((1.0, 0), (-1.0, len(directions))):
            p = proj * sign
            top = p.max(axis=0)
            p -= top
            np.exp(p, out=p)
            part = top + np.log(p.sum(axis=0, dtype=np.float64))
            logz[at : at + len(directions)] = np.logaddexp(logz[at : at + len(directions)], part)
    return logz


def partition_ratio(points: np.ndarray) -> float:
    """I(W) of (n, dim) points (see the module docstring); in (0, 1]."""
    src = ArraySource(np.asarray(points), np.zeros(len(points), np.int64), np.zeros(len(points), np.int64))
    m = MomentAccumulator().update(np.asarray(points)).result()
    logz = log_partition_functions(src, partition_directions(m.correlation))
    return float(np.exp(logz.min() - logz.max()))


# ---- sampled measures -----------------------------------------------------------------------------------


def _unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.where(n > 0, n, 1.0)


def _fetch(source: Any, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectors of the distinct sorted `rows` (one read, the source's dtype), and each requested row's index into them."""
    uniq, inverse = np.unique(rows, return_inverse=True)
    return source.get_vectors(uniq), inverse


def _mean_pair_cosine(vectors: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 4096) -> float:
    """Mean cosine of vectors[a[i]] and vectors[b[i]] over all i, in float64, chunk by chunk."""
    total = 0.0
    for s in range(0, len(a), chunk):
        va = _unit(vectors[a[s : s + chunk]].astype(np.float64))
        vb = _unit(vectors[b[s : s + chunk]].astype(np.float64))
        total += float(np.einsum("ij,ij->", va, vb))
    return total / len(a)


def sample_pairs(sentence_ids: np.ndarray, n_pairs: int, rng: np.random.Generator) -> np.ndarray:
    """(n_pairs, 2) random row pairs from different sentences (uniform over rows, rejection sampling)."""
    sids = np.asarray(sentence_ids)
    n = len(sids)
    if n < 2 or sids.min() == sids.max():
        raise CtxvecError("random pairs need rows from at least 2 different sentences; the data has only one sentence")
    pairs = rng.integers(0, n, size=(n_pairs, 2))
    for _ in range(1000):
        same = sids[pairs[:, 0]] == sids[pairs[:, 1]]
        if not same.any():
            return pairs
        pairs[same] = rng.integers(0, n, size=(int(same.sum()), 2))
    raise CtxvecError("could not sample pairs from different sentences; almost all rows are in one sentence")


def _mev(v: np.ndarray) -> float:
    """σ₁² / Σσᵢ² of (k, dim) `v`, from the eigenvalues of the small (k, k) Gram matrix v vᵀ."""
    s2 = np.linalg.eigvalsh(v @ v.T if len(v) <= v.shape[1] else v.T @ v)
    total = s2.sum()
    return float(s2[-1] / total) if total > 0 else 0.0


def _groups(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows grouped by id: (order, group starts, group ids) with rows of group g at order[starts[g]:starts[g+1]]."""
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    return order, np.r_[starts, len(ids)], sorted_ids[starts]


@dataclass
class _Sampled:
    mean_cosine: float
    n_pairs: int
    self_similarity: float
    mev: float
    mev_baseline: float
    n_words: int
    intra: float
    n_sentences: int


def _sampled_measures(
    source: Any, n_pairs: int, min_count: int, max_words: int, max_occurrences: int, max_sentences: int, seed: int
) -> _Sampled:
    rng = np.random.default_rng(seed)
    sids = np.asarray(source.sentence_ids)
    # random pairs from different sentences
    pairs = sample_pairs(sids, n_pairs, rng)
    pool, inv = _fetch(source, pairs.ravel())
    mean_cos = _mean_pair_cosine(pool, inv[0::2], inv[1::2])
    # words with enough occurrences
    order, starts, _ = _groups(np.asarray(source.word_ids))
    counts = np.diff(starts)
    eligible = np.flatnonzero(counts >= max(min_count, 2))
    chosen = (
        np.sort(rng.choice(eligible, size=min(max_words, len(eligible)), replace=False)) if len(eligible) else eligible
    )
    word_rows = []
    for g in chosen:
        rows = order[starts[g] : starts[g + 1]]
        if len(rows) > max_occurrences:
            rows = rng.choice(rows, size=max_occurrences, replace=False)
        word_rows.append(np.sort(rows))
    selfsims, mevs, base_mevs = [], [], []
    if word_rows:
        vecs, winv = _fetch(source, np.concatenate(word_rows))
        at = 0
        for rows in word_rows:
            v = vecs[winv[at : at + len(rows)]].astype(np.float64)
            at += len(rows)
            u = _unit(v)
            k = len(v)
            g = u @ u.T
            selfsims.append((g.sum() - np.trace(g)) / (k * (k - 1)))
            mevs.append(_mev(v))
            base_mevs.append(
                _mev(pool[rng.choice(len(pool), size=min(k, len(pool)), replace=False)].astype(np.float64))
            )
    # sentences with at least two rows
    s_order, s_starts, _ = _groups(sids)
    s_eligible = np.flatnonzero(np.diff(s_starts) >= 2)
    s_chosen = np.sort(rng.choice(s_eligible, size=min(max_sentences, len(s_eligible)), replace=False))
    sent_rows = [np.sort(s_order[s_starts[g] : s_starts[g + 1]]) for g in s_chosen]
    intras = []
    if sent_rows:
        vecs, sinv = _fetch(source, np.concatenate(sent_rows))
        at = 0
        for rows in sent_rows:
            v = vecs[sinv[at : at + len(rows)]].astype(np.float64)
            at += len(rows)
            intras.append(float(np.mean(_unit(v) @ _unit(v.mean(axis=0)))))
    nan = float("nan")
    return _Sampled(
        mean_cosine=mean_cos,
        n_pairs=n_pairs,
        self_similarity=float(np.mean(selfsims)) if selfsims else nan,
        mev=float(np.mean(mevs)) if mevs else nan,
        mev_baseline=float(np.mean(base_mevs)) if base_mevs else nan,
        n_words=len(word_rows),
        intra=float(np.mean(intras)) if intras else nan,
        n_sentences=len(sent_rows),
    )


# ---- the report of a store or arrays ----------------------------------------------------------------------


def _moments_and_norm(source: Any, block_rows: int) -> tuple[Moments, float]:
    acc = MomentAccumulator(source.dim)
    norm_sum = 0.0
    for _, block in source.iter_blocks(block_rows):
        acc.update(block)
        norm_sum += float(np.sqrt(np.einsum("ij,ij->i", block, block)).sum(dtype=np.float64))
    m = acc.result()
    return m, norm_sum / m.n


def isotropy(
    data: Any,
    *,
    transform: Any = None,
    n_pairs: int = 10000,
    min_count: int = 5,
    max_words: int = 500,
    max_occurrences: int = 50,
    max_sentences: int = 1000,
    top_k: int = 10,
    seed: int = 0,
    block_rows: int = 16384,
) -> IsotropyReport:
    """The isotropy report of a `Store` (or `ArraySource`), optionally seen through a fitted `transform`.

    Global figures use every row (two streaming passes); sampled ones use `n_pairs` random pairs,
    up to `max_words` words with at least `min_count` occurrences (at most `max_occurrences` each) and
    up to `max_sentences` sentences, drawn with `seed`.
    """
    for name, value, low in (
        ("n_pairs", n_pairs, 1),
        ("min_count", min_count, 2),
        ("top_k", top_k, 1),
        ("max_words", max_words, 0),
        ("max_occurrences", max_occurrences, 2),
        ("max_sentences", max_sentences, 0),
    ):
        if value < low:
            raise CtxvecError(f"{name}={value} is too small; use at least {low}")
    source = data if transform is None else TransformedSource(data, transform)
    if source.n_rows < 2:
        raise CtxvecError(f"an isotropy report needs at least 2 vectors, got {source.n_rows}")
    m, mean_norm = _moments_and_norm(source, block_rows)
    values, _ = eigh_desc(m.covariance)
    total = values.sum()
    ratios = values / total if total > 0 else np.zeros_like(values)
    k = min(top_k, m.dim)
    logz = log_partition_functions(source, partition_directions(m.correlation), block_rows)
    log_ratio = float(logz.min() - logz.max())
    s = _sampled_measures(source, n_pairs, min_count, max_words, max_occurrences, max_sentences, seed)
    return IsotropyReport(
        n_rows=int(source.n_rows),
        dim=int(m.dim),
        seed=int(seed),
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
        min_count=int(min_count),
        intra_sentence_similarity=s.intra,
        intra_sentence_similarity_adjusted=s.intra - s.mean_cosine,
        n_sentences=s.n_sentences,
        pc_variance=ratios[:k].copy(),
    )


def isotropy_arrays(vectors: np.ndarray, sentence_ids: Any, tokens: Any, **kwargs: Any) -> IsotropyReport:
    """The isotropy report of in-memory vectors (n, dim) with sentence ids (n,) and tokens (n,); see `isotropy`."""
    vectors = np.asarray(vectors)
    if vectors.ndim != 2 or len(vectors) != len(sentence_ids) or len(vectors) != len(tokens):
        raise CtxvecError(
            f"vectors {vectors.shape}, sentence_ids ({len(sentence_ids)},) and tokens ({len(tokens)},) do not match"
        )
    return isotropy(ArraySource.from_tokens(vectors, sentence_ids, tokens), **kwargs)


# ---- per layer of a model ---------------------------------------------------------------------------------


@dataclass
class LayerIsotropy:
    """One report per hidden state of a model (layer 0 = input embeddings) on a sample of sentences."""

    model: str
    layers: list[int]
    reports: list[IsotropyReport]
    n_sentences: int
    n_rows: int
    seed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "n_sentences": self.n_sentences,
            "n_rows": self.n_rows,
            "seed": self.seed,
            "layers": [{"layer": layer, **r.to_dict()} for layer, r in zip(self.layers, self.reports, strict=True)],
        }

    def series(self, name: str) -> np.ndarray:
        """(n_layers + 1,) values of figure `name` across layers."""
        return np.array([getattr(r, name) for r in self.reports], dtype=np.float64)


def layer_isotropy(
    corpus: Any,
    model: str | None = None,
    *,
    sample_sentences: int = 500,
    unit: str | None = None,
    pooling: str | None = None,
    device: str = "auto",
    seed: int = 0,
    **report_kwargs: Any,
) -> LayerIsotropy:
    """Isotropy report for every layer of `model` on up to `sample_sentences` random sentences of `corpus`.

    `corpus`: anything `ctxvec.corpus._read.read_corpus` reads (path, built-in name, list of sentences), or a
    `Store` — then its sentences, and its model, unit and pooling unless given. Vectors come from
    ``BatchEncoder.load(EncodeSpec(model, layers="all"))``: (n_rows, n_layers + 1, dim), held in memory.
    """
    from dataclasses import replace

    from ..encoding import BatchEncoder, EncodeSpec

    if sample_sentences < 2:
        raise CtxvecError(f"--sample {sample_sentences} is too small; use at least 2")
    if isinstance(corpus, Store):
        texts = corpus.sentences.column("text").to_pylist()
        base = (
            EncodeSpec(model=model)
            if model and not corpus.manifest.get("encode")
            else EncodeSpec.from_manifest(corpus.manifest)
        )
        spec = replace(base, model=model or base.model, layers="all")
    else:
        from ..corpus import read_corpus

        texts = read_corpus(corpus).texts
        spec = EncodeSpec(model=model, layers="all")
    spec = replace(spec, unit=unit or spec.unit, pooling=pooling or spec.pooling)
    rng = np.random.default_rng(seed)
    if len(texts) > sample_sentences:
        texts = [texts[i] for i in np.sort(rng.choice(len(texts), size=sample_sentences, replace=False))]
    enc = BatchEncoder.load(spec, device=device)
    batch = enc(texts)
    if batch.vectors.ndim != 3:
        raise CtxvecError("the encoder did not return all layers")  # pragma: no cover
    reports = [
        isotropy_arrays(batch.vectors[:, layer, :], batch.sentence_index, batch.tokens, seed=seed, **report_kwargs)
        for layer in range(batch.vectors.shape[1])
    ]
    return LayerIsotropy(
        model=str(corpus.manifest["model"]["name"] if isinstance(corpus, Store) and not model else enc.ref.name),
        layers=list(range(len(reports))),
        reports=reports,
        n_sentences=len(texts),
        n_rows=len(batch),
        seed=seed,
    )


PLOT_SERIES = (
    ("mean_cosine", "mean cosine (random pairs)"),
    ("self_similarity", "self-similarity"),
    ("intra_sentence_similarity", "intra-sentence similarity"),
    ("mev", "max. explainable variance"),
    ("isoscore", "IsoScore"),
)


def plot_layers(result: LayerIsotropy, path: str | Path, title: str | None = None) -> Path:
    """Line plot of the main figures against the layer (Ethayarajh 2019 style), saved as PNG at `path`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for name, label in PLOT_SERIES:
        ax.plot(result.layers, result.series(name), marker="o", label=label)
    ax.set_xlabel("layer (0 = input embeddings)")
    ax.set_ylabel("value")
    ax.set_xticks(result.layers)
    ax.set_ylim(-0.05, 1.05)
    ax.grid(alpha=0.3)
    ax.set_title(title or f"{result.model}: {result.n_sentences} sentences, {result.n_rows} words", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as e:
        raise CtxvecError(f"cannot write the plot to {path} ({e.strerror}); choose a writable path") from None
    finally:
        plt.close(fig)
    return path
