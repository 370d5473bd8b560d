"""Scoped thread limits: BLAS/OpenMP (threadpoolctl) and torch's intra-op pool, restored on exit.

Library calls never leave the process's thread settings changed: they wrap work that is faster on
one thread (many tiny problems; OpenMP spin-waits on shared cores) in `thread_limits(1)`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager


@contextmanager
def thread_limits(n_threads: int | None) -> Iterator[None]:
    """Run the block with at most `n_threads` BLAS/OpenMP and torch threads (None: no change)."""
    if n_threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")  # only touch torch's pool when torch is in use
    before = torch.get_num_threads() if torch is not None else None
    try:
        with threadpool_limits(n_threads):
            if torch is not None:
                torch.set_num_threads(n_threads)
            yield
    finally:
        if torch is not None and before is not None:
            torch.set_num_threads(before)


def threads_for(n_items: int, small: int = 5000) -> AbstractContextManager[None]:
    """One thread for problems of at most `small` items (small k-means, t-SNE, silhouette), else no change."""
    return thread_limits(1 if n_items <= small else None)
