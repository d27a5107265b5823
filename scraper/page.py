"""Read a page in any of the shapes it arrives in.

- raw HTML, a fragment or a whole document;
- the crawler's ``.json`` (keys ``html``, ``text``, ``url``, ``title``);
- the crawler's ``.md``: visible text, then the raw HTML in a fenced ``html`` block;
- plain text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .extract import Extraction, extract_html, extract_text

_HTML_BLOCK = re.compile(r"^```html[ \t]*\r?\n(.*?)\r?\n```[ \t]*\r?$", re.S | re.M)
_MD_URL = re.compile(r"^\*\*URL:\*\*\s*(\S+)", re.M)
_MD_TITLE = re.compile(r"\A#\s+(.+)$", re.M)
_LOOKS_HTML = re.compile(r"\A\s*(?:<!doctype|<html|<body|<div|<table|<h[1-6]|<!--|<p[ >])", re.I)


class PageError(Exception):
    """A page that cannot be read at all (not one that merely has no table)."""


@dataclass(frozen=True)
class Page:
    name: str  # the path or URL it was read from, used in warnings
    html: str | None = None
    text: str | None = None
    url: str | None = None  # the page's own URL when the file records it
    title: str | None = None
    html_line: int = 0  # lines in the file before the HTML starts

    def extract(self) -> Extraction:
        if self.html is not None and self.html.strip():
            return extract_html(self.html, self.name, self.html_line)
        return extract_text(self.text or "", self.name)


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: the charset the server declared, else UTF-8, else the page's own meta
    tag, else what a detector finds (the old Chinese site served GBK)."""
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Imported here: only pages that are not UTF-8 need them.
    import charset_normalizer
    from bs4.dammit import EncodingDetector

    meta = EncodingDetector.find_declared_encoding(data, is_html=True)
    if meta:
        try:
            return data.decode(meta)
        except (LookupError, UnicodeDecodeError):
            pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise PageError("cannot tell the page's character encoding; declare a charset")
    return str(best)


def from_text(name: str, content: str) -> Page:
    """Recognize the shape of a page's content."""
    head = content[:4096].lstrip("\ufeff \t\r\n")
    if name.endswith(".json") or head.startswith("{"):
        try:
            data = json.loads(content.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            if name.endswith(".json"):
                raise PageError(
                    f"{name}: not JSON ({exc}); give the crawler's .json as saved"
                ) from exc
        else:
            if not isinstance(data, dict) or not ({"html", "text"} & data.keys()):
                raise PageError(f"{name}: a crawler .json needs an 'html' or 'text' key")
            return Page(
                name,
                html=_str_or_none(data.get("html")),
                text=_str_or_none(data.get("text")),
                url=_str_or_none(data.get("url")),
                title=_str_or_none(data.get("title")),
            )
    block = _HTML_BLOCK.search(content) if "```html" in content else None
    if block is not None:
        url = _MD_URL.search(content)
        title = _MD_TITLE.search(content)
        return Page(
            name,
            html=block.group(1),
            text=content[: block.start()],
            url=url.group(1) if url else None,
            title=title.group(1).strip() if title else None,
            html_line=content.count("\n", 0, block.start(1)),
        )
    if _LOOKS_HTML.match(head):
        return Page(name, html=content)
    return Page(name, text=content)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def read(path: Path) -> Page:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PageError(f"cannot read {path}: {exc.strerror}") from exc
    return from_text(str(path), decode(data))
