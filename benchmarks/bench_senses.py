"""Benchmark ctxvec's senses: WordNet labels (WordNet's own examples held out, and hand-judged corpus
occurrences), whether senses mix meanings, usage warnings on new sentences, and the time of `senses`.

    .venv/bin/python benchmarks/bench_senses.py STORE [--baseline-src DIR] [--words 60] [--seed 0]
    .venv/bin/python benchmarks/bench_senses.py STORE --calibrate [--words 60]
    .venv/bin/python benchmarks/bench_senses.py STORE --usage-only [--baseline-src DIR] [--previous-src DIR]
    .venv/bin/python benchmarks/bench_senses.py STORE --usage-cost [--baseline-src DIR] [--rounds 2]

Word samples (WordNet lemmas with at least two synsets that each have two example sentences containing a
form of the lemma, `sample_words`): seed `--seed` (A), seed + 1 (B) and seed + 2 (C), disjoint.
`--calibrate` fits the evidence weights on A (conditional logit, items weighted by their synset's SemCor
frequency, `_senses_wordnet.fit_weights`) and prints the accuracy on B per threshold; the threshold
(`MIN_PROBABILITY`) was then chosen on the calibration half of the judged corpus occurrences
(CALIBRATION_WORDS: the most precise threshold abstaining on at most 25 %). The report (without
`--calibrate`) never looks at A or B, and gives the judged figures for each half:

1. WordNet held out (C): each example sentence labelled with the earlier labeller's comparison (the synset
   vector of highest raw cosine) and with all the evidence (forced choice; with abstention), leave-one-out;
   and the adjusted Rand index of the senses with k chosen by the rule before (`split_senses`) and after
   (`split_senses` + `refine_senses`, with evidence from glosses only, so no example leaks into its label).
2. Judged corpus occurrences (benchmarks/data/senses_judged.tsv): the label of each occurrence's sense in
   `ctxvec senses STORE WORD` (default settings) right / wrong / abstained; the senses' purity (the largest
   share of a sense's judged occurrences that accept one synset). With `--baseline-src` the same for the
   code at DIR (run in a subprocess).
3. Usage warnings (benchmarks/data/usage_sentences.tsv; with --usage-only also usage_calibration.tsv, the
   seen usage_report2.tsv and the third report set usage_report3.tsv): `similar --in` and `decompose --in` on each
   sentence: recall on usages the store lacks, false alarms on usages it holds (and the baseline's).
4. Time: `ctxvec senses STORE WORD --json` and `... --in SENTENCE --json` end to end (a fresh process each),
   alternating with the baseline's `senses WORD --json`, 2 rounds.
The store is only read (ctxvec's own caches aside).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section
from _scratch import scratch_store
from _senses_judged import DATA, judge, read_judged, read_usages
from _senses_wordnet import LemmaItems, fit_weights, lemma_items, scores
from draw_senses_sample import WORDS  # the 15 judged words, in the order their seeds follow
from sklearn.metrics import adjusted_rand_score

from ctxvec.store import Store
from ctxvec.structure._sense_evidence import FEATURES, MIN_PROBABILITY, WEIGHTS

#: The judged words whose occurrences chose `MIN_PROBABILITY` (every other word of WORDS, from the first);
#: the others are the report half.
CALIBRATION_WORDS = WORDS[::2]
TIMED = ("charge", "bank")
IN_SENTENCE = {"charge": "I need to charge my phone before we leave.", "bank": "We sat on the bank of the river."}


def sample_words(n_words: int, seed: int, exclude: set[str]) -> list[str]:
    """A seeded sample of lemmas with >= 2 synsets of one pos having >= 2 examples each (>= 6 in all)."""
    from ctxvec.lexicon._wic import lemma_examples, wordnet_synsets

    keys = sorted(
        key
        for key, per in lemma_examples(wordnet_synsets()).items()
        if sum(len(s) >= 2 for s in per) >= 2 and sum(len(s) for s in per if len(s) >= 2) >= 6
    )
    rng = np.random.default_rng(seed)
    out: list[str] = []
    for i in rng.permutation(len(keys)):
        lemma = keys[int(i)][0]
        if lemma not in exclude and lemma not in out and "_" not in lemma:
            out.append(lemma)
        if len(out) == n_words:
            break
    return out


def items_of(store: Store, words: list[str]) -> list[LemmaItems]:
    return [it for w in words if (it := lemma_items(store, w)) is not None]


def calibrate(store: Store, n_words: int, seed: int, cache: str | None = None) -> None:
    import pickle

    a = sample_words(n_words, seed, set())
    b = sample_words(n_words, seed + 1, set(a))
    t0 = time.perf_counter()
    if cache and Path(cache).is_file():
        with open(cache, "rb") as f:
            train, choose = pickle.load(f)  # this run's own items, written below
    else:
        train, choose = items_of(store, a), items_of(store, b)
        if cache:
            with open(cache, "wb") as f:
                pickle.dump((train, choose), f)
    w = fit_weights(train)
    print(
        f"weights {np.round(w, 3).tolist()} ({time.perf_counter() - t0:.0f} s; {sum(len(i.truth) for i in train)} items)"
    )
    for th in np.arange(0.2, 0.95, 0.05):
        print(f"threshold {th:.2f}: {scores(choose, w, float(th))} weighted: {scores(choose, w, float(th), True)}")


def ari_before_after(store: Store, words: list[str]) -> tuple[float, float, int]:
    """Mean ARI of the senses of each word's examples, before (rule) and after (rule + refine, gloss evidence)."""
    import dataclasses

    from _senses_wordnet import _TOKENS

    from ctxvec.lexicon._wic import target_vectors
    from ctxvec.sampling import unit_rows
    from ctxvec.structure import SenseRule, split_senses
    from ctxvec.structure._sense_context import sentence_context
    from ctxvec.structure._sense_labels import SynsetVectors, synset_sentences
    from ctxvec.structure._sense_refine import SenseLabeller, refine_senses
    from ctxvec.structure._synsets import word_synsets
    from ctxvec.structure._word_senses import own_lemmas

    before, after = [], []
    rule = SenseRule()
    for lemma in words:
        synsets = [s for s in word_synsets(lemma) if s.name.startswith(f"{lemma}.")]
        sents, spans, owner = synset_sentences(lemma, synsets, gloss=True)
        gloss = np.array([s.startswith(f"{lemma}: ") for s in sents])
        raw = target_vectors(store.encoder(), sents, spans)
        ok = np.isfinite(raw).all(axis=1)
        vec = np.zeros((len(sents), store.dim))
        vec[ok] = unit_rows(store.map_encoded(raw[ok]))
        ex = np.flatnonzero(ok & ~gloss)
        if len(np.unique(owner[ex])) < 2 or len(ex) < 6:
            continue
        x, truth = vec[ex], owner[ex]
        split = split_senses(x, rule=rule, seed=0)
        before.append(adjusted_rand_score(truth, split.labels))
        bare = [dataclasses.replace(s, examples=()) for s in synsets]  # glosses only: no example leaks
        g = np.flatnonzero(ok & gloss)
        found = SynsetVectors(bare, np.zeros((len(bare), store.dim), np.float32), np.zeros(len(bare), np.int64))
        found.vectors[owner[g]] = vec[g]
        found.n_sentences[owner[g]] = 1
        own = own_lemmas(lemma)
        tags, bags = [], []
        for i in ex:
            m = list(_TOKENS.finditer(sents[i]))
            at = next((j for j, t in enumerate(m) if t.start() >= spans[i, 0]), 0)
            tag, bag = sentence_context([t.group() for t in m], at, own)
            tags.append(tag)
            bags.append(bag)
        mean = x.mean(axis=0)
        labeller = SenseLabeller(x, mean, tags, bags, found, own)
        labels, _ = refine_senses(split.labels, x, mean, tags, bags, np.arange(len(ex)), found, own, rule, labeller)
        after.append(adjusted_rand_score(truth, labels))
    return float(np.mean(before)), float(np.mean(after)), len(before)


SNIPPET = """
import json, sys
from ctxvec.store import Store
from ctxvec.structure import word_senses
store = Store.open(sys.argv[1])
out = {}
for word, rows in json.loads(sys.argv[2]).items():
    s = word_senses(store, word, rows=rows)
    out[word] = {
        "rows": {str(r): lab for r, lab in s.row_senses.items()},
        "unplaced": {str(r): u.reason for u in getattr(s, "unplaced", []) for r in u.rows},
        "senses": [
            {"label": None if x.wordnet is None else x.wordnet.synset,
             "match": bool(x.wordnet is not None and x.wordnet.match), "size": int(x.size)}
            for x in s.senses
        ],
    }
print(json.dumps(out))
"""


def judged_labels(src: str, store_path: str, rows: dict[str, list[int]]) -> dict[str, dict]:
    """word -> {rows: row -> sense, senses: [{label, match, size}]} from `word_senses` of the code at `src`."""
    env = {**os.environ, "PYTHONPATH": src, "OMP_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", SNIPPET, store_path, json.dumps(rows)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def judged_section(store_path: str, src: str, baseline: str | None) -> list[str]:
    judged = read_judged()
    rows: dict[str, list[int]] = {}
    for j in judged:
        rows.setdefault(j.word, []).append(j.row)
    runs = {"now": judged_labels(src, store_path, rows)}
    if baseline:
        runs["before"] = judged_labels(baseline, store_path, rows)
    lines = [
        f"Hand-judged corpus occurrences (`benchmarks/data/senses_judged.tsv`: {len(judged)} occurrences of "
        f"{len(rows)} words, 12 per word drawn with seed 20 + the word's index; acceptable synsets by reading). "
        "Each occurrence gets its sense's label in `ctxvec senses STORE WORD` (default settings); an unsure label "
        "counts as abstained, and so does an occurrence not placed in any sense, except one set apart as a proper "
        "name, which counts as the answer 'none' (right only where the judged synsets are 'none'). Purity: the largest share of a sense's judged occurrences that accept one synset "
        "(senses with at least 2 judged occurrences; mixed below 90 %).",
        "",
        f"The calibration half ({', '.join(CALIBRATION_WORDS)}) chose the abstention threshold; the report half "
        "did not touch any setting.",
        "",
        "| code, words | right | wrong | abstained | right of answered | senses | mixed senses (judged) |",
        "|---|---|---|---|---|---|---|",
    ]
    per_word = []
    mixed_list: dict[str, list[str]] = {}
    halves = {"calibration half": set(CALIBRATION_WORDS), "report half": set(WORDS) - set(CALIBRATION_WORDS)}
    halves["all"] = set(WORDS)
    for name, data in runs.items():
        verdict: dict[str, list[str]] = {}
        mixed: dict[str, int] = {}
        for word in rows:
            d = data[word]
            mine = [j for j in judged if j.word == word]
            verdict[word] = []
            for j in mine:
                at = d["rows"][str(j.row)]
                if at < 0:  # not placed: a name answers "none", any other reason abstains
                    is_name = d.get("unplaced", {}).get(str(j.row)) == "name"
                    verdict[word].append(judge("none" if is_name else None, is_name, j.synsets))
                    continue
                sense = d["senses"][at]
                verdict[word].append(judge(sense["label"], sense["match"], j.synsets))
            groups: dict[int, list] = {}
            for j in mine:
                if d["rows"][str(j.row)] >= 0:
                    groups.setdefault(d["rows"][str(j.row)], []).append(j.synsets)
            mixed[word] = 0
            for sense_id, accs in groups.items():
                if len(accs) >= 2:
                    best = max(sum(s in a for a in accs) for s in set().union(*accs))
                    if best / len(accs) < 0.9:
                        mixed[word] += 1
                        x = d["senses"][sense_id]
                        kinds = ", ".join(sorted("/".join(sorted(a)) for a in accs))
                        mixed_list.setdefault(name, []).append(
                            f"{word} {x['label']}{'' if x['match'] else '?'} ({x['size']}): {kinds}"
                        )
            labels = "; ".join(f"{s['label']}{'' if s['match'] else '?'} ({s['size']})" for s in d["senses"])
            marks = "".join(v[0] for v in verdict[word])
            per_word.append(f"| {name} | {word} | {marks} | {mixed[word]} | {labels} |")
        for half, words in halves.items():
            vs = [v for w in words if w in verdict for v in verdict[w]]
            n = len(vs)
            r, w_, a = vs.count("right"), vs.count("wrong"), vs.count("abstained")
            lines.append(
                f"| {name}, {half} ({len(words)} words) | {r} ({r / n:.0%}) | {w_} ({w_ / n:.0%}) | {a} ({a / n:.0%}) | "
                f"{r / max(r + w_, 1):.0%} | {sum(len(data[x]['senses']) for x in words)} | "
                f"{sum(mixed[x] for x in words)} |"
            )
    lines.append("")
    for name, found in mixed_list.items():
        lines.append(f"Mixed senses, {name} ({len(found)}; label (size): the judged occurrences' acceptable synsets): ")
        lines += [f"- {m}" for m in found]
        lines.append("")
    lines += [
        "<details><summary>per word (r right, w wrong, a abstained; ? = unsure label)</summary>",
        "",
        "| code | word | occurrences | mixed senses | senses: label (size) |",
        "|---|---|---|---|---|",
        *per_word,
        "",
        "</details>",
        "",
    ]
    return lines


USAGE_SNIPPET = """
import json, sys
from ctxvec.store import Store
from ctxvec.neighbours import similar
from ctxvec.decomposition import MaxTerms, decompose
store = Store.open(sys.argv[1])
try:  # the check the CLI and the explorer pass (geometry + WordNet); older code has only the geometric one
    from ctxvec.cli.similar import usage_check
    kw = {"usage_check": usage_check("cpu")}
except ImportError:
    kw = {}
out = []
for word, sentence in json.loads(sys.argv[2]):
    s = similar(store, word, in_sentence=sentence, k=5, **kw)
    d = decompose(store, word, in_sentence=sentence, sparsity=MaxTerms(5), **kw)
    out.append([s.warning(0) is not None, "not well represented" in d.notes[0] or "warning" in d.notes[0]])
print(json.dumps(out))
"""


def usage_section(
    store_path: str, src: str, baseline: str | None, path: Path | None = None, previous: str | None = None
) -> list[str]:
    usages = read_usages() if path is None else read_usages(path)
    pairs = [[u.word, u.sentence] for u in usages]
    runs = {}
    for name, where in (("now", src), ("previous", previous), ("before", baseline)):
        if where is None:
            continue
        env = {**os.environ, "PYTHONPATH": where, "OMP_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1"}
        out = subprocess.run(
            [sys.executable, "-c", USAGE_SNIPPET, store_path, json.dumps(pairs)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        runs[name] = json.loads(out.stdout.strip().splitlines()[-1])
    lacking = [i for i, u in enumerate(usages) if not u.in_store]
    held = [i for i, u in enumerate(usages) if u.in_store]
    file = f"benchmarks/data/{(path or DATA / 'usage_sentences.tsv').name}"
    lines = [
        f"Usage warnings on new sentences (`{file}`): {len(lacking)} sentences for "
        f"senses the store lacks ({len({usages[i].word for i in lacking})} words, checked by searching the store's "
        f"sentences), {len(held)} for senses it holds. Recall = lacking usages warned; false alarms = held usages warned.",
        "",
        "| code | command | recall | false alarms |",
        "|---|---|---|---|",
    ]
    for name, res in runs.items():
        for k, cmd in enumerate(("similar --in", "decompose --in")):
            rec = sum(res[i][k] for i in lacking)
            fa = sum(res[i][k] for i in held)
            lines.append(
                f"| {name} | `{cmd}` | {rec}/{len(lacking)} ({rec / len(lacking):.0%}) | {fa}/{len(held)} ({fa / len(held):.0%}) |"
            )
    now = runs["now"]
    missed = [f"{usages[i].word}: {usages[i].sentence}" for i in lacking if not now[i][0]]
    alarms = [f"{usages[i].word}: {usages[i].sentence}" for i in held if now[i][0]]
    lines += ["", f"Missed now: {'; '.join(missed) or 'none'}. False alarms now: {'; '.join(alarms) or 'none'}.", ""]
    return lines


def stored_flag_rate(store: Store, path: Path) -> list[str]:
    """Share of the stored occurrences of the words of `path` (the WordNet profile's seeded sample, each left
    out of its own reference) the rule flags, and of the calibration usages (`calibrate_usage.features`)."""
    from calibrate_usage import features, flags

    from ctxvec.structure._usage_senses import PRIOR_SCALE, SURPRISE_Z

    stored = features(store, path)[PRIOR_SCALE].stored
    flagged = int(flags(stored, SURPRISE_Z, np.inf).sum())  # the shipped rule: no agreement
    return [
        f"Stored occurrences of the same words (up to 300 of each, the WordNet profile's seeded sample, each left "
        f"out of its own reference): {flagged} of {len(stored)} flagged ({flagged / len(stored):.0%}).",
        "",
    ]


def timed_senses(where: str, store: str | Path, args: list[str]) -> float:
    """Wall seconds of one fresh `ctxvec senses STORE ARGS --json` process with `where` as its source."""
    env = {**os.environ, "PYTHONPATH": where, "OMP_NUM_THREADS": "1"}
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "ctxvec", "senses", str(store), *args, "--json"],
        env=env,
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - t0


def timing_section(store_path: str, src: str, baseline: str | None, rounds: int = 2) -> list[str]:
    def run(where: str, args: list[str]) -> float:
        return timed_senses(where, store_path, args)

    lines = [
        f"Time of `ctxvec senses STORE WORD --json` end to end (fresh process each; median of {rounds} rounds, "
        "alternating; `uptime` load shown). `--in` is new, so its baseline is today's `senses WORD`.",
        "",
        "| word | before: senses WORD | now: senses WORD | ratio | now: senses WORD --in | ratio | load |",
        "|---|---|---|---|---|---|---|",
    ]
    for word in TIMED:
        t: dict[str, list[float]] = {"before": [], "now": [], "in": []}
        for _ in range(rounds):
            if baseline:
                t["before"].append(run(baseline, [word]))
            t["now"].append(run(src, [word]))
            t["in"].append(run(src, [word, "--in", IN_SENTENCE[word]]))
        load = os.getloadavg()[0]
        med = {k: float(np.median(v)) if v else float("nan") for k, v in t.items()}
        lines.append(
            f"| {word} | {med['before']:.1f} s | {med['now']:.1f} s | {med['now'] / med['before']:.2f} | "
            f"{med['in']:.1f} s | {med['in'] / med['before']:.2f} | {load:.1f} |"
        )
    return lines + [""]


def usage_only(store: Store, store_path: str, src: str, baseline: str | None, previous: str | None = None) -> None:
    """Usage warnings on the calibration set (the rule was chosen on it), the first and second report sets
    (seen: their misses were read to explain them) and the third report set (seen since its one run, which
    judged a rule that was then not kept); `previous`: the code of a previous rule, beside `baseline`."""
    load = os.getloadavg()[0]
    from ctxvec.structure._usage_senses import PRIOR_SCALE, SURPRISE_Z, TYPICAL_Z

    lines = [
        "Rule (`structure/_usage_senses.py`, what `similar --in`, `decompose --in`, `senses --in` and the explorer "
        "use): flagged when the WordNet surprise of the usage (-log of its synset probabilities against the "
        "corpus's synset profile; the synsets labelled with SemCor's prior at PRIOR_SCALE of its weight) is above "
        "the reference mean + SURPRISE_Z deviations, or its typicality (cosine with the word's mean unit vector) "
        "below TYPICAL_Z deviations, or its 3-nearest support below SUPPORT_Z (-3.0), each against the word's own "
        f"occurrences left out one at a time. PRIOR_SCALE {PRIOR_SCALE}, SURPRISE_Z {SURPRISE_Z}, TYPICAL_Z "
        f"{TYPICAL_Z}, chosen by `benchmarks/calibrate_usage.py --stored-cap 0.10 --fewer-stored` on the "
        "calibration set only (most lacking usages flagged with at most 10 % of its held usages and at most 10 % "
        "of the stored occurrences flagged). Before: the code at --baseline-src (last round's rule); previous: "
        "the code at --previous-src, when given. "
        f"Load at start {load:.1f}.",
        "",
        "**Calibration set** (the rule was chosen on it)",
        "",
    ]
    for title, name in (
        ("Calibration set", "usage_calibration.tsv"),
        ("First report set, seen (its misses were read: no longer an honest test)", "usage_sentences.tsv"),
        (
            "Second report set, seen (run once by the previous rule, its misses read: no longer an honest test)",
            "usage_report2.tsv",
        ),
        (
            "Third report set (written and committed before this rule was chosen or scored on it; run once)",
            "usage_report3.tsv",
        ),
    ):
        if name != "usage_calibration.tsv":
            lines += [f"**{title}**", ""]
        lines += usage_section(store_path, src, baseline, DATA / name, previous)
        lines += stored_flag_rate(store, DATA / name)
    lines.append(f"Load at end {os.getloadavg()[0]:.1f}.")
    write_section("Usage warnings (bench_senses.py --usage-only)", "\n".join(lines))


COSTED = {
    "cell": "The prisoner was locked in a cell for the night.",
    "film": "We saw a film.",
    "state": "The house was in a terrible state.",
    "war": "They won the war.",
    "time": "What time is it now?",
    "the": "He saw the dog.",
}


def usage_cost(store: Store) -> list[str]:
    """Milliseconds of the usage check beyond the embedding, one process: the geometry alone and with
    WordNet's evidence, first call of a word with nothing kept (its synsets embedded, its profile built and
    kept in the store's ``words/``), first call of a word the store keeps (a fresh process's case: the
    profile read back) and again (kept in memory). `store` is a scratch copy (its word caches are cleared)."""
    from _scratch import clear_word_caches

    from ctxvec.neighbours import check_occurrence
    from ctxvec.queries import select_queries
    from ctxvec.structure import _usage_senses, check_usage_senses

    select_queries(store, "cell", in_sentence="A cell.", device="cpu")  # the model loaded
    check_usage_senses(store, *_first(select_queries(store, "cell", in_sentence="A cell.", device="cpu")), device="cpu")
    lines = [
        "| word | occurrences | embedding | geometry only | with WordNet, first call, nothing kept | "
        "first call, kept in the store | again (kept in memory) | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for word, sentence in COSTED.items():
        t0 = time.perf_counter()
        q = select_queries(store, word, in_sentence=sentence, limit=1, device="cpu")
        t1 = time.perf_counter()
        check_occurrence(store, *_first(q))
        t2 = time.perf_counter()
        _usage_senses._cache.clear()
        clear_word_caches(store.path)
        check_usage_senses(store, *_first(q), device="cpu")
        t3 = time.perf_counter()
        _usage_senses._cache.clear()
        check_usage_senses(store, *_first(q), device="cpu")
        t4 = time.perf_counter()
        check_usage_senses(store, *_first(q), device="cpu")
        t5 = time.perf_counter()
        ms = [1e3 * d for d in (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)]
        lines.append(
            f"| {word} | {len(store.occurrences(word)):,} | {ms[0]:.0f} ms | {ms[1]:.0f} ms | {ms[2]:.0f} ms | "
            f"{ms[3]:.0f} ms | {ms[4]:.0f} ms | {os.getloadavg()[0]:.1f} |"
        )
    return lines + [""]


def _first(q: Any) -> tuple[Any, Any]:
    return q.occurrences[0], q.vectors[0]


def cache_timing(store_path: str, src: str, baseline: str | None, rounds: int) -> list[str]:
    """`senses WORD` and `senses WORD --in` end to end, fresh processes, on a scratch copy of the store: the
    baseline's, and this tree's with no word caches (cleared before each run) and with them kept."""
    from _scratch import clear_word_caches

    lines = [
        f"Time of `ctxvec senses STORE WORD --json` and `... --in SENTENCE --json` end to end (fresh process each; "
        f"median of {rounds} rounds, alternating; on a hard-linked scratch copy of the store). 'cold': no word "
        "cache in the store (cleared before the run); 'warm': the word's synset vectors and profile kept there.",
        "",
        "| command | word | before | now, cold | ratio | now, warm | ratio | load |",
        "|---|---|---|---|---|---|---|---|",
    ]
    with scratch_store(store_path) as store:
        for word in TIMED:
            for label, args in (("senses WORD", [word]), ("senses WORD --in", [word, "--in", IN_SENTENCE[word]])):
                t: dict[str, list[float]] = {"before": [], "cold": [], "warm": []}
                for r in range(rounds):
                    for which in ("before", "cold", "warm") if r % 2 == 0 else ("warm", "cold", "before"):
                        if which == "before" and not baseline:
                            continue
                        if which != "warm":
                            clear_word_caches(store)
                        elif r == 0:
                            timed_senses(src, store, args)  # untimed: the word caches written
                        t[which].append(timed_senses(baseline or src if which == "before" else src, store, args))
                med = {k: float(np.median(v)) if v else float("nan") for k, v in t.items()}
                lines.append(
                    f"| `{label}` | {word} | {med['before']:.1f} s | {med['cold']:.1f} s | "
                    f"{med['cold'] / med['before']:.2f} | {med['warm']:.1f} s | {med['warm'] / med['before']:.2f} | "
                    f"{os.getloadavg()[0]:.1f} |"
                )
                print(lines[-1], flush=True)
    return lines + [""]


def usage_cost_section(store_path: str, src: str, baseline: str | None, rounds: int) -> None:
    with scratch_store(store_path) as copy:
        cost = usage_cost(Store.open(copy))
    lines = [
        "Cost of the usage check beyond the embedding (`check_usage_senses`, what `similar --in`, "
        "`decompose --in` and the explorer run; one process, the model and WordNet loaded first; on a hard-linked "
        "scratch copy of the store, whose word caches are cleared for 'nothing kept'; 'kept in the store' is a "
        "fresh process's first query of a word asked before; 'again' a second query in the same process). "
        "Words with no WordNet synset ('the') fall back to the geometry.",
        "",
        *cost,
        *cache_timing(store_path, src, baseline, rounds),
    ]
    write_section("Usage check cost (bench_senses.py --usage-cost)", "\n".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--words", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--baseline-src", default=None, help="a src/ folder of the code to compare with")
    ap.add_argument("--calibrate", action="store_true")
    ap.add_argument("--items-cache", default=None, help="with --calibrate: keep the embedded items in this file")
    ap.add_argument("--skip", nargs="*", default=[], choices=["wordnet", "judged", "usage", "time"])
    ap.add_argument("--usage-only", action="store_true", help="only the usage warnings, in their own section")
    ap.add_argument("--previous-src", default=None, help="with --usage-only: a src/ folder of the previous rule")
    ap.add_argument("--usage-cost", action="store_true", help="only the usage check's cost and senses' time")
    ap.add_argument("--rounds", type=int, default=2, help="with --usage-cost: rounds of the senses timing")
    args = ap.parse_args()
    store = Store.open(args.store)
    if args.calibrate:
        calibrate(store, args.words, args.seed, args.items_cache)
        return
    src = str(Path(__file__).resolve().parents[1] / "src")
    if args.usage_only:
        usage_only(store, args.store, src, args.baseline_src, args.previous_src)
        return
    if args.usage_cost:
        usage_cost_section(args.store, src, args.baseline_src, args.rounds)
        return
    lines = [
        f"Store `{args.store}` ({store.manifest['model']['name']}); evidence weights {WEIGHTS.tolist()} "
        f"({', '.join(FEATURES)}), confident from probability {MIN_PROBABILITY}. "
        f"Baseline: {'`' + args.baseline_src + '`' if args.baseline_src else 'none'}. Shared machine (2 cores); "
        f"load at start {os.getloadavg()[0]:.1f}.",
        "",
    ]
    t0 = time.perf_counter()
    if "wordnet" not in args.skip:
        a = sample_words(args.words, args.seed, set())
        b = sample_words(args.words, args.seed + 1, set(a))
        c = sample_words(args.words, args.seed + 2, set(a) | set(b))
        held = items_of(store, c)
        s = scores(held, WEIGHTS, MIN_PROBABILITY)
        sw = scores(held, WEIGHTS, MIN_PROBABILITY, weighted=True)
        no_prior = WEIGHTS * (np.arange(len(WEIGHTS)) != FEATURES.index("prior"))
        s0, sw0 = scores(held, no_prior, MIN_PROBABILITY), scores(held, no_prior, MIN_PROBABILITY, weighted=True)
        ari_b, ari_a, n_ari = ari_before_after(store, c)
        lines += [
            f"**WordNet held out** (seed {args.seed + 2}: {len(held)} words, {s['n']} example sentences, none used "
            "to fit or choose anything): label of each example, leave-one-out.",
            "",
            "| labeller | right | wrong | abstained | right of answered |",
            "|---|---|---|---|---|",
            f"| before: nearest synset vector (raw cosine) | {s['before']:.1%} | {1 - s['before']:.1%} | 0 | {s['before']:.1%} |",
            f"| now, forced choice (all evidence) | {s['forced']:.1%} | {1 - s['forced']:.1%} | 0 | {s['forced']:.1%} |",
            f"| now, with abstention (p < {MIN_PROBABILITY}) | {s['right']:.1%} | {s['wrong']:.1%} | "
            f"{s['abstained']:.1%} | {s['precision']:.1%} |",
            "",
            "The SemCor prior trades one sample for the other. Forced choice, each example counted once "
            "(uniform: WordNet gives every synset one or two examples) and weighted by its synset's SemCor "
            "frequency (how a corpus uses the senses):",
            "",
            "| labeller | uniform | SemCor-weighted |",
            "|---|---|---|",
            f"| before: nearest synset vector (raw cosine) | {s['before']:.1%} | {sw['before']:.1%} |",
            f"| now: all evidence | {s['forced']:.1%} | {sw['forced']:.1%} |",
            f"| now without the prior (its weight 0, the others as fitted) | {s0['forced']:.1%} | {sw0['forced']:.1%} |",
            "",
            f"Senses of the examples, k by the rule (mean ARI over {n_ari} words): before {ari_b:.3f} → after "
            f"{ari_a:.3f} (refined with evidence from glosses only).",
            "",
        ]
    if "judged" not in args.skip:
        lines += judged_section(args.store, src, args.baseline_src)
    if "usage" not in args.skip:
        lines += usage_section(args.store, src, args.baseline_src)
    if "time" not in args.skip:
        lines += timing_section(args.store, src, args.baseline_src)
    lines.append(f"Whole run: {time.perf_counter() - t0:.0f} s; load at end {os.getloadavg()[0]:.1f}.")
    write_section("Senses vs WordNet (bench_senses.py)", "\n".join(lines))


if __name__ == "__main__":
    main()
