"""The package's shape: modules in pipeline order, each importing only earlier ones (so no
cycle), and the README's import graph the true one."""

from __future__ import annotations

import ast
import re

from .conftest import ROOT

PACKAGE = ROOT / "scraper"
# Pipeline order, earliest first: records, then fetch, read, extract, join, diff, report,
# render, write, and what runs them. A module may import only modules before it.
ORDER = (
    "model",
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
    "join",
    "diff",
    "report",
    "render",
    "write",
    "ccxt_map",
    "regen",
    "options",
    "replies",
    "show",
    "cli",
    "bench",
    "__main__",
)


def imports() -> dict[str, list[str]]:
    """Module -> the package's modules it imports, anywhere in it (functions included)."""
    graph: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    found.add(node.module.split(".")[0])
                else:
                    found.update(alias.name for alias in node.names)
        if path.stem != "__init__":
            graph[path.stem] = sorted(found, key=ORDER.index)
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


def test_the_cli_is_thin() -> None:
    lines = (PACKAGE / "cli.py").read_text(encoding="utf-8").count("\n")
    assert lines < 300, f"cli.py has {lines} lines"
