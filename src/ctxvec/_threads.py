"""Scoped thread limits: BLAS/OpenMP (threadpoolctl) and torch's intra-op pool, restored on exit.

Library calls never leave the process's thread settings changed: they wrap work that is faster on
one thread (many tiny problems; OpenMP spin-waits on shared cores) in `thread_limits(1)`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

_CONTROLLER: tuple[int, Any] | None = None


def _controller() -> Any:
    """One threadpoolctl controller (finding the loaded BLAS/OpenMP libraries costs ~2 ms), found again
    whenever more modules have been imported since, as they may have loaded another library."""
    global _CONTROLLER
    from threadpoolctl import ThreadpoolController

    if _CONTROLLER is None or _CONTROLLER[0] != len(sys.modules):
        _CONTROLLER = (len(sys.modules), ThreadpoolController())
    return _CONTROLLER[1]


@contextmanager
def thread_limits(n_threads: int | None) -> Iterator[None]:
    """Run the block with at most `n_threads` BLAS/OpenMP and torch threads (None: no change)."""
    if n_threads is None:
        yield
        return
    torch = sys.modules.get("torch")  # only touch torch's pool when torch is in use
    before = torch.get_num_threads() if torch is not None else None
    try:
        with _controller().limit(limits=n_threads):
            if torch is not None:
                torch.set_num_threads(n_threads)
            yield
    finally:
        if torch is not None and before is not None:
            torch.set_num_threads(before)


def threads_for(n_items: int, small: int = 5000) -> AbstractContextManager[None]:
    """One thread for problems of at most `small` items (small k-means, t-SNE, silhouette), else no change."""
    return thread_limits(1 if n_items <= small else None)
