"""`gram_fista` (FISTA on a small dictionary's full Gram matrix) against scikit-learn's Lasso."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_lasso import sk_objective

from ctxvec.errors import ParameterError
from ctxvec.lasso import ArrayAtoms, alpha_max, fista, gram_fista, kkt_violation, lasso_objective


def problem(seed: int, n_atoms: int, dim: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Unit atoms sharing a common direction (as contextual embeddings do) and targets near their cone."""
    rng = np.random.default_rng(seed)
    mean = rng.normal(size=dim)
    atoms = rng.normal(size=(n_atoms, dim)) + 2 * mean
    atoms /= np.linalg.norm(atoms, axis=1, keepdims=True)
    targets = rng.uniform(0, 1, size=(k, n_atoms)) ** 6 @ atoms + 0.1 * rng.normal(size=(k, dim))
    return atoms.astype(np.float32), targets.astype(np.float32)


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_atoms=st.integers(5, 120),
    dim=st.sampled_from([8, 32, 64]),
    rel=st.floats(0.02, 0.9),
    positive=st.booleans(),
)
def test_gram_fista_reaches_sklearn_objective(seed, n_atoms, dim, rel, positive):
    atoms, y = problem(seed, n_atoms, dim, 6)
    alpha = rel * alpha_max(y, ArrayAtoms(atoms), positive)
    res = gram_fista(y, ArrayAtoms(atoms), alpha, positive=positive, tol=1e-6, max_iter=20_000)
    _, ref = sk_objective(y.astype(np.float64), atoms, alpha, positive)
    assert np.all(res.objective <= ref * (1 + 1e-5) + 1e-9)
    coef = res.coef.toarray()
    if positive:
        assert (coef >= 0).all()
    assert kkt_violation(y, atoms, coef, alpha, positive).max() < 1e-2 * np.abs(y).max()
    # the objective it reports is the objective of the coefficients it returns
    np.testing.assert_allclose(res.objective, lasso_objective(y, atoms, coef, alpha), rtol=1e-5)


def test_gram_fista_agrees_with_working_set_fista_on_many_targets():
    atoms, y = problem(1, 200, 48, 700)
    a = 0.2 * alpha_max(y, ArrayAtoms(atoms), True)
    g = gram_fista(y, ArrayAtoms(atoms), a, tol=1e-5, max_iter=5000)
    w = fista(y, ArrayAtoms(atoms), a, tol=1e-7)
    assert g.converged.all()
    np.testing.assert_allclose(g.objective, w.objective, rtol=2e-5)
    assert (g.gap <= 1e-5 * g.objective + 1e-12).all()


def test_zeros_at_alpha_max_warm_start_and_iteration_cap():
    atoms, y = problem(2, 40, 16, 5)
    amax = alpha_max(y, ArrayAtoms(atoms), True)
    top = gram_fista(y, ArrayAtoms(atoms), amax * 1.01)
    assert top.coef.nnz == 0 and top.converged.all() and (top.n_iter == 0).all()
    cold = gram_fista(y, ArrayAtoms(atoms), 0.1 * amax, tol=1e-6)
    warm = gram_fista(y, ArrayAtoms(atoms), 0.1 * amax, tol=1e-6, warm_start=cold.coef.toarray())
    assert warm.n_iter.max() <= cold.n_iter.min() and warm.converged.all()
    np.testing.assert_allclose(warm.objective, cold.objective, rtol=1e-5)
    y_signed = y - 3.0 * atoms[:1]  # every target needs a negative coefficient on atom 0
    signed_amax = alpha_max(y_signed, ArrayAtoms(atoms), False)
    signed = gram_fista(y_signed, ArrayAtoms(atoms), 0.1 * signed_amax, positive=False, tol=1e-6)
    again = gram_fista(
        y_signed, ArrayAtoms(atoms), 0.1 * signed_amax, positive=False, tol=1e-6, warm_start=signed.coef.toarray()
    )
    assert (signed.coef.toarray() < 0).any() and again.n_iter.max() <= signed.n_iter.min()  # negatives kept
    capped = gram_fista(y, ArrayAtoms(atoms), 0.01 * amax, tol=1e-12, max_iter=3)
    assert (capped.n_iter == 3).all() and not capped.converged.any()
    with pytest.raises(ParameterError, match="tol"):
        gram_fista(y, ArrayAtoms(atoms), 0.1, tol=0)
