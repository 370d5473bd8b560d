"""`ctxvec info STORE`: what a store holds."""

from __future__ import annotations

import argparse
from typing import Any

from rich.table import Table

from ..store import Store
from ._output import add_json_flag, console, print_json


def register(sub: Any) -> None:
    p = sub.add_parser("info", help="summarise a store", description="Summarise a store: model, encoding, sizes.")
    p.add_argument("store", metavar="STORE", help="store folder")
    add_json_flag(p)
    p.set_defaults(func=run)


def print_summary(store: Store) -> None:
    table = Table(title=str(store.path), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in store.summary().items():
        table.add_row(key, f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value))
    console.print(table)


def run(args: argparse.Namespace) -> int:
    store = Store.open(args.store)
    if args.json:
        print_json(store.summary())
    else:
        print_summary(store)
    return 0
