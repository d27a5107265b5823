"""Extraction from the real captured pages: the acceptance figures of the offline pipeline."""

from __future__ import annotations

import re

import pytest

from scraper import extract, page
from scraper.extract import extract_page
from scraper.model import KIND_HTTP, Row

from .conftest import PAGES, SEED_OKCOIN, SEED_WS

WS_EXPECTED = {
    "60008": "The current WebSocket endpoint does not support subscribing to {0} channels. "
    "Please check the WebSocket URL",
    "60018": "Wrong URL or {0} doesn't exist. Please use the correct URL, channel and "
    "parameters referring to API document.",
    "60019": "Invalid op: {op}",
    "60020": "APIKey subscription amount exceeds the limit {0}.",
    "60025": "token subscription amount exceeds the limit {0}",
    "60027": "Parameter {0} can not be empty.",
}


def rows_of(path: page.Path) -> list[Row]:
    found = extract_page(page.read(path))
    return [row for table in found.tables for row in table.rows]


def as_json(rows: list[Row]) -> list[dict[str, object]]:
    return [row.to_json() for row in rows]


@pytest.mark.parametrize(
    "path",
    [
        SEED_WS,
        PAGES / "okx-dex/dex-websocket-error-code.json",
        PAGES / "okx-dex/dex-websocket-error-code.md",
    ],
    ids=lambda p: p.name,
)
def test_websocket_page_has_25_rows_with_placeholders_restored(path: page.Path) -> None:
    rows = rows_of(path)
    assert len(rows) == 25
    by_code = {r.code: r for r in rows}
    for code, message in WS_EXPECTED.items():
        assert by_code[code].message == message
    assert by_code["60008"].placeholders == ("0",)
    assert by_code["60019"].placeholders == ("op",)
    assert all(r.http_status is None for r in rows)


def test_visible_text_alone_gives_the_same_rows() -> None:
    content = SEED_WS.read_text(encoding="utf-8")
    text_only = content[: content.index("<details>")]
    assert "```html" not in text_only
    from_text = page.from_text("seed-000-text", text_only)
    assert from_text.html is None
    assert as_json(rows_of(SEED_WS)) == as_json(
        [r for t in extract_page(from_text).tables for r in t.rows]
    )


@pytest.mark.parametrize("name", sorted(p.stem for p in (PAGES / "okx-dex").glob("*.md")))
def test_every_dex_page_reads_the_same_from_html_and_from_text(name: str) -> None:
    md = page.read(PAGES / "okx-dex" / f"{name}.md")
    assert md.html is not None and md.text is not None
    from_text = extract.extract_text(md.text, name)
    assert [t.to_json() for t in from_text.tables] == [t.to_json() for t in extract_page(md).tables]
    assert from_text.warnings == ()


def test_okcoin_plain_text_page() -> None:
    found = extract_page(page.read(SEED_OKCOIN))
    assert len(found.tables) == 1
    rows = found.tables[0].rows
    numeric = [r for r in rows if re.fullmatch(r"[0-9]+", r.code)]
    assert len(numeric) == 96
    by_code = {r.code: r for r in rows}
    assert by_code["10003"].message == "Not in reqest list, please try again later"
    assert by_code["10018"].message == "borrow amount less than lower limit [cny:100,btc:0.1,ltc:1]"
    assert by_code["1201"].message == "Account Deleted at 00: 00"
    http = [r for r in rows if r.kind == KIND_HTTP]
    assert [(r.code, r.http_status, r.message) for r in http] == [
        ("HTTP 403", 403, "Too many requests, IP is shielded.")
    ]
    # The "Request Timed Out" line has no code: a warning that names the page and line.
    assert len(found.warnings) == 1
    warning = found.warnings[0]
    lines = SEED_OKCOIN.read_text(encoding="utf-8").split("\n")
    assert warning.line is not None and lines[warning.line - 1].startswith("Request Timed Out")
    assert warning.page == str(SEED_OKCOIN)
    # Nothing from the chat-room footer.
    everything = " ".join(r.message for r in rows) + " ".join(w.message for w in found.warnings)
    assert "聊天室" not in everything and "在线" not in everything


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("dex-error-code", 30),
        ("dex-crosschain-error-code", 24),
        ("dex-market-price-error-code", 13),
        ("dex-index-price-error-code", 1),
        ("dex-tx-history-error-code", 1),
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".md"])
def test_dex_pages_row_counts_and_http_status(name: str, count: int, suffix: str) -> None:
    found = extract_page(page.read(PAGES / "okx-dex" / f"{name}{suffix}"))
    assert [t.columns for t in found.tables] == [("错误码", "HTTP 状态", "提示信息")]
    rows = found.tables[0].rows
    assert len(rows) == count
    assert all(isinstance(r.http_status, int) for r in rows)
    assert found.warnings == ()


def test_dex_error_code_keeps_page_order_and_source_text() -> None:
    rows = rows_of(PAGES / "okx-dex/dex-error-code.json")
    codes = [r.code for r in rows]
    assert codes.index("82003") < codes.index("80001")  # unsorted on the page, kept so
    by_code = {r.code: r for r in rows}
    assert by_code["0"].http_status == 200
    assert by_code["50011"].http_status == 429
    assert by_code["50014"].message == "必填参数 {param0} 不能为空"
    assert by_code["82112"].placeholders == ("num",)
    assert by_code["82116"].message == by_code["80001"].message  # the docs' own inconsistency


@pytest.mark.parametrize("name", ["app-connect-evm-sdk", "app-connect-ton-sdk"])
def test_sdk_pages_give_only_their_error_table(name: str) -> None:
    found = extract_page(page.read(PAGES / "okx-dex-sdk" / f"{name}.json"))
    assert [(t.section, t.columns) for t in found.tables] == [("SDK > 错误码", ("错误码", "描述"))]
    rows = found.tables[0].rows
    assert len(rows) == 8
    assert rows[0].code == "OKX_CONNECT_ERROR_CODES.UNKNOWN_ERROR"
    assert rows[0].message == "未知异常"
    assert all(r.code.startswith("OKX_CONNECT_ERROR_CODES.") for r in rows)


def test_sui_provider_has_code_title_description_and_negative_codes() -> None:
    found = extract_page(page.read(PAGES / "okx-dex-sdk/sui-provider.json"))
    assert len(found.tables) == 1
    table = found.tables[0]
    assert table.columns == ("错误码", "标题", "描述")
    assert table.section == "Provider API > 签名信息 > 错误码"
    by_code = {r.code: r for r in table.rows}
    assert by_code["-32603"].title == "内部错误"
    assert by_code["-32603"].message == "Something went wrong within OKX wallet."
    assert by_code["4900"].title == "断开连接"
    # Whitespace collapses; nothing else changes.
    assert "Users should approve" in by_code["-32002"].message


@pytest.mark.parametrize(
    "path",
    sorted((PAGES / "okx-dex-other").iterdir()),
    ids=lambda p: p.name,
)
def test_pages_without_error_tables_report_none(path: page.Path) -> None:
    found = extract_page(page.read(path))
    assert found.tables == ()
    assert found.warnings == ()


def test_long_page_keeps_the_heading_path_of_each_table() -> None:
    markup = """
    <h1>API</h1><p>intro</p>
    <h2>Trading</h2>
    <table><tr><th>Parameter</th><th>Type</th><th>Description</th></tr>
    <tr><td>instId</td><td>String</td><td>Instrument ID</td></tr></table>
    <h3>Error codes<a href="#x">#</a></h3>
    <table><thead><tr><th>Error Code</th><th>HTTP Status Code</th><th>Error Message</th></tr>
    </thead><tbody><tr><td>51008_1000</td><td>200</td><td>Order failed</td></tr></tbody></table>
    <h2>WebSocket</h2><h3>Close Frame</h3>
    <table><tr><th>Status Code</th><th>Reason Text</th></tr>
    <tr><td>4001</td><td>Login failed.</td></tr></table>
    """
    found = extract.extract_html(markup, "long")
    assert [(t.section, t.columns) for t in found.tables] == [
        ("API > Trading > Error codes", ("Error Code", "HTTP Status Code", "Error Message")),
        ("API > WebSocket > Close Frame", ("Status Code", "Reason Text")),
    ]
    row = found.tables[0].rows[0]
    assert (row.code, row.sub_code, row.documented) == ("51008", "1000", "51008_1000")
    assert found.tables[0].rows[0].http_status == 200


def test_unreadable_rows_are_warnings_with_page_and_line() -> None:
    markup = (
        "<table>\n<tr><th>错误码</th><th>错误消息</th></tr>\n"
        "<tr><td>60004</td><td>Invalid timestamp</td></tr>\n"
        "<tr><td>not a code!</td><td>oops</td></tr>\n"
        "<tr><td>60005</td></tr>\n"
        "</table>"
    )
    found = extract.extract_html(markup, "page.html")
    # A row with its message cell missing is kept, and warned about like an empty message.
    assert [(r.code, r.message) for r in found.tables[0].rows] == [
        ("60004", "Invalid timestamp"),
        ("60005", ""),
    ]
    assert [(w.page, w.line) for w in found.warnings] == [("page.html", 4), ("page.html", 5)]
    assert "not a code!" in found.warnings[0].message
    assert "code 60005 has no message" in found.warnings[1].message


def test_plain_text_two_and_three_column_lines() -> None:
    text = "Error Code HTTP Status Description\n50011 429 Rate limit\nbogus line\n50014 400 Empty\n"
    found = extract.extract_text(text, "t.txt")
    rows = found.tables[0].rows
    assert [(r.code, r.http_status, r.message) for r in rows] == [
        ("50011", 429, "Rate limit"),
        ("50014", 400, "Empty"),
    ]
    assert [(w.line, "bogus line" in w.message) for w in found.warnings] == [(3, True)]
