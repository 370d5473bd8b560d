import numpy as np
import pytest

from ctxvec.encoding import EncodeSpec
from ctxvec.errors import CtxvecError
from ctxvec.queries import select_queries
from ctxvec.runners import embed

SENTENCES = ["The cold river bank.", "A cold day, a warm night.", "Money in the bank is cold money."]


@pytest.fixture(scope="module")
def store(tmp_path_factory, tiny_model):
    return embed(SENTENCES, tmp_path_factory.mktemp("q") / "s.store", EncodeSpec(model=str(tiny_model)), device="cpu")


def test_every_occurrence_of_a_word_and_limit(store):
    q = select_queries(store, "COLD")
    assert [o.token.lower() for o in q.occurrences] == ["cold"] * 3
    np.testing.assert_array_equal(q.vectors, store.get_vectors(q.rows))
    assert len(select_queries(store, "cold", limit=2)) == 2


def test_one_row_and_one_sentence(store):
    row = int(store.occurrences("bank")[1])
    q = select_queries(store, row=row)
    assert q.rows.tolist() == [row] and q.word == "bank"
    q = select_queries(store, "money", sentence=2)
    assert q.rows.tolist() == store.occurrences("money").tolist()
    with pytest.raises(CtxvecError, match="does not occur in sentence 0"):
        select_queries(store, "money", sentence=0)
    with pytest.raises(CtxvecError, match="not 'cold'"):
        select_queries(store, "cold", row=0)


def test_word_in_new_sentence_equals_the_stored_vector(store):
    """Embedding a stored sentence on the fly gives the vector the store holds for it."""
    q = select_queries(store, "cold", in_sentence=SENTENCES[1], device="cpu")
    stored = store.get_vectors(store.occurrences("cold")[1:2])
    assert q.rows.tolist() == [-1] and q.occurrences[0].sentence == SENTENCES[1]
    np.testing.assert_allclose(q.vectors, stored, atol=1e-3)
    with pytest.raises(CtxvecError, match="is not a word of"):
        select_queries(store, "snow", in_sentence="No such word here.", device="cpu")


def test_bad_selections(store):
    with pytest.raises(CtxvecError, match="closest words"):
        select_queries(store, "colt")
    with pytest.raises(CtxvecError, match="at most one"):
        select_queries(store, "cold", row=1, sentence=0)
    with pytest.raises(CtxvecError, match="^limit must be at least 1"):
        select_queries(store, "cold", limit=0)
    with pytest.raises(CtxvecError, match="out of range"):
        select_queries(store, row=10**6)
