"""sources.toml is checked strictly: a typo is an error naming the key, its line and the fix,
never a removal the docs are blamed for. Paths stay in the repository."""

from __future__ import annotations

import ast
import tempfile
import time
from pathlib import Path

import pytest

from scraper import sources
from scraper.sources import SourcesError

from .conftest import ROOT, copy_repo, regen_args
from .test_cli import invoke

GOOD = """[[source]]
id = "demo-en"
url = "https://example.com/errors"
locale = "en"
title = "Demo"
"""


def load(tmp_path: Path, text: str) -> sources.Sources:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return sources.load(path)


def error(tmp_path: Path, text: str) -> str:
    with pytest.raises(SourcesError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    assert [s.id for s in load(tmp_path, GOOD).sources] == ["demo-en"]


def test_a_misspelt_table_names_itself_its_line_and_the_right_name(tmp_path: Path) -> None:
    message = error(tmp_path, "# comment\n" + GOOD.replace("[[source]]", "[[sources]]"))
    assert message.endswith("sources.toml:2: unknown [[sources]]; did you mean 'source'?")
    assert "allow-removals" not in message


@pytest.mark.parametrize(("key", "right"), [("captur", "capture"), ("fetch_ur", "fetch_url")])
def test_an_unknown_key_names_its_line_and_the_closest_key(
    tmp_path: Path, key: str, right: str
) -> None:
    message = error(tmp_path, GOOD + f'{key} = "x"\n')
    assert message.endswith(
        f"sources.toml:6: [[source]] #1 has an unknown key {key!r}; did you mean {right!r}?"
    )


def test_a_wrong_type_says_so(tmp_path: Path) -> None:
    message = error(tmp_path, GOOD.replace('title = "Demo"', "title = 42"))
    assert message.endswith("sources.toml:5: [[source]] #1: title must be a string, not an integer")


@pytest.mark.parametrize(
    ("capture", "why"),
    [
        ("../outside.html", "leaves the folder of the sources file"),
        ("/etc/passwd", "must be a relative path"),
        (".github/workflows/x.yml", "inside .github/"),
        (".git/hooks/pre-commit", "inside .git/"),
        ("generated/json/x.json", "must be under captures/"),
    ],
)
def test_captures_stay_under_captures(tmp_path: Path, capture: str, why: str) -> None:
    message = error(tmp_path, GOOD + f'capture = "{capture}"\n')
    assert why in message and "sources.toml:6:" in message


def test_captures_dir_moves_them_but_never_into_git(tmp_path: Path) -> None:
    moved = load(tmp_path, 'captures_dir = "pages"\n' + GOOD + 'capture = "pages/a.html"\n')
    assert moved.capture_target(moved.sources[0], ".html") == tmp_path / "pages/a.html"
    assert "inside .git/" in error(tmp_path, 'captures_dir = ".git/x"\n' + GOOD)


@pytest.mark.parametrize("source_id", ["class", "import", "def", "new"])
def test_an_id_that_is_a_reserved_word_is_refused_at_load(tmp_path: Path, source_id: str) -> None:
    message = error(tmp_path, GOOD.replace('id = "demo-en"', f'id = "{source_id}"'))
    assert "reserved word in Python or TypeScript" in message


def test_a_typo_in_the_real_file_is_an_error_not_a_removal(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    path = repo / "sources.toml"
    path.write_text(path.read_text("utf-8").replace("[[source]]", "[[sources]]"), "utf-8")
    code, _, err = invoke(*regen_args(repo, "--offline"))
    assert code == 2
    assert "unknown [[sources]]; did you mean 'source'?" in err
    assert "allow-removals" not in err


def test_the_readme_documents_every_key() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in [*sources.SOURCE_KEYS, *sources.TOP_KEYS]:
        assert f"`{key}`" in readme, key


def test_a_moved_captures_dir_is_where_a_killed_run_is_cleaned_up(tmp_path: Path) -> None:
    declared = load(tmp_path, 'captures_dir = "pages"\n' + GOOD)
    (tmp_path / "pages").mkdir()
    left = tmp_path / "pages" / ".errtables-demo-en.html.x1.tmp"
    left.write_text("half", encoding="utf-8")
    _, _, err = invoke("check", "--sources", str(declared.path))
    assert not left.exists()
    assert "removed 1 half-written file an interrupted" in err


@pytest.mark.parametrize(
    "source_id", ["index", "tables", "match", "types", "constants", "lookup", "errors", "variants"]
)
def test_an_id_that_names_a_part_of_the_package_is_refused_in_one_line(
    tmp_path: Path, source_id: str
) -> None:
    message = error(tmp_path, GOOD.replace("demo-en", source_id))
    assert message.count("\n") == 0 and "sources.toml:2:" in message
    assert f"source id {source_id!r} names a part of the generated package" in message
    assert "choose another id" in message


def test_the_refused_names_are_every_name_the_generated_package_defines() -> None:
    """The package's own files (index.ts, tables.ts, …) and the lowercase names its
    __init__.py exports: a source module named like one of them would replace it."""
    shipped = sources.load(ROOT / "sources.toml")
    modules = {s.module for s in shipped.sources}
    package = ROOT / "generated/typescript/okx-error-codes"
    files = {p.stem for p in package.glob("*.ts")} - modules
    init = ROOT / "generated/python/okx-error-codes/okx_error_codes/__init__.py"
    tree = ast.parse(init.read_text(encoding="utf-8"))
    exported = {
        target.id
        for node in tree.body
        if isinstance(node, ast.AnnAssign | ast.Assign)
        for target in ([node.target] if isinstance(node, ast.AnnAssign) else node.targets)
        if isinstance(target, ast.Name)
    }
    imported = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lowercase = {n for n in exported | imported if n.islower() and not n.startswith("_")}
    assert files and lowercase
    assert (files | lowercase) - modules <= sources.PACKAGE_NAMES


def test_an_id_with_a_trailing_newline_is_refused(tmp_path: Path) -> None:
    message = error(tmp_path, GOOD.replace('"demo-en"', '"newsrc\\n"'))
    assert "source id 'newsrc\\n' must be lowercase letters" in message


def test_checking_many_sources_costs_in_proportion() -> None:
    """20,000 sources took 7.5 s (each id counted against every other): n and 4n compared."""

    def cost(n: int, folder: Path) -> float:
        folder.mkdir()
        entries = "".join(
            f'[[source]]\nid = "s{i}"\nurl = "https://example.com/{i}"\nlocale = "en"\n'
            f'title = "S {i}"\n\n'
            for i in range(n)
        )
        members = ", ".join(f'"s{i}"' for i in range(n))
        path = folder / "sources.toml"
        path.write_text(entries + f'[[package]]\nname = "x"\nsources = [{members}]\n', "utf-8")
        start = time.process_time()
        loaded = sources.load(path)
        spent = time.process_time() - start
        assert len(loaded.sources) == n
        return spent

    with tempfile.TemporaryDirectory() as tmp:
        small = min(cost(2_500, Path(tmp) / f"a{i}") for i in range(2))
        large = min(cost(10_000, Path(tmp) / f"b{i}") for i in range(2))
    assert large <= 8 * max(small, 0.02), f"n: {small:.3f} s, 4n: {large:.3f} s"
