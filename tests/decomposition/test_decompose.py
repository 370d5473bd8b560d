"""Decomposing occurrences: known combinations recovered, exclusions, sparsity options, JSON and CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ctxvec.cli import main
from ctxvec.decomposition import (
    SOLVERS,
    AbsoluteAlpha,
    Alpha,
    AtomFilter,
    Decomposition,
    MaxTerms,
    decompose,
    family_mask,
    solver_device,
)
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.lasso import SOLVERS as LASSO_SOLVERS
from ctxvec.lasso import ArrayAtoms, alpha_max, fista, kkt_violation, lasso_objective
from ctxvec.morphology import Families
from ctxvec.store import write_store

DIM = 32
BASE_WORDS = ["warm", "hot", "heavy", "ice", "snow", "river", "bank", "money", "king", "queen", "city", "water"]
FORMS = ["colder", "coldest", "colds"]


def build(path, with_forms: bool = False, seed: int = 0, n_sentences: int = 60):
    """Sentences of 6 words; each word's occurrences are its base vector plus 5% noise. `cold` is
    0.6·warm + 0.3·heavy + 0.1·hot; its forms (if any) are cold plus a little noise."""
    rng = np.random.default_rng(seed)
    base = {w: np.abs(rng.normal(size=DIM)) + rng.normal(size=DIM) for w in BASE_WORDS}
    base["cold"] = 0.6 * base["warm"] + 0.3 * base["heavy"] + 0.1 * base["hot"]
    words = [*BASE_WORDS, "cold"] + (FORMS if with_forms else [])
    for f in FORMS:
        base[f] = base["cold"] + 0.02 * rng.normal(size=DIM)
    tokens, sids, sentences, vectors = [], [], [], []
    for s in range(n_sentences):
        ws = list(rng.choice(words, size=6))
        if s % 3 == 0:
            ws[2] = "cold"
        sentences.append(" ".join(ws) + " .")
        for w in [*ws, "."]:
            tokens.append(w)
            sids.append(s)
            v = base[w] if w != "." else rng.normal(size=DIM)
            noise = 0.0 if w == "cold" else 0.05
            vectors.append(v + noise * rng.normal(size=DIM) * np.linalg.norm(v) / np.sqrt(DIM))
    return write_store(path, np.asarray(vectors, dtype=np.float32), tokens, sids, sentences, dtype="float32")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("dec") / "s.store")


@pytest.fixture(scope="module")
def forms_store(tmp_path_factory):
    return build(tmp_path_factory.mktemp("forms") / "s.store", with_forms=True)


def test_recovers_a_known_combination_from_word_types(store):
    res = decompose(store, "cold", sparsity=Alpha(0.005), limit=3, normalize=False)  # raw: cold = 0.6·warm + ...
    assert len(res) == 3 and res.atoms == "types"
    for i in range(3):
        terms = res.terms[i]
        assert [t.word for t in terms[:3]] == ["warm", "heavy", "hot"]
        np.testing.assert_allclose([t.weight for t in terms[:3]], [0.6, 0.3, 0.1], atol=0.04)
        assert res.cosine[i] > 0.995 and res.residual[i] < 0.1
        assert abs(sum(t.weight for t in terms) - 1) < 1e-9
        assert res.equation(i, top=2).startswith("cold = 0.")
        assert "·warm + 0." in res.equation(i)


def test_occurrence_atoms_carry_their_sentences(store):
    res = decompose(store, "cold", atoms="occurrences", sparsity=MaxTerms(4), limit=2)
    assert res.n_atoms == store.n_rows
    for i in range(2):
        assert 1 <= res.n_terms[i] <= 4
        for t in res.terms[i]:
            assert t.row >= 0 and t.occurrence is not None
            assert t.occurrence.token == t.word == store.tokens[t.row]
            assert t.word in {"warm", "heavy", "hot"}  # noisy copies of the true parts
    item = res.to_dict()["queries"][0]
    assert item["row"] == int(res.rows[0])
    assert {"coef", "word", "row", "sentence"} <= set(item["terms"][0])


def test_reconstruction_cosine_and_residual_are_what_they_say(store):
    res = decompose(store, "warm", sparsity=Alpha(0.3), limit=1, normalize=False)
    y = store.get_vectors([int(res.rows[0])])[0].astype(np.float64)
    from ctxvec.lexicon import word_types

    wt = word_types(store)
    recon = sum(t.coef * wt.vectors[wt.index(t.word)].astype(np.float64) for t in res.terms[0])
    cos = y @ recon / np.linalg.norm(y) / np.linalg.norm(recon)
    np.testing.assert_allclose(res.cosine[0], cos, rtol=1e-6)
    np.testing.assert_allclose(res.residual[0], np.linalg.norm(y - recon) / np.linalg.norm(y), rtol=1e-6)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    word=st.sampled_from([*BASE_WORDS, "cold"]),
    atoms=st.sampled_from(["types", "occurrences"]),
    alpha=st.floats(0.01, 0.9),
    signed=st.booleans(),
)
def test_query_word_never_among_its_own_terms(store, word, atoms, alpha, signed):
    res = decompose(store, word, atoms=atoms, sparsity=Alpha(alpha), signed=signed, limit=4)
    for i in range(len(res)):
        assert all(t.word.casefold() != word for t in res.terms[i])
        assert int(res.rows[i]) not in {t.row for t in res.terms[i]}
        assert res.n_terms[i] >= 1  # alpha < 1: something is always left


def test_family_excluded_unless_kept_and_said(forms_store):
    plain = decompose(forms_store, "cold", sparsity=Alpha(0.05), limit=2, atom_filter=AtomFilter(keep_family=True))
    assert plain.terms[0][0].word in FORMS  # a near-copy of the query wins when allowed
    assert plain.to_dict()["queries"][0]["excluded_words"] == ["cold"]
    res = decompose(forms_store, "cold", sparsity=Alpha(0.05), limit=2)  # the family is excluded by default
    for i in range(2):
        assert not {t.word for t in res.terms[i]} & set(FORMS)
        assert res.terms[i][0].word == "warm"
        assert res.to_dict()["queries"][i]["excluded_words"] == sorted(["cold", *FORMS])
        assert res.left_out(i).startswith("left out words: cold, colder")
    res = decompose(
        forms_store,
        "cold",
        sparsity=Alpha(0.05),
        limit=1,
        atom_filter=AtomFilter(keep_family=True, exclude=["colder", "coldest", "COLDS"]),
    )
    assert not {t.word for t in res.terms[0]} & set(FORMS)


def test_family_is_forms_and_derivations_not_lookalikes():
    vocab = np.array(["state", "states", "stated", "statement", "station", "stat", "cold", "civil"], dtype=object)
    fams = Families.of(vocab)
    assert family_mask(fams, "state", vocab).tolist() == [True, True, True, True, False, False, False, False]
    vocab = np.array(["bank", "banks", "banking", "banked", "banker", "money", "went", "go", "bankhead"], dtype=object)
    fams = Families.of(vocab)
    assert family_mask(fams, "Bank", vocab).tolist() == [True] * 5 + [False] * 4
    assert family_mask(fams, "go", vocab).tolist() == [False] * 6 + [True, True, False]


@pytest.mark.parametrize("solver", ["fista", "lasso", "omp"])
@pytest.mark.parametrize("k", [1, 2, 5])
def test_max_terms_honoured(store, solver, k):
    res = decompose(store, "cold", sparsity=MaxTerms(k), solver=solver, limit=2)
    assert ((res.n_terms <= k) & (res.n_terms >= 1)).all()


def test_alpha_at_or_above_alpha_max_says_so(store):
    res = decompose(store, "cold", sparsity=Alpha(1.0), limit=2)
    assert (res.n_terms == 0).all()
    assert all("every coefficient is zero" in n and "alpha_max" in n for n in res.notes)
    assert res.equation(0) == "cold = 0"
    blog = decompose(
        store, "cold", sparsity=AbsoluteAlpha(1e6), limit=1
    )  # the blog's absolute alpha, far too large here
    assert blog.n_terms[0] == 0 and "alpha_abs" in blog.notes[0]
    ok = decompose(store, "cold", sparsity=Alpha(0.5), limit=1)
    assert ok.notes[0] == "" and ok.n_terms[0] >= 1


def test_signed_allows_negative_coefficients(make_store):
    rng = np.random.default_rng(3)
    a, b, c = (rng.normal(size=DIM) for _ in range(3))
    vectors = np.stack([a, b, c, a - 0.5 * b]).astype(np.float32)
    s = make_store(vectors, ["a", "b", "c", "q"], [0, 0, 0, 0], ["a b c q"], dtype="float32")
    signed = decompose(s, "q", sparsity=Alpha(0.01), signed=True)
    coefs = {t.word: t.coef for t in signed.terms[0]}
    assert coefs["a"] > 0.9 and coefs["b"] < -0.4
    assert signed.equation(0).startswith("q = 0.") and "− 0." in signed.equation(0)
    positive = decompose(s, "q", sparsity=Alpha(0.01))
    assert all(t.coef > 0 for t in positive.terms[0])


def test_solvers_agree(store):
    a = decompose(store, "cold", sparsity=Alpha(0.1), limit=3)
    b = decompose(store, "cold", sparsity=Alpha(0.1), limit=3, solver="lasso", tol=1e-10)
    assert np.all((a.objective - b.objective) / b.objective <= 1e-4)
    assert [t.word for t in a.terms[0]] == [t.word for t in b.terms[0]]


def test_streamed_occurrence_atoms_equal_in_memory(store):
    a = decompose(store, "cold", atoms="occurrences", sparsity=Alpha(0.1), limit=2)
    b = decompose(store, "cold", atoms="occurrences", sparsity=Alpha(0.1), limit=2, memory_limit=0)
    np.testing.assert_allclose(a.objective, b.objective, rtol=1e-8)
    assert [t.row for t in a.terms[1]] == [t.row for t in b.terms[1]]


def test_query_vectors_directly_and_selected_queries(store):
    rows = store.occurrences("cold")[:2]
    res = decompose(store, "cold", vectors=store.get_vectors(rows), sparsity=Alpha(0.1))
    assert (res.rows == -1).all() and res.occurrences == [None, None]
    assert all(t.word != "cold" for t in res.terms[0])
    via = decompose(store, "cold", limit=2, sparsity=Alpha(0.1))
    np.testing.assert_allclose(via.objective, res.objective, rtol=1e-9)
    from ctxvec.queries import select_queries

    given = decompose(store, queries=select_queries(store, "cold", limit=2), sparsity=Alpha(0.1))
    np.testing.assert_allclose(given.objective, via.objective, rtol=1e-12)
    with pytest.raises(ParameterError, match="vectors"):
        decompose(store, queries=select_queries(store, "cold", limit=2), vectors=store.get_vectors(rows))


def test_min_count_limits_the_atoms(store):
    with pytest.raises(ParameterError, match="min_count"):
        decompose(store, "cold", min_count=10**6, sparsity=Alpha(0.1), limit=1)
    res = decompose(store, "cold", atoms="occurrences", min_count=2, sparsity=Alpha(0.1), limit=1)
    assert res.n_atoms <= store.n_rows


def test_bad_options(store):
    with pytest.raises(ParameterError, match="alpha must be more than 0, got 0.0"):
        decompose(store, "cold", sparsity=Alpha(0.0))
    with pytest.raises(ParameterError, match="sparsity must be Alpha") as e:
        decompose(store, "cold", sparsity=0.1)  # type: ignore[arg-type]
    assert e.value.name == "sparsity"
    with pytest.raises(CtxvecError, match="omp"):
        decompose(store, "cold", sparsity=Alpha(0.1), solver="omp")
    with pytest.raises(CtxvecError, match="atoms"):
        decompose(store, "cold", atoms="sentences")
    with pytest.raises(CtxvecError, match="no factors"):
        decompose(store, "cold", atoms="factors")


def test_cli_json(store, capsys):
    code = main(
        ["decompose", str(store.path), "cold", "--atoms", "occurrences", "--max-terms", "3", "--limit", "2", "--json"]
    )
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["atoms"] == "occurrences" and len(out["queries"]) == 2
    q = out["queries"][0]
    assert q["row"] == int(store.occurrences("cold")[0])
    assert 1 <= len(q["terms"]) <= 3
    for t in q["terms"]:
        assert {"coef", "word", "row"} <= set(t) and t["word"] != "cold"
    assert abs(sum(t["coef"] for t in q["terms"]) - 1) < 1e-9


def test_cli_text_and_notes(store, capsys):
    assert main(["decompose", str(store.path), "cold", "--limit", "1", "--alpha", "0.01"]) == 0
    out = capsys.readouterr().out
    assert "cold = 0." in out and "cosine" in out and "relative residual" in out
    assert main(["decompose", str(store.path), "cold", "--limit", "1", "--alpha", "2", "--json"]) == 0
    captured = capsys.readouterr()
    assert "every coefficient is zero" in captured.err
    assert json.loads(captured.out)["queries"][0]["terms"] == []


def test_cli_errors(store, capsys):
    with pytest.raises(SystemExit, match="2"):  # refused by the parser (cli/_types.py), one line
        main(["decompose", str(store.path), "cold", "--alpha", "0"])
    assert "ctxvec: error: decompose: argument --alpha: must be a finite number > 0" in capsys.readouterr().err
    assert main(["decompose", str(store.path), "frozen"]) == 2
    assert "unknown word" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["decompose", str(store.path), "cold", "--alpha", "0.1", "--max-terms", "2"])


def test_occurrence_atoms_leave_out_the_query_sentence_unless_asked(store):
    res = decompose(store, "cold", atoms="occurrences", sparsity=Alpha(0.05), limit=3)
    for i, occ in enumerate(res.occurrences):
        assert occ is not None
        assert all(t.occurrence is not None and t.occurrence.sentence_id != occ.sentence_id for t in res.terms[i])
        others = [t for t in occ.sentence.split() if t not in {"cold", "."}]  # already excluded: cold, "."
        assert res.excluded[i].sentence_rows == len(others) > 0
        assert f"{len(others)} tokens of its own sentence" in res.left_out(i)
    assert res.to_dict()["excluded_classes"] == ["punctuation", "stop words"]
    own = decompose(
        store, "cold", atoms="occurrences", sparsity=Alpha(0.05), limit=3, atom_filter=AtomFilter(own_sentence=True)
    )
    assert all(e.sentence_rows == 0 for e in own.excluded)


def test_stop_words_are_no_occurrence_atoms_unless_asked(make_store):
    rng = np.random.default_rng(2)
    the = rng.normal(size=8)
    tokens, sids, sentences, vectors = [], [], [], []
    for s in range(12):
        words = ["bank", "the", "river"] if s % 2 else ["the", "money", "and"]
        sentences.append(" ".join(words))
        tokens += words
        sids += [s] * 3
        vectors += [the + 0.1 * rng.normal(size=8) if w in ("bank", "the") else rng.normal(size=8) for w in words]
    store = make_store(np.asarray(vectors, dtype=np.float32), tokens, sids, sentences, dtype="float32")
    allowed = decompose(
        store, "bank", atoms="occurrences", sparsity=MaxTerms(2), limit=1, atom_filter=AtomFilter(stop_words=True)
    )
    assert allowed.terms[0][0].word == "the"  # "the" sits right beside this "bank"
    res = decompose(store, "bank", atoms="occurrences", sparsity=MaxTerms(2), limit=1)
    assert not {t.word for t in res.terms[0]} & {"the", "and"}


def test_a_filter_that_leaves_nothing_is_one_line_exit_2(store, capsys):
    argv = ["decompose", str(store.path), "cold", "--atoms", "occurrences", "--min-count", "100000", "--limit", "1"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--min-count" in err and "100000" in err
    words = [str(w) for w in store.vocabulary if str(w) not in {"cold", "."}]
    with pytest.raises(CtxvecError, match="no atom is left"):
        decompose(store, "cold", limit=1, atom_filter=AtomFilter(exclude=words))
    assert main(["decompose", str(store.path), "cold", "--limit", "1", "--exclude", *words]) == 2
    assert "no atom is left" in capsys.readouterr().err


def test_contextual_part_is_the_vector_minus_the_word_mean(store):
    from ctxvec.decomposition import contextual_part
    from ctxvec.lexicon import word_types

    rows = store.occurrences("cold")[:3]
    vecs = store.get_vectors(rows).astype(np.float64)
    mean = word_types(store).vectors[word_types(store).find(["cold"])[0]]
    np.testing.assert_allclose(contextual_part(store, vecs, ["cold"] * 3), vecs - mean, rtol=1e-6)
    res = decompose(store, "cold", limit=3, contextual=True, sparsity=Alpha(0.05))
    assert res.contextual and res.to_dict()["contextual"] and len(res) == 3
    assert all(n >= 1 or note for n, note in zip(res.n_terms, res.notes, strict=True))  # noise may fit nothing


def test_word_in_a_new_sentence(tiny_model, tmp_path):
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    texts = ["the cold water of the river", "a warm day in the city", "snow and ice in winter", "hot sun"] * 3
    s = embed(texts, tmp_path / "tiny.store", EncodeSpec(model=str(tiny_model)), device="cpu")
    res = decompose(s, "cold", in_sentence="cold snow fell on the city", sparsity=Alpha(0.2))
    assert res.rows.tolist() == [-1] and res.occurrences[0].row == -1
    assert res.n_terms[0] >= 1 and all(t.word != "cold" for t in res.terms[0])


@pytest.mark.slow
def test_real_vectors_fista_matches_sklearn(tmp_path):
    """Real MiniLM vectors (200 wiki sentences), occurrence atoms: FISTA reaches scikit-learn's objective."""
    from sklearn.linear_model import Lasso

    from ctxvec.runners import embed

    s = embed("wiki", tmp_path / "wiki.store", limit=200, device="cpu")
    word = s.vocabulary[np.argsort(-s.word_counts)][
        [w.isalpha() and len(w) > 3 for w in s.vocabulary[np.argsort(-s.word_counts)]]
    ][0]
    rows = s.occurrences(word)[:5]
    y = s.get_vectors(rows).astype(np.float64)
    atoms = np.concatenate([b for _, b in s.iter_blocks()])
    keep = s.word_ids != s.word_id(word)
    for rel in (0.5, 0.1):
        alpha = rel * alpha_max(y, ArrayAtoms(atoms[keep]))
        res = fista(y, ArrayAtoms(atoms[keep]), alpha)
        sk = np.stack(
            [
                Lasso(alpha=a, positive=True, fit_intercept=False, tol=1e-8, max_iter=100000)
                .fit(atoms[keep].T.astype(np.float64), t)
                .coef_
                for t, a in zip(y, alpha, strict=True)
            ]
        )
        ours = lasso_objective(y, atoms[keep], res.coef, alpha)
        ref = lasso_objective(y, atoms[keep], sk, alpha)
        assert np.all((ours - ref) / ref <= 1e-4)
        assert np.all(kkt_violation(y, atoms[keep], res.coef, alpha) < 1e-4)
    dec = decompose(s, word, atoms="occurrences", sparsity=MaxTerms(5), limit=3)
    assert ((dec.n_terms >= 1) & (dec.n_terms <= 5)).all()
    assert all(t.word.casefold() != word for ts in dec.terms for t in ts)


def test_to_dict_is_the_cli_json(store, capsys):
    res = decompose(store, "cold", atoms="occurrences", sparsity=MaxTerms(3), limit=2, device="cpu")
    assert isinstance(res, Decomposition)
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert (
        main(
            [
                "decompose",
                str(store.path),
                "cold",
                "--atoms",
                "occurrences",
                "--max-terms",
                "3",
                "--limit",
                "2",
                "--device",
                "cpu",
                "--json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == d
    assert json.loads(res.to_json()) == d


def test_device_policy_and_parameter_names(store):
    assert solver_device("auto") == "cpu" and solver_device("cuda") == "cuda"
    assert SOLVERS == LASSO_SOLVERS  # the CLI's light copy of the solver names
    for option, name in [(lambda: AbsoluteAlpha(-1.0), "alpha_abs"), (lambda: MaxTerms(0), "max_terms")]:
        with pytest.raises(ParameterError) as info:
            option()
        assert info.value.name == name and "--" not in str(info.value)
    for kwargs, name in [
        ({"tol": 0.0}, "tol"),
        ({"device": "gpu7"}, "device"),
        ({"atoms": "sentences"}, "atoms"),
        ({"solver": "cd"}, "solver"),
    ]:
        with pytest.raises(ParameterError) as info:
            decompose(store, "cold", limit=1, **kwargs)
        assert info.value.name == name and "--" not in str(info.value)
    assert "--" not in " ".join(decompose(store, "cold", sparsity=Alpha(2.0), limit=1).notes)


@pytest.mark.parametrize("normalize", [True, False])
def test_max_terms_is_the_best_three_term_point_of_the_lasso_path(store, normalize):
    """Occurrence atoms, K = 3: each answer reconstructs its query at least as well as the best ≤ 3-term
    point of scikit-learn's lars_path(method="lasso", positive=True) on the same (unit or raw) vectors."""
    from sklearn.linear_model import lars_path

    res = decompose(store, "cold", atoms="occurrences", sparsity=MaxTerms(3), normalize=normalize, limit=6)
    assert res.normalized is normalize and res.to_dict()["normalized"] is normalize
    allowed = store.tokens != "cold"
    allowed &= store.tokens != "."
    atoms = np.concatenate([b for _, b in store.iter_blocks()])[allowed].astype(np.float32).astype(np.float64)
    if normalize:
        atoms /= np.linalg.norm(atoms, axis=1, keepdims=True)
    for i, row in enumerate(res.rows):
        y = store.get_vectors(np.array([row]))[0].astype(np.float64)
        y = y / np.linalg.norm(y) if normalize else y
        _, _, path = lars_path(atoms.T, y, method="lasso", positive=True)
        fits = [atoms.T @ path[:, j] for j in range(path.shape[1]) if 0 < (path[:, j] != 0).sum() <= 3]
        best = max(float(y @ f / (np.linalg.norm(y) * np.linalg.norm(f))) for f in fits)
        assert res.cosine[i] >= best - 1e-6
        assert 1 <= res.n_terms[i] <= 3
