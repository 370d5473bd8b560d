"""ctxvec.neighbours: nearest occurrences by cosine similarity.

Modules, each importing only those before it: `_kinds` (light constants), `_topk` (`Matches`,
validation, sorting, grouping), `_backend` (the `Backend` interface), `_exact` (the exact scan,
`search_vectors`), `_faiss` (`StoreIndex`, a faiss backend; `IndexInfo`), `_indexes` (build, list,
load, remove indexes kept in a store), `_usage` (is a new sentence's usage of a word in the corpus? `check_usage`), `_similar` (`similar`
choosing a backend; `Similar`, `Hit`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "GROUPS": "_kinds",
    "BACKENDS": "_kinds",
    "IndexParams": "_index_params",
    "KINDS": "_kinds",
    "Matches": "_topk",
    "check_k": "_topk",
    "Backend": "_backend",
    "ExactScan": "_exact",
    "exact_scores": "_exact",
    "scan_kernel": "_exact",
    "search_vectors": "_exact",
    "IndexInfo": "_faiss",
    "StoreIndex": "_faiss",
    "IndexList": "_indexes",
    "IndexRemoved": "_indexes",
    "build_index": "_indexes",
    "index_info": "_indexes",
    "list_indexes": "_indexes",
    "load_index": "_indexes",
    "measure_recall": "_indexes",
    "remove_index": "_indexes",
    "Hit": "_similar",
    "Similar": "_similar",
    "backend_kind": "_similar",
    "choose_backend": "_similar",
    "similar": "_similar",
    "FormsExcluded": "_similar",
    "Filtered": "_similar",
    "Usage": "_usage",
    "check_usage": "_usage",
    "check_occurrence": "_usage",
    "UsageCheck": "_usage",
    "usage_warning": "_usage",
}
__all__ = [
    "BACKENDS",
    "GROUPS",
    "KINDS",
    "Backend",
    "ExactScan",
    "Filtered",
    "FormsExcluded",
    "Hit",
    "IndexInfo",
    "IndexList",
    "IndexParams",
    "IndexRemoved",
    "Matches",
    "Similar",
    "StoreIndex",
    "Usage",
    "UsageCheck",
    "backend_kind",
    "build_index",
    "check_k",
    "check_occurrence",
    "check_usage",
    "choose_backend",
    "exact_scores",
    "index_info",
    "list_indexes",
    "load_index",
    "measure_recall",
    "remove_index",
    "scan_kernel",
    "search_vectors",
    "similar",
    "usage_warning",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._backend import Backend
    from ._exact import ExactScan, exact_scores, scan_kernel, search_vectors
    from ._faiss import IndexInfo, StoreIndex
    from ._index_params import IndexParams
    from ._indexes import (
        IndexList,
        IndexRemoved,
        build_index,
        index_info,
        list_indexes,
        load_index,
        measure_recall,
        remove_index,
    )
    from ._kinds import BACKENDS, GROUPS, KINDS
    from ._similar import Filtered, FormsExcluded, Hit, Similar, backend_kind, choose_backend, similar
    from ._topk import Matches, check_k
    from ._usage import Usage, UsageCheck, check_occurrence, check_usage, usage_warning
