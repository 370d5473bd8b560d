"""Typed argparse converters: every numeric option is parsed and range-checked at the CLI boundary.

A converter (`Number`) turns the option's text into an int or a float and refuses, in one line
naming the value and the valid range, anything outside it: ``argument -k: must be an integer >= 1,
got '0'``. NaN and infinite floats are always refused. Each declared option (`ctxvec.cli._params.Opt`)
gets its own from its `low` / `high`; the bounds live there, on the option.
"""

from __future__ import annotations

import argparse
import math

from ..params import INT_MAX


class Number:
    """An argparse ``type=``: text -> `number_type` within [`low`, `high`] (`open_low`: low excluded)."""

    def __init__(
        self, number_type: type[int] | type[float], low: float | None = None, high: float | None = None,
        open_low: bool = False,
    ) -> None:  # fmt: skip
        self.number_type = number_type
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


DEFAULT_INT = Number(int, 0, INT_MAX)
DEFAULT_FLOAT = Number(float)


def checked_numbers(parser: argparse.ArgumentParser, command: str) -> None:
    """Give every ``type=int`` / ``type=float`` action of `parser` (and of its sub-parsers) a default
    `Number` (an int from 0 to 2**31 - 1, a finite float): for a command module that still adds its
    own argparse options (``register``) instead of declaring them (`ctxvec.cli._params`)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                checked_numbers(sub, command)
        elif action.type in (int, float):
            action.type = DEFAULT_INT if action.type is int else DEFAULT_FLOAT
