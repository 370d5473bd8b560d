"""The dictionary a LASSO reads: atoms (n_atoms, dim) in memory or streamed from a `VectorSource`,
and the atoms each target may not use (`Exclusion`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import torch

from ..errors import CtxvecError, ParameterError
from ..sources import VectorSource

BLOCK_ROWS = 65536


def resolve_device(device: str) -> torch.device:
    """A torch device from its name: ``"auto"`` is cuda when available, else cpu."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except (RuntimeError, TypeError) as e:
        raise ParameterError("device", f"{{name}} {device!r} is not a torch device (auto, cpu, cuda, mps)") from e


class Atoms(Protocol):
    """A dictionary of atoms, (n_atoms, dim), read in blocks (scans) or by index (working sets)."""

    n_atoms: int
    dim: int
    device: torch.device

    def blocks(self) -> Iterator[tuple[int, torch.Tensor]]:
        """Yield (start, (b, dim) float32 tensor on `device`) covering all atoms in order."""
        ...

    def take(self, index: np.ndarray) -> torch.Tensor:
        """(len(index), dim) float64 tensor on `device` of the atoms `index` (int array, any order)."""
        ...


def unit_rows(a: np.ndarray) -> np.ndarray:
    """`a` (n, dim) with each non-zero row scaled to unit L2 norm (computed in float64; zero rows stay zero)."""
    a64 = np.asarray(a, dtype=np.float64)
    norms = np.linalg.norm(a64, axis=-1, keepdims=True)
    out: np.ndarray = (a64 / np.where(norms > 0, norms, 1.0)).astype(a.dtype if a.dtype.kind == "f" else np.float64)
    return out


class ArrayAtoms:
    """Atoms held in memory: `matrix` (n_atoms, dim), kept as float32 on `device`; `unit`: each row scaled
    to unit norm first."""

    def __init__(self, matrix: np.ndarray, device: str = "cpu", block_rows: int = BLOCK_ROWS, unit: bool = False):
        self.device = resolve_device(device)
        m = np.asarray(matrix, dtype=np.float32)
        self.matrix = torch.as_tensor(unit_rows(m) if unit and m.ndim == 2 else m).to(self.device)
        if self.matrix.ndim != 2:
            raise ParameterError(
                "atoms", f"{{name}} must be a 2-D (n_atoms, dim) matrix, got shape {tuple(self.matrix.shape)}"
            )
        self.n_atoms, self.dim = (int(s) for s in self.matrix.shape)
        self.block_rows = block_rows
        self._m64: torch.Tensor | None = None
        self._gram: torch.Tensor | None = None
        self._lipschitz: float | None = None

    def blocks(self) -> Iterator[tuple[int, torch.Tensor]]:
        for start in range(0, self.n_atoms, self.block_rows):
            yield start, self.matrix[start : start + self.block_rows]

    def take(self, index: np.ndarray) -> torch.Tensor:
        idx = torch.as_tensor(np.asarray(index, dtype=np.int64), device=self.device)
        return self.matrix[idx].double()

    def numpy(self) -> np.ndarray:
        """(n_atoms, dim) float32 numpy matrix."""
        return self.matrix.cpu().numpy()

    def matrix64(self) -> torch.Tensor:
        """(n_atoms, dim) float64 copy (cached)."""
        if self._m64 is None:
            self._m64 = self.matrix.double()
        return self._m64

    def gram(self) -> torch.Tensor:
        """(n_atoms, n_atoms) float64 Gram matrix A Aᵀ (cached)."""
        if self._gram is None:
            m = self.matrix64()
            self._gram = m @ m.T
        return self._gram

    def lipschitz(self) -> float:
        """The largest eigenvalue of the Gram matrix, ‖A‖₂² (cached): FISTA's step is its inverse."""
        if self._lipschitz is None:
            self._lipschitz = float(torch.linalg.eigvalsh(self.gram())[-1].clamp_min(1e-12))
        return self._lipschitz


class SourceAtoms:
    """Atoms streamed from a `VectorSource` (e.g. a store's memory map): all rows, or the sorted subset `rows`;
    `unit`: each row scaled to unit norm as it is read."""

    def __init__(
        self,
        source: VectorSource,
        rows: np.ndarray | None = None,
        device: str = "cpu",
        block_rows: int = BLOCK_ROWS,
        unit: bool = False,
    ):
        self.source = source
        self.rows = None if rows is None else np.asarray(rows, dtype=np.int64)
        self.n_atoms = int(source.n_rows if self.rows is None else len(self.rows))
        self.dim = int(source.dim)
        self.device = resolve_device(device)
        self.block_rows = block_rows
        self.unit = unit

    def _read(self, sel: slice | np.ndarray) -> np.ndarray:
        v = self.source.get_vectors(sel)
        return unit_rows(v.astype(np.float32)) if self.unit else _writable(v)

    def blocks(self) -> Iterator[tuple[int, torch.Tensor]]:
        for start in range(0, self.n_atoms, self.block_rows):
            stop = min(start + self.block_rows, self.n_atoms)
            sel = slice(start, stop) if self.rows is None else self.rows[start:stop]
            yield start, torch.from_numpy(self._read(sel)).to(self.device)

    def take(self, index: np.ndarray) -> torch.Tensor:
        index = np.asarray(index, dtype=np.int64)
        rows = index if self.rows is None else self.rows[index]
        uniq, inverse = np.unique(rows, return_inverse=True)
        vec = _writable(self._read(uniq)[inverse])
        return torch.from_numpy(vec).to(self.device).double()


def _writable(a: np.ndarray) -> np.ndarray:
    """`a`, copied when it is a read-only view of a memory map (torch wants writable arrays)."""
    return a if a.flags.writeable else a.copy()


def atoms_matrix(atoms: Atoms) -> np.ndarray:
    """(n_atoms, dim) float32 numpy matrix of `atoms` (a streamed source is read whole)."""
    if isinstance(atoms, ArrayAtoms):
        return atoms.numpy()
    return np.concatenate([b.cpu().numpy() for _, b in atoms.blocks()]) if atoms.n_atoms else np.zeros((0, atoms.dim))


@dataclass
class Exclusion:
    """Atoms a target may not use: `masks` (g, n_atoms) bool (True = excluded), `group` (k,) row of `masks`."""

    masks: np.ndarray
    group: np.ndarray

    @classmethod
    def from_mask(cls, mask: np.ndarray, n_targets: int) -> Exclusion:
        """From an (n_atoms,) bool mask shared by all `n_targets` targets, or a (n_targets, n_atoms) one."""
        m = np.asarray(mask, dtype=bool)
        if m.ndim == 1:
            return cls(m[None, :], np.zeros(n_targets, dtype=np.int64))
        if m.ndim == 2 and len(m) == n_targets:
            return cls(m, np.arange(n_targets, dtype=np.int64))
        raise ParameterError(
            "exclude", f"{{name}} mask has shape {m.shape}; expected (n_atoms,) or ({n_targets}, n_atoms)"
        )

    def check(self, n_targets: int, n_atoms: int) -> Exclusion:
        """`self`, after checking that it covers `n_targets` targets over `n_atoms` atoms."""
        if self.masks.ndim != 2 or self.masks.shape[1] != n_atoms or self.group.shape != (n_targets,):
            raise CtxvecError(
                f"exclusion masks {self.masks.shape} / groups {self.group.shape} do not fit "
                f"{n_targets} targets over {n_atoms} atoms"
            )
        return self

    def subset(self, targets: np.ndarray) -> Exclusion:
        return Exclusion(self.masks, self.group[targets])

    def target_mask(self, t: int) -> np.ndarray:
        """(n_atoms,) bool mask of target `t`."""
        mask: np.ndarray = self.masks[self.group[t]]
        return mask
