"""`ctxvec decompose STORE cold`: cold = 0.66·warm + 0.23·heavy + 0.11·hot, per occurrence."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from rich.table import Table
from rich.text import Text

from ..decomposition import ATOMS, DEFAULT_ALPHA, SOLVERS, decompose
from ..queries import add_query_arguments, queries_from_args
from ..store import Store
from ._output import add_json_flag, console, highlight, print_json


def register(sub: Any) -> None:
    p = sub.add_parser(
        "decompose",
        help="write a word occurrence as a sparse non-negative combination of other words (LASSO)",
        description="For each occurrence of WORD (or the first --limit N; or one: --sentence ID, --row ID; or "
        "WORD inside a new sentence: --in TEXT), find a sparse non-negative combination of atoms that "
        "reconstructs its vector (LASSO, scikit-learn's scaling: 1/(2·dim)‖y − Aᵀw‖² + alpha‖w‖₁) and print it "
        "as an equation with coefficients normalised to sum to 1, plus the cosine between the vector and its "
        "reconstruction and the relative residual ‖y − Aᵀw‖/‖y‖. Atoms are word-type vectors (default), every "
        "occurrence, or learned factors (`ctxvec factors learn`). The query word is never one of its own atoms.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    add_query_arguments(p)
    p.add_argument(
        "--atoms",
        choices=ATOMS,
        default="types",
        help="types: one mean vector per word (default); occurrences: every token of the store, each term "
        "shown with its sentence; factors: a dictionary learned with `ctxvec factors learn`",
    )
    p.add_argument("--factors", default="default", metavar="NAME", help="with --atoms factors: which dictionary")
    p.add_argument(
        "--min-count", type=int, default=1, metavar="N", help="only words (or their occurrences) seen N+ times"
    )
    sparsity = p.add_mutually_exclusive_group()
    sparsity.add_argument(
        "--alpha",
        type=float,
        default=None,
        help=f"regularisation as a fraction of alpha_max, the smallest alpha that zeroes every coefficient, so "
        f"any value in (0, 1) leaves terms; smaller = more terms (default {DEFAULT_ALPHA})",
    )
    sparsity.add_argument(
        "--alpha-abs",
        type=float,
        default=None,
        metavar="ALPHA",
        help="absolute alpha in scikit-learn's scale (the blog used 0.9, which zeroes everything; the output says so)",
    )
    sparsity.add_argument(
        "--max-terms",
        type=int,
        default=None,
        metavar="K",
        help="the smallest alpha found (halving, then bisection) that leaves at most K terms",
    )
    p.add_argument("--signed", action="store_true", help="allow negative coefficients")
    p.add_argument(
        "--solver",
        choices=SOLVERS,
        default="fista",
        help="fista: batched working-set FISTA in torch (default); lasso: scikit-learn coordinate descent, "
        "one occurrence at a time (the blog's); omp: orthogonal matching pursuit (K = --max-terms, default 10)",
    )
    p.add_argument(
        "--exclude-forms", action="store_true", help="also exclude the query word's other forms (same stem/prefix)"
    )
    p.add_argument("--exclude", nargs="+", default=[], metavar="WORD", help="words that may not be atoms")
    p.add_argument("--punctuation", action="store_true", help="allow punctuation tokens as atoms (excluded by default)")
    p.add_argument("--top", type=int, default=10, metavar="N", help="terms shown per occurrence (default 10)")
    p.add_argument("--tol", type=float, default=None, help="solver tolerance (fista: relative duality gap, 1e-6)")
    add_json_flag(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    store = Store.open(args.store)
    queries = queries_from_args(store, args)
    res = decompose(
        store,
        queries=queries,
        atoms=args.atoms,
        min_count=args.min_count,
        factors=args.factors,
        alpha=args.alpha,
        alpha_abs=args.alpha_abs,
        max_terms=args.max_terms,
        signed=args.signed,
        solver=args.solver,
        exclude_forms=args.exclude_forms,
        exclude=args.exclude,
        punctuation=args.punctuation,
        tol=args.tol,
        device="cpu" if args.device == "auto" else args.device,  # the solver runs on a GPU only when asked
    )
    if args.json:
        for i, note in enumerate(res.notes):  # stdout is for the JSON; say it on stderr too
            if note:
                print(f"ctxvec: note: row {int(res.rows[i])}: {note}", file=sys.stderr)
        print_json(
            {
                "atoms": res.atoms,
                "n_atoms": res.n_atoms,
                "solver": res.solver,
                "signed": res.signed,
                "queries": res.to_json(),
            }
        )
        return 0
    console.print(Text(f"{res.solver}, {res.n_atoms:,} atoms ({res.atoms})", style="dim"))
    for i, occ in enumerate(res.occurrences):
        console.print()
        if occ is not None:
            where = f"row {occ.row}, sentence {occ.sentence_id}" if occ.row >= 0 else "new sentence"
            console.print(Text(f"{occ.token} ({where})", style="bold"))
            console.print(highlight(occ.sentence, occ.start, occ.end))
        console.print(Text(res.equation(i, top=args.top), style="bold cyan"))
        rel = res.alpha_relative[i]
        if res.solver == "omp":
            how = "orthogonal matching pursuit"
        else:
            how = f"alpha {rel:.3g}·alpha_max" if 0 < rel < float("inf") else f"alpha {res.alpha[i]:.3g}"
        console.print(
            Text(
                f"{res.n_terms[i]} terms · cosine {res.cosine[i]:.3f} · relative residual {res.residual[i]:.3f} · {how}",
                style="dim",
            )
        )
        if res.notes[i]:
            console.print(Text(res.notes[i], style="yellow"))
        if res.atoms == "occurrences" and res.terms[i]:
            table = Table(show_edge=False, pad_edge=False)
            table.add_column("coef", justify="right")
            table.add_column("token")
            table.add_column("row", justify="right", style="dim")
            table.add_column("sentence", overflow="fold")
            for t in res.terms[i][: args.top]:
                o = t.occurrence
                sentence = highlight(o.sentence, o.start, o.end) if o is not None else ""
                table.add_row(f"{t.weight:.2f}", t.word, str(t.row), sentence)
            console.print(table)
    return 0
