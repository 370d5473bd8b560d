"""explain_pair / explain_term with the tiny random BERT: shapes, invariants, the ablations checked
against the store's own encoder on edited sentences, and bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctxvec.encoding import EncodeSpec
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.explain import Explanation, Target, ablate, explain_pair, explain_term, is_content_word
from ctxvec.runners import embed
from ctxvec.store import Store

SENTENCES = [
    "the river bank was cold .",
    "he caught a cold at the bank last week",
    "the bank gave her money",
    "cold water , cold ice and cold snow",
    " ".join(["the warm river and the cold snow"] * 4) + " bank",  # windows at max_length 16
]
CONTENT = ["river", "bank", "cold", "water", "ice", "snow", "money", "king", "queen", "city", "sun", "rain", "day"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Store:
    return embed(
        SENTENCES, tmp_path_factory.mktemp("explain") / "s.store", EncodeSpec(model=str(tiny_model)), device="cpu"
    )


@pytest.fixture(scope="module")
def windowed(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Store:
    folder = tmp_path_factory.mktemp("explain-windows")
    return embed(SENTENCES, folder / "w.store", EncodeSpec(model=str(tiny_model), max_length=16), device="cpu")


def bank(store: Store, i: int) -> int:
    return int(store.occurrences("bank")[i])


def vector_of(store: Store, text: str, position: int) -> np.ndarray:
    """The store-space vector of word `position` of `text`, encoded whole by the store's encoder."""
    batch = store.encoder(device="cpu")([text])
    return store.map_encoded(batch.vectors[position : position + 1])[0]


def cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_pair_shapes_and_invariants(store: Store) -> None:
    a, b = bank(store, 0), bank(store, 1)
    e = explain_pair(store, [a, b], all_words=True, device="cpu")
    assert e.kind == "pair" and len(e.sides) == 2 and e.n_forward == 1
    stored = store.get_vectors([a, b])
    assert e.cosine == pytest.approx(cos(stored[0], stored[1]), abs=2e-3)
    for side, row in zip(e.sides, (a, b), strict=True):
        occ = store.occurrence(row)
        assert side.occurrence == occ and side.check > 0.999
        n_words = len(store.rows_of_sentence(occ.sentence_id))
        assert sorted(x.position for x in side.effects) == [p for p in range(n_words) if p != occ.position]
        assert [x.drop for x in side.effects] == sorted((x.drop for x in side.effects), reverse=True)
        for x in side.effects:
            assert x.drop == pytest.approx(e.cosine - x.cosine, abs=1e-12)
            assert occ.sentence[x.start : x.end] == x.word
        assert f"[{occ.token}]" in side.marked
        assert all(x.drop > 0 for x in side.marked_words) and len(side.marked_words) <= e.top
        for x in side.marked_words:
            assert "{" + x.word + "}" in side.marked


def test_content_words_only_by_default(store: Store) -> None:
    e = explain_pair(store, [bank(store, 0), bank(store, 2)], device="cpu")
    words = [x.word for s in e.sides for x in s.effects]
    assert words and all(is_content_word(w) for w in words)
    assert not {"the", ".", "was", "her"} & set(words)
    assert e.sides[0].n_skipped == 3  # the, was, .
    every = explain_pair(store, [bank(store, 0), bank(store, 2)], all_words=True, device="cpu")
    by_position = {x.position: x.drop for x in every.sides[0].effects}
    for x in e.sides[0].effects:  # a word's effect does not depend on which others are tried
        assert x.drop == pytest.approx(by_position[x.position], abs=1e-6)


def test_json_is_to_dict(store: Store) -> None:
    e = explain_pair(store, [bank(store, 0), bank(store, 1)], device="cpu")
    d = json.loads(e.to_json())
    assert d == json.loads(json.dumps(e.to_dict()))
    assert d["kind"] == "pair" and d["ablation"] == "mask" and len(d["sides"]) == 2
    side = d["sides"][0]
    assert side["marked"] == e.sides[0].marked and side["row"] == bank(store, 0)
    assert {"position", "word", "start", "end", "cosine", "drop"} == set(side["effects"][0])


def test_delete_equals_encoding_the_sentence_without_the_word(store: Store) -> None:
    """Reference: the deleted variant is the vector of the edited sentence, encoded whole."""
    enc = store.encoder(device="cpu")
    [out], _ = ablate(enc, [Target(SENTENCES[0], 2, "bank")], "delete", all_words=True)
    assert out.positions.tolist() == [0, 1, 3, 4, 5]
    words = SENTENCES[0].split()
    raw = enc([SENTENCES[0]]).vectors[2]
    np.testing.assert_allclose(out.full, raw, atol=1e-5)
    for i, p in enumerate(out.positions.tolist()):
        kept = [w for j, w in enumerate(words) if j != p]
        edited = enc([" ".join(kept)])
        np.testing.assert_allclose(out.without[i], edited.vectors[kept.index("bank")], atol=1e-5)


def test_mask_equals_encoding_the_sentence_with_a_mask_token(store: Store) -> None:
    """Reference: the masked variant is the vector of the sentence with [MASK] written in the word's place
    (one mask per wordpiece; every position kept)."""
    enc = store.encoder(device="cpu")
    text = "he caught a cold at the bank last week"
    [out], _ = ablate(enc, [Target(text, 3, "cold")], "mask", all_words=True)
    words = text.split()
    for i, p in enumerate(out.positions.tolist()):
        edited = enc([" ".join("[MASK]" if j == p else w for j, w in enumerate(words))])
        assert edited.tokens[p] == "[MASK]"
        np.testing.assert_allclose(out.without[i], edited.vectors[3], atol=1e-5)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(CONTENT), min_size=2, max_size=9), data=st.data())
def test_delete_property(store: Store, words: list[str], data: st.DataObject) -> None:
    """For any sentence of whole words and any occurrence, deleting word j = encoding the sentence
    without word j, and the whole variant = encoding the sentence."""
    enc = store.encoder(device="cpu")
    q = data.draw(st.integers(0, len(words) - 1))
    text = " ".join(words)
    [out], n_forward = ablate(enc, [Target(text, q, words[q])], "delete")
    assert n_forward == 1 and len(out.without) == len(words) - 1 == len(out.tokens)
    np.testing.assert_allclose(out.full, enc([text]).vectors[q], atol=1e-5)
    for i, p in enumerate(out.positions.tolist()):
        kept = words[:p] + words[p + 1 :]
        np.testing.assert_allclose(out.without[i], enc([" ".join(kept)]).vectors[q - (p < q)], atol=1e-5)


def test_windowed_sentence_tries_only_the_owning_window(windowed: Store) -> None:
    row = bank(windowed, 3)  # the long sentence's last word
    occ = windowed.occurrence(row)
    e = explain_pair(windowed, [bank(windowed, 0), row], all_words=True, device="cpu")
    side = e.sides[1]
    assert side.occurrence == occ and side.check > 0.999 and side.n_outside > 0
    n_words = len(windowed.rows_of_sentence(occ.sentence_id))
    assert len(side.effects) + side.n_outside == n_words - 1
    assert min(x.position for x in side.effects) >= side.n_outside  # the window is the sentence's end


def test_new_sentence_against_a_row(store: Store) -> None:
    text = "the cold river bank"
    e = explain_pair(store, [bank(store, 2)], word="bank", in_sentence=text, device="cpu")
    first = e.sides[0]
    assert first.occurrence.row == -1 and first.occurrence.sentence == text and first.check > 0.999
    assert e.cosine == pytest.approx(cos(vector_of(store, text, 3), store.get_vectors([bank(store, 2)])[0]), abs=2e-3)
    assert {x.word for x in first.effects} == {"cold", "river"}


def test_term(store: Store) -> None:
    from ctxvec.lexicon import word_types

    row = bank(store, 1)
    e = explain_term(store, "money", [row], device="cpu")
    types = word_types(store)
    atom = types.vectors[types.index("money")]
    assert e.kind == "term" and e.term == "money" and len(e.sides) == 1
    assert e.cosine == pytest.approx(cos(store.get_vectors([row])[0], atom), abs=2e-3)
    assert all(x.drop == pytest.approx(e.cosine - x.cosine, abs=1e-12) for x in e.sides[0].effects)
    assert e.to_dict()["term"] == "money"
    new = explain_term(store, "MONEY", word="cold", in_sentence="a cold river", device="cpu")
    assert new.term == "money" and [x.word for x in new.sides[0].effects] == ["river"]


def test_transformed_store_keeps_the_stored_vectors(store: Store, tmp_path: Path) -> None:
    from ctxvec.cli import main

    path = tmp_path / "c.store"
    shutil.copytree(store.path, path)
    assert main(["transform", str(path), "--method", "center", "--in-place"]) == 0
    centred = Store.open(path)
    e = explain_pair(centred, [bank(centred, 0), bank(centred, 1)], device="cpu")
    stored = centred.get_vectors([bank(centred, 0), bank(centred, 1)])
    assert all(s.check > 0.999 for s in e.sides)
    assert e.cosine == pytest.approx(cos(stored[0], stored[1]), abs=2e-3)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda s: explain_pair(s, [bank(s, 0)]), ParameterError, "rows: explain needs two occurrences"),
        (lambda s: explain_pair(s, [1, 2, 3]), ParameterError, "got 3 row"),
        (lambda s: explain_pair(s, [bank(s, 0), bank(s, 0)]), ParameterError, "both occurrences are row"),
        (lambda s: explain_pair(s, [0, 10**6]), CtxvecError, "row 1000000 is out of range"),
        (lambda s: explain_pair(s, [0, 1], word="bank"), ParameterError, "word goes with in_sentence"),
        (lambda s: explain_pair(s, [0], in_sentence="a cold day"), ParameterError, "word is missing"),
        (lambda s: explain_pair(s, [0], word="king", in_sentence="a cold day"), CtxvecError, "'king' is not a word"),
        (lambda s: explain_pair(s, [0], word="cold", in_sentence="  "), ParameterError, "in_sentence needs"),
        (lambda s: explain_pair(s, [0, 1], ablation="blank"), ParameterError, "ablation must be one of"),
        (lambda s: explain_pair(s, [0, 1], top=-1), ParameterError, "top must be at least 0"),
        (lambda s: explain_term(s, "money"), ParameterError, "needs one occurrence"),
        (lambda s: explain_term(s, " ", [0]), ParameterError, "term is empty"),
        (lambda s: explain_term(s, "zebra", [0]), CtxvecError, "no word-type vector for 'zebra'"),
    ],
)
def test_bad_input_is_one_clear_error(store: Store, call, error: type[Exception], message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error, match=message) as info:
        call(store)
    assert "\n" not in str(info.value) and "--" not in str(info.value)


@pytest.fixture(scope="module")
def explained(store: Store) -> Explanation:
    return explain_pair(store, [bank(store, 0), bank(store, 1)], all_words=True, device="cpu")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(top=st.integers(0, 8))
def test_marked_sentence_property(explained: Explanation, top: int) -> None:
    """For any top: the marks removed give back the sentence; the query is in [ ] once; at most `top` words
    are in { }, exactly the first `top` effects with a positive drop."""
    from dataclasses import replace

    for side in explained.sides:
        side = replace(side, top=top)
        marked = side.marked
        assert marked.replace("[", "").replace("]", "").replace("{", "").replace("}", "") == side.occurrence.sentence
        assert marked.count("[") == 1 and marked.count("{") == len(side.marked_words) <= top
        assert side.marked_words == [x for x in side.effects[:top] if x.drop > 0]
        assert side.to_dict()["marked_positions"] == [x.position for x in side.marked_words]


def test_only_function_words_around_the_occurrence(store: Store) -> None:
    e = explain_pair(store, [bank(store, 0)], word="bank", in_sentence="the bank .", device="cpu")
    assert e.sides[0].effects == [] and e.sides[0].n_skipped == 2 and e.sides[0].marked == "the [bank] ."
    every = explain_pair(store, [bank(store, 0)], word="bank", in_sentence="the bank .", all_words=True, device="cpu")
    assert sorted(x.word for x in every.sides[0].effects) == [".", "the"]


def test_in_a_notebook(explained: Explanation) -> None:
    """One frame row per word effect (its side's fields beside it); `result[i]` is side i; text and HTML views."""
    frame = explained.to_frame()
    assert len(frame) == sum(len(s.effects) for s in explained.sides)
    assert frame["side"].tolist() == [i for i, s in enumerate(explained.sides) for _ in s.effects]
    assert frame["drop"].tolist() == pytest.approx([x.drop for s in explained.sides for x in s.effects])
    assert explained[1]["row"] == explained.sides[1].occurrence.row
    text = str(explained)
    assert text.startswith("Explanation") and explained.sides[0].marked in text
    assert "<script" not in explained._repr_html_()
