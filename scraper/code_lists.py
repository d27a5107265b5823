"""Error codes written outside tables, read only inside a section about errors:

- a heading per code, its messages in the list or paragraphs after it
  (``<h3>-1013 INVALID_MESSAGE</h3><ul><li>…</li></ul>``);
- a definition list (``<dt>CODE</dt><dd>message</dd>``);
- a list, or a run of paragraphs, whose every item reads ``CODE: message`` or ``CODE message``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import html

from . import columns
from .columns import CODE, MESSAGE, TITLE
from .model import ParseWarning, Table
from .normalize import cell_text, normalize_text
from .rows import Collector, line_of, section_of, split_code, struck
from .walk import Block, Path, in_error_section


@dataclass(frozen=True)
class Read:
    path: Path
    table: Table
    warnings: list[ParseWarning]
    elements: tuple[html.HtmlElement, ...]
    layout: str  # how the codes were written, for ``extract --explain``


def _items(element: html.HtmlElement) -> list[html.HtmlElement]:
    """The messages a block holds: list items, or the paragraph itself."""
    if element.tag in ("ul", "ol"):
        return [li for li in element if isinstance(li.tag, str) and li.tag == "li"]
    return [element] if element.tag == "p" else []


def _from_headings(walked: Sequence[Block], page: str, offset: int) -> Iterable[Read]:
    heading: Block | None = None
    owned: list[Block] = []

    def close() -> Read | None:
        if heading is None:
            return None
        section = section_of(heading.path)
        out = Collector(page, f"section {section!r}: ")
        text = normalize_text(heading.element.text_content())
        code, name = split_code(text, numeric_only=True) or (text, "")
        messages = [item for block in owned for item in _items(block.element)]
        deprecated = struck(heading.element)
        line = line_of(heading.element, offset)
        if not messages:
            out.add(line, {CODE: code, MESSAGE: name}, deprecated=deprecated)
        for item in messages:
            values = {CODE: code, MESSAGE: cell_text(item), TITLE: name}
            out.add(line_of(item, offset), values, deprecated=deprecated or struck(item))
        columns_ = ("code", "title", "message") if name else ("code", "message")
        table = Table(section, columns_, tuple(out.rows))
        elements = (heading.element, *(b.element for b in owned))
        return Read(heading.path, table, out.warnings, elements, "a heading per code")

    for block in walked:
        if block.code or block.element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            read = close()
            if read is not None:
                yield read
            heading, owned = (block if block.code else None), []
        elif heading is not None and block.owner is heading.element:
            owned.append(block)
    read = close()
    if read is not None:
        yield read


def _from_definitions(block: Block, page: str, offset: int) -> Read | None:
    terms = [c for c in block.element if isinstance(c.tag, str) and c.tag in ("dt", "dd")]
    pairs: list[tuple[html.HtmlElement, html.HtmlElement]] = []
    term: html.HtmlElement | None = None
    for child in terms:
        if child.tag == "dt":
            term = child
        elif term is not None:
            pairs.append((term, child))
    split = [split_code(normalize_text(t.text_content())) for t, _ in pairs]
    if not pairs or any(s is None for s in split):
        return None
    section = section_of(block.path)
    out = Collector(page, f"section {section!r}: ")
    for (dt, dd), parts in zip(pairs, split, strict=True):
        assert parts is not None
        values = {CODE: parts[0], MESSAGE: cell_text(dd), TITLE: parts[1]}
        out.add(line_of(dt, offset), values, deprecated=struck(dt))
    table = Table(section, ("code", "message"), tuple(out.rows))
    return Read(block.path, table, out.warnings, (block.element,), "a definition list")


def _lines(item: html.HtmlElement) -> list[str]:
    """An item's text, split where a ``<br>`` breaks it."""
    parts: list[str] = [item.text or ""]
    for child in item:
        if isinstance(child.tag, str) and child.tag == "br":
            parts.append(child.tail or "")
        else:
            parts[-1] += child.text_content() + (child.tail or "")
    return [t for t in (normalize_text(p) for p in parts) if t]


def _from_items(run: list[Block], page: str, offset: int) -> Read | None:
    """A list, or consecutive paragraphs, whose every line is ``CODE: message``."""
    entries: list[tuple[html.HtmlElement, str, tuple[str, str]]] = []
    for block in run:
        for item in _items(block.element):
            for text in _lines(item):
                parts = split_code(text)
                if parts is None or not parts[1] or not columns.is_prose(parts[1]):
                    return None
                entries.append((item, text, parts))
    if len(entries) < 2:
        return None
    section = section_of(run[0].path)
    out = Collector(page, f"section {section!r}: ")
    for item, _, (code, message) in entries:
        out.add(line_of(item, offset), {CODE: code, MESSAGE: message}, deprecated=struck(item))
    table = Table(section, ("code", "message"), tuple(out.rows))
    elements = tuple(b.element for b in run)
    return Read(run[0].path, table, out.warnings, elements, "items that read 'CODE: message'")


def _paragraph_runs(walked: Sequence[Block]) -> Iterable[list[Block]]:
    run: list[Block] = []
    for block in walked:
        element = block.element
        if element.tag == "p" and block.owner is None and in_error_section(block.path):
            if run and run[-1].element.getnext() is element:
                run.append(block)
                continue
            if run:
                yield run
            run = [block]
        elif element.tag == "p":
            if run:
                yield run
            run = []
    if run:
        yield run


def read_all(walked: Sequence[Block], page: str, offset: int) -> list[Read]:
    """Every code written outside a table in the page's error sections."""
    reads = list(_from_headings(walked, page, offset))
    for block in walked:
        if block.owner is not None or not in_error_section(block.path):
            continue
        if block.element.tag == "dl":
            read = _from_definitions(block, page, offset)
        elif block.element.tag in ("ul", "ol"):
            read = _from_items([block], page, offset)
        else:
            continue
        if read is not None:
            reads.append(read)
    for run in _paragraph_runs(walked):
        read = _from_items(run, page, offset)
        if read is not None:
            reads.append(read)
    return reads
