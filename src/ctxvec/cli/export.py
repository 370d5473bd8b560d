"""`ctxvec export STORE --format word2vec|projector -o PATH`: word types for gensim or the Embedding Projector."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..lexicon import FORMATS
from ._output import add_json_flag, console

if TYPE_CHECKING:
    from ..lexicon import Exported


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "export",
        help="export word-type vectors as word2vec text (gensim) or Embedding Projector TSVs",
        description="Export a store's word-type vectors. word2vec: a text file gensim loads with "
        "KeyedVectors.load_word2vec_format(PATH), most frequent word first. projector: a folder with "
        "vectors.tsv and metadata.tsv for https://projector.tensorflow.org (word types, then a sample of "
        "occurrences with their sentences as metadata).",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("--format", choices=FORMATS, default="word2vec", help="word2vec (default) or projector")
    p.add_argument(
        "-o",
        "--output",
        dest="path",
        required=True,
        metavar="PATH",
        help="output file (word2vec) or folder (projector)",
    )
    p.add_argument("--force", action="store_true", help="replace an earlier export at PATH")
    p.add_argument("--min-count", type=int, default=1, metavar="N", help="only words with N occurrences (default 1)")
    p.add_argument("--binary", action="store_true", help="word2vec: write the binary format (load with binary=True)")
    p.add_argument("--words", nargs="+", default=None, metavar="WORD", help="only these words (and their occurrences)")
    p.add_argument(
        "--occurrences",
        type=int,
        default=2000,
        metavar="N",
        help="projector: at most N occurrences, a seeded sample (default 2000)",
    )
    p.add_argument("--no-decontextualized", action="store_true", help="leave out decontextualized vectors")
    add_json_flag(p)


def compute(args: argparse.Namespace) -> Exported:
    from ..lexicon import export
    from ..store import Store

    return export(
        Store.open(args.store),
        args.path,
        format=args.format,
        min_count=args.min_count,
        decontextualized=not args.no_decontextualized,
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
