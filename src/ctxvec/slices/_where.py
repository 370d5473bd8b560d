"""`Where`: a small, safe filter language over a store's metadata columns (no eval).

Grammar (keywords case-insensitive)::

    expr    := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | "(" expr ")" | test
    test    := NAME OP value | NAME ["not"] "in" "(" value ("," value)* ")"
    OP      := "==" | "=" | "!=" | "<" | "<=" | ">" | ">="
    value   := number | 'text' | "text" | true | false

``year < 1900``, ``source in ('times', 'guardian') and not year >= 1950``. A test on a missing
(null) value is false; comparing a number column with text (or the reverse) is an error.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError

_TOKEN = re.compile(
    r"""\s*(?:
      (?P<num>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<op>==|!=|<=|>=|=|<|>)
    | (?P<punct>[(),])
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
Value = float | int | str | bool


def _error(text: str, problem: str, name: str = "where") -> ParameterError:
    return ParameterError(name, f"{{name}} {text!r}: {problem}")


def _tokens(text: str, name: str) -> list[tuple[str, str]]:
    out, at = [], 0
    while at < len(text):
        if not text[at:].strip():
            break
        m = _TOKEN.match(text, at)
        if m is None or m.end() == at:
            raise _error(
                text, f"cannot read {text[at:].strip()[:20]!r}; write tests like year < 1900, source == 'x'", name
            )
        kind = m.lastgroup or ""
        value = m.group(kind)
        if kind == "name" and value.lower() in {"and", "or", "not", "in", "true", "false"}:
            kind, value = "kw", value.lower()
        out.append((kind, value))
        at = m.end()
    return out


@dataclass(frozen=True)
class Test:
    """`column` OP `values` (OP ``in`` / ``not in`` with several values)."""

    column: str
    op: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Node:
    """``and`` / ``or`` of `parts`, or ``not`` of one."""

    op: str
    parts: tuple[Node | Test, ...]


def _error_p(parser: _Parser | Where, problem: str) -> ParameterError:
    return _error(parser.text, problem, parser.name)


class _Parser:
    def __init__(self, text: str, name: str):
        self.name = name
        self.text = text
        self.toks = _tokens(text, name)
        self.i = 0

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i] if self.i < len(self.toks) else ("end", "")

    def take(self, kind: str, value: str | None = None) -> str:
        k, v = self.peek()
        if k != kind or (value is not None and v != value):
            want = value or kind
            raise _error_p(self, f"expected {want} but found {v or 'the end'!r}")
        self.i += 1
        return v

    def parse(self) -> Node | Test:
        if not self.toks:
            raise _error_p(self, "empty; write a test such as year < 1900")
        tree = self.expr()
        if self.i < len(self.toks):
            raise _error_p(self, f"unexpected {self.peek()[1]!r}; join tests with and / or")
        return tree

    def expr(self) -> Node | Test:
        parts = [self.conj()]
        while self.peek() == ("kw", "or"):
            self.i += 1
            parts.append(self.conj())
        return parts[0] if len(parts) == 1 else Node("or", tuple(parts))

    def conj(self) -> Node | Test:
        parts = [self.neg()]
        while self.peek() == ("kw", "and"):
            self.i += 1
            parts.append(self.neg())
        return parts[0] if len(parts) == 1 else Node("and", tuple(parts))

    def neg(self) -> Node | Test:
        if self.peek() == ("kw", "not"):
            self.i += 1
            return Node("not", (self.neg(),))
        if self.peek() == ("punct", "("):
            self.i += 1
            inner = self.expr()
            self.take("punct", ")")
            return inner
        return self.test()

    def test(self) -> Test:
        column = self.take("name")
        kind, v = self.peek()
        if kind == "op":
            self.i += 1
            return Test(column, v, (self.value(),))
        negate = False
        if (kind, v) == ("kw", "not"):
            self.i += 1
            negate = True
        self.take("kw", "in")
        self.take("punct", "(")
        values = [self.value()]
        while self.peek() == ("punct", ","):
            self.i += 1
            values.append(self.value())
        self.take("punct", ")")
        return Test(column, "not in" if negate else "in", tuple(values))

    def value(self) -> Value:
        kind, v = self.peek()
        self.i += 1
        if kind == "num":
            return float(v) if any(c in v for c in ".eE") else int(v)
        if kind == "str":
            return re.sub(r"\\(.)", r"\1", v[1:-1])
        if kind == "kw" and v in ("true", "false"):
            return v == "true"
        self.i -= 1
        hint = f"; quote text: '{v}'" if kind == "name" else ""
        raise _error_p(self, f"expected a number, 'text', true or false but found {v or 'the end'!r}{hint}")


@dataclass(frozen=True)
class Where:
    """A parsed filter: `text` as given, `tree` its syntax tree; `columns` the names it uses."""

    text: str
    tree: Node | Test
    name: str = "where"

    @classmethod
    def parse(cls, text: str, name: str = "where") -> Where:
        """Parse `text`; errors name the parameter `name` (``where``, ``vs``)."""
        return cls(text.strip(), _Parser(text, name).parse(), name)

    @property
    def columns(self) -> list[str]:
        out: list[str] = []

        def walk(t: Node | Test) -> None:
            if isinstance(t, Test):
                out.append(t.column)
            else:
                for p in t.parts:
                    walk(p)

        walk(self.tree)
        return list(dict.fromkeys(out))

    def mask(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """(n,) bool: which rows pass, given each column (n,) (numbers as floats with NaN for null,
        text as an object array with None for null, booleans as an object array)."""
        missing = [c for c in self.columns if c not in columns]
        if missing:
            known = ", ".join(columns) or "none"
            raise _error_p(self, f"no metadata column {missing[0]!r} (this store has: {known})")
        return self._eval(self.tree, columns)

    def _eval(self, t: Node | Test, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        if isinstance(t, Node):
            masks = [self._eval(p, columns) for p in t.parts]
            if t.op == "not":
                return ~masks[0]
            return np.logical_and.reduce(masks) if t.op == "and" else np.logical_or.reduce(masks)
        col = columns[t.column]
        numeric = col.dtype.kind in "fiu"
        for v in t.values:
            if numeric != (isinstance(v, int | float) and not isinstance(v, bool)):
                kind = "numbers" if numeric else "text" if not _is_bool(col) else "true/false"
                raise _error_p(self, f"column {t.column!r} holds {kind}, compared with {v!r}")
        present = ~np.isnan(col) if numeric else np.array([x is not None for x in col], dtype=bool)
        if t.op in ("in", "not in"):
            hit = np.zeros(len(col), dtype=bool)
            for v in t.values:
                hit |= _compare(col, "==", v, present)
            return (hit if t.op == "in" else ~hit) & present
        if not numeric and t.op not in ("==", "=", "!=") and _is_bool(col):
            raise _error_p(self, f"column {t.column!r} holds true/false; compare it with == or !=")
        return _compare(col, t.op, t.values[0], present) & present


def _is_bool(col: np.ndarray) -> bool:
    return any(isinstance(x, bool) for x in col if x is not None)


def _compare(col: np.ndarray, op: str, value: Value, present: np.ndarray) -> np.ndarray:
    out = np.zeros(len(col), dtype=bool)
    if col.dtype.kind in "fiu":
        with np.errstate(invalid="ignore"):
            out[present] = _OPS[op](col[present], value)
        return out
    if isinstance(value, bool) != _is_bool(col):
        return out
    out[present] = np.asarray([_OPS[op](x, value) for x in col[present]], dtype=bool)
    return out
