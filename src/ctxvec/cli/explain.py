"""`ctxvec explain STORE --row A --row B`: which context words make two occurrences similar."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from rich.text import Text

from ..explain import ABLATIONS, DEFAULT_ABLATION, DEFAULT_TOP
from ._output import console, terminal_safe
from ._params import DEVICE, STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..explain import Explanation, Side

SHOWN = 8  # context words listed under each sentence


COMMAND = Command(
    "explain",
    help="which context words make two occurrences similar (or one load on a decomposition term)",
    description="Leave each context word out in turn, re-embed the sentence with the store's own model "
    "and print how much the cosine drops without it: for two occurrences (--row A --row B, or WORD --in "
    "TEXT and --row B), or for one occurrence and a decomposition term's word-type vector (--term). "
    "The sentences are printed with the occurrence in [ ] and the --top words that raise the cosine most in { }.",
    served=True,
    options=options(
        STORE,
        Opt("word", positional=True, metavar="WORD", help="the word of --in TEXT to explain"),
        Opt("rows", int, flag="--row", append=True, low=0, metavar="ID",
            help="an occurrence: row ID of the store (twice for a pair)"),
        Opt("in_sentence", flag="--in", metavar="TEXT", help="WORD in a new sentence (its first use)"),
        Opt("term", metavar="WORD", help="explain the occurrence's cosine with this word's type vector"),
        Opt("top", int, DEFAULT_TOP, "words marked per sentence", low=1, web_high=200, metavar="N"),
        Opt("ablation", default=DEFAULT_ABLATION, choices=ABLATIONS,
            help="how a word is left out: mask its wordpieces or delete them"),
        Opt("all_words", bool, help="also try punctuation and function words"),
        replace(DEVICE, help="device for the forward pass (auto, cpu, cuda, mps)"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> Explanation:
    from ..explain import explain_pair, explain_term

    store = args.store
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
