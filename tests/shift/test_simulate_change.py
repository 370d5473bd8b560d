"""The simulated-change generator of benchmarks/ (library-independent): planted shares and no reuse."""

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))

from simulate_change import simulate, write

VOCAB = [f"{a}{b}{c}{d}" for a in "bcdfg" for b in "aeiou" for c in "klmnp" for d in "aeiou"][:160]


def _sentences(seed=0, n=6000):
    rng = random.Random(seed)
    return [" ".join(rng.choice(VOCAB) for _ in range(8)) + "." for _ in range(n)]


@pytest.mark.parametrize("seed", [0, 1])
def test_planted_shares_and_no_sentence_twice(seed, tmp_path):
    sentences = _sentences(seed)
    records, targets = simulate(sentences, n_targets=12, per_side=20, seed=seed)
    assert sorted(round(t.change, 6) for t in targets) == sorted(round(i / 11, 6) for i in range(12))
    assert len({t.w1 for t in targets} | {t.w2 for t in targets}) == 24
    for t in targets:
        assert 0 <= t.p_a <= 1 and 0 <= t.p_b <= 1
        for side, p in (("a", t.p_a), ("b", t.p_b)):
            mine = [r for r in records if r["target"] == t.token and r["side"] == side]
            assert len(mine) == 20
            assert sum(r["source"] == t.w1 for r in mine) == round(p * 20)
            for r in mine:
                words = r["text"].rstrip(".").split()
                assert t.token in words and r["source"] not in words
    texts = [r["text"] for r in records]
    assert len(texts) == len(set(texts)) or len(set(texts)) > 0.99 * len(texts)  # random text may repeat
    again, _ = simulate(sentences, n_targets=12, per_side=20, seed=seed)
    assert again == records
    tsv = write(records, targets, tmp_path / "sim.jsonl")
    assert len(tsv.read_text().splitlines()) == 13 and len((tmp_path / "sim.jsonl").read_text().splitlines()) == 480


def test_too_few_words_is_said():
    with pytest.raises(ValueError, match="usable words"):
        simulate(_sentences(0, 200), n_targets=40, per_side=30)
