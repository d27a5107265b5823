"""Shapes the real pages of the corpus showed (issue 30), each in a small synthetic page of
our own, in more than one language where the shape allows, beside its look-alikes."""

from __future__ import annotations

import pytest

from scraper import page as pages
from scraper.extract import extract_page
from scraper.walk import page_words


def rows_of(name: str, text: str) -> list[tuple[str, str]]:
    found = extract_page(pages.from_text(name, text))
    return [(r.documented, r.message) for t in found.tables for r in t.rows]


def statuses_of(name: str, text: str) -> list[tuple[str, int | None]]:
    found = extract_page(pages.from_text(name, text))
    return [(r.documented, r.http_status) for t in found.tables for r in t.rows]


# --- a code column of upper-case labels, some split by a space ----------------------------

LABELS = """# API

## Errors

| HTTP Status Code | Error Code | Error Message | Reason |
|---|---|---|---|
| 400 |  | Not a valid limit: {limit} | The limit is over 500 |
| 401 | SIGNATURE UNAUTHORIZED | Signature is not valid. | Sign the request again |
| 401 | API_KEY_NOT_FOUND | Api-key not found. | Send the key header |
| 404 | ADDRESS NOT_FOUND | Address not in the whitelist. | Add the address |
| 404 | USER_NOT_FOUND | User not found | Check the user id |
| 403 | WITHDRAW_IS NOT_ALLOWED FOR_ASSET | Withdrawals are closed for this asset | Try later |
"""


def test_a_code_column_of_labels_keeps_the_header_and_each_label() -> None:
    assert statuses_of("api.md", LABELS) == [
        ("SIGNATURE UNAUTHORIZED", 401),
        ("API_KEY_NOT_FOUND", 401),
        ("ADDRESS NOT_FOUND", 404),
        ("USER_NOT_FOUND", 404),
        ("WITHDRAW_IS NOT_ALLOWED FOR_ASSET", 403),
    ]


def test_labels_with_spaces_are_codes_only_in_a_column_named_for_codes() -> None:
    page = LABELS.replace("| Error Code |", "| Kind |")
    assert "SIGNATURE UNAUTHORIZED" not in [code for code, _ in rows_of("api.md", page)]


# --- a category column beside the code column -----------------------------------------------

CATEGORIES = """# Error responses

Below is a list of possible batched error responses:

| Error source | Error type | Error string |
| --- | --- | --- |
| Order | Tick | Price must be divisible by tick size. |
| Order | MinTradeNtl | Order must have minimum value of $10. |
| Order | PerpMargin | Insufficient margin to place order. |
| Order | ReduceOnly | Reduce only order would increase position. |
| Order | BadTriggerPx | Invalid TP/SL price. |
| Cancel | MissingOrder | Order was never placed, already canceled, or filled. |
"""


def test_a_column_of_a_few_repeated_categories_is_not_the_code() -> None:
    assert [code for code, _ in rows_of("errors.md", CATEGORIES)] == [
        "Tick",
        "MinTradeNtl",
        "PerpMargin",
        "ReduceOnly",
        "BadTriggerPx",
        "MissingOrder",
    ]


# --- codes under a heading that names codes, not errors ---------------------------------------


@pytest.mark.parametrize(
    ("heading", "items"),
    [
        (
            "HTTP Codes",
            "* 461 Proposal Outdated - the proposal is outdated\n"
            "* 462 Not Enough Funds - not enough funds for the operation\n"
            "* 463 Rate Invalid - the rate is invalid\n"
            "* 464 Voucher Expired - the voucher expired and cannot be used\n",
        ),
        (
            "状态码",
            "* 461 报价已过期\n* 462 余额不足\n* 463 汇率无效\n* 464 代金券已失效，无法使用\n",
        ),
        (
            "Коды ответов",
            "* 461 Предложение устарело, недоступно\n* 462 Недостаточно средств\n"
            "* 463 Неверный курс\n* 464 Ваучер истек\n",
        ),
    ],
)
def test_codes_whose_messages_describe_failures_are_errors(heading: str, items: str) -> None:
    rows = rows_of("api.md", f"# API\n\n## {heading}\n\n{items}")
    assert [code for code, _ in rows] == ["461", "462", "463", "464"]


def test_codes_of_states_under_a_heading_that_names_codes_stay_out() -> None:
    items = "* 1 New order\n* 2 Partially filled\n* 3 Filled\n* 4 Canceled by the user\n"
    assert rows_of("api.md", f"# API\n\n## Status codes\n\n{items}") == []


# --- snake_case codes set apart --------------------------------------------------------------


def test_snake_case_codes_in_code_spans_under_an_error_heading() -> None:
    items = (
        "- ``request_timeout`` - This message is given when time security could not be passed\n"
        "- ``market_not_found`` - This message is given when the market is not found\n"
        "- ``amount_must_be_above_zero`` - The amount is equal to or below zero\n"
        "- ``socket_is_busy`` - The service is too busy to accept the connection\n"
    )
    rows = rows_of("api.md", f"# API\n\n## Error Messages\n\n{items}")
    assert [c for c, _ in rows] == [
        "request_timeout",
        "market_not_found",
        "amount_must_be_above_zero",
        "socket_is_busy",
    ]


def test_snake_case_parameter_names_in_code_spans_stay_out() -> None:
    items = (
        "- ``order_id`` - The id the exchange gave the order\n"
        "- ``client_order_id`` - Your own id for the order\n"
        "- ``time_in_force`` - How long the order stays open\n"
    )
    assert rows_of("api.md", f"# API\n\n## Error handling\n\n{items}") == []


# --- a page that is only code lines, named for errors ----------------------------------------

LINES = {
    "zh": "10001 //参数错误\n\n10002 //指令不存在\n\n10003 //token无效\n\n10004 //超时\n",
    "en": "10001 // Invalid parameter\n10002 // Unknown command\n10003 // Token invalid\n"
    "10004 // Request timed out\n",
}


@pytest.mark.parametrize("language", sorted(LINES))
def test_a_page_of_code_lines_named_for_errors(language: str) -> None:
    codes = [c for c, _ in rows_of(f"docs/error-code-{language}.md", LINES[language])]
    assert codes == ["10001", "10002", "10003", "10004"]
    assert rows_of(f"docs/error-code-{language}.md", LINES[language])[0][1] in (
        "参数错误",
        "Invalid parameter",
    )


@pytest.mark.parametrize("language", sorted(LINES))
def test_code_lines_in_a_page_not_named_for_errors_stay_out(language: str) -> None:
    assert rows_of(f"docs/changelog-{language}.md", LINES[language]) == []


def test_the_words_of_a_pages_name() -> None:
    assert page_words("docs/error-codes.md") == "error codes"
    assert page_words("https://example.com/api/v1/error_codes?lang=en") == "error codes"
    assert page_words("captures/okx-v5-en.html") == "okx v5 en"


# --- a number and its name in one code cell ---------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cells"),
    [
        ("Status Code", ("400 - Bad Request", "401 - Unauthorized", "429 - Too Many Requests")),
        ("状态码", ("400：请求错误", "401：未授权", "429：请求过多")),
    ],
)
def test_a_code_cell_of_a_number_and_its_name(header: str, cells: tuple[str, ...]) -> None:
    rows = "".join(f"<tr><td>{c}</td><td>The request failed: {c}</td></tr>" for c in cells)
    html = f"<h2>Errors</h2><table><tr><th>{header}</th><th>Description</th></tr>{rows}</table>"
    found = extract_page(pages.from_text("api.html", html))
    got = [(r.code, r.title) for t in found.tables for r in t.rows]
    assert [code for code, _ in got] == ["400", "401", "429"]
    assert got[0][1] in ("Bad Request", "请求错误")


# --- one cell, several codes -----------------------------------------------------------------


def test_a_cell_that_lists_codes_is_a_row_per_code() -> None:
    html = (
        "<h2>오류 코드</h2><table><tr><th>코드</th><th>설명</th></tr>"
        "<tr><td>100, 106</td><td>자산 이름이 올바르지 않음.</td></tr>"
        "<tr><td>103</td><td>주문 종류가 올바르지 않음.</td></tr>"
        "<tr><td>E101 or E104</td><td>거래 쌍이 올바르지 않음.</td></tr></table>"
    )
    assert [c for c, _ in rows_of("api.html", html)] == ["100", "106", "103", "E101", "E104"]


# --- words where scripts meet, and more failure words ----------------------------------------


def test_latin_words_inside_cjk_text_are_words() -> None:
    items = "* 501 请求头中没有携带参数\n* 502 时间戳超时\n* 503 签名校验失败\n* 504 参数错误\n"
    rows = rows_of("api.md", f"# API\n\n### 3.4.5.response body 常见code\n\n{items}")
    assert [c for c, _ in rows] == ["501", "502", "503", "504"]


# --- one code alone under its heading, beside sections that list codes -----------------------

SIBLINGS = """# API

## Error codes

### Throttling errors: 08
* 0801: You have hit the request rate-limit
* 0802: Too many attempts

### Unsupported method: 09
* 0901: Unsupported HTTP method

### Miscellaneous errors: 10
* 1000: API temporarily disabled
* 1001: Too many open orders
"""


def test_one_code_beside_sibling_lists_is_a_row() -> None:
    assert [c for c, _ in rows_of("api.md", SIBLINGS)] == ["0801", "0802", "0901", "1000", "1001"]


def test_one_code_alone_stays_out() -> None:
    assert rows_of("api.md", "# API\n\n## Errors\n\n* 0901: Unsupported HTTP method\n") == []


# --- a changelog's lists name codes that changed ---------------------------------------------


@pytest.mark.parametrize(
    ("headings", "lead"),
    [
        ("## Changelog\n\n### 2020-08-21", "Deleted some old API errors:"),
        ("## 更新日志\n\n### 2020-08-21", "删除了一些旧的错误码："),
        ("## Errors\n\n### 2020-08-21", "Deleted some old API errors:"),
    ],
)
def test_items_of_a_changelog_stay_out(headings: str, lead: str) -> None:
    items = (
        "* 20 to 0301: Unknown order book, if the book is not valid\n"
        "* 22 to 0408: Incorrect amount value\n"
        "* 0410 is documented now: Trading not enabled\n"
    )
    assert rows_of("api.md", f"# API\n\n{headings}\n\n{lead}\n\n{items}") == []


# --- a list of one, introduced as error codes ------------------------------------------------


def test_a_list_of_one_code_the_sentence_before_calls_error_codes() -> None:
    item = "- `30` - default validation error\n"
    page = f"# API\n\n## Status kill-switch timer\n\nError codes:\n\n{item}"
    assert rows_of("api.md", page) == [("30", "default validation error")]
    plain = f"# API\n\n## Status kill-switch timer\n\nStates:\n\n{item}"
    assert rows_of("api.md", plain) == []


# --- "HTTP 401 …" items ----------------------------------------------------------------------


def test_items_that_name_http_before_the_status() -> None:
    items = (
        "* HTTP `401` return code is used when the request made by Unauthorized user;\n"
        "* HTTP `403` return code is used when the request is forbidden;\n"
        "* HTTP `404` return code is used when the page is not found;\n"
    )
    rows = rows_of("api.md", f"# API\n\n## Return Codes of Errors\n\n{items}")
    assert [c for c, _ in rows] == ["401", "403", "404"]
    # a word for HTTP leads a status, not any number
    assert rows_of("api.md", "# API\n\n## Errors\n\n* HTTP 2 is used\n* HTTP 1.1 too\n") == []


# --- the shapes real pages outside the corpus showed (issue 30, item 3) ----------------------


def test_a_markdown_file_that_opens_with_an_html_comment_is_markdown() -> None:
    text = (
        "<!-- START doctoc generated TOC please keep comment here -->\n"
        "- [Errors](#errors)\n<!-- END doctoc -->\n\n# API\n\n## Errors\n\n"
        "| Code | Message |\n|---|---|\n"
        "| 10001 | Invalid signature |\n| 10002 | Request expired |\n"
    )
    for name in ("errors.md", "errors.txt"):
        assert [c for c, _ in rows_of(name, text)] == ["10001", "10002"], name
    html = "<!-- saved page -->\n<html><body><h2>Errors</h2><p># not a heading</p></body></html>"
    assert pages.from_text("page.html", html).html == html


def test_a_pipe_table_without_its_closing_pipe_and_a_cell_more_per_row() -> None:
    text = (
        "# API\n\n## Error codes\n\n| Code | Message\n|------|--------\n"
        "| 10001 | Invalid signature | 签名无效 |\n| 10002 | Request expired | 请求已过期 |\n"
        "| 10003 | Insufficient balance | 余额不足 |\n"
    )
    assert [c for c, _ in rows_of("api.md", text)] == ["10001", "10002", "10003"]


@pytest.mark.parametrize(("heading", "header"), [("Error codes", "Parameter"), ("错误码", "参数")])
def test_a_code_column_headed_parameter_under_an_error_heading(heading: str, header: str) -> None:
    text = (
        f"# API\n\n## {heading}\n\n| {header} | Description |\n|---|---|\n"
        "| 10001 | Invalid signature |\n| 10002 | Request expired |\n| 10003 | Balance too low |\n"
    )
    assert [c for c, _ in rows_of("api.md", text)] == ["10001", "10002", "10003"]


def test_a_heading_per_code_written_again_in_a_second_language() -> None:
    english = "".join(f"\n### {10000 + i}\n\n- Failed to do thing {i}\n" for i in range(1, 10))
    chinese = "".join(f"\n### {10000 + i}\n\n- 操作 {i} 失败\n" for i in range(1, 10))
    rows = rows_of("api.md", f"# API\n\n## Error codes\n{english}{chinese}")
    assert len(rows) == 18 and len({c for c, _ in rows}) == 9


@pytest.mark.parametrize(
    ("heading", "items"),
    [
        ("Status codes", ["Invalid signature", "Request expired", "Insufficient balance"]),
        ("状态码", ["签名无效", "请求已过期", "余额不足"]),
    ],
)
def test_letter_codes_under_a_heading_that_calls_them_status_codes(
    heading: str, items: list[str]
) -> None:
    lines = "".join(f"- A1000{i} {m}\n" for i, m in enumerate(items, 1))
    assert [c for c, _ in rows_of("api.md", f"# API\n\n## {heading}\n\n{lines}")] == [
        "A10001",
        "A10002",
        "A10003",
    ]


def test_an_error_table_among_many_parameter_tables() -> None:
    parts = ["# API\n"]
    for k in range(12):
        parts.append(f"\n## Endpoint {k}\n\n### Parameters\n\n| Parameter | Type | Description |\n")
        parts.append(
            "|---|---|---|\n" + "".join(f"| p{j} | string | Value {j} |\n" for j in range(6))
        )
    parts.append("\n## Error codes\n\n| Code | Description |\n|---|---|\n")
    parts.append(
        "| 40001 | Invalid parameter |\n| 40002 | Signature error |\n| 40003 | Too many |\n"
    )
    assert [c for c, _ in rows_of("api.md", "".join(parts))] == ["40001", "40002", "40003"]


# --- per-endpoint error sections of one item: a condition and the reply's status line --------


@pytest.mark.parametrize(
    ("heading", "conditions"),
    [
        ("Errors", ["If the market was not found, this method returns:"] * 2),
        ("错误", ["如果订单不存在，此方法返回：", "如果资产不存在，此方法返回："]),
    ],
)
def test_one_status_reply_under_each_endpoints_error_heading(
    heading: str, conditions: list[str]
) -> None:
    parts = ["# REST API\n"]
    for k, condition in enumerate(conditions):
        parts.append(f"\n## `GET /thing/{k}`\n\nReturns a thing.\n\n### {heading}\n\n")
        parts.append(f"* {condition}\n\n\t\tHTTP/1.1 404 Not Found\n\t\tContent-Length: 0\n\n---\n")
    found = extract_page(pages.from_text("api.md", "".join(parts)))
    got = [(r.code, r.title, r.message) for t in found.tables for r in t.rows]
    assert [(code, title) for code, title, _ in got] == [("404", "Not Found")] * 2
    assert got[0][2] == conditions[0].rstrip(":：")


def test_a_status_line_alone_under_one_error_heading_stays_out() -> None:
    page = (
        "# API\n\n## Errors\n\n* If it fails, this method returns:\n\n\t\tHTTP/1.1 404 Not Found\n"
    )
    assert rows_of("api.md", page) == []


# --- headings that are HTTP error statuses, in an FAQ -----------------------------------------

FAQ = {
    "en": (
        "# API Frequently Asked Questions\n\n## Why do I receive 401 - Unauthorized error ?\n\n"
        "You need to authorize first.\n\nCheck the key's permissions.\n\n"
        "## Why do I receive Invalid nonce error ?\n\nThe nonce must be a timestamp.\n\n"
        "## Why do I receive 502 - Not enough balance error ?\n\nDeduct the fee first.\n\n"
        "## Which version suits me?\n\nBoth do.\n\n"
        "## 401 Unauthorized - Invalid Signature\n\nYou might compute a wrong signature.\n\n"
        "## 401 Unauthorized - Invalid Nonce\n\nThe nonce is too old.\n"
    ),
    "zh": (
        "# API 常见问题\n\n## 为什么收到 401 - 未授权 错误？\n\n请先授权。\n\n请检查权限。\n\n"
        "## 为什么收到 502 - 余额不足 错误？\n\n请先扣除手续费。\n\n"
        "## 哪个版本适合我？\n\n都可以。\n\n"
        "## 401 未授权 - 签名无效\n\n签名可能算错了。\n\n"
        "## 401 未授权 - Nonce 无效\n\nNonce 太旧。\n"
    ),
}


@pytest.mark.parametrize("language", sorted(FAQ))
def test_faq_headings_that_are_http_error_statuses(language: str) -> None:
    rows = rows_of("faq.md", FAQ[language])
    assert [c for c, _ in rows] == ["401", "502", "401", "401"]
    assert rows[0][1] in (
        "You need to authorize first. Check the key's permissions.",
        "请先授权。 请检查权限。",
    )


def test_an_faq_whose_headings_hold_no_error_status_stays_out() -> None:
    page = (
        "# FAQ\n\n## Why do I receive an Invalid nonce error ?\n\n"
        "The nonce must be a timestamp.\n\n"
        "## What are the 200 - OK replies ?\n\nReplies that worked.\n\n"
        "## 2024 - What changed ?\n\nA new version.\n"
    )
    assert rows_of("faq.md", page) == []
