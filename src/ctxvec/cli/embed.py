"""`ctxvec embed CORPUS -o STORE`: build a store."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from ..encoding import DEFAULT_BATCH_TOKENS, EncodeSpec
from ..runners import RUNNERS
from ..store import STORAGE_DTYPES
from ._params import DEVICE, Command, Opt, options, opts_of, spec_of
from .info import render as render_summary

if TYPE_CHECKING:
    from ..store import StoreSummary


COMMAND = Command(
    "embed",
    help="embed a corpus into a store folder",
    description="Embed CORPUS (a file, folder, '-' for stdin, or a built-in corpus: wiki, lee) into a store "
    "folder: one vector per word (or wordpiece) occurrence, tied to its sentence. Rerunning the same "
    "command on an interrupted store resumes it.",
    options=options(
        Opt("corpus", positional=True, required=True, metavar="CORPUS",
            help="file (.txt .jsonl .csv .tsv .parquet), folder, '-', wiki or lee"),
        Opt("out", short="-o", required=True, metavar="STORE", help="output store folder (must be new or empty)"),
        opts_of(EncodeSpec),
        Opt("dtype", default="float16", choices=STORAGE_DTYPES, help="storage dtype of vectors.npy"),
        replace(DEVICE, help="auto, cpu, cuda or mps"),
        Opt("batch_tokens", int, DEFAULT_BATCH_TOKENS, "padded tokens per batch", low=1),
        Opt("column", default="text", help="text column/field for .jsonl .csv .tsv .parquet"),
        Opt("split_sentences", bool, help="split each line/cell of paragraph text into sentences"),
        Opt("limit", int, low=1, help="embed only the first N sentences"),
        Opt("runner", default="local", choices=RUNNERS, help="local (this process) or ray (a Ray cluster; needs ctxvec[ray])"),
        Opt("address", help="with --runner ray: join the cluster at ADDRESS (default: start a local one)"),
        Opt("workers", int, low=1, help="with --runner ray: encoding actors (default 1)"),
        Opt("gpus_per_worker", float, low=0, help="with --runner ray: GPUs per actor (default 1 when CUDA is used, else 0)"),
        Opt("meta", default="", metavar="NAMES", help="document metadata to keep, comma-separated (year,source): "
            "record fields, or a text file's name split at _ (1850_times.txt); 'file' is the file's path"),
        Opt("quiet", bool, short="-q", help="no progress bars (tokenizing, embedding)"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> StoreSummary:
    """Embed the corpus; the result is the summary of the written store."""
    from ..runners import embed

    store = embed(
        args.corpus,
        args.out,
        spec_of(EncodeSpec, args),
        dtype=args.dtype,
        device=args.device,
        batch_tokens=args.batch_tokens,
        column=args.column,
        split_sentences=args.split_sentences,
        limit=args.limit,
        meta=tuple(n for n in (args.meta or "").split(",") if n.strip()),
        runner=args.runner,
        address=args.address,
        workers=1 if args.workers is None else args.workers,
        gpus_per_worker=args.gpus_per_worker,
        quiet=args.quiet or args.json,
    )
    return store.summary()


def render(result: StoreSummary, args: argparse.Namespace) -> None:
    render_summary(result, args)
