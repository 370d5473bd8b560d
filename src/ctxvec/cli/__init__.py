"""Command-line interface: parse, call the library, print. No logic lives here.

Each module in this package (not starting with ``_``) is one subcommand and defines:

- ``COMMAND``: its `ctxvec.cli._params.Command`, the declaration of every option (docs/parameters.md),
  from which its argparse parser and its web API route are derived;
- ``compute(args) -> Result``: converts the parsed options into one library call and returns its
  result (a `ctxvec.results.Result`); a STORE argument (``store=True``) is parsed into an open `Store`;
- ``render(result, args)``: prints the result for people (rich tables).

(A module may still define ``register(subparsers)`` and add an argparse parser itself; its numbers
are then range-checked by `._types.checked_numbers`.)

`main` prints ``result.to_dict()`` for ``--json`` and ``render`` otherwise, so ``--json`` is exactly
the library result's own JSON. Modules here import only argparse/rich-level code at load time: heavy
libraries load inside ``compute``, so ``ctxvec --help`` starts in a blink. Commands are discovered
automatically; adding a command means adding one module.

Only the chosen command's options are added to the parser (``ctxvec --help`` builds none of them,
so a default read from a heavy library module costs nothing there). A parser error is one line, ``ctxvec: error: ...``,
exit 2 (no usage block). The console script enters through `ctxvec.__main__.entry`, which catches
Ctrl-C even while this package is still importing.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from ..errors import CtxvecError, ParameterError
from ._output import fail, print_json
from ._params import Command, add_to_parser, flag_of
from ._types import checked_numbers


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, ``ctxvec: error: MESSAGE``, exit 2 (no usage)."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("ctxvec").strip()
        text = _one_line(f"{command}: {message}" if command else message)
        self.exit(2, f"ctxvec: error: {text}\n")


def _command_modules() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def command_modules() -> dict[str, ModuleType]:
    """{command name: module} of every command."""
    out = {}
    for module in _command_modules():
        spec: Command | None = getattr(module, "COMMAND", None)
        out[spec.name if spec is not None else module.__name__.rsplit(".", 1)[1]] = module
    return out


def build_parser(only: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The CLI's parser; with `only`, the options of those commands alone (the others are listed)."""
    from .. import __version__

    parser = Parser(
        prog="ctxvec",
        description="Operations on contextual word embeddings: embed a corpus into a store, then query it.",
    )
    parser.add_argument("--version", action="version", version=f"ctxvec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        spec: Command | None = getattr(module, "COMMAND", None)
        if spec is not None:
            p = sub.add_parser(spec.name, help=spec.help, description=spec.description or spec.help)
            p.set_defaults(command_module=module, command_spec=spec)
            if only is None or spec.name in only:
                add_to_parser(p, spec)
            continue
        before = set(sub.choices)
        module.register(sub)
        for name in set(sub.choices) - before:
            sub.choices[name].set_defaults(command_module=module)
            checked_numbers(sub.choices[name], name)
    return parser


def chosen_command(argv: Sequence[str]) -> list[str]:
    """The command an argv names (its first word not starting with a dash), as `build_parser`'s `only`."""
    return [a for a in argv if not a.startswith("-")][:1]


def flag_for(parser: argparse.ArgumentParser, args: argparse.Namespace, name: str) -> str:
    """The command-line spelling of library parameter `name` for the (sub)command in `args`:
    its long option (``max_terms`` -> ``--max-terms``), or its metavar for a positional."""
    spec: Command | None = getattr(args, "command_spec", None)
    if spec is not None:
        return flag_of(spec, name) or name
    chosen = _chosen_parser(parser, args)
    for action in chosen._actions:
        if action.dest == name:
            if action.option_strings:
                return max(action.option_strings, key=len)
            return str(action.metavar or action.dest.upper())
    return name


def _chosen_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The innermost subcommand parser that `args` came through."""
    chosen = parser
    while True:
        subs = [a for a in chosen._actions if isinstance(a, argparse._SubParsersAction)]
        picked = [a.choices[getattr(args, a.dest)] for a in subs if getattr(args, a.dest, None) in a.choices]
        if not picked:
            return chosen
        chosen = picked[0]


def _take_late_positionals(parser: argparse.ArgumentParser, args: argparse.Namespace, extra: list[str]) -> None:
    """Words typed after options (``shift S --where A --vs B bank``) join the command's one list positional;
    anything else left over is argparse's usual "unrecognized arguments" error (exit 2)."""
    chosen = _chosen_parser(parser, args)
    lists = [a for a in chosen._actions if not a.option_strings and a.nargs in ("*", "+")]
    if len(lists) == 1 and not any(x.startswith("-") for x in extra):
        dest = lists[0].dest
        setattr(args, dest, [*(getattr(args, dest, None) or []), *extra])
        return
    chosen.error(f"unrecognized arguments: {' '.join(extra)}")


def run_command(args: argparse.Namespace) -> int:
    """Compute the command's result, then print its JSON (``--json``) or its rendering."""
    module = args.command_module
    result = module.compute(args)
    if getattr(args, "json", False):
        print_json(result.to_dict())
    else:
        module.render(result, args)
    return int(getattr(result, "exit_code", 0) or 0)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser(only=chosen_command(argv))
        args, extra = parser.parse_known_args(argv)
        if extra:
            _take_late_positionals(parser, args, extra)
        if not getattr(args, "command_module", None):
            parser.print_help()
            return 2
        return run_command(args)
    except ParameterError as e:
        return fail(_one_line(e.message_for(flag_for(parser, args, e.name))))
    except CtxvecError as e:
        return fail(_one_line(str(e)))
    except KeyboardInterrupt:
        return fail("interrupted", code=130)
    except BrokenPipeError:
        return 0
    # last resorts: a library that let a system error through still answers one line, never a traceback
    except UnicodeDecodeError as e:
        return fail(f"input is not UTF-8 text ({e.reason} at byte {e.start}); convert it to UTF-8 (iconv -t utf-8)")
    except OSError as e:
        where = f"{e.filename}: " if e.filename else ""
        return fail(_one_line(f"{where}{e.strerror or e}"))
    except MemoryError:
        return fail("out of memory; use smaller sizes (a sample, fewer rows or a smaller batch)")


def _one_line(message: str) -> str:
    return message.replace("\r", " ").replace("\n", " ")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
