"""`ctxvec explain` from the command line (tiny random BERT): the rendering, --json, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctxvec.cli import main
from ctxvec.encoding import EncodeSpec
from ctxvec.runners import embed
from ctxvec.store import Store

SENTENCES = ["the river bank was cold", "he put money in the bank", "a cold day in paris"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> str:
    path = tmp_path_factory.mktemp("explain-cli") / "s.store"
    embed(SENTENCES, path, EncodeSpec(model=str(tiny_model)), device="cpu")
    return str(path)


def banks(store: str) -> list[str]:
    return [str(r) for r in Store.open(store).occurrences("bank")]


def test_pair_rendering_marks_words_and_prints_drops(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = banks(store)
    assert main(["explain", store, "--row", a, "--row", b, "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cos(bank, bank) = ")
    assert "the river [bank] was cold" in out.replace("{", "").replace("}", "")
    assert "he put money in the [bank]" in out.replace("{", "").replace("}", "")
    assert out.count("{") <= 2  # --top 1: at most one marked word per sentence
    assert "(mask, content words; 1 forward pass)" in out
    assert "function words / punctuation not tried" in out


def test_json_matches_the_library(store: str, capsys: pytest.CaptureFixture[str]) -> None:
    from ctxvec.explain import explain_term

    assert main(["explain", store, "cold", "--in", "a cold river bank", "--term", "money", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    expected = explain_term(Store.open(store), "money", word="cold", in_sentence="a cold river bank")
    assert printed == json.loads(expected.to_json())
    assert printed["kind"] == "term" and printed["sides"][0]["marked"].startswith("a [cold]")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--row", "0"], "--row: explain needs two occurrences"),
        (["--row", "0", "--row", "0"], "--row: both occurrences are row 0"),
        (["--row", "0", "--row", "999"], "row 999 is out of range"),
        (["king", "--in", "a cold day", "--row", "0"], "'king' is not a word of 'a cold day'"),
        (["bank", "--row", "0", "--row", "1"], "WORD goes with in_sentence"),
        (["--in", "a cold day", "--row", "0"], "WORD is missing"),
        (["--row", "0", "--term", "zebra"], "no word-type vector for 'zebra'"),
        (["--row", "0", "--row", "1", "--ablation", "blank"], "invalid choice: 'blank'"),
        (["--row", "x"], "--row: must be an integer"),
    ],
)
def test_bad_input_one_line_exit_2(
    store: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        code = main(["explain", store, *argv])
    except SystemExit as e:  # parser errors exit from argparse, as in the console script
        code = int(e.code or 0)
    assert code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ctxvec: error: ") and message in lines[0]
