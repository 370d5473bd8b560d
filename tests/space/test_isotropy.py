"""Isotropy metrics: references (IsoScore package, brute force), invariants, reports, per-layer, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IsoScore import IsoScore as isoscore_package
from PIL import Image
from scipy.stats import special_ortho_group

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.figures import plot_layers, write_layer_plot
from ctxvec.sources import ArraySource
from ctxvec.space import (
    IsotropyReport,
    Sampling,
    StoreIsotropy,
    effective_rank_from_covariance,
    isoscore,
    isoscore_from_covariance,
    isotropy,
    isotropy_arrays,
    isotropy_of_source,
    layer_isotropy,
    partition_ratio,
    sample_pairs,
    set_store_transform,
    store_layer_isotropy,
    word_ids_of_tokens,
)
from ctxvec.transforms import AllButTheTop, Center, ConceptorNegation, Whitening, transform_id

points = {"seed": st.integers(0, 2**32 - 1), "n": st.integers(10, 300), "d": st.integers(2, 10)}


def cloud(seed: int, n: int, d: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ (rng.normal(size=(d, d)) * rng.uniform(0.05, 3, size=d)) + rng.normal(size=d)


# ---- IsoScore ------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(**points)
def test_isoscore_equals_the_reference_package(seed, n, d):
    x = cloud(seed, n, d)
    # the package computes sqrt(d) in float32, hence the tolerance
    assert isoscore(x) == pytest.approx(float(isoscore_package.IsoScore(x)), abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(shift=st.floats(-100, 100), scale=st.floats(1e-3, 1e3), **points)
def test_isoscore_is_invariant_to_shift_scale_rotation(shift, scale, seed, n, d):
    x = cloud(seed, n, d)
    rot = special_ortho_group.rvs(d, random_state=seed % 2**31) if d > 1 else np.eye(1)
    y = (x @ rot) * scale + shift
    assert isoscore(y) == pytest.approx(isoscore(x), abs=1e-7)
    assert 0 - 1e-9 <= isoscore(x) <= 1 + 1e-9


def test_isoscore_limits():
    rng = np.random.default_rng(0)
    assert isoscore_from_covariance(np.eye(7)) == pytest.approx(1.0)
    assert isoscore(rng.normal(size=(200_000, 5))) == pytest.approx(1.0, abs=2e-3)  # isotropic, large sample
    t = rng.normal(size=(500, 1))
    line = t @ rng.normal(size=(1, 6)) + rng.normal(size=6)
    assert isoscore(line) == pytest.approx(0.0, abs=1e-9)
    assert math.isnan(isoscore_from_covariance(np.zeros((3, 3))))
    with pytest.raises(CtxvecError, match="at least 2 dimensions"):
        isoscore_from_covariance(np.ones((1, 1)))


# ---- partition ratio I(W) and effective rank ---------------------------------------------------------


def brute_force_partition_ratio(x: np.ndarray) -> float:
    _, vecs = np.linalg.eigh(x.T @ x)
    dirs = np.concatenate([vecs.T, -vecs.T])
    z = np.exp(x @ dirs.T).sum(axis=0)
    return float(z.min() / z.max())


@settings(max_examples=60, deadline=None)
@given(**points)
def test_partition_ratio_in_unit_interval_and_sign_free(seed, n, d):
    x = cloud(seed, n, d) / 3
    r = partition_ratio(x)
    assert 0 < r <= 1
    assert r == pytest.approx(brute_force_partition_ratio(x), rel=1e-6)
    assert partition_ratio(-x) == pytest.approx(r, rel=1e-6)  # both signs of each direction are used


def test_partition_ratio_is_one_for_a_symmetric_isotropic_set():
    d = 6
    x = np.concatenate([np.eye(d), -np.eye(d)])
    assert partition_ratio(x) == pytest.approx(1.0)
    assert partition_ratio(x + np.eye(d)[0] * 0.8) < 0.9  # shifted off-centre: no longer isotropic


def test_effective_rank():
    assert effective_rank_from_covariance(np.eye(9)) == pytest.approx(9)
    assert effective_rank_from_covariance(np.diag([4.0, 0, 0])) == pytest.approx(1)
    assert 1 < effective_rank_from_covariance(np.diag([9.0, 1.0, 1.0])) < 3


# ---- sampled measures against brute force ----------------------------------------------------------------


def test_sample_pairs_come_from_different_sentences():
    sids = np.repeat(np.arange(5), [1, 50, 2, 3, 10])
    pairs = sample_pairs(sids, 2000, np.random.default_rng(0))
    assert pairs.shape == (2000, 2)
    assert np.all(sids[pairs[:, 0]] != sids[pairs[:, 1]])
    with pytest.raises(CtxvecError, match="at least 2 different sentences"):
        sample_pairs(np.zeros(10, dtype=int), 5, np.random.default_rng(0))


def _unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


@pytest.fixture
def small():
    """40 sentences of 6 words over 8 word types, 5-dim vectors: small enough to use everything."""
    rng = np.random.default_rng(3)
    tokens = [f"w{i}" for i in rng.integers(0, 8, 240)]
    sids = np.repeat(np.arange(40), 6)
    vectors = (rng.normal(size=(240, 5)) + np.array([2.0, 0, 0, 0, 0])).astype(np.float32).astype(np.float64)
    return vectors, sids, tokens


def test_ethayarajh_measures_equal_brute_force(small):
    vectors, sids, tokens = small
    r = isotropy_arrays(
        vectors, sids, tokens, sampling=Sampling(min_count=2, max_words=100, max_occurrences=1000, max_sentences=100)
    )
    words = sorted(set(tokens))
    self_sims, mevs = [], []
    for w in words:
        v = vectors[[t == w for t in tokens]]
        u = _unit(v)
        g = u @ u.T
        self_sims.append((g.sum() - len(v)) / (len(v) * (len(v) - 1)))
        s = np.linalg.svd(v, compute_uv=False)
        mevs.append(s[0] ** 2 / (s**2).sum())
    intra = [np.mean(_unit(vectors[sids == s]) @ _unit(vectors[sids == s].mean(axis=0))) for s in range(40)]
    assert r.n_words == 8 and r.n_sentences == 40
    assert r.self_similarity == pytest.approx(np.mean(self_sims), rel=1e-9)
    assert r.mev == pytest.approx(np.mean(mevs), rel=1e-9)
    assert r.intra_sentence_similarity == pytest.approx(np.mean(intra), rel=1e-9)
    assert r.self_similarity_adjusted == pytest.approx(r.self_similarity - r.mean_cosine)
    assert r.intra_sentence_similarity_adjusted == pytest.approx(r.intra_sentence_similarity - r.mean_cosine)
    assert r.mev_adjusted == pytest.approx(r.mev - r.mev_baseline)
    # global figures over every row
    assert r.isoscore == pytest.approx(isoscore(vectors), abs=1e-9)
    assert r.partition_ratio == pytest.approx(brute_force_partition_ratio(vectors), rel=1e-6)
    ev = np.sort(np.linalg.eigvalsh(np.cov(vectors, rowvar=False)))[::-1]
    assert r.top_pc_variance == pytest.approx(ev[0] / ev.sum())
    assert r.top_k == 5 and r.top_k_pc_variance == pytest.approx(1.0)
    assert r.mean_norm == pytest.approx(np.linalg.norm(vectors, axis=1).mean())


def test_mean_cosine_is_the_mean_over_the_seeded_pairs(small):
    vectors, sids, tokens = small
    r = isotropy_arrays(vectors, sids, tokens, sampling=Sampling(n_pairs=500, seed=11))
    pairs = sample_pairs(sids, 500, np.random.default_rng(11))  # the report draws its pairs first
    u = _unit(vectors)
    assert r.mean_cosine == pytest.approx(np.mean(np.sum(u[pairs[:, 0]] * u[pairs[:, 1]], axis=1)), rel=1e-9)
    assert r.n_pairs == 500 and r.seed == 11
    assert isotropy_arrays(vectors, sids, tokens, sampling=Sampling(n_pairs=500, seed=11)).to_dict() == r.to_dict()
    assert isotropy_arrays(vectors, sids, tokens, sampling=Sampling(n_pairs=500, seed=12)).mean_cosine != r.mean_cosine


def test_identical_occurrences_are_fully_self_similar():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(3, 4))
    tokens = ["a", "b", "c"] * 10
    vectors = base[[0, 1, 2] * 10] * rng.uniform(0.5, 2, size=(30, 1))  # same direction, any length
    r = isotropy_arrays(vectors, np.repeat(np.arange(10), 3), tokens, sampling=Sampling(min_count=2))
    assert r.self_similarity == pytest.approx(1.0)
    assert r.mev == pytest.approx(1.0)


def test_report_to_dict_is_plain_json(small):
    d = isotropy_arrays(*small).to_dict()
    text = json.dumps(d)
    for key in ("isoscore", "mean_cosine", "partition_ratio", "self_similarity", "mev", "effective_rank", "n_pairs"):
        assert key in d
    assert json.loads(text)["pc_variance"] == d["pc_variance"]


def test_bad_arguments(small):
    with pytest.raises(ParameterError, match="min_count must be at least 2, got 1") as e:
        isotropy_arrays(*small, sampling=Sampling(min_count=1))
    assert e.value.name == "min_count"
    with pytest.raises(ParameterError, match="top_k=0 is too small"):
        isotropy_arrays(*small, top_k=0)
    with pytest.raises(CtxvecError, match="do not match"):
        isotropy_arrays(small[0][:5], small[1], small[2])


# ---- stores and transforms ------------------------------------------------------------------------------


@pytest.fixture
def cone_store(make_store):
    """600 float32 rows in a narrow cone (a shared offset, two dominant directions), 60 sentences, 30 word types."""
    rng = np.random.default_rng(5)
    d = 16
    common = rng.normal(size=d) * 4
    scales = np.r_[6.0, 4.0, np.linspace(0.5, 1.5, d - 2)]
    rot = special_ortho_group.rvs(d, random_state=5)
    vectors = (common + (rng.normal(size=(600, d)) * scales) @ rot).astype(np.float32)
    tokens = [f"w{i}" for i in rng.integers(0, 30, 600)]
    sids = np.repeat(np.arange(60), 10)
    sentences = [" ".join(tokens[s * 10 : s * 10 + 10]) for s in range(60)]
    return make_store(vectors, tokens, sids, sentences, dtype="float32")


def assert_reports_close(a, b, rel=1e-6, abs=1e-9):
    da, db = a.figures(), b.figures()
    assert da.keys() == db.keys()
    for key, value in da.items():
        if key == "sample":  # which rows the sampled measures were drawn from: the same sample exactly
            assert value == db[key]
            continue
        assert value == pytest.approx(db[key], rel=rel, abs=abs), key


def test_store_report_equals_the_array_report(cone_store):
    a = isotropy(cone_store, sampling=Sampling(seed=3), block_rows=50)
    b = isotropy_arrays(
        np.asarray(cone_store.vectors), cone_store.sentence_ids, list(cone_store.tokens), sampling=Sampling(seed=3)
    )
    assert_reports_close(a, b)


@pytest.mark.parametrize("t", [Center(), AllButTheTop(2), Whitening(), ConceptorNegation()])
def test_transforms_make_the_cone_more_isotropic(cone_store, t):
    before = isotropy(cone_store)
    after = isotropy(cone_store, transform=t.fit_source(cone_store))
    if isinstance(t, Center):  # IsoScore is shift-invariant: centring changes only the cosines
        assert after.isoscore == pytest.approx(before.isoscore, abs=1e-6)
    else:
        assert after.isoscore > before.isoscore + 0.2
    assert after.mean_cosine < before.mean_cosine - 0.3
    assert abs(after.mean_cosine) < 0.1


def test_in_place_transform_report_equals_on_the_fly_report(cone_store):
    t = Whitening().fit_source(cone_store)
    on_the_fly = isotropy(cone_store, transform=t)
    store = set_store_transform(cone_store, t)
    assert_reports_close(isotropy(store), on_the_fly, rel=1e-5, abs=1e-7)
    assert on_the_fly.isoscore == pytest.approx(1.0, abs=1e-6)  # whitened: covariance = identity


def test_raw_report_ignores_the_in_place_transform(cone_store):
    before = isotropy(cone_store, sampling=Sampling(seed=1, n_pairs=500))
    store = set_store_transform(cone_store, Center().fit_source(cone_store))
    raw = isotropy(store, raw=True, sampling=Sampling(seed=1, n_pairs=500))
    assert raw.transform_id is None and isotropy(store, sampling=Sampling(seed=1, n_pairs=500)).transform_id is not None
    assert_reports_close(raw, before)
    assert (
        isotropy(store, sampling=Sampling(seed=1, n_pairs=500)).mean_cosine < before.mean_cosine - 0.3
    )  # centred: not the raw one


def test_cli_isotropy_raw(cone_store, capsys):
    store = set_store_transform(cone_store, Center().fit_source(cone_store))
    assert main(["isotropy", str(store.path), "--pairs", "300", "--raw", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert (
        d == json.loads(isotropy(store, raw=True, sampling=Sampling(n_pairs=300)).to_json())
        and d["transform_id"] is None
    )
    assert main(["isotropy", str(store.path), "--pairs", "300", "--raw"]) == 0
    assert "(raw vectors)" in capsys.readouterr().out
    assert main(["isotropy", "wiki", "--all-layers", "--raw"]) == 2
    assert "--raw applies to a store" in capsys.readouterr().err


def test_word_ids_of_tokens_match_store_words(cone_store):
    np.testing.assert_array_equal(word_ids_of_tokens(list(cone_store.tokens)), cone_store.word_ids)


def test_report_of_a_source_with_explicit_ids_equals_the_store_report(cone_store):
    x = np.asarray(cone_store.vectors)
    a = isotropy_of_source(
        ArraySource(x), cone_store.sentence_ids, cone_store.word_ids, sampling=Sampling(seed=2), block_rows=128
    )
    b = isotropy(cone_store, sampling=Sampling(seed=2))
    assert type(a) is IsotropyReport and isinstance(b, StoreIsotropy)
    assert_reports_close(a, b)
    with pytest.raises(CtxvecError, match="one per row"):
        isotropy_of_source(ArraySource(x), cone_store.sentence_ids[:5], cone_store.word_ids)


def test_store_report_says_which_store_and_transform(cone_store):
    d = isotropy(cone_store, sampling=Sampling(n_pairs=200)).to_dict()
    assert list(d)[:3] == ["store", "transform_id", "n_rows"]
    assert d["store"] == str(cone_store.path) and d["transform_id"] is None
    t = Center().fit_source(cone_store)
    assert isotropy(cone_store, transform=t, sampling=Sampling(n_pairs=200)).transform_id == transform_id(t)
    store = set_store_transform(cone_store, t)
    assert (
        isotropy(store, sampling=Sampling(n_pairs=200)).transform_id
        == store.manifest["transform_id"]
        == transform_id(t)
    )


# ---- per layer, plot, CLI -----------------------------------------------------------------------------------

SENTENCES = [
    "the cold water in winter",
    "a warm day in the summer sun",
    "the king and the queen of france",
    "he caught a cold last week",
    "she went to the bank of the river",
    "the man and the woman in paris",
    "it was a good day for the city",
    "they had money in the bank",
]


def test_layer_isotropy_with_a_tiny_model(tiny_model, tmp_path):
    res = layer_isotropy(
        SENTENCES, str(tiny_model), sample_sentences=6, sampling=Sampling(seed=1, min_count=2), device="cpu"
    )
    assert res.layers == [0, 1, 2]  # 2 transformer layers + input embeddings
    assert res.n_sentences == 6 and res.n_rows > 20
    assert all(r.dim == 32 and r.n_rows == res.n_rows for r in res.reports)
    assert res.series("isoscore").shape == (3,)
    assert json.loads(json.dumps(res.to_dict()))["layers"][2]["layer"] == 2
    png = plot_layers(res, tmp_path / "layers.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_layer_isotropy_from_a_store_uses_its_sentences_and_model(tiny_model, make_store, tmp_path):
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    store = embed(SENTENCES[:5], tmp_path / "tiny.store", EncodeSpec(model=str(tiny_model)), device="cpu", quiet=True)
    res = store_layer_isotropy(store, device="cpu", sampling=Sampling(min_count=2))
    assert res.n_sentences == 5 and res.n_rows == store.n_rows and res.layers == [0, 1, 2]
    # the last layer of the per-layer run is what the store holds
    last = isotropy(store, sampling=Sampling(min_count=2))
    assert res.reports[-1].isoscore == pytest.approx(last.isoscore, abs=1e-3)
    tokens = [w for s in SENTENCES[:4] for w in s.split()]
    sids = [i for i, s in enumerate(SENTENCES[:4]) for _ in s.split()]
    bare = make_store(np.zeros((len(tokens), 32), np.float32), tokens, sids, SENTENCES[:4], dtype="float32")
    with pytest.raises(CtxvecError, match="no model"):
        store_layer_isotropy(bare)  # a store built from arrays has no encoder spec
    assert store_layer_isotropy(bare, str(tiny_model), device="cpu", sampling=Sampling(min_count=2)).n_rows == len(
        tokens
    )
    # a store folder given as a corpus path: its sentences and model
    by_path = write_layer_plot(
        layer_isotropy(str(store.path), device="cpu", sampling=Sampling(min_count=2)), tmp_path / "l.png"
    )
    assert by_path.to_dict()["layers"] == res.to_dict()["layers"] and by_path.plot == str(tmp_path / "l.png")
    assert Image.open(tmp_path / "l.png").size == (960, 540)


def test_cli_isotropy_store_table_and_json(cone_store, capsys):
    assert main(["isotropy", str(cone_store.path), "--pairs", "300", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "IsoScore" in out and "300 random pairs" in out and "seed 4" in out
    assert main(["isotropy", str(cone_store.path), "--pairs", "300", "--seed", "4", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["n_pairs"] == 300 and d["seed"] == 4 and d["transform_id"] is None
    assert d == json.loads(isotropy(cone_store, sampling=Sampling(n_pairs=300, seed=4)).to_json())


def test_cli_isotropy_all_layers_with_plot(tiny_model, tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n")
    png = tmp_path / "p.png"
    argv = ["isotropy", str(corpus), "--all-layers", "--model", str(tiny_model), "--min-count", "2", "--device", "cpu"]
    assert main([*argv, "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "per layer" in out and "layer 0 = input embeddings" in out and png.is_file()
    assert main([*argv, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert [layer["layer"] for layer in d["layers"]] == [0, 1, 2] and d["n_sentences"] == len(SENTENCES)
    assert d["plot"] is None


def test_cli_isotropy_errors(tmp_path, cone_store, capsys):
    assert main(["isotropy", str(tmp_path / "nope.txt")]) == 2
    assert "is not a ctxvec store" in capsys.readouterr().err
    assert main(["isotropy", str(cone_store.path), "--plot", "x.png"]) == 2
    assert "--plot only applies with --all-layers" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):  # refused by the parser (cli/_types.py), one line
        main(["isotropy", str(cone_store.path), "--pairs", "0"])
    assert "argument --pairs: must be an integer from 1" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):
        main(["isotropy", "wiki", "--all-layers", "--sample", "1", "--model", "nope"])
    assert "argument --sample: must be an integer from 2" in capsys.readouterr().err
    assert main(["isotropy", "wiki", "--all-layers", "--plot", str(tmp_path / "no" / "p.png")]) == 2
    assert "folder does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("seed", [0, 3])
def test_store_report_and_layers_report_agree_on_the_same_sample(tiny_model, tmp_path, seed):
    """The store report's sampled figures are drawn from the sentences the per-layer report encodes:
    the layers report's last layer equals the store's own report (the brief's 0.573 vs 0.750)."""
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    store = embed(
        SENTENCES, tmp_path / "t.store", EncodeSpec(model=str(tiny_model)), device="cpu", quiet=True, dtype="float32"
    )
    layers = store_layer_isotropy(
        store, device="cpu", sampling=Sampling(min_count=2, seed=seed, n_pairs=300), sample_sentences=5
    )
    report = isotropy(store, sampling=Sampling(min_count=2, seed=seed, n_pairs=300), sample_sentences=5)
    last = layers.reports[-1]
    for key in ("self_similarity", "mean_cosine", "intra_sentence_similarity", "mev", "mev_baseline"):
        assert getattr(last, key) == pytest.approx(getattr(report, key), abs=1e-4), key
    assert last.n_words == report.n_words > 0
    assert report.sample["sentences"] == last.sample["sentences"] == 5
    assert report.sample["of_sentences"] == last.sample["of_sentences"] == len(SENTENCES)
    assert "5 of 8 sentences" in report.sample["description"] and report.to_dict()["sample"] == report.sample
    whole = isotropy(store, sampling=Sampling(min_count=2, seed=seed, n_pairs=300), sample_sentences=None)
    assert whole.sample["sentences"] == 8 and "all 8 sentences" in whole.sample["description"]
    assert whole.sample["rows"] == store.n_rows > report.sample["rows"]
