"""ctxvec.shift: how a word's usage differs between two corpora or two slices of one (semantic change).

`store_sides(a, b)` / `slice_sides(store, where, vs)` make the two sides; `word_shift(a, b, word)`
compares one word (APD, PRT, JSD over joint senses and the change-only APD excess, each with a
permutation p-value and a bootstrap interval, plus the senses' shares and sentences on each side);
`rank_shift(a, b)` ranks every word common to both sides with Benjamini–Hochberg q-values. The measures
are defined in `ctxvec.shift._measures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "MEASURES": "_names",
    "MeasureValue": "_measures",
    "RankedWord": "_result",
    "SenseShift": "_result",
    "ShiftRanking": "_result",
    "ShiftWords": "_result",
    "Side": "_sides",
    "WordShift": "_result",
    "benjamini_hochberg": "_measures",
    "check_same_space": "_sides",
    "rank_shift": "_rank",
    "slice_sides": "_sides",
    "store_sides": "_sides",
    "word_shift": "_word",
}
__all__ = [
    "MEASURES",
    "MeasureValue",
    "RankedWord",
    "SenseShift",
    "ShiftRanking",
    "ShiftWords",
    "Side",
    "WordShift",
    "benjamini_hochberg",
    "check_same_space",
    "rank_shift",
    "slice_sides",
    "store_sides",
    "word_shift",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._measures import MeasureValue, benjamini_hochberg
    from ._names import MEASURES
    from ._rank import rank_shift
    from ._result import RankedWord, SenseShift, ShiftRanking, ShiftWords, WordShift
    from ._sides import Side, check_same_space, slice_sides, store_sides
    from ._word import word_shift
