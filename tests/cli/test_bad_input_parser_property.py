"""Property: any value of any numeric option of any command ends with exit 0 or 2, never a traceback,
and an exit 2 writes nothing.

For every command (its parser's actions enumerated), hypothesis picks one numeric option and a value
text (small integers, negatives, zero, floats, NaN, infinities, overflowing or non-numeric text) and
runs the command in-process on the small test store, its other options at working values.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from small_corpus import embed_corpus_stores

from ctxvec.cli import build_parser, main
from ctxvec.cli._types import Number

# a working argv per command ({out}: a fresh output path); the drawn option is appended
BASE: dict[str, list[str]] = {
    "analogy": ["{store}", "king", "man", "woman"],
    "cluster": ["{store}", "--k", "3", "--min-count", "1"],
    "compare": ["{store}", "{store2}", "--no-eval", "--words", "cold,bank"],
    "decompose": ["{store}", "cold", "--limit", "2"],
    "dims": ["{store}", "--words", "cold", "warm", "-o", "{out}.png"],
    "embed": ["{corpus}", "-o", "{out}", "--model", "{model}", "-q"],
    "evaluate": ["{store}", "--task", "analogy"],
    "export": ["{store}", "--format", "projector", "-o", "{out}"],
    "explain": ["{store}", "--row", "0", "--row", "9"],
    "factors": ["learn", "{store}", "--n-factors", "4", "--samples", "200"],
    "index": ["{store}", "--kind", "flat"],
    "isotropy": ["{store}"],
    "plot": ["{store}", "cold", "warm", "-o", "{out}.html"],
    "senses": ["{store}", "cold"],
    "serve": ["{store}", "--check"],
    "similar": ["{store}", "cold", "-k", "3"],
    "shift": [
        "{store}",
        "cold",
        "--where",
        "sentence_id < 35",
        "--vs",
        "sentence_id >= 35",
        "--no-wordnet",
        "--permutations",
        "20",
        "--bootstrap",
        "20",
    ],
    "transform": ["{store}", "--method", "abtt", "--out", "{out}"],
    "types": ["{store}", "--frequencies", "{out}.tsv"],
}
SKIP = {"serve.port"}  # a port is a resource, not a computation: exercised in the catalogue
VALUES = st.one_of(
    st.integers(-5, 40).map(str),
    st.floats(-5, 40, allow_nan=False).map(lambda x: f"{x:.3g}"),
    st.sampled_from(["0", "-1", "nan", "inf", "-inf", "1e3", "abc", "", " ", "0x10", "99999999999", "-0"]),
)


def numeric_options(command: str) -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[command]
    if command == "factors":
        sub = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction)).choices["learn"]
    return [
        max(a.option_strings, key=len)
        for a in sub._actions
        if isinstance(a.type, Number) and a.option_strings
        and f"{command}.{max(a.option_strings, key=len).lstrip('-').replace('-', '_')}" not in SKIP
    ]  # fmt: skip


@pytest.fixture(scope="module")
def names(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("property")
    made = embed_corpus_stores(folder, tiny_model)
    yield {"store": str(made["a"]), "store2": str(made["b"]), "corpus": str(made["corpus"]), "model": str(tiny_model)}


def test_every_command_is_driven() -> None:
    commands = {name for name in build_parser()._subparsers._group_actions[0].choices}  # type: ignore[union-attr]
    assert commands - {"info", "verify"} == set(BASE)  # info and verify have no numeric option


@pytest.mark.parametrize("command", sorted(BASE))
def test_any_numeric_value_is_exit_0_or_2_and_no_traceback(
    command: str, names: dict[str, str], tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    options = numeric_options(command)
    assert options, command

    @settings(max_examples=3, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(option=st.sampled_from(options), value=VALUES)
    def run(option: str, value: str) -> None:
        scratch = tmp_path_factory.mktemp("p")
        out = scratch / "out"
        argv = [command, *(a.format(out=out, **names) for a in BASE[command]), f"{option}={value}"]
        capsys.readouterr()
        try:
            code = main(argv)
        except SystemExit as e:
            code = int(e.code or 0)
        err = capsys.readouterr().err
        assert "Traceback" not in err, err
        assert code in (0, 2), (argv, code, err)
        if code == 2:
            assert err.splitlines()[-1].startswith("ctxvec: error: "), err
            assert list(scratch.iterdir()) == [], (argv, list(scratch.iterdir()))
        shutil.rmtree(scratch, ignore_errors=True)

    run()
