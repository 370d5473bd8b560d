"""Word senses: k-means over one word's occurrences, with the number of senses chosen by silhouette.

`split_senses` works on any (n, dim) array; `word_senses` applies it to a word of a store and
describes every sense (size, most central sentences, nearest word types).

What is clustered is what distinguishes the occurrences (`center`, on by default): the unit vectors
minus their mean. All occurrences of a word share a large common direction (the word itself); without
it, cosines compare the contexts. With k given, the residuals are scaled to unit length (cosine); when k
is chosen, only softly (`centered` with `soft`): a full rescale maps an elongated unimodal cloud onto two
antipodal caps, which any rule would take for two senses. On WordNet example sentences this raises the
agreement with the synsets (adjusted Rand index, k given) from 0.18 to 0.31 (0.20 to 0.22 on a held-out
sample, 0.34 to 0.51 on homonyms; benchmarks/bench_senses.py).

The rule for the number of senses (when `k` is not given):

1. The (centered) vectors are reduced by PCA to `n_components` (10) dimensions, and to no more than
   one dimension per `points_per_component` (4) occurrences (at least 2), which removes most of the
   noise that flattens silhouettes in hundreds of dimensions (and keeps a handful of points from
   filling as many dimensions).
2. k-means (seeded) runs for k = 2..`k_max`; a split is admissible only if every cluster holds at
   least `min_share` (5 %) of the occurrences and at least `min_size` (3) distinct sentences (`groups`),
   so a few outliers, or the repeated word of one sentence, cannot form a "sense". The admissible k
   with the highest silhouette is the candidate.
3. The candidate must pass two checks, else the word has a single sense:
   - it beats a null: its silhouette exceeds by at least `margin` (0.02) the silhouette of the same
     k-means on Gaussian samples with the same per-component spread (no clusters by construction,
     mean of `n_null` draws). A fixed silhouette threshold would not do: a unimodal cloud already
     scores 0.1-0.5 depending on its dimension and shape.
   - every cluster is separated from its nearest other cluster by a density valley: along the line
     through the two centroids, the kernel density between them falls below `valley` (0.5) times its
     value at the lower centroid (`valley_ratio`). This rejects splits of skewed or heavy-tailed
     unimodal clouds into a core and a tail, which can fool silhouettes.

The parameters of the rule are a `SenseRule` (defaults as above).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

from .._threads import threads_for
from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result, jsonable
from ..sampling import unit_rows
from ..store import Occurrence
from ._sense_labels import MinoritySynset, SenseLabel
from ._sense_placement import Unplaced

SILHOUETTE_SAMPLE = 2000
KEYWORD_POOL = 40


@dataclass(frozen=True)
class SenseRule:
    """How the number of senses is chosen when it is not given (see the module doc): k = 2..`k_max`
    on a PCA to `n_components` dimensions (at most one per `points_per_component` occurrences); every
    cluster at least `min_share` of the occurrences and `min_size` distinct groups (sentences);
    silhouette above the mean of `n_null` Gaussian nulls by `margin`; density valley ratio at most
    `valley`. `center`: cluster the unit vectors minus their mean, rescaled to unit length when k is
    given and by `centered`'s `soft` rescale when k is chosen (module doc)."""

    k_max: int = 6
    n_components: int = 10
    margin: float = 0.02
    valley: float = 0.5
    min_share: float = 0.05
    min_size: int = 3
    n_null: int = 3
    small_share: float = 0.10
    minorities: bool = True
    center: bool = True
    points_per_component: int = 4
    soft: float = 1.5


DEFAULT_RULE = SenseRule()


def _kmeans(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    return np.asarray(KMeans(n_clusters=k, n_init=4, random_state=seed).fit_predict(y))


def _silhouette(y: np.ndarray, labels: np.ndarray, seed: int) -> float:
    if not 2 <= len(np.unique(labels)) < len(y):
        return math.nan if len(np.unique(labels)) >= len(y) else 0.0
    size = min(len(y), SILHOUETTE_SAMPLE)
    return float(silhouette_score(y, labels, sample_size=size, random_state=seed))


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel so that sense 0 is the largest, 1 the next, ...; ties by label."""
    uniq, counts = np.unique(labels, return_counts=True)
    order = uniq[np.lexsort((uniq, -counts))]
    mapping = np.empty(uniq.max() + 1, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    return np.asarray(mapping[labels])


def null_silhouette(y: np.ndarray, k: int, n_draws: int = 3, seed: int = 0) -> float:
    """Mean silhouette of k-means with `k` on `n_draws` Gaussian samples shaped like (n, p) `y`
    (same per-component standard deviation, no clusters)."""
    rng = np.random.default_rng(seed)
    spread = y.std(axis=0)
    draws = (rng.normal(size=y.shape) * spread for _ in range(max(n_draws, 1)))
    return float(np.mean([_silhouette(z, _kmeans(z, k, seed), seed) for z in draws]))


def valley_ratio(y: np.ndarray, labels: np.ndarray, grid: int = 64) -> float:
    """How weakly the clusters of (n, p) `y` are separated: 0 = empty gap, 1 = no valley at all.

    For each cluster and its nearest other cluster, the points of both are projected on the line
    through their centroids; a Gaussian kernel density (bandwidth from the pooled within-cluster
    spread, Silverman's factor) is evaluated at `grid` points between the centroids; the ratio is its
    minimum there over the smaller of its values at the two centroids. Returns the worst (largest) ratio.
    """
    k = int(labels.max()) + 1
    if k < 2:
        return 1.0
    cents = np.stack([y[labels == c].mean(axis=0) for c in range(k)])
    worst = 0.0
    for a in range(k):
        dist = np.linalg.norm(cents - cents[a], axis=1)
        dist[a] = np.inf
        b = int(np.argmin(dist))
        u = (cents[b] - cents[a]) / dist[b]
        pair = (labels == a) | (labels == b)
        t = (y[pair] - cents[a]) @ u
        within = np.where(labels[pair] == a, t, t - dist[b])
        h = max(1.06 * within.std() * len(t) ** -0.2, 1e-12)
        pts = np.linspace(0.0, dist[b], grid)
        dens = np.exp(-0.5 * ((pts[:, None] - t[None, :]) / h) ** 2).sum(axis=1)
        worst = max(worst, float(dens.min() / max(min(dens[0], dens[-1]), 1e-300)))
    return worst


@dataclass
class SenseSplit(Result):
    """How n occurrences split into senses.

    labels (n,) sense of each occurrence, 0 = largest; k the number of senses; ks (m,) the k tried
    and silhouettes (m,) their silhouettes (nan where a cluster was too small); null_silhouette and
    valley the checks of the candidate split (nan when not computed); reason says how k was chosen.
    """

    labels: np.ndarray
    k: int
    ks: np.ndarray
    silhouettes: np.ndarray
    null_silhouette: float
    valley: float
    reason: str

    @property
    def silhouette(self) -> float:
        """Silhouette of the chosen split (nan for a single sense)."""
        hit = np.flatnonzero(self.ks == self.k)
        return float(self.silhouettes[hit[0]]) if len(hit) else math.nan

    def to_dict(self) -> JSON:
        """k, reason, the silhouette of each k tried (None where a cluster was too small), the checks
        and the sense label of each occurrence."""
        data: JSON = jsonable(
            {
                "k": self.k,
                "reason": self.reason,
                "silhouette": self.silhouette,
                "null_silhouette": self.null_silhouette,
                "valley": self.valley,
                "silhouettes": {str(int(k)): float(s) for k, s in zip(self.ks, self.silhouettes, strict=True)},
                "labels": self.labels,
            }
        )
        return data


def split_senses(
    vectors: np.ndarray,
    k: int | None = None,
    *,
    rule: SenseRule = DEFAULT_RULE,
    seed: int = 0,
    groups: np.ndarray | None = None,
) -> SenseSplit:
    """Cluster (n, dim) occurrence vectors into senses; `k=None` chooses k by `rule` (see the module doc).
    `groups` (n,): the sentence (any id) of each occurrence; a sense must span `rule.min_size` distinct
    groups (default: every occurrence its own group)."""
    with threads_for(len(vectors)):
        return _split(vectors, k, rule, seed, groups)


def centered(x: np.ndarray, soft: float = 0.0) -> np.ndarray:
    """(n, dim) rows minus their mean, each divided by sqrt(|r|^2 + (soft * median |r|)^2): unit length
    for `soft` 0 (what distinguishes the rows, in cosine), near-linear for residuals well under
    `soft` times the median (so a unimodal cloud keeps its centre)."""
    if len(x) < 2:
        return x
    r = x - x.mean(axis=0)
    norms = np.linalg.norm(r, axis=1, keepdims=True)
    scale = np.sqrt(norms**2 + (soft * np.median(norms)) ** 2)
    return np.asarray(r / np.where(scale > 0, scale, 1.0))


def _n_groups(groups: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """(k,) how many distinct groups each of the `k` clusters holds."""
    return np.array([len(np.unique(groups[labels == c])) for c in range(k)])


def _reduce(x: np.ndarray, rule: SenseRule, cap: bool = True) -> np.ndarray:
    """PCA of (n, dim) `x` to `rule.n_components` dims; with `cap`, at most n // `rule.points_per_component` (>= 2)."""
    n = len(x)
    per = max(2, n // max(rule.points_per_component, 1)) if cap else n
    n_comp = max(1, min(rule.n_components, per, n - 1, x.shape[1]))
    return PCA(n_components=n_comp, svd_solver="full").fit_transform(x) if n > 2 else x


def _split(vectors: np.ndarray, k: int | None, rule: SenseRule, seed: int, groups: np.ndarray | None) -> SenseSplit:
    if not 0 < rule.min_share <= 0.5:
        raise ParameterError("min_share", f"{{name}} {rule.min_share} is out of range; use a share in (0, 0.5]")
    x = unit_rows(vectors)
    n = len(x)
    nan = math.nan
    if n == 0:
        raise CtxvecError("no occurrences to cluster")
    if k is not None and not 1 <= k <= n:
        raise ParameterError("k", f"{{name}} {k} is out of range; use 1..{n} (the number of occurrences)")
    if groups is None:
        groups = np.arange(n)
    groups = np.asarray(groups)
    if groups.shape != (n,):
        raise ParameterError("groups", f"{{name}} has shape {groups.shape}; use one group per occurrence ({n},)")
    empty = np.zeros(0, dtype=np.int64)
    one = np.zeros(n, dtype=np.int64)
    if k is not None:
        if k == 1:
            return SenseSplit(one, 1, empty, np.zeros(0), nan, nan, "given")
        y = _reduce(centered(x) if rule.center else x, rule, cap=False)
        labels = _by_size(_kmeans(y, k, seed))
        sil = np.array([_silhouette(y, labels, seed)])
        return SenseSplit(labels, k, np.array([k]), sil, nan, valley_ratio(y, labels), "given")
    if rule.center:
        x = centered(x, rule.soft)
    y = _reduce(x, rule)

    smallest = max(rule.min_size, math.ceil(rule.min_share * n))
    n_distinct = len(np.unique(groups))
    ks = np.arange(2, min(rule.k_max, n // smallest, n_distinct // rule.min_size) + 1)
    if len(ks) == 0:
        return SenseSplit(one, 1, empty, np.zeros(0), nan, nan, f"too few occurrences ({n}) to split")
    sils = np.full(len(ks), np.nan)
    splits: dict[int, np.ndarray] = {}
    for i, kk in enumerate(ks):
        labels = _kmeans(y, int(kk), seed)
        if (
            np.bincount(labels, minlength=kk).min() >= smallest
            and _n_groups(groups, labels, int(kk)).min() >= rule.min_size
        ):
            splits[int(kk)] = labels
            sils[i] = _silhouette(y, labels, seed)
    if not splits:
        return SenseSplit(one, 1, ks, sils, nan, nan, "every split leaves a cluster below the minimum size")
    best = int(ks[np.nanargmax(sils)])
    best_sil = float(np.nanmax(sils))
    null = null_silhouette(y, best, rule.n_null, seed)
    gap = valley_ratio(y, splits[best])
    checks = f"best k={best}: silhouette {best_sil:.3f} vs null {null:.3f}, valley {gap:.2f}"
    if best_sil - null < rule.margin or gap > rule.valley:
        return _with_minorities(
            SenseSplit(one, 1, ks, sils, null, gap, f"no convincing split ({checks})"), x, rule, seed, groups
        )
    split = SenseSplit(_by_size(splits[best]), best, ks, sils, null, gap, checks)
    return _with_minorities(split, x, rule, seed, groups)


def _with_minorities(split: SenseSplit, x: np.ndarray, rule: SenseRule, seed: int, groups: np.ndarray) -> SenseSplit:
    """`split` with minority senses split off (`minority_split` on each sense, largest first, while
    k < `rule.k_max`); the reason names them."""
    if not rule.minorities:
        return split
    labels = split.labels.copy()
    found = []
    for sense in range(split.k):
        if int(labels.max()) + 1 >= rule.k_max:
            break
        members = np.flatnonzero(labels == sense)
        part = minority_split(x[members], len(x), rule, seed, groups[members])
        if part is not None:
            labels[members[part]] = int(labels.max()) + 1
            found.append(f"{int(part.sum())} from sense {sense + 1}")
    if not found:
        return split
    k = int(labels.max()) + 1
    why = f"{split.reason}; minority sense(s) split off: {', '.join(found)}"
    return SenseSplit(_by_size(labels), k, split.ks, split.silhouettes, split.null_silhouette, split.valley, why)


def minority_split(
    x: np.ndarray, n_all: int, rule: SenseRule, seed: int, groups: np.ndarray | None = None
) -> np.ndarray | None:
    """A minority sense inside one sense's unit vectors (m, dim), as a mask (m,), or None.

    A 2-means on a PCA of the sense's own occurrences; its smaller part is a minority sense when it holds at
    least `rule.min_share` of all `n_all` occurrences (and `rule.min_size` distinct `groups`), at most a
    third of the sense, and the two parts pass the same checks as a split (silhouette above the Gaussian
    null by `rule.margin`, density valley at most `rule.valley`).
    """
    m = len(x)
    groups = np.arange(m) if groups is None else np.asarray(groups)
    smallest = max(rule.min_size, math.ceil(rule.min_share * n_all))
    if m < 3 * smallest or m < 6:
        return None
    y = _reduce(x, rule)
    labels = _kmeans(y, 2, seed)
    small = int(np.argmin(np.bincount(labels, minlength=2)))
    size = int((labels == small).sum())
    if size < smallest or size > m / 3 or len(np.unique(groups[labels == small])) < rule.min_size:
        return None
    if _silhouette(y, labels, seed) - null_silhouette(y, 2, rule.n_null, seed) < rule.margin:
        return None
    if valley_ratio(y, labels) > rule.valley:
        return None
    return np.asarray(labels == small)


@dataclass
class Sense(Result):
    """One sense: its occurrences (rows), centroid (dim,) of unit vectors, most central occurrences
    and the word types nearest its centroid (with cosines)."""

    frame_path = ()  # one row per field; its examples show in context

    label: int
    size: int
    rows: np.ndarray
    centroid: np.ndarray
    central: list[Occurrence]
    central_scores: np.ndarray
    nearest_words: list[str]
    nearest_scores: np.ndarray
    keywords: list[str] = field(default_factory=list)
    share: float = 1.0
    small: bool = False
    wordnet: SenseLabel | None = None
    nearest_forms: list[list[str]] = field(default_factory=list)

    def to_dict(self) -> JSON:
        """Size, share of the clustered occurrences, `small` (share below the small-sense line), central
        sentences (with row, span and cosine), nearest words (each with its other forms among the
        neighbours), keywords and the WordNet label (None when there is none)."""
        forms = self.nearest_forms or [[] for _ in self.nearest_words]
        return {
            "sense": int(self.label),
            "size": int(self.size),
            "share": float(self.share),
            "small": bool(self.small),
            "wordnet": None if self.wordnet is None else self.wordnet.to_dict(),
            "sentences": [o.sentence for o in self.central],
            "central": [
                {"row": o.row, "sentence_id": o.sentence_id, "start": o.start, "end": o.end, "score": float(s)}
                for o, s in zip(self.central, self.central_scores, strict=True)
            ],
            "nearest_words": [
                {"word": w, "score": float(s), "forms": f}
                for w, s, f in zip(self.nearest_words, self.nearest_scores, forms, strict=True)
            ],
            "keywords": list(self.keywords),
        }


@dataclass
class QuerySense(Result):
    """Which sense a new sentence's usage of the word belongs to: the `occurrence`, the nearest sense
    (`sense`, 0 = largest) and the cosine of its contextual part with that sense's (`similarity`);
    `represented` false when the corpus holds no such usage (then the answer is "none of the corpus's
    senses", `sense` is None and `nearest_sense` says which was closest); `label`: the WordNet label of
    the occurrence itself from all the evidence; `usage`: the usage check's line (None when represented)."""

    occurrence: Occurrence
    sense: int | None
    nearest_sense: int
    similarity: float
    represented: bool
    label: SenseLabel | None
    usage: str | None

    def to_dict(self) -> JSON:
        o = self.occurrence
        return {
            "sentence": o.sentence,
            "token": o.token,
            "start": o.start,
            "end": o.end,
            "sense": None if self.sense is None else int(self.sense),
            "nearest_sense": int(self.nearest_sense),
            "similarity": round(float(self.similarity), 6),
            "represented": bool(self.represented),
            "wordnet": None if self.label is None else self.label.to_dict(),
            "warning": self.usage,
        }


@dataclass
class Senses(Result):
    """The senses of `word`: rows (n,) of the clustered occurrences (a sample when `n_total` is larger),
    labels (n,) (-1: not placed, see `unplaced`), the split diagnostics and one `Sense` per cluster,
    largest first. `row_senses` holds the sense of each occurrence asked for with
    `word_senses(..., rows=...)` (see `sense_of`). `unplaced`: the occurrences set apart from every
    sense, by reason (`_sense_placement`)."""

    word: str
    rows: np.ndarray
    labels: np.ndarray
    split: SenseSplit
    senses: list[Sense] = field(default_factory=list)
    n_total: int = 0
    row_senses: dict[int, int] = field(default_factory=dict)
    wordnet_note: str = ""
    rule: SenseRule = DEFAULT_RULE
    excluded_forms: list[str] = field(default_factory=list)
    minorities: list[MinoritySynset] = field(default_factory=list)
    refined: list[str] = field(default_factory=list)
    query: QuerySense | None = None
    unplaced: list[Unplaced] = field(default_factory=list)

    def sense_of(self, row: int) -> int:
        """The sense (0 = largest; -1 not placed) of the occurrence at store row `row`: its sense when it was
        clustered, else (asked with `rows=`) the sense whose centroid is nearest by cosine."""
        if row in self.row_senses:
            return self.row_senses[row]
        hit = np.flatnonzero(self.rows == row)
        if len(hit):
            return int(self.labels[hit[0]])
        raise CtxvecError(
            f"row {row} was not clustered (a sample of {len(self.rows):,} of {self.n_total:,} occurrences); "
            "ask for it with word_senses(..., rows=[row])"
        )

    @property
    def k(self) -> int:
        return self.split.k

    @property
    def sampled(self) -> bool:
        return len(self.rows) < self.n_total

    def to_dict(self) -> JSON:
        """The word, k and how it was chosen (silhouette per k tried, null, valley) and every sense;
        with rows asked for, `row_senses`: [{row, sense, clustered}] (clustered: false when the row
        was outside the clustered sample and got the sense of the nearest centroid)."""
        data: JSON = {
            "word": self.word,
            "k": int(self.k),
            "n_occurrences": int(self.n_total),
            "n_clustered": len(self.rows),
            "reason": self.split.reason,
            "null_silhouette": None if np.isnan(self.split.null_silhouette) else float(self.split.null_silhouette),
            "valley": None if np.isnan(self.split.valley) else float(self.split.valley),
            "silhouettes": {
                str(int(k)): (None if np.isnan(s) else float(s))
                for k, s in zip(self.split.ks, self.split.silhouettes, strict=True)
            },
            "min_share": float(self.rule.min_share),
            "small_share": float(self.rule.small_share),
            "wordnet_note": self.wordnet_note,
            "excluded_forms": list(self.excluded_forms),
            "senses": [s.to_dict() for s in self.senses],
            "minority_synsets": [m.to_dict() for m in self.minorities],
            "refined": list(self.refined),
            "query": None if self.query is None else self.query.to_dict(),
            "unplaced": [u.to_dict() for u in self.unplaced],
        }
        if self.row_senses:
            clustered = {int(r) for r in self.rows}
            data["row_senses"] = [
                {"row": int(r), "sense": int(label), "clustered": int(r) in clustered}
                for r, label in self.row_senses.items()
            ]
        return data
