#!/usr/bin/env bash
# Install everything into .venv, then lint, type-check and run the whole test suite (slow tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/pytest -n 2 --durations=15 "$@"
