"""Golden records in tests/expected/: each fixture page's extraction as
``extract/<page path>.json`` (the ``errtables extract --json`` document), and a real change's
pull-request body."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from scraper import commands, diff, documents, page, regen, render, report
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
EXPECTED = FIXTURES.parent / "expected"


def golden_of(path: Path) -> Path:
    return EXPECTED / "extract" / (path.relative_to(FIXTURES).as_posix() + ".json")


def extraction(path: Path) -> str:
    loaded = page.read(path)
    name = path.relative_to(FIXTURES).as_posix()
    loaded = page.Page(name, loaded.html, loaded.text, loaded.url, loaded.title, loaded.html_line)
    table = regen.code_table(commands.source_for(loaded, None), loaded)
    return render.json_text(documents.extract_document([table]), sort_keys=False)


def check_golden(golden: Path, actual: str, update_goldens: bool) -> None:
    if update_goldens:
        golden.parent.mkdir(parents=True, exist_ok=True)
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
    check_golden(golden_of(path), extraction(path), update_goldens)


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
    check_golden(EXPECTED / "pr-body.md", body, update_goldens)


def test_every_golden_has_its_fixture() -> None:
    goldens = set((EXPECTED / "extract").rglob("*.json"))
    assert goldens
    assert goldens == {golden_of(p) for p in PAGES}


def test_one_small_record_in_every_output_format(update_goldens: bool) -> None:
    """A source of five rows (a sub-code, an HTTP status, a title, a struck code, a
    translation, text that must be escaped) in Python, TypeScript, JSON and Markdown."""
    from scraper import join
    from scraper.model import CodeTable, Row, Table

    en = Source("tiny-en", "https://example.com/en/errors", "en", "Tiny errors", group="tiny")
    zh = Source("tiny-zh", "https://example.com/zh/errors", "zh", "小错误", group="tiny")
    rows = (
        Row("1", "Operation failed.", 200),
        Row("51008", "Insufficient {param0} balance", 200, sub_code="1000"),
        Row("51008", 'Quote " and backslash \\ and `tick`', 200, sub_code="1001"),
        Row("60001", "Old | gone", 400, title="Gone", deprecated=True),
    )
    tables = [
        CodeTable(en, (Table("Errors > REST", ("Code", "HTTP", "Message"), rows),)),
        CodeTable(zh, (Table("错误码", ("错误码", "错误消息"), (Row("1", "操作失败"),)),)),
    ]
    joined, _ = join.join(tables)
    files = render.render_all(joined)
    for rel in (
        "python/okx-error-codes/okx_error_codes/tiny_en.py",
        "typescript/okx-error-codes/tiny_en.ts",
        "json/tiny-en.json",
        "markdown/tiny-en.md",
    ):
        check_golden(EXPECTED / "render" / rel, files[rel], update_goldens)
