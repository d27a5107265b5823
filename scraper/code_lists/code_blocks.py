"""A code block of ``CODE message`` lines, or a JSON object mapping codes to messages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from .. import columns
from ..columns import MESSAGE
from ..normalize import normalize_text, text_of
from ..rows import split_code
from ..walk import Block
from .common import Candidate, Entry
from .records import unquoted

_JSON_KEY = re.compile(r'\{\s*"([^"\\]{1,80})"\s*:')
_COMMENT = re.compile(r"^(?:#|//|/\*|\*|--|<!--|[{}\[\]();,]+$)")
_OPEN_QUOTE = re.compile(r"""^(["'`])([^"'`]{1,80})\1\s*""")


def _code_lines(text: str) -> tuple[list[tuple[str, str]], list[str]] | None:
    """``CODE message`` lines, ``CODE: message``, ``"CODE": "message",`` and a JSON object
    of codes; the lines that start with no code. None when the first line holds no code."""
    stripped = text.strip()
    opening = _JSON_KEY.match(stripped)
    if opening is not None:
        if not columns.code_shaped(opening.group(1)):
            return None  # a reply or a request, not codes
        try:
            data = json.loads(stripped)
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict):
            pairs = [(str(k).strip(), _json_message(v)) for k, v in data.items()]
            found = [(k, normalize_text(v)) for k, v in pairs if v is not None]
            return found, [k for k, v in pairs if v is None]
    entries: list[tuple[str, str]] = []
    unread: list[str] = []
    for raw in _line_iter(stripped):
        line = raw.strip().rstrip(",;").strip()
        if not line or _COMMENT.match(line) or line.endswith(("{", "[", "(")):
            continue
        if line[0] in "\"'`":
            line = _OPEN_QUOTE.sub(lambda m: m.group(2) + " ", line, count=1)
        # A code starts with a digit, a minus or a capital: "curl …", "import …" do not.
        starts = line[0].isdigit() or line[0] == "-" or line[0].isupper()
        parts = split_code(normalize_text(line)) if starts else None
        if parts is None:
            if not entries and not unread:
                return None
            unread.append(line)
            continue
        code, message = parts
        entries.append((code, unquoted(message.lstrip("-–—:：=| "))))
    return entries, unread


def _json_message(value: object) -> str | None:
    """A JSON value as a message: a string, or the message of an object
    (``{"msg": "…", "status": 400}``); None otherwise."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        said = [v for k, v in value.items() if isinstance(v, str) and columns.role_of(k) == MESSAGE]
        return said[0] if said else None
    return None


def _line_iter(text: str) -> Iterator[str]:
    """The lines of a text, one at a time (a long block is left as soon as it fails)."""
    start = 0
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def from_code_block(block: Block, every: bool = False) -> Candidate | None:
    """A code block of codes; None when its first line holds no code (but for ``every``
    block, in a section about errors: each is explained)."""
    read = _code_lines(text_of(block.element))  # left at its first line when that fails
    element = block.element
    found = Candidate(block.path, [element], "code block")
    if read is None or not read[0]:
        found.refused = "its first line holds no code: a sample (a request, a reply, code)"
        return found if every else None
    found.entries = [Entry(element, code, message) for code, message in read[0]]
    found.unread = [(element, line) for line in read[1]]
    return found
