"""ctxvec.explain: which context words make two occurrences similar, or make one occurrence load on
a decomposition term (leave-one-word-out re-embedding with the store's own encoder).

Modules: `_names` (light constants), `_content` (which words are tried), `_ablate` (the variants of a sentence, encoded in one batch),
`_result` (`Explanation`, `Side`, `WordEffect`), `_explain` (`explain_pair`, `explain_term`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "ABLATIONS": "_names",
    "DEFAULT_ABLATION": "_names",
    "DEFAULT_TOP": "_names",
    "is_content_word": "_content",
    "Ablated": "_ablate",
    "Target": "_ablate",
    "ablate": "_ablate",
    "Explanation": "_result",
    "Side": "_result",
    "WordEffect": "_result",
    "explain_pair": "_explain",
    "explain_term": "_explain",
}
__all__ = [
    "ABLATIONS",
    "DEFAULT_ABLATION",
    "DEFAULT_TOP",
    "Ablated",
    "Explanation",
    "Side",
    "Target",
    "WordEffect",
    "ablate",
    "explain_pair",
    "explain_term",
    "is_content_word",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._ablate import Ablated, Target, ablate
    from ._content import is_content_word
    from ._explain import explain_pair, explain_term
    from ._names import ABLATIONS, DEFAULT_ABLATION, DEFAULT_TOP
    from ._result import Explanation, Side, WordEffect
