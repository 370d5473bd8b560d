"""The bad-input catalogue: hostile inputs over every command, each answered the way the README promises.

Every case must end with exit 2, exactly one line on stderr starting ``ctxvec: error:``, no traceback,
and nothing written: the scratch folder (which holds every output path of the cases: new paths,
an existing file, a non-empty folder, a read-only folder) is byte-for-byte as before. Most cases run
in-process through `ctxvec.cli.main` (fast); `SUBPROCESS` runs a few through a real ``python -m ctxvec``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from small_corpus import embed_corpus_stores

from ctxvec.cli import main

# argv templates: {store} {store2} a complete store; {unfinished} a store left in state "building";
# {corpus} {model}; {latin1} a non-UTF-8 text file; {missing} no such path; in the scratch folder:
# {out} a new path, {file} an existing file, {dir} a non-empty folder, {ro} a folder that refuses new files
CASES: list[list[str]] = [
    # embed
    ["embed", "{corpus}", "-o", "{file}/x.store", "--model", "{model}"],
    ["embed", "{corpus}", "-o", "{ro}/x.store", "--model", "{model}"],
    ["embed", "{corpus}", "-o", "{file}", "--model", "{model}"],
    ["embed", "{corpus}", "-o", "{out}", "--model", "{model}", "--window-overlap", "-4"],
    ["embed", "{corpus}", "-o", "{out}", "--model", "{model}", "--max-length", "0"],
    ["embed", "{corpus}", "-o", "{out}", "--model", "{model}", "--batch-tokens", "0"],
    ["embed", "{corpus}", "-o", "{out}", "--model", "{model}", "--limit", "0"],
    ["embed", "{missing}", "-o", "{out}", "--model", "{model}"],
    ["embed", "{latin1}", "-o", "{out}", "--model", "{model}"],
    # explain
    ["explain", "{store}", "--row", "0"],
    ["explain", "{store}", "--row", "0", "--row", "-1"],
    ["explain", "{store}", "--row", "0", "--row", "1", "--top", "0"],
    ["explain", "{store}", "--row", "0", "--row", "1", "--ablation", "blank"],
    ["explain", "{missing}", "--row", "0", "--row", "1"],
    # shift
    ["shift", "{store}", "--where", "sentence_id < 35"],
    ["shift", "{store}", "--where", "sentence_id <", "--vs", "sentence_id >= 35"],
    ["shift", "{store}", "cold", "--where", "sentence_id < 35", "--vs", "sentence_id >= 35", "--permutations", "0"],
    ["shift", "{store}", "{missing}", "cold"],
    # verify (a damaged store is exit 1 with one line per problem: tests/store/test_verify.py)
    ["verify", "{missing}"],
    ["verify", "{file}"],
    # transform
    ["transform", "{store}", "--method", "center", "--out", "{file}"],
    ["transform", "{store}", "--method", "center", "--out", "{dir}"],
    ["transform", "{store}", "--method", "center", "--out", "{file}/t.store"],
    ["transform", "{store}", "--method", "center", "--out", "{ro}/t.store"],
    ["transform", "{store}", "--method", "abtt", "--n-components", "0", "--out", "{out}"],
    ["transform", "{store}", "--method", "conceptor", "--alpha", "nan", "--out", "{out}"],
    ["transform", "{store}", "--method", "conceptor", "--alpha", "-1", "--out", "{out}"],
    ["transform", "{store}", "--out", "{out}"],
    ["transform", "{missing}", "--method", "center", "--out", "{out}"],
    ["transform", "{unfinished}", "--method", "center", "--out", "{out}"],
    # export
    ["export", "{store}", "-o", "{dir}"],
    ["export", "{store}", "--format", "projector", "-o", "{file}"],
    ["export", "{store}", "--format", "projector", "-o", "{dir}"],
    ["export", "{store}", "-o", "{file}/v.txt"],
    ["export", "{store}", "-o", "{ro}/v.txt"],
    ["export", "{store}", "-o", "{file}"],
    ["export", "{store}", "-o", "{out}", "--min-count", "0"],
    ["export", "{store}", "-o", "{out}", "--min-count", "100000"],
    ["export", "{store}", "--format", "projector", "-o", "{out}", "--occurrences", "-1"],
    ["export", "{store}", "-o", "{out}", "--words", "nosuchword"],
    # index
    ["index", "{store}", "--m", "1"],
    ["index", "{store}", "--kind", "ivf", "--nlist", "0"],
    ["index", "{store}", "--ef-search", "-5"],
    ["index", "{unfinished}"],
    # factors
    ["factors", "learn", "{store}", "--n-factors", "0"],
    ["factors", "learn", "{store}", "--alpha", "-1"],
    ["factors", "learn", "{store}", "--batch-size", "0"],
    ["factors", "learn", "{store}", "--samples", "0"],
    ["factors", "learn", "{store}", "--name", "../x"],
    ["factors", "show", "{store}", "-1"],
    # types
    ["types", "{store}", "--frequencies", "{dir}"],
    ["types", "{store}", "--frequencies", "{file}/f.tsv"],
    ["types", "{store}", "--frequencies", "{ro}/f.tsv"],
    ["types", "{store}", "--decontextualized", "{latin1}"],
    ["types", "{store}", "--decontextualized", "{missing}"],
    ["types", "{store}", "--top", "-1"],
    # plot, senses, cluster, dims
    ["plot", "{store}", "cold", "-o", "{file}/p.png"],
    ["plot", "{store}", "cold", "-o", "{dir}"],
    ["plot", "{store}", "cold", "-o", "{ro}/p.png"],
    ["plot", "{store}", "cold", "-o", "{out}.png", "--max-points", "0"],
    ["plot", "{store}", "cold", "-o", "{out}.png", "--width", "0"],
    ["plot", "{store}", "cold", "-o", "{out}.png", "--neighbors", "1"],
    ["senses", "{store}", "cold", "-o", "{file}/m.png"],
    ["senses", "{store}", "cold", "--k", "0"],
    ["senses", "{store}", "cold", "--max-k", "1"],
    ["cluster", "{store}", "--k", "0"],
    ["cluster", "{store}", "--min-count", "100000"],
    ["cluster", "{store}", "--seed", "-1"],
    ["dims", "{store}", "-o", "{file}/d.png"],
    ["dims", "{store}", "--sample", "0"],
    # queries
    ["decompose", "{store}", "cold", "--tol", "-1"],
    ["decompose", "{store}", "cold", "--tol", "nan"],
    ["decompose", "{store}", "cold", "--max-terms", "0"],
    ["decompose", "{store}", "cold", "--min-count", "100000"],
    ["decompose", "{store}", "cold", "--alpha", "inf"],
    ["similar", "{store}", "cold", "-k", "0"],
    ["similar", "{store}", "cold", "--row", "-1"],
    ["similar", "{store}", "cold", "--limit", "0"],
    ["similar", "{store}", "cold", "-k", "abc"],
    ["analogy", "{store}", "king", "man", "woman", "-k", "0"],
    ["analogy", "{store}", "king", "man", "woman", "--epsilon", "0"],
    ["analogy", "{store}", "king", "man", "woman", "--min-count", "100000"],
    # reports
    ["isotropy", "{store}", "--sample", "0"],
    ["isotropy", "{store}", "--pairs", "-3"],
    ["isotropy", "{store}", "--seed", "-1"],
    ["isotropy", "{store}", "--all-layers", "--model", "{model}", "--plot", "{file}/x.png"],
    ["evaluate", "{store}", "--wic-pairs", "0"],
    ["evaluate", "{store}", "--min-count", "0"],
    ["compare", "{store}", "{store2}", "-k", "0"],
    ["compare", "{store}", "{store2}", "--pairs", "0"],
    ["info", "{missing}"],
    ["info", "{file}"],
    ["info", "{unfinished}"],
    ["serve", "{store}", "--port", "70000"],
    ["serve", "{store}", "--workers", "0"],
    # the parser itself
    ["nosuchcommand"],
    ["similar"],
]
SUBPROCESS = [0, 9, 19, 22, 46]  # indexes of CASES also run through a real `python -m ctxvec`


def _readonly_folder(scratch: Path) -> str:
    """A folder that refuses new files: a 0555 folder, or /proc where permission bits do not bind (root)."""
    ro = scratch / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        (ro / "probe").touch()
    except OSError:
        return str(ro)
    (ro / "probe").unlink()
    return "/proc"


@pytest.fixture(scope="module")
def names(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp("catalogue")
    made = embed_corpus_stores(folder, tiny_model)
    unfinished = folder / "unfinished.store"
    shutil.copytree(made["a"], unfinished)
    manifest = json.loads((unfinished / "manifest.json").read_text())
    (unfinished / "manifest.json").write_text(json.dumps({**manifest, "state": "building"}))
    latin1 = folder / "latin1.txt"
    latin1.write_bytes("caf\xe9 cr\xe8me br\xfbl\xe9e\nna\xefve\n".encode("latin-1"))
    scratch = folder / "scratch"
    scratch.mkdir()
    (scratch / "taken.txt").write_text("keep me\n")
    (scratch / "full").mkdir()
    (scratch / "full" / "notes.txt").write_text("keep me too\n")
    values = {
        "store": str(made["a"]),
        "store2": str(made["b"]),
        "corpus": str(made["corpus"]),
        "model": str(tiny_model),
        "unfinished": str(unfinished),
        "latin1": str(latin1),
        "missing": str(folder / "no-such-path"),
        "out": str(scratch / "new"),
        "file": str(scratch / "taken.txt"),
        "dir": str(scratch / "full"),
        "ro": _readonly_folder(scratch),
        "scratch": str(scratch),
    }
    yield values
    (scratch / "ro").chmod(0o755)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under `folder` with its bytes (None for a folder)."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


def check_answer(code: int, err: str, scratch: Path, before: dict[str, bytes | None]) -> None:
    lines = err.splitlines()
    assert "Traceback" not in err, err
    assert code == 2, (code, err)
    assert len(lines) == 1, err
    assert lines[0].startswith("ctxvec: error: "), err
    assert snapshot(scratch) == before, "something was written"


def run_in_process(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    try:
        code = main(argv)
    except SystemExit as e:  # argparse errors exit (as argparse always did), with our one line
        code = int(e.code or 0)
    return code, capsys.readouterr().err


def fill(case: list[str], names: dict[str, str]) -> list[str]:
    return [a.format(**names) for a in case]


def test_the_catalogue_covers_every_command() -> None:
    from ctxvec.cli import _command_modules

    commands = {m.__name__.rsplit(".", 1)[1] for m in _command_modules()}
    assert commands <= {case[0] for case in CASES}
    assert len(CASES) >= 60


@pytest.mark.parametrize("i", range(len(CASES)), ids=lambda i: "-".join(CASES[i][:1] + CASES[i][2:4]))
def test_bad_input_is_one_line_exit_2_and_writes_nothing(
    i: int, names: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    scratch = Path(names["scratch"])
    before = snapshot(scratch)
    code, err = run_in_process(fill(CASES[i], names), capsys)
    check_answer(code, err, scratch, before)


@pytest.mark.parametrize("i", SUBPROCESS)
def test_bad_input_through_a_real_process(i: int, names: dict[str, str]) -> None:
    scratch = Path(names["scratch"])
    before = snapshot(scratch)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "ctxvec", *fill(CASES[i], names)], capture_output=True, text=True, env=env, timeout=300
    )
    check_answer(proc.returncode, proc.stderr, scratch, before)


def _declared_options() -> Iterator[tuple[str, object]]:
    from ctxvec.cli import command_modules

    for name, module in command_modules().items():
        for opt in module.COMMAND.all_options():
            yield f"{name}.{opt.name}", opt


def test_every_numeric_option_is_range_checked() -> None:
    """Every numeric option of every command is declared with its bounds, and its parser converter
    checks them (the bounds live on the option: no table beside it)."""
    import argparse

    from ctxvec.cli import build_parser
    from ctxvec.cli._types import Number

    options = dict(_declared_options())
    numeric = {k: o for k, o in options.items() if o.type in (int, float)}  # type: ignore[attr-defined]
    assert len(numeric) >= 60
    unbounded = [k for k, o in numeric.items() if o.low is None]  # type: ignore[attr-defined]
    assert unbounded == [], f"numeric options without a lower bound: {unbounded}"

    def walk(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    yield from walk(sub)
            else:
                yield action

    raw = [a.dest for a in walk(build_parser()) if a.type in (int, float)]
    assert raw == [], f"options with a plain int/float type: {raw}"
    checked = [a for a in walk(build_parser()) if isinstance(a.type, Number)]
    assert len(checked) >= len(numeric) - 10  # converters with declared bounds (index --max-memory converts itself)
