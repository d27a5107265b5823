"""Read a page in any of the shapes it arrives in.

- raw HTML, a fragment or a whole document;
- the crawler's ``.json`` (keys ``html``, ``text``, ``url``, ``title``);
- the crawler's ``.md``: visible text, then the raw HTML in a fenced ``html`` block;
- Markdown (a docs repository's source: front matter, headings, pipe or inline HTML tables),
  rendered to HTML with markdown-it-py so that extraction sees HTML only;
- plain text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .model import MAX_PAGE_BYTES, MAX_TABLE_LINES, ErrtablesError, ParseWarning, text_or_none

# A fenced ```html block: its opening line, then the first closing fence after it (two
# searches, each once over the text: no lazy group to rescan from every opening).
_HTML_OPEN = re.compile(r"^```html[ \t]*\r?\n", re.M)
_FENCE_CLOSE = re.compile(r"\r?\n```[ \t]*\r?$", re.M)
_MD_URL = re.compile(r"^\*\*URL:\*\*\s*(\S+)", re.M)
_MD_TITLE = re.compile(r"\A#\s+(.+)$", re.M)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*\r?\n", re.S)
_FRONT_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.M)
# The page's address in front matter, as docs sites and mirrors write it.
_FRONT_URL = re.compile(
    r"^(?:url|source_url|canonical_url|canonical|original_url)[ \t]*:[ \t]*['\"]?"
    r"(https?://[^\s'\"]+)['\"]?[ \t]*$",
    re.M,
)
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+\S", re.M)
# No two runs of spaces side by side: each space has one place to go, so a line of spaces
# costs its length, not its square.
_MD_TABLE = re.compile(
    r"^[ \t]*(?:\|[ \t]*)?:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+(?:\|[ \t]*)?$|^[ \t]*<table[\s>]",
    re.M | re.I,
)
_MD_FENCE_OR_ITEM = re.compile(r"^[ \t]*(?:```|~~~|(?:[-*+]|[0-9]+[.)])[ \t]+(?:`|\*\*))", re.M)
_LOOKS_HTML = re.compile(
    r"\A\s*(?:<\?xml|<!doctype|<html|<head|<meta|<title|<link|<body|<main|<article|<section"
    r"|<div|<table|<h[1-6]|<!--|<p[ >])",
    re.I,
)


class PageError(ErrtablesError):
    """A page that cannot be read at all (not one that merely has no table)."""


class TooLarge(PageError):
    """A page over one of the bounds of ``model``: refused, never read at length."""


_TABLE_LINE = re.compile(r"^[ \t]*\|", re.M)


@dataclass(frozen=True)
class Page:
    name: str  # the path or URL it was read from, used in warnings
    html: str | None = None
    text: str | None = None
    url: str | None = None  # the page's own URL when the file records it
    title: str | None = None
    html_line: int = 0  # lines in the file before the HTML starts
    warnings: tuple[ParseWarning, ...] = ()  # what reading changed: control characters


# Control characters are no text (and lxml refuses most of them): form feeds and vertical
# tabs become spaces, the rest (C0 and C1 controls, DEL, U+FFFE/U+FFFF) are dropped, each
# line that had one named in a warning.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_AS_SPACE = frozenset("\x0b\x0c")
_MAX_CONTROL_LINES = 20  # lines named one by one; the rest are counted in one warning


def _without_controls(text: str, name: str, what: str = "") -> tuple[str, list[ParseWarning]]:
    """``text`` without control characters, and a warning for each line that had one."""
    if _CONTROL.search(text) is None:
        return text, []
    by_line: dict[int, set[str]] = {}
    line, position = 1, 0
    for found in _CONTROL.finditer(text):
        line += text.count("\n", position, found.start())
        position = found.start()
        by_line.setdefault(line, set()).add(found.group())
    cleaned = _CONTROL.sub(lambda m: " " if m.group() in _AS_SPACE else "", text)
    warnings = []
    for number, chars in list(by_line.items())[:_MAX_CONTROL_LINES]:
        codes = ", ".join(f"U+{ord(c):04X}" for c in sorted(chars))
        if chars <= _AS_SPACE:
            done = "replaced by a space"
        else:
            done = "dropped" + (
                " (a form feed or vertical tab: a space)" if chars & _AS_SPACE else ""
            )
        plural = "s" if len(chars) > 1 else ""
        warnings.append(
            ParseWarning(name, number, f"{what}control character{plural} {codes} {done}")
        )
    more = len(by_line) - _MAX_CONTROL_LINES
    if more > 0:
        warnings.append(
            ParseWarning(name, None, f"{what}control characters on {more:,} more lines, dropped")
        )
    return cleaned, warnings


_SINGLE_BYTE = re.compile(
    r"^(?:iso[-_]?8859[-_]?\d+|latin[-_]?\d?|l\d|windows[-_]?125\d|cp125\d|cp819|"
    r"(?:us[-_]?)?ascii|cp437|koi8[-_][ru])$",
    re.I,
)
# UTF-8 read as a single-byte charset: â€™ for ’, Ã© for é, Â for a no-break space.
_MOJIBAKE = re.compile(
    "â€[\u0080-\u00bf\u2018-\u201e\u2020-\u2022\u2026\u2122\u0153\u0161\u017e]|Ã[\u0080-\u00bf]|Â[\u00a0-\u00bf]"
)


def looks_mis_decoded(text: str) -> str | None:
    """A sample of typical mojibake when the text shows it several times, else None."""
    found = _MOJIBAKE.findall(text[:2_000_000])
    return found[0] if len(found) >= 3 else None


def decode_page(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """``decode`` that overrides a single-byte charset the bytes contradict: valid UTF-8 with
    non-ASCII text is read as UTF-8, with a note saying so."""
    if declared and _SINGLE_BYTE.match(declared.strip()) and not data.isascii():
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            pass
        else:
            return text, f"declared charset {declared}, but the bytes are UTF-8: read as UTF-8"
    return decode(data, declared), None


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
    """Recognize the shape of a page's content, without its control characters."""
    content, said = _without_controls(content, name)
    page = _shaped(name, content)
    return replace(page, warnings=(*said, *page.warnings)) if said else page


def _shaped(name: str, content: str) -> Page:
    head = content[:4096].lstrip("\ufeff \t\r\n")
    if name.endswith(".json") or head.startswith("{"):
        try:
            data = json.loads(content.lstrip("\ufeff"))
        except (json.JSONDecodeError, RecursionError) as exc:
            if name.endswith(".json"):
                raise PageError(
                    f"{name}: not JSON ({exc}); give the crawler's .json as saved"
                ) from exc
        else:
            if not isinstance(data, dict) or not ({"html", "text"} & data.keys()):
                raise PageError(f"{name}: a crawler .json needs an 'html' or 'text' key")
            for key in ("html", "text", "url", "title"):
                value = data.get(key)
                if isinstance(value, str) and not _encodable(value):
                    raise PageError(
                        f"{name}: its {key} holds a lone surrogate (a broken \\uD800-style "
                        "escape), which is no text; save the page again"
                    )
            # Its fields were escaped: their control characters come out only now.
            fields: dict[str, str | None] = {}
            said: list[ParseWarning] = []
            for key in ("html", "text"):
                value = text_or_none(data.get(key))
                if value is not None:
                    value, more = _without_controls(value, name, f"its {key}: ")
                    said += more
                fields[key] = value
            return Page(
                name,
                html=fields["html"],
                text=fields["text"],
                url=text_or_none(data.get("url")),
                title=text_or_none(data.get("title")),
                warnings=tuple(said),
            )
    block = _html_block(content) if "```html" in content else None
    if block is not None:
        start, end, inner = block
        url = _MD_URL.search(content)
        title = _MD_TITLE.search(content)
        return Page(
            name,
            html=content[inner:end],
            text=content[:start],
            url=url.group(1) if url else None,
            title=title.group(1).strip() if title else None,
            html_line=content.count("\n", 0, inner),
        )
    markdown_name = name.lower().endswith((".md", ".markdown"))

    def markdown() -> bool:
        return looks_markdown(content) or bool(
            markdown_name and (_MD_HEADING.search(content) or _TABLE_LINE.search(content))
        )

    # A Markdown file may open with HTML (a generated table of contents in a comment): its
    # name and its body beat its first bytes.
    if _LOOKS_HTML.match(head) and not ((markdown_name or head.startswith("<!--")) and markdown()):
        return Page(name, html=content)
    if markdown():
        lines = sum(1 for _ in _TABLE_LINE.finditer(content))
        if lines > MAX_TABLE_LINES:
            raise TooLarge(
                f"{name}: {lines:,} Markdown table lines, over the {MAX_TABLE_LINES:,} a page "
                "may have; not read"
            )
        markup, heading, address = markdown_html(content)
        return Page(name, html=markup, text=content, url=address, title=heading)
    return Page(name, text=content)


def _html_block(content: str) -> tuple[int, int, int] | None:
    """Where the first fenced ```html block starts, where its HTML ends and where it starts;
    None without one (or without its closing fence)."""
    opening = _HTML_OPEN.search(content)
    if opening is None:
        return None
    closing = _FENCE_CLOSE.search(content, opening.end())
    if closing is None:
        return None
    return opening.start(), closing.start(), opening.end()


def looks_markdown(content: str) -> bool:
    """Front matter, or headings together with a table (pipe or inline HTML), a fenced
    block or list items that start with a code span or bold text."""
    if _FRONT_MATTER.match(content):
        return True
    return bool(
        _MD_HEADING.search(content)
        and (_MD_TABLE.search(content) or _MD_FENCE_OR_ITEM.search(content))
    )


def markdown_html(content: str) -> tuple[str, str | None, str | None]:
    """Markdown rendered to HTML whose lines are the source's lines (warnings stay true),
    the front matter's title, which becomes the page's first heading, and its URL."""
    import html as htmllib  # here: its entity tables cost a run that reads no Markdown

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    title: str | None = None
    url: str | None = None
    front = _FRONT_MATTER.match(content)
    if front is not None:
        found = _FRONT_TITLE.search(front.group(1))
        title = found.group(1).strip("'\"") if found else None
        address = _FRONT_URL.search(front.group(1))
        url = address.group(1) if address else None
        content = "\n" * front.group(0).count("\n") + content[front.end() :]
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    content, short = _widen_tables(content)
    tokens = md.parse(content)
    out: list[str] = []
    if title and not any(t.type == "heading_open" and t.tag == "h1" for t in tokens):
        out.append(f"<h1>{htmllib.escape(title)}</h1>")
    # Render block by block, each padded to start on its source line.
    groups: list[list[Token]] = []
    for token in tokens:
        if token.level == 0 and token.map is not None or not groups:
            groups.append([])
        groups[-1].append(token)
    lines = 0
    for group in groups:
        # A pipe table row by row and a list item by item, each on its source line.
        cut = _CUT_AT.get(group[0].type)
        pieces = _cut(group, cut) if cut else [group]
        for k, piece_tokens in enumerate(pieces):
            start = piece_tokens[0].map[0] if piece_tokens[0].map else lines
            if piece_tokens[0].type == "tr_open" and start in short:
                piece_tokens = _unpadded(piece_tokens, short[start])
            if lines < start:
                out.append("\n" * (start - lines))
                lines = start
            piece = md.renderer.render(piece_tokens, md.options, {})
            if len(pieces) > 1:
                # Line breaks between tags only: a code block or a soft break keeps its own.
                piece = piece.replace(">\n", ">") + ("\n" if k == len(pieces) - 1 else "")
            out.append(piece)
            lines += piece.count("\n")
    return "".join(out), title, url


# A pipe table's delimiter row, one column or more; lines may end in spaces (a Markdown
# line break), as the docs mirrors write them.
_DELIMITER_ROW = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?)?[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(?:```|~~~)")


def _unpadded(tokens: list[Any], cells: int) -> list[Any]:
    """A row's tokens without the empty cells Markdown added past its own ``cells``."""
    opened = [i for i, t in enumerate(tokens) if t.type == "td_open"]
    if len(opened) <= cells:
        return tokens
    closed = max(i for i, t in enumerate(tokens) if t.type == "td_close")
    return tokens[: opened[cells]] + tokens[closed + 1 :]


def _cell_count(line: str) -> int:
    from markdown_it.rules_block.table import escapedSplit

    cells = escapedSplit(line.strip())
    if cells and cells[0].strip() == "":
        cells.pop(0)
    if cells and cells[-1].strip() == "":
        cells.pop()
    return len(cells)


def _widen_tables(content: str) -> tuple[str, dict[int, int]]:
    """Pipe tables whose rows are wider than their header get empty header cells (Markdown
    would drop the cells past the header); a delimiter row of another width than the header
    gets the header's (Markdown would read no table); rows narrower than the header are
    noted (line -> cells): Markdown pads them with empty cells, which are taken out again."""
    lines = content.split("\n")
    short: dict[int, int] = {}
    fenced = False
    i = 1
    while i < len(lines):
        if _FENCE.match(lines[i - 1]):
            fenced = not fenced
        if fenced or "|" not in lines[i - 1] or not _DELIMITER_ROW.match(lines[i]):
            i += 1
            continue
        width = _cell_count(lines[i - 1])
        end = i + 1
        while end < len(lines) and "|" in lines[end] and lines[end].strip():
            end += 1
        counts = [_cell_count(lines[k]) for k in range(i + 1, end)]
        widest = max(counts, default=0)
        if widest > width:
            more = widest - width
            for k, cell in ((i - 1, " "), (i, " --- ")):
                lines[k] = lines[k].rstrip()
                lines[k] += ("" if lines[k].endswith("|") else " |") + f"{cell}|" * more
            width = widest
        if _cell_count(lines[i]) != width:  # a delimiter row of another width: the header's
            lines[i] = "|" + " --- |" * width
        short.update((i + 1 + k, n) for k, n in enumerate(counts) if 0 < n < width)
        i = end + 1
    return "\n".join(lines), short


_CUT_AT = {"table_open": "tr_open", "bullet_list_open": "list_item_open"}
_CUT_AT["ordered_list_open"] = "list_item_open"


def _cut(tokens: list[Any], at: str) -> list[list[Any]]:
    """A block's tokens cut before each row or item, in order (joined, the block)."""
    pieces: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == at and pieces[-1]:
            pieces.append([])
        pieces[-1].append(token)
    return pieces


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read(path: Path) -> Page:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
    except OSError as exc:
        raise PageError(f"cannot read {path}: {exc.strerror}") from exc
    if len(data) > MAX_PAGE_BYTES:
        raise TooLarge(
            f"{path}: over {MAX_PAGE_BYTES // 2**20} MB, the most a page may have (the same "
            "cap as a download); give the part of the page with the error codes"
        )
    if not data.strip():
        raise PageError(f"{path}: empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PageError(f"{path}: not a text page (binary data)")
    return from_text(str(path), decode(data))


def from_download(url: str, body: bytes, charset: str | None) -> tuple[Page | None, str | None]:
    """A fetched body as a page, with a note for the reader (a charset overridden); or None
    and why it is no page (undecodable, or still mojibake once decoded)."""
    try:
        text, note = decode_page(body, charset)
    except PageError as exc:
        return None, str(exc)
    sample = looks_mis_decoded(text)
    if sample is not None:
        return None, (
            f"the page reads as mojibake ({sample!r} and more): its bytes and its "
            f"declared charset ({charset or 'none'}) disagree"
        )
    page = from_text(url, text)
    if page.url is None:
        page = replace(page, url=url)
    if page.warnings:
        lines = sorted({w.line for w in page.warnings if w.line is not None})
        shown = ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")
        said = f"control characters replaced or dropped (line {shown})"
        note = f"{note}; {said}" if note else said
    return page, note
