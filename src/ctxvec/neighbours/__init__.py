"""ctxvec.neighbours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "KINDS": "_index",
    "Matches": "_search",
    "Similar": "_search",
    "build_index": "_index",
    "check_k": "_search",
    "choose_index": "_index",
    "index_info": "_index",
    "list_indexes": "_index",
    "load_index": "_index",
    "remove_index": "_index",
    "scan_kernel": "_search",
    "search_vectors": "_search",
    "similar": "_search",
}
__all__ = [
    "KINDS",
    "Matches",
    "Similar",
    "build_index",
    "check_k",
    "choose_index",
    "index_info",
    "list_indexes",
    "load_index",
    "remove_index",
    "scan_kernel",
    "search_vectors",
    "similar",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._index import KINDS, build_index, choose_index, index_info, list_indexes, load_index, remove_index
    from ._search import Matches, Similar, check_k, scan_kernel, search_vectors, similar
