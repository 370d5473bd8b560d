"""Benchmarks on word-type vectors: Google analogies, WordSim-353, SimLex-999 (and word-in-context).

Data come from gensim's test data (`gensim.test.utils.datapath`), so everything runs offline.
Words are matched exactly as gensim's ``evaluate_word_analogies`` / ``evaluate_word_pairs`` match
them (``case_insensitive=True``, ``restrict_vocab=300000``, ``dummy4unknown=False``):

- the vocabulary is the word types in descending frequency (ties alphabetical, decontextualized
  vectors last), the order `export_word2vec` writes; only its first 300000 words count;
- a word is looked up by ``word.upper()``; where two types share an upper-case form the more
  frequent one wins;
- a question or pair with an unknown word is skipped (counted in ``skipped``), not scored as wrong;
- an analogy a:b :: c:? is answered by 3CosAdd (or 3CosMul) over the same 300000 words, the three
  inputs (and any type with the same upper-case form) excluded; accuracy = correct / answered;
  (`convention="family"` leaves gensim's protocol for ctxvec's default, `ctxvec.lexicon._convention`:
  when a and b share a morphological family, c's family may answer, otherwise c's family is excluded
  too; `exclude_forms` excludes every input's WordNet lemma-mates, such as ``kings`` for ``king``);
- similarity = cosine of the two type vectors; the score is Spearman's rho (scipy) against the gold.

On the same vectors the numbers equal gensim's (checked in tests/lexicon/test_evaluate.py). Analogies are
computed in chunks of questions as one matrix product each over the normalised type vectors.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import CtxvecError, ParameterError
from ..morphology import Families
from ..results import JSON, Result
from ..store import Store
from ._convention import CONVENTIONS, analogy_exclusion
from ._names import DEFAULT_PAIRS, EPSILON, METHODS, TASKS
from ._wic import WicEvaluation, evaluate_wic
from ._wic import wic_pairs as make_wic_pairs
from ._wordtypes import WordTypes, word_types

DATASETS = {"analogy": "questions-words.txt", "ws353": "wordsim353.tsv", "simlex": "simlex999.txt"}
RESTRICT_VOCAB = 300000


def dataset_path(task: str) -> Path:
    """Path of a benchmark file shipped with gensim (``analogy``, ``ws353`` or ``simlex``)."""
    if task not in DATASETS:
        raise ParameterError("task", f"no dataset for {{name}} {task!r}; use one of {', '.join(DATASETS)}")
    from gensim.test.utils import datapath

    p = Path(datapath(DATASETS[task]))
    if not p.is_file():
        raise CtxvecError(f"{p} is missing; reinstall gensim (its test data holds the benchmark files)")
    return p


# ---- vocabulary as gensim sees it --------------------------------------------------------------
@dataclass
class GensimVocab:
    """The words gensim would consult: unit vectors (R, dim) in frequency order, and upper-case lookup.

    `key_of` (R,) gives, for each of the R candidates, the candidate index its upper-case form maps to.
    """

    words: np.ndarray
    unit: np.ndarray
    lookup: dict[str, int]
    key_of: np.ndarray

    @classmethod
    def of(cls, types: WordTypes, restrict_vocab: int = RESTRICT_VOCAB) -> GensimVocab:
        order = types.frequency_order()[:restrict_vocab]
        words = types.words[order]
        lookup: dict[str, int] = {}
        for i in range(len(words) - 1, -1, -1):  # reversed: the most frequent variant wins
            lookup[str(words[i]).upper()] = i
        key_of = np.asarray([lookup[str(w).upper()] for w in words], dtype=np.int64)
        vectors = types.vectors[order]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit = (vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        return cls(words, unit, lookup, key_of)


# ---- analogies --------------------------------------------------------------------------------
@dataclass
class AnalogySection:
    """One section of an analogy set: questions answered correctly, answered, skipped (unknown word)."""

    name: str
    correct: int
    answered: int
    skipped: int

    @property
    def accuracy(self) -> float:
        """correct / answered; 0.0 when nothing was answered (as gensim)."""
        return self.correct / self.answered if self.answered else 0.0


@dataclass
class AnalogyEvaluation(Result):
    """Accuracy per section and in total; unknown words (sorted) that made questions skip."""

    sections: list[AnalogySection]
    method: str = "add"
    unknown: list[str] = field(default_factory=list)
    exclude_forms: bool = False
    convention: str = "gensim"

    @property
    def correct(self) -> int:
        return sum(s.correct for s in self.sections)

    @property
    def answered(self) -> int:
        return sum(s.answered for s in self.sections)

    @property
    def skipped(self) -> int:
        return sum(s.skipped for s in self.sections)

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0

    def to_dict(self) -> JSON:
        return {
            "method": self.method,
            "exclude_forms": self.exclude_forms,
            "convention": self.convention,
            "accuracy": self.accuracy,
            "correct": self.correct,
            "answered": self.answered,
            "skipped": self.skipped,
            "sections": [
                {
                    "section": s.name,
                    "accuracy": s.accuracy,
                    "correct": s.correct,
                    "answered": s.answered,
                    "skipped": s.skipped,
                }
                for s in self.sections
            ],
            "unknown_words": self.unknown,
        }


def read_analogies(path: str | Path) -> list[tuple[str, list[tuple[str, str, str, str]]]]:
    """Sections of an analogy file: ``: name`` headers, then lines ``a b c expected``."""
    sections: list[tuple[str, list[tuple[str, str, str, str]]]] = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if line.startswith(": "):
                sections.append((line.lstrip(": ").strip(), []))
                continue
            parts = line.split()
            if len(parts) != 4:
                continue  # gensim skips invalid lines too
            if not sections:
                raise CtxvecError(f"{path}:{line_no}: a question before any `: section` header")
            sections[-1][1].append((parts[0], parts[1], parts[2], parts[3]))
    return sections


def answer_analogies(
    vocab: GensimVocab,
    questions: np.ndarray,
    method: str = "add",
    epsilon: float = EPSILON,
    chunk: int = 256,
    forms: dict[int, np.ndarray] | None = None,
    excluded: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Predicted candidate index for each question a:b :: c:? given as indices (n, 3) -> (n,).

    3CosAdd ranks by cos(x, b) − cos(x, a) + cos(x, c) (the same order as gensim's cosine to the
    normalised b̂ + ĉ − â); 3CosMul by s(x, b)·s(x, c) / (s(x, a) + ε). a, b, c (and any candidate
    sharing their upper-case form) are excluded, and with `forms` (candidate index -> (f,) candidate
    indices of its other forms) each input's forms too; `excluded` (n,) gives each question's own
    (e,) candidate indices to leave out.
    """
    if method not in METHODS:
        raise ParameterError("method", f"unknown analogy {{name}} {method!r}; use one of {', '.join(METHODS)}")
    unit = vocab.unit
    collide = np.flatnonzero(vocab.key_of != np.arange(len(unit)))  # variants sharing an upper-case form
    out = np.empty(len(questions), dtype=np.int64)
    for s in range(0, len(questions), chunk):
        q = questions[s : s + chunk]
        a, b, c = unit[q[:, 0]], unit[q[:, 1]], unit[q[:, 2]]
        if method == "add":
            scores = (b - a + c) @ unit.T  # (chunk, R)
        else:
            shifted = np.concatenate([a, b, c]) @ unit.T  # (3 * chunk, R), then (1 + cos) / 2 in place
            shifted += 1
            shifted *= 0.5
            sa, scores, sc = np.split(shifted, 3)
            scores *= sc
            sa += epsilon
            scores /= sa
        rows = np.arange(len(q))
        for j in range(3):
            scores[rows, q[:, j]] = -np.inf
        if len(collide):  # (n_collide, chunk): the candidate's upper-case form is one of the inputs
            hit = (vocab.key_of[collide][:, None, None] == q[None, :, :]).any(axis=2)
            r, col = np.nonzero(hit)
            scores[col, collide[r]] = -np.inf
        if forms:
            for i, quad in enumerate(q):
                for j in quad:
                    scores[i, forms.get(int(j), np.empty(0, dtype=np.int64))] = -np.inf
        if excluded is not None:
            for i in range(len(q)):
                scores[i, excluded[s + i]] = -np.inf
        out[s : s + len(q)] = np.argmax(scores, axis=1)
    return out


def evaluate_analogies(
    types: WordTypes,
    path: str | Path | None = None,
    method: str = "add",
    restrict_vocab: int = RESTRICT_VOCAB,
    epsilon: float = EPSILON,
    chunk: int = 256,
    exclude_forms: bool = False,
    convention: str = "gensim",
    families: Families | None = None,
) -> AnalogyEvaluation:
    """Accuracy of `types` on an analogy set (default: the Google set), per section and in total.

    `convention` ``"gensim"`` (default here: the benchmark's own protocol) excludes only the inputs;
    ``"family"`` is `ctxvec.lexicon.analogy`'s default (families by `families`, default computed over
    the candidates). `exclude_forms` also keeps each input's other forms (WordNet lemma-mates) out."""
    if convention not in CONVENTIONS:
        raise ParameterError("convention", f"unknown {{name}} {convention!r}; use one of {', '.join(CONVENTIONS)}")
    path = dataset_path("analogy") if path is None else Path(path)
    vocab = GensimVocab.of(types, restrict_vocab)
    sections = read_analogies(path)
    rows: list[list[int]] = []
    owner: list[int] = []
    skipped = np.zeros(len(sections), dtype=np.int64)
    unknown: set[str] = set()
    for si, (_, questions) in enumerate(sections):
        for quad in questions:
            keys = [w.upper() for w in quad]
            missing = [w for w, key in zip(quad, keys, strict=True) if key not in vocab.lookup]
            if missing:
                skipped[si] += 1
                unknown.update(w.lower() for w in missing)
                continue
            rows.append([vocab.lookup[key] for key in keys])
            owner.append(si)
    q = np.asarray(rows, dtype=np.int64).reshape(-1, 4)
    owner_arr = np.asarray(owner, dtype=np.int64)
    forms = _input_forms(vocab, q[:, :3]) if exclude_forms and len(q) else None
    excluded = _convention_exclusions(vocab, q[:, :3], families) if convention == "family" and len(q) else None
    predicted = (
        answer_analogies(vocab, q[:, :3], method, epsilon, chunk, forms, excluded)
        if len(q)
        else np.empty(0, dtype=np.int64)
    )
    ok = vocab.key_of[predicted] == q[:, 3] if len(q) else np.empty(0, dtype=bool)
    correct = np.bincount(owner_arr[ok], minlength=len(sections))
    answered = np.bincount(owner_arr, minlength=len(sections))
    return AnalogyEvaluation(
        [
            AnalogySection(name, int(correct[i]), int(answered[i]), int(skipped[i]))
            for i, (name, _) in enumerate(sections)
        ],
        method=method,
        unknown=sorted(unknown),
        exclude_forms=exclude_forms,
        convention=convention,
    )


def _convention_exclusions(vocab: GensimVocab, inputs: np.ndarray, families: Families | None) -> list[np.ndarray]:
    """Per question a:b :: c:? (n, 3 candidate indices), the (e,) candidates the family convention leaves out."""
    fams = families if families is not None else Families.of(vocab.words)
    cache: dict[tuple[int, int, int], np.ndarray] = {}
    out = []
    for a, b, c in inputs.tolist():
        key = (a, b, c)
        if key not in cache:
            rule = analogy_exclusion(fams, [str(vocab.words[b]), str(vocab.words[c])], [str(vocab.words[a])])
            ids = {vocab.lookup[w.upper()] for w in rule.words if w.upper() in vocab.lookup}
            cache[key] = np.asarray(sorted(ids), dtype=np.int64)
        out.append(cache[key])
    return out


def _input_forms(vocab: GensimVocab, inputs: np.ndarray) -> dict[int, np.ndarray]:
    """For each candidate index among `inputs` (n, 3), the (f,) candidates sharing a lemma analysis with it."""
    from ..morphology import lemma_analyses

    by_base: dict[str, list[int]] = {}
    for i, w in enumerate(vocab.words):
        for base in lemma_analyses(str(w)):
            by_base.setdefault(base, []).append(i)
    out = {}
    for j in np.unique(inputs):
        mates = {i for base in lemma_analyses(str(vocab.words[j])) for i in by_base.get(base, ())}
        out[int(j)] = np.asarray(sorted(mates), dtype=np.int64)
    return out


# ---- word pairs -------------------------------------------------------------------------------
@dataclass
class PairEvaluation(Result):
    """Spearman (and Pearson) correlation of cosine with human scores; pairs used and skipped.

    The correlations are NaN when fewer than two pairs have vectors."""

    name: str
    spearman: float
    pearson: float
    pairs: int
    skipped: int
    unknown: list[str] = field(default_factory=list)

    def to_dict(self) -> JSON:
        return {
            "dataset": self.name,
            "spearman": None if np.isnan(self.spearman) else self.spearman,
            "pearson": None if np.isnan(self.pearson) else self.pearson,
            "pairs": self.pairs,
            "skipped": self.skipped,
            "unknown_words": self.unknown,
        }


def read_pairs(path: str | Path, delimiter: str = "\t") -> list[tuple[str, str, float]]:
    """(word1, word2, score) lines of a word-similarity file; ``#`` lines and bad lines skipped."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line or line.startswith("#"):
                continue
            parts = line.split(delimiter)
            if len(parts) != 3:
                continue
            try:
                out.append((parts[0], parts[1], float(parts[2])))
            except ValueError:
                continue
    return out


def evaluate_pairs(
    types: WordTypes,
    path: str | Path | None = None,
    name: str = "ws353",
    restrict_vocab: int = RESTRICT_VOCAB,
    delimiter: str = "\t",
) -> PairEvaluation:
    """Spearman's rho between cosine similarity of `types` and a word-similarity set (default by `name`)."""
    from scipy import stats

    path = dataset_path(name) if path is None else Path(path)
    vocab = GensimVocab.of(types, restrict_vocab)
    gold: list[float] = []
    ia: list[int] = []
    ib: list[int] = []
    unknown: set[str] = set()
    skipped = 0
    for a, b, score in read_pairs(path, delimiter):
        ka, kb = a.upper(), b.upper()
        if ka not in vocab.lookup or kb not in vocab.lookup:
            skipped += 1
            unknown.update(w.lower() for w, k in ((a, ka), (b, kb)) if k not in vocab.lookup)
            continue
        gold.append(score)
        ia.append(vocab.lookup[ka])
        ib.append(vocab.lookup[kb])
    if len(gold) < 2:  # too few pairs to correlate: NaN scores (None in JSON), counts still reported
        return PairEvaluation(name, float("nan"), float("nan"), len(gold), skipped, sorted(unknown))
    model = np.einsum("ij,ij->i", vocab.unit[ia].astype(np.float64), vocab.unit[ib].astype(np.float64))
    return PairEvaluation(
        name,
        float(stats.spearmanr(gold, model)[0]),
        float(stats.pearsonr(gold, model)[0]),
        len(gold),
        skipped,
        sorted(unknown),
    )


# ---- everything ---------------------------------------------------------------------------------
@dataclass
class Evaluation(Result):
    """Results of the tasks run (None for a task not run) and the seconds each took."""

    analogy: AnalogyEvaluation | None = None
    ws353: PairEvaluation | None = None
    simlex: PairEvaluation | None = None
    wic: WicEvaluation | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> JSON:
        out: JSON = {}
        for task, res in (("analogy", self.analogy), ("ws353", self.ws353), ("simlex", self.simlex), ("wic", self.wic)):
            if res is not None:
                out[task] = res.to_dict()
        out["seconds"] = self.seconds
        return out


def benchmark_words() -> list[str]:
    """Every word of the analogy and word-similarity sets (lower case, sorted): candidates for
    `add_decontextualized` (the `types` command's benchmark words)."""
    words: set[str] = set()
    for _, questions in read_analogies(dataset_path("analogy")):
        for quad in questions:
            words.update(w.lower() for w in quad)
    for task in ("ws353", "simlex"):
        for a, b, _ in read_pairs(dataset_path(task)):
            words.update((a.lower(), b.lower()))
    return sorted(words)


def parse_tasks(tasks: Sequence[str] | None) -> list[str]:
    """Validated task names, in order, without repeats (an item may be a comma list: ``"ws353,simlex"``);
    all tasks when None or empty."""
    if not tasks:
        return list(TASKS)
    items = [tasks] if isinstance(tasks, str) else list(tasks)  # one name, not its letters
    names = [t.strip().lower() for item in items for t in item.split(",") if t.strip()]
    for t in names:
        if t not in TASKS:
            raise ParameterError("tasks", f"unknown task {t!r} in {{name}}; use any of {', '.join(TASKS)}")
    return list(dict.fromkeys(names))


def evaluate(
    store: Store,
    tasks: Sequence[str] | None = None,
    method: str = "add",
    min_count: int = 1,
    decontextualized: bool = True,
    wic_pairs: int | None = None,
    device: str = "auto",
    types: WordTypes | None = None,
) -> Evaluation:
    """Run benchmark `tasks` (default all: analogy, ws353, simlex, wic) on `store`'s word types.

    `types` replaces the store's word types (``word_types(store, min_count, decontextualized=...)``).
    wic embeds WordNet example sentences with the store's own encoder (see `ctxvec.lexicon._wic`).
    """
    names = parse_tasks(tasks)
    if wic_pairs is not None and wic_pairs < 4:
        raise ParameterError("wic_pairs", f"the word-in-context set needs at least 4 pairs; {{name}} is {wic_pairs}")
    result = Evaluation()
    if types is None and any(t != "wic" for t in names):
        t0 = time.perf_counter()
        types = word_types(store, min_count=min_count, decontextualized=decontextualized)
        result.seconds["types"] = time.perf_counter() - t0
    for task in names:
        t0 = time.perf_counter()
        if task == "analogy":
            assert types is not None
            result.analogy = evaluate_analogies(types, method=method)
        elif task in ("ws353", "simlex"):
            assert types is not None
            setattr(result, task, evaluate_pairs(types, name=task))
        else:
            result.wic = evaluate_wic(store, make_wic_pairs(wic_pairs or DEFAULT_PAIRS), device=device)
        result.seconds[task] = time.perf_counter() - t0
    return result
