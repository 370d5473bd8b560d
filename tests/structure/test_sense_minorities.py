"""Senses: the centered geometry, senses counted in distinct sentences, and WordNet minority synsets."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from ctxvec.structure import SenseRule, split_senses, word_senses
from ctxvec.structure._sense_labels import SenseLabel, SynsetVectors, minority_synsets
from ctxvec.structure._senses import centered
from ctxvec.structure._synsets import word_synsets


@settings(max_examples=25, deadline=None)
@given(n=st.integers(2, 40), dim=st.integers(2, 12), seed=st.integers(0, 1000), soft=st.sampled_from([0.0, 1.5]))
def test_centered_rows_have_zero_mean_direction_and_bounded_length(n, dim, seed, soft):
    x = np.random.default_rng(seed).normal(size=(n, dim)) + 5
    y = centered(x, soft)
    norms = np.linalg.norm(y, axis=1)
    assert np.all(norms <= 1 + 1e-9)
    if soft == 0:
        np.testing.assert_allclose(norms[norms > 0], 1.0, atol=1e-9)
    r = x - x.mean(axis=0)  # each row keeps the direction of its residual
    cos = np.sum(y * r, axis=1) / np.maximum(norms * np.linalg.norm(r, axis=1), 1e-300)
    np.testing.assert_allclose(cos[norms > 0], 1.0, atol=1e-9)


def _two_groups(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    dim = 16
    labels = np.repeat([0, 1], [60, 30])
    x = rng.normal(size=(90, dim))
    x[labels == 1, 0] += 8
    x[:, -1] += 20
    return x, labels


def test_a_sense_must_span_distinct_sentences():
    """30 occurrences far from the others form a sense when they come from 30 sentences, not when they are
    repeats of the word in 2 sentences (`groups`)."""
    x, labels = _two_groups()
    split = split_senses(x)
    assert split.k == 2 and adjusted_rand_score(labels, split.labels) >= 0.9
    groups = np.where(labels == 1, 1000 + np.arange(90) % 2, np.arange(90))
    assert split_senses(x, groups=groups).k == 1
    assert split_senses(x, groups=groups, rule=SenseRule(min_size=2)).k == 2
    with pytest.raises(Exception, match="groups"):
        split_senses(x, groups=groups[:10])


def test_k_as_large_as_the_occurrences_is_answered():
    x, _ = _two_groups()
    split = split_senses(x[:6], k=6)
    assert split.k == 6 and sorted(split.labels) == list(range(6)) and np.isnan(split.silhouette)


def test_the_old_rule_is_still_available():
    """center=False, one component per point: the rule before centering (benchmarks compare both)."""
    x, labels = _two_groups(1)
    old = split_senses(x, rule=SenseRule(center=False, points_per_component=1, margin=0.04))
    assert old.k == 2 and adjusted_rand_score(labels, old.labels) >= 0.9


def test_minority_synsets_report_occurrences_another_synset_matches_much_better():
    ss = word_synsets("bank")[:4]
    found = SynsetVectors(ss, np.eye(4, 6, dtype=np.float32), np.array([3, 2, 1, 0]))  # ss[3]: no sentence
    # sense 0 is labelled ss[0]; rows 11 and 12 match ss[1] far better, row 13 only slightly; row 14 prefers
    # ss[3] (no sentence: never reported); sense 1 is labelled ss[2] (never reported as a minority).
    unit = np.array(
        [
            [1, 0, 0, 0, 0, 0],
            [1, 0.1, 0, 0, 0, 0],
            [0.2, 1, 0, 0, 0, 0],
            [0.3, 1, 0, 0, 0, 0],
            [1, 1.02, 0, 0, 0, 0],
            [1, 0, 0, 3, 0, 0],
            [0, 0, 1, 0, 0, 0],
            [0.5, 0, 1, 0, 0, 0],
        ],
        dtype=np.float32,
    )
    senses = np.array([0, 0, 0, 0, 0, 0, 1, 1])
    labels = [SenseLabel(ss[0].name, "", 1.0, None, None, True), SenseLabel(ss[2].name, "", 1.0, None, None, True)]
    rows = np.arange(10, 18)
    found_minor = minority_synsets(unit, senses, labels, found, rows, min_margin=0.05)
    assert [m.synset for m in found_minor] == [ss[1].name]
    m = found_minor[0]
    assert m.rows == [12, 13] and m.gloss == ss[1].gloss
    assert m.margins[0] >= m.margins[1] >= 0.05
    assert json.loads(json.dumps(m.to_dict()))["n_occurrences"] == 2
    assert minority_synsets(unit, senses, labels, found, rows, min_margin=0.9) == []


@pytest.fixture(scope="module")
def tiny_store(tiny_model, tmp_path_factory):
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    text = ["the river bank was cold", "the bank gave him money", "a bank of snow", "money in the bank"] * 5
    return embed(text, tmp_path_factory.mktemp("minor") / "s.store", EncodeSpec(model=str(tiny_model)), device="cpu")


def test_word_senses_list_minority_synsets_with_their_sentences(tiny_store):
    result = word_senses(tiny_store, "bank", k=2)
    labels = {s.wordnet.synset for s in result.senses if s.wordnet is not None}
    data = json.loads(json.dumps(result.to_dict()))
    assert isinstance(data["minority_synsets"], list)
    clustered = set(result.rows.tolist())
    for m in result.minorities:
        assert m.synset not in labels and set(m.rows) <= clustered
        assert len(m.occurrences) <= 3 and all(o.token == "bank" for o in m.occurrences)
        assert len({o.sentence for o in m.occurrences}) == len(m.occurrences)
    assert word_senses(tiny_store, "bank", k=2, wordnet=False).minorities == []


def test_cli_names_minority_synsets_and_senses_sharing_a_label(tiny_store, capsys):
    from argparse import Namespace
    from dataclasses import replace

    from ctxvec.cli.senses import render
    from ctxvec.structure._sense_labels import MinoritySynset

    result = word_senses(tiny_store, "bank", k=2, wordnet=False)
    same = SenseLabel("bank.n.09", "a building in which banking is transacted", 0.9, None, None, True)
    for sense in result.senses:
        sense.wordnet = same
    occurrence = result.senses[1].central[0]
    river = MinoritySynset("bank.n.01", "sloping land", [occurrence.row], [0.07], [occurrence])
    result.minorities = [river, replace(river, synset="bank.n.03", rows=[1, 2], margins=[0.2, 0.1])]
    render(result, Namespace(output=None))
    out = capsys.readouterr().out
    assert "senses 1, 2 all match bank.n.09 best" in out
    assert "bank.n.01 1 occurrence, +0.07: sloping land" in out and "bank.n.03 2 occurrences, +0.20" in out
    assert occurrence.sentence[:20] in out
