"""Names read from a store's own files (manifest, cache records) made safe before use as paths.

A store folder is untrusted input: a crafted manifest must not make ctxvec read or write outside
it. Every name taken from a manifest or a cache file (transform ids, folder names of saved
transforms, cache file names) goes through `check_name` (a plain file name: letters, digits and
``. _ + -``, no separator, no ``..``) and, when it becomes a path, `inside_store` (which also
resolves links and refuses anything that lands outside the store folder).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import CtxvecError

__all__ = ["SAFE_NAME", "check_name", "inside_store"]

SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}")
"""A plain file name: starts with a letter, digit or ``_``; at most 128 characters; no separator."""


def check_name(value: object, what: str, source: str | os.PathLike[str]) -> str:
    """`value` when it is a plain file name (`SAFE_NAME`, no ``..``); otherwise a one-line CtxvecError
    naming `what` (e.g. ``transform_id``), the bad value and `source` (the file it was read from)."""
    if isinstance(value, str) and SAFE_NAME.fullmatch(value) and ".." not in value:
        return value
    raise CtxvecError(
        f"{source} has a bad {what} {value!r} (not a plain file name inside the store); "
        "the store was tampered with or damaged: rebuild it, or run `ctxvec verify` on it"
    )


def inside_store(store_path: str | os.PathLike[str], *names: object, what: str = "name") -> Path:
    """The path ``store_path / name / ...`` after checking each of `names` with `check_name` and that
    the path, links resolved, stays inside the store folder; CtxvecError otherwise."""
    root = Path(store_path)
    source = root / "manifest.json"
    path = root.joinpath(*(check_name(n, what, source) for n in names))
    resolved_root = root.resolve()
    resolved = path.resolve()
    if resolved != resolved_root and not resolved.is_relative_to(resolved_root):
        shown = "/".join(str(n) for n in names)
        raise CtxvecError(
            f"{root}: {what} {shown!r} leads outside the store (to {resolved}); "
            "a store never links outside itself: remove the link or rebuild the store"
        )
    return path
