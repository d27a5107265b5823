"""The page walked once, in page order: every heading, table, list and paragraph with the
headings above it. Extraction (tables and codes outside tables) and the capture read it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from . import columns
from .normalize import normalize_text, text_of
from .rows import LINE_MARK, LXML_LAST_LINE, split_code

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
BLOCKS = ("table", "dl", "ul", "ol", "p", "pre")
_HEADING_SET = frozenset(HEADINGS)
_BLOCK_SET = frozenset(BLOCKS)
# Anchor marks around a heading's text, and a heading id written after it: {#id}, {: #id}.
_ANCHORS = re.compile(r"^(?:[#¶§]\s+)+|(?:\s*[#¶§])+$|\s*\{:?\s*[#.][^{}]*\}$")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_MAX_HEADING = 100
_LEAD_TAGS = frozenset({"p", "ul", "ol", "div", "blockquote", "strong", "b", "em", "span"})
_MAX_LEAD = 300

HeadingPath = tuple[tuple[int, str], ...]  # the headings above a block: (level, text)


def parse_html(markup: str | bytes) -> etree._Element:
    """Parse a document or a fragment; comments are kept (they mark React placeholders)."""
    if isinstance(markup, str):
        markup = _mark_big_lines(_XML_DECL.sub("", markup, count=1))
        # libxml2 reads UTF-8 bytes faster than a Python string.
        markup = markup.encode("utf-8", "replace")
    # Plain elements: lxml.html's element classes cost a Python call per element touched.
    parser = etree.HTMLParser(huge_tree=True, remove_comments=False, encoding="utf-8")
    try:
        root = etree.fromstring(markup, parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:  # nothing but white space or comments
        return etree.fromstring(b"<div></div>", parser=parser)
    return root


_ROW_START = re.compile(r"^[ \t]*(?=<(?:tr|li|dt|dd|p|h[1-6]|table)[\s>])", re.M | re.I)


def _mark_big_lines(markup: str) -> str:
    """Past libxml2's last line number, a comment naming the line before each row-like
    element that starts a line (warnings then name the right line; see rows.line_of)."""
    if markup.count("\n") < LXML_LAST_LINE - 1:
        return markup  # a page that libxml2 numbers right
    first = 0
    for _ in range(LXML_LAST_LINE - 2):
        first = markup.find("\n", first) + 1
    out = [markup[:first]]
    line, position = LXML_LAST_LINE - 1, first
    for found in _ROW_START.finditer(markup, first):
        line += markup.count("\n", position, found.start())
        out.append(markup[position : found.end()])
        out.append(f"<!--{LINE_MARK}{line}-->")
        position = found.end()
    out.append(markup[position:])
    return "".join(out)


@lru_cache(maxsize=1024)
def page_words(name: str) -> str:
    """The words of a page's own name: ``docs/error-codes.md`` -> ``error codes``."""
    last = name.replace("\\", "/").split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    stem = last.rsplit(".", 1)[0] if "." in last else last
    return " ".join(re.split(r"[-_.\s]+", stem)).strip()


def in_error_section(path: HeadingPath) -> bool:
    return any(columns.is_error_word(text) for _, text in path)


def code_heading(text: str) -> bool:
    """A heading that is a code, with an optional name: ``-1013 INVALID_MESSAGE``,
    ``E2001``, ``ORDER_QTY_TOO_LOW``."""
    if len(text) > _MAX_HEADING:
        return False
    split = split_code(text)
    return split is not None and (not split[1] or len(split[1].split()) <= 8)


_STATUS_IN = re.compile(r"(?:^|\s)([45][0-9][0-9])\s*[-–—:：]\s*(\S.*?)\s*[?？]?$")


def status_in(text: str) -> tuple[str, str] | None:
    """An HTTP error status and its name inside a heading that names an error: ``Why do I
    receive 502 - Not enough balance error ?`` -> ("502", "Not enough balance error")."""
    if len(text) > _MAX_HEADING or not columns.is_error_word(text):
        return None
    found = _STATUS_IN.search(text)
    return None if found is None else (found.group(1), found.group(2))


def status_heading(text: str) -> bool:
    """A heading that is an HTTP error status, wherever it stands: ``401 Unauthorized -
    Invalid Signature`` (4xx and 5xx are errors by definition), or one inside a heading that
    names an error (``Why do I receive 401 - Unauthorized error ?``)."""
    if len(text) > _MAX_HEADING:
        return False
    split = split_code(text)
    if split is not None and columns.is_error_status(split[0]) and split[1]:
        return True
    return status_in(text) is not None


def heading_text(element: etree._Element) -> str:
    return _ANCHORS.sub("", normalize_text(text_of(element))).strip()


def lead_of(element: etree._Element) -> str:
    """The text of the block just before an element (its introduction), if short."""
    node: etree._Element | None = element
    for _ in range(3):
        assert node is not None
        before = node.getprevious()
        while before is not None and not isinstance(before.tag, str):
            before = before.getprevious()
        if before is not None:
            if before.tag not in _LEAD_TAGS:
                return ""
            text = normalize_text(text_of(before))
            return text if len(text) <= _MAX_LEAD else ""
        node = node.getparent()
        if node is None:
            return ""
    return ""


@dataclass(frozen=True)
class Block:
    """A table, list, paragraph or heading, in page order, with the headings above it."""

    path: HeadingPath
    element: etree._Element
    owner: etree._Element | None = None  # the code heading this block belongs to
    code: bool = False  # a heading that is a code


_CONTAINERS = frozenset({"table", "li", "dd", "dt", "p", "dl"})
_LIST_TAGS = frozenset({"ul", "ol"})


def walk(root: etree._Element, named_errors: bool = False) -> Iterator[Block]:
    """Every heading and every top-level table, list and paragraph, in page order.

    A heading that is itself a code (``-1013 INVALID_MESSAGE``) in an error section does not
    open a section: the blocks after it belong to it until the next heading. A block inside a
    table, list item or paragraph is part of that block, and a list inside a list is part of
    it: the open containers are counted on the way in and out, so no block looks at its
    ancestors (a page of deeply nested elements costs in proportion to its size).
    ``named_errors``: the page's own name names errors (``error-codes.md``); the blocks
    before its first heading are then in an error section."""
    stack: list[tuple[int, str]] = []
    path: HeadingPath = ()
    errors = named_errors  # the path names errors
    owner: etree._Element | None = None
    containers = lists = 0  # open ancestors: tables, items, paragraphs; lists
    tags = (*HEADINGS, *BLOCKS, "li", "dd", "dt")
    for event, element in etree.iterwalk(root, events=("start", "end"), tag=tags):
        tag = element.tag
        if event == "end":
            containers -= tag in _CONTAINERS
            lists -= tag in _LIST_TAGS
            continue
        nested = containers > 0 or (lists > 0 and tag in _LIST_TAGS)
        containers += tag in _CONTAINERS
        lists += tag in _LIST_TAGS
        if tag in _HEADING_SET:
            level = int(tag[1])
            while stack and stack[-1][0] >= level:
                stack.pop()
            text = heading_text(element)
            path = tuple(stack)
            if (in_error_section(path) and code_heading(text)) or status_heading(text):
                owner = element
                errors = True
                yield Block(path, element, code=True)
                continue
            owner = None
            yield Block(path, element)
            stack.append((level, text))
            path = tuple(stack)
            errors = in_error_section(path)
            continue
        if tag not in _BLOCK_SET or nested:
            continue
        # Paragraphs matter only where codes outside tables may be; a list or a code block
        # may be introduced by the sentence before it.
        if (tag == "p" or tag == "dl") and owner is None and not errors:
            continue
        yield Block(path, element, owner)
