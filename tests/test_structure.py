"""The package's shape: modules in pipeline order, each importing only earlier ones (so no
cycle), and the README's import graph the true one."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "scraper"
# Pipeline order, earliest first: records, then fetch, read, extract, join, diff, report,
# render, write, and what runs them. A module may import only modules before it.
ORDER = (
    "ccxt_classes",
    "model",
    "runtime",
    "normalize",
    "columns",
    "escape",
    "sources",
    "fetch",
    "page",
    "rows",
    "walk",
    "verdict",
    "code_lists",
    "plaintext",
    "extract",
    "capture",
    "languages",
    "documents",
    "join",
    "categorize",
    "diff",
    "report",
    "cache",
    "render",
    "write",
    "state",
    "ccxt_map",
    "regen",
    "commands",
    "options",
    "replies",
    "init",
    "show",
    "cli",
    "console",
    "__main__",
)


def _imported(path: Path, level: int) -> set[str]:
    """The package's modules a file imports: relative imports ``level`` deep."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == level:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def imports() -> dict[str, list[str]]:
    """Module -> the package's modules it imports, anywhere in it (functions included); a
    subpackage counts as one module."""
    graph: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.stem != "__init__":
            graph[path.stem] = sorted(_imported(path, 1), key=ORDER.index)
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        found = set()
        for path in init.parent.rglob("*.py"):
            depth = len(path.relative_to(PACKAGE).parts) - 1
            found |= _imported(path, depth + 1)
        graph[init.parent.name] = sorted(found, key=ORDER.index)
    return graph


def test_every_module_has_its_place_in_the_pipeline() -> None:
    assert sorted(imports()) == sorted(ORDER)


def test_modules_import_only_earlier_stages() -> None:
    for module, deps in imports().items():
        later = [d for d in deps if ORDER.index(d) >= ORDER.index(module)]
        assert not later, f"{module} imports {later}, which come at or after it"


def graph_text() -> str:
    graph = imports()
    return "\n".join(
        f"{module:<10} ← {', '.join(graph[module]) or '(nothing)'}" for module in ORDER
    )


def test_readme_shows_the_import_graph() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- import graph -->\n```text\n(.*?)\n```", readme, re.S)
    assert found, "README: the import graph block is missing"
    assert found.group(1) == graph_text(), "README's import graph is stale:\n" + graph_text()


def test_the_runtime_imports_only_the_standard_library_and_itself() -> None:
    """What the generated packages carry runs without errtables or any other package."""
    allowed = sys.stdlib_module_names
    for path in (PACKAGE / "runtime" / "python").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = {(node.module or "").split(".")[0]}
            else:
                continue
            assert names <= allowed, f"{path.name} imports {names - allowed}"
        relative = _imported(path, 2) | _imported(path, 3)
        assert not relative, f"{path.name} imports {relative} from outside the runtime"


def test_the_cli_is_thin() -> None:
    lines = (PACKAGE / "cli.py").read_text(encoding="utf-8").count("\n")
    assert lines < 300, f"cli.py has {lines} lines"


def test_every_error_errtables_raises_derives_from_one_base() -> None:
    """The command line catches ErrtablesError once; a module's own exception class that
    does not derive from it would be a traceback."""
    import importlib

    from scraper.model import ErrtablesError

    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = (
            importlib.import_module(f"scraper.{path.stem}") if path.stem != "__main__" else None
        )
        for node in tree.body:
            if isinstance(node, ast.ClassDef) and node.name.endswith(("Error", "TooLarge")):
                assert module is not None
                found = getattr(module, node.name)
                assert issubclass(found, ErrtablesError), f"{path.stem}.{node.name}"
    cli = (PACKAGE / "cli.py").read_text(encoding="utf-8")
    assert cli.count("except ErrtablesError") == 1


def test_the_typescript_flags_are_one_list() -> None:
    """make lint, make dist and the tests read tools/tsc.flags; nobody spells them again."""
    for path in (ROOT / "Makefile", ROOT / "tools/dist.py", ROOT / "tests/conftest.py"):
        text = path.read_text(encoding="utf-8")
        assert "tools/tsc.flags" in text and "noUncheckedIndexedAccess" not in text, path
