"""Error codes found by meaning: column roles from header words and cells, the error-table
decision from the section around it, codes outside tables, deprecated rows, Markdown pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper import columns, extract, page
from scraper.extract import extract_page
from scraper.model import KIND_HTTP, Row

from .conftest import PAGES

V5 = PAGES / "okx-v5"
OTHER = PAGES / "other-exchanges"


def rows_of(found: extract.Extraction) -> list[Row]:
    return [row for table in found.tables for row in table.rows]


def read(path: Path) -> extract.Extraction:
    return extract_page(page.read(path))


def html_rows(markup: str) -> list[Row]:
    return rows_of(extract.extract_html(markup, "t.html"))


# --- real pages ---------------------------------------------------------------------------


def test_broker_page_header_is_wrong_and_the_cells_win() -> None:
    found = read(V5 / "docs-v5-broker-en.html")
    rows = rows_of(found)
    assert [r.code for r in rows] == [
        f"530{n:02d}" for n in (0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17)
    ]
    assert (rows[0].message, rows[0].http_status) == ("Invalid token", 400)
    (warning,) = found.warnings
    assert "header says 'Error Message | HTTP Status Code | Error Code'" in warning.message
    assert "code | http_status | message" in warning.message


def test_v5_chinese_markdown_page() -> None:
    found = read(V5 / "docs-v5-zh-error-code.md")
    rows = rows_of(found)
    assert len(rows) == 1101
    assert len({r.documented for r in rows}) == 1052
    assert len({r.code for r in rows}) == 1014  # 51008_1000 ... are rows of 51008
    by_code = {r.documented: r for r in rows}
    assert "51008_1000" in by_code and "51004_1101" in by_code
    assert (by_code["51008_1000"].code, by_code["51008_1000"].sub_code) == ("51008", "1000")
    assert by_code["50014"].message == "必填参数{param0}不能为空"
    assert by_code["50014"].http_status == 400
    sections = [t.section for t in found.tables]
    assert sections[0] == "错误码 > REST API > 公共 > 通用类"  # the front matter's title on top
    assert sections[-1] == "错误码 > WebSocket > 公共 > 关闭帧"
    # Lines are those of the Markdown source.
    (warning,) = found.warnings
    lines = (V5 / "docs-v5-zh-error-code.md").read_text(encoding="utf-8").split("\n")
    assert warning.line is not None and "<td>0</td>" in lines[warning.line - 1]


def test_v5_english_page_as_before() -> None:
    rows = rows_of(read(V5 / "docs-v5-en-error-code.html"))
    assert len(rows) == 1023
    assert len({r.code for r in rows}) == 941
    assert sum(r.code == "51008" for r in rows) == 13


def test_bybit_tables_deprecated_rows_and_double_brace_placeholders() -> None:
    found = read(OTHER / "bybit-v5-error-en.html")
    rows = rows_of(found)
    assert (len(found.tables), len(rows)) == (20, 726)
    # 11 struck-through cells: six rows, five of them with code and message struck.
    deprecated = [r.code for r in rows if r.deprecated]
    assert deprecated == ["10018", "110016", "110030", "110075", "140002", "3500405"]
    leverage = next(r for r in rows if "{leverage}" in r.message)
    assert leverage.placeholders == ("leverage",)
    assert "{{" not in leverage.message
    # Headings lose their zero-width anchors.
    assert all("\u200b" not in t.section for t in found.tables)
    assert found.tables[0].section == "Error Codes > HTTP Code"
    assert {r.kind for r in found.tables[0].rows} == {KIND_HTTP}


def test_gate_label_list_and_nothing_of_its_parameter_tables() -> None:
    found = read(OTHER / "gateio-v4.html")
    rows = rows_of(found)
    labels = [r for r in rows if r.kind != KIND_HTTP]
    assert len(labels) == 146
    assert labels[0].code == "INVALID_PARAM_VALUE"
    assert all(columns.is_code(r.code) and " " not in r.code for r in labels)
    assert "RISK_LIMIT_TOO_lOW" in {r.code for r in labels}  # the docs' typo, kept
    http = [r for r in rows if r.kind == KIND_HTTP]
    assert [r.code for r in http] == ["200/201", "202", "204", "400", "401", "404", "429", "5xx"]
    assert http[3].http_status == 400 and http[0].http_status is None
    assert {t.section for t in found.tables} == {"API > Return Format", "API > label list"}
    assert found.warnings == ()


def test_kraken_string_codes_exactly_as_written() -> None:
    rows = rows_of(read(OTHER / "kraken-spot-errors.html"))
    assert len(rows) == 40
    codes = [r.code for r in rows]
    assert "EOrder:Insufficient funds" in codes
    assert "EGeneral:Invalid arguments:Index unavailable" in codes
    assert rows[0].message == "The request payload is malformed, incorrect or ambiguous"


def test_explain_tells_why_every_table_was_taken_or_skipped() -> None:
    found = read(OTHER / "gateio-v4.html")
    taken = [e for e in found.explained if e.verdict.taken]
    assert sum(e.rows for e in taken) == 154
    skipped = [e for e in found.explained if not e.verdict.taken]
    assert len(skipped) > 100
    data_type = next(e for e in skipped if e.section == "API > Data Type")
    assert "parameter-table headers: 'Type'" in data_type.verdict.explain()
    label = next(e for e in taken if e.section == "API > label list")
    assert "describe a failure" in label.verdict.explain()


# --- synthetic pages ----------------------------------------------------------------------


def test_heading_per_code_with_its_messages_in_a_list() -> None:
    markup = """
    <h1>Error Codes</h1><p>Errors consist of two parts.</p>
    <h2>10xx - General Server or Network issues</h2>
    <h3>-1000 UNKNOWN</h3><ul><li>An unknown error occurred while processing the request.</li></ul>
    <h3>-1013 INVALID_MESSAGE</h3>
    <ul><li>The request is rejected by the API.</li><li>Filter failure: PRICE_FILTER</li></ul>
    <h3>-1021 INVALID_TIMESTAMP</h3><p>Timestamp for this request is outside of the recvWindow.</p>
    <h2>Filter failures</h2><p>Not codes.</p>
    """
    found = extract.extract_html(markup, "t.html")
    rows = rows_of(found)
    assert [(r.code, r.title, r.message) for r in rows] == [
        ("-1000", "UNKNOWN", "An unknown error occurred while processing the request."),
        ("-1013", "INVALID_MESSAGE", "The request is rejected by the API."),
        ("-1013", "INVALID_MESSAGE", "Filter failure: PRICE_FILTER"),
        ("-1021", "INVALID_TIMESTAMP", "Timestamp for this request is outside of the recvWindow."),
    ]
    assert {t.section for t in found.tables} == {
        "Error Codes > 10xx - General Server or Network issues"
    }


def test_code_headings_outside_an_error_section_are_ordinary_headings() -> None:
    markup = "<h1>Changelog</h1><h2>2024 release</h2><ul><li>1001: new endpoint</li></ul>"
    assert html_rows(markup) == []


def test_definition_list_in_an_error_section() -> None:
    markup = """<h2>Error codes</h2><dl>
    <dt>40001</dt><dd>Invalid signature</dd>
    <dt>40002 TOKEN_EXPIRED</dt><dd>The access token has expired</dd></dl>"""
    rows = html_rows(markup)
    assert [(r.code, r.title, r.message) for r in rows] == [
        ("40001", None, "Invalid signature"),
        ("40002", "TOKEN_EXPIRED", "The access token has expired"),
    ]


def test_code_colon_message_list_and_paragraphs() -> None:
    markup = """<h2>错误码</h2>
    <ul><li>10001: 签名错误</li><li>10002: 时间戳过期</li></ul>
    <h2>Errors</h2><p>INVALID_ORDER_SIZE: Order size is too small</p>
    <p>INVALID_PRICE - The price is not valid</p>"""
    rows = html_rows(markup)
    assert [(r.code, r.message) for r in rows] == [
        ("10001", "签名错误"),
        ("10002", "时间戳过期"),
        ("INVALID_ORDER_SIZE", "Order size is too small"),
        ("INVALID_PRICE", "The price is not valid"),
    ]


def test_a_list_with_one_item_that_is_no_code_is_not_taken() -> None:
    markup = """<h2>Error Handling</h2><ul>
    <li><code>label</code>: denotes error type in string format.</li>
    <li><code>message</code>(or <code>detail</code>): detailed error message.</li></ul>"""
    assert html_rows(markup) == []


@pytest.mark.parametrize(
    ("header", "heading"),
    [
        ("<th>錯誤碼</th><th>錯誤訊息</th>", "API 錯誤碼"),
        ("<th>エラーコード</th><th>メッセージ</th>", "エラー"),
        ("<th>오류 코드</th><th>설명</th>", "오류 코드"),
    ],
)
def test_traditional_chinese_japanese_and_korean_headers(header: str, heading: str) -> None:
    markup = (
        f"<h2>{heading}</h2><table><tr>{header}</tr>"
        "<tr><td>10001</td><td>签名无效，请检查</td></tr>"
        "<tr><td>10002</td><td>参数错误</td></tr></table>"
    )
    assert [r.code for r in html_rows(markup)] == ["10001", "10002"]


def test_code_column_in_third_place_and_an_empty_header_cell() -> None:
    markup = """<h2>Error codes</h2><table>
    <tr><th>Description</th><th></th><th>Code</th></tr>
    <tr><td>Order size is too small</td><td>400</td><td>ORDER_TOO_SMALL</td></tr>
    <tr><td>The price is not valid</td><td>400</td><td>INVALID_PRICE</td></tr>
    </table>"""
    found = extract.extract_html(markup, "t.html")
    assert [(r.code, r.http_status, r.message) for r in rows_of(found)] == [
        ("ORDER_TOO_SMALL", 400, "Order size is too small"),
        ("INVALID_PRICE", 400, "The price is not valid"),
    ]
    assert found.warnings == ()


@pytest.mark.parametrize(
    ("heading", "rows"),
    [
        (
            "Currencies",
            "<tr><td>USD</td><td>US Dollar</td></tr><tr><td>EUR</td><td>Euro</td></tr>"
            "<tr><td>BTC</td><td>Bitcoin</td></tr>",
        ),
        (
            "Order status",
            "<tr><td>ACTIVE</td><td>The order is live on the book</td></tr>"
            "<tr><td>FILLED</td><td>The order was completely filled</td></tr>"
            "<tr><td>CANCELED</td><td>The order was canceled by the user</td></tr>",
        ),
        (
            "Account types",
            "<tr><td>1</td><td>Spot account</td></tr><tr><td>6</td><td>Funding account</td></tr>",
        ),
    ],
)
def test_code_description_tables_outside_error_sections_are_not_taken(
    heading: str, rows: str
) -> None:
    markup = f"<h2>{heading}</h2><table><tr><th>Code</th><th>Description</th></tr>{rows}</table>"
    found = extract.extract_html(markup, "t.html")
    assert found.tables == () and found.warnings == ()
    (explained,) = found.explained
    assert not explained.verdict.taken and explained.verdict.score < 4


def test_the_same_table_under_an_error_heading_is_taken() -> None:
    markup = (
        "<h2>Error codes</h2><table><tr><th>Code</th><th>Description</th></tr>"
        "<tr><td>USD</td><td>US Dollar</td></tr></table>"
    )
    assert [r.code for r in html_rows(markup)] == ["USD"]


def test_struck_rows_are_kept_and_marked_deprecated() -> None:
    markup = """<h2>Error codes</h2><table><tr><th>Code</th><th>Message</th></tr>
    <tr><td><s>1001</s></td><td>Old failure</td></tr>
    <tr><td><strike>1002</strike></td><td><strike>Older failure</strike></td></tr>
    <tr><td>1003</td><td>Current failure, <del>formerly</del> different</td></tr>
    </table>"""
    rows = html_rows(markup)
    assert [(r.code, r.deprecated) for r in rows] == [
        ("1001", True),
        ("1002", True),
        ("1003", False),
    ]


def test_markdown_pipe_table_page() -> None:
    text = (
        "---\ntitle: API errors\n---\n\n# Errors\n\nSome intro.\n\n"
        "| Code | Message |\n| --- | --- |\n| 1001 | Invalid \\| odd {param0} |\n"
        "| 1002 | Too many requests |\n"
    )
    loaded = page.from_text("errors.md", text)
    found = extract_page(loaded)
    assert loaded.title == "API errors"
    assert [(r.code, r.message) for r in rows_of(found)] == [
        ("1001", "Invalid | odd {param0}"),
        ("1002", "Too many requests"),
    ]
    assert found.tables[0].section == "Errors"


def test_crawler_markdown_keeps_working_and_plain_text_stays_text() -> None:
    crawled = page.read(PAGES / "okx-dex/dex-error-code.md")
    assert crawled.html is not None and "```html" not in crawled.html
    assert page.from_text("t.txt", "# Title\n\nCode Description\n1001 Oops\n").html is None


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Error Details Description", columns.MESSAGE),
        ("Short message", columns.MESSAGE),
        ("err-code", columns.CODE),
        ("errCode", columns.CODE),
        ("label", columns.CODE),
        ("HTTP Status Code", columns.HTTP_STATUS),
        ("錯誤碼", columns.CODE),
        ("エラーメッセージ", columns.MESSAGE),
        ("에러 코드", columns.CODE),
        ("Error", columns.CODE),
        ("Parameter", None),
    ],
)
def test_header_words_mean_roles_inside_longer_labels(label: str, role: str | None) -> None:
    assert columns.role_of(label) == role


def test_a_code_spanning_rows_stands_beside_each_of_its_messages() -> None:
    markup = """<h2>Error codes</h2><table>
    <tr><th>Code</th><th>HTTP status</th><th>Message</th></tr>
    <tr><td rowspan="2">51008</td><td>200</td>
    <td>Order failed. Insufficient {param0} balance</td></tr>
    <tr><td>200</td><td>Order failed. Insufficient {param0} margin</td></tr>
    <tr><td>51009</td><td colspan="2">Order blocked by the platform</td></tr>
    </table>"""
    found = extract.extract_html(markup, "t.html")
    assert [(r.code, r.http_status, r.message) for r in rows_of(found)] == [
        ("51008", 200, "Order failed. Insufficient {param0} balance"),
        ("51008", 200, "Order failed. Insufficient {param0} margin"),
        ("51009", None, "Order blocked by the platform"),
    ]
    assert found.warnings == ()


@pytest.mark.parametrize("first", ["Name", "Field", "Parameter"])
def test_the_fields_of_an_error_reply_are_not_error_codes(first: str) -> None:
    markup = f"""<h2>Error response</h2><p>Every error reply has these fields.</p>
    <table><tr><th>{first}</th><th>Description</th></tr>
    <tr><td>code</td><td>The error code, not 0 on failure</td></tr>
    <tr><td>msg</td><td>The error message</td></tr>
    <tr><td>data</td><td>Empty on error</td></tr></table>"""
    found = extract.extract_html(markup, "t.html")
    assert found.tables == ()
    assert not found.explained[0].verdict.taken


def test_a_title_row_above_the_header_and_label_rows_inside_the_table() -> None:
    markup = """<table>
    <tr><td colspan="2">Error codes</td></tr>
    <tr><th>Code</th><th>Message</th></tr>
    <tr><td colspan="2">Spot</td></tr>
    <tr><td>1001</td><td>Order size is too small</td></tr>
    <tr><td colspan="2">Futures</td></tr>
    <tr><td>2001</td><td>Position limit exceeded</td></tr>
    </table>"""
    found = extract.extract_html(markup, "t.html")
    assert [(t.section, [r.code for r in t.rows]) for t in found.tables] == [
        ("Spot", ["1001"]),
        ("Futures", ["2001"]),
    ]
    assert "'Error codes'" in found.explained[0].verdict.explain()  # the title row counts
    assert found.warnings == ()


BINANCE_LIKE = """# Error codes for the spot API
**Last Updated: 2024-12-09**

Errors consist of two parts: an error code and a message. Codes are universal,
but messages can vary. Here is the error JSON payload:
```json
{
  "code":-1121,
  "msg":"Invalid symbol."
}
```

## 10xx - General Server or Network issues
### -1000 UNKNOWN
 * An unknown error occurred while processing the request.

### -1002 UNAUTHORIZED
 * You are not authorized to execute this request.

### -1013 INVALID_MESSAGE
 * The request is rejected by the API. (i.e. The request didn't reach the Matching Engine.)
 * Potential error messages can be found in [Filter Failures](#filter-failures).

## 20xx - Processing Issues
### -2010 NEW_ORDER_REJECTED
 * NEW_ORDER_REJECTED
"""


def test_a_markdown_page_with_a_heading_per_code(tmp_path: Path) -> None:
    path = tmp_path / "errors.md"
    path.write_text(BINANCE_LIKE, encoding="utf-8")
    found = extract_page(page.read(path))
    rows = rows_of(found)
    assert [(r.code, r.title) for r in rows] == [
        ("-1000", "UNKNOWN"),
        ("-1002", "UNAUTHORIZED"),
        ("-1013", "INVALID_MESSAGE"),
        ("-1013", "INVALID_MESSAGE"),
        ("-2010", "NEW_ORDER_REJECTED"),
    ]
    assert rows[3].message == "Potential error messages can be found in Filter Failures."
    assert found.tables[0].section == (
        "Error codes for the spot API > 10xx - General Server or Network issues"
    )
    assert found.warnings == ()
