"""Dictionary learning: the objective goes down, atoms stay unit norm, factors live in the store."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.base import clone

from ctxvec.cli import main
from ctxvec.decomposition import (
    Alpha,
    FactorLearner,
    decompose,
    factor_occurrences,
    factors_list,
    learn_factors,
    list_factors,
    load_factors,
)
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.sources import ArraySource
from ctxvec.store import write_store


def sparse_data(n: int = 1500, dim: int = 24, n_true: int = 12, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rows that are sparse non-negative combinations (2-3 terms) of `n_true` unit atoms, plus noise."""
    rng = np.random.default_rng(seed)
    true = rng.normal(size=(n_true, dim))
    true /= np.linalg.norm(true, axis=1, keepdims=True)
    codes = np.zeros((n, n_true))
    for i in range(n):
        pick = rng.choice(n_true, size=rng.integers(2, 4), replace=False)
        codes[i, pick] = rng.uniform(0.5, 2.0, size=len(pick))
    return (codes @ true + 0.02 * rng.normal(size=(n, dim))).astype(np.float32), true


def test_learner_lowers_its_objective_and_keeps_unit_atoms():
    x, _ = sparse_data()
    learner = FactorLearner(n_factors=12, alpha=0.05, batch_size=256, n_epochs=3, random_state=0)
    start = FactorLearner(n_factors=12, alpha=0.05, random_state=0)
    start._init(x[:12])  # the same initial dictionary fit() starts from would be random rows too
    before = start.objective(x)
    learner.fit(x)
    after = learner.objective(x)
    assert after < 0.8 * before
    np.testing.assert_allclose(np.linalg.norm(learner.components_, axis=1), 1.0, atol=1e-5)
    h = learner.objective_history_
    assert np.mean(h[-3:]) < np.mean(h[:3])
    codes = learner.transform(x[:50])
    assert codes.shape == (50, 12) and (codes >= 0).all()
    assert 1 <= np.mean((codes > 0).sum(1)) <= 8  # sparse


def test_learner_finds_the_generating_atoms():
    x, true = sparse_data(n=3000, seed=1)
    learner = FactorLearner(n_factors=24, alpha=0.05, batch_size=256, n_epochs=4, random_state=1).fit(x)
    best = (true @ learner.components_.T).max(1)  # each true atom's closest learned atom
    assert best.min() > 0.93


def test_estimator_contract():
    learner = FactorLearner(n_factors=7, alpha=0.2)
    assert clone(learner).get_params() == learner.get_params()
    with pytest.raises(CtxvecError, match="n_factors"):
        FactorLearner(n_factors=0).fit(np.ones((4, 3)))
    with pytest.raises(CtxvecError, match="alpha"):
        FactorLearner(alpha=0).fit(np.ones((4, 3)))


@pytest.fixture
def factor_store(tmp_path):
    x, _ = sparse_data(n=600, dim=16, n_true=6, seed=2)
    words = [f"w{i % 25}" for i in range(len(x))]
    sids = np.arange(len(x)) // 6
    sentences = [" ".join(words[s * 6 : s * 6 + 6]) for s in range(100)]
    return write_store(tmp_path / "f.store", x, words, sids, sentences, dtype="float32")


def test_learn_save_load_show_and_decompose(factor_store, capsys):
    f = learn_factors(factor_store, 8, alpha=0.05, batch_size=128, n_samples=1200, n_top=5, name="small")
    assert list_factors(factor_store) == ["small"]
    g = load_factors(factor_store, "small")
    np.testing.assert_array_equal(f.components, g.components)
    np.testing.assert_allclose(np.linalg.norm(g.components, axis=1), 1.0, atol=1e-5)
    assert g.labels == f.labels and g.top_rows.shape == (8, 5)
    h = g.meta["objective_history"]
    assert len(h) == 1200 // 128 + 1 and h[-1] < h[0]
    used = int(np.flatnonzero(g.counts)[0])
    hits = g.occurrences(factor_store, used, top=3)
    assert hits and all(c > 0 for _, c in hits)
    assert [c for _, c in hits] == sorted((c for _, c in hits), reverse=True)
    assert hits[0][0].token in g.labels[used].split("/")
    # decompose against the factors: terms are labelled factors
    res = decompose(factor_store, "w3", atoms="factors", factors="small", sparsity=Alpha(0.1), limit=2)
    assert res.n_atoms == 8 and (res.n_terms >= 1).all()
    assert all(t.word == f"#{t.atom}({g.labels[t.atom]})" for t in res.terms[0])
    assert res.to_dict()["queries"][0]["terms"][0]["factor"] == res.terms[0][0].atom
    # CLI
    assert main(["factors", "show", str(factor_store.path), "--name", "small", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert len(listing["factors"]) == 8
    shown = listing["factors"][used]
    assert shown["label"] == g.labels[used] and 1 <= len(shown["occurrences"]) <= 2  # top contexts, default 2
    first = shown["occurrences"][0]
    assert first["sentence"][first["span"][0] : first["span"][1]] == first["token"]
    assert main(["factors", "show", str(factor_store.path), "--name", "small"]) == 0
    table = capsys.readouterr().out
    assert "top contexts" in table and first["token"] in table
    assert main(["factors", "show", str(factor_store.path), str(used), "--name", "small", "--top", "2", "--json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["factor"] == used and 1 <= len(one["occurrences"]) <= 2 and "sentence" in one["occurrences"][0]
    assert main(["factors", "show", str(factor_store.path), str(used), "--name", "small"]) == 0
    assert "factor" in capsys.readouterr().out
    assert main(["factors", "show", str(factor_store.path), "99", "--name", "small"]) == 2
    assert "out of range" in capsys.readouterr().err


def test_cli_learn(factor_store, capsys):
    args = ["factors", "learn", str(factor_store.path), "--n-factors", "6", "--samples", "400", "--batch-size", "100"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_factors"] == 6 and out["name"] == "default"
    assert out["objective_last_batch"] < out["objective_first_batch"]
    assert main(["decompose", str(factor_store.path), "w1", "--atoms", "factors", "--limit", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["atoms"] == "factors"


def test_missing_factors_and_bad_names(factor_store, capsys):
    with pytest.raises(CtxvecError, match="factors learn"):
        load_factors(factor_store, "nope")
    with pytest.raises(CtxvecError, match="bad factors name"):
        learn_factors(factor_store, 4, name="../x")
    assert main(["factors", "show", str(factor_store.path)]) == 2
    assert "no factors named 'default'" in capsys.readouterr().err


def test_fit_source_streams_like_learn_factors(factor_store):
    x = np.concatenate([b for _, b in factor_store.iter_blocks()])
    a = FactorLearner(n_factors=6, alpha=0.05, batch_size=100, random_state=3).fit_source(factor_store, 300)
    b = FactorLearner(n_factors=6, alpha=0.05, batch_size=100, random_state=3).fit_source(ArraySource(x), 300)
    np.testing.assert_array_equal(a.components_, b.components_)
    assert a.n_steps_ == 3
    with pytest.raises(ParameterError, match="n_samples"):
        FactorLearner(n_factors=6).fit_source(ArraySource(x), 0)


def test_results_to_dict_and_the_cli(factor_store, capsys):
    f = learn_factors(factor_store, 5, alpha=0.05, batch_size=100, n_samples=300, n_top=4, name="tiny")
    d = f.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["name"] == "tiny" and d["n_factors"] == 5 and len(d["factors"]) == 5
    assert d["mean_active_factors_per_row"] == pytest.approx(f.counts.sum() / factor_store.n_rows)
    assert f.meta["vectors"] == factor_store.vectors_record()
    assert main(["factors", "show", str(factor_store.path), "--name", "tiny", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [{k: e[k] for k in ("factor", "label", "count")} for e in shown["factors"]] == d["factors"]
    assert {k: v for k, v in shown.items() if k != "factors"} == f.summary()
    used = int(np.flatnonzero(f.counts)[0])
    one = factor_occurrences(factor_store, used, name="tiny", top=2)
    assert main(["factors", "show", str(factor_store.path), str(used), "--name", "tiny", "--top", "2", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == one.to_dict()
    assert factors_list(factor_store).names == list_factors(factor_store)
    assert main(["factors", "list", str(factor_store.path), "--json"]) == 0
    assert "tiny" in json.loads(capsys.readouterr().out)["factors"]
    assert main(["factors", "list", str(factor_store.path)]) == 0
    assert "tiny" in capsys.readouterr().out


def test_factors_of_other_vectors_are_not_loaded(factor_store):
    learn_factors(factor_store, 4, alpha=0.05, batch_size=100, n_samples=200, n_top=3, name="stale")
    path = factor_store.path / "factors" / "stale" / "factors.json"
    meta = json.loads(path.read_text())
    meta["vectors"]["vectors_sha256"] = "0" * 64  # as if learned from other vectors
    path.write_text(json.dumps(meta))
    with pytest.raises(CtxvecError, match="learn them again"):
        load_factors(factor_store, "stale")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_learner_matches_sklearn_minibatch_dictionary_learning():
    """The same problem as MiniBatchDictionaryLearning(positive_code=True) (its alpha = alpha_ · dim):
    from the same initial dictionary, with the same data, batches and epochs, ctxvec's dictionary has an
    objective no worse on held-out rows."""
    from sklearn.decomposition import MiniBatchDictionaryLearning

    x, _ = sparse_data(n=2000, dim=24, n_true=12, seed=4)
    held, _ = sparse_data(n=500, dim=24, n_true=12, seed=4)
    ours = FactorLearner(n_factors=12, alpha=0.05, batch_size=200, n_epochs=3, random_state=0).fit(x)
    start = FactorLearner(n_factors=12, alpha=0.05, random_state=0)
    start._init(x)  # the dictionary fit() starts from
    sk = MiniBatchDictionaryLearning(
        dict_init=start.components_.astype(np.float64),
        n_components=12,
        alpha=ours.alpha_ * x.shape[1],
        batch_size=200,
        max_iter=3,
        positive_code=True,
        fit_algorithm="cd",
        transform_algorithm="lasso_cd",
        random_state=0,
    ).fit(x)
    check = FactorLearner(n_factors=12, tol=1e-6)
    check.alpha_ = ours.alpha_
    check.components_ = sk.components_.astype(np.float32)
    assert ours.objective(held) <= 1.01 * check.objective(held)
    assert ours.objective(held) < 0.6 * start.objective(held)


def test_gram_and_working_set_coders_learn_the_same_dictionary():
    x, _ = sparse_data(n=800, dim=16, n_true=8, seed=5)
    a = FactorLearner(n_factors=8, alpha=0.05, batch_size=200, n_epochs=2, tol=1e-7, coder="gram").fit(x)
    b = FactorLearner(n_factors=8, alpha=0.05, batch_size=200, n_epochs=2, tol=1e-7, coder="working-set").fit(x)
    np.testing.assert_allclose(a.components_, b.components_, atol=2e-3)
    with pytest.raises(ParameterError, match="coder"):
        FactorLearner(n_factors=8, coder="lars").fit(x)


def test_epochs_progress_reports_the_objective(factor_store):
    seen: list[tuple[str, int, int, float | None]] = []
    f = learn_factors(
        factor_store, 6, alpha=0.05, batch_size=100, n_samples=300, n_epochs=3, save=False,
        progress=lambda *a: seen.append(a),
    )  # fmt: skip
    learn = [s for s in seen if s[0] == "learn"]
    assert [s[1] for s in learn] == list(range(100, 901, 100)) and {s[2] for s in learn} == {900}
    assert [s[3] for s in learn] == f.meta["objective_history"]
    code = [s for s in seen if s[0] == "code"]
    assert code[-1][1:] == (factor_store.n_rows, factor_store.n_rows, None)
    by_epoch = f.objective_by_epoch()
    assert len(by_epoch) == 3 and by_epoch[-1] < by_epoch[0]
    assert f.summary()["n_epochs"] == 3
    with pytest.raises(ParameterError, match="n_epochs"):
        learn_factors(factor_store, 6, n_epochs=0, save=False)


def test_coherence_separates_word_level_and_mixed_factors(factor_store):
    from ctxvec.decomposition import factor_coherence, random_coherence

    f = learn_factors(factor_store, 6, alpha=0.05, batch_size=100, n_samples=600, n_top=10, save=False)
    c = factor_coherence(factor_store, f, n_words=3)
    assert len(c.words) == 6 and all(1 <= len(w) <= 3 for w in c.words)
    assert ((c.top_share > 0) & (c.top_share <= 1)).all()
    multi = ~np.isnan(c.coherence)
    assert (np.array([len(w) for w in c.words])[multi] >= 2).all()
    assert (np.abs(c.coherence[multi]) <= 1 + 1e-9).all()
    assert json.loads(json.dumps(c.to_dict()))["factors"][0]["words"] == c.words[0]
    chance = random_coherence(factor_store, ["w1", "w2", "w3", "w4", "w1"], n_words=3, n_sets=20)
    assert chance.shape == (20,) and np.isfinite(chance).all()
    assert np.isnan(random_coherence(factor_store, ["w1", "w1"], n_words=3, n_sets=2)).all()
