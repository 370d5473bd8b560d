import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.encoding import owner_windows, plan_batches, tokenize, window_starts


@given(st.integers(1, 400), st.integers(2, 60), st.data())
def test_windows_cover_every_token_and_owners_contain_their_rows(n, size, data):
    overlap = data.draw(st.integers(0, size - 1))
    starts = window_starts(n, size, overlap)
    covered = np.zeros(n, dtype=bool)
    for s in starts:
        assert s >= 0 and s + min(size, n) <= max(n, size)
        covered[s : s + size] = True
    assert covered.all()
    # rows of one token each: the owner holds the token, and owners never go backwards
    first = np.arange(n)
    owners = owner_windows(first, first, starts, size)
    assert np.all(np.diff(owners) >= 0)
    assert np.all((starts[owners] <= first) & (first < starts[owners] + size))


def test_owner_has_most_context():
    starts = window_starts(100, 40, 20)  # [0, 20, 40, 60]
    owners = owner_windows(np.array([5, 30, 50, 95]), np.array([5, 30, 50, 95]), starts, 40)
    assert starts[owners].tolist() == [0, 20, 40, 60]


def test_plan_batches_respects_budget_and_covers_all():
    lengths = np.array([5, 50, 7, 12, 50, 3, 30])
    batches = plan_batches(lengths, batch_tokens=100)
    assert sorted(np.concatenate(batches).tolist()) == list(range(7))
    for b in batches:
        assert len(b) * lengths[b].max() <= 100 or len(b) == 1


def test_word_rows_map_back_to_substrings(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    sentences = ["The café's unbelievable 3.14 winters!", "Naïve  señor, cold-water 2021."]
    t = tokenize(sentences, tok, unit="word")
    for sid, a, z, token in zip(t.row_sentence, t.row_start, t.row_end, t.row_token, strict=True):
        assert sentences[sid][a:z] == token
    words0 = [w for s, w in zip(t.row_sentence, t.row_token, strict=True) if s == 0]
    assert words0 == ["The", "café", "'", "s", "unbelievable", "3", ".", "14", "winters", "!"]
    # "unbelievable" is several wordpieces but one row
    row = words0.index("unbelievable")
    assert t.last_rel[row] > t.first_rel[row]
    assert t.row_position[: len(words0)].tolist() == list(range(len(words0)))


def test_subword_rows_with_specials(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    t = tokenize(["cold day"], tok, unit="subword", keep_special=True)
    assert t.row_token[0] == "[CLS]" and t.row_token[-1] == "[SEP]"
    assert t.chunk_length.tolist() == [len(t.row_token)]


def test_long_sentence_is_windowed_not_truncated(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    long = " ".join(["cold"] * 150)
    t = tokenize([long, "short one"], tok, unit="word", max_length=32)
    assert t.n_windowed == 1
    assert (t.row_sentence == 0).sum() == 150
    assert t.chunk_length.max() <= 32
    owned = np.concatenate([np.arange(a, b) for a, b in zip(t.chunk_row_start, t.chunk_row_stop, strict=True)])
    assert owned.tolist() == list(range(t.n_rows))  # every row owned exactly once, in order
