"""`ctxvec decompose STORE cold`: cold = 0.66·warm + 0.23·heavy + 0.11·hot, per occurrence."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from ..decomposition import ATOMS, DEFAULT_CONTEXTUAL, DEFAULT_NORMALIZE, SOLVERS, SPARSITIES, Alpha, AtomFilter
from ._output import console, highlight
from ._params import STORE, Command, Opt, choice_of, choice_opts, options, opts_of, query_options, spec_of

if TYPE_CHECKING:
    from ..decomposition import Decomposition


COMMAND = Command(
    "decompose",
    help="write a word occurrence as a sparse non-negative combination of other words (LASSO)",
    description="For each occurrence of WORD (or the first --limit N; or one: --sentence ID, --row ID; or "
    "WORD inside a new sentence: --in TEXT), find a sparse non-negative combination of atoms that "
    "reconstructs its vector (LASSO, scikit-learn's scaling: 1/(2·dim)‖y − Aᵀw‖² + alpha‖w‖₁) and print it "
    "as an equation with coefficients normalised to sum to 1, plus the cosine between the vector and its "
    "reconstruction and the relative residual ‖y − Aᵀw‖/‖y‖. Atoms are word-type vectors (default), every "
    "occurrence, or learned factors (`ctxvec factors learn`). The query word is never one of its own atoms.",
    served=True,
    options=options(
        STORE,
        query_options(),
        Opt("atoms", default="types", choices=ATOMS, help="types: one mean vector per word; occurrences: every "
            "token of the store, each term shown with its sentence; factors: a dictionary learned with `ctxvec factors learn`"),
        Opt("factors", default="default", metavar="NAME", help="with --atoms factors: which dictionary"),
        Opt("min_count", int, 1, "only words (or their occurrences) seen N+ times", low=1, metavar="N"),
        choice_opts("sparsity", SPARSITIES, default=Alpha),
        Opt("signed", bool, help="allow negative coefficients"),
        Opt("normalize", bool, DEFAULT_NORMALIZE, "scale the occurrence and the atoms to unit length first, so the "
            "L1 penalty does not favour long vectors (see README)"),
        Opt("solver", default="fista", choices=SOLVERS, help="fista: batched working-set FISTA in torch; lasso: "
            "scikit-learn coordinate descent, one occurrence at a time (the blog's); omp: orthogonal matching "
            "pursuit (K = --max-terms, default 10)"),
        Opt("contextual", bool, DEFAULT_CONTEXTUAL, "decompose the occurrence's contextual part: its vector minus "
            "its word type's mean, so the terms say what this context adds (see README)"),
        opts_of(AtomFilter),
        Opt("top", int, 10, "terms shown per occurrence", low=1, web_high=200, metavar="N"),
        Opt("tol", float, low=0, open_low=True, help="solver tolerance (fista: relative duality gap, 1e-6)"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> Decomposition:
    from ..decomposition import decompose
    from .similar import usage_check

    result = decompose(
        args.store,
        args.word,
        sentence=args.sentence,
        row=args.row,
        in_sentence=args.in_sentence,
        limit=args.limit,
        atoms=args.atoms,
        min_count=args.min_count,
        factors=args.factors,
        sparsity=choice_of(SPARSITIES, args),
        signed=args.signed,
        solver=args.solver,
        contextual=args.contextual,
        atom_filter=spec_of(AtomFilter, args),
        tol=args.tol,
        device=args.device,
        normalize=args.normalize,
        usage_check=usage_check(args.device),
    )
    if args.json:  # stdout is for the JSON (where each note is too); say them on stderr as well
        for i, note in enumerate(result.notes):
            if note:
                print(f"ctxvec: note: row {int(result.rows[i])}: {note}", file=sys.stderr)
    return result


def render(result: Decomposition, args: argparse.Namespace) -> None:
    unit = ", unit-normalised" if result.normalized else ""
    unit += ", contextual part" if result.contextual else ""
    unit += f"; no {' or '.join(result.excluded_classes)}" if result.excluded_classes else ""
    console.print(Text(f"{result.solver}, {result.n_atoms:,} atoms ({result.atoms}{unit})", style="dim"))
    for i, occ in enumerate(result.occurrences):
        console.print()
        if occ is not None:
            where = f"row {occ.row}, sentence {occ.sentence_id}" if occ.row >= 0 else "new sentence"
            console.print(Text(f"{occ.token} ({where})", style="bold"))
            console.print(highlight(occ.sentence, occ.start, occ.end))
        console.print(Text(result.equation(i, top=args.top), style="bold cyan"))
        rel = result.alpha_relative[i]
        if result.solver == "omp":
            how = "orthogonal matching pursuit"
        else:
            how = f"alpha {rel:.3g}·alpha_max" if 0 < rel < float("inf") else f"alpha {result.alpha[i]:.3g}"
        console.print(
            Text(
                f"{result.n_terms[i]} terms · cosine {result.cosine[i]:.3f} · relative residual {result.residual[i]:.3f} · {how}",
                style="dim",
            )
        )
        if result.notes[i]:
            console.print(Text(result.notes[i], style="yellow"))
        if result.left_out(i):
            console.print(Text(result.left_out(i), style="dim"))
        if result.atoms == "occurrences" and result.terms[i]:
            table = Table(show_edge=False, pad_edge=False)
            table.add_column("coef", justify="right")
            table.add_column("token")
            table.add_column("row", justify="right", style="dim")
            table.add_column("sentence", overflow="fold")
            for t in result.terms[i][: args.top]:
                o = t.occurrence
                sentence = highlight(o.sentence, o.start, o.end) if o is not None else ""
                table.add_row(f"{t.weight:.2f}", t.word, str(t.row), sentence)
            console.print(table)
