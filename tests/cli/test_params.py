"""The declarative parameter model (`ctxvec.cli._params`): defaults read from the library agree with
the library, the parser's defaults are the declaration's, names follow their stated rules, and the
declaration costs nothing heavy at start-up."""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import fields

import pytest

from ctxvec.cli import build_parser, command_modules
from ctxvec.cli._params import Command, LibraryDefault, Opt, flag_of, namespace, namespace_default


def declared() -> list[Command]:
    out = []
    for module in command_modules().values():
        spec = module.COMMAND
        out += list(spec.verbs) if spec.verbs else [spec]
    return out


def subparser(name: str, verb: str | None = None) -> argparse.ArgumentParser:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices[name]
    if verb is not None:
        sub = next(a for a in sub._actions if isinstance(a, argparse._SubParsersAction)).choices[verb]
    return sub


def test_library_defaults_read_from_source_equal_the_imported_ones() -> None:
    found = [o.default for c in declared() for o in c.options if isinstance(o.default, LibraryDefault)]
    assert found, "no option takes its default from the library"
    for default in found:
        assert default.from_source() == default.imported(), default


def test_senses_defaults_are_the_libraries_sense_rule() -> None:
    from ctxvec.structure import SenseRule

    rule = {f.name: f.default for f in fields(SenseRule)}
    senses = command_modules()["senses"].COMMAND
    assert subparser("senses").get_default("k_max") == rule["k_max"]
    assert namespace(senses, {}).min_share == rule["min_share"]


@pytest.mark.parametrize("command", declared(), ids=lambda c: c.name)
def test_the_parsers_defaults_are_the_declarations(command: Command) -> None:
    parents = [m.COMMAND for m in command_modules().values() if command in m.COMMAND.verbs]
    parser = subparser(parents[0].name, command.name) if parents else subparser(command.name)
    for opt in command.options:
        assert parser.get_default(opt.name) == namespace_default(opt), opt.name
        if opt.type is bool:
            assert isinstance(namespace_default(opt), bool), opt.name


def test_names_follow_the_rules() -> None:
    assert Opt("max_terms", int).cli_flag == "--max-terms" and Opt("max_terms", int).api_name == "max_terms"
    assert Opt("k", int).cli_flag == "-k" and Opt("k", int).api_name == "k"
    assert Opt("in_sentence", flag="--in").api_name == "in"
    wordnet = Opt("wordnet", bool, True)
    assert wordnet.negated and wordnet.api_name == "no_wordnet"
    assert Opt("word", positional=True, metavar="WORD").cli_flag == "WORD"
    decompose = command_modules()["decompose"].COMMAND
    assert flag_of(decompose, "in_sentence") == "--in" and flag_of(decompose, "nothing") is None


def test_a_library_parameter_error_names_the_flag(random_store, capsys) -> None:
    """The library raises ParameterError("min_count", "... lower {name}"); the CLI says --min-count."""
    from ctxvec.cli import main

    assert main(["cluster", str(random_store.path), "--min-count", "100000"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("lower --min-count\n") and "min_count" not in err and err.count("\n") == 1


def test_exclusive_options_are_one_line_exit_2(random_store, capsys) -> None:
    from ctxvec.cli import main

    with pytest.raises(SystemExit) as e:
        main(["similar", str(random_store.path), "w1", "--exact", "--index", "flat"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("ctxvec: error: similar: ") and err.count("\n") == 1


def test_leftover_arguments_that_are_not_words_are_refused(random_store, capsys) -> None:
    from ctxvec.cli import main

    for argv in (
        ["info", str(random_store.path), "extra"],
        ["analogy", str(random_store.path), "w1", "-k", "2", "--bogus"],
    ):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2
        err = capsys.readouterr().err
        assert "unrecognized arguments" in err and err.count("\n") <= 3


def test_help_builds_no_options_and_loads_nothing_heavy() -> None:
    parser = build_parser(only=[])
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert all(len(p._actions) == 1 for p in sub.choices.values())  # only -h: options are added on demand
    code = (
        "import sys\nfrom ctxvec.cli import main\n"
        "for argv in (['--help'], ['senses', '--help'], ['similar', '--help']):\n"
        "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
        "heavy = [m for m in ('sklearn', 'torch', 'scipy', 'pydantic', 'fastapi', 'ctxvec.structure._senses') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True).stdout
    assert "HEAVY []" in out, out
