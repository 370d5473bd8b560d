"""Light constants of ctxvec.decomposition (no numpy, no torch), so the CLI can offer them as choices
without loading the solvers."""

from __future__ import annotations

ATOMS = ("types", "occurrences", "factors")
"""What a decomposition's atoms are: word-type vectors, every occurrence, or learned factors."""

SOLVERS = ("fista", "lasso", "omp")
"""LASSO solvers by name (`ctxvec.lasso.SOLVERS`)."""

DEFAULT_ALPHA = 0.2
"""Default sparsity of `decompose`, as a fraction of each query's alpha_max."""

DEFAULT_NORMALIZE = True
"""Whether `decompose` scales queries and atoms to unit norm before its LASSO: yes, as measured by
benchmarks/bench_decompose_norm.py (more WordNet-related terms and a closer fit than raw vectors)."""

DEFAULT_OMP_TERMS = 10
"""Terms `decompose` asks orthogonal matching pursuit for when no `max_terms` is given."""

DEFAULT_SAMPLES = 100_000
"""Rows `learn_factors` learns from unless told otherwise (each once, in random mini-batches)."""

DEFAULT_EPOCHS = 1
"""Passes `learn_factors` makes over its sample unless told otherwise."""

CODERS = ("auto", "gram", "working-set")
"""Sparse-coding solvers of `FactorLearner`: FISTA on the Gram matrix, working-set FISTA, or by size."""

DEFAULT_CONTEXTUAL = False
"""Whether `decompose` writes the contextual part (vector minus the word type's mean) by default; set by
benchmarks/bench_meaning.py's context-sensitivity measurement (see RESULTS.md)."""
