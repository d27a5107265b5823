"""The third audit (issue 28): each item with the input that showed it."""

from __future__ import annotations

from scraper import bench
from scraper import page as pages
from scraper.extract import extract_page


def rows_of(name: str, text: str) -> list[tuple[str, str]]:
    found = extract_page(pages.from_text(name, text))
    return [(r.code, r.message) for t in found.tables for r in t.rows]


def test_an_item_of_br_separated_lines_is_a_row_per_line() -> None:
    rows = rows_of(*bench.HOSTILE["br-lines"](50))
    assert rows == [(f"E{i}", f"Failed {i}") for i in range(50)]


def test_a_markdown_paragraph_of_code_lines_is_a_row_per_line() -> None:
    assert rows_of(*bench.HOSTILE["paragraph-lines"](50)) == [
        (f"E{i}", f"Failed {i}") for i in range(50)
    ]
    text = "# Errors\n\nE1001: Failed to sign\nE1002: Failed to pay\n"
    assert rows_of("p.md", text) == [("E1001", "Failed to sign"), ("E1002", "Failed to pay")]


def test_a_message_wrapped_onto_a_second_line_stays_one_row() -> None:
    text = "# Errors\n\nE1001: Failed to sign\nthe request with your key\n\nE1002: Failed to pay\n"
    assert rows_of("p.md", text) == [
        ("E1001", "Failed to sign the request with your key"),
        ("E1002", "Failed to pay"),
    ]
