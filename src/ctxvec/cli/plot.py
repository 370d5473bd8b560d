"""`ctxvec plot STORE WORD... -o FILE`: 2-D projection of words' occurrences, word types or a store sample."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import TYPE_CHECKING

from ..structure import COLORS, LEVELS, METHODS
from ._output import console
from ._params import HEIGHT, OUTPUT, SEED, STORE, WHERE, WIDTH, Command, Opt, options

if TYPE_CHECKING:
    from ..figures import SavedPlot
    from ..structure import Projection
    from ..web import ServedStores


COMMAND = Command(
    "plot",
    help="2-D map (PCA, UMAP, t-SNE) of words' occurrences, as PNG/SVG or interactive HTML",
    description="Project the occurrences of the chosen WORDs (or their word types with nearest neighbours, or a "
    "sample of the whole store) to 2-D and draw them coloured by word or by sense. The format comes from the "
    "suffix of -o: .png, .svg, .pdf (matplotlib) or .html (self-contained interactive page: hover shows the "
    "token and its sentence; no network needed). More than --max-points points are sampled with --seed, and "
    "the plot's title says so. The web API answers the projection itself (no file).",
    served=True,
    options=options(
        STORE,
        Opt("words", positional=True, many=True, default=(), metavar="WORD", help="words to plot (optional with --level sample or types)"),
        replace(OUTPUT, required=True, help="output file: .png, .svg, .pdf or .html"),
        Opt("method", default="pca", choices=METHODS, help="projection"),
        Opt("color", default="word", choices=COLORS, help="colour by word or by sense"),
        Opt("level", default="occurrences", choices=LEVELS, help="occurrences of the words, their word types with "
            "--neighbors nearest types, or a sample of the whole store with the words' occurrences highlighted"),
        Opt("max_points", int, 3000, "sample larger selections to N points", low=1, web_high=20_000, metavar="N"),
        Opt("neighbors", int, 10, "types: nearest types added per word", low=2, web_high=100, metavar="N"),
        Opt("min_count", int, 3, "types: words with N occurrences", low=1, metavar="N"),
        replace(WIDTH, default=1200),
        HEIGHT,
        Opt("title", help="plot title (default: method, level and sampling)", local_only=True),
        replace(SEED, help="seed of sampling and projection"),
        WHERE,
        Opt("in_sentence", flag="--in", metavar="TEXT", help="a new sentence, embedded on the fly: its --word "
            "occurrence is placed in the same map (pca, umap)"),
        Opt("word", metavar="WORD", help="the word of the --in sentence to place"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> SavedPlot:
    from ..figures import check_plot_path, write_projection
    from ..structure import project_words

    path = check_plot_path(args.output)  # before opening the store: a wrong suffix is the first thing to say
    proj = project_words(
        args.store,
        args.words,
        method=args.method,
        level=args.level,
        color=args.color,
        max_points=args.max_points,
        neighbors=args.neighbors,
        min_count=args.min_count,
        seed=args.seed,
        in_sentence=args.in_sentence,
        word=args.word,
        where=args.where,
    )
    return write_projection(proj, path, args.width, args.height, args.title)


def compute_served(args: argparse.Namespace, served: ServedStores) -> Projection:
    """The web's `plot`: the projection itself (no file), kept in the server's cache, with a new
    sentence placed in the cached map (one forward pass)."""
    from ..structure import check_placement, place_sentence, project_words

    options = ("method", "level", "color", "max_points", "neighbors", "min_count", "seed", "where")
    key = (str(args.store.path), tuple(args.words), *(getattr(args, o) for o in options))
    check_placement(args.method, args.word, args.in_sentence)  # before the (cached) fit
    proj = served.projections.get(
        key, lambda: project_words(args.store, args.words, **{o: getattr(args, o) for o in options})
    )
    if args.in_sentence is not None:
        proj = place_sentence(args.store, proj, args.word, args.in_sentence)
    return proj


def render(result: SavedPlot, args: argparse.Namespace) -> None:
    proj = result.projection
    note = f" ({proj.note})" if proj.note else ""
    console.print(f"{len(proj):,} points in {len(proj.group_names)} group(s){note} written to {result.path}")
    for q in proj.queries:
        console.print(f"new sentence: {q.token!r} at ({q.x:.3f}, {q.y:.3f}) in {q.sentence!r}")
