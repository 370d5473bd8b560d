"""Every command's ``--json`` output is exactly its library result's ``to_dict()``.

The test walks all commands the CLI discovers. For each it runs ``ctxvec CMD ... --json`` through
`main`, then parses the same options and calls the command's ``compute(args)`` directly, and
compares. Commands that write files get a fresh output path for each run (paths are compared as
``OUT``), and wall-clock timings are left out of the comparison.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from small_corpus import embed_corpus_stores

from ctxvec.cli import _command_modules, build_parser, main
from ctxvec.results import Result, jsonable

# command -> argv after the command name: {store}, {corpus}, {model}; {out} is a fresh path for every run
CASES: dict[str, list[list[str]]] = {
    "analogy": [
        ["{store}", "king", "man", "woman", "-k", "3"],
        ["{store}", "king", "man", "woman", "--level", "occurrences", "-k", "3"],
    ],
    "cluster": [["{store}", "--k", "3", "--min-count", "1"], ["{store}", "--k", "3", "--level", "occurrences"]],
    "compare": [["{store}", "{store2}", "--no-eval", "--words", "cold,bank"]],
    "decompose": [
        ["{store}", "cold", "--limit", "2", "--max-terms", "3"],
        ["{store}", "bank", "--in", "the river bank", "--atoms", "occurrences"],
    ],
    "dims": [["{store}", "--words", "cold", "warm"], ["{store}", "-o", "{out}.png"]],
    "embed": [["{corpus}", "-o", "{out}", "--model", "{model}", "-q"]],
    "evaluate": [["{store}", "--task", "analogy"]],
    "explain": [
        ["{store}", "--row", "0", "--row", "7"],
        ["{store}", "cold", "--in", "a cold river", "--term", "water", "--ablation", "delete", "--all-words"],
    ],
    "export": [
        ["{store}", "--format", "word2vec", "-o", "{out}.txt"],
        ["{store}", "--format", "projector", "-o", "{out}"],
    ],
    "factors": [["learn", "{store}", "--n-factors", "4", "--samples", "200", "--name", "{name}"], ["list", "{store}"]],
    "index": [["{store}", "--kind", "flat"], ["{store}", "--list"]],
    "info": [["{store}"]],
    "isotropy": [["{store}"]],
    "plot": [
        ["{store}", "cold", "warm", "bank", "-o", "{out}.png"],
        ["{store}", "cold", "warm", "-o", "{out}.html", "--level", "types"],
    ],
    "senses": [["{store}", "cold"]],
    "serve": [["{store}", "--check", "--port", "0"]],
    "shift": [
        [
            "{store}",
            "cold",
            "--where",
            "sentence_id < 35",
            "--vs",
            "sentence_id >= 35",
            "--no-wordnet",
            "--permutations",
            "20",
        ],
        [
            "{store}",
            "--where",
            "sentence_id < 35",
            "--vs",
            "sentence_id >= 35",
            "--min-count",
            "2",
            "--permutations",
            "20",
        ],
    ],
    "similar": [["{store}", "cold", "-k", "3"], ["{store}", "cold", "--in", "a cold day", "-k", "3", "--words-only"]],
    "transform": [["{store}", "--method", "center", "--out", "{out}"]],
    "types": [["{store}", "--min-count", "1"]],
    "verify": [["{store}"]],
}
TIMINGS = ("seconds", "elapsed", "_s", "time")
outputs = count()


@pytest.fixture(scope="module")
def stores(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("contract")
    made = embed_corpus_stores(folder, tiny_model)
    return {
        "store": str(made["a"]),
        "store2": str(made["b"]),
        "corpus": str(made["corpus"]),
        "model": str(tiny_model),
        "folder": str(folder),
    }


def fill(argv: list[str], names: dict[str, str]) -> tuple[list[str], str]:
    n = next(outputs)
    out = str(Path(names["folder"]) / f"out{n}")
    values = {**names, "out": out, "name": f"f{n}"}
    return [a.format(**values) for a in argv], out


def normalise(data: Any, outs: tuple[str, ...], names: tuple[str, ...]) -> Any:
    if isinstance(data, dict):
        return {k: normalise(v, outs, names) for k, v in data.items() if not any(t in k for t in TIMINGS)}
    if isinstance(data, list):
        return [normalise(v, outs, names) for v in data]
    if isinstance(data, str):
        for o in outs:
            data = data.replace(o, "OUT")
        for n in names:
            data = data.replace(n, "NAME")
    return data


def test_every_command_has_a_case() -> None:
    commands = {m.__name__.rsplit(".", 1)[1] for m in _command_modules()}
    assert commands == set(CASES)
    for module in _command_modules():
        assert callable(module.compute) and callable(module.render), module.__name__


@pytest.mark.parametrize(("command", "i"), [(c, i) for c, cases in CASES.items() for i in range(len(cases))])
def test_json_output_is_the_results_to_dict(command: str, i: int, stores: dict[str, str]) -> None:
    argv1, out1 = fill([command, *CASES[command][i]], stores)
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main([*argv1, "--json"])
    assert code == 0, buf.getvalue()
    printed = json.loads(buf.getvalue())

    argv2, out2 = fill([command, *CASES[command][i]], stores)
    args = build_parser().parse_args([*argv2, "--json"])
    result = args.command_module.compute(args)
    assert isinstance(result, Result), f"{command}: compute returned {type(result).__name__}, not a Result"
    expected = json.loads(json.dumps(jsonable(result.to_dict())))
    names = tuple(a for a in argv1 + argv2 if a.startswith("f") and a[1:].isdigit())
    assert normalise(printed, (out1, out2), names) == normalise(expected, (out1, out2), names)
