"""Repair what the docs site's renderer did to the messages.

The site is React/MDX. A docs placeholder ``{0}`` is an MDX expression, rendered as the bare
number between React's text separators (``to <!-- -->0<!-- --> channels``), and as a lone ``0``
line in the page's visible text. An angle-bracket token such as ``<op>`` arrives escaped
(``&lt;op&gt;``) or as an unknown, usually empty, element the HTML parser made. Both are
restored to ``{N}`` / ``{op}``. Other docs tools write ``{{name}}`` (Go templates
``{{.name}}``), restored to ``{name}``; invisible layout characters go. Nothing else in a
message changes.
"""

from __future__ import annotations

import copy
import re

from lxml import etree, html

KNOWN_TAGS: frozenset[str] = frozenset(html.defs.tags)

_ESCAPED_TOKEN = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>")
_DIGITS = re.compile(r"[0-9]+")
_TOKEN_NAME = re.compile(r"[a-z_][a-z0-9_]*")
# Elements that separate words when a cell is flattened to text.
_BREAKS = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "td", "th"})


def _token(match: re.Match[str]) -> str:
    name = match.group(1)
    return match.group(0) if name.lower() in KNOWN_TAGS else "{" + name + "}"


# Layout artifacts, not text: zero-width spaces, word joiners and BOMs anywhere; zero-width
# (non-)joiners where they join no word. Bidi controls are text and are kept (renderers escape
# them). No-break spaces are white space to ``str.split``.
_INVISIBLE = re.compile(r"[\u200b\u2060\ufeff]|(?<!\S)[\u200c\u200d]|[\u200c\u200d](?!\S)")
_SPECIAL = re.compile(r"[<{\u200b\u2060\ufeff\u200c\u200d]")
_DOUBLE_BRACES = re.compile(r"\{\{\s*\.?([A-Za-z0-9_]+)\s*\}\}")  # {{name}}, Go's {{.name}}


def normalize_text(text: str) -> str:
    """Restore escaped ``<name>`` tokens and ``{{name}}`` placeholders, drop invisible layout
    characters and collapse whitespace. Idempotent."""
    if not _SPECIAL.search(text):  # the common case: white space only
        return " ".join(text.split())
    text = _ESCAPED_TOKEN.sub(_token, _INVISIBLE.sub("", text))
    return " ".join(_DOUBLE_BRACES.sub(r"{\1}", text).split())


def _is_separator(node: object) -> bool:
    return isinstance(node, etree._Comment) and not (node.text or "").strip()


def repair_cell(cell: etree._Element) -> None:
    """Rewrite React and parser artifacts inside one table cell, in place."""
    for comment in list(cell.iter(etree.Comment)):
        tail = comment.tail
        if not (_is_separator(comment) and tail and _DIGITS.fullmatch(tail)):
            continue
        following = comment.getnext()
        at_end = following is None and comment.getparent() is cell
        if at_end or _is_separator(following):
            comment.tail = "{" + tail + "}"
    for element in list(cell.iter()):
        tag = element.tag
        if not isinstance(tag, str) or element is cell:
            continue
        if tag in _BREAKS:
            element.tail = " " + (element.tail or "")
            element.text = " " + (element.text or "")
        elif tag not in KNOWN_TAGS and _TOKEN_NAME.fullmatch(tag):
            # <op> parsed as an element: it may have swallowed the text after it.
            element.text = "{" + tag + "}" + (element.text or "")
            _drop_tag(element)


def _drop_tag(element: etree._Element) -> None:
    """Remove an element, keeping its text, children and tail in its place."""
    parent = element.getparent()
    if parent is None:
        return
    _append_before(element, element.text or "")
    at = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(at + offset, child)
    remove_keeping_tail(element)


def remove_keeping_tail(node: etree._Element) -> None:
    """Remove an element and what it holds; the text after it stays in its place."""
    parent = node.getparent()
    if parent is not None:
        _append_before(node, node.tail or "")
        parent.remove(node)


def _append_before(node: etree._Element, text: str) -> None:
    """Add text right before an element: to its previous sibling's tail, or its parent's text."""
    before = node.getprevious()
    parent = node.getparent()
    if before is not None:
        before.tail = (before.tail or "") + text
    elif parent is not None:
        parent.text = (parent.text or "") + text


def text_of(element: etree._Element) -> str:
    """An element's text, as ``text_content()`` gives it (at twice its speed)."""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def cell_text(cell: etree._Element) -> str:
    """The normalized text of one table cell, repaired (on a copy: the page is not changed)."""
    if len(cell) == 0:  # text only: nothing to repair
        return normalize_text(cell.text or "")
    cell = copy.deepcopy(cell)
    cell.tail = None
    repair_cell(cell)
    return normalize_text(text_of(cell))


def is_lone_placeholder(line: str) -> bool:
    """A digits-only line: in visible text, where React's placeholder number lands."""
    return _DIGITS.fullmatch(line) is not None


_CLOSING = frozenset(".,;:!?)]}、。，；：！？）」』%")
_OPENING = frozenset("([{（「『")


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3000 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF


def join_lines(parts: list[str]) -> str:
    """Join a message broken over visible-text lines, spacing as the rendered page did."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not (
            part[0] in _CLOSING or out[-1] in _OPENING or (_is_cjk(out[-1]) and _is_cjk(part[0]))
        ):
            out += " "
        out += part
    return normalize_text(out)
