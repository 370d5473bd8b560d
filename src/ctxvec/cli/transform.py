"""`ctxvec transform STORE --method M --out STORE2 | --in-place | --remove`: make a store more isotropic."""

from __future__ import annotations

import argparse
import time
from typing import Any

from rich.markup import escape

from ..errors import CtxvecError
from ._output import add_json_flag, console, print_json


def register(sub: Any) -> None:
    from ..transforms import METHODS

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
    p.add_argument("--method", choices=tuple(METHODS), default=None, help="the transform (required unless --remove)")
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..store import Store
    from ..transforms import (
        check_new_output,
        check_no_transform,
        describe,
        make_transform,
        remove_store_transform,
        set_store_transform,
        transform_store,
    )

    store = Store.open(args.store)
    if args.remove:
        if args.method or args.n_components is not None or args.alpha is not None or args.dtype:
            raise CtxvecError("--remove takes no --method, --n-components, --alpha or --dtype")
        old = store.manifest.get("transform_id")
        remove_store_transform(store)
        if args.json:
            print_json({"store": str(store.path), "removed": old})
        else:
            console.print(escape(f"removed the in-place transform {old} from {store.path}"))
        return 0
    if args.method is None:
        raise CtxvecError("--method is required; choose center, abtt, whitening, conceptor or pca")
    if args.in_place and args.dtype:
        raise CtxvecError("--dtype only applies with --out (an in-place transform leaves the stored vectors alone)")
    t = make_transform(args.method, n_components=args.n_components, alpha=args.alpha)
    if args.out:
        check_new_output(args.out, store)
    else:
        check_no_transform(store)
    start = time.perf_counter()
    t.fit(store)
    fit_s = time.perf_counter() - start
    if args.in_place:
        result = set_store_transform(store, t)
        where = f"kept in {result.path}/transform; every operation on {result.path} now applies it"
    else:
        start = time.perf_counter()
        result = transform_store(store, t, args.out, dtype=args.dtype)
        where = f"wrote {result.path} ({result.n_rows:,} rows, dim {result.dim}) in {time.perf_counter() - start:.1f} s"
    info = describe(t)
    if args.json:
        print_json(
            {
                "store": str(result.path),
                "source": str(store.path),
                "in_place": bool(args.in_place),
                "fit_seconds": fit_s,
                **info,
            }
        )
    else:
        console.print(
            escape(
                f"fitted {args.method} ({info['transform_id']}) on {store.n_rows:,} vectors in {fit_s:.1f} s; {where}"
            )
        )
    return 0
