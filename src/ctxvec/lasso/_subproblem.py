"""The working-set subproblems: batched FISTA (Beck & Teboulle 2009, adaptive restart) on k small LASSO
problems at once, each given by its Gram matrix g (p, p), b = A y (p,) and ‖y‖², with exact polishing
on a settled support. Everything here is float64 torch, on the device of its inputs."""

from __future__ import annotations

import math

import torch


def lipschitz_bound(g: torch.Tensor) -> torch.Tensor:
    """(k,) largest eigenvalue of each Gram matrix g (k, p, p): exact for p ≤ 32, else power iteration."""
    if g.shape[-1] <= 32:
        largest: torch.Tensor = torch.linalg.eigvalsh(g)[..., -1]
        return largest.clamp_min(1e-300)
    v = torch.linspace(1.0, 1.5, g.shape[-1], dtype=g.dtype, device=g.device).expand(g.shape[:-1])[..., None]
    for _ in range(40):
        v = g @ v
        v = v / v.norm(dim=1, keepdim=True).clamp_min(1e-300)
    rayleigh = (v * (g @ v)).sum((1, 2))
    return (1.05 * rayleigh).clamp_min(1e-300)


def prox(z: torch.Tensor, thresh: torch.Tensor, positive: bool) -> torch.Tensor:
    """Soft-thresholding of z (k, p) by thresh (k, 1): the proximal map of thresh·‖w‖₁ (and w ≥ 0 when positive)."""
    if positive:
        return (z - thresh).clamp_min(0.0)
    return torch.sign(z) * (z.abs() - thresh).clamp_min(0.0)


def _gram_gap(
    g: torch.Tensor,
    b: torch.Tensor,
    yy: torch.Tensor,
    w: torch.Tensor,
    lam: torch.Tensor,
    valid: torch.Tensor,
    positive: bool,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Primal and gap of the working-set problem from its Gram matrix g (k, p, p), b = A y, yy = ‖y‖² (float64)."""
    gw = (g @ w[..., None])[..., 0]
    c = b - gw  # A r
    rr = (yy - 2 * (b * w).sum(1) + (w * gw).sum(1)).clamp_min(0.0)
    ry = yy - (b * w).sum(1)
    dual_norm = (c if positive else c.abs()).masked_fill(~valid, -math.inf).max(1).values
    primal = 0.5 * rr + lam * w.abs().sum(1)
    s = torch.where(dual_norm > lam, lam / dual_norm.clamp_min(1e-300), torch.ones_like(lam))
    gap = (primal - (s * ry - 0.5 * s * s * rr)).clamp_min(0.0)
    return primal, gap


def _polish(
    g: torch.Tensor, b: torch.Tensor, lam: torch.Tensor, w: torch.Tensor, valid: torch.Tensor, positive: bool
) -> torch.Tensor:
    """Exact working-set solution on the current support (linear solve), where it satisfies the KKT conditions."""
    s = w != 0
    sgn = torch.sign(w)
    eye = torch.diag_embed((~s).to(g.dtype))
    m = g * (s[:, :, None] & s[:, None, :]) + eye
    rhs = (b - lam[:, None] * sgn) * s
    sol, info = torch.linalg.solve_ex(m, rhs[..., None])
    sol = sol[..., 0] * s
    ok = (info == 0) & torch.isfinite(sol).all(1)
    ok &= ((sol * sgn > 0) | ~s).all(1)
    c = b - (g @ sol[..., None])[..., 0]
    c = c if positive else c.abs()
    ok &= ((c <= lam[:, None] * (1 + 1e-9)) | s | ~valid).all(1)
    return torch.where(ok[:, None], sol, w)


def fista_subproblems(
    g: torch.Tensor,
    b: torch.Tensor,
    yy: torch.Tensor,
    lam: torch.Tensor,
    w: torch.Tensor,
    valid: torch.Tensor,
    positive: bool,
    tol: float,
    max_iter: int,
    check_every: int = 10,
) -> tuple[torch.Tensor, int]:
    """Solve the working-set problems (batched) given their Gram matrices g (k, p, p) float64, b = A y (k, p),
    yy = ‖y‖² (k,) (rows/columns of g and b zero where not `valid`), and a warm start w (k, p).
    Returns the best iterates and the iterations run.

    Every `check_every` iterations: duality gap; where the support has not changed since the last check,
    the exact solution on that support (`_polish`), kept when it satisfies the KKT conditions. Targets
    that reach `tol` leave the batch, so a few hard ones do not slow down the rest.
    """
    lipschitz = lipschitz_bound(g)
    w = _polish(g, b, lam, w * valid, valid, positive)
    out = w.clone()
    best_p, gap = _gram_gap(g, b, yy, w, lam, valid, positive)
    live = torch.nonzero(gap > tol * best_p.clamp_min(1e-300))[:, 0]
    g, b, yy, lam, valid, w, best_p, lipschitz = (x[live] for x in (g, b, yy, lam, valid, w, best_p, lipschitz))
    best_w, last_support = w, w != 0
    z, t = w.clone(), torch.ones_like(lam)
    n = 0
    for n in range(1, max_iter + 1):
        if not len(live):
            break
        grad = (g @ z[..., None])[..., 0] - b
        step = 1.0 / lipschitz
        w_new = prox(z - step[:, None] * grad, (lam * step)[:, None], positive)
        restart = ((z - w_new) * (w_new - w)).sum(1) > 0  # adaptive restart (O'Donoghue & Candès 2015)
        t_new = 0.5 * (1 + torch.sqrt(1 + 4 * t * t))
        beta = torch.where(restart, torch.zeros_like(t), (t - 1) / t_new)
        t = torch.where(restart, torch.ones_like(t), t_new)
        z = w_new + beta[:, None] * (w_new - w)
        w = w_new
        if n % check_every == 0 or n == max_iter:
            support = w != 0
            if bool((support == last_support).all(1).any()):
                w = _polish(g, b, lam, w, valid, positive)
            last_support = support
            primal, gap = _gram_gap(g, b, yy, w, lam, valid, positive)
            better = primal < best_p
            best_w = torch.where(better[:, None], w, best_w)
            diverging = primal > best_p * (1 + 1e-6)  # step too long: halve it, restart from the best point
            lipschitz = torch.where(diverging, 2 * lipschitz, lipschitz)
            w = torch.where(diverging[:, None], best_w, w)
            z = torch.where(diverging[:, None], best_w, z)
            best_p = torch.where(better, primal, best_p)
            done = better & (gap <= tol * primal.clamp_min(1e-300))
            if bool(done.any()):
                out[live[done]] = best_w[done]
                keep = ~done
                live = live[keep]
                g, b, yy, lam, valid, w, z, t, best_p, best_w, lipschitz, last_support = (
                    x[keep] for x in (g, b, yy, lam, valid, w, z, t, best_p, best_w, lipschitz, last_support)
                )
    if len(live):
        out[live] = best_w
    return out, n
