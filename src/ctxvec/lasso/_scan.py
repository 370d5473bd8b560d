"""One pass over every atom: the correlations A r of residuals with all atoms, their maximum (the dual
norm of the duality gap, and alpha_max when r = y) and the best candidates for a working set."""

from __future__ import annotations

import math

import numpy as np
import torch

from ._atoms import Atoms, Exclusion
from ._result import as_targets, check_dims

SCAN_ELEMENTS = 1 << 23  # scores computed at once in a scan (k_chunk × block rows)


def scan(
    atoms: Atoms, r: torch.Tensor, exclusion: Exclusion | None, skip: np.ndarray | None, n_top: int, positive: bool
) -> tuple[torch.Tensor, np.ndarray]:
    """One pass over all atoms with residuals r (k, dim).

    Returns the largest score over allowed atoms not in `skip` (k,) — score = A r (|A r| when signed) —
    and the indices (k, n_top) of the highest-scoring such atoms (-1 where fewer exist).
    `skip` (k, s) int, -1 padded: atoms handled exactly elsewhere (the current support).
    """
    k = r.shape[0]
    dev = atoms.device
    r32 = r.to(dev, torch.float32)
    best = torch.full((k,), -math.inf, device=dev)
    top_v = torch.full((k, n_top), -math.inf, device=dev)
    top_i = torch.full((k, n_top), -1, dtype=torch.int64, device=dev)
    skip_t = None if skip is None else torch.as_tensor(skip, device=dev)
    masks = None if exclusion is None else torch.as_tensor(exclusion.masks, device=dev)
    group = None if exclusion is None else torch.as_tensor(exclusion.group, device=dev)
    for start, block in atoms.blocks():
        b = block.shape[0]
        step = max(1, SCAN_ELEMENTS // b)  # targets at a time: bounds the (targets, b) score matrix
        for lo in range(0, k, step):
            hi = min(k, lo + step)
            c = r32[lo:hi] @ block.T
            if not positive:
                c = c.abs()
            if masks is not None and group is not None:
                c.masked_fill_(masks[:, start : start + b][group[lo:hi]], -math.inf)
            if skip_t is not None and skip_t.numel():
                sk = skip_t[lo:hi]
                inside = (sk >= start) & (sk < start + b)
                rows = torch.arange(hi - lo, device=dev)[:, None].expand_as(sk)
                c[rows[inside], sk[inside] - start] = -math.inf
            best[lo:hi] = torch.maximum(best[lo:hi], c.max(1).values)
            if n_top:
                v, i = c.topk(min(n_top, b), dim=1)
                v, sel = torch.cat([top_v[lo:hi], v], 1).topk(n_top, dim=1)
                top_i[lo:hi] = torch.cat([top_i[lo:hi], i + start], 1).gather(1, sel)
                top_v[lo:hi] = v
    top = top_i.cpu().numpy()
    top[~np.isfinite(top_v.cpu().numpy())] = -1
    return best.double(), top


def alpha_max(y: np.ndarray, atoms: Atoms, positive: bool = True, exclude: Exclusion | None = None) -> np.ndarray:
    """(k,) smallest alpha giving all-zero coefficients: max_j (A y)_j / dim (|A y| when signed), ≥ 0.

    y (k, dim) targets; `exclude`: the atoms each target may not use."""
    ys = as_targets(y)
    check_dims(ys, atoms.dim)
    excl = None if exclude is None else exclude.check(len(ys), atoms.n_atoms)
    best, _ = scan(atoms, torch.from_numpy(ys), excl, None, 0, positive)
    amax: np.ndarray = np.maximum(best.cpu().numpy(), 0.0) / ys.shape[1]
    return amax
