"""Typed argparse converters: every numeric option is parsed and range-checked at the CLI boundary.

A converter (`Number`) turns the option's text into an int or a float and refuses, in one line
naming the value and the valid range, anything outside it: ``argument -k: must be an integer >= 1,
got '0'``. NaN and infinite floats are always refused.

Command modules declare ``type=int`` / ``type=float``; `checked_numbers` (called by
`ctxvec.cli.build_parser` on every subcommand) swaps each for its converter from `RANGES` (by
``command.name``, then by ``name``, the long option without dashes), or for the default one (an int from 0 to 2**31 - 1, a finite
float), so a new option is checked even before it has an entry here.
"""

from __future__ import annotations

import argparse
import math

INT_MAX = 2**31 - 1  # what every library (numpy seeds, faiss, torch sizes) takes


class Number:
    """An argparse ``type=``: text -> `number_type` within [`low`, `high`] (`open_low`: low excluded)."""

    def __init__(
        self, number_type: type[int] | type[float], low: float | None = None, high: float | None = None,
        open_low: bool = False,
    ) -> None:  # fmt: skip
        self.number_type = number_type  # read by the web API (`ctxvec.cli._api`) for its own checks
        self.low, self.high, self.open_low = low, high, open_low
        self.__name__ = number_type.__name__  # argparse names the type in some messages

    def describe(self) -> str:
        """``an integer from 1 to 256``, ``a finite number > 0``, ..."""
        kind = "an integer" if self.number_type is int else "a finite number"

        def show(x: float) -> str:
            return str(int(x)) if self.number_type is int else f"{x:g}"

        if self.low is not None and self.high is not None and not self.open_low:
            return f"{kind} from {show(self.low)} to {show(self.high)}"
        bounds = []
        if self.low is not None:
            bounds.append(f"{'>' if self.open_low else '>='} {show(self.low)}")
        if self.high is not None:
            bounds.append(f"<= {show(self.high)}")
        return kind + (" " + " and ".join(bounds) if bounds else "")

    def __call__(self, text: str) -> int | float:
        value: int | float
        try:
            value = int(text.strip()) if self.number_type is int else float(text)
        except (TypeError, ValueError):
            raise argparse.ArgumentTypeError(f"must be {self.describe()}, got {text[:40]!r}") from None
        too_low = self.low is not None and (value <= self.low if self.open_low else value < self.low)
        too_high = self.high is not None and value > self.high
        if not math.isfinite(value) or too_low or too_high:
            raise argparse.ArgumentTypeError(f"must be {self.describe()}, got {text[:40]!r}")
        return value

    def __repr__(self) -> str:
        return f"Number({self.describe()})"


def positive_int(high: int = INT_MAX) -> Number:
    return Number(int, 1, high)


def nonnegative_int(high: int = INT_MAX) -> Number:
    return Number(int, 0, high)


def positive_float(high: float | None = None) -> Number:
    return Number(float, 0, high, open_low=True)


def nonnegative_float(high: float | None = None) -> Number:
    return Number(float, 0, high)


def finite_float() -> Number:
    return Number(float)


SEED = Number(int, 0, 2**32 - 1)
DEFAULT_INT = nonnegative_int()
DEFAULT_FLOAT = finite_float()

RANGES: dict[str, Number] = {
    # shared meanings
    "k": positive_int(),
    "seed": SEED,
    "min_count": positive_int(),
    "limit": positive_int(),
    "top": positive_int(),
    "sample": positive_int(),
    "samples": positive_int(),
    "pairs": positive_int(10**8),
    "width": Number(int, 50, 20_000),  # what a figure takes (save_figure)
    "height": Number(int, 50, 20_000),
    "max_occurrences": positive_int(),
    "max_words": positive_int(),
    "max_sentences": positive_int(),
    "max_points": positive_int(),
    "n_words": positive_int(),
    "per_word": positive_int(),
    "top_dims": positive_int(),
    "top_k": positive_int(),
    "members": positive_int(),
    "fit_rows": positive_int(),
    "tol": positive_float(),
    # per command
    "analogy.epsilon": positive_float(),
    "decompose.alpha": positive_float(),
    "decompose.alpha_abs": positive_float(),
    "decompose.max_terms": positive_int(),
    "embed.max_length": Number(int, 4, INT_MAX),
    "embed.window_overlap": nonnegative_int(),
    "embed.batch_tokens": positive_int(),
    "evaluate.wic_pairs": Number(int, 4, INT_MAX),
    "export.occurrences": nonnegative_int(),
    "factors.n_factors": positive_int(),
    "factors.alpha": positive_float(),
    "factors.batch_size": positive_int(),
    "factors.epochs": Number(int, 1, 1000),
    "factors.factor": nonnegative_int(),
    "index.m": Number(int, 2, 256),
    "isotropy.sample": Number(int, 2, INT_MAX),
    "index.ef_construction": positive_int(),
    "index.ef_search": positive_int(),
    "index.nlist": positive_int(),
    "index.nprobe": positive_int(),
    "plot.neighbors": Number(int, 2, INT_MAX),
    "senses.k": positive_int(),
    "senses.max_k": Number(int, 2, INT_MAX),
    "senses.sentences": nonnegative_int(),
    "senses.words": nonnegative_int(),
    "serve.port": nonnegative_int(65_535),
    "serve.workers": positive_int(1024),
    "serve.max_wait": nonnegative_float(3600),
    "similar.k": positive_int(),
    "shift.min_count": Number(int, 2, INT_MAX),
    "shift.max_per_side": Number(int, 2, 100_000),
    "shift.permutations": positive_int(100_000),
    "shift.bootstrap": positive_int(100_000),
    "shift.examples": nonnegative_int(),
    "transform.n_components": positive_int(),
    "transform.alpha": positive_float(),
    "types.top": nonnegative_int(),
    "sentence": nonnegative_int(),
    "row": nonnegative_int(),
}


def option_name(action: argparse.Action) -> str:
    """The name `RANGES` knows an option by: its long option without dashes (``--max-k`` -> ``max_k``),
    or a positional's dest."""
    if not action.option_strings:
        return action.dest
    return max(action.option_strings, key=len).lstrip("-").replace("-", "_")


def converter_for(command: str, name: str, declared: object) -> Number:
    """The converter of option `name` (see `option_name`) of `command` declared with ``type=declared``."""
    found = RANGES.get(f"{command}.{name}") or RANGES.get(name)
    if found is not None and found.number_type is declared:
        return found
    return DEFAULT_INT if declared is int else DEFAULT_FLOAT


def checked_numbers(parser: argparse.ArgumentParser, command: str) -> None:
    """Give every ``type=int`` / ``type=float`` action of `parser` (and of its sub-parsers) its `Number`."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                checked_numbers(sub, command)
        elif action.type in (int, float):
            action.type = converter_for(command, option_name(action), action.type)
