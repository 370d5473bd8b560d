"""`Sampling`: how much the sampled isotropy measures draw, and with which seed. Light (no numpy),
so the CLI and the web derive their options from its fields."""

from __future__ import annotations

from dataclasses import dataclass

from ..params import check_fields, option


@dataclass(frozen=True)
class Sampling:
    """Sample sizes and seed of the sampled measures (`ctxvec.space.isotropy`): `n_pairs` random pairs
    for the mean cosine; up to `max_words` words with at least `min_count` occurrences (at most
    `max_occurrences` each) for self-similarity and MEV; up to `max_sentences` sentences for
    intra-sentence similarity; all drawn with `seed`. Checked when made (ParameterError naming the field)."""

    n_pairs: int = option(
        10000, "random pairs for the mean cosine", flag="--pairs", low=1, high=10**8, web_high=100_000
    )
    min_count: int = option(5, "words need this many occurrences for self-similarity/MEV", low=2)
    max_words: int = option(500, "words sampled for self-similarity/MEV", low=1, web_high=2000)
    max_occurrences: int = option(50, "occurrences per word used", low=2, web_high=5000)
    max_sentences: int = option(1000, "sentences sampled for intra-sentence similarity", low=1, web_high=5000)
    seed: int = option(0, "seed of every random sample", low=0, high=2**32 - 1)

    def __post_init__(self) -> None:
        check_fields(self)


DEFAULT_SAMPLING = Sampling()
