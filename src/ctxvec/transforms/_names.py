"""Transform method names (a light module: the CLI reads it for its choices of method)."""

from __future__ import annotations

METHOD_NAMES = ("center", "abtt", "whitening", "conceptor", "pca")
"""center | abtt (all-but-the-top) | whitening | conceptor (negation) | pca."""
