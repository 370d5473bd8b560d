"""`ctxvec export STORE --format word2vec|projector -o PATH`: word types for gensim or the Embedding Projector."""

from __future__ import annotations

import argparse
from typing import Any

from ..lexicon import FORMATS, export
from ..store import Store
from ._output import add_json_flag, console, print_json


def register(sub: Any) -> None:
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
    p.add_argument("-o", "--output", required=True, metavar="PATH", help="output file (word2vec) or folder (projector)")
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = Store.open(args.store)
    res = export(
        store,
        args.output,
        format=args.format,
        min_count=args.min_count,
        decontextualized=not args.no_decontextualized,
        binary=args.binary,
        words=args.words,
        occurrences=args.occurrences,
    )
    if args.json:
        print_json(
            {
                "format": args.format,
                "files": [str(f) for f in res.files],
                "types": res.n_types,
                "occurrences": res.n_occurrences,
            }
        )
        return 0
    what = f"{res.n_types:,} word types" + (
        f" and {res.n_occurrences:,} occurrences" if args.format == "projector" else ""
    )
    console.print(f"wrote {what} to {', '.join(str(f) for f in res.files)}")
    return 0
