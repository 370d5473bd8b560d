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
