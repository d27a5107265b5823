"""Hostile pages of the audits, each made at size n: the scaling tests read them at n and 4n,
and ``make bench`` prints the same ratios. Each used to cost the square of n or worse."""

from __future__ import annotations

from collections.abc import Callable

from scraper import columns, walk


# The hostile pages of the second audit (issue 20), each made at size n: name -> (file
# name, text). Each used to cost the square of n or worse.
def _fence(n: int) -> tuple[str, str]:
    return "f.md", "```html\n" * n


def _spaces(n: int) -> tuple[str, str]:
    return "s.md", "# Errors\n" + " " * (4 * n) + "\n"


def _short_lines(n: int) -> tuple[str, str]:
    return "l.txt", "".join(f"line {i} x\n" for i in range(n))


def _title_rows(n: int) -> tuple[str, str]:
    titles = "<tr><td>Error codes</td></tr>" * n
    header = "<tr><th>Code</th><th>Message</th></tr><tr><td>1</td><td>Failed</td></tr>"
    return "t.html", f"<table>{titles}{header}</table>"


def _wide_header(n: int) -> tuple[str, str]:
    columns = n // 4
    head = "".join(f"<th>Error code {i}</th><th>Message {i}</th>" for i in range(columns // 2))
    row = "<tr>" + "<td colspan=100>1</td>" * (columns // 100) + "</tr>"
    return "w.html", f"<h2>Error codes</h2><table><tr>{head}</tr>{row * 20}</table>"


# And the shapes of issue 22: every reader is one pass over its block.
def _code_items(n: int) -> tuple[str, str]:
    items = "".join(f"- `E{i}` Failed {i}\n" for i in range(n))
    return "i.md", f"# Error codes\n\n{items}- See the FAQ\n"


def _nested_records(n: int) -> tuple[str, str]:
    record = "<li>Code: {0}<ul><li>Message: Failed {0}</li><li>Code: {0}</li></ul></li>"
    items = "".join(record.format(i) for i in range(n // 3))
    return "r.html", f"<h2>Error codes</h2><ul>{items}</ul>"


def _block_lines(n: int) -> tuple[str, str]:
    lines = "".join(f"{i}  Failed {i}\n" for i in range(n))
    return "b.md", f"# Error codes\n\n```\n{lines}not a code\n```\n"


def _ragged_rows(n: int) -> tuple[str, str]:
    rows = "".join(f"| {i} | Failed {i} |{' x |' * (i % 3)}\n" for i in range(n))
    return "g.md", f"# Error codes\n\n| Code |\n| --- |\n{rows}"


# And the third audit's (issue 28): one item of many lines, and deep nesting around many
# blocks (each block used to read its item again, or walk its ancestors).
def _br_lines(n: int) -> tuple[str, str]:
    lines = "<br>".join(f"E{i} Failed {i}" for i in range(n))
    return "br.html", f"<h2>Error codes</h2><ul><li>{lines}</li></ul>"


def _paragraph_lines(n: int) -> tuple[str, str]:
    lines = "".join(f"`E{i}` Failed {i}\n" for i in range(n))
    return "p.md", f"# Error codes\n\n{lines}"


def deep_lists(n: int, depth: int = 2_000) -> tuple[str, str]:
    """n empty lists inside ``depth`` nested elements (libxml2 keeps about 2,000 levels)."""
    return "d.html", "<div>" * depth + "<ul></ul>" * n + "</div>" * depth


# And issue 30's headerless runs of code lines: a refused run is skipped whole, not tried
# again from each of its lines.
def _code_lines(n: int) -> tuple[str, str]:
    return "notes.txt", "".join(f"{10000 + i} // state {i}\n" for i in range(n))


def _blank_lines(n: int) -> tuple[str, str]:
    return "error-codes.txt", "10001 // a\n" + "\n" * (4 * n) + "x\n"


# One code heading followed by n paragraphs: one message, joined once.
def _heading_paragraphs(n: int) -> tuple[str, str]:
    paragraphs = "".join(f"Paragraph {i} is not valid.\n\n" for i in range(n))
    return "h.md", f"# API\n\n## Errors\n\n### 401 Unauthorized - Bad\n\n{paragraphs}"


HOSTILE: dict[str, Callable[[int], tuple[str, str]]] = {
    "fence-lines": _fence,
    "heading-then-spaces": _spaces,
    "short-lines": _short_lines,
    "title-rows": _title_rows,
    "wide-header": _wide_header,
    "code-items": _code_items,
    "nested-records": _nested_records,
    "code-block-lines": _block_lines,
    "ragged-rows": _ragged_rows,
    "br-lines": _br_lines,
    "paragraph-lines": _paragraph_lines,
    "deep-lists": deep_lists,
    "code-lines": _code_lines,
    "blank-lines": _blank_lines,
    "heading-paragraphs": _heading_paragraphs,
}
HOSTILE_SIZES = {
    "fence-lines": 50_000,
    "heading-then-spaces": 16_384,
    "short-lines": 50_000,
    "title-rows": 50_000,
    "wide-header": 10_000,
    "code-items": 20_000,
    "nested-records": 20_000,
    "code-block-lines": 20_000,
    "ragged-rows": 10_000,
    "br-lines": 16_000,
    "paragraph-lines": 16_000,
    "deep-lists": 50_000,
    "code-lines": 20_000,
    "blank-lines": 50_000,
    "heading-paragraphs": 16_000,
}


def clear_caches() -> None:
    """Empty the caches of header words and heading paths, so that each measured run pays as
    the first run of a process does: a page at n whose header cells fit the caches would
    otherwise be compared warm against the same page at 4n, whose cells do not."""
    for module in (columns, walk):
        for value in vars(module).values():
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()
