"""Multiword expressions (`_sense_expressions`) read off WordNet, and the refinement steps that use them
and the synset vectors (`split_by_expression`, `split_by_minority`, `expression_label`)."""

from __future__ import annotations

import numpy as np
import pytest

from ctxvec.structure._sense_expressions import (
    EXPRESSION_SHARE,
    Expression,
    dominant_idiom,
    match_expression,
    word_expressions,
)
from ctxvec.structure._sense_labels import SenseLabel, SynsetVectors
from ctxvec.structure._sense_refine import (
    MERGE_COSINE,
    MINORITY_MARGIN,
    centroid_cosine,
    expression_label,
    merge_same_synset,
    split_by_expression,
    split_by_minority,
)
from ctxvec.structure._senses import SenseRule
from ctxvec.structure._synsets import word_synsets
from ctxvec.structure._word_senses import own_lemmas


def _expressions(word: str) -> dict[str, Expression]:
    own = frozenset((ss.word_class, ss.offset) for ss in word_synsets(word))
    return {ex.name: ex for ex in word_expressions(own_lemmas(word), own)}


def test_idiomatic_expressions_are_told_from_compositional_ones():
    cold, charge = _expressions("cold"), _expressions("charge")
    assert cold["cold war"].idiomatic and cold["cold war"].synset.name == "cold_war.n.01"
    assert "hostility" in cold["cold war"].synset.gloss
    assert charge["free of charge"].idiomatic and charge["free of charge"].synset.pos == "r"
    assert not cold["common cold"].idiomatic  # a lemma of cold.n.01, the word's own synset
    assert not _expressions("cell")["cell membrane"].idiomatic  # its gloss says "of a cell"
    assert not _expressions("plant")["power plant"].idiomatic  # plant is the head
    assert not _expressions("power")["power plant"].idiomatic  # its synonym "power station" says power
    assert not _expressions("light")["speed of light"].idiomatic  # the gloss says light
    assert not _expressions("court")["supreme court"].idiomatic


def test_the_longest_expression_around_the_occurrence_matches():
    party = tuple(_expressions("party").values())
    tokens = ["the", "phrase", "Boston", "Tea", "Party", "had", "not", "yet", "become", "standard"]
    found = match_expression(tokens, 4, party)
    assert found is not None and found.name == "boston tea party"
    cold = tuple(_expressions("cold").values())
    hit = match_expression(["the", "start", "of", "the", "Cold", "War", "is", "suggested"], 4, cold)
    assert hit is not None and hit.name == "cold war"
    assert match_expression(["long", "and", "very", "cold", "winters"], 3, cold) is None
    assert match_expression(["cold"], 0, cold) is None
    wars = match_expression(["two", "cold", "wars"], 1, cold)  # a final noun may be plural
    assert wars is not None and wars.name == "cold war"


def _idiom() -> Expression:
    return _expressions("cold")["cold war"]


def _label(synset: str, match: bool = True) -> SenseLabel:
    return SenseLabel(synset, "a gloss", 0.9, None, None, match)


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _cluster_with_part(apart: float, n: int = 40, n_part: int = 6, seed: int = 0) -> np.ndarray:
    """(n, 8) unit vectors around one direction; the last `n_part` moved `apart` along another axis."""
    rng = np.random.default_rng(seed)
    x = 10 * np.eye(1, 8, 0) + 0.3 * rng.normal(size=(n, 8))
    x[-n_part:] += apart * np.eye(1, 8, 1)
    return _unit(x)


@pytest.mark.parametrize("apart, split", [(12.0, True), (0.5, False)])
def test_an_idiom_splits_off_only_when_its_vectors_stand_apart(apart, split):
    unit = _cluster_with_part(apart)
    found: list[Expression | None] = [None] * 34 + [_idiom()] * 6
    labels = np.zeros(40, dtype=np.int64)
    assert (centroid_cosine(unit[-6:], unit[:-6]) < MERGE_COSINE) == split
    out, why = split_by_expression(labels, found, unit, np.arange(40), SenseRule())
    assert (set(out[-6:]) == {1} and set(out[:-6]) == {0}) == split
    lines = [c.describe(out) for c in why]
    assert (lines == ["6 uses of the expression 'cold war' split from sense 1 into sense 2"]) == split
    same_sentence, _ = split_by_expression(labels, found, unit, np.zeros(40, dtype=np.int64), SenseRule())
    assert set(same_sentence) == {0}  # one sentence is not enough, however apart


def test_a_sense_mostly_in_one_idiom_is_labelled_with_it():
    own = _label("cold.a.01")
    members = np.arange(10)
    mostly: list[Expression | None] = [_idiom()] * 7 + [None] * 3
    label = expression_label(mostly, members, own)
    assert label.expression == "cold war" and label.synset == "cold_war.n.01" and label.match
    assert label.score == pytest.approx(0.7) and label.runner_up == "cold.a.01"
    assert "the expression 'cold war'" in label.describe() and label.to_dict()["expression"] == "cold war"
    half: list[Expression | None] = [_idiom()] * 5 + [None] * 5
    assert EXPRESSION_SHARE > 0.5 and expression_label(half, members, own) is own
    assert dominant_idiom(half, members) is None
    assert own.to_dict()["expression"] is None


def _two_synsets() -> SynsetVectors:
    synsets = [ss for ss in word_synsets("court") if ss.name in ("court.n.01", "court.n.04")]
    vectors = np.eye(2, 8, dtype=np.float32)
    return SynsetVectors(synsets, vectors, np.array([2, 2]))


def test_uses_nearer_another_synset_split_when_their_part_of_speech_allows():
    found = _two_synsets()
    x = np.tile(np.eye(1, 8, 0), (40, 1)) + np.eye(1, 8, 2)
    x[-5:] = np.eye(1, 8, 1) + np.eye(1, 8, 2)  # nearer court.n.04 by cosine 0.71 - 0 > MINORITY_MARGIN
    unit = _unit(x)
    labels = np.zeros(40, dtype=np.int64)
    tags = ["n"] * 40
    out, why = split_by_minority(labels, [_label("court.n.01")], unit, found, tags, np.arange(40), SenseRule())
    assert set(out[-5:]) == {1} and set(out[:-5]) == {0}
    assert [c.describe(out) for c in why] == ["5 uses nearest court.n.04 split from sense 1 into sense 2"]
    verbs = ["v"] * 40  # a verb use never takes a noun synset
    kept, none = split_by_minority(labels, [_label("court.n.01")], unit, found, verbs, np.arange(40), SenseRule())
    assert set(kept) == {0} and none == []
    small, _ = split_by_minority(
        labels, [_label("court.n.01")], unit, found, tags, np.arange(40), SenseRule(), margin=0.8
    )
    assert set(small) == {0} and MINORITY_MARGIN < 0.7


def test_a_sense_kept_apart_is_not_merged_back():
    unit = _cluster_with_part(0.5)
    labels = np.array([0] * 34 + [1] * 6)
    same = [_label("court.n.01"), _label("court.n.01")]
    merged, _ = merge_same_synset(labels, same, unit, SenseRule())
    assert set(merged) == {0}
    kept, why = merge_same_synset(labels, same, unit, SenseRule(), keep=frozenset({1}))
    assert len(set(kept)) == 2 and why == []


COLD = [
    "The Cold War shaped the foreign policy of both superpowers for decades.",
    "During the Cold War the two blocs competed for influence in Africa.",
    "After the Cold War ended, the alliance looked for a new purpose.",
    "Historians still debate who started the Cold War.",
    "Espionage flourished in Berlin throughout the Cold War.",
    "The Cold War arms race produced thousands of nuclear warheads.",
    "The winters here are long and cold, with heavy snow.",
    "Cold air from the north brings frost to the valley.",
    "She washed her face in cold water every morning.",
    "The cold wind made the climb slow and painful.",
    "Arctic nights are dark and bitterly cold.",
    "Keep the milk in a cold place so it does not spoil.",
    "A cold front moved across the plains overnight.",
    "The lake stays cold even in the middle of summer.",
    "He shivered in the cold morning fog.",
    "The cave was damp and cold all year round.",
    "Cold weather slows the growth of the crops.",
    "The soup had gone cold by the time he ate it.",
]


@pytest.mark.slow
def test_the_cold_war_is_named_as_an_expression_with_the_real_model(tmp_path):
    """The default model on real sentences: the Cold War uses form a sense labelled with the expression,
    and no weather use is in it."""
    from ctxvec.runners import embed
    from ctxvec.structure import word_senses

    store = embed(COLD, tmp_path / "cold.store", device="cpu")
    senses = word_senses(store, "cold")
    named = [s for s in senses.senses if s.wordnet is not None and s.wordnet.expression == "cold war"]
    assert len(named) == 1 and named[0].wordnet is not None and named[0].wordnet.synset == "cold_war.n.01"
    texts = {store.occurrence(int(r)).sentence for r in named[0].rows}
    assert texts and all("Cold War" in t for t in texts)
