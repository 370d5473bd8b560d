"""`ctxvec analogy STORE king man woman`: king − man + woman = ?"""

from __future__ import annotations

import argparse
from typing import Any

from rich.table import Table

from ..errors import CtxvecError
from ..lexicon import EPSILON, LEVELS, METHODS, analogy
from ..store import Store
from ._output import add_json_flag, console, highlight, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "analogy",
        help="word analogies: A − B + C (king man woman -> queen), 3CosAdd or 3CosMul",
        description="Answer A − B + C (`king man woman`: man is to king as woman is to ?) by 3CosAdd "
        "(default) or 3CosMul (Levy & Goldberg 2014: cosines shifted to [0, 1], epsilon in the denominator). "
        "The input words are excluded from the answers unless --include-inputs. At word-type level "
        "(default) candidates are word types (mean of occurrences); with --level occurrence they are "
        "single occurrences, and each input is WORD (its first occurrence), WORD@ROW, or WORD@a new "
        "sentence containing it (embedded with the store's model).",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("words", metavar="WORD", nargs="*", help="A B C: computes A − B + C")
    p.add_argument("--positive", nargs="+", default=[], metavar="WORD", help="more words added")
    p.add_argument("--negative", nargs="+", default=[], metavar="WORD", help="more words subtracted")
    p.add_argument("-k", type=int, default=5, help="number of answers (default 5)")
    p.add_argument("--method", choices=METHODS, default="add", help="add = 3CosAdd (default), mul = 3CosMul")
    p.add_argument("--level", choices=LEVELS, default="type", help="type (default) or occurrence")
    p.add_argument(
        "--include-inputs", action="store_true", help="allow the input words as answers (the blog's behaviour)"
    )
    p.add_argument("--min-count", type=int, default=1, metavar="N", help="type level: candidates need N occurrences")
    p.add_argument("--epsilon", type=float, default=EPSILON, help=f"3CosMul epsilon (default {EPSILON})")
    p.add_argument("--device", default="auto", help="device for inputs given in a new sentence")
    add_json_flag(p)
    p.set_defaults(func=run)


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


def run(args: argparse.Namespace) -> int:
    store = Store.open(args.store)
    positive, negative = split_words(args.words, args.positive, args.negative)
    res = analogy(
        store,
        positive,
        negative,
        k=args.k,
        method=args.method,
        level=args.level,
        include_inputs=args.include_inputs,
        min_count=args.min_count,
        epsilon=args.epsilon,
        device=args.device,
    )
    occs = [store.occurrence(int(r)) if r >= 0 else None for r in res.rows]
    if args.json:
        answers = []
        for w, s, occ in zip(res.words, res.scores, occs, strict=True):
            item: dict[str, Any] = {"word": str(w), "score": float(s)}
            if occ is not None:
                item.update(row=occ.row, sentence_id=occ.sentence_id, sentence=occ.sentence, span=[occ.start, occ.end])
            answers.append(item)
        print_json(
            {
                "positive": positive,
                "negative": negative,
                "method": res.method,
                "level": res.level,
                "input_rows": res.input_rows,
                "answers": answers,
            }
        )
        return 0
    expr = positive[0] + "".join(f" − {w}" for w in negative) + "".join(f" + {w}" for w in positive[1:])
    name = {"add": "3CosAdd", "mul": "3CosMul"}[res.method]
    table = Table(title=f"{expr} = ?  ({name}, {res.level} level)", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("word")
    table.add_column("score", justify="right")
    if res.level == "occurrence":
        table.add_column("row", justify="right")
        table.add_column("sentence", overflow="fold")
    for i, (w, s, occ) in enumerate(zip(res.words, res.scores, occs, strict=True), 1):
        cells: list[Any] = [str(i), str(w), f"{s:.4f}"]
        if occ is not None:
            cells += [str(occ.row), highlight(occ.sentence, occ.start, occ.end)]
        table.add_row(*cells)
    console.print(table)
    return 0
