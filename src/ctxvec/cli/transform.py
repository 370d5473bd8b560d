"""`ctxvec transform STORE --method M --out STORE2 | --in-place | --remove`: make a store more isotropic."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from rich.markup import escape

from ..errors import CtxvecError
from ..transforms import METHOD_NAMES
from ._output import add_json_flag, console

if TYPE_CHECKING:
    from ..space import TransformRemoval, TransformResult


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "transform",
        help="post-process a store's vectors: center, all-but-the-top, whitening, conceptor negation, PCA",
        description="Fit a transform on every vector of STORE (streamed; float64 moments) and either write a new "
        "store with the transformed vectors (--out; same rows and sentences, the transform recorded in its "
        "manifest) or keep the fitted transform inside STORE (--in-place) so every operation applies it on the fly. "
        "Methods: center (x - mean); abtt = all-but-the-top (Mu & Viswanath 2018: centre, then remove the top "
        "--n-components principal components, default dim/100); whitening (Su et al. 2021, optional truncation "
        "to --n-components); conceptor negation (Liu et al. 2019, uncentred correlation, aperture --alpha, "
        "default 2); pca (project on the top --n-components principal components, default all).",
    )
    p.add_argument("store", metavar="STORE", help="store folder")
    p.add_argument("--method", choices=METHOD_NAMES, default=None, help="the transform (required unless --remove)")
    dest = p.add_mutually_exclusive_group(required=True)
    dest.add_argument("--out", default=None, metavar="STORE2", help="write a new store here (must not exist)")
    dest.add_argument("--in-place", action="store_true", help="keep the fitted transform in STORE, applied on the fly")
    dest.add_argument("--remove", action="store_true", help="drop STORE's in-place transform")
    p.add_argument(
        "--n-components", type=int, default=None, help="abtt: directions removed; whitening/pca: dimensions kept"
    )
    p.add_argument("--alpha", type=float, default=None, help="conceptor aperture (default 2)")
    p.add_argument(
        "--dtype",
        choices=("float16", "float32"),
        default=None,
        help="with --out: storage dtype of the new vectors (default: the source's)",
    )
    add_json_flag(p)


def compute(args: argparse.Namespace) -> TransformResult | TransformRemoval:
    from ..space import apply_transform, remove_transform
    from ..store import Store

    store = Store.open(args.store)
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
