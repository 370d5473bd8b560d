"""The long format as a pandas DataFrame (pandas is imported only here, when a frame is asked for)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import CtxvecError
from ._flatten import Long

if TYPE_CHECKING:
    import pandas as pd


def long_frame(long: Long) -> pd.DataFrame:
    """A DataFrame of `long.rows` (columns in order; lists kept whole in object cells) with
    ``attrs`` = `long.attrs`, the result's fields outside the rows."""
    try:
        import pandas as pd
    except ImportError:
        raise CtxvecError(
            "to_frame() needs pandas, which is not installed; install it with: pip install pandas"
        ) from None
    frame = pd.DataFrame.from_records(long.rows, columns=long.columns)
    frame.attrs.update(long.attrs)
    return frame
