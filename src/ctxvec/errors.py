"""The one exception type users see: a clear, one-line message about bad input."""

from __future__ import annotations


class CtxvecError(Exception):
    """Bad input or an unusable store/model; the CLI prints it on one line and exits with 2."""
