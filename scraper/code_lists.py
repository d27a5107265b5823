"""Error codes written outside tables. Each shape is one small reader fed by the section walk,
and every candidate is judged by ``verdict.judge_entries`` (an error section, code tokens that
are mostly distinct, messages that read as failures):

- a heading per code, its messages in the lists and paragraphs after it
  (``<h3>-1013 INVALID_MESSAGE</h3><ul><li>…</li></ul>``), one table per section;
- a definition list (``<dt>CODE</dt><dd>message</dd>``);
- items, or a run of paragraphs, that start with a code: ``CODE: message``,
  ``<code>E1001</code> message``, ``<strong>30012</strong> – message``;
- records of key/value items: ``err_code: 30012`` / ``err_msg: …``, nested or flat;
- a code block of ``CODE message`` lines or a JSON object mapping codes to messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from lxml import etree

from . import columns
from .columns import CODE, HTTP_STATUS, MESSAGE, TITLE, Role
from .model import ParseWarning, Table
from .normalize import cell_text, normalize_text, text_of
from .rows import STRUCK, Collector, line_of, section_of, split_code, struck
from .verdict import Context, Verdict, judge_entries
from .walk import HEADINGS, Block, HeadingPath, heading_text, in_error_section, lead_of

_LISTS = ("ul", "ol")
# Markup that sets a code apart at the start of an item.
_MARKS = frozenset({"code", "strong", "b", "kbd", "em", "tt", "samp", *STRUCK})
_HEADINGS = "a heading per code"
_PEEK = 300  # characters of a first item that tell whether a list may hold codes


@dataclass(frozen=True)
class Entry:
    """One code read outside a table, with the element it was read from."""

    element: etree._Element
    code: str
    message: str
    title: str = ""
    status: str = ""
    deprecated: bool = False
    named: bool = False  # a code by its markup alone (``InsufficientFunds`` in a code span)


@dataclass(frozen=True)
class Read:
    """A candidate list, record group or code block and the verdict on it; ``table`` is
    None when it was skipped."""

    path: HeadingPath
    section: str
    table: Table | None
    warnings: list[ParseWarning]
    elements: tuple[etree._Element, ...]
    layout: str  # how the codes were written, for ``extract --explain``
    verdict: Verdict
    lead: str = ""  # the sentence before, part of the evidence


@dataclass
class _ListCandidate:
    path: HeadingPath
    elements: list[etree._Element]
    layout: str
    entries: list[Entry] = field(default_factory=list)
    unread: list[tuple[etree._Element, str]] = field(default_factory=list)
    marked: bool = False
    keys: tuple[str, str] | None = None
    minimum: int = 2  # entries: one paragraph that starts with a number is no list
    refused: str = ""  # why it is no list of codes whatever the evidence


def _judged(found: _ListCandidate, page: str, offset: int, references: int = 0) -> Read:
    section = section_of(found.path)
    first = next((e for e in found.elements if e.tag not in HEADINGS), found.elements[0])
    lead = lead_of(first) if found.layout != _HEADINGS else ""
    context = Context(tuple(text for _, text in found.path), "", lead)
    verdict = (
        Verdict(False, 0, (found.refused,), None)
        if found.refused
        else judge_entries(
            [e.code for e in found.entries],
            [e.message for e in found.entries],
            context,
            unread=len(found.unread),
            marked=found.marked,
            keys=found.keys,
            named=sum(e.named and not columns.code_shaped(e.code) for e in found.entries),
        )
    )
    if verdict.taken and len(found.entries) < found.minimum:
        verdict = Verdict(False, verdict.score, (*verdict.reasons, "only one code"), None)
    if references:
        note = f"+0 {references} code headings only name codes documented elsewhere: not rows"
        verdict = Verdict(verdict.taken, verdict.score, (*verdict.reasons, note), None)
    elements = tuple(found.elements)
    if not verdict.taken:
        return Read(found.path, section, None, [], elements, found.layout, verdict, lead)
    http = all(columns.is_http_like(e.code) for e in found.entries) and any(
        "http" in t.lower() for t in (section, lead, *(found.keys or ()))
    )
    out = Collector(page, f"{found.layout} in {section!r}: ", http)
    for entry in found.entries:
        values = {CODE: entry.code, MESSAGE: entry.message}
        values |= {TITLE: entry.title, HTTP_STATUS: entry.status}
        out.add(line_of(entry.element, offset), values, deprecated=entry.deprecated)
    for element, text in found.unread:
        out.warn(
            line_of(element, offset), f"{_short(text)!r} is not read: no code and message in it"
        )
    titled = any(e.title for e in found.entries)
    status = any(e.status for e in found.entries)
    names = ("code", *(["http_status"] if status else []), *(["title"] if titled else []))
    table = Table(section, (*names, "message"), tuple(out.rows))
    return Read(found.path, section, table, out.warnings, elements, found.layout, verdict, lead)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- items -------------------------------------------------------------------------------


def _own_text(item: etree._Element) -> str:
    """An item's text without the lists nested in it."""
    if next(item.iter(*_LISTS), None) is None:
        return text_of(item)
    parts = [item.text or ""]
    for child in item:
        if isinstance(child.tag, str) and child.tag not in _LISTS:
            parts.append(text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _lead_mark(item: etree._Element) -> etree._Element | None:
    """The markup that opens an item (``<code>``, ``<strong>``, ``<s>``), inside a
    paragraph of a loose list too; None when text comes first."""
    node = item
    for _ in range(3):
        if (node.text or "").strip():
            return None
        first = next((c for c in node if isinstance(c.tag, str)), None)
        if first is None:
            return None
        if first.tag in _MARKS:
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
    mark = _lead_mark(item)
    marked = normalize_text(text_of(mark)) if mark is not None else ""
    mark_struck = mark is not None and _struck_mark(mark)
    return _Lead(mark, marked, struck(item), mark_struck)


def _entry(item: etree._Element, text: str, lead: _Lead | None = None) -> Entry | None:
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
        if label is None or not (
            columns.is_error_word(label.group(1)) or columns.names_codes(label.group(1))
        ):
            return None
        parts = split_code(text[label.end() :])
    if parts is None:
        return None
    code, message = parts
    message = message.lstrip("-–—:：=| ").strip()
    deprecated = lead.struck or (lead.mark_struck and code in lead.marked)
    return Entry(item, code, message, deprecated=deprecated)


def _struck_mark(mark: etree._Element) -> bool:
    return mark.tag in STRUCK or next(mark.iter(*STRUCK), None) is not None


def _items(element: etree._Element) -> list[etree._Element]:
    """The items a block holds: list items, or the paragraph itself."""
    if element.tag in _LISTS:
        return [li for li in element if isinstance(li.tag, str) and li.tag == "li"]
    return [element] if element.tag == "p" else []


def _lines(item: etree._Element) -> Iterator[list[str]]:
    """An item's text cut into lines: where a ``<br>`` breaks it, then also at each newline
    (a Markdown paragraph keeps its source lines)."""
    parts: list[str] = [item.text or ""]
    for child in item:
        if isinstance(child.tag, str) and child.tag == "br":
            parts.append(child.tail or "")
        elif isinstance(child.tag, str) and child.tag in _LISTS:
            parts[-1] += child.tail or ""
        else:
            parts[-1] += text_of(child) + (child.tail or "")
    yield [t for t in (normalize_text(p) for p in parts) if t]
    split = [normalize_text(line) for p in parts for line in p.splitlines()]
    yield [t for t in split if t]


def _navigation(items: Sequence[etree._Element]) -> bool:
    """Every item is a link to a place on the page: a table of contents or "see also"."""
    for item in items:
        links = [a for a in item.iter("a") if (a.get("href") or "").startswith("#")]
        text = "".join(_own_text(item).split())
        if not links or "".join("".join(text_of(a).split()) for a in links) != text:
            return False
    return True


def _peek(items: Sequence[etree._Element]) -> str:
    """The start of a list's first item, which tells whether the list may hold codes."""
    return normalize_text(_own_text(items[0])[:_PEEK]) if items else ""


def _from_items(
    run: list[Block], every: bool = False, peek: str | None = None
) -> _ListCandidate | None:
    """Items (or paragraphs) that start with a code; None when the first does not (but
    for ``every`` list, in a section about errors: each is explained)."""
    items = [item for block in run for item in _items(block.element)]
    if not items:
        return None
    if not every and _entry(items[0], _peek(items) if peek is None else peek) is None:
        return None
    found = _ListCandidate(run[0].path, [b.element for b in run], "items")
    if _navigation(items):
        found.refused = "every item links to a place on the page: a table of contents"
        return found
    marks = 0
    for item in items:
        lead = _lead(item)
        # Cut where a <br> breaks the item, and at each source line: the finer cut wins when
        # every line of it starts with a code (a Markdown paragraph of "CODE: message" lines).
        ways = [(lines, [_entry(item, line, lead) for line in lines]) for lines in _lines(item)]
        lines, entries = next((w for w in reversed(ways) if all(w[1])), ways[0])
        for line, entry in zip(lines, entries, strict=True):
            if entry is None:
                found.unread.append((item, line))
            else:
                found.entries.append(entry)
        marks += lead.mark is not None
    found.marked = marks == len(items)
    return found


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


# --- definitions -------------------------------------------------------------------------


def _from_definitions(block: Block) -> _ListCandidate | None:
    pairs: list[tuple[etree._Element, etree._Element]] = []
    term: etree._Element | None = None
    for child in block.element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "dt":
            term = child
        elif child.tag == "dd" and term is not None:
            pairs.append((term, child))
    if not pairs:
        return None
    found = _ListCandidate(block.path, [block.element], "definitions")
    for dt, dd in pairs:
        parts = split_code(normalize_text(text_of(dt)))
        if parts is None:
            found.unread.append((dt, normalize_text(text_of(dt))))
            continue
        entry = Entry(dt, parts[0], cell_text(dd), parts[1], deprecated=struck(dt))
        found.entries.append(entry)
    return found if found.entries else None


# --- records -----------------------------------------------------------------------------

# A label and its value: ``Code: X2001``, ``'err_code': 30012,``, ``错误码：10001``.
_PAIR = re.compile(
    r"""^[\s"'`]*(?P<key>[^:：=\s"'`][^:：="'`]{0,39}?)[\s"'`]*[:：=]\s*(?P<value>.*)$"""
)
_QUOTED = re.compile(r"""^(["'`])(.*)\1$""")


def _value(text: str) -> str:
    text = text.strip().rstrip(",;").strip()
    quoted = _QUOTED.match(text)
    return quoted.group(2).strip() if quoted else text


def _pairs(element: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """Every ``label: value`` item of a list and of the lists nested in it, in page order
    (without recursion: a page may nest lists thousands deep)."""
    pending: list[Iterator[etree._Element]] = [iter(_items(element))]
    while pending:
        item = next(pending[-1], None)
        if item is None:
            pending.pop()
            continue
        match = _PAIR.match(normalize_text(_own_text(item)))
        if match is not None and len(match["key"].split()) <= 4:
            yield item, match["key"].strip(), _value(match["value"])
        else:
            yield item, "", ""
        nested = [c for c in item if isinstance(c.tag, str) and c.tag in _LISTS]
        pending.extend(iter(_items(c)) for c in reversed(nested))


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
        while ancestor is not None and ancestor is not item and ancestor.tag not in _LISTS:
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


def _from_records(block: Block, peek: str) -> _ListCandidate | None:
    if _PAIR.match(peek) is None:
        return None  # records start with a label
    records = _records(block.element)
    if not records:
        return None
    found = _ListCandidate(block.path, [block.element], "records")
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


def _merged(groups: list[_ListCandidate]) -> Iterator[_ListCandidate]:
    """Record lists in a row with one section (a record per heading) are one candidate."""
    pending: _ListCandidate | None = None
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


# --- code blocks -------------------------------------------------------------------------

_JSON_KEY = re.compile(r'\{\s*"([^"\\]{1,80})"\s*:')
_COMMENT = re.compile(r"^(?:#|//|/\*|\*|--|<!--|[{}\[\]();,]+$)")
_OPEN_QUOTE = re.compile(r"""^(["'`])([^"'`]{1,80})\1\s*""")


def _code_lines(text: str) -> tuple[list[tuple[str, str]], list[str]] | None:
    """``CODE message`` lines, ``CODE: message``, ``"CODE": "message",`` and a JSON object
    of codes; the lines that start with no code. None when the first line holds no code."""
    stripped = text.strip()
    opening = _JSON_KEY.match(stripped)
    if opening is not None:
        if not columns.code_shaped(opening.group(1)):
            return None  # a reply or a request, not codes
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            pairs = [(str(k).strip(), _json_message(v)) for k, v in data.items()]
            found = [(k, normalize_text(v)) for k, v in pairs if v is not None]
            return found, [k for k, v in pairs if v is None]
    entries: list[tuple[str, str]] = []
    unread: list[str] = []
    for raw in _line_iter(stripped):
        line = raw.strip().rstrip(",;").strip()
        if not line or _COMMENT.match(line) or line.endswith(("{", "[", "(")):
            continue
        if line[0] in "\"'`":
            line = _OPEN_QUOTE.sub(lambda m: m.group(2) + " ", line, count=1)
        # A code starts with a digit, a minus or a capital: "curl …", "import …" do not.
        starts = line[0].isdigit() or line[0] == "-" or line[0].isupper()
        parts = split_code(normalize_text(line)) if starts else None
        if parts is None:
            if not entries and not unread:
                return None
            unread.append(line)
            continue
        code, message = parts
        entries.append((code, _value(message.lstrip("-–—:：=| "))))
    return entries, unread


def _json_message(value: object) -> str | None:
    """A JSON value as a message: a string, or the message of an object
    (``{"msg": "…", "status": 400}``); None otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        said = [v for k, v in value.items() if isinstance(v, str) and columns.role_of(k) == MESSAGE]
        return said[0] if said else None
    return None


def _line_iter(text: str) -> Iterator[str]:
    """The lines of a text, one at a time (a long block is left as soon as it fails)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def _from_code_block(block: Block, every: bool = False) -> _ListCandidate | None:
    """A code block of codes; None when its first line holds no code (but for ``every``
    block, in a section about errors: each is explained)."""
    read = _code_lines(text_of(block.element))  # left at its first line when that fails
    element = block.element
    found = _ListCandidate(block.path, [element], "code block")
    if read is None or not read[0]:
        found.refused = "its first line holds no code: a sample (a request, a reply, code)"
        return found if every else None
    found.entries = [Entry(element, code, message) for code, message in read[0]]
    found.unread = [(element, line) for line in read[1]]
    return found


# --- headings ----------------------------------------------------------------------------


def _from_headings(walked: Sequence[Block]) -> Iterator[_ListCandidate]:
    """A heading per code, its messages in the blocks after it; the code headings of one
    section are one candidate. A heading with no message of its own is a row of its name."""
    found: _ListCandidate | None = None
    heading: Entry | None = None
    said = False  # the heading has a message of its own

    def unsaid() -> list[Entry]:
        return [heading] if heading is not None and not said else []

    for block in walked:
        element = block.element
        if block.code:
            if found is not None:
                found.entries += unsaid()
                if found.path != block.path:
                    yield found
                    found = None
            if found is None:
                found = _ListCandidate(block.path, [], _HEADINGS, marked=True, minimum=1)
            text = heading_text(element)
            code, name = split_code(text) or (text, "")
            heading, said = Entry(element, code, name, deprecated=struck(element)), False
            found.elements.append(element)
        elif element.tag in HEADINGS:
            if found is not None:
                found.entries += unsaid()
                yield found
            found, heading = None, None
        elif found is not None and heading is not None and block.owner is heading.element:
            found.elements.append(element)
            for item in _items(element):
                own = _own_code(item, heading.code)
                if own is not None:  # <s>2004</s>: … under heading 2003: code 2004
                    found.entries.append(own)
                    continue
                message = cell_text(item)
                if not message:  # an anchor or an image between the headings
                    continue
                deprecated = heading.deprecated or struck(item)
                found.entries.append(
                    Entry(item, heading.code, message, heading.message, "", deprecated)
                )
                said = True
    if found is not None:
        found.entries += unsaid()
        yield found


def _own_code(item: etree._Element, heading: str) -> Entry | None:
    """A paragraph under a code heading that starts with another code set apart
    (``<s>2004</s>: …``): a row of its own."""
    mark = _lead_mark(item)
    if mark is None:
        return None
    entry = _entry(item, normalize_text(text_of(item)))
    if entry is None or entry.code == heading or entry.code != normalize_text(text_of(mark)):
        return None
    return entry


def _references(found: _ListCandidate, documented: set[str]) -> int:
    """Drop the code headings with no message of their own whose code has messages
    elsewhere on the page: references (a table of contents, "see also"), not rows."""
    kept = [e for e in found.entries if not (e.element.tag in HEADINGS and e.code in documented)]
    dropped = len(found.entries) - len(kept)
    found.entries = kept
    return dropped


def read_all(
    walked: Sequence[Block], page: str, offset: int, in_tables: Iterable[str] = ()
) -> list[Read]:
    """Every candidate list, record group, code block and code heading of the page, judged;
    the taken ones with their table. ``in_tables``: codes the page's tables document."""
    candidates: list[_ListCandidate] = list(_from_headings(walked))
    records: list[_ListCandidate] = []
    for block in walked:
        element = block.element
        tag = element.tag
        if block.owner is not None or block.code or tag not in ("dl", "pre", *_LISTS):
            continue
        found: _ListCandidate | None
        if tag == "dl":
            found = _from_definitions(block)
        elif tag == "pre":
            found = _from_code_block(block, in_error_section(block.path))
        else:
            peek = _peek(_items(element))
            record = _from_records(block, peek)
            if record is not None:
                records.append(record)
                continue
            found = _from_items([block], in_error_section(block.path), peek)
        if found is not None:
            candidates.append(found)
    candidates += _merged(records)
    for run in _paragraph_runs(walked):
        found = _from_items(run)
        if found is not None:
            candidates.append(found)
    documented = set(in_tables)
    for found in candidates:
        documented.update(e.code for e in found.entries if e.element.tag not in HEADINGS)
    reads = []
    for found in candidates:
        dropped = _references(found, documented) if found.layout == _HEADINGS else 0
        reads.append(_judged(found, page, offset, dropped))
    return reads
