"""The word-types workflow behind ``ctxvec types``: build (or load) the word types, optionally add
decontextualized vectors for a words file and the benchmark words, write a frequency list, and
summarise the most frequent words."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .._io import atomic_open, check_output_path
from ..results import JSON, Result
from ..store import Store, writes_store
from ._evaluate import benchmark_words as all_benchmark_words
from ._wordtypes import DecontextualizedResult, add_decontextualized, read_words_file, word_types


@dataclass
class WordCount:
    """One word type and its number of occurrences."""

    word: str
    count: int

    def to_dict(self) -> JSON:
        return {"word": self.word, "count": self.count}


@dataclass
class WordTypesSummary(Result):
    """What `build_word_types` did: the number of word types with at least `min_count` occurrences and
    their occurrences, the most frequent words, the frequency list written (or None) and the
    decontextualized words added (or None)."""

    store: str
    n_types: int
    min_count: int
    n_occurrences: int
    top: list[WordCount] = field(default_factory=list)
    frequencies: Path | None = None
    decontextualized: DecontextualizedResult | None = None

    def to_dict(self) -> JSON:
        out: JSON = {
            "store": self.store,
            "types": self.n_types,
            "min_count": self.min_count,
            "occurrences": self.n_occurrences,
            "top": [w.to_dict() for w in self.top],
        }
        if self.frequencies is not None:
            out["frequencies"] = str(self.frequencies)
        if self.decontextualized is not None:
            out["decontextualized"] = self.decontextualized.to_dict()
        return out


@writes_store("store")
def build_word_types(
    store: Store,
    min_count: int = 1,
    top: int = 20,
    frequencies: str | os.PathLike[str] | None = None,
    decontextualized: str | os.PathLike[str] | None = None,
    benchmark_words: bool = False,
    device: str = "auto",
) -> WordTypesSummary:
    """Build and cache `store`'s word types, and summarise those with at least `min_count` occurrences.

    `top`: how many of the most frequent words to list. `frequencies`: a file to write the frequency
    list to (``word<TAB>count`` per line, most frequent first). `decontextualized`: a words file
    (`read_words_file`) whose words the corpus lacks get decontextualized vectors
    (`add_decontextualized`, embedded on `device`); `benchmark_words` adds the words of the analogy
    and word-similarity sets too.
    """
    if frequencies is not None:
        check_output_path(frequencies, "file", overwrite=True, name="frequencies")
    types = word_types(store, min_count=min_count)
    words: list[str] = []
    if decontextualized is not None:
        words += read_words_file(decontextualized)
    if benchmark_words:
        words += all_benchmark_words()
    added = (
        add_decontextualized(store, words, device=device) if decontextualized is not None or benchmark_words else None
    )
    order = types.frequency_order()
    written = None
    if frequencies is not None:
        written = Path(frequencies)
        written.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(written) as f:
            f.write("".join(f"{types.words[i]}\t{int(types.counts[i])}\n" for i in order))
    return WordTypesSummary(
        store=str(store.path),
        n_types=len(types),
        min_count=min_count,
        n_occurrences=int(types.counts.sum()),
        top=[WordCount(str(types.words[i]), int(types.counts[i])) for i in order[: max(top, 0)]],
        frequencies=written,
        decontextualized=added,
    )
