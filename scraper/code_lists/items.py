"""Items, or a run of paragraphs, that start with a code: ``CODE: message``,
``<code>E1001</code> message``, ``<strong>30012</strong> – message``, one row per line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from lxml import etree

from .. import columns
from ..normalize import normalize_text, text_of
from ..rows import STRUCK, split_code, struck
from ..walk import Block, in_error_section
from .common import LISTS, MARKS, PEEK, Candidate, Entry


def own_text(item: etree._Element) -> str:
    """An item's text without the lists nested in it."""
    if next(item.iter(*LISTS), None) is None:
        return text_of(item)
    parts = [item.text or ""]
    for child in item:
        if isinstance(child.tag, str) and child.tag not in LISTS:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def lead_mark(item: etree._Element) -> etree._Element | None:
    """The markup that opens an item (``<code>``, ``<strong>``, ``<s>``), inside a
    paragraph of a loose list too; None when text comes first."""
    node = item
    for _ in range(3):
        if (node.text or "").strip():
            return None
        first = next((c for c in node if isinstance(c.tag, str)), None)
        if first is None:
            return None
        if first.tag in MARKS:
            return first
        if first.tag not in ("p", "span", "a"):
            return None
        node = first
    return None


# A word or two before the code: "Error", "Error code", "错误码".
_LABEL = re.compile(r"([^\W\d_]{1,20}(?:[ _-][^\W\d_]{1,20})?)\s*[#:：]?\s*(?=-?[0-9]|[A-Z])")


@dataclass(frozen=True)
class _Lead:
    """What an item says about all of its lines, read once per item: the markup that opens
    it with that markup's text, and whether the item or the markup is struck through."""

    mark: etree._Element | None
    marked: str
    struck: bool
    mark_struck: bool


def _lead(item: etree._Element) -> _Lead:
    mark = lead_mark(item)
    marked = normalize_text(text_of(mark)) if mark is not None else ""
    mark_struck = mark is not None and _struck_mark(mark)
    return _Lead(mark, marked, struck(item), mark_struck)


def read_entry(item: etree._Element, text: str, lead: _Lead | None = None) -> Entry | None:
    """``CODE: message`` in one item, the code marked up or not, after a label that names
    errors or codes (``Error 10001: …``, ``错误码 10001：…``); None when no code leads.
    ``lead`` is the item's, read once for an item of many lines."""
    lead = _lead(item) if lead is None else lead
    if lead.mark is not None:  # "`InsufficientFunds`: …": a name set apart is a code
        marked = lead.marked
        if columns.marked_code(marked) and text.startswith(marked):
            rest = text[len(marked) :].lstrip("-–—:：=| ").strip()
            deprecated = lead.struck or lead.mark_struck
            return Entry(item, marked, rest, deprecated=deprecated, named=True)
    parts = split_code(text)
    if parts is None:
        label = _LABEL.match(text)
        if label is None:
            return None
        named = label.group(1)
        http = columns.role_of(named) == columns.HTTP_STATUS  # "HTTP `401` return code is…"
        if not (columns.is_error_word(named) or columns.names_codes(named) or http):
            return None
        parts = split_code(text[label.end() :])
        if parts is not None and http and not columns.is_http_like(parts[0]):
            return None
    if parts is None:
        return None
    code, message = parts
    message = message.lstrip("-–—:：=| ").strip()
    deprecated = lead.struck or (lead.mark_struck and code in lead.marked)
    return Entry(item, code, message, deprecated=deprecated)


def _struck_mark(mark: etree._Element) -> bool:
    return mark.tag in STRUCK or next(mark.iter(*STRUCK), None) is not None


def list_items(element: etree._Element) -> list[etree._Element]:
    """The items a block holds: list items, or the paragraph itself."""
    if element.tag in LISTS:
        return [li for li in element if isinstance(li.tag, str) and li.tag == "li"]
    return [element] if element.tag == "p" else []


def _lines(item: etree._Element) -> Iterator[list[str]]:
    """An item's text cut into lines: where a ``<br>`` breaks it, then also at each newline
    (a Markdown paragraph keeps its source lines)."""
    pieces: list[list[str]] = [[item.text or ""]]  # each line's pieces, joined once
    for child in item:
        if isinstance(child.tag, str) and child.tag == "br":
            pieces.append([child.tail or ""])
        elif isinstance(child.tag, str) and child.tag in LISTS:
            pieces[-1].append(child.tail or "")
        else:
            pieces[-1] += (text_of(child), child.tail or "")
    parts = ["".join(p) for p in pieces]
    yield [t for t in (normalize_text(p) for p in parts) if t]
    split = [normalize_text(line) for p in parts for line in p.splitlines()]
    yield [t for t in split if t]


def _navigation(items: Sequence[etree._Element]) -> bool:
    """Every item is a link to a place on the page: a table of contents or "see also"."""
    for item in items:
        links = [a for a in item.iter("a") if (a.get("href") or "").startswith("#")]
        text = "".join(own_text(item).split())
        if not links or "".join("".join(text_of(a).split()) for a in links) != text:
            return False
    return True


_STATUS_LINE = re.compile(r"HTTP/[0-9](?:\.[0-9])?[ \t]+([1-5][0-9][0-9])\b[ \t]*([^\n]*)")


def _status_reply(item: etree._Element) -> Entry | None:
    """An item that says when a reply comes, the reply's status line in a code block after
    it: ``If the order is not found, this method returns:`` + ``HTTP/1.1 404 Not Found``.
    The status is the code, the item's sentence the message, the reason its title."""
    block = next((c for c in item if isinstance(c.tag, str) and c.tag == "pre"), None)
    if block is None:
        return None
    line = text_of(block).strip().split("\n", 1)[0]
    status = _STATUS_LINE.fullmatch(line.strip())
    if status is None:
        return None
    before = [item.text or ""]
    for child in item:
        if child is block:
            break
        before += [text_of(child), child.tail or ""]
    said = normalize_text("".join(before)).rstrip(":： ")
    if not columns.has_letters(said):
        return None
    return Entry(item, status.group(1), said, title=status.group(2).strip())


def peek_first(items: Sequence[etree._Element]) -> str:
    """The start of a list's first item, which tells whether the list may hold codes."""
    return normalize_text(own_text(items[0])[:PEEK]) if items else ""


def from_items(run: list[Block], every: bool = False, peek: str | None = None) -> Candidate | None:
    """Items (or paragraphs) that start with a code; None when the first does not (but
    for ``every`` list, in a section about errors: each is explained)."""
    items = [item for block in run for item in list_items(block.element)]
    if not items:
        return None
    if not every and read_entry(items[0], peek_first(items) if peek is None else peek) is None:
        return None
    found = Candidate(run[0].path, [b.element for b in run], "items")
    if _navigation(items):
        found.refused = "every item links to a place on the page: a table of contents"
        return found
    marks = 0
    for item in items:
        reply = _status_reply(item)
        if reply is not None:  # "If the order is not found, this method returns:" + a reply
            found.entries.append(reply)
            continue
        lead = _lead(item)
        # Cut where a <br> breaks the item, and at each source line: the finer cut wins when
        # every line of it starts with a code (a Markdown paragraph of "CODE: message" lines).
        ways = [(lines, [read_entry(item, line, lead) for line in lines]) for lines in _lines(item)]
        lines, entries = next((w for w in reversed(ways) if all(w[1])), ways[0])
        for line, entry in zip(lines, entries, strict=True):
            if entry is None:
                found.unread.append((item, line))
            else:
                found.entries.append(entry)
        marks += lead.mark is not None
    found.marked = marks == len(items)
    return found


def paragraph_runs(walked: Sequence[Block]) -> Iterable[list[Block]]:
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
