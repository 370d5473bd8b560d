"""Analogies: 3CosAdd ranks like gensim, 3CosMul follows Levy & Goldberg, inputs excluded, both levels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.lexicon import (
    WordTypes,
    analogy,
    combine,
    export_word2vec,
    occurrence_analogy,
    parse_occurrence_input,
    type_analogy,
    word_types,
)
from ctxvec.store import Store

WORDS = ["king", "queen", "man", "woman", "prince", "princess", "boy", "girl", "paris", "france", "rome", "italy"]
WORDS += [f"w{i}" for i in range(40)]


@pytest.fixture
def royal_store(make_store) -> Store:
    """Each word 2-4 times in sentences "the WORD here"; queen = king − man + woman (+ noise), with a
    small gender offset, so the input "king" itself also lies close to that target (as in the blog)."""
    rng = np.random.default_rng(0)
    base = {w: rng.normal(size=24) for w in WORDS}
    gender = rng.normal(size=24) * 0.3
    base["woman"] = base["man"] + gender
    base["queen"] = base["king"] + gender + rng.normal(size=24) * 0.2
    base["girl"] = base["boy"] + gender + rng.normal(size=24) * 0.2
    base["princess"] = base["prince"] + gender + rng.normal(size=24) * 0.2
    tokens, sids, sentences, vecs = [], [], [], []
    for w in WORDS:
        for _ in range(2 + len(w) % 3):
            sid = len(sentences)
            sentences.append(f"the {w} here")
            for t in ("the", w, "here"):
                tokens.append(t)
                sids.append(sid)
                vecs.append(base.get(t, np.zeros(24)) + rng.normal(size=24) * 0.05)
    vecs = np.asarray(vecs, dtype=np.float32)
    vecs[[i for i, t in enumerate(tokens) if t in ("the", "here")]] = rng.normal(size=(2 * len(sentences), 24)) * 0.1
    return make_store(vecs, tokens, sids, sentences, dtype="float32")


def test_king_man_woman_gives_queen(royal_store: Store) -> None:
    res = analogy(royal_store, ["king", "woman"], ["man"], k=5)
    assert res.words[0] == "queen"
    assert not {"king", "man", "woman"} & set(res.words.tolist())
    assert np.all(np.diff(res.scores) <= 0) and np.all(res.rows == -1)


def test_include_inputs_returns_the_inputs(royal_store: Store) -> None:
    res = analogy(royal_store, ["king", "woman"], ["man"], k=5, include_inputs=True)
    assert {"king", "woman"} & set(res.words.tolist())
    assert "queen" in res.words.tolist()


def test_3cosadd_ranks_like_gensim_most_similar(royal_store: Store, tmp_path: Path) -> None:
    types = word_types(royal_store)
    export_word2vec(types, tmp_path / "w.txt")
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "w.txt"))
    rng = np.random.default_rng(1)
    for _ in range(20):
        a, b, c = rng.choice(WORDS, size=3, replace=False)
        ours = type_analogy(types, [b, c], [a], k=5)
        theirs = kv.most_similar(positive=[b, c], negative=[a], topn=5)
        assert ours.words.tolist() == [w for w, _ in theirs]
        # score = cos(x, b̂ − â + ĉ): Levy & Goldberg's 3CosAdd divided by |b̂ − â + ĉ|, gensim's own score
        np.testing.assert_allclose(ours.scores, [s for _, s in theirs], atol=1e-5)
        unit = types.unit_vectors()
        x = unit[types.index(ours.words[0])]
        v = unit[types.index(b)] - unit[types.index(a)] + unit[types.index(c)]
        want = x @ unit[types.index(b)] - x @ unit[types.index(a)] + x @ unit[types.index(c)]
        assert ours.scores[0] == pytest.approx(want / np.linalg.norm(v), abs=1e-5)


def test_3cosmul_follows_the_paper(royal_store: Store, tmp_path: Path) -> None:
    """argmax cos'(x, b)·cos'(x, c) / (cos'(x, a) + ε), cos' = (1 + cos) / 2, ε = 0.001."""
    types = word_types(royal_store)
    unit = types.unit_vectors()
    a, b, c = (types.index(w) for w in ("man", "king", "woman"))
    shifted = (1 + unit @ unit.T) / 2
    paper = shifted[:, b] * shifted[:, c] / (shifted[:, a] + 0.001)
    paper[[a, b, c]] = -np.inf
    want = np.argsort(-paper, kind="stable")[:5]
    res = type_analogy(types, ["king", "woman"], ["man"], k=5, method="mul")
    assert res.words.tolist() == types.words[want].tolist()
    np.testing.assert_allclose(res.scores, paper[want], rtol=1e-5)
    assert res.words[0] == "queen"
    # with gensim's epsilon the order equals most_similar_cosmul
    export_word2vec(types, tmp_path / "w.txt")
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "w.txt"))
    ours = type_analogy(types, ["king", "woman"], ["man"], k=5, method="mul", epsilon=1e-6)
    assert ours.words.tolist() == [
        w for w, _ in kv.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=5)
    ]


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(3, 30), st.just(5)), elements=st.floats(-1, 1)),
    st.sampled_from(["add", "mul"]),
)
def test_one_positive_input_ranks_by_cosine(cos_all: np.ndarray, method: str) -> None:
    """With a single positive word and no negative, both methods order candidates by cosine
    (scores are a non-decreasing function of the cosine)."""
    cos = cos_all[:, :1]
    scores = combine(cos, np.zeros((len(cos), 0)), method)
    by_cos = np.argsort(-cos[:, 0], kind="stable")
    assert np.all(np.diff(scores[by_cos]) <= 0)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 20), st.integers(1, 4)), elements=st.floats(-1, 1)))
def test_3cosmul_scores_are_positive_and_finite(cos: np.ndarray) -> None:
    scores = combine(cos[:, :2], cos[:, 2:], "mul")
    assert np.all(np.isfinite(scores)) and np.all(scores >= 0)


def test_general_positive_negative_lists(royal_store: Store) -> None:
    types = word_types(royal_store)
    res = type_analogy(types, ["princess", "boy"], ["prince"], k=3)
    assert res.words[0] == "girl"
    one = type_analogy(types, ["paris"], [], k=3)
    unit = types.unit_vectors()
    cos = unit @ unit[types.index("paris")]
    cos[types.index("paris")] = -np.inf
    assert one.words.tolist() == types.words[np.argsort(-cos)[:3]].tolist()


def test_unknown_words_named_with_suggestions(royal_store: Store) -> None:
    with pytest.raises(CtxvecError) as e:
        analogy(royal_store, ["kinng", "woman"], ["mann"])
    msg = str(e.value)
    assert "'kinng' (closest: king" in msg and "'mann' (closest: man" in msg


def test_bad_arguments(royal_store: Store) -> None:
    with pytest.raises(CtxvecError, match="unknown analogy method 'sum'"):
        analogy(royal_store, ["king"], method="sum")
    with pytest.raises(CtxvecError, match="at least one positive"):
        analogy(royal_store, [], ["man"])
    with pytest.raises(ParameterError, match="k must be at least 1") as e:
        analogy(royal_store, ["king"], k=0)
    assert e.value.name == "k"
    with pytest.raises(ParameterError, match="unknown analogy level 'type'") as e:
        analogy(royal_store, ["king"], level="type")
    assert e.value.name == "level"


def test_min_count_limits_candidates(royal_store: Store) -> None:
    types = word_types(royal_store, min_count=4)
    assert set(types.counts.tolist()) == {4, 137}  # words with 4 occurrences, and "the" and "here"
    res = analogy(royal_store, ["w1"], k=50, min_count=4)
    assert all(royal_store.word_counts[royal_store.word_id(w)] >= 4 for w in res.words)


def _brute_occurrences(store: Store, inputs: list[int], n_pos: int, method: str) -> np.ndarray:
    v = store.get_vectors(slice(0, store.n_rows)).astype(np.float64)
    unit = v / np.linalg.norm(v, axis=1, keepdims=True)
    cos = unit @ unit[inputs].T
    return combine(cos[:, :n_pos], cos[:, n_pos:], method)


def _offset_norm(store: Store, inputs: list[int], n_pos: int) -> float:
    v = store.get_vectors(inputs).astype(np.float64)
    unit = v / np.linalg.norm(v, axis=1, keepdims=True)
    return float(np.linalg.norm(unit[:n_pos].sum(axis=0) - unit[n_pos:].sum(axis=0)))


@pytest.mark.parametrize("method", ["add", "mul"])
def test_occurrence_level_matches_brute_force(royal_store: Store, method: str) -> None:
    res = occurrence_analogy(
        royal_store, ["king", "woman"], ["man"], k=6, method=method, block_rows=17, group_words=False
    )
    first = [int(royal_store.occurrences(w)[0]) for w in ("king", "woman", "man")]
    assert res.input_rows == first
    scores = _brute_occurrences(royal_store, first, 2, method)
    inputs = np.isin(royal_store.word_ids, [royal_store.word_id(w) for w in ("king", "woman", "man")])
    scores[inputs] = -np.inf
    want = np.argsort(-scores, kind="stable")[:6]
    assert res.rows.tolist() == want.tolist()
    np.testing.assert_allclose(
        res.scores, scores[want] / (_offset_norm(royal_store, first, 2) if method == "add" else 1), rtol=1e-4
    )
    assert res.words[0] == "queen"
    assert [str(royal_store.tokens[r]) for r in res.rows] == res.words.tolist()


def test_occurrence_level_include_inputs_gives_the_blogs_answer(royal_store: Store) -> None:
    res = occurrence_analogy(royal_store, ["king", "woman"], ["man"], k=5, include_inputs=True)
    assert "king" in res.words.tolist()  # king's occurrences come back, as in the blog's answer
    assert "king" not in occurrence_analogy(royal_store, ["king", "woman"], ["man"], k=5).words.tolist()


def test_occurrence_inputs_by_row(royal_store: Store) -> None:
    row = int(royal_store.occurrences("king")[1])
    res = analogy(royal_store, [f"king@{row}", "woman"], ["man"], k=3, level="occurrences")
    assert res.input_rows[0] == row
    with pytest.raises(CtxvecError, match="not 'queen'"):
        analogy(royal_store, [f"queen@{row}"], level="occurrences")
    assert parse_occurrence_input("king@ the king is here ") == ("king", None, "the king is here")
    assert parse_occurrence_input("king@12") == ("king", 12, None)
    with pytest.raises(CtxvecError, match="bad occurrence input"):
        parse_occurrence_input("king@")


def test_type_vectors_used_are_word_means(royal_store: Store) -> None:
    types = word_types(royal_store)
    rows = royal_store.occurrences("queen")
    np.testing.assert_allclose(types.vectors[types.index("queen")], royal_store.get_vectors(rows).mean(0), rtol=1e-6)


def test_cli_analogy_json(royal_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analogy", str(royal_store.path), "king", "man", "woman", "-k", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["answers"][0]["word"] == "queen" and len(out["answers"]) == 3
    assert set(out["answers"][0]) == {"word", "score", "cosine"}
    assert out["positive"] == ["king", "woman"] and out["negative"] == ["man"]


def test_cli_analogy_table_and_occurrences(royal_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analogy", str(royal_store.path), "king", "man", "woman", "--method", "mul"]) == 0
    assert "queen" in capsys.readouterr().out
    assert (
        main(
            [
                "analogy",
                str(royal_store.path),
                "--positive",
                "king",
                "woman",
                "--negative",
                "man",
                "--level",
                "occurrence",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["answers"][0]["sentence"] == "the queen here" and out["answers"][0]["row"] >= 0
    assert out["level"] == "occurrences"
    assert main(["analogy", str(royal_store.path), "king", "man", "woman", "--level", "occurrences"]) == 0
    assert "the queen here" in capsys.readouterr().out
    assert main(["analogy", str(royal_store.path), "king", "man", "woman", "--level", "occurrence", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["level"] == "occurrences"  # the old singular spelling still works
    with pytest.raises(SystemExit):  # argparse rejects it, as any bad choice
        main(["analogy", str(royal_store.path), "king", "man", "woman", "--level", "rows"])
    assert "invalid choice: 'rows'" in capsys.readouterr().err


def test_cli_analogy_errors(royal_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analogy", str(royal_store.path), "king", "man"]) == 2
    assert "give three words" in capsys.readouterr().err
    assert main(["analogy", str(royal_store.path), "kingg", "man", "woman"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ctxvec: error: unknown word 'kingg' (closest: king") and err.count("\n") == 1
    with pytest.raises(SystemExit, match="2"):  # refused by the parser (cli/_types.py), one line
        main(["analogy", str(royal_store.path), "king", "man", "woman", "-k", "0"])
    assert "error: analogy: argument -k: must be an integer from 1" in capsys.readouterr().err


def test_type_analogy_on_plain_wordtypes() -> None:
    words = np.asarray(sorted(["a", "b", "c", "d"]), dtype=object)
    vecs = np.asarray([[1, 0], [0, 1], [1, 1], [-1, 0]], dtype=np.float32)
    res = type_analogy(WordTypes(words, np.ones(4, dtype=np.int64), vecs), ["a"], k=3)
    assert res.words.tolist() == ["c", "b", "d"]


def test_occurrence_input_in_a_new_sentence(tiny_model: Path, tmp_path: Path) -> None:
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    store = embed(
        ["the king and the queen", "a man and a woman", "the cold water"],
        tmp_path / "t.store",
        EncodeSpec(model=str(tiny_model)),
    )
    res = analogy(store, ["king@the old king was here", "woman"], ["man"], k=3, level="occurrences", device="cpu")
    assert res.input_rows[0] == -1 and res.input_rows[1] == int(store.occurrences("woman")[0])
    assert not {"king", "woman", "man"} & {w.lower() for w in res.words.tolist()}
    with pytest.raises(CtxvecError, match="is not a word of"):
        analogy(store, ["king@a queen only"], level="occurrences", device="cpu")


def test_result_to_dict_is_the_cli_json(royal_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    res = analogy(royal_store, ["king", "woman"], ["man"], k=3, level="occurrences")
    d = res.to_dict()
    assert d["level"] == "occurrences" and d["method"] == "add" and len(d["answers"]) == 3
    occ = res.occurrences[0]
    assert d["answers"][0] == {
        "word": str(res.words[0]),
        "score": float(res.scores[0]),
        "cosine": float(res.cosines[0]),
        "row": occ.row,
        "sentence_id": occ.sentence_id,
        "sentence": occ.sentence,
        "span": [occ.start, occ.end],
    }
    argv = ["analogy", str(royal_store.path), "king", "man", "woman", "-k", "3", "--level", "occurrences", "--json"]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(res.to_json())
    types = analogy(royal_store, ["king", "woman"], ["man"], k=2).to_dict()
    assert types["level"] == "types" and set(types["answers"][0]) == {"word", "score", "cosine"}


@pytest.mark.parametrize("block_rows", [None, 5])
def test_3cosadd_occurrences_exact_with_many_excluded_rows(make_store, block_rows: int | None) -> None:
    """The excluded input words fill the top of the search; the answers still equal a brute-force scan,
    ties broken by row (duplicate vectors)."""
    rng = np.random.default_rng(3)
    tokens = ["a"] * 40 + ["b"] * 30 + ["c"] * 5 + [f"x{i}" for i in range(60)]
    vecs = rng.normal(size=(len(tokens), 8)).astype(np.float32)
    vecs[:40] = vecs[0] + rng.normal(size=(40, 8)).astype(np.float32) * 0.01  # "a" rows all near the target
    vecs[100] = vecs[101] = vecs[102]  # exact ties
    store = make_store(vecs, tokens, list(range(len(tokens))), [str(t) for t in tokens], dtype="float32")
    res = occurrence_analogy(store, ["a", "b"], ["c"], k=10, block_rows=block_rows, group_words=False)
    first = [int(store.occurrences(w)[0]) for w in ("a", "b", "c")]
    scores = _brute_occurrences(store, first, 2, "add") / _offset_norm(store, first, 2)
    scores[np.isin(store.word_ids, [store.word_id(w) for w in ("a", "b", "c")])] = -np.inf
    want = np.lexsort((np.arange(len(scores)), -np.round(scores, 5)))[:10]
    assert sorted(res.rows.tolist()) == sorted(want.tolist())
    np.testing.assert_allclose(res.scores, np.sort(scores)[::-1][:10], rtol=1e-5)
    assert np.all(np.diff(res.scores) <= 0)
    cancel = occurrence_analogy(store, ["x1"], ["x1"], k=3, group_words=False)  # the inputs cancel: all score 0
    assert cancel.rows.tolist() == [0, 1, 2] and np.all(cancel.scores == 0)


@pytest.fixture
def forms_store(make_store) -> Store:
    """king / kings / queen / man / woman / river / rivers, each several times; kings sits beside king,
    so it is among the answers unless the inputs' forms are excluded."""
    rng = np.random.default_rng(4)
    base = {w: rng.normal(size=16) for w in ("king", "man", "river", "the")}
    gender = rng.normal(size=16) * 0.4
    base["woman"] = base["man"] + gender
    base["queen"] = base["king"] + gender + rng.normal(size=16) * 0.3
    base["kings"] = base["king"] + rng.normal(size=16) * 0.05
    base["rivers"] = base["river"] + rng.normal(size=16) * 0.05
    tokens, sids, sentences, vecs = [], [], [], []
    for w in ("king", "kings", "queen", "man", "woman", "river", "rivers"):
        for _ in range(5):
            sentences.append(f"the {w}")
            tokens += ["the", w]
            sids += [len(sentences) - 1] * 2
            vecs += [base["the"] + rng.normal(size=16) * 0.3, base[w] + rng.normal(size=16) * 0.05]
    return make_store(np.asarray(vecs, dtype=np.float32), tokens, sids, sentences, dtype="float32")


@pytest.mark.parametrize("level", ["types", "occurrences"])
def test_inputs_forms_are_excluded_by_default(forms_store: Store, level: str) -> None:
    kept = analogy(forms_store, ["king", "woman"], ["man"], k=3, level=level, keep_family=True)
    assert "kings" in kept.words.tolist()  # the inflection is among the answers when allowed
    res = analogy(forms_store, ["king", "woman"], ["man"], k=3, level=level)
    assert res.words[0] == "queen" and "kings" not in res.words.tolist()
    assert "kings" in res.excluded and "kings" not in kept.excluded


def test_occurrence_answers_are_grouped_by_word(forms_store: Store) -> None:
    flat = occurrence_analogy(forms_store, ["river"], k=12, group_words=False, keep_family=True)
    assert len(set(flat.words.tolist())) < len(flat)  # the same word several times
    res = occurrence_analogy(forms_store, ["river"], k=3, keep_family=True)
    assert res.grouped and len(set(res.words.tolist())) == len(res) == 3
    # each answer is its word's best occurrence, in the order of the ungrouped ranking
    seen: dict[str, int] = {}
    for w, r in zip(flat.words.tolist(), flat.rows.tolist(), strict=True):
        seen.setdefault(w, r)
    assert res.rows.tolist() == list(seen.values())[:3]
    assert res.to_dict()["grouped_by_word"] is True


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    method=st.sampled_from(["add", "mul"]),
    n_neg=st.integers(0, 2),
    group=st.booleans(),
)
def test_occurrence_scores_are_cosines(royal_store: Store, seed: int, method: str, n_neg: int, group: bool) -> None:
    rng = np.random.default_rng(seed)
    words = [str(w) for w in rng.choice(WORDS[:12], size=2 + n_neg, replace=False)]
    res = occurrence_analogy(royal_store, words[:2], words[2:], k=5, method=method, group_words=group)
    assert np.all(np.abs(res.cosines) <= 1.0) and len(res.cosines) == len(res)
    if method == "add":
        assert np.all(np.abs(res.scores) <= 1.0)
        np.testing.assert_array_equal(res.scores, res.cosines)
    assert np.all(np.diff(res.scores) <= 1e-6)


@pytest.fixture
def relation_store(make_store) -> Store:
    """big / bigger / small / smaller, and japan / tokyo / italy / rome / romans: bigger − big + small lands
    on smaller; japan − tokyo + rome on italy, with romans (beside rome) close behind."""
    rng = np.random.default_rng(7)
    comparative, capital = rng.normal(size=16), rng.normal(size=16)
    base = {w: rng.normal(size=16) for w in ("big", "small", "japan", "italy", "the")}
    base["bigger"] = base["big"] + comparative
    base["smaller"] = base["small"] + comparative
    base["tokyo"] = base["japan"] + capital
    base["rome"] = base["italy"] + capital
    base["romans"] = base["rome"] + rng.normal(size=16) * 0.05
    tokens, sids, sentences, vecs = [], [], [], []
    for w in ("big", "bigger", "small", "smaller", "japan", "tokyo", "italy", "rome", "romans"):
        for _ in range(3):
            sentences.append(f"the {w}")
            tokens += ["the", w]
            sids += [len(sentences) - 1] * 2
            vecs += [base["the"] + rng.normal(size=16) * 0.3, base[w] + rng.normal(size=16) * 0.02]
    return make_store(np.asarray(vecs, dtype=np.float32), tokens, sids, sentences, dtype="float32")


@pytest.mark.parametrize("level", ["types", "occurrences"])
def test_the_benchmark_convention(relation_store: Store, level: str) -> None:
    morph = analogy(relation_store, ["bigger", "small"], ["big"], k=1, level=level)
    assert morph.morphological and morph.words.tolist() == ["smaller"]  # small's form answers a morphological relation
    assert "smaller" not in morph.excluded and "bigger" in morph.excluded
    plain = analogy(relation_store, ["japan", "rome"], ["tokyo"], k=1, level=level)
    assert not plain.morphological and plain.words.tolist() == ["italy"] and "romans" in plain.excluded
    gensim = analogy(relation_store, ["japan", "rome"], ["tokyo"], k=3, level=level, keep_family=True)
    assert "romans" in gensim.words.tolist()  # gensim's protocol leaves out only the inputs
    assert "romans" not in analogy(relation_store, ["japan", "rome"], ["tokyo"], k=3, level=level).words.tolist()
    assert plain.to_dict()["morphological"] is False and morph.to_dict()["morphological"] is True


def test_analogy_exclusion_rule() -> None:
    from ctxvec.lexicon._convention import analogy_exclusion
    from ctxvec.morphology import Families

    fams = Families.of(["big", "bigger", "biggest", "small", "smaller", "smallest", "rome", "romans", "roman", "japan"])
    rule = analogy_exclusion(fams, ["bigger", "small"], ["big"])
    assert rule.morphological and {"big", "bigger", "biggest", "small"} <= rule.words
    assert not {"smaller", "smallest"} & rule.words
    rule = analogy_exclusion(fams, ["japan", "rome"], ["tokyo"])
    assert not rule.morphological and {"rome", "romans", "roman", "japan", "tokyo"} <= rule.words
    assert analogy_exclusion(fams, ["japan", "rome"], ["tokyo"], "gensim").words == {"japan", "rome", "tokyo"}


def test_evaluate_under_both_protocols(relation_store: Store, tmp_path) -> None:
    from ctxvec.lexicon import evaluate_analogies, word_types
    from ctxvec.morphology import store_families

    path = tmp_path / "questions.txt"
    path.write_text(": capital-world\ntokyo japan rome italy\n: gram-comparative\nbig bigger small smaller\n")
    types = word_types(relation_store)
    for convention in ("gensim", "family"):
        ev = evaluate_analogies(types, path, convention=convention, families=store_families(relation_store))
        assert ev.to_dict()["convention"] == convention
        assert [(s.name, s.correct, s.answered) for s in ev.sections] == [
            ("capital-world", 1, 1),
            ("gram-comparative", 1, 1),
        ]


@pytest.mark.parametrize("level", ["types", "occurrences"])
def test_an_analogy_with_nothing_left_is_one_error(make_store, level: str) -> None:
    from ctxvec.errors import CtxvecError

    tokens = ["king", "kings", "queen", "queens"]
    store = make_store(
        np.random.default_rng(1).normal(size=(4, 8)).astype(np.float32),
        tokens,
        [0, 0, 1, 1],
        ["king kings", "queen queens"],
    )
    with pytest.raises(CtxvecError, match="keep the family"):
        analogy(store, ["king", "kings"], ["queen"], k=1, level=level)  # not morphological: all families out
