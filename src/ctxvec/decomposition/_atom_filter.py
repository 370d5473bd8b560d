"""`AtomFilter`: which atoms a decomposition's queries may use beyond the default ones, declared once.
Light (no numpy), so ``ctxvec decompose`` derives its options from these fields."""

from __future__ import annotations

from dataclasses import dataclass

from ..params import check_fields, option


@dataclass(frozen=True)
class AtomFilter:
    """What `decompose` leaves out of each query's atoms, and what it lets back in. The query's own word
    is never an atom; by default its family, its spelling look-alikes, punctuation and (occurrence
    atoms) its own sentence's tokens and stop words are left out too, and so are the words of `exclude`."""

    keep_family: bool = option(
        False,
        "allow the query word's morphological family (banks, banker for bank; musical, musically for music) as "
        "atoms; by default it is left out, and the output says what was",
    )
    keep_lookalikes: bool = option(
        False,
        "allow the query word's spelling look-alikes (same first wordpiece or lemma prefix, not family: bankhead, "
        "banknotes for bank) as atoms; left out by default, and listed",
    )
    own_sentence: bool = option(
        False,
        "with --atoms occurrences: allow the tokens of the query's own sentence as atoms (left out by default: "
        "they are its context, not its meaning)",
    )
    stop_words: bool = option(
        False, "with --atoms occurrences: allow stop words (the, and, of …) as atoms (left out by default)"
    )
    punctuation: bool = option(False, "allow punctuation tokens as atoms (excluded by default)")
    exclude: tuple[str, ...] = option((), "words that may not be atoms", metavar="WORD")

    def __post_init__(self) -> None:
        object.__setattr__(self, "exclude", tuple(self.exclude))  # a front end's list
        check_fields(self)


DEFAULT_ATOM_FILTER = AtomFilter()
