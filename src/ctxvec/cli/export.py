"""`ctxvec export STORE --format word2vec|projector -o PATH`: word types for gensim or the Embedding Projector."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..lexicon import FORMATS
from ._output import console
from ._params import STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..lexicon import Exported


COMMAND = Command(
    "export",
    help="export word-type vectors as word2vec text (gensim) or Embedding Projector TSVs",
    description="Export a store's word-type vectors. word2vec: a text file gensim loads with "
    "KeyedVectors.load_word2vec_format(PATH), most frequent word first. projector: a folder with "
    "vectors.tsv and metadata.tsv for https://projector.tensorflow.org (word types, then a sample of "
    "occurrences with their sentences as metadata).",
    options=options(
        STORE,
        Opt("format", default="word2vec", choices=FORMATS, help="word2vec or projector"),
        Opt("path", flag="--output", short="-o", required=True, metavar="PATH", help="output file (word2vec) or folder (projector)"),
        Opt("force", bool, help="replace an earlier export at PATH"),
        Opt("min_count", int, 1, "only words with N occurrences", low=1, metavar="N"),
        Opt("binary", bool, help="word2vec: write the binary format (load with binary=True)"),
        Opt("words", many=True, metavar="WORD", help="only these words (and their occurrences)"),
        Opt("occurrences", int, 2000, "projector: at most N occurrences, a seeded sample", low=0, metavar="N"),
        Opt("decontextualized", bool, True, "include decontextualized vectors"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> Exported:
    from ..lexicon import export

    return export(
        args.store,
        args.path,
        format=args.format,
        min_count=args.min_count,
        decontextualized=args.decontextualized,
        binary=args.binary,
        words=args.words,
        occurrences=args.occurrences,
        overwrite=args.force,
    )


def render(result: Exported, args: argparse.Namespace) -> None:
    what = f"{result.n_types:,} word types" + (
        f" and {result.n_occurrences:,} occurrences" if result.format == "projector" else ""
    )
    console.print(f"wrote {what} to {', '.join(str(f) for f in result.files)}")
