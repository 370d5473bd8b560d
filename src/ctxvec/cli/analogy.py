"""`ctxvec analogy STORE king man woman`: king − man + woman = ?"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text

from ..errors import CtxvecError
from ..lexicon import EPSILON, LEVELS, METHODS
from ._output import console, highlight
from ._params import DEVICE, STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..lexicon import AnalogyResult

#: the singular spellings earlier versions took for --level
LEVEL_ALIASES = {"type": "types", "occurrence": "occurrences"}


def level_name(text: str) -> str:
    """--level value -> library level (``type``/``occurrence`` still accepted)."""
    level = LEVEL_ALIASES.get(text, text)
    if level not in LEVELS:
        raise argparse.ArgumentTypeError(f"invalid choice: {text!r} (choose from {', '.join(LEVELS)})")
    return level


COMMAND = Command(
    "analogy",
    help="word analogies: A − B + C (king man woman -> queen), 3CosAdd or 3CosMul",
    description="Answer A − B + C (`king man woman`: man is to king as woman is to ?) by 3CosAdd "
    "(default) or 3CosMul (Levy & Goldberg 2014: cosines shifted to [0, 1], epsilon in the denominator). "
    "The input words and their morphological families are excluded from the answers unless "
    "--include-inputs, by the benchmark convention: when A and B are one family (bigger big small) the "
    "relation is morphological and C's forms may answer (smaller); otherwise C's family is excluded too "
    "(japan tokyo rome: not romans). --keep-family excludes only the inputs (gensim's protocol). Scores: 3CosAdd's is the "
    "cosine to B̂ − Â + Ĉ (same ranking as the sum of cosines, in [-1, 1]); 3CosMul's is its ratio, "
    "shown beside that cosine. At word-type level "
    "(default) candidates are word types (mean of occurrences); with --level occurrences they are "
    "single occurrences, and each input is WORD (its first occurrence), WORD@ROW, or WORD@a new "
    "sentence containing it (embedded with the store's model); one answer per word (its best "
    "occurrence) unless --all-occurrences.",
    served=True,
    options=options(
        STORE,
        Opt("words", positional=True, many=True, default=(), metavar="WORD", help="A B C: computes A − B + C"),
        Opt("positive", many=True, default=(), metavar="WORD", help="more words added"),
        Opt("negative", many=True, default=(), metavar="WORD", help="more words subtracted"),
        Opt("k", int, 5, "number of answers", low=1, web_high=200),
        Opt("method", default="add", choices=METHODS, help="add = 3CosAdd, mul = 3CosMul"),
        Opt("level", default="types", choices=LEVELS, convert=level_name, metavar="{types,occurrences}",
            help="types or occurrences (type/occurrence also accepted)"),
        Opt("include_inputs", bool, help="allow the input words as answers (the blog's behaviour)"),
        Opt("keep_family", bool, help="allow the inputs' families (kings for king) as answers: only the inputs are excluded (gensim)"),
        Opt("all_occurrences", bool, help="occurrence level: list every occurrence, not one per word (its best)"),
        Opt("min_count", int, 1, "type level: candidates need N occurrences", low=1, metavar="N"),
        Opt("epsilon", float, EPSILON, "3CosMul epsilon", low=0, open_low=True),
        DEVICE,
    ),
)  # fmt: skip


def split_words(words: list[str], positive: list[str], negative: list[str]) -> tuple[list[str], list[str]]:
    """Positional A B C -> positive [A, C], negative [B]; plus --positive / --negative."""
    if words and len(words) != 3:
        raise CtxvecError(
            f"give three words A B C (A − B + C), got {len(words)}: {' '.join(words)}; "
            "use --positive/--negative for other combinations"
        )
    pos = ([words[0], words[2]] if words else []) + list(positive)
    neg = ([words[1]] if words else []) + list(negative)
    return pos, neg


def compute(args: argparse.Namespace) -> AnalogyResult:
    from ..lexicon import analogy

    positive, negative = split_words(args.words, args.positive, args.negative)
    return analogy(
        args.store,
        positive,
        negative,
        k=args.k,
        method=args.method,
        level=args.level,
        include_inputs=args.include_inputs,
        min_count=args.min_count,
        epsilon=args.epsilon,
        device=args.device,
        keep_family=args.keep_family,
        group_words=not args.all_occurrences,
    )


def render(result: AnalogyResult, args: argparse.Namespace) -> None:
    positive, negative = result.positive, result.negative
    expr = positive[0] + "".join(f" − {w}" for w in negative) + "".join(f" + {w}" for w in positive[1:])
    name = {"add": "3CosAdd", "mul": "3CosMul"}[result.method]
    level = {"types": "type", "occurrences": "occurrence"}[result.level]
    table = Table(title=f"{expr} = ?  ({name}, {level} level)", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("word")
    table.add_column("cosine" if result.method == "add" else "score", justify="right")
    if result.method != "add":
        table.add_column("cosine", justify="right")
    if result.occurrences:
        table.add_column("row", justify="right")
        table.add_column("sentence", overflow="fold")
    for i, (w, s) in enumerate(zip(result.words, result.scores, strict=True), 1):
        cells: list[Any] = [str(i), str(w), f"{s:.4f}"]
        if result.method != "add":
            cells.append(f"{result.cosines[i - 1]:.4f}")
        if result.occurrences:
            occ = result.occurrences[i - 1]
            cells += [str(occ.row), highlight(occ.sentence, occ.start, occ.end)]
        table.add_row(*cells)
    console.print(table)
    if result.excluded:
        shown = ", ".join(result.excluded[:12]) + (" …" if len(result.excluded) > 12 else "")
        why = " (a morphological relation: the last word's family may answer)" if result.morphological else ""
        console.print(Text(f"excluded: {shown}{why}", style="dim"))
