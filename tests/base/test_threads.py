"""ctxvec._threads: limits hold inside the block and are restored after it, even on error."""

from __future__ import annotations

import pytest
import torch
from threadpoolctl import threadpool_info

from ctxvec._threads import thread_limits, threads_for


def blas_threads() -> list[int]:
    return [int(p["num_threads"]) for p in threadpool_info()]


def test_limits_apply_inside_and_are_restored() -> None:
    torch.set_num_threads(2)
    before_blas = blas_threads()
    with thread_limits(1):
        assert torch.get_num_threads() == 1
        assert all(n == 1 for n in blas_threads())
    assert torch.get_num_threads() == 2
    assert blas_threads() == before_blas


def test_restored_after_an_exception() -> None:
    torch.set_num_threads(2)
    with pytest.raises(ValueError), thread_limits(1):
        raise ValueError("x")
    assert torch.get_num_threads() == 2


def test_threads_for_is_one_thread_only_for_small_problems() -> None:
    torch.set_num_threads(2)
    with threads_for(10, small=100):
        assert torch.get_num_threads() == 1
    with threads_for(1000, small=100):
        assert torch.get_num_threads() == 2
