"""The package layout rules of docs/architecture.md, checked statically from the source.

- no import cycle among ctxvec modules, function-level (lazy) imports included; an import of a
  name through a package (``from ..store import Store``) counts as an import of the module that
  defines it (the package's lazy ``_EXPORTS`` table says which);
- the store imports no operation;
- no module over 600 lines;
- argparse only in ``cli/``;
- no top-level torch / sklearn / faiss / scipy / transformers / matplotlib / pyarrow / umap import in
  ``cli/`` (commands import them when they run, so ``ctxvec --help`` starts fast);
- packages have a rank (`RANKS`, drawn in docs/architecture.md): a module imports only from its own
  package or from lower ranks (lazy and type-only imports included), so packages form no cycle;
- a private name (a module or attribute whose name starts with ``_``) is imported only from inside
  the package that holds it: ``from ..store._writer import X`` outside ``store/`` is refused, the
  package's public name (``from ..store import X``) is the way in. ``ctxvec._io`` and the other
  private base modules belong to ``ctxvec`` itself, so every ctxvec module may use them.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "ctxvec"
HEAVY = {
    "torch",
    "sklearn",
    "faiss",
    "scipy",
    "transformers",
    "matplotlib",
    "pyarrow",
    "umap",
    "pandas",
    "anywidget",
    "ipywidgets",
}
OPERATIONS = {
    "neighbours",
    "lasso",
    "decomposition",
    "lexicon",
    "space",
    "structure",
    "runners",
    "queries",
    "explain",
    "figures",
}
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


# The package order, lowest first. "base": the modules directly under ctxvec/ (errors, results, sources,
# stats, sampling, progress, _io, _threads, _lazy) and display/; "api": ctxvec/__init__ (re-exports) and __main__.
RANKS = {
    "base": 0,
    "corpus": 1,
    "encoding": 1,
    "transforms": 1,
    "lasso": 1,
    "store": 2,
    "queries": 3,
    "runners": 3,
    "morphology": 3,
    "slices": 3,
    "neighbours": 4,
    "lexicon": 5,
    "decomposition": 6,
    "space": 6,
    "explain": 6,
    "structure": 7,
    "shift": 8,
    "figures": 9,
    "web": 9,
    "cli": 10,
    "api": 11,
}
TOP_LEVEL_UNITS = {"queries"}  # modules directly under ctxvec/ that rank above the base
BASE_PACKAGES = {"display"}  # packages that are part of the base: display renders `results.Result` for notebooks

# Known debt, left while its packages are rewritten. Each entry is (importing module, imported module).
# Both lists are empty now: keep them so.
RANK_DEBT: set[tuple[str, str]] = set()
PRIVATE_DEBT: set[tuple[str, str]] = set()


def unit_of(module: str) -> str:
    """The ranked unit of a ctxvec module: its package, "base", "api", or a ranked top-level module."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "api"
    if parts[1] in TOP_LEVEL_UNITS:
        return parts[1]
    if parts[1] in BASE_PACKAGES:
        return "base"
    if f"ctxvec.{parts[1]}" in MODULES and MODULES[f"ctxvec.{parts[1]}"].name == "__init__.py":
        return parts[1]
    return "base"


def rank_violations(graph: dict[str, set[str]]) -> list[str]:
    bad = []
    for module, deps in sorted(graph.items()):
        mine = unit_of(module)
        for dep in sorted(deps):
            theirs = unit_of(dep)
            if theirs != mine and RANKS[theirs] >= RANKS[mine] and (module, dep) not in RANK_DEBT:
                bad.append(f"{module} ({mine}, rank {RANKS[mine]}) imports {dep} ({theirs}, rank {RANKS[theirs]})")
    return bad


def test_every_package_has_a_rank() -> None:
    units = {unit_of(m) for m in MODULES}
    assert not units - RANKS.keys(), (
        f"give these packages a place in RANKS (and docs/architecture.md): {units - RANKS.keys()}"
    )


def test_packages_import_only_lower_ranks() -> None:
    bad = rank_violations(GRAPH)
    assert not bad, "imports against the package order:\n" + "\n".join(bad)


def test_the_rank_checker_refuses_an_upward_import() -> None:
    assert rank_violations({"ctxvec.store._reader": {"ctxvec.neighbours._exact"}})
    assert rank_violations({"ctxvec.space._a": {"ctxvec.decomposition._b"}})  # same rank, two packages
    assert not rank_violations({"ctxvec.neighbours._exact": {"ctxvec.store._reader", "ctxvec.neighbours._topk"}})


def test_the_rank_debt_is_still_owed() -> None:
    """An allow-list entry that no longer matches an import must be removed."""
    for module, dep in RANK_DEBT:
        assert dep in GRAPH.get(module, set()), f"({module}, {dep}) is paid: remove it from RANK_DEBT"
    for module, dep in PRIVATE_DEBT:
        assert any(t == dep for t, _ in private_imports(module)), f"({module}, {dep}) is paid: remove it"


def private_owner(dotted: str) -> str | None:
    """The package a private name belongs to (the path up to its first ``_x`` part), None when public."""
    parts = dotted.split(".")
    for i, part in enumerate(parts[1:], start=1):
        if part.startswith("_") and not (part.startswith("__") and part.endswith("__")):
            return ".".join(parts[:i])
    return None


def private_imports(module: str) -> list[tuple[str, str]]:
    """(imported module, dotted name) of every private name `module` imports from outside its owner."""
    tree = ast.parse(MODULES[module].read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if MODULES[module].name == "__init__.py" else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names = [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
            target = ""
        else:
            continue
        for dotted in names:
            owner = private_owner(dotted) if dotted.startswith("ctxvec.") else None
            if owner is not None and not module.startswith(owner + ".") and module != owner:
                found.append((target or dotted, dotted))
    return found


def test_the_private_checker_sees_cross_package_imports() -> None:
    assert private_owner("ctxvec.store._writer.PARTIAL") == "ctxvec.store"
    assert private_owner("ctxvec.store.Store") is None
    assert private_owner("ctxvec._io.atomic_path") == "ctxvec"
    assert private_owner("ctxvec.lexicon._lemmas._cache") == "ctxvec.lexicon"
    assert private_owner("ctxvec.__version__") is None


def test_no_private_import_across_packages() -> None:
    bad = [
        f"{module} imports {dotted}"
        for module in sorted(MODULES)
        for target, dotted in private_imports(module)
        if (module, target) not in PRIVATE_DEBT
    ]
    assert not bad, "private names used outside their package (export them from the package):\n" + "\n".join(bad)


# WordNet's database files; only WORDNET_READER names them (every other module reads WordNet through it).
WORDNET_READER = "ctxvec.morphology._wordnet"
WORDNET_FILE = re.compile(
    r"(index\.|data\.)(noun|verb|adj|adv|sense)?|(noun|verb|adj|adv)?\.exc|cntlist(\.rev)?|lexnames"
)


def wordnet_file_names(tree: ast.Module) -> list[str]:
    """String constants (docstrings aside, f-string parts included) that name a WordNet database file."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and WORDNET_FILE.fullmatch(node.value)
    ]


def test_the_wordnet_checker_sees_file_names() -> None:
    tree = ast.parse('''"""Reads data.noun."""\nopen(folder / f"index.{name}")\np = folder / "noun.exc"\n''')
    assert sorted(wordnet_file_names(tree)) == ["index.", "noun.exc"]


def test_wordnet_files_are_read_in_one_module() -> None:
    """WordNet's files are opened by `morphology._wordnet` only (issue 21: it was parsed in three packages)."""
    bad = {
        module: names
        for module, path in MODULES.items()
        if module != WORDNET_READER and (names := wordnet_file_names(ast.parse(path.read_text())))
    }
    assert not bad, f"WordNet files named outside {WORDNET_READER} (use its read_* functions): {bad}"
    assert wordnet_file_names(ast.parse(MODULES[WORDNET_READER].read_text()))


# matplotlib draws; only the figures package imports it (any import, lazy or type-only included).
FIGURES = "ctxvec.figures"


def test_matplotlib_only_in_the_figures_package() -> None:
    bad = [
        str(path)
        for module, path in MODULES.items()
        if not (module == FIGURES or module.startswith(FIGURES + "."))
        and "matplotlib" in all_imports(ast.parse(path.read_text()))
    ]
    assert not bad, f"matplotlib imported outside {FIGURES}: {bad}"
    assert any(
        "matplotlib" in all_imports(ast.parse(p.read_text())) for m, p in MODULES.items() if m.startswith(FIGURES)
    )


def test_figures_rank_above_the_packages_they_draw() -> None:
    """figures draws the results of structure, space and shift, so it ranks above them and they never import it."""
    drawn = {"structure", "space", "shift"}
    assert all(RANKS["figures"] > RANKS[p] for p in drawn)
    users = {unit_of(m) for m, deps in GRAPH.items() for d in deps if unit_of(d) == "figures"} - {"figures"}
    assert users <= {"cli", "api"}, f"only the front ends (and the api) draw: {users}"
