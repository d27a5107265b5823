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

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from .. import columns
from ..verdict import THRESHOLD
from ..walk import HEADINGS, Block, in_error_section
from .code_blocks import from_code_block
from .common import HEADING_LAYOUT, LISTS, Candidate, Entry, Read, judged
from .definitions import from_definitions
from .headings import drop_references, from_headings
from .items import from_items, list_items, paragraph_runs, peek_first
from .records import from_records, merged

__all__ = ["Entry", "Read", "read_all"]


def read_all(
    walked: Sequence[Block], page: str, offset: int, in_tables: Iterable[str] = ()
) -> list[Read]:
    """Every candidate list, record group, code block and code heading of the page, judged;
    the taken ones with their table. ``in_tables``: codes the page's tables document."""
    candidates: list[Candidate] = list(from_headings(walked))
    records: list[Candidate] = []
    for block in walked:
        element = block.element
        tag = element.tag
        if block.owner is not None or block.code or tag not in ("dl", "pre", *LISTS):
            continue
        found: Candidate | None
        if tag == "dl":
            found = from_definitions(block)
        elif tag == "pre":
            found = from_code_block(block, in_error_section(block.path))
        else:
            peek = peek_first(list_items(element))
            record = from_records(block, peek)
            if record is not None:
                records.append(record)
                continue
            found = from_items([block], in_error_section(block.path), peek)
        if found is not None:
            candidates.append(found)
    candidates += merged(records)
    for run in paragraph_runs(walked):
        found = from_items(run)
        if found is not None:
            candidates.append(found)
    documented = set(in_tables)
    for found in candidates:
        documented.update(e.code for e in found.entries if e.element.tag not in HEADINGS)
    reads = []
    dropped = []
    for found in candidates:
        dropped.append(drop_references(found, documented) if found.layout == HEADING_LAYOUT else 0)
        reads.append(judged(found, page, offset, dropped[-1]))
    # One code alone under its heading is a list when its sibling sections hold lists of
    # the same layout ("Throttling errors: 0801, 0802", then "Unsupported method: 0901").
    # So is one code under each of several sections of the same error heading ("Errors"
    # under every endpoint).
    taken = {(r.path[:-1], r.layout) for r in reads if r.table is not None and r.path}
    single = [
        k
        for k, found in enumerate(candidates)
        if reads[k].table is None
        and 0 < len(found.entries) < found.minimum
        and reads[k].verdict.score >= THRESHOLD
        and found.path
    ]
    repeated = Counter((candidates[k].path[-1][1], candidates[k].layout) for k in single)
    for k in single:
        found = candidates[k]
        heading = found.path[-1][1]
        if (found.path[:-1], found.layout) in taken or (
            repeated[heading, found.layout] > 1 and columns.is_error_word(heading)
        ):
            alone = replace(found, minimum=1)
            reads[k] = judged(alone, page, offset, dropped[k], sibling=True)
    return reads
