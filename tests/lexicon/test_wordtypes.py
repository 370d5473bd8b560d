"""Word types: means of occurrences, frequency list, decontextualized vectors, `ctxvec types`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.lexicon import (
    WordTypes,
    add_decontextualized,
    build_word_types,
    decontextualized_types,
    embed_words,
    merge_types,
    read_words_file,
    unknown_words_message,
    word_types,
)
from ctxvec.store import Store

SENTENCES = ["the cold water was warm", "the king and the queen", "a man and a woman in paris", "Cold rain, cold snow"]


@pytest.fixture(scope="module")
def tiny_store(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    return embed(
        SENTENCES, tmp_path_factory.mktemp("tiny") / "t.store", EncodeSpec(model=str(tiny_model)), dtype="float32"
    )


def test_type_vectors_are_means_of_occurrences(random_store: Store) -> None:
    types = word_types(random_store, cache=False)
    assert types.words.tolist() == sorted(set(random_store.tokens.tolist()))
    for i, w in enumerate(types.words):
        rows = np.flatnonzero(random_store.tokens == w)
        assert types.counts[i] == len(rows)
        np.testing.assert_allclose(types.vectors[i], random_store.get_vectors(rows).mean(axis=0), rtol=1e-5, atol=1e-6)


def test_types_are_cached_and_min_count_filters(random_store: Store) -> None:
    first = word_types(random_store)
    assert (random_store.path / "types.npy").is_file()
    again = word_types(random_store)
    np.testing.assert_array_equal(first.vectors, again.vectors)
    cut = int(np.median(first.counts))
    few = word_types(random_store, min_count=cut)
    assert len(few) == int((first.counts >= cut).sum()) and few.counts.min() >= cut
    with pytest.raises(ParameterError, match="min_count must be at least 1"):
        word_types(random_store, min_count=0)


def test_cache_records_the_vectors_it_was_built_from(random_store: Store) -> None:
    """The cache holds the store's `vectors_record`; a record that is not current makes it rebuild."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ctxvec.lexicon._wordtypes import RECORD_KEY

    first = word_types(random_store)
    table = pq.read_table(random_store.path / "types.parquet")
    assert random_store.is_current(json.loads(table.schema.metadata[RECORD_KEY]))
    np.save(random_store.path / "types.npy", np.zeros_like(first.vectors))  # stale vectors, current record
    assert not word_types(random_store).vectors.any()  # the cache is trusted while its record is current
    stale = dict(random_store.vectors_record(), vectors_sha256="0" * 64)
    pq.write_table(
        table.replace_schema_metadata({RECORD_KEY: json.dumps(stale).encode()}), random_store.path / "types.parquet"
    )
    np.testing.assert_array_equal(word_types(random_store).vectors, first.vectors)  # rebuilt
    pq.write_table(pa.table({"word": ["x"], "count": [1]}), random_store.path / "types.parquet")  # no record
    np.testing.assert_array_equal(word_types(random_store).vectors, first.vectors)
    leftovers = [p.name for p in random_store.path.iterdir() if ".tmp" in p.name]
    assert leftovers == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=30))
def test_frequency_order_is_descending_with_alphabetical_ties(counts: list[int]) -> None:
    words = np.asarray([f"w{i:03d}" for i in range(len(counts))], dtype=object)
    types = WordTypes(words, np.asarray(counts, dtype=np.int64), np.zeros((len(counts), 2), dtype=np.float32))
    order = types.frequency_order()
    assert sorted(order.tolist()) == list(range(len(counts)))
    keyed = [(-counts[i], str(words[i])) for i in order]
    assert keyed == sorted(keyed)


@settings(max_examples=60, deadline=None)
@given(
    st.sets(st.text("abc", min_size=1, max_size=3), max_size=8),
    st.sets(st.text("abc", min_size=1, max_size=3), max_size=8),
)
def test_merge_types_is_a_sorted_union_preferring_the_first(a_words: set[str], b_words: set[str]) -> None:
    def make(words: set[str], value: float) -> WordTypes:
        w = np.asarray(sorted(words), dtype=object)
        return WordTypes(w, np.full(len(w), int(value), dtype=np.int64), np.full((len(w), 3), value, dtype=np.float32))

    merged = merge_types(make(a_words, 1.0), make(b_words, 0.0))
    assert merged.words.tolist() == sorted(a_words | b_words)
    for w, c, v in zip(merged.words, merged.counts, merged.vectors, strict=True):
        assert (c == 1 and v[0] == 1.0) if w in a_words else (c == 0 and v[0] == 0.0)


def test_unknown_words_message_names_words_and_close_matches() -> None:
    msg = unknown_words_message(["kingg", "zzzz"], np.asarray(["king", "kings", "queen"], dtype=object))
    assert "'kingg' (closest: king, kings)" in msg and "'zzzz' (no close word)" in msg
    types = WordTypes(
        np.asarray(["king", "queen"], dtype=object), np.ones(2, dtype=np.int64), np.eye(2, dtype=np.float32)
    )
    with pytest.raises(CtxvecError, match="unknown words 'quen' \\(closest: queen\\); 'kin' \\(closest: king\\)"):
        types.find(["king", "quen", "kin"])
    assert types.find(["QUEEN", "king"]).tolist() == [1, 0]


def test_decontextualized_vectors_embed_each_word_alone(tiny_store: Store) -> None:
    res = add_decontextualized(tiny_store, ["snow", "ice", "King", "ice", "hot", " "])
    assert res.added == ["ice", "hot"] and res.known == ["snow", "King"] and res.failed == []
    plain = word_types(tiny_store)
    assert "ice" not in plain.words.tolist()  # off by default
    types = word_types(tiny_store, decontextualized=True)
    assert types.counts[types.index("ice")] == 0 and types.counts[types.index("king")] == 1
    assert len(types) == len(plain) + 2
    enc = tiny_store.encoder("cpu")
    alone = enc(["ice"])
    np.testing.assert_allclose(types.vectors[types.index("ice")], alone.vectors.mean(axis=0), rtol=1e-5, atol=1e-6)
    # corpus types keep their mean-of-occurrence vectors
    np.testing.assert_array_equal(types.vectors[types.index("cold")], plain.vectors[plain.index("cold")])
    again = add_decontextualized(tiny_store, ["ice", "blue"])
    assert again.added == ["blue"] and again.known == ["ice"]
    kept = decontextualized_types(tiny_store).words.tolist()
    assert {"blue", "hot", "ice"} <= set(kept) and kept == sorted(kept) and again.total == len(kept)


def test_embed_words_averages_the_rows_of_a_split_word(tiny_store: Store) -> None:
    enc = tiny_store.encoder("cpu")
    vec, ok = embed_words(enc, ["rain-snow", "cold"], batch=1)
    assert ok.all()
    batch = enc(["rain-snow"])
    assert len(batch) == 3  # rain, -, snow
    np.testing.assert_allclose(vec[0], batch.vectors.mean(axis=0), rtol=1e-5, atol=1e-6)


def test_decontextualized_needs_a_model(random_store: Store) -> None:
    with pytest.raises(CtxvecError, match="no model"):
        add_decontextualized(random_store, ["brandnewword"])


def test_read_words_file(tmp_path: Path) -> None:
    f = tmp_path / "w.txt"
    f.write_text("king queen\n# comment\nman  # trailing\n\n")
    assert read_words_file(f) == ["king", "queen", "man"]
    with pytest.raises(CtxvecError, match="does not exist"):
        read_words_file(tmp_path / "missing.txt")


def test_cli_types_json_and_frequency_list(
    random_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    freq = tmp_path / "freq.tsv"
    assert main(["types", str(random_store.path), "--top", "5", "--frequencies", str(freq), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["types"] == 30 and out["occurrences"] == 600 and len(out["top"]) == 5
    lines = [line.split("\t") for line in freq.read_text().splitlines()]
    assert len(lines) == 30 and [w for w, _ in lines[:5]] == [t["word"] for t in out["top"]]
    counts = [int(c) for _, c in lines]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 600
    assert main(["types", str(random_store.path), "--min-count", "25"]) == 0
    assert "most frequent words" in capsys.readouterr().out


def test_cli_types_decontextualized(tiny_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "w.txt"
    f.write_text("sun\nrain\n")
    assert main(["types", str(tiny_store.path), "--decontextualized", str(f), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decontextualized"]["added"] == ["sun"] and out["decontextualized"]["already_known"] == 1
    assert main(["types", str(tiny_store.path), "--decontextualized", str(tmp_path / "nope.txt")]) == 2
    assert "words file" in capsys.readouterr().err


def test_build_word_types_summary_is_the_cli_json(
    random_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    freq = tmp_path / "sub" / "freq.tsv"
    res = build_word_types(random_store, min_count=2, top=3, frequencies=freq)
    d = res.to_dict()
    assert d["types"] == res.n_types and d["min_count"] == 2 and len(d["top"]) == 3
    assert d["frequencies"] == str(freq) and "decontextualized" not in d
    assert d["top"][0] == {"word": res.top[0].word, "count": res.top[0].count}
    assert len(freq.read_text().splitlines()) == res.n_types
    assert (
        main(["types", str(random_store.path), "--min-count", "2", "--top", "3", "--frequencies", str(freq), "--json"])
        == 0
    )
    assert json.loads(capsys.readouterr().out) == d
    assert set(build_word_types(random_store).to_dict()) == {"store", "types", "min_count", "occurrences", "top"}
