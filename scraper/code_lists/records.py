"""Records of key/value items: ``err_code: 30012`` / ``err_msg: …``, nested or flat."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from .. import columns
from ..columns import CODE, HTTP_STATUS, MESSAGE, TITLE, Role
from ..normalize import normalize_text, text_of
from ..rows import STRUCK, struck
from ..walk import HEADINGS, Block, heading_text
from .common import LISTS, Candidate, Entry
from .items import list_items, own_text

# A label and its value: ``Code: X2001``, ``'err_code': 30012,``, ``错误码：10001``.
_PAIR = re.compile(
    r"""^[\s"'`]*(?P<key>[^:：=\s"'`][^:：="'`]{0,39}?)[\s"'`]*[:：=]\s*(?P<value>.*)$"""
)
_QUOTED = re.compile(r"""^(["'`])(.*)\1$""")


def unquoted(text: str) -> str:
    text = text.strip().rstrip(",;").strip()
    quoted = _QUOTED.match(text)
    return quoted.group(2).strip() if quoted else text


def _pairs(element: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """Every ``label: value`` item of a list and of the lists nested in it, in page order
    (without recursion: a page may nest lists thousands deep)."""
    pending: list[Iterator[etree._Element]] = [iter(list_items(element))]
    while pending:
        item = next(pending[-1], None)
        if item is None:
            pending.pop()
            continue
        match = _PAIR.match(normalize_text(own_text(item)))
        if match is not None and len(match["key"].split()) <= 4:
            yield item, match["key"].strip(), unquoted(match["value"])
        else:
            yield item, "", ""
        nested = [c for c in item if isinstance(c.tag, str) and c.tag in LISTS]
        pending.extend(iter(list_items(c)) for c in reversed(nested))


def _records(
    element: etree._Element,
) -> list[list[tuple[etree._Element, str, str, Role | None]]]:
    """A list's ``label: value`` items cut into records: a label seen again opens the next.
    Empty when no label names a code."""
    records: list[list[tuple[etree._Element, str, str, Role | None]]] = []
    seen: set[str] = set()
    coded = False
    for item, key, value in _pairs(element):
        if not key or any(c.isdigit() for c in key):  # "E1001: …" is an item, not a record
            continue
        role = columns.role_of(key)
        coded = coded or role == CODE
        name = key.lower()
        if not records or name in seen:
            records.append([])
            seen = set()
        seen.add(name)
        records[-1].append((item, key, value, role))
    return records if coded else []


def _own_struck(item: etree._Element) -> Iterator[etree._Element]:
    """The struck-through elements of an item, not of the lists nested in it."""
    for mark in item.iter(*STRUCK):
        ancestor = mark.getparent()
        while ancestor is not None and ancestor is not item and ancestor.tag not in LISTS:
            ancestor = ancestor.getparent()
        if ancestor is item:
            yield mark


def _record_entry(
    record: list[tuple[etree._Element, str, str, Role | None]], title: str
) -> tuple[Entry | None, tuple[str, str]]:
    by_role: dict[Role, list[tuple[etree._Element, str, str]]] = {}
    for item, key, value, role in record:
        if role is not None:
            by_role.setdefault(role, []).append((item, key, value))
    codes = by_role.get(CODE, [])
    messages = by_role.get(MESSAGE, [])
    strong = [m for m in messages if columns.names_messages_strongly(m[1])]
    message = (strong or messages or [(record[0][0], "", "")])[0]
    if not codes:
        return None, ("", message[1])
    item, key, code = codes[0]
    status = by_role.get(HTTP_STATUS, [(item, "", "")])[0][2]
    named = by_role.get(TITLE, [(item, "", title)])[0][2]
    # The item struck through, or the code in it (``Code: <s>X2001</s>``).
    deprecated = struck(item) or any(code in text_of(s) for s in _own_struck(item))
    return Entry(item, code, message[2], named, status, deprecated), (key, message[1])


def from_records(block: Block, peek: str) -> Candidate | None:
    if _PAIR.match(peek) is None:
        return None  # records start with a label
    records = _records(block.element)
    if not records:
        return None
    found = Candidate(block.path, [block.element], "records")
    # One record under a heading that does not name errors: the heading is its name
    # (``### ORDER NOT FOUND``), and the section is the one above it.
    heading = block.path[-1][1] if block.path else ""
    element = _heading_before(block.element, heading) if len(records) == 1 and heading else None
    title = ""
    if element is not None and not columns.is_error_word(heading):
        title = heading
        found.path = block.path[:-1]
        found.elements.insert(0, element)
    for record in records:
        entry, keys = _record_entry(record, title)
        if entry is None:
            found.unread.append((record[0][0], f"{record[0][1]}: {record[0][2]}"))
            continue
        found.keys = found.keys or keys
        found.entries.append(entry)
    shaped = sum(columns.code_shaped(e.code) for e in found.entries)
    return found if shaped * 2 > len(found.entries) else None  # else perhaps items


def _heading_before(element: etree._Element, text: str) -> etree._Element | None:
    """The heading just before a block, when it reads ``text``."""
    before = element.getprevious()
    for _ in range(5):
        if before is None:
            return None
        if before.tag in HEADINGS:
            return before if heading_text(before) == text else None
        before = before.getprevious()
    return None


def merged(groups: list[Candidate]) -> Iterator[Candidate]:
    """Record lists in a row with one section (a record per heading) are one candidate."""
    pending: Candidate | None = None
    for found in groups:
        if pending is not None and pending.path == found.path:
            pending.elements += found.elements
            pending.entries += found.entries
            pending.unread += found.unread
            continue
        if pending is not None:
            yield pending
        pending = found
    if pending is not None:
        yield pending
