"""Golden records: each fixture page's extraction, kept beside it as ``<page>.golden``."""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest

from scraper import page, regen

from .conftest import FIXTURES

UPDATE = "make goldens"
PAGES = sorted(
    p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".json", ".md", ".html", ".txt")
)


def extraction(path: Path) -> str:
    loaded = page.read(path)
    name = path.relative_to(FIXTURES).as_posix()
    loaded = page.Page(name, loaded.html, loaded.text, loaded.url, loaded.title, loaded.html_line)
    table = regen.code_table(regen.source_for(loaded, None), loaded)
    return json.dumps(regen.extract_document([table]), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_extraction_matches_golden(path: Path, update_goldens: bool) -> None:
    golden = path.with_name(path.name + ".golden")
    actual = extraction(path)
    if update_goldens:
        golden.write_text(actual, encoding="utf-8")
        return
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), str(golden), "extracted now"
            )
        )
        pytest.fail(f"{golden.name} differs; if the change is right, run: {UPDATE}\n{diff}")


def test_every_golden_has_its_fixture() -> None:
    goldens = {p.with_suffix("") for p in FIXTURES.rglob("*.golden")}
    assert goldens == set(PAGES)
