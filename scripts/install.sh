#!/usr/bin/env bash
# Create .venv at the repository root and install ctxvec with its test tools (offline model included).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The CPU wheel first: an unpinned torch (pulled in by a dependency) would fetch GBs of CUDA.
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".[dev]"
# Headless Chromium for the test that runs the interactive HTML plot in a real browser (Debian package).
if [ "${CTXVEC_NO_BROWSER:-0}" != 1 ] && ! command -v chromium >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# Node.js checks the notebook widget's ES module in the tests (Debian package; most machines have it).
if [ "${CTXVEC_NO_BROWSER:-0}" != 1 ] && ! command -v node >/dev/null 2>&1; then
  SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
  $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs >/dev/null
fi
