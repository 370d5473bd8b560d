"""Reading, checking and updating a store's ``manifest.json`` (the only file `Store.open` reads).

Every write of a manifest goes through `write_manifest` / `update_manifest`: the whole file is
written under a temporary name, fsynced and renamed (`ctxvec._io`), so a crash never leaves half
of one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Mapping
from pathlib import Path

from .._io import write_json_atomic
from ..errors import CtxvecError
from ..results import JSON
from ._format import FORMAT_VERSION, MANIFEST

REBUILD = "restore the store from a copy, or embed the corpus again into a new folder"

__all__ = ["check_complete", "read_manifest", "update_manifest", "write_manifest"]


def read_manifest(folder: str | os.PathLike[str]) -> JSON:
    """The parsed manifest of the store folder `folder`, finished or not; CtxvecError when there is
    none or it is not valid JSON."""
    p = Path(folder)
    mf = p / MANIFEST
    if not mf.is_file():
        raise CtxvecError(f"{p} is not a ctxvec store (no {MANIFEST}); build one with ctxvec.embed or `ctxvec embed`")
    try:
        manifest = json.loads(mf.read_bytes().decode("utf-8"))
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        detail = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise CtxvecError(f"{mf} is not valid JSON ({detail}); {REBUILD}") from None
    except OSError as e:
        raise CtxvecError(f"{mf} cannot be read ({e.strerror}); check its permissions") from None
    if not isinstance(manifest, dict):
        raise CtxvecError(f"{mf} is not a JSON object; {REBUILD}")
    return manifest


def check_complete(folder: str | os.PathLike[str], manifest: JSON) -> None:
    """CtxvecError unless `manifest` is a finished store of the format this ctxvec reads."""
    if manifest.get("format_version") != FORMAT_VERSION:
        raise CtxvecError(
            f"{folder} has store format {manifest.get('format_version')!r}, this ctxvec reads {FORMAT_VERSION}; "
            "embed the corpus again with this ctxvec (or open it with the ctxvec that wrote it)"
        )
    if manifest.get("state") != "complete":
        raise CtxvecError(unfinished_message(folder, manifest))


def unfinished_message(folder: str | os.PathLike[str], manifest: JSON) -> str:
    """One line saying that the store at `folder` is unfinished and the command that finishes it: its
    ``made_by`` (recorded by ``embed`` and ``transform --out`` when the job has a command line), else the
    same call again."""
    made_by = manifest.get("made_by")
    again = f"`{made_by}`" if isinstance(made_by, str) and made_by else "the same embed call"
    return f"{folder} is an unfinished store (state {manifest.get('state')!r}); run {again} again to finish it"


def write_manifest(folder: str | os.PathLike[str], manifest: JSON) -> None:
    """Replace the manifest of `folder` with `manifest`, atomically."""
    write_json_atomic(Path(folder) / MANIFEST, manifest)


def update_manifest(
    folder: str | os.PathLike[str], changes: Mapping[str, object], remove: Collection[str] = ()
) -> JSON:
    """Set the entries `changes` and drop the keys `remove` in the manifest of `folder` (read from
    disk, not from an open Store), write it atomically and return the new manifest."""
    manifest = read_manifest(folder)
    for key in remove:
        manifest.pop(key, None)
    manifest.update(changes)
    write_manifest(folder, manifest)
    return manifest
