"""`ctxvec serve` shares the cores among its request threads: each computes on cores/workers BLAS,
OpenMP and torch threads (at least one), set for the whole server process."""

from __future__ import annotations

import os
import subprocess
import sys

from ctxvec.web._server import threads_per_worker


def test_the_cores_are_shared_among_the_workers() -> None:
    cores = len(os.sched_getaffinity(0))
    assert threads_per_worker(1) == cores
    assert threads_per_worker(cores) == 1
    assert threads_per_worker(16 * cores) == 1
    assert threads_per_worker(max(cores // 2, 1)) == cores // max(cores // 2, 1)


def test_share_cores_limits_blas_openmp_and_torch_in_the_process() -> None:
    code = (
        "import torch, numpy\n"
        "from threadpoolctl import threadpool_info\n"
        "from ctxvec.web._server import share_cores\n"
        "share_cores(1)\n"
        "pools = [p['num_threads'] for p in threadpool_info()]\n"
        "print(torch.get_num_threads(), max(pools), len(pools))\n"
    )
    env = {**os.environ, "OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True)
    torch_threads, most, n_pools = map(int, out.stdout.split())
    assert (torch_threads, most) == (1, 1) and n_pools >= 1
