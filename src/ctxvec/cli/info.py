"""`ctxvec info STORE`: what a store holds."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ._output import console, safe_text
from ._params import STORE, Command

if TYPE_CHECKING:
    from ..store import StoreSummary


COMMAND = Command(
    "info",
    help="summarise a store",
    description="Summarise a store: model, encoding, sizes.",
    served=True,
    options=(STORE,),
)


def compute(args: argparse.Namespace) -> StoreSummary:
    return args.store.summary()


def render(result: StoreSummary, args: argparse.Namespace) -> None:
    """The summary as a two-column table titled with the store's path."""
    from rich.table import Table

    table = Table(title=safe_text(result.path), show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column()
    for key, value in result.to_dict().items():  # manifest values (corpus and model names) are untrusted text
        shown = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
        table.add_row(key, safe_text(shown))
    console.print(table)
