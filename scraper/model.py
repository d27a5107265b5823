"""The records that flow through the pipeline: pages in, tables and warnings out."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .ccxt_classes import is_retryable


class Kind(StrEnum):
    """An ordinary documented code, or an HTTP status the page lists beside them."""

    CODE = "code"
    HTTP = "http"


KIND_CODE, KIND_HTTP = Kind.CODE, Kind.HTTP

# Bounds far above any real page (the largest has ~1,100 error rows), so that a hostile or
# broken page costs time and memory in proportion and stops with one line: the bytes of a
# page (downloaded or read from a file), the Markdown table lines read, the error rows one
# source may have, and the bytes of one generated file (GitHub refuses files over 100 MB).
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_TABLE_LINES = 100_000
MAX_ROWS = 20_000
MAX_FILE_BYTES = 25 * 1024 * 1024


def plural(count: int, noun: str) -> str:
    """``1 change``, ``2 changes``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def text_or_none(value: object) -> str | None:
    """A string as it is; anything else read from JSON is None."""
    return value if isinstance(value, str) else None


class Level(StrEnum):
    """How much a change matters to a reviewer, least first."""

    INFO = "INFO"
    WARN = "WARN"
    ERR = "ERR"


class Rule(StrEnum):
    """The rule of a change between two runs, or of a finding about the docs themselves, with
    its level. The ids are part of the report format: never rename one."""

    SOURCE_ADDED = "source-added"
    SOURCE_REMOVED = "source-removed"
    CODE_ADDED = "code-added"
    CODE_REMOVED = "code-removed"
    MESSAGE_CHANGED = "message-changed"
    HTTP_STATUS_CHANGED = "http-status-changed"
    PLACEHOLDERS_CHANGED = "placeholders-changed"
    SECTION_MOVED = "section-moved"
    SECTION_RENAMED = "section-renamed"
    CODE_DEPRECATED = "code-deprecated"
    CODE_SPLIT = "code-split"
    VARIANT_ADDED = "variant-added"
    VARIANT_REMOVED = "variant-removed"
    DUPLICATE_CODE = "duplicate-code"
    SHARED_MESSAGE = "shared-message"
    CONFLICTING_PAGES = "conflicting-pages"
    TRANSLATION_MISSING = "translation-missing"
    TRANSLATION_AMBIGUOUS = "translation-ambiguous"
    # What a row means for the caller changed (its words did, or the rules); a maintainer's
    # decision in categories.toml that the row's own words contradict, or that no row is
    # decided by (a code the docs no longer list, or a typo).
    CATEGORY_CHANGED = "category-changed"
    CATEGORY_DISPUTED = "category-disputed"
    CATEGORY_UNUSED = "category-decision-unused"

    @property
    def level(self) -> Level:
        return _RULE_LEVELS.get(self, Level.INFO)

    @property
    def finding(self) -> bool:
        """A fact about the docs in the fresh tables, not a change; it never fails a run."""
        return self in _FINDINGS


_RULE_LEVELS = {
    Rule.SOURCE_REMOVED: Level.ERR,
    Rule.CODE_REMOVED: Level.ERR,
    Rule.PLACEHOLDERS_CHANGED: Level.ERR,
    Rule.MESSAGE_CHANGED: Level.WARN,
    Rule.HTTP_STATUS_CHANGED: Level.WARN,
    Rule.CODE_DEPRECATED: Level.WARN,
    # A code's rows now written as sub-codes (51008 -> 51008_1000 ...), or back.
    Rule.CODE_SPLIT: Level.WARN,
    # One row of a code listed several times (51008 has 13 on OKX v5), by its position.
    Rule.VARIANT_REMOVED: Level.WARN,
}  # every other rule is INFO: additions, moves, a renamed section, findings
_FINDINGS = frozenset(
    {
        Rule.DUPLICATE_CODE,
        Rule.SHARED_MESSAGE,
        Rule.CONFLICTING_PAGES,
        Rule.TRANSLATION_MISSING,
        Rule.TRANSLATION_AMBIGUOUS,
        Rule.CATEGORY_DISPUTED,
        Rule.CATEGORY_UNUSED,
    }
)


class ErrtablesError(Exception):
    """What errtables says in one line and exits 2 on: a bad input, page, file or state,
    never a bug. Every module's errors derive from it; the command line catches it once."""


PLACEHOLDER = re.compile(r"\{([A-Za-z0-9_]+)\}")  # {0}, {param0}, {op}
# A numeric code as the docs write it: ``51008``, ``-32603``, ``51008_1000``.
NUMERIC_CODE = r"-?[0-9]+(?:_[0-9]+)*"
_NUMERIC_CODE = re.compile(NUMERIC_CODE)


def is_numeric_code(text: str) -> bool:
    """A code that is a number (``-1013``, ``0007``, ``51008_1000``)."""
    return _NUMERIC_CODE.fullmatch(text) is not None


# Kana, Han and Hangul: text in Chinese, Japanese or Korean.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def placeholders_of(message: str) -> tuple[str, ...]:
    """Placeholder names in order of first appearance: ``{0}``, ``{param0}``, ``{op}``."""
    seen: dict[str, None] = {}
    for name in PLACEHOLDER.findall(message):
        seen.setdefault(name, None)
    return tuple(seen)


# A sub-code as the docs write it: ``51008_1000`` is code 51008 (what the API returns) with
# sub-code 1000. Digits on both sides only: ``E_1000`` is a code of its own.
_SUB_CODE = re.compile(r"([0-9]+)_([0-9]+)")


def split_sub_code(code: str) -> tuple[str, str | None]:
    """``51008_1000`` -> ("51008", "1000"); any other code -> (code, None)."""
    found = _SUB_CODE.fullmatch(code)
    return (found.group(1), found.group(2)) if found else (code, None)


def code_sort_key(code: str) -> tuple[int, int, str]:
    """Numeric codes first, in numeric order (``-32603`` < ``0`` < ``1002`` < ``10000``)."""
    try:
        return (0, int(code), code)
    except ValueError:
        return (1, 0, code)


@dataclass(frozen=True)
class Row:
    code: str
    message: str
    http_status: int | None = None
    title: str | None = None
    kind: Kind = Kind.CODE
    deprecated: bool = False  # struck through on the page
    sub_code: str | None = None  # ``1000`` of a row documented as ``51008_1000``
    # The same row in each language of the source's group, (locale, message) by locale; set
    # when the tables are joined, after extraction. Not part of what a diff compares.
    translations: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # What the error means for the caller: a ccxt exception class and why (scraper/
    # categorize.py), set after the join; None in tables written before categories.
    category: str | None = field(default=None, compare=False)
    category_evidence: str | None = field(default=None, compare=False)

    @property
    def placeholders(self) -> tuple[str, ...]:
        return placeholders_of(self.message)

    def amended(
        self,
        translations: tuple[tuple[str, str], ...] | None = None,
        category: str | None = None,
        evidence: str | None = None,
    ) -> Row:
        """This row with its translations, or its category and evidence, set; every other
        field as it was (spelled out, it costs a third of ``dataclasses.replace``, on every
        row; a test keeps the list whole)."""
        return Row(
            self.code,
            self.message,
            self.http_status,
            self.title,
            self.kind,
            self.deprecated,
            self.sub_code,
            self.translations if translations is None else translations,
            self.category if category is None else category,
            self.category_evidence if evidence is None else evidence,
        )

    @property
    def documented(self) -> str:
        """The code as the docs write it: ``51008_1000`` for a sub-code row."""
        return self.code if self.sub_code is None else f"{self.code}_{self.sub_code}"

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "sub_code": self.sub_code,
            "message": self.message,
            "http_status": self.http_status,
            "placeholders": list(self.placeholders),
            "title": self.title,
            "kind": self.kind,
            "deprecated": self.deprecated,
            "translations": dict(self.translations),
            **self._category_json(),
        }

    def _category_json(self) -> dict[str, Any]:
        """Set once the tables are joined: an extraction has no category yet."""
        if self.category is None:
            return {}
        return {
            "category": self.category,
            "retryable": is_retryable(self.category),
            "category_evidence": self.category_evidence,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        status = data.get("http_status")
        code, sub_code = str(data["code"]), data.get("sub_code")
        if "sub_code" not in data:  # written before sub-codes were split
            code, sub_code = split_sub_code(code)
        title, kind, translations = data.get("title"), data.get("kind"), data.get("translations")
        # By position, as ``amended`` (a generated/ of thousands of rows is read each run).
        return cls(
            code,
            str(data["message"]),
            None if status is None else int(status),
            None if title is None else str(title),
            Kind.CODE if not kind or kind == Kind.CODE else Kind(str(kind)),
            bool(data.get("deprecated", False)),
            None if sub_code is None else str(sub_code),
            tuple(sorted((str(k), str(v)) for k, v in translations.items()))
            if translations
            else (),
            text_or_none(data.get("category")),
            text_or_none(data.get("category_evidence")),
        )


@dataclass(frozen=True)
class Table:
    section: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]

    def sorted(self) -> Table:
        rows = tuple(sorted(self.rows, key=lambda r: code_sort_key(r.code)))
        return Table(self.section, self.columns, rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "columns": list(self.columns),
            "rows": [row.to_json() for row in self.rows],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Table:
        return cls(
            section=str(data.get("section") or ""),
            columns=tuple(str(c) for c in data.get("columns") or ()),
            rows=tuple(Row.from_json(r) for r in data.get("rows") or ()),
        )


@dataclass(frozen=True)
class ParseWarning:
    page: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.page if self.line is None else f"{self.page}:{self.line}"
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"page": self.page, "line": self.line, "message": self.message}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ParseWarning:
        line = data.get("line")
        return cls(str(data["page"]), None if line is None else int(line), str(data["message"]))


_SOURCE_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Source:
    """One page of documentation, as declared in sources.toml."""

    id: str
    url: str
    locale: str
    title: str
    capture: str | None = None  # path of the committed capture, relative to sources.toml
    fetch_url: str | None = None  # fetch from here instead (a mirror, a local server)
    group: str | None = None  # sources documenting the same codes in other languages

    def __post_init__(self) -> None:
        if not _SOURCE_ID.fullmatch(self.id):
            raise ValueError(
                f"source id {self.id!r} must be lowercase letters, digits and single dashes "
                "(it names generated files and Python modules)"
            )
        for name in ("url", "locale", "title"):
            value = getattr(self, name)
            if not value or not value.isprintable():
                raise ValueError(f"source {self.id}: {name} must be non-empty printable text")

    @property
    def location(self) -> str:
        """Where the page is fetched from."""
        return self.fetch_url or self.url

    @property
    def module(self) -> str:
        """Python module name of the generated table: derived from the id alone, so stable."""
        return self.id.replace("-", "_")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "locale": self.locale,
            "title": self.title,
            "group": self.group,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Source:
        group = data.get("group")
        return cls(
            str(data["id"]),
            str(data["url"]),
            str(data["locale"]),
            str(data["title"]),
            group=None if group is None else str(group),
        )


@dataclass(frozen=True)
class CodeTable:
    """Everything extracted for one source: what the renderers consume."""

    source: Source
    tables: tuple[Table, ...]
    warnings: tuple[ParseWarning, ...] = field(default=())
    # Tables the page also carries in another language, set aside: (language, tables). They
    # give the rows their translations and are never rows of their own.
    copies: tuple[tuple[str, tuple[Table, ...]], ...] = field(default=())

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    def by_code(self) -> dict[str, list[tuple[str, Row]]]:
        """Code (as the API returns it) -> every (section, row) of it, in page order."""
        found: dict[str, list[tuple[str, Row]]] = {}
        for t in self.tables:
            for row in t.rows:
                found.setdefault(row.code, []).append((t.section, row))
        return found
