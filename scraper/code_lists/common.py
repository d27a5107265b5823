"""What every reader of codes outside tables shares: the entries read, the candidate
they make, and the verdict that turns a candidate into a table."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .. import columns
from ..columns import CODE, HTTP_STATUS, MESSAGE, TITLE
from ..model import ParseWarning, Table
from ..rows import STRUCK, Collector, line_of, section_of
from ..verdict import Context, Verdict, judge_entries
from ..walk import HEADINGS, HeadingPath, lead_of, page_words

LISTS = ("ul", "ol")
# Markup that sets a code apart at the start of an item.
MARKS = frozenset({"code", "strong", "b", "kbd", "em", "tt", "samp", *STRUCK})
HEADING_LAYOUT = "a heading per code"
PEEK = 300  # characters of a first item that tell whether a list may hold codes


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
class Candidate:
    path: HeadingPath
    elements: list[etree._Element]
    layout: str
    entries: list[Entry] = field(default_factory=list)
    unread: list[tuple[etree._Element, str]] = field(default_factory=list)
    marked: bool = False
    keys: tuple[str, str] | None = None
    minimum: int = 2  # entries: one paragraph that starts with a number is no list
    refused: str = ""  # why it is no list of codes whatever the evidence


def judged(
    found: Candidate, page: str, offset: int, references: int = 0, sibling: bool = False
) -> Read:
    section = section_of(found.path)
    first = next((e for e in found.elements if e.tag not in HEADINGS), found.elements[0])
    lead = lead_of(first) if found.layout != HEADING_LAYOUT else ""
    context = Context(tuple(text for _, text in found.path), "", lead, page_words(page))
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
            pairs=found.layout == HEADING_LAYOUT,
        )
    )
    alone = len(found.entries) < found.minimum
    # "Error codes:" and a list of one, its code set apart: the sentence says what it is.
    introduced = (
        alone
        and found.marked
        and found.elements[0].tag in LISTS
        and columns.is_error_word(lead)
        and columns.names_codes(lead)
    )
    if verdict.taken and alone and not introduced:
        verdict = Verdict(False, verdict.score, (*verdict.reasons, "only one code"), None)
    elif introduced:
        note = "+0 one code, in a list the sentence before calls error codes"
        verdict = Verdict(verdict.taken, verdict.score, (*verdict.reasons, note), None)
    elif sibling:
        note = "+0 one code, beside sections that list codes the same way"
        verdict = Verdict(verdict.taken, verdict.score, (*verdict.reasons, note), None)
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
