"""What an explanation returns: per context word, how much the cosine falls when that word is left out."""

from __future__ import annotations

from dataclasses import dataclass

from ..results import JSON, Result
from ..store import Occurrence

QUERY_MARKS = ("[", "]")  # the occurrence itself in `Side.marked`
WORD_MARKS = ("{", "}")  # the context words that pull the cosine up most


@dataclass(frozen=True)
class WordEffect:
    """One context word: its position among the sentence's words, text and character span, the
    cosine with the word left out, and `drop` = cosine with it - cosine without it (> 0: the word
    pulls the two vectors together; < 0: it pushes them apart)."""

    position: int
    word: str
    start: int
    end: int
    cosine: float
    drop: float

    def to_dict(self) -> JSON:
        return {
            "position": self.position,
            "word": self.word,
            "start": self.start,
            "end": self.end,
            "cosine": self.cosine,
            "drop": self.drop,
        }


@dataclass
class Side:
    """One explained occurrence (row -1: a new sentence) and its context words, largest drop first.

    `check` is the cosine of the re-embedded whole sentence's vector with the one the store holds (or
    `queries.select_queries` gives a new sentence): 1 up to the store's float16 rounding. `n_outside`
    counts words outside the model window that computed the occurrence (they never reached it),
    `n_skipped` the punctuation and function words not tried (see `explain_pair`'s `all_words`)."""

    occurrence: Occurrence
    effects: list[WordEffect]
    top: int
    check: float
    n_outside: int = 0
    n_skipped: int = 0

    @property
    def marked_words(self) -> list[WordEffect]:
        """The words marked in `marked`: the first `top` effects with a positive drop."""
        return [e for e in self.effects[: self.top] if e.drop > 0]

    @property
    def marked(self) -> str:
        """The sentence with the occurrence in ``[ ]`` and the marked words in ``{ }``."""
        occ = self.occurrence
        spans = [(occ.start, occ.end, QUERY_MARKS)] + [(e.start, e.end, WORD_MARKS) for e in self.marked_words]
        text = occ.sentence
        for start, end, (left, right) in sorted(spans, reverse=True):
            text = text[:start] + left + text[start:end] + right + text[end:]
        return text

    def to_dict(self) -> JSON:
        occ = self.occurrence
        return {
            "row": occ.row,
            "sentence_id": occ.sentence_id,
            "position": occ.position,
            "token": occ.token,
            "start": occ.start,
            "end": occ.end,
            "sentence": occ.sentence,
            "marked": self.marked,
            "marked_positions": [e.position for e in self.marked_words],
            "check": self.check,
            "n_outside": self.n_outside,
            "n_skipped": self.n_skipped,
            "effects": [e.to_dict() for e in self.effects],
        }


@dataclass
class Explanation(Result):
    """Why two occurrences are similar (two `sides`), or why one occurrence loads on a decomposition
    `term` (one side): the `cosine` of the re-embedded vectors (occurrence with occurrence, or with the
    term's word-type atom), each side's context words ranked by how much that cosine drops without them.
    `ablation` says how a word was left out, `all_words` whether function words were tried; `n_forward` the forward passes run."""

    frame_path = ("sides", "effects")  # rows of to_frame(), items of result[i]

    cosine: float
    sides: list[Side]
    ablation: str
    all_words: bool
    top: int
    n_forward: int
    term: str | None = None

    @property
    def kind(self) -> str:
        return "term" if self.term is not None else "pair"

    def to_dict(self) -> JSON:
        return {
            "kind": self.kind,
            "term": self.term,
            "cosine": self.cosine,
            "ablation": self.ablation,
            "all_words": self.all_words,
            "top": self.top,
            "n_forward": self.n_forward,
            "sides": [s.to_dict() for s in self.sides],
        }
