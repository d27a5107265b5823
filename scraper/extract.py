"""Find the error codes on a page and turn them into records.

HTML is walked once with lxml (fast on multi-megabyte pages), keeping the heading path above
every block. Tables are judged by ``verdict``; codes outside tables (a heading per code,
definition lists, code-led items, key/value records, code blocks) are read by ``code_lists``
and judged by the same evidence. Plain text goes to ``plaintext``. A row that cannot be read
is a warning naming the page and line, never dropped quietly; so is a cell past the header.
"""

from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass, field, replace

from lxml import etree

from . import code_lists, columns, plaintext
from .columns import CODE, HTTP_STATUS, MESSAGE, TITLE, Role, Roles
from .model import MAX_ROWS, ParseWarning, Row, Table, is_numeric_code
from .normalize import cell_text, join_lines, normalize_text, text_of
from .page import Page, TooLarge
from .rows import STRUCK, Collector, line_of, section_of, struck, unstruck_text
from .verdict import SIBLING_BONUS, Context, Verdict, judge, out_of_reach, parameter_headers
from .walk import Block, HeadingPath, lead_of, page_words, parse_html, walk


@dataclass(frozen=True)
class Explained:
    """One table of the page and what was decided about it (``extract --explain``)."""

    section: str
    columns: tuple[str, ...]
    line: int | None
    rows: int
    verdict: Verdict
    shape: str = "table"  # or how codes outside a table were written: "items", "records" …


@dataclass(frozen=True)
class Found:
    """An extracted table with the page elements it was read from (what a capture keeps)."""

    path: HeadingPath
    lead: str
    elements: tuple[etree._Element, ...]


@dataclass(frozen=True)
class Extraction:
    tables: tuple[Table, ...]
    warnings: tuple[ParseWarning, ...]
    explained: tuple[Explained, ...] = field(default=(), compare=False)
    found: tuple[Found, ...] = field(default=(), compare=False)


# Title rows above a header that count as its context: the first few (a page can put any
# number of one-cell rows there).
_MAX_TITLES = 5


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _span(cell: etree._Element, name: str) -> int:
    value = cell.get(name, "1").strip()
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


_SPANNED = etree.XPath("boolean(.//td[@rowspan or @colspan] | .//th[@rowspan or @colspan])")


def _spans(table: etree._Element) -> bool:
    return bool(_SPANNED(table))


def _grid(
    rows: list[etree._Element], spans: bool
) -> list[tuple[etree._Element, list[etree._Element]]]:
    """Each row's cells with ``rowspan`` and ``colspan`` spread out (``spans``: the table
    has some): a code written once beside several messages stands in each of their rows."""
    if not spans:
        return [(tr, _cells(tr)) for tr in rows]
    carried: dict[int, tuple[etree._Element, int]] = {}  # column -> (cell, rows left)
    out = []
    for tr in rows:
        own = iter(_cells(tr))
        cells: list[etree._Element] = []
        while True:
            column = len(cells)
            if column in carried:
                cell, left = carried[column]
                cells.append(cell)
                if left > 1:
                    carried[column] = (cell, left - 1)
                else:
                    del carried[column]
                continue
            nxt = next(own, None)
            if nxt is None:
                break
            down = _span(nxt, "rowspan")
            for _ in range(_span(nxt, "colspan")):
                if down > 1:
                    carried[len(cells)] = (nxt, down - 1)
                cells.append(nxt)
        out.append((tr, cells))
    return out


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows, not those of a table nested in a cell."""
    rows = list(table.iter("tr"))
    if table.find(".//table") is None:
        return rows
    return [tr for tr in rows if next(tr.iterancestors("table")) is table]


def _is_header_row(tr: etree._Element, texts: list[str]) -> bool:
    if any(c.tag == "th" for c in _cells(tr)):
        return True
    parent = tr.getparent()
    if parent is not None and parent.tag == "thead":
        return True
    return columns.roles_of(texts) is not None


@dataclass
class _TableCandidate:
    block: Block
    header: list[str]
    body: list[tuple[etree._Element, list[etree._Element], list[str]]]  # tr, cells, texts
    context: Context
    verdict: Verdict

    @property
    def signature(self) -> tuple[object, ...]:
        roles = self.verdict.roles
        return (self.block.path, roles.by_cells if roles else None)


def _candidate(block: Block, siblings: bool = False) -> _TableCandidate | None:
    """A table with its header, rows, context and verdict. ``siblings``: a table in the same
    section is taken, so this one may earn the bonus of a table beside it."""
    table = block.element
    rows = _rows(table)
    titles: list[str] = []
    first_row = 0
    while first_row < len(rows) - 1 and len(_cells(rows[first_row])) == 1:  # title rows
        if len(titles) < _MAX_TITLES:
            titles.append(normalize_text(text_of(rows[first_row])))
        first_row += 1
    rows = rows[first_row:]  # one copy, not one per title row
    if not rows:
        return None
    first = [normalize_text(text_of(c)) for c in _cells(rows[0])]
    if _is_header_row(rows[0], first):
        header, rows = first, rows[1:]
    else:
        header = [""] * len(first)
    width = len(header)
    if width < 2:
        return None
    caption = table.find("caption")
    captions = [normalize_text(text_of(caption))] if caption is not None else []
    context = Context(
        tuple(text for _, text in block.path),
        " ".join(captions + titles),
        lead_of(table),
    )
    parameter = parameter_headers(header)
    hopeless = out_of_reach(header, context, siblings, parameter)
    if hopeless is not None:  # the cells could not change the decision: not read
        return _TableCandidate(block, header, [], context, hopeless)
    # Each cell's text is read once, here; the table's reader takes it from the candidate.
    spans = _spans(table)
    body = [_ragged(tr, row, width) for tr, row in _grid(rows, spans)]
    wider = [len(row) for _, row, _ in body if len(row) > 1]
    if wider and min(wider) > width:  # a header narrower than every row: the cells win
        header = header + [""] * (min(wider) - width)
        width = len(header)
    cells: list[list[str]] = [[] for _ in range(width)]
    for _, row, texts in body:
        if len(row) != width:
            continue
        if not spans:
            for i, text in enumerate(texts):
                cells[i].append(text)
            continue
        times = Counter(id(cell) for cell in row)
        for i, cell in enumerate(row):
            spread = times[id(cell)] > 1  # a colspan says nothing of one column
            cells[i].append("" if spread else texts[i])
    return _TableCandidate(block, header, body, context, judge(header, cells, context, parameter))


def _ragged(
    tr: etree._Element, row: list[etree._Element], width: int
) -> tuple[etree._Element, list[etree._Element], list[str]]:
    """A row's cells and texts, without the empty cells past the header (a trailing ``|``).
    A cell spread over several columns is read once."""
    read: dict[int, str] = {}
    texts = [
        read[id(c)] if id(c) in read else read.setdefault(id(c), normalize_text(text_of(c)))
        for c in row
    ]
    while len(row) > width and not texts[-1]:
        row, texts = row[:-1], texts[:-1]
    return tr, row, texts


def _short_row(texts: list[str], roles: Roles) -> tuple[dict[Role, str], bool] | None:
    """A row with cells missing. When its cells stand where the columns are (only the last
    ones missing), it is read by position; otherwise by what the cells hold: the code where
    the code column is (or the first code), the message the cell with the most words. True
    when the cells were moved."""
    at = {CODE: roles.code, MESSAGE: roles.message, HTTP_STATUS: roles.http_status}
    at[TITLE] = roles.title
    values = {role: texts[i] if i < len(texts) else "" for role, i in at.items() if i is not None}
    message = values.get(MESSAGE, "")
    if (
        columns.is_code(values[CODE])
        and (not values.get(HTTP_STATUS) or columns.is_http_like(values[HTTP_STATUS]))
        and (not message or columns.has_letters(message))
    ):
        return values, False
    code_at = roles.code if roles.code < len(texts) and columns.is_code(texts[roles.code]) else None
    if code_at is None:
        code_at = next((i for i, t in enumerate(texts) if columns.is_code(t)), None)
    if code_at is None:
        return None
    rest = [i for i in range(len(texts)) if i != code_at and texts[i]]
    status = next((i for i in rest if columns.is_http_status(texts[i])), None)
    worded = [i for i in rest if i != status and columns.has_letters(texts[i])]
    values = {CODE: texts[code_at]}
    if worded:
        values[MESSAGE] = texts[max(worded, key=lambda i: len(texts[i]))]
    if status is not None and roles.http_status is not None:
        values[HTTP_STATUS] = texts[status]
    return values, True


def _read_table(
    found: _TableCandidate, page: str, line_offset: int
) -> tuple[list[Table], list[ParseWarning]]:
    roles = found.verdict.roles
    assert roles is not None
    section = section_of(found.block.path)
    context = found.context
    http_table = all(
        columns.is_http_like(texts[roles.code])
        for _, cells, texts in found.body
        if len(cells) > roles.code
    ) and any(
        "http" in text.lower() or "status" in text.lower()
        for text in (found.header[roles.code], section, context.caption, context.lead)
    )
    out = Collector(
        page, f"table {section!r}: ", http_table, roles.spaced_labels, led_codes=roles.led_codes
    )
    if roles.disagrees:
        said = " | ".join(found.header)
        held = " | ".join(r or "-" for r in roles.by_cells)
        out.warn(
            line_of(found.block.element, line_offset),
            f"the header says {said!r} but the cells hold {held}; the cells are used",
        )
    wanted = [(CODE, roles.code), (MESSAGE, roles.message), (HTTP_STATUS, roles.http_status)]
    wanted.append((TITLE, roles.title))
    width = len(found.header)
    strikes = next(found.block.element.iter(*STRUCK), None) is not None
    parts: list[tuple[str, list[Row]]] = [(section, out.rows)]
    last = len(found.body) - 1
    codes = [texts[roles.code] for _, _, texts in found.body if len(texts) > roles.code]
    numbered = sum(map(is_numeric_code, codes)) * 2 > len(codes)
    for k, (tr, cells, texts) in enumerate(found.body):
        line = line_of(tr, line_offset)
        if out.rows and _continues(texts, roles.code, out.rows[-1].message, k == last):
            # A message wrapped onto a line of its own (a pipe table's cell broken in two).
            previous = out.rows[-1]
            message = join_lines([previous.message, texts[roles.code]])
            out.rows[-1] = replace(previous, message=message)
            continue
        if (
            len(cells) == width
            and all(c is cells[0] for c in cells)
            or (len(cells) == 1 and texts[0] and not columns.is_code(texts[0]))
            or (k < last and _label_row(texts, roles, numbered))
        ):
            # One cell across the table: a label for the rows below it.
            label = texts[0]
            out.rows = []
            parts.append((" > ".join(x for x in (section, label) if x), out.rows))
            continue
        said = f"row has {len(cells)} cells, the header {width}"
        if len(cells) > width:
            extra = " | ".join(t for t in texts[width:] if t)
            out.warn(line, f"{said}: {extra!r} past the header is not read")
            cells, texts = cells[:width], texts[:width]
        elif len(cells) < width:
            short = _short_row(texts, roles)
            if short is None:
                out.warn(line, f"{said}, none a code: {' | '.join(texts)!r}")
                continue
            if short[1]:
                read_as = ", ".join(f"{role} {value!r}" for role, value in short[0].items())
                out.warn(line, f"{said}: read as {read_as}")
            out.add(line, short[0], deprecated=strikes and struck(cells[0]))
            continue
        # A cell with markup inside (React separators, <op>) is repaired; text is as read.
        values = {
            role: cell_text(cells[i]) if len(cells[i]) else texts[i]
            for role, i in wanted
            if i is not None and (role == MESSAGE or cells[i] is not cells[roles.message or 0])
        }
        code_cell = cells[roles.code]
        deprecated = strikes and (struck(code_cell) or all(struck(c) for c in cells if text_of(c)))
        if strikes and not deprecated and next(code_cell.iter(*STRUCK), None) is not None:
            values[CODE] = unstruck_text(code_cell)  # the old code struck, the new one after
        out.add(line, values, deprecated=deprecated)
    tables = [Table(name, tuple(found.header), tuple(rows)) for name, rows in parts]
    return [t for t in tables if t.rows] or tables[:1], out.warnings


def _label_row(texts: list[str], roles: Roles, numbered: bool) -> bool:
    """A row whose only text is in the code column and is no code there (``Order errors``;
    ``Spot`` among numbered codes): a label for the rows below it, not a code without a
    message. ``numbered``: most of the column's codes are numbers."""
    code = texts[roles.code] if roles.code < len(texts) else ""
    if roles.message is None or not code or any(t for i, t in enumerate(texts) if i != roles.code):
        return False
    if len(code) > 60 or code.endswith(_SENTENCE_END):  # a note, said as a warning
        return False
    if not columns.is_code(code):
        return not columns.is_spaced_label(code) and not columns.is_http_like(code)
    return numbered and not columns.code_shaped(code)


_SENTENCE_END = tuple(".!?。！？…)）")


def _continues(texts: list[str], code_column: int, previous: str, last_row: bool) -> bool:
    """A row whose only text is prose in the code column, right below a row: the previous
    message went on. It does when the text starts in lower case, or, but on the table's last
    line (where a page's own note may follow a table), when the previous message ended
    mid-sentence."""
    if len(texts) <= code_column or any(t for i, t in enumerate(texts) if i != code_column):
        return False
    text = texts[code_column]
    if not text or columns.is_code(text) or not previous:
        return False
    if text[0].islower():
        return True
    if columns.is_error_word(text):  # "Account errors": a label for the rows below
        return False
    return not last_row and not previous.rstrip().endswith(_SENTENCE_END)


def extract_html(markup: str | bytes, page: str, line_offset: int = 0) -> Extraction:
    """Every error-code table of an HTML document or fragment, and the codes outside tables
    in its error sections."""
    # Thousands of short-lived element proxies and no reference cycles: the cycle collector
    # would only rescan them (a fifth of the time on a large page).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _extract_html(markup, page, line_offset)
    finally:
        if enabled:
            gc.enable()


def _extract_html(markup: str | bytes, page: str, line_offset: int) -> Extraction:
    root = parse_html(markup)
    walked = list(walk(root, columns.is_error_word(page_words(page))))
    candidates = [c for b in walked if b.element.tag == "table" if (c := _candidate(b))]
    # A table beside a taken one, in the same section and of the same shape, is one too.
    near = {c.block.path for c in candidates if c.verdict.taken}
    candidates = [
        (_candidate(c.block, siblings=True) or c)
        if c.verdict.roles is None and c.block.path in near
        else c
        for c in candidates
    ]
    taken = {c.signature for c in candidates if c.verdict.taken}
    for c in candidates:
        if not c.verdict.taken and c.verdict.roles is not None and c.signature in taken:
            c.verdict = c.verdict.with_bonus(
                SIBLING_BONUS, "a table of the same shape beside it is taken"
            )
    by_element = {id(c.block.element): c for c in candidates}

    results: list[tuple[list[Table], list[ParseWarning], Found]] = []
    explained: list[Explained] = []
    for block in walked:
        element = block.element
        if element.tag == "table":
            candidate = by_element.get(id(element))
            if candidate is None:
                continue
            rows = 0
            if candidate.verdict.taken:
                tables, warnings = _read_table(candidate, page, line_offset)
                rows = sum(len(t.rows) for t in tables)
                lead = candidate.context.lead
                results.append((tables, warnings, Found(block.path, lead, (element,))))
            explained.append(
                Explained(
                    section_of(block.path),
                    tuple(candidate.header),
                    line_of(element, line_offset),
                    rows,
                    candidate.verdict,
                )
            )
    in_tables = {row.code for r in results for table in r[0] for row in table.rows}
    for read in code_lists.read_all(walked, page, line_offset, in_tables):
        if read.table is not None:
            kept = Found(read.path, read.lead, read.elements)
            results.append(([read.table], read.warnings, kept))
        table = read.table
        explained.append(
            Explained(
                read.section,
                table.columns if table is not None else (),
                line_of(read.elements[0], line_offset),
                len(table.rows) if table is not None else 0,
                read.verdict,
                read.layout,
            )
        )
    order = {id(b.element): i for i, b in enumerate(walked)}
    results.sort(key=lambda r: order[id(r[2].elements[0])])
    explained.sort(key=lambda e: e.line or 0)
    every = tuple(t for r in results for t in r[0])
    found = tuple(r[2] for r in results)
    return Extraction(every, tuple(w for r in results for w in r[1]), tuple(explained), found)


def extract_page(page: Page) -> Extraction:
    """Every error-code table of a page read by ``page``: its HTML, else its text. A page
    with more error rows than one source may have (``MAX_ROWS``) is TooLarge."""
    if page.html is not None and page.html.strip():
        found = extract_html(page.html, page.name, page.html_line)
    else:
        found = extract_text(page.text or "", page.name)
    if page.warnings:  # what reading the page changed comes first
        found = replace(found, warnings=(*page.warnings, *found.warnings))
    rows = sum(len(t.rows) for t in found.tables)
    if rows > MAX_ROWS:
        raise TooLarge(
            f"{page.name}: {rows:,} error rows, over the {MAX_ROWS:,} one page may have; not used"
        )
    return found


def extract_text(text: str, page: str, line0: int = 0) -> Extraction:
    """Error-code tables of plain text."""
    tables, warnings = plaintext.extract_text(text, page, line0)
    return Extraction(tuple(tables), tuple(warnings))
