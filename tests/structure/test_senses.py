"""Sense clustering: planted senses recovered, unimodal data kept whole, store-level senses and the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from ctxvec.cli import main
from ctxvec.errors import ParameterError
from ctxvec.figures import SenseMap, write_sense_map
from ctxvec.results import Result
from ctxvec.structure import SenseRule, Senses, SenseSplit, senses_projection, split_senses, word_senses


def planted(n: int, dim: int, k: int, sep: float, seed: int, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """n points in `dim` dims from k unit-variance Gaussians whose centres are `sep` apart, far from the origin."""
    rng = np.random.default_rng(seed)
    centres = np.zeros((k, dim))
    centres[np.arange(k), np.arange(k)] = sep / np.sqrt(2)
    labels = rng.choice(k, size=n, p=weights)
    x = centres[labels] + rng.normal(size=(n, dim))
    x[:, -1] += 20.0  # a common offset, as contextual vectors have; unit scaling then stays near-linear
    return x, labels


@pytest.mark.parametrize(
    ("dim", "k", "weights"),
    [(32, 2, None), (32, 3, None), (8, 4, None), (64, 2, [0.85, 0.15]), (384, 3, None)],
)
def test_planted_senses_are_recovered(dim, k, weights):
    x, labels = planted(600, dim, k, sep=8.0, seed=dim + k, weights=weights)
    split = split_senses(x, seed=0)
    assert split.k == k, split.reason
    assert adjusted_rand_score(labels, split.labels) >= 0.9
    sizes = np.bincount(split.labels)
    assert list(sizes) == sorted(sizes, reverse=True)  # sense 0 is the largest


def unimodal(kind: str, n: int, dim: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if kind == "isotropic":
        x = rng.normal(size=(n, dim))
    elif kind == "anisotropic":
        x = rng.normal(size=(n, dim)) * np.geomspace(5, 0.2, dim)
    else:  # heavy tails: a few far outliers must not become a "sense"
        x = rng.standard_t(3, size=(n, dim))
    x[:, -1] += 20.0
    return x


@settings(max_examples=20, deadline=None)
@given(
    kind=st.sampled_from(["isotropic", "anisotropic", "heavy"]),
    dim=st.sampled_from([4, 16, 64]),
    seed=st.integers(0, 10_000),
)
def test_unimodal_data_is_one_sense(kind, dim, seed):
    split = split_senses(unimodal(kind, 400, dim, seed), seed=seed)
    assert split.k == 1, split.reason
    assert np.all(split.labels == 0)
    assert "no convincing split" in split.reason or "minimum size" in split.reason


def test_given_k_and_too_few_occurrences():
    x, _ = planted(200, 16, 2, sep=8.0, seed=1)
    split = split_senses(x, k=4, seed=0)
    assert split.k == 4 and split.reason == "given"
    assert set(np.unique(split.labels)) == {0, 1, 2, 3}
    assert split_senses(x[:5]).k == 1
    assert "too few" in split_senses(x[:5]).reason
    with pytest.raises(ParameterError, match="^k 0 is out of range") as e:
        split_senses(x, k=0)
    assert e.value.name == "k"


def test_the_rule_sets_the_largest_k():
    x, _ = planted(600, 32, 3, sep=8.0, seed=35)
    assert split_senses(x, seed=0).k == 3
    capped = split_senses(x, rule=SenseRule(k_max=2), seed=0)
    assert list(capped.ks) == [2] and capped.k in (1, 2)
    data = capped.to_dict()
    assert isinstance(capped, SenseSplit) and isinstance(capped, Result)
    assert json.loads(json.dumps(data)) == data and set(data["silhouettes"]) == {"2"}
    assert len(data["labels"]) == 600 and data["k"] == capped.k


@pytest.fixture
def bank_store(make_store):
    """A store where 'bank' occurs in 60 river sentences and 40 money sentences (planted senses);
    'cold' is unimodal."""
    rng = np.random.default_rng(0)
    dim = 16
    axis = np.eye(dim)
    centre = {"river": 6 * axis[0], "money": 6 * axis[1], "cold": 6 * axis[2], "the": 6 * axis[3]}
    identity = 4 * axis[4] + 10 * axis[5]
    sentences, tokens, sids, vecs = [], [], [], []
    for s in range(100):
        sense = "river" if s < 60 else "money"
        words = ["the", "bank", sense, "cold"]
        sentences.append(" ".join(words) + f" (sentence {s})")
        for w in words:
            tokens.append(w)
            sids.append(s)
            base = identity + 0.8 * centre[sense] if w == "bank" else centre[w] + identity
            vecs.append(base + rng.normal(size=dim))
    store = make_store(np.array(vecs, dtype=np.float32), tokens, sids, sentences, dtype="float32")
    truth = np.array([0] * 60 + [1] * 40)
    return store, truth


def test_word_senses_on_a_store(bank_store):
    store, truth = bank_store
    result = word_senses(store, "Bank", n_sentences=2, n_words=2)
    assert result.word == "bank" and result.k == 2 and result.n_total == 100 and not result.sampled
    assert adjusted_rand_score(truth, result.labels) >= 0.9
    river, money = result.senses
    assert (river.size, money.size) == (60, 40)
    assert river.nearest_words[0] == "river" and money.nearest_words[0] == "money"
    assert "bank" not in river.nearest_words
    for sense, word in ((river, "river"), (money, "money")):
        assert len(sense.central) == 2
        assert all(word in o.sentence and o.token == "bank" for o in sense.central)
        assert np.all(np.diff(sense.central_scores) <= 1e-6)
    assert word_senses(store, "cold").k == 1
    assert isinstance(result, Senses) and isinstance(result, Result)
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert [s["size"] for s in data["senses"]] == [60, 40] and data["n_clustered"] == 100


def test_word_senses_sampling_is_seeded(bank_store):
    store, _ = bank_store
    a = word_senses(store, "bank", max_occurrences=50, seed=3)
    b = word_senses(store, "bank", max_occurrences=50, seed=3)
    assert a.sampled and len(a.rows) == 50
    np.testing.assert_array_equal(a.rows, b.rows)
    np.testing.assert_array_equal(a.labels, b.labels)


def test_cli_senses_json_and_text(bank_store, capsys, tmp_path):
    store, _ = bank_store
    assert main(["senses", str(store.path), "bank", "--json", "--sentences", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["k"] == 2 and out["n_occurrences"] == 100
    assert [s["size"] for s in out["senses"]] == [60, 40]
    assert all(len(s["sentences"]) == 2 for s in out["senses"])
    assert all("river" in t for t in out["senses"][0]["sentences"])
    assert main(["senses", str(store.path), "bank", "--k", "3", "-o", str(tmp_path / "s.html")]) == 0
    text = capsys.readouterr().out
    assert "3 senses" in text and "sense 3" in text
    assert (tmp_path / "s.html").read_text().count('"bank 3"') == 1
    assert "sense map written to" in text


def test_cli_json_is_the_result_to_dict(bank_store, capsys, tmp_path):
    store, _ = bank_store
    argv = ["senses", str(store.path), "bank", "--max-k", "3", "--sentences", "1", "--words", "2", "--json"]
    assert main(argv) == 0
    expected = word_senses(store, "bank", rule=SenseRule(k_max=3), n_sentences=1, n_words=2)
    assert json.loads(capsys.readouterr().out) == expected.to_dict()
    out = tmp_path / "map.svg"
    assert main([*argv, "-o", str(out)]) == 0
    data = json.loads(capsys.readouterr().out)
    written = write_sense_map(expected, senses_projection(store, expected), tmp_path / "again.svg")
    assert isinstance(written, SenseMap) and written.plot.path == tmp_path / "again.svg"
    assert written.to_dict() == {**expected.to_dict(), "output": str(tmp_path / "again.svg")}
    assert (tmp_path / "again.svg").read_text().count("<path") == out.read_text().count("<path")  # the same drawing
    assert data == {**expected.to_dict(), "output": str(out)}
    assert "Senses of &apos;bank&apos;" in out.read_text() or "Senses of 'bank'" in out.read_text()


def test_cli_senses_bad_output_and_k(bank_store, capsys, tmp_path):
    store, _ = bank_store
    assert main(["senses", str(store.path), "bank", "-o", str(tmp_path / "m.gif")]) == 2
    assert "use a .png, .svg, .pdf or .html file name" in capsys.readouterr().err
    assert not (tmp_path / "m.gif").exists()
    with pytest.raises(SystemExit, match="2"):  # refused by the parser (cli/_types.py), one line
        main(["senses", str(store.path), "bank", "--k", "0"])
    assert "ctxvec: error: senses: argument --k: must be an integer from 1" in capsys.readouterr().err


def test_cli_senses_unknown_word(bank_store, capsys):
    store, _ = bank_store
    assert main(["senses", str(store.path), "banc"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ctxvec: error: unknown word 'banc'") and "bank" in err


def test_the_sense_of_given_rows(bank_store):
    """rows=: a clustered row gets its cluster, a row outside the sample its nearest centroid; to_dict
    gains row_senses only when asked."""
    store, truth = bank_store
    occ = store.occurrences("bank")
    river_row, money_row = int(occ[0]), int(occ[-1])
    result = word_senses(store, "bank", rows=[river_row, money_row])
    assert result.sense_of(river_row) == 0 and result.sense_of(money_row) == 1
    assert result.row_senses == {river_row: 0, money_row: 1}
    data = result.to_dict()
    assert data["row_senses"] == [
        {"row": river_row, "sense": 0, "clustered": True},
        {"row": money_row, "sense": 1, "clustered": True},
    ]
    assert "row_senses" not in word_senses(store, "bank").to_dict()
    plain = {k: v for k, v in data.items() if k != "row_senses"}
    assert plain == word_senses(store, "bank").to_dict()  # asking changes nothing else
    # a sample of 30: rows outside it still get a sense, the one of their planted centroid
    sampled = word_senses(store, "bank", max_occurrences=30, rows=occ.tolist())
    outside = [int(r) for r in occ if int(r) not in set(sampled.rows.tolist())]
    assert outside
    senses = np.array([sampled.sense_of(int(r)) for r in occ])
    assert adjusted_rand_score(truth, senses) >= 0.9
    flags = {d["row"]: d["clustered"] for d in sampled.to_dict()["row_senses"]}
    assert not any(flags[r] for r in outside)


def test_the_sense_of_a_wrong_row(bank_store):
    store, _ = bank_store
    cold = int(store.occurrences("cold")[0])
    with pytest.raises(ParameterError, match=r"is 'cold', not an occurrence of 'bank'"):
        word_senses(store, "bank", rows=[cold])
    with pytest.raises(ParameterError, match="out of range"):
        word_senses(store, "bank", rows=[10**6])
    with pytest.raises(Exception, match="was not clustered"):
        word_senses(store, "bank", max_occurrences=5).sense_of(int(store.occurrences("bank")[-1]) + 10**6)


def test_cli_senses_row(bank_store, capsys):
    store, _ = bank_store
    row = int(store.occurrences("bank")[-1])
    assert main(["senses", str(store.path), "bank", "--row", str(row), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["row_senses"] == [{"row": row, "sense": 1, "clustered": True}]
    assert main(["senses", str(store.path), "bank", "--row", str(row)]) == 0
    assert f"row {row} belongs to sense 2" in capsys.readouterr().out
