"""OKX API v5 in generated/: every variant kept and reachable, real replies matched to their
documented row, the English and Chinese pages joined."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import capture, join, page
from scraper.model import CodeTable, Row, Source, Table

from .conftest import FIXTURES, PAGES, ROOT, copy_repo, examples, regen_args
from .test_cli import invoke

GENERATED = ROOT / "generated"


@pytest.fixture(scope="module")
def codes() -> Iterator[ModuleType]:
    sys.path.insert(0, str(GENERATED / "python" / "okx-error-codes"))
    try:
        yield importlib.import_module("okx_error_codes")
    finally:
        sys.path.remove(str(GENERATED / "python" / "okx-error-codes"))


def rows_in(source: str) -> int:
    data = json.loads((GENERATED / "json" / f"{source}.json").read_text(encoding="utf-8"))
    return sum(len(t["rows"]) for t in data["tables"])


def test_v5_tables_are_generated_with_every_row() -> None:
    assert rows_in("okx-v5-en") == 1116  # the English page of 2026-08
    assert rows_in("okx-v5-zh") == 1101
    assert rows_in("okx-v5-broker-en") == 16


def test_the_whole_one_page_docs_reduce_to_the_same_capture() -> None:
    # The live page has every API section (parameter tables, code samples, scripts) before
    # its Error Code section: the broker page stands in for them here.
    broker = (PAGES / "okx-v5/docs-v5-broker-en.html").read_text(encoding="utf-8")
    section = (PAGES / "okx-v5/docs-v5-en-error-code.html").read_text(encoding="utf-8")
    body = section[section.index("<body>") + len("<body>") : section.rindex("</body>")]
    # The broker page's own error table sits under its own h1; the error section follows it.
    whole = broker.replace("</body>", body + "</body>", 1)
    url = "https://www.okx.com/docs-v5/en/"
    _, reduced = capture.reduce_page(page.from_text("docs-v5-en.html", whole), url)
    # The capture that page gave, committed until the 2026-08 refresh.
    committed = (FIXTURES / "replay/okx-v5-en-2025-08.html").read_text(encoding="utf-8")
    # The broker's own table is kept too, ahead of the v5 section; past it, byte for byte.
    assert reduced.endswith(committed.split("\n", 1)[1])


def test_variants_keep_every_row_in_page_order(codes: ModuleType) -> None:
    found = codes.variants("51008", source="okx-v5-en")
    assert len(found) == 16  # 51008_1000 ... 51008_1020
    assert all(r.code == "51008" for r in found)
    page_order = [
        r["message"]
        for t in json.loads((GENERATED / "json/okx-v5-en.json").read_text("utf-8"))["tables"]
        for r in t["rows"]
        if r["code"] == "51008"
    ]
    assert [r.message for r in found] == page_order
    assert codes.lookup("51008", source="okx-v5-en") is found[0]
    # Without a source: every source in priority order, v5 English first.
    assert codes.variants("51008")[:16] == found
    assert codes.lookup("50014").source == "okx-v5-en"
    assert len(codes.variants("51024", source="okx-v5-en")) == 32


def test_match_finds_the_documented_variant_and_its_values(codes: ModuleType) -> None:
    found = codes.match("51008", "Order failed. Insufficient USDT balance in account", "okx-v5-en")
    assert found.row.message == "Order failed. Insufficient {param0} balance in account"
    assert dict(found.values) == {"param0": "USDT"} and found.exact
    margin = codes.match("51008", "Order failed. Insufficient USDT margin in account", "okx-v5-en")
    assert margin.row.message == "Order failed. Insufficient {param0} margin in account"
    reply = {
        "code": "51008",
        "msg": "Order failed. Insufficient BTC borrowing quota results in an insufficient "
        "amount available to borrow.",
        "data": [],
    }
    assert dict(codes.from_response(reply).values) == {"param0": "BTC"}
    assert codes.match("99999999", "x") is None


def test_no_template_matches_gives_the_code_first_row_not_exact(codes: ModuleType) -> None:
    found = codes.match("50014", "something else entirely", source="okx-v5-en")
    assert found.row.code == "50014" and not found.exact and dict(found.values) == {}


def test_most_literal_text_wins_and_templates_are_literal(codes: ModuleType) -> None:
    from okx_error_codes._match import Matcher
    from okx_error_codes._types import ErrorCode

    def row(message: str) -> ErrorCode:
        names = tuple(dict.fromkeys(re.findall(r"\{(\w+)\}", message)))
        return ErrorCode("1", message, None, names, None, "code", "", "t")

    rows = (row("Order {param0}"), row("Order failed: {param0}"), row("Rate (%) is 5.0 [x]*"))
    matcher = Matcher(rows)
    assert matcher.match("Order failed: BTC").row is rows[1]
    assert dict(matcher.match("Order failed: BTC").values) == {"param0": "BTC"}
    assert matcher.match("Rate (%) is 5.0 [x]*").exact
    assert not matcher.match("Rate (%) is 5a0 [x]").exact  # '.' is not a wildcard


def test_translations_join_the_two_languages(codes: ModuleType) -> None:
    row = codes.lookup("50014", source="okx-v5-en")
    assert dict(row.translations) == {
        "en": "Parameter {param0} can not be empty.",
        "zh": "必填参数{param0}不能为空",
    }
    zh = codes.lookup("50014", source="okx-v5-zh")
    assert dict(zh.translations) == dict(row.translations)
    markdown = (GENERATED / "markdown/okx-v5-en.md").read_text(encoding="utf-8")
    assert "| Message (zh) |" in markdown
    assert "必填参数{param0}不能为空" in markdown


def _table(source: Source, *rows: tuple[int, str, str]) -> CodeTable:
    parts: dict[int, list[Row]] = {}
    for part, code, message in rows:
        parts.setdefault(part, []).append(Row(code, message))
    return CodeTable(source, tuple(Table(f"s{i}", (), tuple(parts[i])) for i in sorted(parts)))


def test_join_aligns_only_what_is_unambiguous() -> None:
    en = Source("a-en", "https://x/en", "en", "A", group="a")
    zh = Source("a-zh", "https://x/zh", "zh", "A", group="a")
    joined, gaps = join.join(
        [
            _table(en, (0, "1", "one"), (0, "2", "two a"), (0, "2", "two b"), (1, "3", "three")),
            _table(zh, (0, "1", "一"), (0, "2", "二"), (5, "4", "四"), (6, "1", "一 again")),
        ]
    )
    by = {
        (t.source.id, r.code, r.message): dict(r.translations)
        for t in joined
        for p in t.tables
        for r in p.rows
    }
    assert by[("a-en", "2", "two a")] == {"en": "two a"}  # 2 rows against 1: not joined
    assert by[("a-en", "1", "one")] == {"en": "one"}  # 1 row against 2 in two sections
    assert by[("a-zh", "4", "四")] == {"zh": "四"}
    assert sorted((g.rule, g.code) for g in gaps) == [
        ("translation-ambiguous", "1"),
        ("translation-ambiguous", "2"),
        ("translation-missing", "3"),
        ("translation-missing", "4"),
    ]
    joined, gaps = join.join(
        [
            _table(en, (0, "7", "seven"), (2, "7", "seven b")),
            _table(zh, (1, "7", "七"), (3, "7", "七 b")),
        ]
    )
    assert gaps == []
    assert [dict(r.translations) for p in joined[1].tables for r in p.rows] == [
        {"en": "seven", "zh": "七"},
        {"en": "seven b", "zh": "七 b"},
    ]


def test_a_change_to_one_variant_is_reported_for_that_variant(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    path = repo / "captures/okx-v5-en.html"
    text = path.read_text(encoding="utf-8")
    old = "Insufficient {param0} borrowing quota results in an insufficient amount"
    assert text.count(old) == 1
    path.write_text(
        text.replace(old, "Not enough {param0} borrowing quota, so an insufficient amount"), "utf-8"
    )
    code, out, err = invoke(
        "diff", "--offline", "--format", "json", "--sources", str(repo / "sources.toml")
    )
    report = json.loads(out)
    (change,) = [c for c in report["changes"] if c["source"] == "okx-v5-en"]
    assert change["rule"] == "message-changed" and change["code"] == "51008_1006"
    assert change["variant"] is not None and change["variant"] > 1
    assert change["section"] == "Error Code > REST API > Public > Trade Class"
    code, out, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0, err
    assert "51008_1006 #" in out


# Letters and digits: a value holding a template's own separators ("{0} - {1}" filled with
# "0-") can be split in more than one way by any matcher.
SAMPLE = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    min_size=1,
    max_size=16,
)


def _templated(codes: ModuleType) -> list[object]:
    return [r for rows in codes.VARIANTS["okx-v5-en"].values() for r in rows if r.placeholders]


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data())
def test_every_templated_row_filled_matches_back_to_itself(
    codes: ModuleType, data: st.DataObject
) -> None:
    for row in _templated(codes):
        values = {name: data.draw(SAMPLE) for name in row.placeholders}
        found = codes.match(row.code, row.format(**values), source="okx-v5-en")
        assert found is not None and found.exact, (row.message, values)
        assert found.row.message == row.message
        # Placeholders side by side, or apart by words only ("{param0} or {param1}" filled
        # with "0or" and "0"): one true reading of many. Elsewhere the values come back.
        if re.search(r"\}[A-Za-z0-9 ]*\{", row.message):
            assert row.format(**found.values) == row.format(**values)
        else:
            assert dict(found.values) == values


def test_package_acceptance_with_the_standard_library_alone() -> None:
    script = """
import okx_error_codes as c
assert len(c.variants("51008", source="okx-v5-en")) == 16
m = c.match("51008", "Order failed. Insufficient USDT balance in account", source="okx-v5-en")
assert m.row.message == "Order failed. Insufficient {param0} balance in account"
assert dict(m.values) == {"param0": "USDT"}
assert c.match("99999999", "x") is None
assert dict(c.lookup("50014", source="okx-v5-en").translations) == {
    "en": "Parameter {param0} can not be empty.", "zh": "必填参数{param0}不能为空"}
print("ok")
"""
    result = subprocess.run(
        [
            sys.executable,
            "-S",
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(GENERATED / 'python' / 'okx-error-codes')!r})\n"
            + script,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip() == "ok", result.stderr


def test_the_api_code_answers_the_sub_code_rows(codes: ModuleType) -> None:
    """OKX replies carry sCode 51008; the docs write 51008_1000 ... 51008_1020."""
    en = codes.variants("51008", source="okx-v5-en")
    assert [r.sub_code for r in en][:3] == ["1000", "1001", "1002"]
    assert all(r.code == "51008" and "zh" in r.translations for r in en)
    assert codes.lookup("51008") is en[0]
    (row,) = codes.variants("51008_1001", source="okx-v5-en")
    assert codes.lookup("51008_1001") is row and row.documented == "51008_1001"
    assert row.translations["zh"] == "委托失败，账户 {param0} 可用保证金不足"
    zh = codes.variants("51008", source="okx-v5-zh")
    assert codes.lookup("51008", source="okx-v5-zh") is zh[0] and zh[0].sub_code == "1000"
    # Without a source: the English rows, then the Chinese ones.
    assert codes.variants("51008") == en + zh
    found = codes.match("51008", "委托失败，账户 USDT 可用保证金不足", source="okx-v5-zh")
    assert found.exact and found.row.documented == "51008_1001"

    # The API's wording, trailing space and all, reaches the row of its language.
    for source, message in (
        ("okx-v5-zh", "委托失败，账户 USDT 可用保证金不足"),
        ("okx-v5-en", "Order failed. Insufficient USDT margin in account "),
    ):
        reply = {"code": "1", "msg": "", "data": [{"sCode": "51008", "sMsg": message}]}
        found = codes.from_response(reply)
        assert (found.row.source, found.row.documented) == (source, "51008_1001")
        assert found.exact and dict(found.values) == {"param0": "USDT"}
