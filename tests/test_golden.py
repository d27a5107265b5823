"""Golden records: each fixture page's extraction, kept beside it as ``<page>.golden``."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from scraper import diff, page, regen, render, report
from scraper.model import Source

from .conftest import FIXTURES

UPDATE = "make goldens"
PAGES = sorted(
    p
    for folder in ("pages", "seeds")
    for p in (FIXTURES / folder).rglob("*")
    if p.suffix in (".json", ".md", ".html", ".txt")
)
PR_BODY = FIXTURES / "pr-body"


def extraction(path: Path) -> str:
    loaded = page.read(path)
    name = path.relative_to(FIXTURES).as_posix()
    loaded = page.Page(name, loaded.html, loaded.text, loaded.url, loaded.title, loaded.html_line)
    table = regen.code_table(regen.source_for(loaded, None), loaded)
    return render.json_text(regen.extract_document([table]), sort_keys=False)


def check_golden(golden: Path, actual: str, update_goldens: bool) -> None:
    if update_goldens:
        golden.write_text(actual, encoding="utf-8")
        return
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if actual != expected:
        delta = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), str(golden), "produced now"
            )
        )
        pytest.fail(f"{golden.name} differs; if the change is right, run: {UPDATE}\n{delta}")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(FIXTURES).as_posix())
def test_extraction_matches_golden(path: Path, update_goldens: bool) -> None:
    check_golden(path.with_name(path.name + ".golden"), extraction(path), update_goldens)


def test_pull_request_body_of_a_real_change_matches_golden(update_goldens: bool) -> None:
    source = Source(
        "dex-error-code-zh-hans",
        "https://web3.okx.com/zh-hans/build/dev-docs/dex-api/dex-error-code",
        "zh-hans",
        "交易 API · 兑换 API：错误码",
    )
    old, new = (
        regen.code_table(source, page.read(PR_BODY / f"{name}.html")) for name in ("older", "newer")
    )
    result = diff.compare({source.id: old}, {source.id: new})
    rules = sorted((c.rule, c.code) for c in result.real)
    assert rules == [
        ("code-added", "82120"),
        ("code-added", "82130"),
        ("code-removed", "82106"),
        ("http-status-changed", "82001"),
        ("message-changed", "82112"),
        ("placeholders-changed", "50014"),
    ]
    body = report.markdown(result, "build/errtables-report.json")
    check_golden(PR_BODY / "expected.md", body, update_goldens)


def test_every_golden_has_its_fixture() -> None:
    goldens = {p.with_suffix("") for p in FIXTURES.rglob("*.golden")}
    assert goldens
    assert goldens == set(PAGES)
