"""word_shift / rank_shift on small stores with metadata: planted change found, no change not, bad input refused."""

import json

import numpy as np
import pyarrow as pa
import pytest

from ctxvec.cli import main
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.shift import rank_shift, slice_sides, store_sides, word_shift

DIM = 16


def _corpus(seed=0, n_sent=120, change=True):
    """Sentences of 'bank'/'banks' + filler words; before 1900 'bank' is a river bank (direction 0),
    after it mostly money (direction 1) when `change`; 'tree' never changes."""
    rng = np.random.default_rng(seed)
    sentences, tokens, sids, vecs, years = [], [], [], [], []
    base = {w: rng.normal(size=DIM) for w in ["bank", "tree", "the", "river", "money"]}
    sense = [np.eye(DIM)[0] * 3, np.eye(DIM)[1] * 3]
    for s in range(n_sent):
        year = 1800 + (s * 200) // n_sent
        words = ["the", "banks" if s % 3 == 0 else "bank", "tree", "river" if year < 1900 else "money"]
        sentences.append(" ".join(words))
        years.append(year)
        for w in words:
            v = base.get(w, base["bank"]) + rng.normal(size=DIM) * 0.5
            if w in ("bank", "banks"):
                late = year >= 1900 and change
                v = v + sense[1 if (late and rng.random() < 0.8) else (rng.random() < 0.2)]
            if w == "tree":
                v = v + sense[int(rng.random() < 0.5)]  # polysemous, unchanged
            tokens.append(w)
            sids.append(s)
            vecs.append(v)
    meta = pa.table({"year": pa.array(years, pa.int64())})
    return np.asarray(vecs, np.float32), tokens, sids, sentences, meta


@pytest.fixture
def shift_store(make_store):
    vecs, tokens, sids, sentences, meta = _corpus()
    return make_store(vecs, tokens, sids, sentences, meta=meta, dtype="float32")


def test_word_shift_finds_the_planted_change_and_not_the_polysemy(shift_store):
    a, b = slice_sides(shift_store, "year < 1900", "year >= 1900")
    bank = word_shift(a, b, "banks", permutations=199, bootstrap=200, wordnet=False)
    tree = word_shift(a, b, "tree", permutations=199, bootstrap=200, wordnet=False)
    assert bank.word == "bank" and sorted(bank.words_a) == ["bank", "banks"]  # the lemma: both forms
    assert bank.n_a == bank.n_b == 60
    assert bank.measures["excess"].p_value < 0.01 and tree.measures["excess"].p_value > 0.01
    assert bank.measures["excess"].value > 5 * max(tree.measures["excess"].value, 1e-3)
    assert tree.measures["apd"].value > 0.1  # APD sees the polysemy of 'tree'
    assert bank.measures["jsd"].value > 0.2 and bank.measures["jsd"].p_value < 0.01
    shares = sorted((s.share_a, s.share_b) for s in bank.senses)
    assert len(bank.senses) == 2 and shares[0][0] < 0.3 and shares[0][1] > 0.6
    assert all(s.examples_a and s.examples_b for s in bank.senses)
    assert all("year" not in o.sentence for s in bank.senses for o in s.examples_a)
    d = bank.to_dict()
    assert json.loads(json.dumps(d)) == d and len(d["points"]) == 120
    forms = word_shift(a, b, "banks", forms=True, permutations=99, bootstrap=50, wordnet=False)
    assert forms.n_a == 20 and forms.words_a == ["banks"]


def test_rank_shift_puts_the_changed_word_first_with_bh_q_values(shift_store):
    a, b = slice_sides(shift_store, "year < 1900", "year >= 1900")
    r = rank_shift(a, b, min_count=10, permutations=199)
    words = [w.word for w in r.words]
    assert words[0] == "bank" and set(words) == {"bank", "tree", "the"}  # river/money are one-sided
    assert r.words[0].q_value <= 3 * r.words[0].p_value and r.words[0].q_value < 0.05
    assert all(w.q_value >= w.p_value for w in r.words)
    assert r.to_dict()["correction"] == "Benjamini-Hochberg"
    j = rank_shift(a, b, min_count=10, permutations=99, measure="jsd")
    assert j.words[0].word == "bank" and j.words[0].jsd is not None


def test_bad_input_is_one_line(shift_store, make_store):
    with pytest.raises(CtxvecError, match="leaves no sentence"):
        slice_sides(shift_store, "year < 1700", "year >= 1900")
    with pytest.raises(ParameterError, match="no metadata column 'decade'"):
        slice_sides(shift_store, "decade < 1900", "year >= 1900")
    with pytest.raises(ParameterError, match="share 60 sentence") as e:
        slice_sides(shift_store, "year < 1900", "year >= 1800")
    assert e.value.name == "vs"
    a, b = slice_sides(shift_store, "year < 1900", "year >= 1900")
    with pytest.raises(CtxvecError, match="'money' occurs 0 time"):
        word_shift(a, b, "money", wordnet=False)
    with pytest.raises(ParameterError, match="max_per_side"):
        word_shift(a, b, "bank", max_per_side=1)
    with pytest.raises(ParameterError, match="'document': 1 document.*both sides") as e:
        word_shift(a, b, "bank", block="document", wordnet=False)  # write_store put every sentence in document 0
    assert e.value.name == "block"
    vecs, tokens, sids, sentences, meta = _corpus(1)
    other = make_store(vecs[:, :8], tokens, sids, sentences, meta=meta, dtype="float32")
    with pytest.raises(CtxvecError, match="not in one vector space.*dim 16 vs 8"):
        store_sides(shift_store, other)


def test_two_stores_as_sides(make_store):
    v1, t1, s1, x1, _ = _corpus(0, change=False)
    v2, t2, s2, x2, _ = _corpus(3, change=True)
    a, b = make_store(v1[: len(v1) // 2], t1[: len(v1) // 2], s1[: len(v1) // 2], x1[:60]), None
    v2h = len(v2) // 2
    b = make_store(v2[v2h:], t2[v2h:], np.asarray(s2[v2h:]) - 60, x2[60:])
    sa, sb = store_sides(a, b)
    r = word_shift(sa, sb, "bank", permutations=99, bootstrap=50, wordnet=False)
    assert r.measures["excess"].p_value < 0.05


def test_cli_shift_json_is_to_dict_and_errors_exit_2(shift_store, capsys):
    path = str(shift_store.path)
    opts = ["--where", "year < 1900", "--vs", "year >= 1900", "--permutations", "99"]
    args = ["shift", path, *opts]
    assert main(["shift", path, "bank", *opts, "--bootstrap", "50", "--no-wordnet", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    a, b = slice_sides(shift_store, "year < 1900", "year >= 1900")
    want = word_shift(a, b, "bank", permutations=99, bootstrap=50, wordnet=False).to_dict()
    assert out["words"][0] == json.loads(json.dumps(want)) and out["figures"] == []
    assert main([*args, "bank", "--bootstrap", "50", "--no-wordnet", "--json"]) == 0  # words after the options
    assert json.loads(capsys.readouterr().out)["words"][0] == out["words"][0]
    assert main([*args, "--min-count", "10", "--json"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    assert ranked["words"][0]["word"] == "bank"
    assert main(["shift", path, "bank", *opts, "--no-wordnet"]) == 0
    text = capsys.readouterr().out
    assert "excess" in text and "year < 1900" in text
    for bad, msg in [
        (["shift", path, "--where", "decade < 3", "--vs", "year > 1"], "no metadata column 'decade'"),
        (["shift", path, "--where", "year < 1700", "--vs", "year >= 1900"], "leaves no sentence"),
        (["shift", path, "--where", "year < 1900"], "--vs"),
        (["shift", path, path, "--where", "year < 1900", "--vs", "year > 1"], "one store"),
    ]:
        assert main(bad) == 2
        err = capsys.readouterr().err
        assert msg in err and err.count("\n") == 1, err


def test_where_restricts_similar_senses_and_plot(shift_store, tmp_path, capsys):
    from ctxvec.neighbours import similar
    from ctxvec.structure import project_words, word_senses

    late = similar(shift_store, "bank", k=5, where="year >= 1900", limit=3, backend="exact")
    years = shift_store.sentences.column("year").to_numpy()
    hits = late.rows[late.rows >= 0]
    assert len(hits) == 15 and (years[shift_store.sentence_ids[hits]] >= 1900).all()
    everywhere = similar(shift_store, "bank", k=5, limit=3, backend="exact")
    assert (years[shift_store.sentence_ids[everywhere.rows[everywhere.rows >= 0]]] < 1900).any()
    s = word_senses(shift_store, "bank", where="year < 1900", wordnet=False)
    assert s.n_total == 40 and (years[shift_store.sentence_ids[s.rows]] < 1900).all()
    proj = project_words(shift_store, ["bank", "tree"], where="year < 1900")
    assert len(proj.rows) == 100 and (years[shift_store.sentence_ids[proj.rows]] < 1900).all()
    path = str(shift_store.path)
    assert main(["similar", path, "bank", "--where", "year >= 1900", "--limit", "1", "--json"]) == 0
    assert main(["senses", path, "bank", "--where", "year >= 1900", "--no-wordnet", "--json"]) == 0
    out = str(tmp_path / "p.png")
    assert main(["plot", path, "bank", "--where", "year >= 1900", "-o", out, "--json"]) == 0
    capsys.readouterr()
    assert main(["similar", path, "bank", "--where", "year > 3000"]) == 2
    assert "leaves no sentence" in capsys.readouterr().err


def test_figure_for_papers(shift_store, tmp_path, capsys):
    path = str(shift_store.path)
    out = tmp_path / "shift_bank.png"
    opts = ["--where", "year < 1900", "--vs", "year >= 1900", "--permutations", "50", "--bootstrap", "50"]
    assert main(["shift", path, "bank", *opts, "--no-wordnet", "-o", str(out), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["figures"] == [str(out)] and out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    assert Image.open(out).size == (1400, 600)
    assert main(["shift", path, "bank", *opts, "-o", str(tmp_path / "x.txt")]) == 2
    assert "use a .png, .svg or .pdf" in capsys.readouterr().err
