"""`ctxvec plot STORE WORD... -o FILE`: 2-D projection of words' occurrences, word types or a store sample."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..structure import COLORS, LEVELS, METHODS
from ._output import add_json_flag, console

if TYPE_CHECKING:
    from ..structure import SavedPlot


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "plot",
        help="2-D map (PCA, UMAP, t-SNE) of words' occurrences, as PNG/SVG or interactive HTML",
        description="Project the occurrences of the chosen WORDs (or their word types with nearest neighbours, or a "
        "sample of the whole store) to 2-D and draw them coloured by word or by sense. The format comes from the "
        "suffix of -o: .png, .svg, .pdf (matplotlib) or .html (self-contained interactive page: hover shows the "
        "token and its sentence; no network needed). More than --max-points points are sampled with --seed, and "
        "the plot's title says so.",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("words", metavar="WORD", nargs="*", help="words to plot (optional with --level sample or types)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="output file: .png, .svg, .pdf or .html")
    p.add_argument("--method", default="pca", choices=METHODS, help="projection (default pca)")
    p.add_argument("--color", default="word", choices=COLORS, help="colour by word or by sense (default word)")
    p.add_argument(
        "--level",
        default="occurrences",
        choices=LEVELS,
        help="occurrences of the words (default), their word types with --neighbors nearest types, "
        "or a sample of the whole store with the words' occurrences highlighted",
    )
    p.add_argument(
        "--max-points", type=int, default=3000, metavar="N", help="sample larger selections to N points (default 3000)"
    )
    p.add_argument(
        "--neighbors", type=int, default=10, metavar="N", help="types: nearest types added per word (default 10)"
    )
    p.add_argument("--min-count", type=int, default=3, metavar="N", help="types: words with N occurrences (default 3)")
    p.add_argument("--width", type=int, default=1200, help="image width in pixels (default 1200)")
    p.add_argument("--height", type=int, default=800, help="image height in pixels (default 800)")
    p.add_argument("--title", default=None, help="plot title (default: method, level and sampling)")
    p.add_argument("--seed", type=int, default=0, help="seed of sampling and projection (default 0)")
    p.add_argument(
        "--in",
        dest="in_sentence",
        default=None,
        metavar="TEXT",
        help="a new sentence, embedded on the fly: its --word occurrence is placed in the same map (pca, umap)",
    )
    p.add_argument("--word", default=None, metavar="WORD", help="the word of the --in sentence to place")
    p.add_argument("--where", default=None, metavar="FILTER", help='plot only a slice, e.g. "year < 1900"')
    add_json_flag(p)


def compute(args: argparse.Namespace) -> SavedPlot:
    from ..store import Store
    from ..structure import check_plot_path, write_word_plot

    path = check_plot_path(args.output)  # before opening the store: a wrong suffix is the first thing to say
    return write_word_plot(
        Store.open(args.store),
        args.words,
        path,
        method=args.method,
        level=args.level,
        color=args.color,
        max_points=args.max_points,
        neighbors=args.neighbors,
        min_count=args.min_count,
        width=args.width,
        height=args.height,
        title=args.title,
        seed=args.seed,
        in_sentence=args.in_sentence,
        word=args.word,
        where=args.where,
    )


def render(result: SavedPlot, args: argparse.Namespace) -> None:
    proj = result.projection
    note = f" ({proj.note})" if proj.note else ""
    console.print(f"{len(proj):,} points in {len(proj.group_names)} group(s){note} written to {result.path}")
    for q in proj.queries:
        console.print(f"new sentence: {q.token!r} at ({q.x:.3f}, {q.y:.3f}) in {q.sentence!r}")
