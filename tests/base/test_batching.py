"""Micro-batching (`ctxvec._batching.Batcher`) and its use for new sentences (`ctxvec.queries`):
concurrent calls share a run, every caller gets its own result (or its own error), and a new sentence
embedded with others gives the vectors it gets alone."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec._batching import Batcher


def _call_all(batcher: Batcher[int, int], items: list[int]) -> list[int | BaseException]:
    """`batcher(item)` for every item, each on its own thread, started together."""
    out: list[int | BaseException] = [0] * len(items)
    start = threading.Barrier(len(items))

    def call(i: int) -> None:
        start.wait()
        try:
            out[i] = batcher(items[i])
        except Exception as e:
            out[i] = e

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(items))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return out


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=24), st.integers(1, 8))
def test_every_caller_gets_its_own_result(items: list[int], max_items: int) -> None:
    seen: list[int] = []

    def square(xs: list[int]) -> list[int]:
        seen.append(len(xs))
        time.sleep(0.001)  # long enough for others to arrive meanwhile
        return [x * x for x in xs]

    batcher = Batcher(square, max_items)
    assert _call_all(batcher, items) == [x * x for x in items]
    assert sum(seen) == len(items) and max(seen) <= max_items
    assert batcher.sizes == {n: seen.count(n) for n in set(seen)}


def test_calls_arriving_during_a_run_share_the_next_one() -> None:
    release = threading.Event()
    runs: list[list[int]] = []

    def run(xs: list[int]) -> list[int]:
        runs.append(list(xs))
        if len(runs) == 1:
            release.wait(10)  # the first run is busy while the others arrive
        return [x + 1 for x in xs]

    batcher = Batcher(run, max_items=4)
    first = threading.Thread(target=batcher, args=(0,))
    first.start()
    while not runs:
        time.sleep(0.001)
    results: dict[int, int] = {}
    others = [threading.Thread(target=lambda i=i: results.update({i: batcher(i)})) for i in range(1, 7)]
    for t in others:
        t.start()
    while len(batcher._waiting) < 6:
        time.sleep(0.001)
    release.set()
    first.join(10)
    for t in others:
        t.join(10)
    assert results == {i: i + 1 for i in range(1, 7)}
    assert [len(r) for r in runs] == [1, 4, 2]  # the six waiting ones: oldest four, then the other two
    assert sorted(runs[1] + runs[2]) == list(range(1, 7))


def test_one_bad_item_fails_only_its_caller() -> None:
    def run(xs: list[int]) -> list[int]:
        time.sleep(0.002)
        if 13 in xs:
            raise ValueError("13 is unlucky")
        return [-x for x in xs]

    out = _call_all(Batcher(run), [1, 2, 13, 4, 5, 6])
    assert isinstance(out[2], ValueError) and "13" in str(out[2])
    assert [out[i] for i in (0, 1, 3, 4, 5)] == [-1, -2, -4, -5, -6]


def test_a_run_giving_the_wrong_number_of_results_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="2 results for 1 items"):
        Batcher(lambda xs: [1, 2])(0)
    with pytest.raises(ValueError, match="at least 1"):
        Batcher(lambda xs: xs, max_items=0)


@pytest.fixture(scope="module")
def store(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from small_corpus import embed_corpus_stores

    from ctxvec.store import Store

    return Store.open(embed_corpus_stores(tmp_path_factory.mktemp("batching"), tiny_model)["a"])


def test_new_sentences_embedded_together_equal_each_alone(store) -> None:  # type: ignore[no-untyped-def]
    """Eight `select_queries(in_sentence=)` calls at once (the first pass held back until the other
    seven wait, so they really share the next forward pass, sentences of different lengths) give
    each sentence's vectors alone."""
    from ctxvec.queries import select_queries, sentence_batcher

    texts = [
        "the cold water",
        "i caught a cold last week in the rain",
        "cold",
        "the river bank was cold and the king was warm",
        "a cold day",
        "cold snow , cold rain , cold winter night in the city",
        "the queen was cold",
        "cold money",
    ]
    alone = [select_queries(store, "cold", in_sentence=t) for t in texts]
    batcher = sentence_batcher(store)
    real_run, release, runs = batcher.run, threading.Event(), []

    def held_run(batch: list[str]) -> object:  # the real encoder; the first pass waits for the others
        runs.append(len(batch))
        if len(runs) == 1:
            release.wait(30)
        return real_run(batch)

    batcher.run = held_run  # type: ignore[assignment]
    together: list[object] = [None] * len(texts)

    def ask(i: int) -> None:
        together[i] = select_queries(store, "cold", in_sentence=texts[i])

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(texts))]
    try:
        threads[0].start()
        while not runs:
            time.sleep(0.005)
        for t in threads[1:]:
            t.start()
        deadline = time.monotonic() + 30
        while len(batcher._waiting) < len(texts) - 1 and time.monotonic() < deadline:
            time.sleep(0.005)
        release.set()
        for t in threads:
            t.join(60)
    finally:
        batcher.run = real_run  # type: ignore[method-assign]
    assert runs == [1, len(texts) - 1]
    for one, both in zip(alone, together, strict=True):
        assert one.occurrences == both.occurrences  # type: ignore[attr-defined]
        np.testing.assert_allclose(both.vectors, one.vectors, rtol=1e-4, atol=1e-5)  # type: ignore[attr-defined]
