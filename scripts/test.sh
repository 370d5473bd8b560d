#!/usr/bin/env bash
# Install everything into .venv, then lint, type-check and run the whole test suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/ruff check .
.venv/bin/mypy
# two test processes on two cores: one BLAS/OpenMP thread each, or they oversubscribe the cores
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
.venv/bin/pytest -n 2 --durations=15 "$@"
