"""Reduce a fetched page to what extraction reads, serialized so that diffs show real change.

An HTML capture keeps every error-code table (and every list or heading that extraction read
codes from) with the headings above it and the sentence that introduces it, one row per line,
with no attributes beyond ``colspan``/``rowspan``; parameter tables, scripts, styles, images
and navigation are gone. Extracting the capture gives what extracting the page gave.
Comments inside cells stay: they mark the React placeholders that normalization restores.
A plain-text page is kept whole, with LF line endings.
"""

from __future__ import annotations

import html as htmllib

from lxml import etree, html

from .extract import extract_html
from .normalize import remove_keeping_tail
from .page import Page
from .rows import LINE_MARK

HEADER = "<!-- errtables capture of {url}: headings and error-code tables only. -->\n"
_KEEP_ATTRIBUTES = ("colspan", "rowspan")
_DROP = ("script", "style", "img", "svg", "picture", "video", "audio", "iframe", "noscript")


_LINE_ENDS = ("table", "thead", "tbody", "tfoot", "tr", "ul", "ol", "li", "dl", "dt", "dd")


def _clean(original: html.HtmlElement) -> str:
    copy = html.fromstring(etree.tostring(original, encoding="unicode", with_tail=False))
    for element in list(copy.iter()):
        if isinstance(element, etree._Comment) and (element.text or "").startswith(LINE_MARK):
            remove_keeping_tail(element)
            continue
        if not isinstance(element, html.HtmlElement):
            continue
        if element.tag in _DROP:
            element.drop_tree()
            continue
        for name in list(element.attrib):
            if name not in _KEEP_ATTRIBUTES:
                del element.attrib[name]
        if element.tag in _LINE_ENDS:
            element.tail = "\n"
            if element.tag in ("table", "thead", "tbody", "tfoot", "ul", "ol", "dl"):
                element.text = "\n"
        if element.tag in ("td", "th"):
            element.tail = None
    copy.tail = None
    return etree.tostring(copy, encoding="unicode", method="html").rstrip("\n")


def reduce_html(markup: str, url: str) -> str:
    """The capture text of an HTML page."""
    out = [HEADER.format(url=_comment_safe(url))]
    emitted: tuple[tuple[int, str], ...] = ()
    for found in extract_html(markup, url).found:
        path = found.path
        common = 0
        while common < min(len(path), len(emitted)) and path[common] == emitted[common]:
            common += 1
        for level, text in path[common:]:
            out.append(f"<h{level}>{htmllib.escape(text, quote=False)}</h{level}>\n")
        emitted = path
        if found.lead:
            out.append(f"<p>{htmllib.escape(found.lead, quote=False)}</p>\n")
        out.extend(_clean(element) + "\n" for element in found.elements)
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
