"""`ctxvec similar STORE cold`: the nearest occurrences of a word in context."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from ..neighbours import KINDS
from ._output import console, highlight
from ._params import STORE, WHERE, Command, Opt, options, query_options
from ._queries import queries_from_args

if TYPE_CHECKING:
    from ..neighbours import Backend, Similar, UsageCheck
    from ..queries import Queries
    from ..store import Occurrence
    from ..web import ServedStores

CONTEXT = 70  # characters shown on each side of a highlighted token


COMMAND = Command(
    "similar",
    help="nearest occurrences (cosine) of a word in context",
    description="For each occurrence of WORD (or the first --limit N; or one: --sentence ID, --row ID; "
    "or WORD inside a new sentence: --in TEXT, embedded with the store's own model), print its "
    "sentence and the k closest occurrences in the store: token, cosine and sentence. The query "
    "occurrence itself is never its own neighbour. Uses a faiss index built with `ctxvec index` "
    "when the store has one (--exact forces an exact scan); the output says which.",
    served=True,
    options=options(
        STORE,
        query_options(),
        Opt("k", int, 10, "number of neighbours per query", low=1, web_high=200),
        Opt("exclude_word", bool, help="drop every occurrence of the query word and of its morphological family "
            "(banks, banking, banker for bank); the output lists them"),
        Opt("keep_family", bool, help="with --exclude-word: drop only the query word itself, keep its family"),
        Opt("keep_lookalikes", bool, help="with --exclude-word: keep the query word's spelling look-alikes (same "
            "first wordpiece or lemma prefix: bankhead, banknotes for bank), left out by default"),
        Opt("other_sentences", bool, help="leave out the query's own sentence (its context words)"),
        Opt("distinct_sentences", bool, help="at most one hit per sentence"),
        Opt("words_only", bool, help="nearest word types: each word's best occurrence and how many "
            "of its occurrences score at least as high as the k-th word's best; stop words and punctuation are left out"),
        Opt("exact", bool, group="backend", help="exact search even when the store has an approximate index "
            "(a scan, or its flat index for <= 4 queries)"),
        Opt("index", choices=KINDS, group="backend", help="use this index kind (default: any present)"),
        WHERE,
    ),
)  # fmt: skip


def compute(args: argparse.Namespace, backend: Backend | None = None, queries: Queries | None = None) -> Similar:
    """`similar` for the parsed options: --exact or --index KIND as the library's one `backend` choice,
    unless `backend` (an index a server keeps loaded) is given; `queries`: already chosen from the options."""
    from ..neighbours import similar

    choice = backend if backend is not None else "exact" if args.exact else args.index or "auto"
    return similar(
        args.store,
        args.word,
        queries=queries,
        sentence=args.sentence,
        row=args.row,
        in_sentence=args.in_sentence,
        limit=args.limit,
        device=args.device,
        k=args.k,
        exclude_word=args.exclude_word,
        distinct_sentences=args.distinct_sentences,
        words_only=args.words_only,
        other_sentences=args.other_sentences,
        keep_family=args.keep_family,
        keep_lookalikes=args.keep_lookalikes,
        backend=choice,
        where=args.where,
        usage_check=usage_check(args.device),
    )


def usage_check(device: str) -> UsageCheck:
    """The usage check of a query in a new sentence: the geometry and WordNet's evidence, on `device`."""
    from functools import partial

    from ..structure import check_usage_senses

    return partial(check_usage_senses, device=device)


def compute_served(args: argparse.Namespace, served: ServedStores) -> Similar:
    """`compute` for the web, with the indexes the server keeps loaded passed explicitly (the one asked
    for, else the store's preferred one; for --exact the flat one when `backend_kind` picks it)."""
    from ..neighbours import ExactScan, backend_kind

    store = args.store
    if args.exact:  # the flat index answers a few queries exactly: how many decides, so choose them first
        queries = queries_from_args(store, args)
        kind, _ = backend_kind(store, "exact", len(queries.rows))
        return compute(args, ExactScan(store) if kind == "exact" else served.backend(store, kind), queries)
    kept = args.index or served.preferred_index(store)
    return compute(args, served.backend(store, kept) if kept is not None else None)


def snippet(occ: Occurrence, width: int = CONTEXT) -> Text:
    """The sentence around `occ` (at most `width` characters each side), the token highlighted."""
    s, a, b = occ.sentence, occ.start, occ.end
    lo, hi = max(0, a - width), min(len(s), b + width)
    if lo > 0 and " " in s[lo:a]:  # cut at word boundaries
        lo = s.index(" ", lo, a) + 1
    if hi < len(s) and " " in s[b:hi]:
        hi = s.rindex(" ", b, hi)
    left = ("…" if lo > 0 else "") + s[lo:a]
    right = s[b:hi] + ("…" if hi < len(s) else "")
    return highlight(left + s[a:b] + right, len(left), len(left) + b - a)


def render(result: Similar, args: argparse.Namespace) -> None:
    words_only = bool(result.options.get("words_only"))
    recall = "" if result.recall_at_10 is None else f" (recall@10 {result.recall_at_10:.3f}, measured at build)"
    console.print(Text(f"method: {result.method}{recall}", style="dim"))
    if result.options.get("excluded_words"):
        console.print(Text(f"excluded words: {', '.join(result.options['excluded_words'])}", style="dim"))
    if result.options.get("excluded_lookalikes"):
        looks = result.options["excluded_lookalikes"]
        shown = ", ".join(looks[:20]) + (f" … ({len(looks) - 20} more)" if len(looks) > 20 else "")
        console.print(Text(f"left out as spelling look-alikes: {shown}", style="dim"))
    if result.options.get("excluded_function_words"):
        console.print(Text(f"excluded: {result.options['excluded_function_words']}", style="dim"))
    if result.options.get("other_sentences"):
        console.print(Text("excluded: the query's own sentence", style="dim"))
    for i, occ in enumerate(result.queries.occurrences):
        where = f"row {occ.row}, sentence {occ.sentence_id}" if occ.row >= 0 else "new sentence"
        console.print()
        console.print(Text(f"{occ.token} ({where})", style="bold"))
        console.print(highlight(occ.sentence, occ.start, occ.end))
        warning = result.warning(i)
        if warning:
            console.print(Text(f"warning: {warning}", style="bold yellow"))
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("#", justify="right", style="dim")
        table.add_column("word" if words_only else "token")
        table.add_column("cosine", justify="right")
        if words_only:
            table.add_column("count", justify="right")
        table.add_column("row", justify="right", style="dim")
        table.add_column("sentence", overflow="fold")
        for j, hit in enumerate(result.hits(i), 1):
            cells: list[str | Text] = [str(j), hit.occurrence.token, f"{hit.score:.4f}"]
            if words_only:
                cells.append(str(hit.count))
            cells += [str(hit.occurrence.row), snippet(hit.occurrence)]
            table.add_row(*cells)
        console.print(table)
