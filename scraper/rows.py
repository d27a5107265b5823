"""Turning the cells of one table (or one list) into rows, with a warning for each that fails."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from lxml import etree

from .columns import (
    CODE,
    HTTP_STATUS,
    MESSAGE,
    TITLE,
    Role,
    code_list,
    code_shaped,
    is_code,
    is_http_like,
    is_http_status,
    is_spaced_label,
)
from .model import KIND_CODE, KIND_HTTP, NUMERIC_CODE, Kind, ParseWarning, Row, split_sub_code
from .normalize import normalize_text, remove_keeping_tail, text_of

STRUCK = ("del", "s", "strike")
# libxml2 counts lines up to 65535 only: past that, a comment before each row-like element
# (put there by walk.parse_html) holds the true line.
LXML_LAST_LINE = 65535
LINE_MARK = "errtables-line:"


def section_of(path: tuple[tuple[int, str], ...]) -> str:
    """The heading path above a block, as text: ``Error Code > REST API > Public``."""
    return " > ".join(text for _, text in path if text)


def line_of(element: etree._Element, offset: int = 0) -> int | None:
    """The page line an element starts on, right past line 65,535 too."""
    line: int = getattr(element, "sourceline", None) or 0  # untyped in lxml-stubs
    if line >= LXML_LAST_LINE:
        node: etree._Element | None = element
        while node is not None:
            before = node.getprevious()
            text = before.text if before is not None and not isinstance(before.tag, str) else None
            if text and text.startswith(LINE_MARK):
                line = int(text[len(LINE_MARK) :])
                break
            node = node.getparent()
    return (line + offset) or None


# "CODE NAME", "CODE: message", "CODE - message": a code token and what follows it.
_CODE_THEN = re.compile(
    rf"(?P<code>{NUMERIC_CODE}|[A-Za-z_]\w*(?:[.:/-]\w+)*)"
    r"(?:\s*[:：=]\s*|\s+[-–—]\s+|\s+)(?P<rest>\S.*)"
)


def struck(cell: etree._Element) -> bool:
    """All of the element's text is struck through (a deprecated code)."""
    text = text_of(cell).strip()
    if not text:
        return False
    if next(cell.iterancestors(*STRUCK), None) is not None:
        return True
    inside = "".join(text_of(s) for s in cell.iter(*STRUCK))
    return "".join(inside.split()) == "".join(text.split())


def unstruck_text(cell: etree._Element) -> str:
    """A cell's text without what is struck through in it: ``~~110075~~ 182021`` is
    ``182021`` (the docs wrote the new code after the old)."""
    kept = copy.deepcopy(cell)
    for mark in list(kept.iter(*STRUCK)):
        if mark is not kept and mark.getparent() is not None:
            remove_keeping_tail(mark)
    return normalize_text(text_of(kept))


def split_code(text: str) -> tuple[str, str] | None:
    """``-1013 INVALID_MESSAGE`` -> ("-1013", "INVALID_MESSAGE"); None if no code leads
    (a code outside a table is ``code_shaped``: not an ordinary word)."""
    text = text.strip()
    if is_code(text) and " " not in text:
        return (text, "") if code_shaped(text) else None
    match = _CODE_THEN.fullmatch(text)
    if match is None or not code_shaped(match["code"]):
        return None
    return match["code"], match["rest"].strip()


@dataclass
class Collector:
    """Rows of one table and the warnings about the rows that could not be read."""

    page: str
    context: str
    http_table: bool = False  # a table of HTTP statuses: codes such as 5xx are allowed
    spaced_labels: bool = False  # a code column of labels: ``ADDRESS NOT_FOUND`` is a code
    led_codes: bool = False  # code cells that are a number and its name: its title
    rows: list[Row] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def warn(self, line: int | None, text: str) -> None:
        self.warnings.append(ParseWarning(self.page, line, self.context + text))

    def add(
        self,
        line: int | None,
        values: dict[Role, str],
        kind: Kind = Kind.CODE,
        deprecated: bool = False,
    ) -> None:
        code, message = values.get(CODE, ""), values.get(MESSAGE, "")
        if self.led_codes and not is_code(code) and (split := split_code(code)) is not None:
            code, name = split
            values = {**values, CODE: code, TITLE: values.get(TITLE) or name}
        if self.http_table and is_http_like(code):
            kind = KIND_HTTP
            values = {HTTP_STATUS: code, **values} if is_http_status(code) else values
        if kind == KIND_CODE and not is_code(code) and len(codes := code_list(code)) > 1:
            for one in codes:  # "100, 106": one row each, the message shared
                self.add(line, {**values, CODE: one}, kind, deprecated)
            return
        if kind == KIND_CODE and not (
            is_code(code) or self.spaced_labels and is_spaced_label(code)
        ):
            self.warn(line, f"{code!r} is not an error code (message {message!r})")
            return
        if not message:
            self.warn(line, f"code {code} has no message")
        status_text = values.get(HTTP_STATUS, "")
        status = int(status_text) if is_http_status(status_text) else None
        if status_text and status is None:
            self.warn(line, f"code {code}: HTTP status {status_text!r} is not a number")
        title = values.get(TITLE) or None
        code, sub_code = split_sub_code(code)
        self.rows.append(Row(code, message, status, title, kind, deprecated, sub_code))
