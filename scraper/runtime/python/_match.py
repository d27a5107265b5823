"""Matching a replied message to the documented rows of its code (standard library only).

A row's message is a template: ``Order failed. Insufficient {param0} balance in account``.
Matching never backtracks: the template's first literal must start the message, each later
literal is found at its first place after the value before it (at least one character that
is not a space), and for a whole match the last literal must end the message. Each step is
one ``str.find``; a message is read up to MESSAGE_LIMIT characters. A placeholder that occurs
twice must take the same value both times.

When no template matches the whole message, a template that ends in literal text may match
its start, followed by detail (``Invalid request: {...}``); otherwise the closest row by
the words of its literal text is given, with a score.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final

from ._constants import DETAIL_LEAD, DETAIL_START, MESSAGE_LIMIT, PLACEHOLDER, SPACES
from ._types import ErrorCode, Match

_SPLIT: Final = re.compile(PLACEHOLDER)
_WHITE: Final = re.compile(f"[{re.escape(SPACES)}]+")
# Words of ASCII letters and digits, and every other character on its own (so Chinese
# compares character by character); only ASCII letters are folded to lower case.
_TOKEN: Final = re.compile(r"[a-z0-9]+|[^ ]")
_ASCII_LOWER: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_VALUES: Final[Mapping[str, str]] = MappingProxyType({})


def clean(text: str) -> str:
    """White space collapsed: trailing, doubled and line-broken spaces do not matter."""
    if (
        text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    ):
        return text  # the common case, already clean (isprintable is False for other spaces)
    return _WHITE.sub(" ", text).strip(" ")


def words(text: str) -> frozenset[str]:
    """The distinct tokens of clean text, ASCII letters in lower case."""
    return frozenset(_TOKEN.findall(text.translate(_ASCII_LOWER)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """2 x shared tokens / (tokens of both): 1 for the same words, 0 for none in common."""
    if not a and not b:
        return 1.0
    return 2 * len(a & b) / (len(a) + len(b))


class Template:
    """One documented message, split at its placeholders."""

    __slots__ = ("literals", "names", "open_end", "weight", "words")

    def __init__(self, message: str) -> None:
        pieces = _SPLIT.split(message)  # literal, name, literal, name, ..., literal
        texts = pieces[::2]
        self.names: tuple[str, ...] = tuple(pieces[1::2])
        last = len(texts) - 1
        self.literals: tuple[str, ...] = tuple(
            " " if not clean(text) and text and 0 < k < last else clean(text)
            for k, text in enumerate(texts)
        )
        # Ends in a placeholder (a full stop aside): the end of the message is unknown.
        self.open_end = bool(self.names) and not texts[-1].strip(SPACES + ".")
        literal = clean("".join(texts))
        self.weight = len(literal) - literal.count(" ")  # literal characters but spaces
        self.words = words(literal)

    def fit(self, text: str, whole: bool) -> tuple[int, dict[str, str]] | None:
        """Where the template's match of the start of ``text`` ends, and the values; with
        ``whole``, only a match of all of ``text``. None when it does not match."""
        literals = self.literals
        if not text.startswith(literals[0]):
            return None
        pos = len(literals[0])
        size = len(text)
        if not self.names:
            return (pos, {}) if pos == size or not whole else None
        values: dict[str, str] = {}
        last = len(self.names)
        for i, name in enumerate(self.names, 1):
            start = pos + 1 if text.startswith(" ", pos) else pos  # the value's first character
            if start >= size:
                return None
            literal = literals[i]
            if i == last and whole:
                end = size - len(literal)
                if end <= start or not text.endswith(literal):
                    return None
                pos = size
            elif not literal:  # the next placeholder follows at once: one character each
                end = pos = start + 1
            else:
                end = text.find(literal, start + 1)
                if end < 0:
                    return None
                pos = end + len(literal)
            value = text[start:end].rstrip(" ")
            if values.setdefault(name, value) != value:
                return None
        return pos, values


class Matcher:
    """The templates of one code's rows, most literal text first (ties in the given order:
    priority, then page order)."""

    __slots__ = ("rows", "order", "templates")

    def __init__(self, rows: Sequence[ErrorCode]) -> None:
        templates = [Template(row.message) for row in rows]
        order = sorted(range(len(rows)), key=lambda i: -templates[i].weight)
        self.rows: tuple[ErrorCode, ...] = tuple(rows[i] for i in order)
        self.order: tuple[int, ...] = tuple(order)  # each row's place in the given order
        self.templates: tuple[Template, ...] = tuple(templates[i] for i in order)

    def match(self, message: str) -> Match:
        text = clean(message[:MESSAGE_LIMIT])
        pairs = tuple(zip(self.rows, self.templates, strict=True))
        if len(message) <= MESSAGE_LIMIT:
            for row, template in pairs:
                found = template.fit(text, True)
                if found is not None:
                    return Match(row, MappingProxyType(found[1]), True)
        size = len(text)
        for row, template in pairs:
            if template.open_end:
                continue
            found = template.fit(text, False)
            if found is not None and found[0] < size and text[found[0]] in DETAIL_START:
                end, values = found
                detail = text[end:].lstrip(DETAIL_LEAD)
                return Match(row, MappingProxyType(values), False, end / size, detail)
        # The closest row by its literal words; on a tie, the first in priority and page order.
        tokens = words(text)
        chosen, best = 0, -1.0
        for i, template in enumerate(self.templates):
            score = similarity(template.words, tokens)
            if score > best or (score == best and self.order[i] < self.order[chosen]):
                chosen, best = i, score
        return Match(self.rows[chosen], _NO_VALUES, False, best)
