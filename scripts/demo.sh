#!/usr/bin/env bash
# Install into .venv, then run the main job on the embedded defaults (model and corpus), offline:
# embed the built-in Wikipedia sample into demo/wiki.store and show what ctxvec does with it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export HF_HUB_OFFLINE=1
ctxvec() { .venv/bin/ctxvec "$@"; }
step() { printf '\n\033[1m$ ctxvec'; printf ' %q' "$@"; printf '\033[0m\n'; ctxvec "$@"; }
mkdir -p demo
S=demo/wiki.store

# 1. the store: 17.6k Wikipedia sentences, one vector per word occurrence (resumes if interrupted)
if ctxvec info "$S" >/dev/null 2>&1; then step info "$S"; else step embed wiki -o "$S"; fi

# 2. nearest occurrences in context: "cold" in two senses, and in a new sentence
step similar "$S" cold --limit 2 -k 5
step similar "$S" cold --in "I caught a cold last week and stayed in bed." --words-only --exclude-word -k 8

# 3. sparse decomposition of a polysemous word in two different sentences
step decompose "$S" bank --in "They sat on the grassy bank of the river." --max-terms 5
step decompose "$S" bank --in "She deposited the money in her account at the bank." --max-terms 5

# 3b. why two occurrences match ("Cold War"), and why one loads on a decomposition term
step explain "$S" --row 5525 --row 113113
step explain "$S" bank --in "They sat on the grassy bank of the river." --term river

# 4. analogies and a short evaluation summary
step analogy "$S" king man woman -k 5
step evaluate "$S" --task analogy ws353 simlex

# 5. isotropy, and the effect of one transform
step isotropy "$S"
rm -rf demo/wiki-whitened.store
step transform "$S" --method whitening --out demo/wiki-whitened.store
step compare "$S" demo/wiki-whitened.store --words cold,bank --no-eval

# 6. senses of a polysemous word, plots and the dimensions themselves
step senses "$S" charge -o demo/senses_charge.png
step plot "$S" cold warm hot red blue green january march june france germany italy -o demo/plot_families.png
step plot "$S" cold warm hot charge current -o demo/plot_words.html --color sense
step dims "$S" --words cold warm bank -o demo/dims_heatmap.png
printf '\nPlots written to demo/: %s\n' "$(ls demo | grep -v store | tr '\n' ' ')"
printf '\nExplore the store in your browser (offline, on 127.0.0.1):\n  .venv/bin/ctxvec serve %s\n' "$S"
