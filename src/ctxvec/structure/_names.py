"""The choices of the structure operations, in a module that imports nothing (the CLI reads them at start-up)."""

from __future__ import annotations

#: projection methods of `project`
METHODS = ("pca", "umap", "tsne")
#: how `project_words` picks its points
LEVELS = ("occurrences", "types", "sample")
#: what `project_words` colours by
COLORS = ("word", "sense")
#: what `cluster` clusters
CLUSTER_LEVELS = ("types", "occurrences")
#: how methods are written in titles
METHOD_NAMES = {"pca": "PCA", "umap": "UMAP", "tsne": "t-SNE"}
