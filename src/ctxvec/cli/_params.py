"""The CLI side of the parameter model (`ctxvec.params`): each declared `Command` as an argparse
parser (`add_to_parser`: one range-checked `Number` converter per numeric option, a STORE argument
parsed into an open `Store`), the flag a library `ParameterError` is shown with (`flag_of`), and the
`argparse.Namespace` a command's ``compute`` takes (`namespace`). The declarations' names are
re-exported here for the command modules."""

from __future__ import annotations

import argparse
from typing import Any

from ..params import (
    DEVICE,
    HEIGHT,
    INT_MAX,
    MAX_ITEMS,
    MAX_TEXT,
    OUTPUT,
    SEED,
    STORE,
    WHERE,
    WIDTH,
    Command,
    Converter,
    LibraryDefault,
    Opt,
    choice_of,
    choice_opts,
    defaults,
    namespace_default,
    option,
    options,
    opts_of,
    query_options,
    resolved,
    spec_of,
    values,
)
from ._types import Number

__all__ = [
    "DEVICE",
    "HEIGHT",
    "MAX_ITEMS",
    "MAX_TEXT",
    "OUTPUT",
    "SEED",
    "STORE",
    "WHERE",
    "WIDTH",
    "Command",
    "LibraryDefault",
    "Opt",
    "add_option",
    "add_to_parser",
    "choice_of",
    "choice_opts",
    "defaults",
    "flag_of",
    "namespace",
    "namespace_default",
    "number_of",
    "open_store",
    "option",
    "options",
    "opts_of",
    "query_options",
    "resolved",
    "spec_of",
]  # fmt: skip


def number_of(opt: Opt) -> Number | None:
    """The range-checked converter of a numeric option (None for others)."""
    if opt.type not in (int, float):
        return None
    low = opt.low if opt.low is not None or opt.type is float else 0
    high = opt.high if opt.high is not None or opt.type is float else INT_MAX
    return Number(opt.type, low, high, open_low=opt.open_low)


# ---- argparse --------------------------------------------------------------------------------
def open_store(path: str) -> Any:
    """A STORE argument, parsed into the open `ctxvec.store.Store` (its errors are one line, exit 2)."""
    from ..errors import CtxvecError
    from ..store import Store

    try:
        return Store.open(path)
    except ValueError as e:  # not argparse's "invalid value": the store's own message
        raise CtxvecError(str(e)) from None


def _type_of(opt: Opt) -> Converter | None:
    if opt.store and opt.cli_opens:
        return open_store
    if opt.convert is not None:
        convert = opt.convert

        def checked(text: str) -> Any:
            try:
                return convert(text)
            except ValueError as e:
                raise argparse.ArgumentTypeError(str(e)) from None

        checked.__name__ = opt.type.__name__
        return checked
    return number_of(opt)


def add_to_parser(parser: argparse.ArgumentParser, command: Command) -> None:
    """Add `command`'s options (or its verbs, each a sub-parser) to `parser`."""
    if command.verbs:
        verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
        for verb in command.verbs:
            sub = verbs.add_parser(verb.name, help=verb.help, description=verb.description or verb.help)
            add_to_parser(sub, verb)
            sub.set_defaults(command_spec=verb)
        return
    groups: dict[str, argparse._MutuallyExclusiveGroup] = {}
    for opt in command.options:
        target: Any = parser
        if opt.group is not None:
            if opt.group not in groups:
                groups[opt.group] = parser.add_mutually_exclusive_group(required=opt.group in command.required_groups)
            target = groups[opt.group]
        add_option(target, opt)
    if command.json:
        parser.add_argument("--json", action="store_true", help="print the result as JSON")


def add_option(parser: Any, opt: Opt) -> None:
    """One `Opt` as an argparse argument."""
    help_text = opt.help + opt.default_text()
    kwargs: dict[str, Any] = {"help": help_text.replace("%", "%%")}
    if opt.type is bool:
        if opt.negated:
            kwargs.update(action=argparse.BooleanOptionalAction, default=True)
        else:
            kwargs.update(action="store_true", default=False)
        parser.add_argument(*_spellings(opt), dest=opt.name, **kwargs)
        return
    kwargs.update(type=_type_of(opt), metavar=opt.metavar, choices=opt.choices)
    if opt.positional:
        if opt.many:
            kwargs["nargs"] = "+" if opt.required else "*"
        elif not opt.required:
            kwargs["nargs"] = "?"
        parser.add_argument(opt.name, default=namespace_default(opt), **kwargs)
        return
    if opt.many:
        kwargs["nargs"] = "+"
    if opt.append:
        kwargs["action"] = "append"
    parser.add_argument(
        *_spellings(opt), dest=opt.name, default=namespace_default(opt), required=opt.required, **kwargs
    )


def _spellings(opt: Opt) -> list[str]:
    return [s for s in (opt.short, opt.cli_flag) if s is not None]


def flag_of(command: Command, name: str) -> str | None:
    """The CLI spelling of library parameter `name` in `command` (None if it has no such option)."""
    for opt in command.all_options():
        if opt.name == name:
            return opt.cli_flag
    return None


def namespace(command: Command, given: dict[str, Any], **extra: Any) -> argparse.Namespace:
    """The `argparse.Namespace` ``compute`` takes: `given` over `command`'s defaults."""
    return argparse.Namespace(**values(command, given, **extra))
