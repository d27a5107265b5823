"""The generated pages as tables: rows by code, per page and across pages in priority order,
and the matchers, made once per documented code (standard library only)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Final

from ._constants import MESSAGE_LIMIT, Category
from ._match import Matcher
from ._replies import code_of, errors, most_specific, shape
from ._types import (
    NO_TRANSLATIONS,
    ErrorCode,
    Kind,
    Match,
    ResponseError,
    Source,
    UnknownSourceError,
    placeholders_of,
)

RECENT: Final = 1024


class Rows:
    """Makes the rows of one page from the short form its module is written in: the section
    by its place in ``sections``, the category by its place in ``categories`` (none:
    ExchangeError), translations without the page's own language."""

    __slots__ = ("source", "sections", "categories")

    def __init__(
        self, source: Source, sections: tuple[str, ...], categories: tuple[Category, ...] = ()
    ) -> None:
        self.source = source
        self.sections = sections
        self.categories = categories

    def __call__(
        self,
        code: str,
        message: str,
        section: int,
        status: int | None = None,
        category: int | None = None,
        tr: Mapping[str, str] | None = None,
        *,
        title: str | None = None,
        kind: Kind = "code",
        deprecated: bool = False,
        sub: str | None = None,
    ) -> ErrorCode:
        translations = NO_TRANSLATIONS
        if tr is not None:
            own = self.source.locale
            if len(tr) == 1:  # the common case (two languages), without a sort
                ((other, text),) = tr.items()
                pairs = {other: text, own: message} if other < own else {own: message, other: text}
            else:
                pairs = dict(sorted({**tr, own: message}.items()))
            translations = MappingProxyType(pairs)
        return ErrorCode(
            code,
            message,
            status,
            placeholders_of(message),
            title,
            kind,
            self.sections[section],
            self.source.id,
            deprecated,
            sub,
            "ExchangeError" if category is None else self.categories[category],
            translations,
        )


class Page:
    """The rows of one documentation page by code: every row of a code in page order, and
    the first. A sub-code row stands under its code and under the code as documented
    (``51008_1000``)."""

    __slots__ = ("source", "rows", "by_code", "first")

    def __init__(self, source: Source, rows: tuple[ErrorCode, ...]) -> None:
        table: dict[str, list[ErrorCode]] = {}
        for row in rows:
            table.setdefault(row.code, []).append(row)
            if row.sub_code is not None:
                table.setdefault(row.documented, []).append(row)
        self.source = source
        self.rows = rows
        self.by_code: Mapping[str, tuple[ErrorCode, ...]] = MappingProxyType(
            {code: tuple(found) for code, found in table.items()}
        )
        self.first: Mapping[str, ErrorCode] = MappingProxyType(
            {code: found[0] for code, found in table.items()}
        )

    def lookup(self, code: str | int) -> ErrorCode | None:
        """The first row documented for ``code`` on this page (see ``variants``); None when
        the page does not document it."""
        key = code_of(code)
        return None if key is None else self.first.get(key)

    def variants(self, code: str | int) -> tuple[ErrorCode, ...]:
        """Every row documented for ``code`` on this page, in page order; () when none."""
        key = code_of(code)
        return () if key is None else self.by_code.get(key, ())


class Tables:
    """Every page of a package, in priority order (that of errtables' sources.toml)."""

    def __init__(self, pages: Sequence[Page], replies: str = "okx") -> None:
        # How this exchange's replies carry errors: a built-in shape's name or its fields.
        self.shape = shape(replies)
        self.pages: Mapping[str, Page] = MappingProxyType({p.source.id: p for p in pages})
        self.sources: Mapping[str, Source] = MappingProxyType(
            {p.source.id: p.source for p in pages}
        )
        self.tables: Mapping[str, Mapping[str, ErrorCode]] = MappingProxyType(
            {p.source.id: p.first for p in pages}
        )
        self.variants_by_source: Mapping[str, Mapping[str, tuple[ErrorCode, ...]]] = (
            MappingProxyType({p.source.id: p.by_code for p in pages})
        )
        self._documented = frozenset(code for page in pages for code in page.by_code)
        # One matcher per documented code asked about (and per source= given): bounded by
        # the tables, whatever the replies hold.
        self._matchers: dict[tuple[str | None, str], Matcher] = {}
        # Inexact answers, kept because drifted wording recurs (the same rejection, again
        # and again): at most RECENT of them, for messages within MESSAGE_LIMIT; emptied
        # when full (a clear() is safe when threads share the tables).
        self._recent: dict[tuple[str | None, str, str], Match] = {}
        self._finders: dict[str | None, Callable[[str, str], Match | None]] = {}

    def _check(self, source: str | None) -> None:
        if source is not None and source not in self.pages:
            raise UnknownSourceError(f"no source {source!r}; SOURCES lists the ids")

    def _rows(self, key: str, source: str | None) -> tuple[ErrorCode, ...]:
        if source is not None:
            return self.pages[source].by_code.get(key, ())
        return tuple(row for page in self.pages.values() for row in page.by_code.get(key, ()))

    def variants(self, code: str | int, source: str | None = None) -> tuple[ErrorCode, ...]:
        """Every documented row of ``code``, in page order: of one source, or of every source
        in priority order. () when none; UnknownSourceError for a source not in SOURCES."""
        self._check(source)
        key = code_of(code)
        return () if key is None else self._rows(key, source)

    def lookup(self, code: str | int, source: str | None = None) -> ErrorCode | None:
        """The first row documented for ``code``: on one source's page, or on the first
        source in priority order that documents it. None when no source documents it."""
        found = self.variants(code, source)
        return found[0] if found else None

    def match(self, code: str | int, message: str, source: str | None = None) -> Match | None:
        """The documented row of ``code`` whose message template matches ``message``, with
        the placeholder values; the most literal text wins when several match. A documented
        code whose templates all fail gives its closest row with ``exact=False``. None when
        the code is not documented."""
        self._check(source)
        key = code_of(code)
        return None if key is None else self._find(key, message, source)

    def _find(self, key: str, message: str, source: str | None) -> Match | None:
        """``match`` of a code already read by ``code_of``, its source already checked."""
        if key not in self._documented:
            return None
        if not isinstance(message, str):
            message = ""
        recent = self._recent.get((source, key, message))
        if recent is not None:
            return recent
        matcher = self._matchers.get((source, key))
        if matcher is None:
            rows = self._rows(key, source)
            if not rows:  # documented, but not on this source's page
                return None
            matcher = self._matchers[(source, key)] = Matcher(rows)
        found = matcher.match(message)
        if not found.exact and len(message) <= MESSAGE_LIMIT:
            if len(self._recent) >= RECENT:
                self._recent.clear()
            self._recent[(source, key, message)] = found
        return found

    def errors(self, payload: object, source: str | None = None) -> list[ResponseError]:
        """Every error in a reply (a dict, or JSON as str or bytes), read in the package's
        reply shape (OKX: each failing item of ``data``, ``sCode``/``sMsg``, then the
        reply's own ``code``/``msg`` when no item explains it). [] for a success or anything
        that is not a JSON object; one error with an empty code for an object the shape
        cannot read (never a success)."""
        self._check(source)  # refused whatever the reply
        find = self._finders.get(source)
        if find is None:  # one per source= given: bounded by SOURCES
            find = self._finders[source] = lambda code, message: self._find(code, message, source)
        return errors(payload, find, self.shape)

    def from_response(self, payload: object, source: str | None = None) -> Match | None:
        """The most specific documented error of a reply: the first failing item when the
        reply says only that operations failed (OKX: code 1 or 2), else the reply's own code
        and message. None for a success, an undocumented code, an unreadable object or
        anything that is not a reply (``errors`` tells them apart)."""
        found = most_specific(self.errors(payload, source), self.shape)
        return None if found is None else found.match
