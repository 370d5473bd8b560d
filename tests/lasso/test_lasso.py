"""LASSO solvers against scikit-learn, the KKT conditions and closed forms."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Lasso, orthogonal_mp

from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.lasso import (
    ArrayAtoms,
    Exclusion,
    LassoResult,
    SourceAtoms,
    alpha_max,
    fista,
    fista_full,
    kkt_violation,
    lasso_objective,
    max_terms_search,
    omp,
    sklearn_lasso,
    solve,
)
from ctxvec.sources import ArraySource


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
    return coef, lasso_objective(y, atoms, coef, alpha)


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
    alpha = rel * alpha_max(y, ArrayAtoms(atoms), positive)
    res = fista(y, ArrayAtoms(atoms), alpha, positive=positive)
    _, sk = sk_objective(y, atoms, alpha, positive)
    ours = lasso_objective(y, atoms, res.coef, alpha)
    assert res.converged.all()
    assert np.all((ours - sk) / sk <= 1e-4)
    np.testing.assert_allclose(res.objective, ours, rtol=1e-9)
    # the solver stops on the duality gap; where an off-support atom's correlation ties alpha, a
    # coefficient can sit ~4e-4·alpha from stationarity with the objective within 2e-8 (see below)
    assert np.all(kkt_violation(y, atoms, res.coef, alpha, positive) < 1e-3)
    if positive:
        assert (res.coef.data >= 0).all()


def test_near_tie_converges_on_the_gap_and_to_kkt_with_a_tight_tol():
    """Hypothesis counterexample: target 1 has an atom whose correlation ties alpha at the optimum."""
    atoms, y = anisotropic(899, 20, 24, 3)
    alpha = 0.53515625 * alpha_max(y, ArrayAtoms(atoms), False)
    res = fista(y, ArrayAtoms(atoms), alpha, positive=False)
    _, sk = sk_objective(y, atoms, alpha, False)
    assert np.all(np.abs(res.objective - sk) / sk <= 1e-7)
    tight = fista(y, ArrayAtoms(atoms), alpha, positive=False, tol=1e-8)
    assert np.all(kkt_violation(y, atoms, tight.coef, alpha, False) < 1e-9)


def test_fista_many_atoms_working_set_and_kkt():
    """More atoms than the Gram cache (streamed scans, gathered working sets) still solve to the optimum."""
    atoms, y = anisotropic(1, 6000, 32, 5)
    alpha = 0.1 * alpha_max(y, ArrayAtoms(atoms))
    res = fista(y, ArrayAtoms(atoms), alpha)
    _, sk = sk_objective(y, atoms, alpha)
    assert np.all((res.objective - sk) / sk <= 1e-6)
    assert np.all(kkt_violation(y, atoms, res.coef, alpha) < 1e-6)
    assert res.gap.max() <= 1e-6 * res.objective.max()


def test_gram_and_streamed_paths_agree(make_store):
    """The same problem through in-memory atoms (Gram cut) and through a store's memory map (tiny blocks)."""
    atoms, y = anisotropic(2, 900, 16, 4)
    store = make_store(atoms, ["w"] * len(atoms), np.arange(len(atoms)) // 10, ["w " * 10] * 90, dtype="float32")
    alpha = 0.05 * alpha_max(y, ArrayAtoms(atoms))
    a = fista(y, ArrayAtoms(atoms), alpha)
    b = fista(y, SourceAtoms(store, block_rows=128), alpha)
    c = fista(y, SourceAtoms(store, rows=np.arange(0, 900, 2), block_rows=100), alpha)
    np.testing.assert_allclose(a.objective, b.objective, rtol=1e-9)
    np.testing.assert_allclose(a.coef.toarray(), b.coef.toarray(), atol=1e-6)
    sub = fista(y, ArrayAtoms(atoms[::2]), alpha)
    np.testing.assert_allclose(c.objective, sub.objective, rtol=1e-9)


def test_plain_fista_agrees():
    atoms, y = anisotropic(3, 200, 16, 3, shift=0.5)
    alpha = 0.2 * alpha_max(y, ArrayAtoms(atoms))
    full = fista_full(y, ArrayAtoms(atoms), alpha, tol=1e-8, max_iter=50000)
    ws = fista(y, ArrayAtoms(atoms), alpha)
    assert np.all(np.abs(full.objective - ws.objective) / ws.objective < 1e-6)
    assert full.converged.all()


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), above=st.floats(1.0, 5.0), positive=st.booleans())
def test_alpha_at_or_above_alpha_max_gives_zeros(seed, above, positive):
    atoms, y = anisotropic(seed, 50, 12, 3)
    amax = alpha_max(y, ArrayAtoms(atoms), positive)
    res = fista(y, ArrayAtoms(atoms), amax * above, positive=positive)
    assert res.coef.nnz == 0 and res.all_zero.all()
    np.testing.assert_allclose(res.alpha_max, amax)
    just_below = fista(y, ArrayAtoms(atoms), amax * 0.98, positive=positive)
    assert (just_below.n_terms >= 1).all() and not just_below.all_zero.any()


def test_alpha_max_matches_definition():
    atoms, y = anisotropic(4, 80, 10, 4)
    np.testing.assert_allclose(alpha_max(y, ArrayAtoms(atoms)), (y @ atoms.T.astype(np.float64)).max(1) / 10, rtol=1e-6)
    np.testing.assert_allclose(
        alpha_max(y, ArrayAtoms(atoms), positive=False), np.abs(y @ atoms.T.astype(np.float64)).max(1) / 10, rtol=1e-6
    )
    # no positively correlated atom: alpha_max 0, everything zero
    assert alpha_max(-np.abs(y), ArrayAtoms(np.abs(atoms))).max() == 0.0
    assert fista(-np.abs(y), ArrayAtoms(np.abs(atoms)), 1e-3).coef.nnz == 0


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
    res = fista(y, ArrayAtoms(atoms), alpha, positive=positive)
    ay = y @ atoms.T
    expect = np.maximum(ay - dim * alpha, 0) if positive else np.sign(ay) * np.maximum(np.abs(ay) - dim * alpha, 0)
    np.testing.assert_allclose(res.coef.toarray(), expect, atol=1e-5)


def test_exclusion_is_honoured():
    atoms, y = anisotropic(5, 100, 16, 2)
    atoms = np.concatenate([atoms, y.astype(np.float32)])  # each target is itself an atom ...
    mask = np.zeros((2, 102), dtype=bool)
    mask[0, 100] = mask[1, 101] = True  # ... which it may not use
    alpha = 0.05 * alpha_max(y, ArrayAtoms(atoms), exclude=Exclusion.from_mask(mask, 2))
    res = fista(y, ArrayAtoms(atoms), alpha, exclude=Exclusion.from_mask(mask, 2))
    dense = res.coef.toarray()
    assert dense[0, 100] == 0 and dense[1, 101] == 0
    free = fista(y, ArrayAtoms(atoms), alpha)
    assert free.coef.toarray()[0, 100] > 0  # without the exclusion the copy would be used
    ref = fista(y[:1], ArrayAtoms(atoms[:100]), alpha[:1])  # excluding = removing, for target 0 (its twin 101 kept)
    sub = fista(y[:1], ArrayAtoms(np.delete(atoms, 100, 0)), alpha[:1])
    np.testing.assert_allclose(res.objective[0], sub.objective[0], rtol=1e-8)
    assert ref.objective[0] >= sub.objective[0] - 1e-12


def test_warm_start_gives_the_same_solution():
    atoms, y = anisotropic(6, 400, 16, 3)
    amax = alpha_max(y, ArrayAtoms(atoms))
    cold = fista(y, ArrayAtoms(atoms), 0.1 * amax)
    warm = fista(y, ArrayAtoms(atoms), 0.1 * amax, warm_start=fista(y, ArrayAtoms(atoms), 0.3 * amax))
    np.testing.assert_allclose(cold.objective, warm.objective, rtol=1e-8)


def test_sklearn_wrapper_is_sklearn():
    atoms, y = anisotropic(7, 150, 16, 2)
    alpha = 0.2 * alpha_max(y, ArrayAtoms(atoms))
    res = sklearn_lasso(y, ArrayAtoms(atoms), alpha, tol=1e-10)
    coef, obj = sk_objective(y, atoms, alpha)
    np.testing.assert_allclose(res.coef.toarray(), coef, atol=1e-7)
    np.testing.assert_allclose(res.objective, obj, rtol=1e-9)
    mask = np.zeros(150, dtype=bool)
    mask[np.flatnonzero(coef[0])[:1]] = True
    excl = sklearn_lasso(y, ArrayAtoms(atoms), alpha, exclude=Exclusion.from_mask(mask, 2), tol=1e-10)
    assert (excl.coef.toarray()[:, mask] == 0).all()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 8), positive=st.booleans())
def test_max_terms_is_honoured(seed, k, positive):
    atoms, y = anisotropic(seed, 120, 16, 3)
    res = max_terms_search(y, ArrayAtoms(atoms), k, positive=positive)
    assert (res.n_terms <= k).all()
    assert (res.n_terms >= 1).all()
    assert (res.alpha < res.alpha_max).all()
    # the alpha it reports is the alpha of the solution it returns: optimal there, with that objective (fista
    # at exactly that knot meets a tie, the next atom's correlation equal to alpha, where it converges slowly)
    knot = res.alpha > 0  # alpha 0: the path ended (least squares on its support) with at most k terms
    assert (kkt_violation(y, atoms, res.coef, res.alpha, positive)[knot] < 1e-7).all()
    np.testing.assert_allclose(res.objective, lasso_objective(y, atoms, res.coef, res.alpha), rtol=1e-9)


def test_max_terms_with_sklearn_solver():
    atoms, y = anisotropic(8, 60, 12, 2)
    res = solve(y, ArrayAtoms(atoms), max_terms=3, solver="lasso")
    assert (res.n_terms <= 3).all() and (res.n_terms >= 1).all()


def test_omp_signed_matches_sklearn():
    atoms, y = anisotropic(9, 80, 24, 3, shift=0.0)
    res = omp(y, ArrayAtoms(atoms), 5, positive=False)
    for t in range(3):
        ref = orthogonal_mp(atoms.T.astype(np.float64), y[t], n_nonzero_coefs=5)
        np.testing.assert_allclose(res.coef.toarray()[t], ref, atol=1e-6)


def test_omp_positive():
    atoms, y = anisotropic(10, 80, 24, 3)
    res = omp(y, ArrayAtoms(atoms), 4)
    assert (res.n_terms <= 4).all() and (res.coef.data > 0).all()
    r = y - res.coef.toarray() @ atoms
    np.testing.assert_allclose(res.objective, 0.5 * (r**2).sum(1) / 24, rtol=1e-6)


def test_bad_input():
    atoms, y = anisotropic(11, 10, 4, 1)
    with pytest.raises(CtxvecError, match="alpha"):
        fista(y, ArrayAtoms(atoms), -1.0)
    with pytest.raises(CtxvecError, match="dim"):
        fista(y[:, :3], ArrayAtoms(atoms), 0.1)
    with pytest.raises(CtxvecError, match="max_terms"):
        solve(y, ArrayAtoms(atoms), solver="omp")
    with pytest.raises(CtxvecError, match="solver"):
        solve(y, ArrayAtoms(atoms), 0.1, solver="cd")


@pytest.mark.parametrize(("seed", "positive"), [(187, True), (293, False)])
def test_max_terms_finds_a_term_when_the_first_atoms_nearly_tie(seed, positive):
    """Two atoms enter within 0.02% of alpha_max of each other: the one-term window is inside the default
    tolerance, and the search must still return one term rather than none."""
    atoms, y = anisotropic(seed, 120, 16, 3)
    res = max_terms_search(y, ArrayAtoms(atoms), 1, positive=positive)
    assert (res.n_terms == 1).all()


def test_result_to_dict_is_plain_json():
    atoms, y = anisotropic(12, 40, 8, 2)
    res = fista(y, ArrayAtoms(atoms), 0.2 * alpha_max(y, ArrayAtoms(atoms)))
    assert isinstance(res, LassoResult)
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["n_atoms"] == 40 and len(d["targets"]) == 2
    t = d["targets"][0]
    assert t["atoms"] == res.coef[[0]].indices.tolist() and len(t["coef"]) == res.n_terms[0]
    assert sklearn_lasso(y, ArrayAtoms(atoms), 0.1).to_dict()["targets"][0]["gap"] is None  # NaN -> null


def test_source_atoms_read_any_vector_source():
    atoms, y = anisotropic(13, 300, 16, 3)
    alpha = 0.1 * alpha_max(y, ArrayAtoms(atoms))
    a = fista(y, ArrayAtoms(atoms), alpha)
    b = fista(y, SourceAtoms(ArraySource(atoms), block_rows=64), alpha)
    np.testing.assert_allclose(a.objective, b.objective, rtol=1e-9)


def test_exclusion_from_mask_shapes():
    shared = Exclusion.from_mask(np.array([True, False, False]), 4)
    assert shared.masks.shape == (1, 3) and shared.group.tolist() == [0, 0, 0, 0]
    per = Exclusion.from_mask(np.zeros((2, 3), dtype=bool), 2)
    assert per.group.tolist() == [0, 1]
    with pytest.raises(ParameterError, match="exclude"):
        Exclusion.from_mask(np.zeros((3, 3), dtype=bool), 2)
    atoms, y = anisotropic(14, 10, 4, 2)
    with pytest.raises(CtxvecError, match="do not fit"):
        fista(y, ArrayAtoms(atoms), 0.1, exclude=Exclusion.from_mask(np.zeros(7, dtype=bool), 2))


def test_parameter_errors_name_the_parameter():
    atoms, y = anisotropic(15, 10, 4, 1)
    for call, name in [
        (lambda: fista(y, ArrayAtoms(atoms), 0.1, tol=0.0), "tol"),
        (lambda: solve(y, ArrayAtoms(atoms), max_terms=0), "max_terms"),
        (lambda: omp(y, ArrayAtoms(atoms), 0), "n_terms"),
        (lambda: ArrayAtoms(atoms, device="gpu7"), "device"),
        (lambda: fista(y, ArrayAtoms(atoms), np.nan), "alpha"),
    ]:
        with pytest.raises(ParameterError) as info:
            call()
        assert info.value.name == name and "--" not in str(info.value)


def test_thread_settings_are_restored():
    import torch

    before = torch.get_num_threads()
    atoms, y = anisotropic(16, 200, 16, 3)
    fista(y, ArrayAtoms(atoms), 0.1 * alpha_max(y, ArrayAtoms(atoms)))
    assert torch.get_num_threads() == before
