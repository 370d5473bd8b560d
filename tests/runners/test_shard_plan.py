"""The shard plan: contiguous sentence ranges that cover the corpus once, and row offsets."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.runners._shards import ShardPlan, shard_ranges


@given(st.integers(0, 5000), st.integers(1, 700))
def test_shards_cover_every_sentence_once_in_order(n, size):
    ranges = shard_ranges(n, size)
    covered = [i for a, b in ranges for i in range(a, b)]
    assert covered == list(range(n))
    assert all(0 < b - a <= size for a, b in ranges)
    assert all(b - a == size for a, b in ranges[:-1])  # only the last shard is shorter


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=50))
def test_row_offsets_are_the_running_sum_of_shard_rows(rows):
    plan = ShardPlan(8, rows, [1] * len(rows), [1] * len(rows), [0] * len(rows))
    offsets = plan.row_offsets
    assert offsets[0] == 0 and offsets[-1] == sum(rows)
    assert np.array_equal(np.diff(offsets), rows)
    assert plan.counts() == {
        "n_tokens": len(rows),
        "n_windowed_sentences": 0,
        "n_batches": len(rows),
        "n_shards": len(rows),
    }


def test_plan_round_trips_through_its_file(tmp_path):
    plan = ShardPlan(4, [3, 0, 5], [10, 0, 12], [1, 0, 2], [0, 0, 1])
    plan.save(tmp_path / "plan.json")
    assert ShardPlan.load(tmp_path / "plan.json") == plan


def test_pass_two_reuses_pass_one_tokens_of_the_first_shards_and_writes_the_same_store(
    tiny_model, tmp_path, monkeypatch
):
    """Shards whose tokens pass 1 kept (the first ones, up to `KEEP_TOKENS`) are neither re-read nor
    re-tokenized; the others are; the store is the same byte for byte whichever shards were kept."""
    from ctxvec.encoding import BatchEncoder, EncodeSpec
    from ctxvec.runners import _job, _shards, embed

    texts = [f"Sentence number {i} has a few words, and bank {i % 7} too." for i in range(40)]
    spec = EncodeSpec(model=str(tiny_model))
    first_shard = BatchEncoder.load(spec, device="cpu").tokenize(texts[:10]).n_tokens
    read: list[int] = []
    original = _shards.read_shard_texts

    def counting(store, shard, expected):
        read.append(shard)
        return original(store, shard, expected)

    monkeypatch.setattr(_shards, "read_shard_texts", counting)
    stores = {}
    for name, keep in (("all", 10**9), ("first", first_shard), ("none", 0)):
        monkeypatch.setattr(_job, "KEEP_TOKENS", keep)
        read.clear()
        embed(texts, tmp_path / name, spec, device="cpu", shard_sentences=10)
        stores[name] = list(read)
    assert stores == {"all": [], "first": [1, 2, 3], "none": [0, 1, 2, 3]}
    for name in ("vectors.npy", "norms.npy", "rows.parquet", "sentences.parquet", "manifest.json"):
        assert (tmp_path / "all" / name).read_bytes() == (tmp_path / "none" / name).read_bytes()
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "none" / name).read_bytes()
