"""Light constant tables of the lexicon package (no heavy imports: the CLI reads them at load time)."""

from __future__ import annotations

#: Analogy methods: 3CosAdd and 3CosMul (Levy & Goldberg 2014).
METHODS = ("add", "mul")
#: Analogy levels: candidates are word types or single occurrences.
LEVELS = ("types", "occurrences")
#: 3CosMul's epsilon (Levy & Goldberg 2014, footnote 7).
EPSILON = 1e-3
#: Export formats.
FORMATS = ("word2vec", "projector")
#: Benchmark tasks of `evaluate`.
TASKS = ("analogy", "ws353", "simlex", "wic")
#: Word-in-context pairs built by default.
DEFAULT_PAIRS = 2000
