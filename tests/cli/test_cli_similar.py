"""`ctxvec similar` and `ctxvec index` end to end through the CLI entry point."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ctxvec.cli import main


@pytest.fixture
def store(make_store):
    """Two senses of "cold" (weather, illness) and a few other words; 24-dim float16 vectors."""
    rng = np.random.default_rng(11)
    sentences = [
        "the cold wind blew",
        "a cold winter night",
        "i caught a cold last week",
        "she has a bad cold",
        "warm sun and hot day",
        "money in the bank",
    ] * 4
    topic = {w: rng.normal(size=24) for s in sentences for w in s.split()}
    tokens, sids, vecs = [], [], []
    for i, s in enumerate(sentences):
        ctx = rng.normal(size=24)
        for w in s.split():
            tokens.append(w)
            sids.append(i)
            vecs.append(topic[w] + 0.7 * ctx + 0.3 * rng.normal(size=24))
    return make_store(np.array(vecs, dtype=np.float16), tokens, sids, sentences)


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_pretty_output(store, capsys):
    assert main(["similar", str(store.path), "cold", "-k", "3", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "method: exact scan" in out
    assert "the cold wind blew" in out
    assert out.count("cosine") == 2  # one table per query occurrence


def test_json_output(store, capsys):
    d = run_json(capsys, "similar", str(store.path), "cold", "-k", "4")
    occ = store.occurrences("cold")
    assert [q["row"] for q in d["queries"]] == occ.tolist()
    assert d["method"].startswith("exact scan")
    for q in d["queries"]:
        assert len(q["hits"]) == 4
        assert q["row"] not in [h["row"] for h in q["hits"]]
        for h in q["hits"]:
            assert {"row", "token", "score", "sentence"} <= set(h)
            assert h["token"] == store.occurrence(h["row"]).token
            assert h["sentence"][h["start"] : h["end"]] == h["token"]
        scores = [h["score"] for h in q["hits"]]
        assert scores == sorted(scores, reverse=True)


def test_options(store, capsys):
    path = str(store.path)
    d = run_json(capsys, "similar", path, "cold", "--row", str(store.occurrences("cold")[5]), "--exclude-word")
    assert d["queries"][0]["row"] == store.occurrences("cold")[5]
    assert all(h["token"] != "cold" for h in d["queries"][0]["hits"])
    d = run_json(capsys, "similar", path, "cold", "--sentence", "2", "--distinct-sentences", "-k", "6")
    hits = d["queries"][0]["hits"]
    assert len({h["sentence_id"] for h in hits}) == 6
    d = run_json(capsys, "similar", path, "cold", "--limit", "1", "--words-only", "-k", "5")
    hits = d["queries"][0]["hits"]
    assert len({h["word"] for h in hits}) == 5
    assert hits[0]["word"] == "cold" and hits[0]["count"] >= 2
    assert main(["similar", path, "cold", "--limit", "1", "--words-only"]) == 0
    assert "count" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["colld"], "unknown word 'colld'; closest words in the store: cold"),
        (["cold", "-k", "0"], "argument -k: must be an integer from 1"),  # the parser's range (cli/_types.py)
        (["cold", "-k", "100000"], "larger than the store"),
        (["cold", "--row", "99999"], "out of range"),
        (["cold", "--index", "hnsw"], "has no hnsw index"),
        (["cold", "--limit", "0"], "argument --limit: must be an integer from 1"),
        (["cold", "--in", " "], "--in needs a non-empty sentence"),
    ],
)
def test_errors(store, capsys, argv, message):
    try:
        code = main(["similar", str(store.path), *argv])
    except SystemExit as e:  # a parser error (one line too)
        code = e.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("ctxvec: error: ") and message in err
    assert "Traceback" not in err


def test_conflicting_flags_are_refused(store, capsys):
    assert main(["similar", str(store.path), "cold", "--words-only", "--distinct-sentences", "--limit", "1"]) == 0
    assert "excluded: " in capsys.readouterr().out  # the two combine now, and say what they left out
    with pytest.raises(SystemExit):
        main(["similar", str(store.path), "cold", "--exact", "--index", "ivf"])
    with pytest.raises(SystemExit):
        main(["similar", str(store.path), "cold", "--row", "1", "--sentence", "0"])


def test_index_command(store, capsys):
    path = str(store.path)
    info = run_json(capsys, "index", path, "--kind", "ivf", "--nlist", "2", "--nprobe", "2")
    assert info["kind"] == "ivf" and info["params"] == {"nlist": 2, "nprobe": 2}
    assert info["stale"] is False and info["file"] == str(store.path / "index" / "ivf.faiss")
    assert {key: info[key] for key in store.vectors_record()} == store.vectors_record()
    assert (store.path / "index" / "ivf.faiss").is_file()
    listed = run_json(capsys, "index", path, "--list")
    assert list(listed) == ["ivf"] and listed["ivf"]["stale"] is False
    approx = run_json(capsys, "similar", path, "cold", "-k", "3")
    assert approx["method"].startswith("ivf index")
    exact = run_json(capsys, "similar", path, "cold", "-k", "3", "--exact")
    assert exact["method"].startswith("exact scan")
    # nprobe = nlist probes every cell: the approximate index returns the exact answer
    assert [h["row"] for q in approx["queries"] for h in q["hits"]] == [
        h["row"] for q in exact["queries"] for h in q["hits"]
    ]
    assert listed["ivf"] == info  # the same IndexInfo, built or listed
    assert main(["index", path, "--list"]) == 0
    assert "ivf" in capsys.readouterr().out
    assert main(["index", path, "--kind", "flat"]) == 0
    assert capsys.readouterr().out.startswith("built flat index (flat.faiss: float16 flat scan")
    assert run_json(capsys, "index", path, "--remove", "--kind", "flat") == {"removed": "flat"}
    assert main(["index", path, "--remove", "--kind", "ivf"]) == 0
    assert not (store.path / "index" / "ivf.faiss").exists()
    assert main(["index", path, "--remove", "--kind", "ivf"]) == 2
    assert "no ivf index to remove" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):  # refused by the parser (cli/_types.py), one line
        main(["index", path, "--kind", "hnsw", "--m", "1"])
    assert "argument --m: must be an integer from 2 to 256, got '1'" in capsys.readouterr().err
    assert run_json(capsys, "index", path, "--list") == {}
    assert main(["index", path, "--list"]) == 0
    assert "has no index" in capsys.readouterr().out


def test_in_new_sentence(tmp_path, tiny_model, capsys):
    from ctxvec.encoding import EncodeSpec
    from ctxvec.runners import embed

    corpus = ["i caught a cold last week", "the cold wind blew over the river", "money in the bank"]
    s = embed(corpus, tmp_path / "s", EncodeSpec(model=str(tiny_model)), device="cpu")
    d = run_json(capsys, "similar", str(s.path), "cold", "--in", "the cold wind blew over the river", "-k", "2")
    q = d["queries"][0]
    assert q["row"] == -1 and q["sentence"] == "the cold wind blew over the river"
    assert q["hits"][0]["row"] == int(s.occurrences("cold")[1])
    assert q["hits"][0]["score"] == pytest.approx(1.0, abs=1e-5)
    # two occurrences are too few to judge a usage; a word the corpus lacks is said to be absent
    assert "occurs only 2 time(s)" in q["warning"] and q["usage"]["n_occurrences"] == 2
    assert main(["similar", str(s.path), "warm", "--in", "a warm day by the river", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert "warning: 'warm' does not occur in the corpus" in out
