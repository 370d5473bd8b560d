"""The refinement rules of `_sense_refine` on small synthetic senses whose right answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.structure._sense_labels import SenseLabel
from ctxvec.structure._sense_pos import guess_pos
from ctxvec.structure._sense_refine import (
    MERGE_COSINE,
    MERGE_VALLEY,
    centroid_cosine,
    merge_same_synset,
    split_by_pos,
)
from ctxvec.structure._senses import SenseRule, _reduce, centered, valley_ratio


def _label(synset: str, match: bool = True) -> SenseLabel:
    return SenseLabel(synset, "a gloss", 0.9, None, None, match)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _two_tight_clusters(offset: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """20 + 20 unit vectors (40, 8): a shared direction plus ±`offset` on a second axis, little noise."""
    rng = np.random.default_rng(seed)
    halves = np.repeat([0, 1], 20)
    sign = np.where(halves == 1, 1.0, -1.0)[:, None]
    x = 10 * np.eye(1, 8, 0) + offset * sign * np.eye(1, 8, 1) + 0.05 * rng.normal(size=(40, 8))
    return _unit(x), halves


def test_near_centroids_merge_one_synset_across_a_deep_valley():
    """A topic split of one meaning: two tight clusters (a deep valley) whose centroids point the same way."""
    unit, halves = _two_tight_clusters(offset=1.0)
    rule = SenseRule()
    y = _reduce(centered(unit, rule.soft), rule)
    assert valley_ratio(y, halves) < MERGE_VALLEY  # the valley rule alone would keep them apart
    assert centroid_cosine(unit[halves == 0], unit[halves == 1]) >= MERGE_COSINE
    merged, why = merge_same_synset(halves, [_label("cell.n.02"), _label("cell.n.02")], unit, rule)
    assert set(merged) == {0}
    assert "centroids' cosine" in why[0].describe(merged)


def test_far_centroids_and_different_or_unsure_labels_stay_apart():
    unit, halves = _two_tight_clusters(offset=8.0)  # centroids about 77 degrees apart
    rule = SenseRule()
    assert centroid_cosine(unit[halves == 0], unit[halves == 1]) < MERGE_COSINE
    kept, why = merge_same_synset(halves, [_label("cold.a.01"), _label("cold.a.01")], unit, rule)
    assert len(set(kept)) == 2 and why == []
    near, halves = _two_tight_clusters(offset=1.0)
    for labels in ([_label("cell.n.02"), _label("cell.n.01")], [_label("cell.n.02"), _label("cell.n.02", False)]):
        kept, why = merge_same_synset(halves, labels, near, rule)
        assert len(set(kept)) == 2 and why == []


def test_merges_chain_through_shared_senses_and_keep_the_largest_first():
    """Three one-synset topic clusters (10, 20, 30 occurrences) become one; another synset stays apart."""
    rng = np.random.default_rng(3)
    sizes = [10, 20, 30, 15]
    labels = np.repeat(np.arange(4), sizes)
    axes = [1, 2, 3]
    x = np.concatenate(
        [10 * np.eye(1, 8, 0) + np.eye(1, 8, axes[s]) + 0.05 * rng.normal(size=(n, 8)) for s, n in enumerate(sizes[:3])]
        + [10 * np.eye(1, 8, 5) + 0.05 * rng.normal(size=(sizes[3], 8))]
    )
    same = _label("bank.n.02")
    merged, why = merge_same_synset(labels, [same, same, same, _label("bank.n.01")], _unit(x), SenseRule())
    assert len(why) == 2
    assert set(merged[:60]) == {0} and set(merged[60:]) == {1}


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 30), st.integers(1, 30))
def test_centroid_cosine_is_symmetric_and_equals_the_normalised_means(seed, n_a, n_b):
    rng = np.random.default_rng(seed)
    a, b = _unit(rng.normal(size=(n_a, 6))), _unit(rng.normal(size=(n_b, 6)))
    ma, mb = a.mean(axis=0), b.mean(axis=0)
    ref = float(np.dot(ma / np.linalg.norm(ma), mb / np.linalg.norm(mb)))
    assert abs(centroid_cosine(a, b) - ref) < 1e-9
    assert abs(centroid_cosine(a, b) - centroid_cosine(b, a)) < 1e-12


def test_a_few_verb_uses_split_from_many_nouns_but_a_few_adjectives_do_not():
    """Three verb sentences among 300 nouns (1 %) become a sense; three adjectives need 2 % of the uses."""
    rule = SenseRule()
    labels = np.zeros(303, dtype=np.int64)
    groups = np.arange(303)
    split, done = split_by_pos(labels, ["n"] * 300 + ["v"] * 3, groups, {"n", "v", "a"}, rule)
    assert set(split[300:]) == {1} and set(split[:300]) == {0}
    assert [c.describe(split) for c in done] == ["3 verb uses split from sense 1 into sense 2"]
    kept, done = split_by_pos(labels, ["n"] * 300 + ["a"] * 3, groups, {"n", "v", "a"}, rule)
    assert set(kept) == {0} and done == []
    one_sentence, _ = split_by_pos(
        labels, ["n"] * 300 + ["v"] * 3, np.r_[np.arange(300), [300, 300, 300]], {"n", "v"}, rule
    )
    assert set(one_sentence) == {0}  # three uses in one sentence are not three sentences


@pytest.mark.parametrize(
    ("sentence", "pos"),
    [
        ("Thallium displays the +1 oxidation state that all the known alkali metals display", "n"),
        ("Some retellings also state that Achilles was invulnerable", "v"),
        ("Later legends state that Achilles was invulnerable", "v"),
        ("types of events which state them", "v"),
        ("the state which rules them", "n"),
    ],
)
def test_compound_nouns_and_relative_clauses_tell_noun_from_verb(sentence, pos):
    tokens = sentence.split()
    assert guess_pos(tokens, tokens.index("state")) == pos
