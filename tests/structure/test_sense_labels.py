"""WordNet synsets of a word, sense labels, minority senses and lemma-grouped sense word lists."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from ctxvec.cli import main
from ctxvec.lexicon._wic import wordnet_synsets
from ctxvec.structure import SenseRule, split_senses, word_senses
from ctxvec.structure._sense_labels import (
    SynsetVectors,
    embed_synsets,
    label_centroids,
    label_senses,
    synset_sentences,
)
from ctxvec.structure._sense_words import sense_neighbours
from ctxvec.structure._synsets import base_forms, word_synsets


def test_word_synsets_agree_with_the_whole_database_parse():
    """Looked up through index.<pos> at byte offsets (CRLF copies found by search), the synsets of a word
    are those of the full parse of the data files (lexicon's reader, checked against wn's own)."""
    every = {(s.pos, s.offset): s for s in wordnet_synsets()}
    for word in ("bank", "charge", "banks", "ran", "better"):
        found = word_synsets(word)
        assert found, word
        for ss in found:
            ref = every[(ss.pos, ss.offset)]
            assert ss.lemmas == ref.lemmas and ss.examples == ref.examples
            assert ss.gloss and '"' not in ss.gloss
    bank = {s.name: s for s in word_synsets("bank")}
    assert bank["bank.n.01"].gloss == "sloping land (especially the slope beside a body of water)"
    assert bank["bank.n.02"].gloss.startswith("a financial institution")
    assert [n for n in bank if n.startswith("bank.n.")] == [f"bank.n.{i:02d}" for i in range(1, 11)]
    assert base_forms("ran", "v") == ["run"] and "charge" in base_forms("charging", "v")
    assert word_synsets("zzqx") == []


def test_synset_sentences_find_the_word_in_examples_and_gloss():
    ss = word_synsets("bank")
    sentences, spans, owner = synset_sentences("bank", ss)
    for text, (a, b), i in zip(sentences, spans, owner, strict=True):
        assert text[a:b].lower().startswith("bank")
        assert text in ss[i].examples or text == f"bank: {ss[i].gloss}"
    assert sum(1 for t in sentences if t.startswith("bank: ")) == len(ss)  # one gloss line per synset


def test_labels_pick_the_nearest_synset_and_say_when_none_is_good():
    ss = word_synsets("bank")[:3]
    vectors = np.eye(3, 8, dtype=np.float32)
    found = SynsetVectors(ss, vectors, np.array([2, 0, 1]))  # the second has no sentence: never picked
    centroids = np.array([[0.1, 0.9, 0.9, 0, 0, 0, 0, 0], [0.2, 0, 0, 1, 0, 0, 0, 0]], dtype=np.float32)
    first, second = label_centroids(centroids, found, min_score=0.5)
    assert first.synset == ss[2].name and first.match and first.runner_up == ss[0].name
    assert first.score == pytest.approx(0.9 / np.linalg.norm(centroids[0]), abs=1e-6)
    assert second.synset == ss[0].name and not second.match  # cosine 0.2: "no good match"
    assert set(first.to_dict()) == {
        "synset",
        "gloss",
        "score",
        "runner_up",
        "runner_up_score",
        "match",
        "evidence",
        "decided_by",
        "expression",
    }


def test_synsets_embedded_with_the_stores_own_model(tiny_bank_store):
    store = tiny_bank_store
    found = embed_synsets(store, "bank")
    assert found.vectors.shape == (len(found.synsets), store.dim)
    assert np.all(found.n_sentences >= 1)  # every synset has its gloss at least
    np.testing.assert_allclose(np.linalg.norm(found.vectors, axis=1), 1.0, atol=1e-5)
    result = word_senses(store, "bank", k=2)
    names = {s.name for s in found.synsets}
    assert all(s.wordnet is not None and s.wordnet.synset in names for s in result.senses)
    data = result.to_dict()
    assert all(s["wordnet"]["gloss"] for s in data["senses"])
    none, note = label_senses(store, "zzqx", np.ones((1, store.dim), np.float32))
    assert none is None and "no synset" in note
    assert word_senses(store, "bank", k=2, wordnet=False).senses[0].wordnet is None


def test_a_minority_sense_is_reported_not_absorbed():
    """Two large senses and a small, well separated one (8 %): reported with min_share 0.05, flagged small;
    absorbed when the floor is above its share."""
    rng = np.random.default_rng(4)
    dim = 24
    centres = np.zeros((3, dim))
    centres[0, 0], centres[1, 1], centres[2, 2] = 7, 7, 9
    labels = np.repeat([0, 1, 2], [280, 272, 48])
    x = centres[labels] + rng.normal(size=(600, dim))
    x[:, -1] += 20
    split = split_senses(x, rule=SenseRule(min_share=0.05))
    assert split.k == 3 and adjusted_rand_score(labels, split.labels) >= 0.9
    floor = split_senses(x, rule=SenseRule(min_share=0.12))
    assert floor.k < 3


def test_sense_words_leave_out_the_words_forms_and_collapse_lemmas():
    words = ["charged", "fees", "fee", "charges", "electrons", "charging", "electron", "battery"]
    near = sense_neighbours("charge", words, np.linspace(1, 0.3, len(words)))
    assert near.words == ["fees", "electrons", "battery"]
    assert near.forms == [["fee"], ["electron"], []]
    assert near.excluded == ["charged", "charges", "charging"]
    np.testing.assert_allclose(near.scores, np.linspace(1, 0.3, len(words))[[1, 4, 7]])


def test_cli_min_share_and_small_senses(tiny_bank_store, capsys):
    import json

    path = str(tiny_bank_store.path)
    assert main(["senses", path, "bank", "--k", "3", "--json", "--min-share", "0.02"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["min_share"] == 0.02 and len(data["senses"]) == 3
    for s in data["senses"]:
        assert s["share"] == pytest.approx(s["size"] / data["n_clustered"])
        assert s["small"] == (s["share"] < data["small_share"])
    assert main(["senses", path, "bank", "--k", "2"]) == 0
    text = capsys.readouterr().out
    assert "WordNet: bank." in text
    with pytest.raises(SystemExit) as exited:  # a bound of the option: the parser refuses it
        main(["senses", path, "bank", "--min-share", "2"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("ctxvec: error:") and "--min-share" in err and "<= 0.5, got '2'" in err


def test_senses_in_a_new_sentence_and_the_same_warning_in_decompose(tiny_bank_store, capsys):
    import json

    from ctxvec.decomposition import MaxTerms, decompose
    from ctxvec.neighbours import similar
    from ctxvec.queries import select_queries
    from ctxvec.structure import check_usage_senses

    path = str(tiny_bank_store.path)
    sentence = "a bank of snow and money"
    assert main(["senses", path, "bank", "--in", sentence, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    q = data["query"]
    assert q["sentence"] == sentence and q["token"] == "bank" and 0 <= q["nearest_sense"] < data["k"]
    query = select_queries(tiny_bank_store, "bank", in_sentence=sentence)
    usage = check_usage_senses(tiny_bank_store, query.occurrences[0], query.vectors[0])
    assert q["warning"] == usage.warning and q["represented"] == (usage.warning is None)
    assert (q["sense"] is None) == (usage.warning is not None)
    assert q["wordnet"]["synset"].startswith("bank.")
    assert main(["senses", path, "bank", "--in", sentence]) == 0
    text = capsys.readouterr().out
    assert sentence in text and ("this usage belongs to sense" in text or "none of the corpus's senses" in text)
    assert "this occurrence in WordNet: " in text
    # similar --in and decompose --in say the same warning (or none)
    check = {"usage_check": check_usage_senses}  # what the CLI and the explorer pass
    assert similar(tiny_bank_store, "bank", in_sentence=sentence, k=2, **check).warning(0) == usage.warning
    note = decompose(tiny_bank_store, "bank", in_sentence=sentence, sparsity=MaxTerms(2), **check).notes[0]
    assert (usage.warning is None and not note.startswith("warning:")) or note.startswith(f"warning: {usage.warning}")
    assert main(["senses", path, "bank", "--in", "no such word here"]) == 2
    assert "'bank' is not a word of" in capsys.readouterr().err
