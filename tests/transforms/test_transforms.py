"""Transforms: scikit-learn contract, the documented invariants, references, saving, and stores."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sklearn.decomposition
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import estimator_checks_generator

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.sources import ArraySource
from ctxvec.space import (
    Sampling,
    TransformRemoval,
    TransformResult,
    apply_transform,
    remove_store_transform,
    remove_transform,
    set_store_transform,
    transform_store,
)
from ctxvec.store import Store
from ctxvec.transforms import (
    METHOD_NAMES,
    METHODS,
    PCA,
    AllButTheTop,
    Center,
    ConceptorNegation,
    TransformParameterError,
    Whitening,
    load_transform,
    make_transform,
    save_transform,
    transform_id,
)

ALL = [Center(), AllButTheTop(), AllButTheTop(2), Whitening(), Whitening(2), ConceptorNegation(),
       ConceptorNegation(0.5), PCA(), PCA(2)]  # fmt: skip


def _check_name(check) -> str:
    return getattr(check, "func", check).__name__


# scikit-learn's own suite (what parametrize_with_checks runs), less check_array_api_input, which only runs when
# SCIPY_ARRAY_API=1 is set before scipy is imported and otherwise reports a skip (no array-API support is claimed).
SKLEARN_CHECKS = [
    pytest.param(est, check, id=f"{est!r}-{_check_name(check)}")
    for e in ALL
    for est, check in estimator_checks_generator(e, legacy=True)
    if _check_name(check) != "check_array_api_input"
]


@pytest.mark.parametrize(("estimator", "check"), SKLEARN_CHECKS)
def test_sklearn_estimator_contract(estimator, check):
    check(estimator)


def anisotropic(seed: int, n: int, d: int) -> np.ndarray:
    """(n, d) data in a narrow cone: a big common offset, unequal variances, correlated dimensions."""
    rng = np.random.default_rng(seed)
    # scales times a random rotation: correlated, unequal variances, and never near-singular (a plain
    # random mix can have a singular value 1e-6 of the largest, which whitening rightly drops)
    rotation, _ = np.linalg.qr(rng.normal(size=(d, d)))
    mix = rng.uniform(0.1, 3.0, size=d)[:, None] * rotation
    return rng.normal(size=(n, d)) @ mix + rng.normal(size=d) * 5


data_args = {"seed": st.integers(0, 2**32 - 1), "n": st.integers(40, 200), "d": st.integers(2, 12)}


@settings(max_examples=50, deadline=None)
@given(**data_args)
def test_whitening_gives_identity_covariance(seed, n, d):
    x = anisotropic(seed, n, d)
    y = Whitening().fit_transform(x)
    np.testing.assert_allclose(np.cov(y, rowvar=False), np.eye(d), atol=1e-8)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-8)


@settings(max_examples=30, deadline=None)
@given(k=st.integers(1, 5), **data_args)
def test_truncated_whitening_keeps_the_top_directions(k, seed, n, d):
    k = min(k, d)
    x = anisotropic(seed, n, d)
    full, part = Whitening().fit(x), Whitening(k).fit(x)
    y = part.transform(x)
    assert y.shape == (n, k)
    np.testing.assert_allclose(np.cov(y, rowvar=False).reshape(k, k), np.eye(k), atol=1e-8)
    np.testing.assert_allclose(y, full.transform(x)[:, :k], atol=1e-8)


@settings(max_examples=50, deadline=None)
@given(k=st.integers(1, 4), **data_args)
def test_abtt_removes_top_directions_and_the_mean(k, seed, n, d):
    k = min(k, d - 1)
    x = anisotropic(seed, n, d)
    t = AllButTheTop(k).fit(x)
    y = t.transform(x)
    # the documented mean: output mean is zero on the fitted data
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-8 * (1 + np.abs(x).max()))
    # no variance left along the removed directions, which are the top-k PCs of the centred data
    np.testing.assert_allclose(y @ t.components_.T, 0, atol=1e-8 * (1 + np.abs(x).max()))
    ref = sklearn.decomposition.PCA(k, svd_solver="full").fit(x)
    np.testing.assert_allclose(np.abs(t.components_ @ ref.components_.T), np.eye(k), atol=1e-6)
    # the documented formula: (x - mu) minus its projection on the top PCs of the centred data
    xc = x - x.mean(axis=0)
    np.testing.assert_allclose(y, xc - xc @ ref.components_.T @ ref.components_, atol=1e-6 * (1 + np.abs(x).max()))
    # the remaining variance is the rest of the spectrum
    ev = np.sort(np.linalg.eigvalsh(np.cov(x, rowvar=False)))[::-1]
    np.testing.assert_allclose(np.trace(np.cov(y, rowvar=False)), ev[k:].sum(), rtol=1e-6, atol=1e-8)


def test_abtt_default_is_one_hundredth_of_the_dimension():
    rng = np.random.default_rng(0)
    assert AllButTheTop().fit(rng.normal(size=(500, 384))).n_components_ == 3
    assert AllButTheTop().fit(rng.normal(size=(50, 20))).n_components_ == 1


@settings(max_examples=50, deadline=None)
@given(alpha=st.floats(0.1, 10), **data_args)
def test_conceptor_eigenvalues_and_shared_eigenvectors(alpha, seed, n, d):
    x = anisotropic(seed, n, d)
    t = ConceptorNegation(alpha).fit(x)
    r = x.T @ x / n  # uncentred correlation
    c = t.conceptor_
    ev = np.linalg.eigvalsh(c)
    assert np.all(ev >= -1e-10) and np.all(ev < 1)
    assert np.all((t.conceptor_eigenvalues_ >= 0) & (t.conceptor_eigenvalues_ < 1))
    # C and R share eigenvectors: they commute, and R's eigenvectors diagonalise C
    np.testing.assert_allclose(c @ r, r @ c, atol=1e-8 * np.abs(r).max())
    u = t.components_
    off = u @ c @ u.T
    np.testing.assert_allclose(off - np.diag(np.diag(off)), 0, atol=1e-8)
    # the formula C = R (R + alpha^-2 I)^-1 and the negation x (I - C)
    np.testing.assert_allclose(c, r @ np.linalg.inv(r + alpha**-2 * np.eye(d)), atol=1e-7)
    np.testing.assert_allclose(t.transform(x), x @ (np.eye(d) - c), atol=1e-7 * (1 + np.abs(x).max()))


@settings(max_examples=40, deadline=None)
@given(k=st.integers(1, 6), **data_args)
def test_pca_keeps_the_top_variance_like_sklearn(k, seed, n, d):
    k = min(k, d)
    x = anisotropic(seed, n, d)
    t = PCA(k).fit(x)
    ref = sklearn.decomposition.PCA(k, svd_solver="full").fit(x)
    np.testing.assert_allclose(t.explained_variance_, ref.explained_variance_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(t.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-7, atol=1e-10)
    y = t.transform(x)
    np.testing.assert_allclose(np.var(y, axis=0, ddof=1), ref.explained_variance_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(np.abs(y), np.abs(ref.transform(x)), atol=1e-6 * (1 + np.abs(x).max()))


def test_center_and_float32_stay_float32():
    x = anisotropic(0, 100, 5).astype(np.float32)
    for t in (Center(), AllButTheTop(1), Whitening(), ConceptorNegation(), PCA(3)):
        assert t.fit_transform(x).dtype == np.float32
    np.testing.assert_allclose(Center().fit_transform(x).mean(axis=0), 0, atol=1e-4)


def test_pipeline_chains_and_saves(tmp_path):
    x = anisotropic(3, 300, 8)
    pipe = Pipeline([("abtt", AllButTheTop(1)), ("white", Whitening(4))]).fit(x)
    y = pipe.transform(x)
    assert y.shape == (300, 4)
    np.testing.assert_allclose(np.cov(y, rowvar=False), np.eye(4), atol=1e-8)
    save_transform(pipe, tmp_path / "pipe")
    back = load_transform(tmp_path / "pipe")
    assert isinstance(back, Pipeline) and [n for n, _ in back.steps] == ["abtt", "white"]
    np.testing.assert_allclose(back.transform(x), y)
    assert transform_id(back) == transform_id(pipe) and transform_id(pipe).startswith("abtt+whitening-")


@pytest.mark.parametrize("t", [Center(), AllButTheTop(2), Whitening(3), ConceptorNegation(1.5), PCA(2)])
def test_save_load_round_trip_without_pickle(t, tmp_path):
    x = anisotropic(4, 200, 6)
    t.fit(x)
    folder = save_transform(t, tmp_path / "t")
    files = sorted(p.name for p in folder.iterdir())
    assert "transform.json" in files and all(f.endswith((".npy", ".json")) for f in files)
    for f in folder.glob("*.npy"):
        np.load(f, allow_pickle=False)  # plain arrays
    rec = json.loads((folder / "transform.json").read_text())
    assert rec["class"] == type(t).__name__ and rec["params"] == t.get_params()
    back = load_transform(folder)
    assert type(back) is type(t) and back.get_params() == t.get_params()
    np.testing.assert_array_equal(back.transform(x), t.transform(x))
    assert transform_id(back) == transform_id(t) == rec["transform_id"]
    assert back.get_feature_names_out().tolist() == t.get_feature_names_out().tolist()


def test_transform_id_changes_with_the_fit():
    a, b = anisotropic(5, 100, 4), anisotropic(6, 100, 4)
    assert transform_id(Whitening().fit(a)) != transform_id(Whitening().fit(b))
    assert transform_id(Whitening().fit(a)) == transform_id(Whitening().fit(a.copy()))
    assert transform_id(Whitening().fit(a)) != transform_id(Whitening(2).fit(a))


def test_load_transform_errors_are_clear(tmp_path):
    with pytest.raises(CtxvecError, match="does not hold a saved transform"):
        load_transform(tmp_path)
    (tmp_path / "transform.json").write_text(json.dumps({"format": "other"}))
    with pytest.raises(CtxvecError, match="not a ctxvec transform"):
        load_transform(tmp_path)
    with pytest.raises(CtxvecError, match="cannot save"):
        save_transform(FunctionTransformer().fit(np.ones((2, 2))), tmp_path / "f")


def test_bad_parameters():
    x = anisotropic(0, 50, 4)
    with pytest.raises(TransformParameterError, match="n_components=5 is out of range") as e:
        Whitening(5).fit(x)
    assert e.value.name == "n_components" and e.value.message_for("--n-components").startswith("--n-components=5")
    with pytest.raises(ValueError, match="out of range"):  # a ValueError for scikit-learn users
        AllButTheTop(0).fit(x)
    with pytest.raises(TransformParameterError, match=r"n_components=0 is out of range; choose an int in the range"):
        PCA(0).fit_source(ArraySource(x))
    with pytest.raises(TransformParameterError, match="n_components=True"):
        PCA(True).fit(x)
    for alpha in (-1, 0, float("inf"), float("nan")):
        with pytest.raises(TransformParameterError, match="alpha") as e:
            ConceptorNegation(alpha).fit(x)
        assert e.value.name == "alpha"
    with pytest.raises(ParameterError, match="unknown transform method 'zca'") as e:
        make_transform("zca")
    assert e.value.name == "method"
    with pytest.raises(ParameterError, match="alpha only applies") as e:
        make_transform("pca", alpha=2)
    assert e.value.name == "alpha"
    with pytest.raises(ParameterError, match="does not apply to conceptor") as e:
        make_transform("conceptor", n_components=3)
    assert e.value.name == "n_components"
    with pytest.raises(ParameterError, match="does not apply to center"):
        make_transform("center", n_components=3)
    assert isinstance(make_transform("abtt", n_components=2), AllButTheTop)


def test_parameter_constraints_are_declared_as_in_scikit_learn():
    assert tuple(METHODS) == METHOD_NAMES
    for cls in (AllButTheTop, Whitening, PCA):
        assert set(cls._parameter_constraints) == {"n_components"}
    assert set(ConceptorNegation._parameter_constraints) == {"alpha"}
    assert Center._parameter_constraints == {}


@pytest.mark.parametrize("t", [Center(), AllButTheTop(2), Whitening(), Whitening(3), ConceptorNegation(1.5), PCA(2)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fit_on_an_array_equals_fit_source_on_an_array_source(t, dtype):
    from sklearn.base import clone

    x = anisotropic(8, 300, 6).astype(dtype)
    a = clone(t).fit(x)
    b = clone(t).fit_source(ArraySource(x), block_rows=64)
    c = clone(t).fit_source(ArraySource(x))
    assert a.n_features_in_ == b.n_features_in_ == 6 and a.n_samples_seen_ == b.n_samples_seen_ == 300
    for name in t._arrays:
        np.testing.assert_array_equal(getattr(a, name), getattr(c, name))  # the same blocks: the same numbers
        # other blocks: other float32 rounding of the moments (whitening amplifies it on small variances)
        tol = 1e-8 if dtype == np.float64 else 1e-3
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=tol, atol=tol)
    np.testing.assert_array_equal(a.transform(x), c.transform(x))
    assert transform_id(a) == transform_id(c)


def test_fit_takes_arrays_not_sources():
    x = anisotropic(0, 50, 4)
    with pytest.raises(CtxvecError, match="fit_source"):
        Center().fit(ArraySource(x))


# ---- stores -----------------------------------------------------------------------------------------


@pytest.fixture
def cone_store(make_store):
    """A 400-row float32 store of anisotropic 12-dim vectors over 40 sentences."""
    x = anisotropic(7, 400, 12).astype(np.float32)
    tokens = [f"w{i % 17}" for i in range(400)]
    sids = np.repeat(np.arange(40), 10)
    sentences = [" ".join(tokens[s * 10 : s * 10 + 10]) for s in range(40)]
    return make_store(x, tokens, sids, sentences, dtype="float32")


@pytest.mark.parametrize("method", ["center", "abtt", "whitening", "conceptor", "pca"])
def test_fit_from_store_equals_fit_from_array(cone_store, method):
    x = np.asarray(cone_store.vectors, dtype=np.float32)
    a = make_transform(method).fit_source(cone_store)
    b = make_transform(method).fit(x)
    assert a.n_features_in_ == 12 and a.n_samples_seen_ == 400
    np.testing.assert_allclose(a.transform(x), b.transform(x), atol=2e-4)


def test_transform_store_writes_a_new_store(cone_store, tmp_path):
    t = Whitening(8).fit_source(cone_store)
    out = transform_store(cone_store, t, tmp_path / "white.store", block_rows=64)
    assert out.n_rows == cone_store.n_rows and out.dim == 8 and out.n_sentences == cone_store.n_sentences
    assert out.tokens.tolist() == cone_store.tokens.tolist()
    assert out.sentences.equals(cone_store.sentences)
    x = np.asarray(cone_store.vectors, dtype=np.float32)
    np.testing.assert_allclose(out.vectors, t.transform(x), atol=1e-5)
    rec = out.manifest["applied_transform"]
    assert rec["transform_id"] == transform_id(t) and rec["steps"][0]["method"] == "whitening"
    assert rec["source"] == str(cone_store.path)
    assert out.transform is None  # the stored vectors are already transformed
    raw_to_vec = load_transform(out.path / rec["raw_to_vectors"]["path"])
    np.testing.assert_allclose(raw_to_vec.transform(x[:5]), out.get_vectors(np.arange(5)), atol=1e-5)
    np.testing.assert_allclose(out.norms(), np.linalg.norm(t.transform(x), axis=1), rtol=1e-5)


def test_transform_store_refuses_existing_output_and_cleans_up_on_failure(cone_store, tmp_path):
    t = Center().fit_source(cone_store)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")  # an empty folder is fine; a folder with files is not
    with pytest.raises(CtxvecError, match="already exists"):
        transform_store(cone_store, t, tmp_path / "taken")
    calls = []

    def explode_on_second_block(block):
        calls.append(len(block))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return block

    bad = FunctionTransformer(explode_on_second_block).fit(np.zeros((2, 12)))
    bad.n_features_in_ = 12
    with pytest.raises(RuntimeError, match="disk full"):
        transform_store(cone_store, bad, tmp_path / "half.store", block_rows=100)
    assert not (tmp_path / "half.store").exists()


def test_in_place_transform_is_applied_on_the_fly_and_removable(cone_store):
    x = np.asarray(cone_store.vectors, dtype=np.float32)
    raw_norms = np.asarray(cone_store.norms()).copy()
    t = AllButTheTop(2).fit_source(cone_store)
    store = set_store_transform(cone_store, t)
    assert store.manifest["transform_id"] == transform_id(t)
    assert isinstance(store.transform, AllButTheTop)
    np.testing.assert_allclose(store.get_vectors(np.arange(10)), t.transform(x[:10]), atol=1e-5)
    blocks = np.concatenate([b for _, b in store.iter_blocks(64)])
    np.testing.assert_allclose(blocks, t.transform(x), atol=1e-5)
    np.testing.assert_allclose(store.norms(), np.linalg.norm(t.transform(x), axis=1), rtol=1e-5)
    assert (store.path / f"norms.{transform_id(t)}.npy").is_file()
    np.testing.assert_array_equal(store.vectors, x)  # raw vectors untouched
    with pytest.raises(CtxvecError, match="already has an in-place transform"):
        set_store_transform(store, Center().fit(x))
    back = remove_store_transform(Store.open(store.path))
    with pytest.raises(CtxvecError, match="must keep the dimension"):
        set_store_transform(back, PCA(3).fit(x))
    with pytest.raises(CtxvecError, match="cannot keep a FunctionTransformer"):
        set_store_transform(back, FunctionTransformer().fit(x))
    assert back.transform is None and "transform_id" not in back.manifest
    np.testing.assert_array_equal(back.norms(), raw_norms)
    with pytest.raises(CtxvecError, match="no in-place transform"):
        remove_store_transform(back)


def test_out_from_a_store_with_an_in_place_transform_records_the_chain(cone_store, tmp_path):
    x = np.asarray(cone_store.vectors, dtype=np.float32)
    store = set_store_transform(cone_store, Center().fit_source(cone_store))
    t = ConceptorNegation().fit_source(store)  # fitted on the centred vectors
    out = transform_store(store, t, tmp_path / "c.store")
    chain = load_transform(out.path / out.manifest["applied_transform"]["raw_to_vectors"]["path"])
    assert isinstance(chain, Pipeline) and len(chain.steps) == 2
    np.testing.assert_allclose(chain.transform(x), out.get_vectors(slice(None)), atol=1e-5)
    assert out.manifest["applied_transform"]["source_transform_id"] == store.manifest["transform_id"]


def test_apply_transform_results_are_the_cli_json(cone_store, tmp_path):
    res = apply_transform(cone_store, "abtt", out=tmp_path / "a.store", n_components=2, block_rows=64)
    assert isinstance(res, TransformResult) and not res.in_place and res.n_rows == 400 and res.dim == 12
    d = res.to_dict()
    assert list(d) == ["store", "source", "in_place", "fit_seconds", "transform_id", "steps"]
    assert d["store"] == str(tmp_path / "a.store") and d["source"] == str(cone_store.path)
    assert d["steps"] == [{"method": "abtt", "params": {"n_components": 2}, "n_samples_seen": 400}]
    assert json.loads(res.to_json()) == d
    kept = apply_transform(cone_store, "center", in_place=True)
    assert kept.in_place and kept.store == kept.source == str(cone_store.path) and kept.write_seconds is None
    assert Store.open(cone_store.path).manifest["transform_id"] == kept.transform_id
    with pytest.raises(CtxvecError, match="already has an in-place transform"):
        apply_transform(cone_store, "center", in_place=True)
    removed = remove_transform(Store.open(cone_store.path))
    assert isinstance(removed, TransformRemoval)
    assert removed.to_dict() == {"store": str(cone_store.path), "removed": kept.transform_id}
    for kwargs, name in (
        ({}, "out"),
        ({"in_place": True, "out": tmp_path / "b"}, "in_place"),
        ({"in_place": True, "dtype": "float16"}, "dtype"),
    ):
        with pytest.raises(ParameterError) as e:
            apply_transform(cone_store, "center", **kwargs)
        assert e.value.name == name


# ---- CLI ---------------------------------------------------------------------------------------------


def test_cli_transform_out_in_place_remove(cone_store, tmp_path, capsys):
    out = tmp_path / "abtt.store"
    assert main(["transform", str(cone_store.path), "--method", "abtt", "--n-components", "2", "--out", str(out)]) == 0
    assert "fitted abtt" in capsys.readouterr().out
    assert Store.open(out).manifest["applied_transform"]["steps"][0]["params"] == {"n_components": 2}
    assert main(["transform", str(cone_store.path), "--method", "abtt", "--out", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["transform", str(cone_store.path), "--method", "whitening", "--in-place", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["in_place"] and info["transform_id"].startswith("whitening-")
    assert Store.open(cone_store.path).manifest["transform_id"] == info["transform_id"]
    assert main(["transform", str(cone_store.path), "--method", "center", "--in-place"]) == 2
    assert "already has an in-place transform" in capsys.readouterr().err
    assert main(["transform", str(cone_store.path), "--remove"]) == 0
    assert Store.open(cone_store.path).transform is None
    capsys.readouterr()
    assert (
        main(["transform", str(cone_store.path), "--method", "pca", "--alpha", "2", "--out", str(tmp_path / "x")]) == 2
    )
    assert "alpha only applies" in capsys.readouterr().err
    assert (
        main(
            ["transform", str(cone_store.path), "--method", "pca", "--n-components", "99", "--out", str(tmp_path / "y")]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "--n-components=99 is out of range" in err and not (tmp_path / "y").exists()


def test_map_encoded_maps_raw_outputs_into_the_store_space(cone_store, tmp_path):
    x = np.asarray(cone_store.vectors, dtype=np.float32)
    np.testing.assert_array_equal(cone_store.map_encoded(x), cone_store.get_vectors(slice(None)))
    out = transform_store(cone_store, AllButTheTop(1).fit_source(cone_store), tmp_path / "a.store")
    np.testing.assert_allclose(out.map_encoded(x), out.get_vectors(slice(None)), atol=1e-5)
    out = set_store_transform(out, Center().fit_source(out))  # and an in-place transform on top
    np.testing.assert_allclose(out.map_encoded(x), out.get_vectors(slice(None)), atol=1e-5)
    bad = FunctionTransformer(lambda b: b * 2).fit(x)
    bad.n_features_in_ = 12
    other = transform_store(cone_store, bad, tmp_path / "b.store")
    with pytest.raises(CtxvecError, match="not saved"):
        other.map_encoded(x)


# ---- compare -------------------------------------------------------------------------------------------


def brute_force_neighbours(store: Store, row: int, k: int) -> list[int]:
    v = np.asarray(store.get_vectors(slice(None)), dtype=np.float64)
    u = v / np.linalg.norm(v, axis=1, keepdims=True)
    s = u @ u[row]
    s[row] = -np.inf
    return np.argsort(-s, kind="stable")[:k].tolist()


def test_compare_before_and_after_a_transform(cone_store, tmp_path):
    from ctxvec.space import compare

    out = transform_store(cone_store, Whitening().fit_source(cone_store), tmp_path / "w.store")
    res = compare(cone_store, out, words=["w3", "w5"], k=4, tasks=None, sampling=Sampling(n_pairs=500))
    assert res.isotropy_b.isoscore > res.isotropy_a.isoscore
    assert res.isotropy_b.mean_cosine < res.isotropy_a.mean_cosine
    assert [n.word for n in res.neighbours] == ["w3", "w5"]
    for n in res.neighbours:
        assert n.row_a == n.row_b == int(cone_store.occurrences(n.word)[0])
        assert [h["row"] for h in n.hits_a] == brute_force_neighbours(cone_store, n.row_a, 4)
        assert [h["row"] for h in n.hits_b] == brute_force_neighbours(out, n.row_b, 4)
        assert n.overlap == len({h["row"] for h in n.hits_a} & {h["row"] for h in n.hits_b})
    assert res.evaluation_a is None and res.notes == []
    d = json.loads(json.dumps(res.to_dict()))
    assert d["isotropy_b"]["isoscore"] == pytest.approx(res.isotropy_b.isoscore)


def test_compare_reports_evaluation_scores_of_both_stores(make_store, tmp_path):
    from ctxvec.lexicon import dataset_path, evaluate, read_pairs
    from ctxvec.space import compare

    words = sorted({w.lower() for a, b, _ in read_pairs(dataset_path("ws353"))[:40] for w in (a, b)})
    rng = np.random.default_rng(0)
    tokens = [w for w in words for _ in range(3)]
    rng.shuffle(tokens)
    sids = np.repeat(np.arange(len(tokens) // 6 + 1), 6)[: len(tokens)]
    sentences = [" ".join(tokens[i : i + 6]) for i in range(0, len(tokens), 6)]
    x = (anisotropic(1, len(tokens), 24) + 5).astype(np.float32)
    a = make_store(x, tokens, sids, sentences, dtype="float32")
    b = transform_store(a, ConceptorNegation().fit_source(a), tmp_path / "b.store")
    res = compare(a, b, words=[words[0]], k=2, tasks=["ws353"], sampling=Sampling(n_pairs=200))
    (name, sa, sb), *_ = res.evaluation_rows()
    assert name == "ws353 spearman"
    assert sa == pytest.approx(evaluate(a, tasks=["ws353"]).ws353.spearman)
    assert sb == pytest.approx(evaluate(b, tasks=["ws353"]).ws353.spearman)
    assert sa != sb


def test_cli_compare(cone_store, tmp_path, capsys):
    out = tmp_path / "c.store"
    assert main(["transform", str(cone_store.path), "--method", "conceptor", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["compare", str(cone_store.path), str(out), "--words", "w1", "-k", "3", "--no-eval"]) == 0
    text = capsys.readouterr().out
    assert "isoscore" in text and "shared neighbours" in text
    assert main(["compare", str(cone_store.path), str(out), "--n-words", "2", "--no-eval", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert len(d["neighbours"]) == 2 and d["isotropy_a"]["n_rows"] == 400
    assert main(["compare", str(cone_store.path), str(out), "--words", "nosuchword", "--no-eval"]) == 2
    assert "unknown word" in capsys.readouterr().err
