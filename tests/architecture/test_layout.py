"""The package layout rules of docs/architecture.md, checked statically from the source.

- no import cycle among ctxvec modules, function-level (lazy) imports included; an import of a
  name through a package (``from ..store import Store``) counts as an import of the module that
  defines it (the package's lazy ``_EXPORTS`` table says which);
- the store imports no operation;
- no module over 600 lines;
- argparse only in ``cli/``;
- no top-level torch / sklearn / faiss / scipy / transformers / matplotlib / pyarrow / umap import in
  ``cli/`` (commands import them when they run, so ``ctxvec --help`` starts fast).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ctxvec"
HEAVY = {"torch", "sklearn", "faiss", "scipy", "transformers", "matplotlib", "pyarrow", "umap", "pandas"}
OPERATIONS = {"neighbours", "lasso", "decomposition", "lexicon", "space", "structure", "runners", "queries", "explain"}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def package_exports(package: str) -> dict[str, str]:
    """name -> defining module, from a package __init__'s `_EXPORTS` table (empty if it has none)."""
    path = MODULES.get(package)
    if path is None or path.name != "__init__.py":
        return {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_EXPORTS" for t in node.targets):
            table = ast.literal_eval(node.value)
            return {name: f"{package}.{mod}" for name, mod in table.items()}
    return {}


def resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The ctxvec modules an ImportFrom in `module` really loads."""
    if node.level:
        base = module.split(".")
        is_package = MODULES[module].name == "__init__.py"
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if not target.startswith("ctxvec"):
        return []
    out = []
    exports = package_exports(target)
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        if sub in MODULES:
            out.append(sub)
        elif alias.name in exports:
            out.append(exports[alias.name])
        elif target in MODULES:
            out.append(target)
    return out


def imports_of(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.update(resolve(module, node))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in MODULES)
    found.discard(module)
    # a package __init__ with a lazy table loads nothing by itself
    return {m for m in found if not (MODULES[m].name == "__init__.py" and package_exports(m))}


GRAPH = {m: imports_of(m) for m in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == 1:
                return [*stack[stack.index(n) :], n]
            if n not in state and (cycle := visit(n)):
                return cycle
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (cycle := visit(m)):
            return cycle
    return None


def test_the_checker_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_lazy_package_tables_name_real_modules() -> None:
    for package in MODULES:
        for name, module in package_exports(package).items():
            assert module in MODULES, f"{package}._EXPORTS[{name!r}] names a missing module {module}"


def test_no_import_cycle() -> None:
    cycle = find_cycle(GRAPH)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_store_imports_no_operation() -> None:
    for module, deps in GRAPH.items():
        if module.startswith("ctxvec.store"):
            bad = {d for d in deps if d.split(".")[1] in OPERATIONS}
            assert not bad, f"{module} imports operations {sorted(bad)}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_size(module: str) -> None:
    n = len(MODULES[module].read_text().splitlines())
    assert n <= MAX_LINES, f"{MODULES[module]} has {n} lines (at most {MAX_LINES}); split it"


def top_level_imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def all_imports(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_argparse_only_in_the_cli() -> None:
    for module, path in MODULES.items():
        if not module.startswith("ctxvec.cli"):
            assert "argparse" not in all_imports(ast.parse(path.read_text())), f"{path} imports argparse"


def test_cli_modules_import_nothing_heavy_at_load_time() -> None:
    for module, path in MODULES.items():
        if module.startswith("ctxvec.cli"):
            heavy = top_level_imports(ast.parse(path.read_text())) & HEAVY
            assert not heavy, f"{path} imports {sorted(heavy)} at load time"


def test_cli_modules_load_only_light_ctxvec_modules() -> None:
    """What a CLI module imports at load time (transitively) must not import heavy libraries at load time."""
    seen: set[str] = set()
    todo = [m for m in MODULES if m.startswith("ctxvec.cli")]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        tree = ast.parse(MODULES[m].read_text())
        heavy = top_level_imports(tree) & HEAVY
        assert not heavy, f"{MODULES[m]} is loaded by the CLI at start-up and imports {sorted(heavy)} at load time"
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                todo.extend(resolve(m, node))
            elif isinstance(node, ast.Import):
                todo.extend(a.name for a in node.names if a.name in MODULES)
