"""2-D projections (PCA, UMAP, t-SNE) of chosen words' occurrences, of word types, or of a store sample.

All projections are seeded and deterministic. Vectors are scaled to unit length first (the
cosine geometry every other operation uses). Selections larger than `max_points` are sampled
(seeded; every chosen word keeps a fair share) and the `Projection` records it (`sampled`, `note`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from .._threads import threads_for
from ..errors import ParameterError
from ..results import JSON, Result
from ..sampling import sample_rows, unit_rows
from ..store import Store, normalize_word
from ._names import COLORS, LEVELS, METHOD_NAMES, METHODS
from ._senses import Sense, Senses, split_senses

if TYPE_CHECKING:
    from ..queries import Queries

OTHER = "other"


@dataclass(frozen=True)
class ProjectionOptions:
    """Estimator settings of `project` (None: the default for the number of points).

    perplexity: t-SNE (default min(30, (n - 1) / 3)); n_neighbors: UMAP (default min(15, n - 1));
    n_epochs: UMAP (default UMAP's own, 200 or 500 by size)."""

    perplexity: float | None = None
    n_neighbors: int | None = None
    n_epochs: int | None = None


DEFAULT_OPTIONS = ProjectionOptions()


def project(
    x: np.ndarray, method: str = "pca", *, seed: int = 0, options: ProjectionOptions = DEFAULT_OPTIONS
) -> np.ndarray:
    """(n, dim) -> (n, 2) float32 coordinates by `method` ("pca", "umap" or "tsne"), seeded."""
    return fit_projection(x, method, seed=seed, options=options)[0]


Transform = Callable[[np.ndarray], np.ndarray]


def fit_projection(
    x: np.ndarray, method: str = "pca", *, seed: int = 0, options: ProjectionOptions = DEFAULT_OPTIONS
) -> tuple[np.ndarray, Transform | None]:
    """`project` and the fitted map: (n, 2) coordinates and a function placing new (m, dim) vectors
    in the same 2-D map (PCA and UMAP; None for t-SNE, which has no transform)."""
    x = np.asarray(x, dtype=np.float32)
    if method not in METHODS:
        raise ParameterError("method", f"unknown projection {{name}} {method!r}; use one of {', '.join(METHODS)}")
    with threads_for(len(x)):
        out, model = _project(x, method, seed, options)
    if model is None:
        return _two_columns(out), None
    return _two_columns(out), lambda z: _two_columns(np.asarray(model(np.asarray(z, dtype=np.float32)), np.float32))


def _two_columns(out: np.ndarray) -> np.ndarray:
    if out.shape[1] < 2:
        out = np.hstack([out, np.zeros((len(out), 2 - out.shape[1]), dtype=np.float32)])
    return out


def _project(x: np.ndarray, method: str, seed: int, options: ProjectionOptions) -> tuple[np.ndarray, Transform | None]:
    n = len(x)
    if method == "pca" or n < 3:
        if n < 2:
            return np.zeros((n, 2), dtype=np.float32), lambda z: np.zeros((len(z), 2), dtype=np.float32)
        from sklearn.decomposition import PCA

        n_comp = min(2, n, x.shape[1])
        pca = PCA(n_components=n_comp, svd_solver="full")
        return np.asarray(pca.fit_transform(x), dtype=np.float32), pca.transform
    if method == "tsne":
        if n < 5:
            raise ParameterError("method", f"t-SNE needs at least 5 points, got {n}; choose more words or {{name}} pca")
        from sklearn.manifold import TSNE

        perplexity = options.perplexity if options.perplexity is not None else float(min(30.0, (n - 1) / 3))
        out = TSNE(n_components=2, init="pca", random_state=seed, perplexity=perplexity).fit_transform(x)
        return np.asarray(out, dtype=np.float32), None
    if n < 5:
        raise ParameterError("method", f"UMAP needs at least 5 points, got {n}; choose more words or {{name}} pca")
    try:
        import umap
    except ImportError:  # pragma: no cover - optional dependency
        raise ParameterError(
            "method", "UMAP needs the umap-learn package; `pip install ctxvec[umap]` or use {name} pca"
        ) from None
    reducer = umap.UMAP(
        n_components=2,
        random_state=seed,
        n_neighbors=options.n_neighbors if options.n_neighbors is not None else min(15, n - 1),
        n_epochs=options.n_epochs,
        init="spectral" if n > 10 else "random",
        n_jobs=1,  # a seed makes UMAP single-threaded anyway
    )
    return np.asarray(reducer.fit_transform(x), dtype=np.float32), reducer.transform


@dataclass(frozen=True)
class PlacedQuery:
    """An occurrence of a new sentence placed in a map: its 2-D point, token, sentence and span."""

    x: float
    y: float
    token: str
    sentence: str
    start: int
    end: int

    def to_dict(self) -> JSON:
        return {
            "x": self.x,
            "y": self.y,
            "token": self.token,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Projection(Result):
    """Points in 2-D: coords (n, 2); groups (n,) the colour group of each point (a word, "word 2" for
    a sense, or "other"); tokens (n,) token or word-type text; rows (n,) store rows (-1 for word
    types); sentences (n,) sentence text ("" for types); spans (n, 2) token span in its sentence.
    n_total is the number of points the selection had before sampling. `queries`: occurrences of new
    sentences placed in the same map (`place_sentence`); `transform` places (m, dim) unit vectors
    (None for t-SNE)."""

    coords: np.ndarray
    groups: np.ndarray
    tokens: np.ndarray
    rows: np.ndarray
    sentences: list[str]
    spans: np.ndarray
    method: str
    level: str
    n_total: int
    queries: list[PlacedQuery] = field(default_factory=list)
    transform: Transform | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.coords)

    @property
    def sampled(self) -> bool:
        return len(self) < self.n_total

    @property
    def note(self) -> str:
        """ "sampled 3,000 of 12,345 occurrences" when sampled, else ""."""
        if not self.sampled:
            return ""
        what = "word types" if self.level == "types" else "occurrences"
        return f"sampled {len(self):,} of {self.n_total:,} {what}"

    @property
    def group_names(self) -> list[str]:
        """Distinct groups in first-appearance order, "other" last."""
        seen = list(dict.fromkeys(str(g) for g in self.groups))
        return [g for g in seen if g != OTHER] + ([OTHER] if OTHER in seen else [])

    def to_dict(self) -> JSON:
        """Method, level, sampling and every point with its coordinates, group, token, row and sentence;
        with new sentences placed, `queries`: [{x, y, token, sentence, start, end}]."""
        data: JSON = {
            "method": self.method,
            "level": self.level,
            "n_total": self.n_total,
            "sampled": self.sampled,
            "groups": self.group_names,
            "points": [
                {"x": float(x), "y": float(y), "group": str(g), "token": str(t), "row": int(r), "sentence": s}
                for (x, y), g, t, r, s in zip(
                    self.coords, self.groups, self.tokens, self.rows, self.sentences, strict=True
                )
            ],
        }
        if self.queries:
            data["queries"] = [q.to_dict() for q in self.queries]
        return data

    def title(self) -> str:
        """The default figure title: method, level and sampling note."""
        what = {"occurrences": "occurrences", "types": "word types", "sample": "sample of the store"}[self.level]
        t = f"{METHOD_NAMES[self.method]} of {what}"
        return t + (f" ({self.note})" if self.note else "")


def fair_shares(counts: list[int], total: int | None) -> list[int]:
    """How many of each group to keep so the sum is at most `total` and small groups keep everything."""
    if total is None or sum(counts) <= total:
        return list(counts)
    shares = [0] * len(counts)
    left = total
    order = sorted(range(len(counts)), key=lambda i: counts[i])
    for j, i in enumerate(order):
        shares[i] = min(counts[i], left // (len(counts) - j))
        left -= shares[i]
    return shares


def _word_rows(
    store: Store, words: list[str], limit: int | None, seed: int, keep: np.ndarray | None = None
) -> tuple[list[np.ndarray], int]:
    all_rows = [r if keep is None else r[keep[r]] for r in (store.occurrences(w) for w in words)]
    shares = fair_shares([len(r) for r in all_rows], limit)
    picked = [sample_rows(r, s, seed + i) for i, (r, s) in enumerate(zip(all_rows, shares, strict=True))]
    return picked, sum(len(r) for r in all_rows)


def _occurrence_projection(
    store: Store,
    coords: np.ndarray,
    rows: np.ndarray,
    groups: np.ndarray,
    method: str,
    level: str,
    n_total: int,
    transform: Transform | None = None,
) -> Projection:
    sids = store.sentence_ids[rows]
    return Projection(
        coords=coords,
        groups=groups,
        tokens=np.array([str(t) for t in store.tokens[rows]], dtype=object),
        rows=rows,
        sentences=[store.sentence(int(s)) for s in sids],
        spans=np.asarray(store.spans[rows], dtype=np.int32).reshape(-1, 2),
        method=method,
        level=level,
        n_total=n_total,
        transform=transform,
    )


def _sense_groups(word: str, labels: np.ndarray) -> np.ndarray:
    """Group names "word 1", "word 2", ... for sense labels (n,), or just the word for one sense."""
    if len(labels) == 0 or labels.max() == 0:
        return np.array([word if label >= 0 else f"{word}: not placed" for label in labels], dtype=object)
    return np.array([f"{word} {label + 1}" if label >= 0 else f"{word}: not placed" for label in labels], dtype=object)


def project_words(
    store: Store,
    words: list[str] | tuple[str, ...] = (),
    *,
    method: str = "pca",
    level: str = "occurrences",
    color: str = "word",
    max_points: int = 3000,
    neighbors: int = 10,
    min_count: int = 3,
    seed: int = 0,
    options: ProjectionOptions = DEFAULT_OPTIONS,
    in_sentence: str | None = None,
    word: str | None = None,
    where: str | None = None,
) -> Projection:
    """Project chosen words of `store` to 2-D (`where`: only the occurrences in that slice of the document
    metadata, `ctxvec.slices`; occurrence and sample levels).

    level="occurrences": every occurrence of `words` (sampled to `max_points`, each word a fair share);
    level="types": the word types of `words` with their `neighbors` nearest types (or, with no words,
    the `max_points` most frequent types with at least `min_count` occurrences);
    level="sample": a uniform sample of the whole store, the occurrences of `words` coloured, the rest "other".
    color="sense" splits each word's occurrences into senses (`split_senses`).
    `method`, `seed` and `options` are those of `project`. `in_sentence` (with its `word`): a new
    sentence whose occurrence of `word` is placed in the same map (`place_sentence`, `queries`).
    """
    check_placement(method, word, in_sentence)
    keep = None
    if where is not None:
        from ..slices import slice_rows

        keep = np.zeros(store.n_rows, dtype=bool)
        keep[slice_rows(store, where)] = True
    args = (store, words, method, level, color, max_points, neighbors, min_count, seed, options, keep)
    if in_sentence is None:
        return _project_words(*args)
    queries = _sentence_queries(store, word, in_sentence)  # before the fit: a word missing there fails fast
    proj = _project_words(*args)
    return _place(proj, queries)


def _project_words(
    store: Store,
    words: list[str] | tuple[str, ...],
    method: str,
    level: str,
    color: str,
    max_points: int,
    neighbors: int,
    min_count: int,
    seed: int,
    options: ProjectionOptions,
    keep: np.ndarray | None = None,
) -> Projection:
    if level not in LEVELS:
        raise ParameterError("level", f"unknown {{name}} {level!r}; use one of {', '.join(LEVELS)}")
    if color not in COLORS:
        raise ParameterError("color", f"unknown {{name}} {color!r}; use one of {', '.join(COLORS)}")
    if method not in METHODS:
        raise ParameterError("method", f"unknown projection {{name}} {method!r}; use one of {', '.join(METHODS)}")
    if max_points < 1:
        raise ParameterError("max_points", f"{{name}} must be at least 1, got {max_points}")
    words = list(dict.fromkeys(normalize_word(w) for w in words))
    if level == "types":
        if color == "sense":
            raise ParameterError("color", "{name} sense needs occurrences; use level occurrences or sample")
        return _project_types(store, words, method, max_points, neighbors, min_count, seed, options)
    if level == "occurrences" and not words:
        raise ParameterError("level", "give at least one word to plot its occurrences, or use {name} sample or types")
    quota = max_points if level == "occurrences" else (max_points // 2 if words else 0)
    picked, n_word_rows = _word_rows(store, words, quota, seed, keep)
    parts, unit_parts, n_total = [], [], n_word_rows
    for word, rows in zip(words, picked, strict=True):
        unit = unit_rows(store.get_vectors(rows)).astype(np.float32)
        if color == "sense" and len(rows):
            labels = split_senses(unit, seed=seed).labels
            order = np.argsort(labels, kind="stable")  # sense 1 first
            rows, unit, groups = rows[order], unit[order], _sense_groups(word, labels[order])
        else:
            groups = np.full(len(rows), word, dtype=object)
        parts.append((rows, groups))
        unit_parts.append(unit)
    if level == "sample":
        n_total = store.n_rows
        chosen = np.concatenate([np.zeros(0, dtype=np.int64), *(np.asarray(r) for r in picked)])
        mask = np.ones(store.n_rows, dtype=bool) if keep is None else keep.copy()
        mask[chosen] = False
        rest = sample_rows(np.flatnonzero(mask), max_points - len(chosen), seed)
        parts.append((rest, np.full(len(rest), OTHER, dtype=object)))
        unit_parts.append(unit_rows(store.get_vectors(rest)).astype(np.float32))
    rows = np.concatenate([p[0] for p in parts]).astype(np.int64)
    groups = np.concatenate([p[1] for p in parts])
    coords, transform = fit_projection(np.concatenate(unit_parts), method, seed=seed, options=options)
    return _occurrence_projection(store, coords, rows, groups, method, level, n_total, transform)


def _project_types(
    store: Store,
    words: list[str],
    method: str,
    max_points: int,
    neighbors: int,
    min_count: int,
    seed: int,
    options: ProjectionOptions,
) -> Projection:
    from ..lexicon import word_types

    types = word_types(store, min_count=min_count)
    unit = unit_rows(types.vectors).astype(np.float32)
    if words:
        ids: list[int] = []
        groups: list[str] = []
        for w in words:
            store.word_id(w)  # clear error for unknown words
            i = types.index(w)
            near = np.argsort(-(unit @ unit[i]), kind="stable")[: neighbors + 1]
            for j in [i, *(int(x) for x in near if x != i)][: neighbors + 1]:
                if j not in ids:
                    ids.append(j)
                    groups.append(w)
        idx = np.asarray(ids, dtype=np.int64)
        group_arr = np.asarray(groups, dtype=object)
        n_total = len(idx)
    else:
        idx = np.sort(np.argsort(-types.counts, kind="stable")[:max_points])
        group_arr = np.full(len(idx), "word type", dtype=object)
        n_total = len(types)
    coords, transform = fit_projection(unit[idx], method, seed=seed, options=options)
    return Projection(
        coords=coords,
        groups=group_arr,
        tokens=np.asarray([str(w) for w in types.words[idx]], dtype=object),
        rows=np.full(len(idx), -1, dtype=np.int64),
        sentences=[f"{int(c)} occurrences" for c in types.counts[idx]],
        spans=np.zeros((len(idx), 2), dtype=np.int32),
        method=method,
        level="types",
        n_total=n_total,
        transform=transform,
    )


def senses_projection(
    store: Store,
    senses: Senses,
    *,
    method: str = "pca",
    seed: int = 0,
    options: ProjectionOptions = DEFAULT_OPTIONS,
) -> Projection:
    """Project the occurrences clustered by `word_senses`, grouped by sense ("bank 1", "bank 2", ...,
    with up to two keywords: "charge 2: commanded, responsible"; the occurrences not placed in any
    sense last, as "charge: not placed")."""
    labels = np.asarray(senses.labels)
    order = np.argsort(np.where(labels < 0, labels.max() + 1, labels), kind="stable")  # not placed: last
    rows = np.asarray(senses.rows, dtype=np.int64)[order]
    groups = _sense_groups(senses.word, np.asarray(senses.labels)[order])
    if senses.k > 1:
        names = {f"{senses.word} {s.label + 1}": _sense_name(s) for s in senses.senses}
        groups = np.array([f"{g}: {names[g]}" if names.get(g) else g for g in groups], dtype=object)
    coords, transform = fit_projection(unit_rows(store.get_vectors(rows)), method, seed=seed, options=options)
    return _occurrence_projection(store, coords, rows, groups, method, "occurrences", senses.n_total, transform)


def _sense_name(sense: Sense) -> str:
    """A sense's legend text: its WordNet synset when one matches, then up to two keywords."""
    words = ", ".join(sense.keywords[:2])
    if sense.wordnet is not None and sense.wordnet.match:
        return f"{sense.wordnet.synset} ({words})" if words else sense.wordnet.synset
    return words


def place_sentence(store: Store, projection: Projection, word: str | None, in_sentence: str) -> Projection:
    """`projection` with the occurrences of `word` in the new sentence `in_sentence` (embedded with the
    store's encoder, `ctxvec.queries.select_queries`) placed in its map by the fitted transform
    (PCA or UMAP; t-SNE has none: a ParameterError on `method`)."""
    check_placement(projection.method, word, in_sentence)
    return _place(projection, _sentence_queries(store, word, in_sentence))


def check_placement(method: str, word: str | None, in_sentence: str | None) -> None:
    """ParameterError unless a new sentence can be placed as asked: `word` and `in_sentence` both
    or neither, and a method with a transform (pca, umap)."""
    if in_sentence is None:
        if word is not None:
            raise ParameterError("in_sentence", f"{{name}} is missing: word {word!r} needs the new sentence holding it")
        return
    if word is None or not word.strip():
        raise ParameterError("word", "{name} is missing: give the word of the new sentence to place")
    if method == "tsne":
        raise ParameterError("method", "{name} tsne cannot place a new sentence in its map; use pca or umap")


def _sentence_queries(store: Store, word: str | None, in_sentence: str) -> Queries:
    from ..queries import select_queries

    return select_queries(store, word, in_sentence=in_sentence)


def _place(projection: Projection, queries: Queries) -> Projection:
    if projection.transform is None:
        raise ParameterError(
            "method", f"{{name}} {projection.method} cannot place a new sentence in its map; use pca or umap"
        )
    with threads_for(len(projection)):
        xy = projection.transform(unit_rows(queries.vectors).astype(np.float32))
    placed = [
        PlacedQuery(float(x), float(y), o.token, o.sentence, int(o.start), int(o.end))
        for (x, y), o in zip(xy, queries.occurrences, strict=True)
    ]
    return replace(projection, queries=[*projection.queries, *placed])
