"""Light constants of `ctxvec.neighbours` (no heavy imports: the CLI uses them in ``choices=``)."""

from __future__ import annotations

#: faiss index kinds a store can keep (``index/<kind>.faiss``); how each is made: `_recipes`.
KINDS = ("hnsw", "hnsw-sq8", "ivf", "ivfpq", "flat")
#: Groupings of a top-k: none, the best hit per sentence, the best occurrence per word type.
GROUPS = (None, "sentence", "word", "word-sentence")
#: How `similar` searches, by name: the preferred current index else the scan, an exact answer, or a saved index kind.
BACKENDS = ("auto", "exact", *KINDS)
