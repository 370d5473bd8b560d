"""At most K terms: the LASSO path's best point with at most K terms, against scikit-learn's lars_path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import lars_path

from ctxvec.lasso import ArrayAtoms, Exclusion, SourceAtoms, kkt_violation, lasso_objective, max_terms_search
from ctxvec.lasso._path import homotopy, horizon, lars_max_terms, max_terms_path
from ctxvec.sources import ArraySource


def unit_problem(seed: int, n_atoms: int, dim: int, shift: float) -> tuple[np.ndarray, np.ndarray]:
    """Unit-norm atoms sharing a common direction (like contextual embeddings) and one target."""
    rng = np.random.default_rng(seed)
    atoms = rng.normal(size=(n_atoms, dim)) + shift * rng.normal(size=dim)
    atoms /= np.linalg.norm(atoms, axis=1, keepdims=True)
    atoms = atoms.astype(np.float32).astype(np.float64)  # what the solvers see
    y = rng.normal(size=dim) + atoms[: min(3, n_atoms)].sum(0)
    return atoms, y


def cosine(y: np.ndarray, r: np.ndarray) -> float:
    n = np.linalg.norm(r)
    return float(y @ r / (np.linalg.norm(y) * n)) if n > 0 else 0.0


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n_atoms=st.integers(2, 40),
    dim=st.integers(4, 32),
    k=st.integers(1, 6),
    shift=st.sampled_from([0.0, 1.5, 4.0]),
    positive=st.booleans(),
)
def test_best_point_with_at_most_k_terms_matches_lars_path(seed, n_atoms, dim, k, shift, positive):
    atoms, y = unit_problem(seed, n_atoms, dim, shift)
    res = max_terms_search(y[None], ArrayAtoms(atoms), k, positive=positive)
    w = res.coef.toarray()[0]
    alphas, _, path = lars_path(atoms.T, y, method="lasso", positive=positive)
    nnz = (path != 0).sum(0)
    cos = [cosine(y, atoms.T @ path[:, i]) for i in range(path.shape[1])]
    best_path = max(cos[i] for i in range(path.shape[1]) if nnz[i] <= k)
    assert res.n_terms[0] <= k
    assert cosine(y, atoms.T @ w) >= best_path - 1e-6
    if res.alpha[0] > 0:  # a knot of the path (at alpha 0 sklearn's last step is not the exact end point)
        i = int(np.argmin(np.abs(alphas - res.alpha[0])))
        assert abs(alphas[i] - res.alpha[0]) <= 1e-8 * alphas[0]
        np.testing.assert_allclose(w, path[:, i], atol=1e-7)
        assert set(np.flatnonzero(w)) == set(np.flatnonzero(path[:, i]))
        # LASSO semantics: the optimality conditions hold at that alpha, and the objective is the solution's
        assert kkt_violation(y[None], atoms, w[None], res.alpha, positive)[0] < 1e-7
        np.testing.assert_allclose(res.objective, lasso_objective(y[None], atoms, w[None], res.alpha), rtol=1e-12)


@pytest.mark.parametrize("positive", [True, False])
def test_many_atoms_screened_candidates_grow_until_exact(positive):
    """Few candidates at first: the optimality check over all atoms grows them until the answer is the
    reference's (scikit-learn's lars_path on every allowed atom), streamed atoms included."""
    rng = np.random.default_rng(3)
    atoms = (rng.normal(size=(1500, 24)) + 2.0 * rng.normal(size=24)).astype(np.float32)
    y = rng.normal(size=(4, 24)) + atoms[:4].astype(np.float64)
    mask = np.zeros(1500, dtype=bool)
    mask[:4] = True  # each target's own copy is excluded
    excl = Exclusion.from_mask(mask, 4)
    ref = lars_max_terms(y, ArrayAtoms(atoms), 5, positive=positive, exclude=excl)
    for at in (ArrayAtoms(atoms), SourceAtoms(ArraySource(atoms), block_rows=256)):
        res = max_terms_path(y, at, 5, positive=positive, exclude=excl, n_candidates=6)
        assert res.converged.all()
        np.testing.assert_allclose(res.coef.toarray(), ref.coef.toarray(), atol=1e-7)
        np.testing.assert_allclose(res.alpha, ref.alpha, rtol=1e-9)
        np.testing.assert_allclose(res.objective, ref.objective, rtol=1e-9)
        assert (res.coef.toarray()[:, :4] == 0).all()
    assert (
        max_terms_search(y, ArrayAtoms(atoms), 5, solver="lasso", positive=positive, exclude=excl).coef.nnz
        == ref.coef.nnz
    )


def test_a_drop_back_to_k_terms_is_found():
    """On anisotropic vectors the support can climb past K and fall back: the later point is better."""
    found = 0
    for seed in range(40):
        atoms, y = unit_problem(seed, 30, 12, 4.0)
        _, _, path = lars_path(atoms.T, y, method="lasso", positive=True)
        nnz = (path != 0).sum(0)
        for k in range(1, 6):
            over = np.flatnonzero(nnz > k)
            if len(over) and (nnz[over[0] :] <= k).any() and not (nnz[over[0] :] > horizon(k)).any():
                best, _ = homotopy(atoms @ atoms.T, atoms @ y, k)
                last = int(np.flatnonzero(nnz <= k)[-1])
                w = np.zeros(len(atoms))
                w[best.support] = best.coef
                np.testing.assert_allclose(w, path[:, last], atol=1e-7)
                found += 1
    assert found >= 1


def test_no_positive_correlation_and_tiny_dictionaries():
    atoms = np.eye(3)
    res = max_terms_search(-np.ones((1, 3)), ArrayAtoms(atoms), 2)
    assert res.coef.nnz == 0 and res.alpha_max[0] == 0 and res.converged.all()
    one = max_terms_search(np.array([[2.0, 0.0, 0.0]]), ArrayAtoms(atoms[:1]), 3)
    assert one.n_terms[0] == 1 and one.alpha[0] == 0.0  # the path reaches alpha 0 with one term
    np.testing.assert_allclose(one.coef.toarray(), [[2.0]])
