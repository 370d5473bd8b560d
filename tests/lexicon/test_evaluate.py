"""Benchmarks: ctxvec's numbers equal gensim's on the same vectors (exported, loaded in gensim)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.test.utils import datapath

from ctxvec.cli import main
from ctxvec.errors import CtxvecError
from ctxvec.lexicon import (
    GensimVocab,
    answer_analogies,
    benchmark_words,
    evaluate,
    evaluate_analogies,
    evaluate_pairs,
    export_word2vec,
    parse_tasks,
    read_analogies,
    read_pairs,
    word_types,
)
from ctxvec.store import Store, write_store

DIM = 32


def planted_vectors(seed: int = 0) -> dict[str, np.ndarray]:
    """Vectors for the benchmark words where many analogies hold (b = a + section offset + noise)
    and word-pair cosines follow the human scores (noise shrinking with the score)."""
    rng = np.random.default_rng(seed)
    vec: dict[str, np.ndarray] = {}
    for _, questions in read_analogies(datapath("questions-words.txt")):
        offset = rng.normal(size=DIM)
        for a, b, c, d in questions:
            for x, y in ((a.lower(), b.lower()), (c.lower(), d.lower())):
                if x not in vec:
                    vec[x] = rng.normal(size=DIM)
                if y not in vec:
                    vec[y] = vec[x] + offset + rng.normal(size=DIM) * 0.6
    for name in ("wordsim353.tsv", "simlex999.txt"):
        for a, b, score in read_pairs(datapath(name)):
            a, b = a.lower(), b.lower()
            if a not in vec:
                vec[a] = rng.normal(size=DIM)
            if b not in vec:
                vec[b] = vec[a] + rng.normal(size=DIM) * (11 - score) / 4
    return vec


@pytest.fixture(scope="module")
def bench_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store holding 90% of the benchmark words, 1-5 noisy occurrences each, some capitalised."""
    rng = np.random.default_rng(1)
    vec = planted_vectors()
    words = [w for i, w in enumerate(sorted(vec)) if i % 10 != 3]  # every tenth word missing
    tokens, sids, sentences, rows = [], [], [], []
    for i, w in enumerate(words):
        n = 1 + (i * 7) % 5
        tok = w.capitalize() if i % 4 == 0 else w
        sentences.append(" ".join([tok] * n))
        for _ in range(n):
            tokens.append(tok)
            sids.append(i)
            rows.append(vec[w] + rng.normal(size=DIM) * 0.1)
    path = tmp_path_factory.mktemp("bench") / "bench.store"
    return write_store(path, np.asarray(rows, dtype=np.float32), tokens, sids, sentences, dtype="float32")


@pytest.fixture(scope="module")
def gensim_kv(bench_store: Store, tmp_path_factory: pytest.TempPathFactory) -> KeyedVectors:
    path = tmp_path_factory.mktemp("w2v") / "types.txt"
    export_word2vec(word_types(bench_store), path)
    return KeyedVectors.load_word2vec_format(str(path))


@pytest.mark.parametrize("restrict", [300000, 600])
def test_analogy_accuracy_equals_gensim(bench_store: Store, gensim_kv: KeyedVectors, restrict: int) -> None:
    ours = evaluate_analogies(word_types(bench_store), restrict_vocab=restrict)
    score, sections = gensim_kv.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=restrict)
    assert [s.name for s in ours.sections] == [s["section"] for s in sections[:-1]]
    for mine, theirs in zip(ours.sections, sections[:-1], strict=True):
        assert mine.correct == len(theirs["correct"]), mine.name
        assert mine.answered == len(theirs["correct"]) + len(theirs["incorrect"]), mine.name
    assert ours.accuracy == pytest.approx(score, abs=1e-12)
    # a meaningful check: many questions answered, some right, some wrong, some skipped
    assert ours.answered > 5000 if restrict > 1000 else ours.answered > 20
    assert 0.1 < ours.accuracy < 0.99
    assert ours.skipped > 0


def test_skipped_counts_cover_every_question(bench_store: Store) -> None:
    ours = evaluate_analogies(word_types(bench_store))
    sizes = [len(q) for _, q in read_analogies(datapath("questions-words.txt"))]
    assert [s.answered + s.skipped for s in ours.sections] == sizes
    assert sum(sizes) == 19544
    # a skipped question has a word the store lacks; the unknown list names such words
    assert ours.unknown and all(w.lower() == w for w in ours.unknown)
    vocab = set(bench_store.vocabulary.tolist())
    assert not any(w in vocab for w in ours.unknown)


@pytest.mark.parametrize("name", ["ws353", "simlex"])
def test_similarity_spearman_equals_gensim(bench_store: Store, gensim_kv: KeyedVectors, name: str) -> None:
    ours = evaluate_pairs(word_types(bench_store), name=name)
    file = {"ws353": "wordsim353.tsv", "simlex": "simlex999.txt"}[name]
    pearson, spearman, oov_ratio = gensim_kv.evaluate_word_pairs(datapath(file))
    assert ours.spearman == pytest.approx(spearman.statistic, abs=1e-12)
    assert ours.pearson == pytest.approx(pearson.statistic, abs=1e-6)
    assert 100 * ours.skipped / (ours.pairs + ours.skipped) == pytest.approx(oov_ratio)
    assert ours.skipped > 0 and ours.spearman > 0.3  # planted: cosine follows the human score


def test_words_match_case_insensitively(bench_store: Store) -> None:
    types = word_types(bench_store)
    vocab = GensimVocab.of(types)
    capitalised = [str(t) for t in bench_store.tokens if str(t) != str(t).lower()]
    assert len(capitalised) > 100
    for token in capitalised[:50]:  # stored as "Athens", found from "athens", "ATHENS" and "Athens"
        for form in (token, token.lower(), token.upper()):
            assert str(vocab.words[vocab.lookup[form.upper()]]) == token.lower()


def test_upper_case_variants_follow_gensim(tmp_path: Path) -> None:
    """Two types with one upper-case form ("it" and dotless "ıt" -> "IT"): gensim keeps the more frequent."""
    rng = np.random.default_rng(3)
    words = ["it", "ıt", "road", "way", "path", "lane"]
    counts = [1, 3, 2, 2, 2, 2]
    tokens = [w for w, c in zip(words, counts, strict=True) for _ in range(c)]
    vecs = rng.normal(size=(len(tokens), 8)).astype(np.float32)
    store = write_store(tmp_path / "s.store", vecs, tokens, np.arange(len(tokens)), tokens, dtype="float32")
    types = word_types(store)
    vocab = GensimVocab.of(types)
    assert str(vocab.words[vocab.lookup["IT"]]) == "ıt"
    export_word2vec(types, tmp_path / "w.txt")
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "w.txt"))
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text("it\troad\t5\nway\tpath\t7\nlane\troad\t2\nIT\tlane\t1\nway\tlane\t3\n")
    ours = evaluate_pairs(types, pairs)
    assert ours.spearman == pytest.approx(kv.evaluate_word_pairs(str(pairs))[1].statistic, abs=1e-12)
    # analogies: the rarer variant "it" sits exactly on the answer of "way : road :: IT : ?" and is
    # excluded there as an input (gensim skips any answer whose upper case is an input)
    target = types.vectors[types.index("road")] - types.vectors[types.index("way")] + types.vectors[types.index("ıt")]
    types.vectors[types.index("it")] = target
    export_word2vec(types, tmp_path / "w2.txt")
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "w2.txt"))
    questions = tmp_path / "q.txt"
    questions.write_text(": s\nway road IT path\nway road it lane\nroad way lane it\n: t\npath lane way road\n")
    _, sections = kv.evaluate_word_analogies(str(questions))
    ours_q = evaluate_analogies(types, questions)
    assert [s.correct for s in ours_q.sections] == [len(x["correct"]) for x in sections[:-1]]
    assert [s.answered for s in ours_q.sections] == [len(x["correct"]) + len(x["incorrect"]) for x in sections[:-1]]
    vocab = GensimVocab.of(types)
    first = answer_analogies(vocab, np.asarray([[vocab.lookup[w] for w in ("WAY", "ROAD", "IT")]]))[0]
    assert str(vocab.words[first]) not in ("it", "ıt", "way", "road")


def test_cosmul_answers_equal_gensim_most_similar_cosmul(bench_store: Store, gensim_kv: KeyedVectors) -> None:
    types = word_types(bench_store)
    vocab = GensimVocab.of(types)
    quads = [q for _, qs in read_analogies(datapath("questions-words.txt")) for q in qs[::97]]
    quads = [q for q in quads if all(w.upper() in vocab.lookup for w in q)]
    assert len(quads) > 50
    idx = np.asarray([[vocab.lookup[w.upper()] for w in q[:3]] for q in quads])
    predicted = answer_analogies(vocab, idx, method="mul", epsilon=1e-6)
    for (a, b, c, _), p in zip(quads, predicted, strict=True):
        want = gensim_kv.most_similar_cosmul(positive=[b.lower(), c.lower()], negative=[a.lower()], topn=1)[0][0]
        assert str(vocab.words[p]) == want


def test_cosmul_evaluation_differs_from_cosadd_but_is_sane(bench_store: Store) -> None:
    types = word_types(bench_store)
    add = evaluate_analogies(types, method="add")
    mul = evaluate_analogies(types, method="mul")
    assert mul.answered == add.answered and mul.skipped == add.skipped
    assert 0.1 < mul.accuracy < 0.99


def test_chunking_does_not_change_answers(bench_store: Store) -> None:
    types = word_types(bench_store)
    a = evaluate_analogies(types, chunk=7)
    b = evaluate_analogies(types, chunk=4096)
    assert [s.correct for s in a.sections] == [s.correct for s in b.sections]


def test_evaluate_runs_chosen_tasks_and_reports_times(bench_store: Store) -> None:
    res = evaluate(bench_store, tasks=["analogy", "simlex"])
    assert res.analogy is not None and res.simlex is not None
    assert res.ws353 is None and res.wic is None
    assert set(res.seconds) == {"types", "analogy", "simlex"}
    d = json.loads(json.dumps(res.to_dict()))
    assert set(d) == {"analogy", "simlex", "seconds"}
    assert d["analogy"]["answered"] == res.analogy.answered


def test_parse_tasks() -> None:
    assert parse_tasks(None) == ["analogy", "ws353", "simlex", "wic"]
    assert parse_tasks(["ws353,simlex", "ws353"]) == ["ws353", "simlex"]
    with pytest.raises(CtxvecError, match="unknown task 'wsim'"):
        parse_tasks("wsim")


def test_benchmark_words() -> None:
    words = benchmark_words()
    assert {"king", "queen", "tiger", "smart", "athens"} <= set(words)
    assert words == sorted(set(words))


def test_cli_evaluate_json_and_table(bench_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(bench_store.path), "--task", "analogy", "ws353", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["analogy"]["skipped"] > 0 and len(out["analogy"]["sections"]) == 14
    assert out["ws353"]["pairs"] + out["ws353"]["skipped"] == 353
    assert main(["evaluate", str(bench_store.path), "--task", "simlex", "analogy", "--sections"]) == 0
    text = capsys.readouterr().out
    assert "SimLex-999" in text and "capital-world" in text and "Google analogy" in text


def test_cli_evaluate_bad_task(bench_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(bench_store.path), "--task", "nope"]) == 2
    assert "unknown task 'nope' in --task" in capsys.readouterr().err  # the library's `tasks`, named as the flag
    with pytest.raises(SystemExit, match="2"):  # refused by the parser (cli/_types.py), one line
        main(["evaluate", str(bench_store.path), "--task", "wic", "--wic-pairs", "2"])
    assert "argument --wic-pairs: must be an integer from 4" in capsys.readouterr().err


def test_pairs_with_too_few_known_words_give_nan(random_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    res = evaluate_pairs(word_types(random_store), name="ws353")
    assert np.isnan(res.spearman) and res.pairs == 0 and res.skipped == 353
    assert res.to_dict()["spearman"] is None
    assert main(["evaluate", str(random_store.path), "--task", "ws353", "analogy", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ws353"]["spearman"] is None and out["analogy"]["answered"] == 0


def test_excluding_input_forms_leaves_gensims_protocol_on_request(bench_store: Store) -> None:
    from ctxvec.lexicon import lemma_analyses
    from ctxvec.lexicon._evaluate import _input_forms

    types = word_types(bench_store)
    plain = evaluate_analogies(types)
    lemma = evaluate_analogies(types, exclude_forms=True)
    assert not plain.to_dict()["exclude_forms"] and lemma.to_dict()["exclude_forms"]
    assert [s.answered for s in lemma.sections] == [s.answered for s in plain.sections]
    by_name = {s.name: (s, t) for s, t in zip(plain.sections, lemma.sections, strict=True)}
    gensim_plural, ours_plural = by_name["gram8-plural"]  # the answer (birds) is a form of an input (bird)
    assert gensim_plural.correct > 0 and ours_plural.correct == 0
    # every answer under the lemma protocol is no form of its inputs; the expected plural is one
    vocab = GensimVocab.of(types)
    section = dict(read_analogies(datapath("questions-words.txt")))["gram8-plural"]
    quads = [q for q in section if all(w.upper() in vocab.lookup for w in q)][:50]
    questions = np.asarray([[vocab.lookup[w.upper()] for w in q[:3]] for q in quads])
    forms = _input_forms(vocab, questions)
    answers = answer_analogies(vocab, questions, forms=forms)
    for quad, answer in zip(quads, answers, strict=True):
        bases = {b for w in quad[:3] for b in lemma_analyses(w)}
        assert bases.isdisjoint(lemma_analyses(str(vocab.words[answer])))
        assert vocab.lookup[quad[3].upper()] in forms[vocab.lookup[quad[2].upper()]].tolist()
