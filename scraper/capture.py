"""Reduce a fetched page to what extraction reads, serialized so that diffs show real change.

An HTML capture keeps every error-code table with the headings above it, one row per line,
with no attributes beyond ``colspan``/``rowspan``; parameter tables, scripts, styles, images
and navigation are gone.
Comments inside cells stay: they mark the React placeholders that normalization restores.
A plain-text page is kept whole, with LF line endings.
"""

from __future__ import annotations

import html as htmllib

from lxml import etree, html

from .extract import parse_html, table_header, walk
from .page import Page

HEADER = "<!-- errtables capture of {url}: headings and error-code tables only. -->\n"
_KEEP_ATTRIBUTES = ("colspan", "rowspan")
_DROP = ("script", "style", "img", "svg", "picture", "video", "audio", "iframe", "noscript")


def _clean_table(table: html.HtmlElement) -> str:
    table = html.fromstring(etree.tostring(table, encoding="unicode"))  # a detached copy
    for element in list(table.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in _DROP:
            element.drop_tree()
            continue
        for name in list(element.attrib):
            if name not in _KEEP_ATTRIBUTES:
                del element.attrib[name]
        if element.tag in ("table", "thead", "tbody", "tfoot", "tr"):
            element.tail = "\n"
            if element.tag != "tr":
                element.text = "\n"
        if element.tag in ("td", "th"):
            element.tail = None
    return etree.tostring(table, encoding="unicode", method="html").rstrip("\n")


def reduce_html(markup: str, url: str) -> str:
    """The capture text of an HTML page."""
    root = parse_html(markup)
    out = [HEADER.format(url=_comment_safe(url))]
    emitted: list[tuple[int, str]] = []
    for path, table in walk(root):
        if table_header(table) is None:
            continue  # not an error-code table: extraction never reads it
        common = 0
        while common < min(len(path), len(emitted)) and path[common] == emitted[common]:
            common += 1
        for level, text in path[common:]:
            out.append(f"<h{level}>{htmllib.escape(text, quote=False)}</h{level}>\n")
        emitted = path
        out.append(_clean_table(table) + "\n")
    return "".join(out)


def _comment_safe(text: str) -> str:
    return text.replace("--", "%2D%2D").replace(">", "%3E")


def reduce_text(text: str) -> str:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n") + "\n"


def reduce_page(page: Page, url: str) -> tuple[str, str]:
    """(suffix, capture text) for a page: ``.html`` when it has HTML, else ``.txt``."""
    if page.html is not None and page.html.strip():
        return ".html", reduce_html(page.html, url)
    return ".txt", reduce_text(page.text or "")
