"""`ctxvec explain STORE --row A --row B`: which context words make two occurrences similar."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.text import Text

from ..explain import ABLATIONS, DEFAULT_ABLATION, DEFAULT_TOP
from ._output import add_json_flag, console, terminal_safe

if TYPE_CHECKING:
    from ..explain import Explanation, Side

SHOWN = 8  # context words listed under each sentence


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "explain",
        help="which context words make two occurrences similar (or one load on a decomposition term)",
        description="Leave each context word out in turn, re-embed the sentence with the store's own model "
        "and print how much the cosine drops without it: for two occurrences (--row A --row B, or WORD --in "
        "TEXT and --row B), or for one occurrence and a decomposition term's word-type vector (--term). "
        "The sentences are printed with the occurrence in [ ] and the --top words that raise the cosine most in { }.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("word", metavar="WORD", nargs="?", default=None, help="the word of --in TEXT to explain")
    p.add_argument("--row", dest="rows", type=int, action="append", default=None, metavar="ID",
                   help="an occurrence: row ID of the store (twice for a pair)")  # fmt: skip
    p.add_argument(
        "--in", dest="in_sentence", default=None, metavar="TEXT", help="WORD in a new sentence (its first use)"
    )
    p.add_argument(
        "--term", default=None, metavar="WORD", help="explain the occurrence's cosine with this word's type vector"
    )
    p.add_argument(
        "--top", type=int, default=DEFAULT_TOP, metavar="N", help=f"words marked per sentence (default {DEFAULT_TOP})"
    )
    p.add_argument("--ablation", choices=ABLATIONS, default=DEFAULT_ABLATION,
                   help=f"how a word is left out: mask its wordpieces or delete them (default {DEFAULT_ABLATION})")  # fmt: skip
    p.add_argument("--all-words", action="store_true", help="also try punctuation and function words")
    p.add_argument("--device", default="auto", help="device for the forward pass (auto, cpu, cuda, mps)")
    add_json_flag(p)


def compute(args: argparse.Namespace) -> Explanation:
    from ..explain import explain_pair, explain_term
    from ..store import Store

    store = Store.open(args.store)
    options = {"word": args.word, "in_sentence": args.in_sentence, "top": args.top, "ablation": args.ablation,
               "all_words": args.all_words, "device": args.device}  # fmt: skip
    if args.term is not None:
        return explain_term(store, args.term, args.rows or [], **options)
    return explain_pair(store, args.rows or [], **options)


def render(result: Explanation, args: argparse.Namespace) -> None:
    tried = "all words" if result.all_words else "content words"
    passes = f"{result.n_forward} forward pass{'es' if result.n_forward != 1 else ''}"
    if result.term is None:
        a, b = (s.occurrence.token for s in result.sides)
        head = f"cos({a}, {b}) = {result.cosine:.4f}"
    else:
        head = f"cos({result.sides[0].occurrence.token}, type vector of {result.term}) = {result.cosine:.4f}"
    console.print(Text(terminal_safe(head), style="bold"))
    console.print(
        Text(f"each word left out ({result.ablation}, {tried}; {passes}): how much the cosine drops", style="dim")
    )
    for side in result.sides:
        console.print()
        _side(side)


def _side(side: Side) -> None:
    occ = side.occurrence
    where = f"row {occ.row}, sentence {occ.sentence_id}" if occ.row >= 0 else "new sentence"
    console.print(Text(terminal_safe(f"{occ.token} ({where})"), style="bold"))
    console.print(_marked(side))
    line = Text("  ")
    for i, e in enumerate(side.effects[:SHOWN]):
        if i:
            line.append(" · ", style="dim")
        line.append(terminal_safe(e.word), style="bold green" if e in side.marked_words else "")
        line.append(f" {e.drop:+.4f}", style="green" if e.drop > 0 else "red")
    if len(side.effects) > SHOWN:
        line.append(f" · … {len(side.effects) - SHOWN} more", style="dim")
    if not side.effects:
        line.append("no content word to leave out (--all-words tries function words and punctuation)", style="dim")
    console.print(line)
    notes = [f"{side.n_skipped} function words / punctuation not tried"] if side.n_skipped else []
    if side.n_outside:
        notes.append(f"{side.n_outside} words outside the model window")
    if notes:
        console.print(Text("  " + "; ".join(notes), style="dim"))


def _marked(side: Side) -> Text:
    """The sentence with the occurrence in [ ] (underlined) and the marked words in { } (bold green)."""
    occ = side.occurrence
    spans = [(occ.start, occ.end, "[]", "bold underline")]
    spans += [(e.start, e.end, "{}", "bold green") for e in side.marked_words]
    text = Text()
    at = 0
    for start, end, marks, style in sorted(spans):
        text.append(terminal_safe(occ.sentence[at:start]))
        text.append(marks[0] + terminal_safe(occ.sentence[start:end]) + marks[1], style=style)
        at = end
    text.append(terminal_safe(occ.sentence[at:]))
    return text
