"""`ctxvec transform STORE --method M --out STORE2 | --in-place | --remove`: make a store more isotropic."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.markup import escape

from ..errors import CtxvecError
from ..transforms import METHOD_NAMES
from ._output import console
from ._params import STORE, Command, Opt, options

if TYPE_CHECKING:
    from ..space import TransformRemoval, TransformResult


COMMAND = Command(
    "transform",
    help="post-process a store's vectors: center, all-but-the-top, whitening, conceptor negation, PCA",
    description="Fit a transform on every vector of STORE (streamed; float64 moments) and either write a new "
    "store with the transformed vectors (--out; same rows and sentences, the transform recorded in its "
    "manifest) or keep the fitted transform inside STORE (--in-place) so every operation applies it on the fly. "
    "Methods: center (x - mean); abtt = all-but-the-top (Mu & Viswanath 2018: centre, then remove the top "
    "--n-components principal components, default dim/100); whitening (Su et al. 2021, optional truncation "
    "to --n-components); conceptor negation (Liu et al. 2019, uncentred correlation, aperture --alpha, "
    "default 2); pca (project on the top --n-components principal components, default all).",
    required_groups=("destination",),
    options=options(
        STORE,
        Opt("method", choices=METHOD_NAMES, help="the transform (required unless --remove)"),
        Opt("out", metavar="STORE2", group="destination", help="write a new store here (must not exist)"),
        Opt("in_place", bool, group="destination", help="keep the fitted transform in STORE, applied on the fly"),
        Opt("remove", bool, group="destination", help="drop STORE's in-place transform"),
        Opt("n_components", int, low=1, help="abtt: directions removed; whitening/pca: dimensions kept"),
        Opt("alpha", float, low=0, open_low=True, help="conceptor aperture (default 2)"),
        Opt("dtype", choices=("float16", "float32"), help="with --out: storage dtype of the new vectors (default: the source's)"),
    ),
)  # fmt: skip


def compute(args: argparse.Namespace) -> TransformResult | TransformRemoval:
    from ..space import apply_transform, remove_transform

    store = args.store
    if args.remove:
        if args.method or args.n_components is not None or args.alpha is not None or args.dtype:
            raise CtxvecError("--remove takes no --method, --n-components, --alpha or --dtype")
        return remove_transform(store)
    if args.method is None:
        raise CtxvecError("--method is required; choose center, abtt, whitening, conceptor or pca")
    return apply_transform(
        store,
        args.method,
        out=args.out,
        in_place=args.in_place,
        n_components=args.n_components,
        alpha=args.alpha,
        dtype=args.dtype,
    )


def render(result: TransformResult | TransformRemoval, args: argparse.Namespace) -> None:
    from ..space import TransformRemoval

    if isinstance(result, TransformRemoval):
        console.print(escape(f"removed the in-place transform {result.removed} from {result.store}"))
        return
    if result.in_place:
        where = f"kept in {result.store}/transform; every operation on {result.store} now applies it"
    else:
        where = f"wrote {result.store} ({result.n_rows:,} rows, dim {result.dim}) in {result.write_seconds:.1f} s"
    console.print(
        escape(
            f"fitted {result.method} ({result.transform_id}) on {result.n_fitted:,} vectors "
            f"in {result.fit_seconds:.1f} s; {where}"
        )
    )
