"""A heading per code, its messages in the lists and paragraphs after it, one table per
section; code headings that only name codes documented elsewhere are references."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from lxml import etree

from ..normalize import cell_text, normalize_text, text_of
from ..rows import split_code, struck
from ..walk import HEADINGS, Block, heading_text, status_in
from .common import HEADING_LAYOUT, Candidate, Entry
from .items import lead_mark, list_items, read_entry


def from_headings(walked: Sequence[Block]) -> Iterator[Candidate]:
    """A heading per code, its messages in the blocks after it; the code headings of one
    section are one candidate. A heading with no message of its own is a row of its name."""
    found: Candidate | None = None
    heading: Entry | None = None
    said = False  # the heading has a message of its own
    parts: dict[int, list[str]] = {}  # entry -> the paragraphs that make its message

    def unsaid() -> list[Entry]:
        return [heading] if heading is not None and not said else []

    def done(candidate: Candidate) -> Candidate:
        for k, pieces in parts.items():
            e = candidate.entries[k]
            candidate.entries[k] = Entry(
                e.element, e.code, " ".join(pieces), e.title, e.status, e.deprecated
            )
        parts.clear()
        return candidate

    for block in walked:
        element = block.element
        if block.code:
            if found is not None:
                found.entries += unsaid()
                if found.path != block.path:
                    yield done(found)
                    found = None
            if found is None:
                found = Candidate(block.path, [], HEADING_LAYOUT, marked=True, minimum=1)
            text = heading_text(element)
            code, name = split_code(text) or status_in(text) or (text, "")
            heading, said = Entry(element, code, name, deprecated=struck(element)), False
            found.elements.append(element)
        elif element.tag in HEADINGS:
            if found is not None:
                found.entries += unsaid()
                yield done(found)
            found, heading = None, None
        elif found is not None and heading is not None and block.owner is heading.element:
            found.elements.append(element)
            for item in list_items(element):
                own = _own_code(item, heading.code)
                if own is not None:  # <s>2004</s>: … under heading 2003: code 2004
                    found.entries.append(own)
                    continue
                message = cell_text(item)
                if not message:  # an anchor or an image between the headings
                    continue
                deprecated = heading.deprecated or struck(item)
                last = len(found.entries) - 1
                if (
                    item.tag == "p"
                    and said
                    and found.entries[last].element.tag == "p"
                    and found.entries[last].code == heading.code
                ):
                    # Paragraphs after one heading are one explanation (joined once, when
                    # the candidate is done); list items are a row each.
                    parts.setdefault(last, [found.entries[last].message]).append(message)
                    continue
                found.entries.append(
                    Entry(item, heading.code, message, heading.message, "", deprecated)
                )
                said = True
    if found is not None:
        found.entries += unsaid()
        yield done(found)


def _own_code(item: etree._Element, heading: str) -> Entry | None:
    """A paragraph under a code heading that starts with another code set apart
    (``<s>2004</s>: …``): a row of its own."""
    mark = lead_mark(item)
    if mark is None:
        return None
    entry = read_entry(item, normalize_text(text_of(item)))
    if entry is None or entry.code == heading or entry.code != normalize_text(text_of(mark)):
        return None
    return entry


def drop_references(found: Candidate, documented: set[str]) -> int:
    """Drop the code headings with no message of their own whose code has messages
    elsewhere on the page: references (a table of contents, "see also"), not rows."""
    kept = [e for e in found.entries if not (e.element.tag in HEADINGS and e.code in documented)]
    dropped = len(found.entries) - len(kept)
    found.entries = kept
    return dropped
