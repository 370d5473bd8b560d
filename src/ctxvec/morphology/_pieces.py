"""The first wordpiece of every vocabulary word, by the store's own tokenizer (for the first-wordpiece rule).

Only a model folder on this machine is read (the store's recorded model, its weights checked by
`ctxvec.encoding.model_for_store`); a store whose model is not a local folder (built from arrays, or a hub
id) gets no pieces, so its families go without that rule. Nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CtxvecError

if TYPE_CHECKING:
    from ..store import Store


def store_tokenizer_folder(store: Store) -> str | None:
    """The local model folder of `store`'s tokenizer, or None when there is none here."""
    from ..encoding import model_for_store

    try:
        path = model_for_store(store.manifest["model"])
    except (CtxvecError, KeyError, TypeError):
        return None
    return path if Path(path).is_dir() else None


def first_pieces(folder: str, words: Sequence[str]) -> tuple[list[str], list[int]]:
    """Each of `words`' first wordpiece and its number of pieces, by the tokenizer in `folder`."""
    from ..encoding import load_tokenizer, resolve_model

    tok = load_tokenizer(resolve_model(folder))
    ids = tok(list(words), add_special_tokens=False)["input_ids"]
    pieces = [tok.convert_ids_to_tokens(i[:1])[0] if i else "" for i in ids]
    return pieces, [len(i) for i in ids]
