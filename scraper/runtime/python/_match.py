"""Matching a replied message to the documented rows of its code (standard library only).

A row's message is a template: ``Order failed. Insufficient {param0} balance in account``.
Matching never backtracks: the template's first literal must start the message, each later
literal is found at its first place after the value before it (at least one character that
is not a space; a literal the template writes after a space is looked for with that space
first), and for a whole match the last literal must end the message. Each step is
one ``str.find``; a message is read up to MESSAGE_LIMIT characters. A placeholder that occurs
twice must take the same value both times.

When no template matches the whole message, a template that ends in literal text may match
its start, followed by detail (``Invalid request: {...}``); otherwise the closest row by
the words of its literal text is given, with a score.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import chain
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
# What str.split() takes for white space besides SPACES.
_SPLIT_ONLY: Final = "\x1c\x1d\x1e\x1f\x85"
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
    folded = text.lower() if text.isascii() else text.translate(_ASCII_LOWER)
    return frozenset(_TOKEN.findall(folded))


class Template:
    """One documented message, split at its placeholders."""

    __slots__ = ("literals", "spaced", "names", "open_end", "weight", "words", "size")

    def __init__(self, message: str) -> None:
        pieces = _SPLIT.split(message)  # literal, name, literal, name, ..., literal
        texts = pieces[::2]
        self.names: tuple[str, ...] = tuple(pieces[1::2])
        last = len(texts) - 1
        self.literals: tuple[str, ...] = tuple(
            " " if not clean(text) and text and 0 < k < last else clean(text)
            for k, text in enumerate(texts)
        )
        # A literal the template writes after a space: searched with its space first, so a
        # value that holds the word ("0or" before " or ") is not cut at it.
        self.spaced: tuple[bool, ...] = tuple(text[:1] in SPACES for text in texts)
        # Ends in a placeholder (a full stop aside): the end of the message is unknown.
        self.open_end = bool(self.names) and not texts[-1].strip(SPACES + ".")
        literal = clean("".join(texts))
        self.weight = len(literal) - literal.count(" ")  # literal characters but spaces
        self.words = words(literal)
        self.size = len(self.words)

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
                end = text.find(" " + literal, start + 1) if self.spaced[i] else -1
                if end >= 0:
                    pos = end + 1 + len(literal)
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

    __slots__ = (
        "rows",
        "order",
        "templates",
        "plain",
        "by_start",
        "any_start",
        "ends",
        "postings",
        "sizes",
        "first",
        "wordless",
    )

    def __init__(self, rows: Sequence[ErrorCode]) -> None:
        templates = [Template(row.message) for row in rows]
        order = sorted(range(len(rows)), key=lambda i: -templates[i].weight)
        self.rows: tuple[ErrorCode, ...] = tuple(rows[i] for i in order)
        self.order: tuple[int, ...] = tuple(order)  # each row's place in the given order
        self.templates: tuple[Template, ...] = tuple(templates[i] for i in order)
        # Shortcuts that give the same answers as trying every template in order. A message
        # equal to a template without placeholders: that template wins, no other can have
        # as much literal text. Otherwise only the templates whose first literal starts as
        # the message does (or that start with a placeholder) can match.
        self.plain: dict[str, int] = {}
        self.by_start: dict[str, tuple[int, ...]] = {}
        for i, template in enumerate(self.templates):
            if not template.names:
                self.plain.setdefault(template.literals[0], i)
        firsts = {t.literals[0][:1] for t in self.templates} - {""}
        # Word -> the templates that have it; the first template in the given order; the
        # first template without words (the one an empty message is closest to).
        postings: dict[str, list[int]] = {}
        for i, template in enumerate(self.templates):
            for word in template.words:
                postings.setdefault(word, []).append(i)
        self.postings: dict[str, tuple[int, ...]] = {w: tuple(p) for w, p in postings.items()}
        self.sizes = tuple(t.size for t in self.templates)
        self.first = order.index(0) if order else 0
        wordless = [i for i, t in enumerate(self.templates) if not t.words]
        self.wordless = min(wordless, key=order.__getitem__) if wordless else None
        # Each template's first and last literal: a whole match starts and ends with them.
        self.ends = tuple((t.literals[0], t.literals[-1]) for t in self.templates)
        self.any_start = tuple(i for i, t in enumerate(self.templates) if not t.literals[0])
        for first in firsts:
            self.by_start[first] = tuple(
                i for i, t in enumerate(self.templates) if t.literals[0][:1] in ("", first)
            )

    def match(self, message: str) -> Match:
        text = clean(message[:MESSAGE_LIMIT])
        rows, templates = self.rows, self.templates
        candidates = self.by_start.get(text[:1], self.any_start)
        if len(message) <= MESSAGE_LIMIT:
            i = self.plain.get(text)
            if i is not None:
                return Match(rows[i], _NO_VALUES, True)
            ends = self.ends
            for i in candidates:
                first, last = ends[i]
                if text.startswith(first) and text.endswith(last):
                    found = templates[i].fit(text, True)
                    if found is not None:
                        values = MappingProxyType(found[1]) if found[1] else _NO_VALUES
                        return Match(rows[i], values, True)
        size = len(text)
        for i in candidates:
            template = templates[i]
            if template.open_end:
                continue
            found = template.fit(text, False)
            if found is not None and found[0] < size and text[found[0]] in DETAIL_START:
                end, values = found
                detail = text[end:].lstrip(DETAIL_LEAD)
                return Match(rows[i], MappingProxyType(values), False, end / size, detail)
        # The closest row by its literal words; on a tie, the first in priority and page order.
        chosen, best = self.closest(words(text))
        return Match(rows[chosen], _NO_VALUES, False, best)

    def closest(self, tokens: frozenset[str]) -> tuple[int, float]:
        """The template most like the message's words (2 x shared words / words of both; the
        first in priority and page order on a tie) and its score. Only the templates that
        share a word with the message are scored: the others score 0, or 1 when neither has
        words."""
        count = len(tokens)
        if not count:
            return (self.wordless, 1.0) if self.wordless is not None else (self.first, 0.0)
        shared = Counter(chain.from_iterable(self.postings.get(t, ()) for t in tokens))
        if not shared:
            return self.first, 0.0
        order, sizes = self.order, self.sizes
        chosen, best = -1, -1.0
        for i, common in shared.items():
            score = 2 * common / (sizes[i] + count)
            if score > best or (score == best and order[i] < order[chosen]):
                chosen, best = i, score
        return chosen, best
