"""Find the error-code tables on a page and turn their rows into records.

HTML is located with lxml (fast on multi-megabyte pages); only the cells of error-code tables
are touched further. Plain text is read line by line. A row that cannot be read is a warning
naming the page and line, never dropped quietly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree, html

from . import headers
from .headers import CODE, HTTP_STATUS, MESSAGE, TITLE
from .model import KIND_CODE, KIND_HTTP, ParseWarning, Row, Table
from .normalize import cell_text, is_lone_placeholder, join_lines, normalize_text

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_NUMERIC_CODE = re.compile(r"-?[0-9]+(?:_[0-9]+)*")
_SYMBOLIC_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_HTTP_STATUS = re.compile(r"[1-5][0-9][0-9]")
_ANCHOR_TAIL = re.compile(r"\s*[#¶]\s*$")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")


@dataclass(frozen=True)
class Extraction:
    tables: tuple[Table, ...]
    warnings: tuple[ParseWarning, ...]


def is_code(text: str) -> bool:
    return bool(_NUMERIC_CODE.fullmatch(text) or _SYMBOLIC_CODE.fullmatch(text))


def parse_html(markup: str | bytes) -> html.HtmlElement:
    """Parse a document or a fragment; comments are kept (they mark React placeholders)."""
    if isinstance(markup, str):
        markup = _XML_DECL.sub("", markup, count=1)
    parser = html.HTMLParser(huge_tree=True, remove_comments=False)
    try:
        return html.fromstring(markup, parser=parser)
    except etree.ParserError:  # nothing but white space or comments
        return html.fromstring("<div></div>", parser=parser)


def heading_text(element: html.HtmlElement) -> str:
    return _ANCHOR_TAIL.sub("", normalize_text(element.text_content()))


def walk(root: html.HtmlElement) -> Iterator[tuple[list[tuple[int, str]], html.HtmlElement]]:
    """Yield each top-level table with the heading path (level, text) above it."""
    stack: list[tuple[int, str]] = []
    for element in root.iter(*HEADINGS, "table"):
        if element.tag == "table":
            if not any(a.tag == "table" for a in element.iterancestors()):
                yield list(stack), element
            continue
        level = int(element.tag[1])
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, heading_text(element)))


def section_of(path: list[tuple[int, str]]) -> str:
    return " > ".join(text for _, text in path if text)


def _cells(tr: html.HtmlElement) -> list[html.HtmlElement]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _rows(table: html.HtmlElement) -> list[html.HtmlElement]:
    """The table's own rows, not those of a table nested in a cell."""
    rows = list(table.iter("tr"))
    if table.find(".//table") is None:
        return rows
    return [tr for tr in rows if next(tr.iterancestors("table")) is table]


def table_header(table: html.HtmlElement) -> tuple[list[str], list[str | None]] | None:
    """Header texts and roles when the table's first row is an error-code header."""
    first = next(table.iter("tr"), None)
    if first is None:
        return None
    texts = [normalize_text(c.text_content()) for c in _cells(first)]
    roles = headers.roles_of(texts)
    return (texts, roles) if roles else None


def _status(text: str) -> int | None:
    return int(text) if _HTTP_STATUS.fullmatch(text) else None


@dataclass
class _Collector:
    """Rows of one table and the warnings about the rows that could not be read."""

    page: str
    context: str
    rows: list[Row] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def warn(self, line: int | None, text: str) -> None:
        self.warnings.append(ParseWarning(self.page, line, self.context + text))

    def add(self, line: int | None, values: dict[str, str], kind: str = KIND_CODE) -> None:
        code, message = values.get(CODE, ""), values.get(MESSAGE, "")
        if kind == KIND_CODE and not is_code(code):
            self.warn(line, f"{code!r} is not an error code (message {message!r})")
            return
        if not message:
            self.warn(line, f"code {code} has no message")
        status_text = values.get(HTTP_STATUS, "")
        status = _status(status_text)
        if status_text and status is None:
            self.warn(line, f"code {code}: HTTP status {status_text!r} is not a number")
        self.rows.append(Row(code, message, status, values.get(TITLE) or None, kind))


def _read_table(
    table: html.HtmlElement, section: str, page: str, line_offset: int
) -> tuple[Table, list[ParseWarning]] | None:
    found = table_header(table)
    if found is None:
        return None
    columns, roles = found
    out = _Collector(page, f"table {section!r}: ")
    for tr in _rows(table)[1:]:
        line = ((tr.sourceline or 0) + line_offset) or None
        cells = _cells(tr)
        if len(cells) != len(roles):
            texts = " | ".join(normalize_text(c.text_content()) for c in cells)
            out.warn(line, f"row has {len(cells)} cells, the header {len(roles)}: {texts!r}")
            continue
        values: dict[str, str] = {}
        for role, cell in zip(roles, cells, strict=True):
            if role is not None and role not in values:
                values[role] = cell_text(cell)
        out.add(line, values)
    return Table(section, tuple(columns), tuple(out.rows)), out.warnings


def extract_html(markup: str | bytes, page: str, line_offset: int = 0) -> Extraction:
    """Every error-code table of an HTML document or fragment."""
    root = parse_html(markup)
    tables: list[Table] = []
    warnings: list[ParseWarning] = []
    for path, table in walk(root):
        read = _read_table(table, section_of(path), page, line_offset)
        if read is not None:
            tables.append(read[0])
            warnings.extend(read[1])
    return Extraction(tuple(tables), tuple(warnings))


# --- plain text -------------------------------------------------------------------------------

_HTTP_LINE = re.compile(
    r"HTTP(?:\s+ERROR)?(?:\s+STATUS)?(?:\s+CODE)?\s+([1-5][0-9][0-9])\b[\s:：-]*(.*)", re.I
)
_REGION_END = re.compile(r"-{3,}|\*{3,}|_{3,}")


def _section_before(lines: list[str], index: int) -> str:
    for line in reversed(lines[max(0, index - 3) : index]):
        text = line.strip().lstrip("#").strip()
        if text and len(text) <= 80:
            return text
    return ""


def _header_run(lines: list[str], start: int) -> list[str] | None:
    """A header written one cell per line (visible text of an HTML table)."""
    run: list[str] = []
    for line in lines[start:]:
        text = line.strip()
        if not text or headers.role_of(text) is None:
            break
        run.append(text)
    return run if headers.roles_of(run) and len(run) >= 2 else None


def _line_values(text: str, roles: list[str | None]) -> dict[str, str] | None:
    """The cells of one ``CODE [HTTP] DESCRIPTION`` line, if it is one."""
    parts = text.split(None, len(roles) - 1)
    if len(parts) < len(roles):
        return None
    values = {role: part for role, part in zip(roles, parts, strict=True) if role is not None}
    if not _NUMERIC_CODE.fullmatch(values.get(CODE, "")):
        return None
    if HTTP_STATUS in values and _status(values[HTTP_STATUS]) is None:
        return None
    values[MESSAGE] = normalize_text(values.get(MESSAGE, ""))
    return values


Region = tuple[_Collector, int]  # the rows read and the index of the line after the region


def _line_region(
    lines: list[str], start: int, roles: list[str | None], out: _Collector, line0: int
) -> Region | None:
    first = next((line.strip() for line in lines[start:] if line.strip()), "")
    if _line_values(first, roles) is None:
        return None  # a sentence that happens to read like a header
    i = start
    while i < len(lines):
        text = lines[i].strip()
        if not text or _REGION_END.fullmatch(text):
            # A blank line ends the region unless rows go on after it.
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if out.rows and j < len(lines) and _line_values(lines[j].strip(), roles):
                i = j
                continue
            break
        line = line0 + i + 1
        values = _line_values(text, roles)
        http = _HTTP_LINE.fullmatch(text)
        if values is not None:
            out.add(line, values)
        elif http is not None:
            status = http.group(1)
            message = normalize_text(http.group(2))
            out.add(
                line, {CODE: f"HTTP {status}", MESSAGE: message, HTTP_STATUS: status}, KIND_HTTP
            )
        else:
            out.warn(line, f"not a 'CODE DESCRIPTION' row: {text!r}")
        i += 1
    return out, i


_TEXT_SYMBOLIC = re.compile(
    r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:\.[A-Z][A-Z0-9_]*)*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+"
)
_CONTINUES = frozenset(".,;:!?)。，；：！？）")


def _code_style(first: str) -> re.Pattern[str] | None:
    """The pattern every code of a one-cell-per-line table follows, from its first code."""
    for style in (_NUMERIC_CODE, _TEXT_SYMBOLIC):
        if style.fullmatch(first):
            return style
    return None


@dataclass
class _OpenRow:
    line: int
    code: str
    cells: list[str] = field(default_factory=list)
    message: list[str] = field(default_factory=list)
    split: bool = False  # the message's last line was a placeholder


def _cell_region(
    lines: list[str], start: int, roles: list[str | None], out: _Collector, line0: int
) -> Region | None:
    """Rows written one cell per line. A message goes on past its first line only where a
    placeholder split it; the region ends at a blank line or where the cells stop."""
    style = _code_style(lines[start].strip() if start < len(lines) else "")
    if style is None:
        return None  # labels that happen to stand on consecutive lines
    others = [r for r in roles if r != CODE]

    def close(row: _OpenRow) -> None:
        if len(row.cells) < len(others):
            out.warn(
                row.line,
                f"code {row.code}: expected {len(others)} cells after the "
                f"code, found {row.cells!r}",
            )
            return
        values = {r: c for r, c in zip(others, row.cells, strict=False) if r is not None}
        out.add(row.line, {**values, CODE: row.code, MESSAGE: join_lines(row.message)})

    row: _OpenRow | None = None
    i = start
    while i < len(lines):
        text = lines[i].strip()
        if not text or _REGION_END.fullmatch(text):
            break
        at = line0 + i + 1
        if row is not None and len(row.cells) < len(others):
            row.cells.append(text)  # the next cell of the current row
            if others[len(row.cells) - 1] == MESSAGE:
                row.message = [text]
        elif row is not None and is_lone_placeholder(text) and len(text) < min(3, len(row.code)):
            row.message.append("{" + text + "}")
            row.split = True
        elif row is not None and (row.split or text[0] in _CONTINUES) and not style.fullmatch(text):
            row.message.append(text)
            row.split = False
        elif style.fullmatch(text):
            if row is not None:
                close(row)
            row = _OpenRow(at, text)
        elif i + 1 < len(lines) and style.fullmatch(lines[i + 1].strip()):
            out.warn(at, f"not part of a table row: {text!r}")
        else:
            break
        i += 1
    if row is not None:
        close(row)
    return out, i


def extract_text(text: str, page: str, line0: int = 0) -> Extraction:
    """Error-code tables of plain text: ``CODE DESCRIPTION`` lines or one cell per line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tables: list[Table] = []
    warnings: list[ParseWarning] = []
    i = 0
    while i < len(lines):
        region: Region | None = None
        labels = headers.split_header_line(lines[i])
        roles = headers.roles_of(labels) if labels and len(labels) >= 2 else None
        section = _section_before(lines, i)
        out = _Collector(page, "")
        if labels and roles:
            region = _line_region(lines, i + 1, roles, out, line0)
        elif (run := _header_run(lines, i)) is not None:
            labels, roles = run, headers.roles_of(run)
            assert roles is not None
            region = _cell_region(lines, i + len(run), roles, out, line0)
        if region is None or labels is None:
            i += 1
            continue
        tables.append(Table(section, tuple(labels), tuple(out.rows)))
        warnings.extend(out.warnings)
        i = max(region[1], i + 1)
    return Extraction(tuple(tables), tuple(warnings))
