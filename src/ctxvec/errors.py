"""The exceptions users see: one line naming the bad value and the fix.

`CtxvecError` is bad input or an unusable store/model. `ParameterError` is a bad argument of a
library function: its message names the Python parameter (``max_terms``); front ends that call
the parameter something else (the CLI's ``--max-terms``) render it with `message_for`.
"""

from __future__ import annotations


class CtxvecError(Exception):
    """Bad input or an unusable store/model; the CLI prints it on one line and exits with 2."""


class ParameterError(CtxvecError, ValueError):
    """A bad value for parameter `name`. `template` holds ``{name}`` where the name goes.

    >>> str(ParameterError("max_terms", "{name} must be at least 1, got -1"))
    'max_terms must be at least 1, got -1'
    """

    def __init__(self, name: str, template: str):
        self.name = name
        self.template = template
        super().__init__(self.message_for(name))

    def message_for(self, name: str) -> str:
        """The message with the parameter called `name` (e.g. a command-line flag). Only the literal
        ``{name}`` is replaced, so values quoted in the message may hold any braces."""
        return self.template.replace("{name}", name)
