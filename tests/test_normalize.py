"""Repairs of the React/MDX artifacts, done on the DOM."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper import extract
from scraper.normalize import join_lines, normalize_text


def message(cell_html: str) -> str:
    header = "<tr><th>Code</th><th>Message</th></tr>"
    markup = f"<h2>Error codes</h2><table>{header}<tr><td>1</td><td>{cell_html}</td></tr></table>"
    found = extract.extract_html(markup, "t")
    return found.tables[0].rows[0].message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("to <!-- -->0<!-- --> channels", "to {0} channels"),
        ("the limit <!-- -->0<!-- -->.", "the limit {0}."),
        ("the limit <!-- -->0", "the limit {0}"),  # at the end of the cell
        ("a <!-- -->1<!-- --> b <!-- -->2<!-- --> c", "a {1} b {2} c"),
        ("<b>x <!-- -->0</b> y", "x 0 y"),  # not at the end of the cell: left alone
        ("costs 100 <!-- -->USDT<!-- --> now", "costs 100 USDT now"),  # not digits
        ("keep <!-- a real comment -->5<!-- --> it", "keep 5 it"),  # not a separator
        ("Invalid op: &lt;op&gt;", "Invalid op: {op}"),
        ("Invalid op: <op>", "Invalid op: {op}"),  # an unknown empty element
        ("Invalid <op> value", "Invalid {op} value"),  # an unknown element swallowed text
        ("{param0} 参数错误", "{param0} 参数错误"),
        ("exceeds {num}", "exceeds {num}"),
        ("line<br>break", "line break"),
        ("Not in reqest list", "Not in reqest list"),  # source typos stay
        ("a   b\n\tc", "a b c"),
        ("use &lt;br&gt; tags", "use <br> tags"),  # known HTML tag names stay text
    ],
)
def test_cell_repairs(cell: str, expected: str) -> None:
    assert message(cell) == expected


def test_normalizing_twice_changes_nothing_on_a_real_row() -> None:
    once = message("to <!-- -->0<!-- --> channels &lt;op&gt;")
    assert normalize_text(once) == once
    assert message(once) == once


TOKENS = st.sampled_from(list("ab0 {}<>_\n\t.;:中\u3000") + ["<op>", "{0}", "<br>", "&lt;"])


@given(st.lists(TOKENS).map("".join))
def test_normalize_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


@given(st.lists(st.lists(TOKENS).map("".join), max_size=6))
def test_join_lines_is_stable_under_normalization(parts: list[str]) -> None:
    joined = join_lines(parts)
    assert normalize_text(joined) == joined


def test_join_lines_spacing() -> None:
    assert join_lines(["limit", "{0}", "."]) == "limit {0}."
    assert (
        join_lines(["Parameter", "{0}", "can not be empty."]) == "Parameter {0} can not be empty."
    )
    assert join_lines(["最小数量是", "{0}"]) == "最小数量是 {0}"
    assert join_lines(["小于", "最小"]) == "小于最小"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTP Code\u200b", "HTTP Code"),
        ("\ufeffError Codes", "Error Codes"),
        ("no\u00a0break space", "no break space"),
        ("word\u2060joiner", "wordjoiner"),
        ("\u200dstray joiner", "stray joiner"),
        ("emoji \U0001f469\u200d\U0001f4bb kept", "emoji \U0001f469\u200d\U0001f4bb kept"),
        ("set it to {{leverage}} or below", "set it to {leverage} or below"),
        ("{{ op }} and {{0}}", "{op} and {0}"),
        ("evil \u202eright-to-left", "evil \u202eright-to-left"),  # bidi is text: kept
    ],
)
def test_layout_artifacts_go_and_text_stays(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected
