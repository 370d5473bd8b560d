"""Spelling look-alikes: same first wordpiece (by the store's own tokenizer) or lemma prefix, not family;
left out of decompose atoms and `similar --exclude-word` unless kept, and listed."""

from __future__ import annotations

import numpy as np
import pytest

from ctxvec.decomposition import AtomFilter, MaxTerms, decompose
from ctxvec.morphology import Families, Lookalikes, is_lookalike, store_lookalikes
from ctxvec.neighbours import similar

TEXTS = [
    "the bank of the river was cold",
    "money in the bank and the banks",
    "bankhead was a city of the king",
    "the king of bankhead and the queen",
    "warm water and ice in winter",
    "snow and rain in the city",
] * 3


@pytest.fixture(scope="module")
def bert_store(tiny_model, tmp_path_factory):
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    return embed(TEXTS, tmp_path_factory.mktemp("look") / "s.store", EncodeSpec(model=str(tiny_model)), device="cpu")


def test_definition_pieces_and_lemma_prefixes() -> None:
    assert is_lookalike("bank", "Bankhead", "bank", "bank")  # same first wordpiece
    assert is_lookalike("good", "goodkind", "x", "y")  # starts with the query's lemma
    assert is_lookalike("banknotes", "bank", "bank", "bank")  # the shorter word is the query's first wordpiece
    assert not is_lookalike("plant", "plan", "plant", "plan")  # a shorter word the query merely starts with
    assert not is_lookalike("bank", "river", "bank", "river")
    assert not is_lookalike("ox", "oxford", "ox", "ox")  # under 3 letters: no claim


def test_lookalikes_leave_out_the_family_and_the_word() -> None:
    words = np.asarray(["bank", "banks", "banking", "bankhead", "river", "ban"], dtype=object)
    fams = Families.of(words)
    looks = Lookalikes(words, np.asarray(["bank", "bank", "bank", "bankhead", "river", "ban"], dtype=object),
                       words.copy(), fams)  # fmt: skip
    assert looks.of("bank") == {"bankhead"}  # banks, banking: family; ban: only a shorter word bank starts with
    assert looks.mask(words, ["Bank"]).tolist() == [False, False, False, True, False, False]
    assert looks.of("ban") == {"bank", "banks", "banking", "bankhead"}  # they start with ban's lemma


def test_store_lookalikes_use_the_store_tokenizer(bert_store) -> None:
    looks = store_lookalikes(bert_store)
    assert looks.tokenizer is not None and looks.piece("bankhead") == "bank"
    assert "bankhead" in looks.of("bank") and "banks" not in looks.of("bank") and "river" not in looks.of("bank")
    assert store_lookalikes(bert_store) is looks  # computed once per open store


def test_decompose_lists_lookalikes_and_keep_switch_restores_them(bert_store) -> None:
    query = bert_store.get_vectors(bert_store.occurrences("bankhead")[:1])  # a bankhead occurrence, asked as bank
    kept = decompose(
        bert_store, "bank", vectors=query, sparsity=MaxTerms(3), atom_filter=AtomFilter(keep_lookalikes=True)
    )
    assert kept.terms[0][0].word == "bankhead" and kept.to_dict()["keep_lookalikes"]
    assert kept.to_dict()["queries"][0]["excluded_lookalikes"] == []
    res = decompose(bert_store, "bank", vectors=query, sparsity=MaxTerms(3))
    assert "bankhead" not in {t.word for t in res.terms[0]}
    assert res.to_dict()["queries"][0]["excluded_lookalikes"] == ["bankhead"]
    assert "as spelling look-alikes: bankhead" in res.left_out(0)


def test_similar_exclude_word_leaves_out_lookalikes_unless_kept(bert_store) -> None:
    res = similar(bert_store, "bank", exclude_word=True, words_only=True, k=40, limit=1, backend="exact")
    assert res.options["excluded_lookalikes"] == ["bankhead"]
    words = {str(bert_store.tokens[h]) for h in res.rows[0] if h >= 0}
    assert "bankhead" not in words and "banks" not in words
    kept = similar(bert_store, "bank", exclude_word=True, words_only=True, k=40, limit=1, backend="exact",
                   keep_lookalikes=True)  # fmt: skip
    assert "excluded_lookalikes" not in kept.options
    assert "bankhead" in {str(bert_store.tokens[h]) for h in kept.rows[0] if h >= 0}


def test_cli_says_what_it_left_out_as_lookalikes(bert_store, capsys) -> None:
    from ctxvec.cli import main

    assert main(["similar", str(bert_store.path), "bank", "--exclude-word", "--words-only", "--limit", "1"]) == 0
    assert "left out as spelling look-alikes: bankhead" in capsys.readouterr().out
    assert main(["decompose", str(bert_store.path), "bank", "--limit", "1"]) == 0
    assert "as spelling look-alikes: bankhead" in capsys.readouterr().out
    assert main(["decompose", str(bert_store.path), "bank", "--limit", "1", "--keep-lookalikes"]) == 0
    assert "look-alikes" not in capsys.readouterr().out
