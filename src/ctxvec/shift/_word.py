"""`word_shift`: how one word's usage differs between two sides, with significance and evidence."""

from __future__ import annotations

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..sampling import sample_rows, unit_rows
from ..store import Occurrence
from ._measures import change_statistics
from ._result import EMERGED_AT_LEAST, EMERGED_BELOW, SenseShift, WordShift
from ._sides import Side, pooled_blocks

MIN_OCCURRENCES = 2
MAX_DRAWS = 100_000
MAX_PER_SIDE = 100_000


def check_budget(max_per_side: int, permutations: int, bootstrap: int, level: float = 0.95) -> None:
    """The cost parameters checked (one line naming the parameter)."""
    if not MIN_OCCURRENCES <= max_per_side <= MAX_PER_SIDE:
        raise ParameterError(
            "max_per_side", f"{{name}} must be {MIN_OCCURRENCES}..{MAX_PER_SIDE:,}, got {max_per_side}"
        )
    if not 1 <= permutations <= MAX_DRAWS:
        raise ParameterError("permutations", f"{{name}} must be 1..{MAX_DRAWS:,}, got {permutations}")
    if not 1 <= bootstrap <= MAX_DRAWS:
        raise ParameterError("bootstrap", f"{{name}} must be 1..{MAX_DRAWS:,}, got {bootstrap}")
    if not 0 < level < 1:
        raise ParameterError("level", f"{{name}} must be in (0, 1), got {level}")


def side_vectors(side: Side, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Raw (k, dim) float64 and unit vectors of `rows` of a side's store."""
    raw = np.asarray(side.store.get_vectors(rows), dtype=np.float64)
    return raw, unit_rows(raw)


def _map(unit: np.ndarray) -> np.ndarray:
    """(n, 2) PCA coordinates of the centered unit vectors (n, dim) (zeros for fewer than 3 rows)."""
    if len(unit) < 3:
        return np.zeros((len(unit), 2))
    c = unit - unit.mean(axis=0)
    _, _, vt = np.linalg.svd(c, full_matrices=False)
    xy = c @ vt[:2].T
    return np.asarray(xy * np.sign(xy[np.argmax(np.abs(xy), axis=0), [0, 1]]))


def _examples(side: Side, rows: np.ndarray, unit: np.ndarray, centroid: np.ndarray, m: int) -> list[Occurrence]:
    """The `m` occurrences of `rows` nearest `centroid`, one per distinct sentence text."""
    order = np.argsort(-(unit @ centroid), kind="stable")
    out: list[Occurrence] = []
    seen: set[str] = set()
    for i in order:
        occ = side.store.occurrence(int(rows[i]))
        if occ.sentence not in seen:
            seen.add(occ.sentence)
            out.append(occ)
            if len(out) == m:
                break
    return out


def _status(share_a: float, share_b: float) -> str:
    if share_a < EMERGED_BELOW and share_b >= EMERGED_AT_LEAST:
        return "emerged"
    if share_b < EMERGED_BELOW and share_a >= EMERGED_AT_LEAST:
        return "vanished"
    return "both"


def word_shift(
    a: Side,
    b: Side,
    word: str,
    *,
    forms: bool = False,
    max_per_side: int = 500,
    permutations: int = 1000,
    bootstrap: int = 1000,
    level: float = 0.95,
    n_examples: int = 2,
    wordnet: bool = True,
    block: str = "sentence",
    seed: int = 0,
    device: str = "auto",
) -> WordShift:
    """Compare the occurrences of `word` (its lemma's, or with `forms` the word's own) on sides `a` and `b`.

    At most `max_per_side` occurrences of each side are used (a seeded sample), so the cost is bounded:
    the senses are clustered jointly on them (`structure.split_senses`, k chosen by its rule), every
    measure is tested by `permutations` shuffles of the side labels and bracketed by a `bootstrap`
    percentile interval at `level`; occurrences move in `block`s (``sentence``, ``document`` or
    ``occurrence``: see `change_statistics`). Each sense lists its share on both sides, `n_examples` sentences of
    each side nearest its centroid and (with `wordnet`) the WordNet synset it matches best.
    """
    from ..structure import split_senses

    check_budget(max_per_side, permutations, bootstrap, level)
    rows_a, words_a = a.word_rows(word, forms)
    rows_b, words_b = b.word_rows(word, forms)
    unit_name = "form" if forms else "lemma"
    for side, rows in ((a, rows_a), (b, rows_b)):
        if len(rows) < MIN_OCCURRENCES:
            raise CtxvecError(
                f"{word!r} occurs {len(rows)} time(s) on the side {side.name!r} (as a {unit_name}); "
                f"a comparison needs at least {MIN_OCCURRENCES} on each side"
            )
    used_a = sample_rows(rows_a, max_per_side, seed)
    used_b = sample_rows(rows_b, max_per_side, seed + 1)
    raw_a, unit_a = side_vectors(a, used_a)
    raw_b, unit_b = side_vectors(b, used_b)
    unit = np.vstack([unit_a, unit_b])
    raw = np.vstack([raw_a, raw_b])
    is_b = np.r_[np.zeros(len(used_a), dtype=bool), np.ones(len(used_b), dtype=bool)]
    sentences = pooled_blocks(a, b, used_a, used_b, "sentence")
    blocks = sentences if block == "sentence" else pooled_blocks(a, b, used_a, used_b, block)
    split = split_senses(unit, seed=seed, groups=sentences)
    labels = np.asarray(split.labels, dtype=np.int64)
    measures, within = change_statistics(
        unit, raw, is_b, labels, groups=blocks, permutations=permutations, bootstrap=bootstrap, level=level, seed=seed
    )
    centroids = np.stack([unit[labels == s].mean(axis=0) for s in range(split.k)])
    senses = []
    for s in range(split.k):
        in_a, in_b = labels[~is_b] == s, labels[is_b] == s
        share_a, share_b = float(in_a.mean()), float(in_b.mean())
        c = centroids[s] / max(float(np.linalg.norm(centroids[s])), 1e-12)
        senses.append(
            SenseShift(
                sense=s,
                count_a=int(in_a.sum()),
                count_b=int(in_b.sum()),
                share_a=share_a,
                share_b=share_b,
                status=_status(share_a, share_b),
                examples_a=_examples(a, used_a[in_a], unit_a[in_a], c, n_examples),
                examples_b=_examples(b, used_b[in_b], unit_b[in_b], c, n_examples),
            )
        )
    note = ""
    if wordnet:
        from ..lexicon import lemmatize
        from ..structure import label_senses

        found, note = label_senses(a.store, lemmatize(word), centroids, device=device)
        for sense, label in zip(senses, found or [], strict=False):
            sense.wordnet = label
    return WordShift(
        word=word if forms else a.lemmas.lemma(word),
        unit=unit_name,
        side_a=a.name,
        side_b=b.name,
        words_a=words_a,
        words_b=words_b,
        n_a=len(rows_a),
        n_b=len(rows_b),
        rows_a=used_a,
        rows_b=used_b,
        measures=measures,
        within_a=within["a"],
        within_b=within["b"],
        senses=senses,
        labels=labels,
        xy=_map(unit),
        reason=split.reason,
        wordnet_note=note,
        settings={
            "max_per_side": max_per_side,
            "permutations": permutations,
            "bootstrap": bootstrap,
            "level": level,
            "seed": seed,
            "block": block,
            "jsd": "Jensen-Shannon divergence, base 2",
            "prt": "1 - cos of the mean raw vectors",
            "apd": "mean cosine distance over all cross-side pairs",
            "excess": "APD - (within-side APD of A + of B) / 2, within over distinct pairs",
        },
    )
