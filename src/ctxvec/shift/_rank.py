"""`rank_shift`: every word common to both sides, ranked by a change measure with corrected p-values."""

from __future__ import annotations

import time

import numpy as np

from ..errors import ParameterError
from ..progress import progress_bar
from ..sampling import sample_rows
from ._measures import benjamini_hochberg, change_statistics
from ._names import MEASURES
from ._result import RankedWord, ShiftRanking
from ._sides import Side, pooled_blocks
from ._word import check_budget, side_vectors

CONTRACTION_PIECES = frozenset({"re", "ve", "ll"})
"""What word-piece tokenizers leave of English contractions (they're -> they ' re); single letters
(don't -> don ' t, I'm -> i ' m) are left out too."""


def is_rankable(name: str) -> bool:
    """A word to rank: two letters at least, not a contraction's remnant (punctuation, numbers and the
    pieces of they're / don't are no words to compare)."""
    return sum(c.isalpha() for c in name) >= 2 and name not in CONTRACTION_PIECES


def _grouped(side: Side, forms: bool) -> dict[str, np.ndarray]:
    """The side's rows grouped by unit (lemma, or word with `forms`): {name: rows (k,)}, words to rank only
    (`is_rankable`)."""
    names, ids = side.unit_keys(forms)
    rows = side.side_rows
    unit_of = ids[rows]
    order = np.argsort(unit_of, kind="stable")
    sorted_units = unit_of[order]
    cuts = np.flatnonzero(np.diff(sorted_units)) + 1
    starts = np.r_[0, cuts]
    stops = np.r_[cuts, len(order)]
    out = {}
    for lo, hi in zip(starts.tolist(), stops.tolist(), strict=True):
        name = str(names[sorted_units[lo]])
        if is_rankable(name):
            out[name] = rows[order[lo:hi]]
    return out


def rank_shift(
    a: Side,
    b: Side,
    *,
    measure: str = "excess",
    min_count: int = 20,
    forms: bool = False,
    max_per_side: int = 200,
    permutations: int = 1000,
    block: str = "sentence",
    seed: int = 0,
    quiet: bool = True,
) -> ShiftRanking:
    """Every lemma (with `forms`: word) with at least `min_count` occurrences on both sides, ranked by
    `measure` (largest first), each with its permutation p-value (`permutations` shuffles of at most
    `max_per_side` occurrences a side, moved in `block`s as in `word_shift`) and the Benjamini–Hochberg
    q-value over all words tested.
    ``measure="jsd"`` clusters every word's senses (slower); the other measures need no clustering.
    """
    from ..structure import split_senses

    if measure not in MEASURES:
        raise ParameterError("measure", f"{{name}} {measure!r} is unknown; use one of {', '.join(MEASURES)}")
    if min_count < 2:
        raise ParameterError("min_count", f"{{name}} must be at least 2, got {min_count}")
    check_budget(max_per_side, permutations, 1)
    pooled_blocks(a, b, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), block)  # checks `block`
    started = time.perf_counter()
    ga, gb = _grouped(a, forms), _grouped(b, forms)
    words = sorted(w for w in ga.keys() & gb.keys() if len(ga[w]) >= min_count and len(gb[w]) >= min_count)
    found = []
    with progress_bar("ranking words", len(words), "word", quiet) as bar:
        for i, w in enumerate(words):
            used_a = sample_rows(ga[w], max_per_side, seed + 2 * i)
            used_b = sample_rows(gb[w], max_per_side, seed + 2 * i + 1)
            raw_a, unit_a = side_vectors(a, used_a)
            raw_b, unit_b = side_vectors(b, used_b)
            unit, raw = np.vstack([unit_a, unit_b]), np.vstack([raw_a, raw_b])
            is_b = np.r_[np.zeros(len(used_a), dtype=bool), np.ones(len(used_b), dtype=bool)]
            labels = np.zeros(len(is_b), dtype=np.int64)
            if measure == "jsd":
                labels = np.asarray(split_senses(unit, seed=seed).labels, dtype=np.int64)
            groups = pooled_blocks(a, b, used_a, used_b, block)
            stats, _ = change_statistics(
                unit, raw, is_b, labels, groups=groups, permutations=permutations, bootstrap=1, seed=seed + i
            )
            found.append((w, len(ga[w]), len(gb[w]), stats))
            bar.advance(1)
    p = np.array([s[measure].p_value for *_, s in found])
    q = benjamini_hochberg(p)
    ranked = [
        RankedWord(
            word=w,
            n_a=na,
            n_b=nb,
            value=s[measure].value,
            p_value=s[measure].p_value,
            q_value=float(qv),
            excess=s["excess"].value,
            apd=s["apd"].value,
            prt=s["prt"].value,
            jsd=s["jsd"].value if measure == "jsd" else None,
        )
        for (w, na, nb, s), qv in zip(found, q, strict=True)
    ]
    ranked.sort(key=lambda r: (-r.value, r.word))
    return ShiftRanking(
        measure=measure,
        side_a=a.name,
        side_b=b.name,
        unit="form" if forms else "lemma",
        min_count=min_count,
        words=ranked,
        seconds=time.perf_counter() - started,
        settings={"max_per_side": max_per_side, "permutations": permutations, "block": block, "seed": seed},
    )
