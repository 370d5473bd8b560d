"""The change measures against straightforward numpy/scipy implementations and the reference scripts' formulas."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import cdist, cosine, jensenshannon, pdist
from scipy.stats import entropy, false_discovery_control

from ctxvec.shift import benjamini_hochberg
from ctxvec.shift._measures import (
    apd,
    apd_excess,
    change_statistics,
    jsd,
    prt,
    side_sums,
    within_apd,
)


def _sides(seed, na=30, nb=40, dim=8, shift=0.0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(na, dim)) + 1.0
    b = rng.normal(size=(nb, dim)) + 1.0
    b[:, 0] += shift
    return a, b


@given(st.integers(0, 10**6), st.integers(2, 25), st.integers(2, 25))
@settings(max_examples=40, deadline=None)
def test_apd_prt_within_match_scipy(seed, na, nb):
    a, b = _sides(seed, na, nb)
    assert apd(a, b) == pytest.approx(np.mean(cdist(a, b, "cosine")), abs=1e-10)  # akutuzov, languagechange
    assert within_apd(a) == pytest.approx(np.mean(pdist(a, "cosine")), abs=1e-10)
    assert prt(a, b) == pytest.approx(cosine(a.mean(axis=0), b.mean(axis=0)), abs=1e-10)  # languagechange PRT
    brute = np.mean(cdist(a, b, "cosine")) - 0.5 * (np.mean(pdist(a, "cosine")) + np.mean(pdist(b, "cosine")))
    assert apd_excess(a, b) == pytest.approx(brute, abs=1e-10)


@given(st.lists(st.integers(0, 50), min_size=2, max_size=8), st.integers(0, 10**6))
@settings(max_examples=60, deadline=None)
def test_jsd_is_the_base2_divergence(counts, seed):
    p = np.asarray(counts, dtype=float) + 0.0
    q = np.random.default_rng(seed).permutation(p) + np.arange(len(p)) % 2
    if p.sum() == 0 or q.sum() == 0:
        return
    assert jsd(p, q) == pytest.approx(jensenshannon(p, q, base=2) ** 2, abs=1e-9)  # scipy gives the distance
    pn, qn = p / p.sum(), q / q.sum()
    m = (pn + qn) / 2
    akutuzov = (entropy(pn, m) + entropy(qn, m)) / 2  # semeval2020 jsd.py: divergence in nats
    assert jsd(p, q) == pytest.approx(akutuzov / np.log(2), abs=1e-9)
    assert 0.0 <= jsd(p, q) <= 1.0


def test_jsd_bounds():
    assert jsd([1, 0], [0, 1]) == pytest.approx(1.0)
    assert jsd([3, 1], [6, 2]) == pytest.approx(0.0)


@given(st.integers(0, 10**6))
@settings(max_examples=25, deadline=None)
def test_sums_of_weighted_draws_equal_the_direct_measures(seed):
    """A bootstrap resample given as counts equals the measures of the explicitly duplicated rows, within-side
    pairs taken over distinct occurrences (a row is not paired with its own copies)."""
    rng = np.random.default_rng(seed)
    a, b = _sides(seed, 12, 15)
    x = np.vstack([a, b])
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    labels = rng.integers(0, 3, len(x))
    onehot = np.eye(3)[labels]
    ca = np.r_[rng.multinomial(12, np.full(12, 1 / 12)), np.zeros(15)]
    cb = np.r_[np.zeros(12), rng.multinomial(15, np.full(15, 1 / 15))]
    got = side_sums(ca[None], cb[None], unit, x, onehot).measures()
    ra, rb = np.repeat(x, ca.astype(int), axis=0), np.repeat(x, cb.astype(int), axis=0)
    if len(np.unique(ra, axis=0)) < 1 or len(ra) < 2 or len(rb) < 2:
        return
    assert got["apd"][0] == pytest.approx(apd(ra, rb), abs=1e-9)
    assert got["prt"][0] == pytest.approx(prt(ra, rb), abs=1e-9)

    def within(rows, counts):
        idx = np.repeat(np.arange(len(counts)), counts.astype(int))
        d = cdist(x[idx], x[idx], "cosine")
        distinct = idx[:, None] != idx[None, :]
        return d[distinct].mean()

    want = apd(ra, rb) - 0.5 * (within(x, ca) + within(x, cb))
    assert got["excess"][0] == pytest.approx(want, abs=1e-9)
    la, lb = np.repeat(labels, ca.astype(int)), np.repeat(labels, cb.astype(int))
    assert got["jsd"][0] == pytest.approx(jsd(np.bincount(la, minlength=3), np.bincount(lb, minlength=3)), abs=1e-9)


def test_excess_is_unbiased_under_no_change_whatever_the_diversity():
    """Two samples of one distribution: APD grows with diversity, the excess stays at 0 on average."""
    rng = np.random.default_rng(1)
    for spread in (0.3, 3.0):  # a narrow and a diverse ('polysemous') word
        ex, ap = [], []
        for _ in range(300):
            a = rng.normal(size=(20, 6)) * spread + 1.0
            b = rng.normal(size=(20, 6)) * spread + 1.0
            ex.append(apd_excess(a, b))
            ap.append(apd(a, b))
        se = np.std(ex) / np.sqrt(len(ex))
        assert abs(np.mean(ex)) < 4 * se
        if spread > 1:
            assert np.mean(ap) > 0.3  # APD alone reads diversity as distance
        else:
            assert np.mean(ap) < 0.1


def test_permutation_p_values_are_calibrated_and_detect_change():
    rng = np.random.default_rng(2)
    ps = []
    for i in range(200):
        a, b = _sides(1000 + i, 20, 20)
        x = np.vstack([a, b])
        side = np.r_[np.zeros(20, bool), np.ones(20, bool)]
        unit = x / np.linalg.norm(x, axis=1, keepdims=True)
        stats, _ = change_statistics(unit, x, side, np.zeros(40, int), permutations=199, bootstrap=10, seed=i)
        ps.append(stats["excess"].p_value)
    ps = np.asarray(ps)
    assert 0.01 <= np.mean(ps < 0.05) <= 0.10  # about 5 % false alarms
    assert abs(np.mean(ps) - 0.5) < 0.08
    a, b = _sides(5, 40, 40, shift=3.0)
    x = np.vstack([a, b])
    side = np.r_[np.zeros(40, bool), np.ones(40, bool)]
    unit = x / np.linalg.norm(x, axis=1, keepdims=True)
    stats, within = change_statistics(unit, x, side, np.zeros(80, int), permutations=199, bootstrap=200, seed=0)
    assert stats["excess"].p_value == pytest.approx(1 / 200)
    assert stats["excess"].low <= stats["excess"].value <= stats["excess"].high
    assert stats["apd"].value == pytest.approx(apd(a, b)) and within["a"] == pytest.approx(within_apd(a))
    assert rng is not None


@given(st.lists(st.floats(0, 1), min_size=1, max_size=40))
@settings(max_examples=80, deadline=None)
def test_benjamini_hochberg_matches_scipy(p):
    p = np.asarray(p)
    assert np.allclose(benjamini_hochberg(p), false_discovery_control(p, method="bh"))


def test_blocks_move_together_and_keep_the_test_calibrated():
    """Occurrences of one sentence share its context: shuffled one by one they make false alarms; shuffled
    as blocks (their sentence) the test keeps its size."""
    rng = np.random.default_rng(3)
    by_occurrence, by_block = [], []
    for i in range(120):
        centres = rng.normal(size=(12, 6)) + 1.0  # 12 sentences, 4 near-identical occurrences each
        x = np.repeat(centres, 4, axis=0) + rng.normal(size=(48, 6)) * 0.05
        groups = np.repeat(np.arange(12), 4)
        side = groups >= 6
        unit = x / np.linalg.norm(x, axis=1, keepdims=True)
        labels = np.zeros(48, int)
        plain, _ = change_statistics(unit, x, side, labels, permutations=99, bootstrap=5, seed=i)
        blocked, _ = change_statistics(unit, x, side, labels, groups=groups, permutations=99, bootstrap=5, seed=i)
        by_occurrence.append(plain["excess"].p_value)
        by_block.append(blocked["excess"].p_value)
    assert np.mean(np.asarray(by_occurrence) < 0.05) > 0.25
    assert np.mean(np.asarray(by_block) < 0.05) <= 0.10
    with pytest.raises(ValueError, match="one side"):
        change_statistics(unit, x, side, labels, groups=np.zeros(48, int), permutations=9, bootstrap=5)
