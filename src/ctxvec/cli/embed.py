"""`ctxvec embed CORPUS -o STORE`: build a store."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..encoding import COMPUTE_DTYPES, DEFAULT_BATCH_TOKENS, POOLINGS, UNITS
from ..runners import RUNNERS
from ..store import STORAGE_DTYPES
from ._output import add_json_flag
from .info import render as render_summary

if TYPE_CHECKING:
    from ..store import StoreSummary


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "embed",
        help="embed a corpus into a store folder",
        description="Embed CORPUS (a file, folder, '-' for stdin, or a built-in corpus: wiki, lee) into a store "
        "folder: one vector per word (or wordpiece) occurrence, tied to its sentence. Rerunning the same "
        "command on an interrupted store resumes it.",
    )
    p.add_argument("corpus", metavar="CORPUS", help="file (.txt .jsonl .csv .tsv .parquet), folder, '-', wiki or lee")
    p.add_argument("-o", "--out", required=True, metavar="STORE", help="output store folder (must be new or empty)")
    p.add_argument(
        "--model", default=None, help="Hugging Face model folder or hub id (default: embedded all-MiniLM-L6-v2)"
    )
    p.add_argument(
        "--layers",
        default="last",
        help="last (default), an index (0 = embeddings, -2), a range averaged (-4:), or a list (2,4)",
    )
    p.add_argument("--unit", choices=UNITS, default="word", help="one vector per word (default) or per wordpiece")
    p.add_argument("--pooling", choices=POOLINGS, default="mean", help="how wordpieces pool into a word (default mean)")
    p.add_argument("--keep-special", action="store_true", help="keep special tokens such as [CLS] and [SEP] as rows")
    p.add_argument(
        "--max-length", type=int, default=None, help="window length in tokens (default: the model's maximum)"
    )
    p.add_argument(
        "--window-overlap", type=int, default=None, help="tokens shared by consecutive windows of long sentences"
    )
    p.add_argument(
        "--compute-dtype",
        choices=COMPUTE_DTYPES,
        default="float32",
        help="model arithmetic (bfloat16 is ~2x faster on CPUs with AMX/AVX512-BF16)",
    )
    p.add_argument("--dtype", choices=STORAGE_DTYPES, default="float16", help="storage dtype of vectors.npy")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    p.add_argument("--batch-tokens", type=int, default=DEFAULT_BATCH_TOKENS, help="padded tokens per batch")
    p.add_argument("--column", default="text", help="text column/field for .jsonl .csv .tsv .parquet (default text)")
    p.add_argument(
        "--split-sentences", action="store_true", help="split each line/cell of paragraph text into sentences"
    )
    p.add_argument("--limit", type=int, default=None, help="embed only the first N sentences")
    p.add_argument(
        "--meta",
        default="",
        metavar="NAMES",
        help="document metadata to keep, comma-separated (year,source): record fields, or a text file's "
        "name split at _ (1850_times.txt); 'file' is the file's path",
    )
    p.add_argument(
        "--runner",
        choices=RUNNERS,
        default="local",
        help="local (this process, default) or ray (a Ray cluster; needs ctxvec[ray])",
    )
    p.add_argument(
        "--address", default=None, help="with --runner ray: join the cluster at ADDRESS (default: start a local one)"
    )
    p.add_argument("--workers", type=int, default=None, help="with --runner ray: encoding actors (default 1)")
    p.add_argument(
        "--gpus-per-worker",
        type=float,
        default=None,
        help="with --runner ray: GPUs per actor (default 1 when CUDA is used, else 0)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars (tokenizing, embedding)")
    add_json_flag(p)


def compute(args: argparse.Namespace) -> StoreSummary:
    """Embed the corpus; the result is the summary of the written store."""
    from ..runners import embed

    store = embed(
        args.corpus,
        args.out,
        model=args.model,
        layers=args.layers,
        unit=args.unit,
        pooling=args.pooling,
        keep_special=args.keep_special,
        max_length=args.max_length,
        window_overlap=args.window_overlap,
        compute_dtype=args.compute_dtype,
        dtype=args.dtype,
        device=args.device,
        batch_tokens=args.batch_tokens,
        column=args.column,
        split_sentences=args.split_sentences,
        limit=args.limit,
        meta=tuple(n for n in args.meta.split(",") if n.strip()),
        runner=args.runner,
        address=args.address,
        workers=1 if args.workers is None else args.workers,
        gpus_per_worker=args.gpus_per_worker,
        quiet=args.quiet or args.json,
    )
    return store.summary()


def render(result: StoreSummary, args: argparse.Namespace) -> None:
    render_summary(result, args)
