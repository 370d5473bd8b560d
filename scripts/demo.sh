#!/usr/bin/env bash
# Install into .venv, then run the main job on the embedded defaults (model and corpus), offline:
# embed the built-in Wikipedia sample into demo/wiki.store and show what ctxvec does with it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1
ctxvec() { .venv/bin/ctxvec "$@"; }
step() { printf '\n\033[1m$ ctxvec %s\033[0m\n' "$*"; ctxvec "$@"; }
mkdir -p demo
STORE=demo/wiki.store
if ! ctxvec info "$STORE" >/dev/null 2>&1; then
  step embed wiki -o "$STORE"      # resumes if an earlier run was interrupted
else
  step info "$STORE"
fi
