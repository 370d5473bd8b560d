"""Command-line interface: parse, call the library, print. No logic lives here.

Each module in this package (not starting with ``_``) is one subcommand and defines
``register(subparsers)``, which adds its parser and sets ``func`` to a ``run(args) -> int | None``.
Commands are discovered automatically, so adding a command means adding one module.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from ..errors import CtxvecError
from ._output import fail


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="ctxvec",
        description="Operations on contextual word embeddings: embed a corpus into a store, then query it.",
    )
    parser.add_argument("--version", action="version", version=f"ctxvec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = args.func(args)
    except CtxvecError as e:
        return fail(str(e))
    except KeyboardInterrupt:
        return fail("interrupted", code=130)
    except BrokenPipeError:
        return 0
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
