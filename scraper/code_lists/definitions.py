"""A definition list: ``<dt>CODE</dt><dd>message</dd>``."""

from __future__ import annotations

from lxml import etree

from ..normalize import cell_text, normalize_text, text_of
from ..rows import split_code, struck
from ..walk import Block
from .common import Candidate, Entry


def from_definitions(block: Block) -> Candidate | None:
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
    found = Candidate(block.path, [block.element], "definitions")
    for dt, dd in pairs:
        parts = split_code(normalize_text(text_of(dt)))
        if parts is None:
            found.unread.append((dt, normalize_text(text_of(dt))))
            continue
        entry = Entry(dt, parts[0], cell_text(dd), parts[1], deprecated=struck(dt))
        found.entries.append(entry)
    return found if found.entries else None
