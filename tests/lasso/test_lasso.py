"""LASSO solvers against scikit-learn, the KKT conditions and closed forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, orthogonal_mp

from ctxvec.errors import CtxvecError
from ctxvec.lasso import _lasso as lasso


def anisotropic(seed: int, n_atoms: int, dim: int, k: int, shift: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Atoms and targets sharing a common direction and a low-rank structure, like contextual embeddings."""
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=dim) * shift
    basis = rng.normal(size=(8, dim))
    atoms = rng.normal(size=(n_atoms, dim)) + rng.normal(size=(n_atoms, 8)) @ basis + mean
    targets = rng.normal(size=(k, dim)) + rng.normal(size=(k, 8)) @ basis + mean
    return atoms.astype(np.float32), targets


def sk_objective(y, atoms, alpha, positive=True):
    """scikit-learn's own Lasso solution (tight tolerance) and its objective in our scaling."""
    coef = np.stack(
        [
            Lasso(alpha=a, positive=positive, fit_intercept=False, tol=1e-10, max_iter=100000)
            .fit(atoms.T.astype(np.float64), t)
            .coef_
            for t, a in zip(y, alpha, strict=True)
        ]
    )
    return coef, lasso.lasso_objective(y, atoms, coef, alpha)


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_atoms=st.integers(20, 300),
    dim=st.sampled_from([8, 24, 48]),
    rel=st.floats(0.02, 0.9),
    positive=st.booleans(),
)
def test_fista_reaches_sklearn_objective(seed, n_atoms, dim, rel, positive):
    atoms, y = anisotropic(seed, n_atoms, dim, 3)
    alpha = rel * lasso.alpha_max(y, atoms, positive)
    res = lasso.fista(y, atoms, alpha, positive=positive)
    _, sk = sk_objective(y, atoms, alpha, positive)
    ours = lasso.lasso_objective(y, atoms, res.coef, alpha)
    assert res.converged.all()
    assert np.all((ours - sk) / sk <= 1e-4)
    np.testing.assert_allclose(res.objective, ours, rtol=1e-9)
    assert np.all(lasso.kkt_violation(y, atoms, res.coef, alpha, positive) < 1e-4)
    if positive:
        assert (res.coef.data >= 0).all()


def test_fista_many_atoms_working_set_and_kkt():
    """More atoms than the Gram cache (streamed scans, gathered working sets) still solve to the optimum."""
    atoms, y = anisotropic(1, 6000, 32, 5)
    alpha = 0.1 * lasso.alpha_max(y, atoms)
    res = lasso.fista(y, atoms, alpha)
    _, sk = sk_objective(y, atoms, alpha)
    assert np.all((res.objective - sk) / sk <= 1e-6)
    assert np.all(lasso.kkt_violation(y, atoms, res.coef, alpha) < 1e-6)
    assert res.gap.max() <= 1e-6 * res.objective.max()


def test_gram_and_streamed_paths_agree(make_store):
    """The same problem through in-memory atoms (Gram cut) and through a store's memory map (tiny blocks)."""
    atoms, y = anisotropic(2, 900, 16, 4)
    store = make_store(atoms, ["w"] * len(atoms), np.arange(len(atoms)) // 10, ["w " * 10] * 90, dtype="float32")
    alpha = 0.05 * lasso.alpha_max(y, atoms)
    a = lasso.fista(y, atoms, alpha)
    b = lasso.fista(y, lasso.StoreAtoms(store, block_rows=128), alpha)
    c = lasso.fista(y, lasso.StoreAtoms(store, rows=np.arange(0, 900, 2), block_rows=100), alpha)
    np.testing.assert_allclose(a.objective, b.objective, rtol=1e-9)
    np.testing.assert_allclose(a.coef.toarray(), b.coef.toarray(), atol=1e-6)
    sub = lasso.fista(y, atoms[::2], alpha)
    np.testing.assert_allclose(c.objective, sub.objective, rtol=1e-9)


def test_plain_fista_agrees():
    atoms, y = anisotropic(3, 200, 16, 3, shift=0.5)
    alpha = 0.2 * lasso.alpha_max(y, atoms)
    full = lasso.fista_full(y, atoms, alpha, tol=1e-8, max_iter=50000)
    ws = lasso.fista(y, atoms, alpha)
    assert np.all(np.abs(full.objective - ws.objective) / ws.objective < 1e-6)
    assert full.converged.all()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), above=st.floats(1.0, 5.0), positive=st.booleans())
def test_alpha_at_or_above_alpha_max_gives_zeros(seed, above, positive):
    atoms, y = anisotropic(seed, 50, 12, 3)
    amax = lasso.alpha_max(y, atoms, positive)
    res = lasso.fista(y, atoms, amax * above, positive=positive)
    assert res.coef.nnz == 0 and res.all_zero.all()
    np.testing.assert_allclose(res.alpha_max, amax)
    just_below = lasso.fista(y, atoms, amax * 0.98, positive=positive)
    assert (just_below.n_terms >= 1).all() and not just_below.all_zero.any()


def test_alpha_max_matches_definition():
    atoms, y = anisotropic(4, 80, 10, 4)
    np.testing.assert_allclose(lasso.alpha_max(y, atoms), (y @ atoms.T.astype(np.float64)).max(1) / 10, rtol=1e-6)
    np.testing.assert_allclose(
        lasso.alpha_max(y, atoms, positive=False), np.abs(y @ atoms.T.astype(np.float64)).max(1) / 10, rtol=1e-6
    )
    # no positively correlated atom: alpha_max 0, everything zero
    assert lasso.alpha_max(-np.abs(y), np.abs(atoms)).max() == 0.0
    assert lasso.fista(-np.abs(y), np.abs(atoms), 1e-3).coef.nnz == 0


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_atoms=st.integers(1, 12),
    alpha=st.floats(0.0, 0.5),
    positive=st.booleans(),
)
def test_orthonormal_dictionary_gives_soft_threshold(seed, n_atoms, alpha, positive):
    dim = 12
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    atoms = q[:n_atoms]  # orthonormal rows
    y = rng.normal(size=(2, dim))
    res = lasso.fista(y, atoms, alpha, positive=positive)
    ay = y @ atoms.T
    expect = np.maximum(ay - dim * alpha, 0) if positive else np.sign(ay) * np.maximum(np.abs(ay) - dim * alpha, 0)
    np.testing.assert_allclose(res.coef.toarray(), expect, atol=1e-5)


def test_exclusion_is_honoured():
    atoms, y = anisotropic(5, 100, 16, 2)
    atoms = np.concatenate([atoms, y.astype(np.float32)])  # each target is itself an atom ...
    mask = np.zeros((2, 102), dtype=bool)
    mask[0, 100] = mask[1, 101] = True  # ... which it may not use
    alpha = 0.05 * lasso.alpha_max(y, atoms, exclude=mask)
    res = lasso.fista(y, atoms, alpha, exclude=mask)
    dense = res.coef.toarray()
    assert dense[0, 100] == 0 and dense[1, 101] == 0
    free = lasso.fista(y, atoms, alpha)
    assert free.coef.toarray()[0, 100] > 0  # without the exclusion the copy would be used
    ref = lasso.fista(y[:1], atoms[:100], alpha[:1])  # excluding = removing, for target 0 (its twin 101 kept)
    sub = lasso.fista(y[:1], np.delete(atoms, 100, 0), alpha[:1])
    np.testing.assert_allclose(res.objective[0], sub.objective[0], rtol=1e-8)
    assert ref.objective[0] >= sub.objective[0] - 1e-12


def test_warm_start_gives_the_same_solution():
    atoms, y = anisotropic(6, 400, 16, 3)
    amax = lasso.alpha_max(y, atoms)
    cold = lasso.fista(y, atoms, 0.1 * amax)
    warm = lasso.fista(y, atoms, 0.1 * amax, warm_start=lasso.fista(y, atoms, 0.3 * amax))
    np.testing.assert_allclose(cold.objective, warm.objective, rtol=1e-8)


def test_sklearn_wrapper_is_sklearn():
    atoms, y = anisotropic(7, 150, 16, 2)
    alpha = 0.2 * lasso.alpha_max(y, atoms)
    res = lasso.sklearn_lasso(y, atoms, alpha, tol=1e-10)
    coef, obj = sk_objective(y, atoms, alpha)
    np.testing.assert_allclose(res.coef.toarray(), coef, atol=1e-7)
    np.testing.assert_allclose(res.objective, obj, rtol=1e-9)
    mask = np.zeros(150, dtype=bool)
    mask[np.flatnonzero(coef[0])[:1]] = True
    excl = lasso.sklearn_lasso(y, atoms, alpha, exclude=mask, tol=1e-10)
    assert (excl.coef.toarray()[:, mask] == 0).all()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 8), positive=st.booleans())
def test_max_terms_is_honoured(seed, k, positive):
    atoms, y = anisotropic(seed, 120, 16, 3)
    res = lasso.max_terms_search(y, atoms, k, positive=positive)
    assert (res.n_terms <= k).all()
    assert (res.n_terms >= 1).all()
    assert (res.alpha < res.alpha_max).all()
    # the alpha it reports is the alpha of the solution it returns
    again = lasso.fista(y, atoms, res.alpha, positive=positive)
    np.testing.assert_allclose(again.objective, res.objective, rtol=1e-6)


def test_max_terms_with_sklearn_solver():
    atoms, y = anisotropic(8, 60, 12, 2)
    res = lasso.solve(y, atoms, max_terms=3, solver="lasso")
    assert (res.n_terms <= 3).all() and (res.n_terms >= 1).all()


def test_omp_signed_matches_sklearn():
    atoms, y = anisotropic(9, 80, 24, 3, shift=0.0)
    res = lasso.omp(y, atoms, 5, positive=False)
    for t in range(3):
        ref = orthogonal_mp(atoms.T.astype(np.float64), y[t], n_nonzero_coefs=5)
        np.testing.assert_allclose(res.coef.toarray()[t], ref, atol=1e-6)


def test_omp_positive():
    atoms, y = anisotropic(10, 80, 24, 3)
    res = lasso.omp(y, atoms, 4)
    assert (res.n_terms <= 4).all() and (res.coef.data > 0).all()
    r = y - res.coef.toarray() @ atoms
    np.testing.assert_allclose(res.objective, 0.5 * (r**2).sum(1) / 24, rtol=1e-6)


def test_bad_input():
    atoms, y = anisotropic(11, 10, 4, 1)
    with pytest.raises(CtxvecError, match="alpha"):
        lasso.fista(y, atoms, -1.0)
    with pytest.raises(CtxvecError, match="dim"):
        lasso.fista(y[:, :3], atoms, 0.1)
    with pytest.raises(CtxvecError, match="max_terms"):
        lasso.solve(y, atoms, solver="omp")
    with pytest.raises(CtxvecError, match="solver"):
        lasso.solve(y, atoms, 0.1, solver="cd")


@pytest.mark.parametrize(("seed", "positive"), [(187, True), (293, False)])
def test_max_terms_finds_a_term_when_the_first_atoms_nearly_tie(seed, positive):
    """Two atoms enter within 0.02% of alpha_max of each other: the one-term window is inside the default
    tolerance, and the search must still return one term rather than none."""
    atoms, y = anisotropic(seed, 120, 16, 3)
    res = lasso.max_terms_search(y, atoms, 1, positive=positive)
    assert (res.n_terms == 1).all()
