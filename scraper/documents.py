"""Error-code tables as JSON, read and written in one place: the generated
``generated/json/<source>.json`` and the ``errtables extract --json`` document."""

from __future__ import annotations

import json
from typing import Any

from . import languages
from .model import CodeTable, ErrtablesError, ParseWarning, Source, Table

FORMAT_VERSION = 2  # of the generated JSON; 2: sub-codes split from their code


class DocumentError(ErrtablesError):
    """A JSON document that is not what errtables writes."""


def document(table: CodeTable) -> dict[str, Any]:
    """The generated JSON of one source; row keys are those of ``errtables extract --json``."""
    return {
        "version": FORMAT_VERSION,
        "source": table.source.to_json(),
        "tables": [t.sorted().to_json() for t in table.tables],
        "warnings": [w.to_json() for w in table.warnings],
    }


def from_document(data: dict[str, Any]) -> CodeTable:
    source = Source.from_json(data["source"])
    tables = tuple(Table.from_json(t) for t in data.get("tables", ()))
    warnings = tuple(ParseWarning.from_json(w) for w in data.get("warnings", ()))
    return CodeTable(source, tables, warnings)


def extract_document(tables: list[CodeTable]) -> dict[str, Any]:
    """The ``errtables extract --json`` document: rows in page order, one entry per table."""
    return {
        "tables": [
            {
                "source": t.source.id,
                "url": t.source.url,
                "locale": t.source.locale,
                "title": t.source.title,
                "language": languages.table_language(table),
                **table.to_json(),
            }
            for t in tables
            for table in t.tables
        ],
        # Tables in another language set aside as translations (not rows of their own).
        "copies": [
            {"source": t.source.id, "language": language, **table.to_json()}
            for t in tables
            for language, copies in t.copies
            for table in copies
        ],
        "warnings": [{"source": t.source.id, **w.to_json()} for t in tables for w in t.warnings],
    }


def tables_from_extract(data: dict[str, Any]) -> list[CodeTable]:
    """Group an extract document's tables by source again, for rendering."""
    by_id: dict[str, tuple[Source, list[Table], list[ParseWarning]]] = {}
    for entry in data.get("tables", ()):
        source = Source.from_json({**entry, "id": entry["source"]})
        known = by_id.setdefault(source.id, (source, [], []))
        if known[0] != source:
            raise DocumentError(f"source {source.id} is described two different ways")
        known[1].append(Table.from_json(entry))
    for entry in data.get("warnings", ()):
        if entry.get("source") in by_id:
            by_id[entry["source"]][2].append(ParseWarning.from_json(entry))
    copies: dict[str, dict[str, list[Table]]] = {}
    for entry in data.get("copies", ()):
        if entry.get("source") in by_id:
            languages_of = copies.setdefault(entry["source"], {})
            languages_of.setdefault(str(entry["language"]), []).append(Table.from_json(entry))
    return [
        CodeTable(
            s,
            tuple(t),
            tuple(w),
            tuple((lang, tuple(c)) for lang, c in sorted(copies.get(s.id, {}).items())),
        )
        for s, t, w in by_id.values()
    ]


def extraction(table: CodeTable) -> str:
    """One source's extraction as the cache keeps it: tables in page order, warnings and
    the copies in other languages (the source itself is the cache key's)."""
    return json.dumps(
        {
            "tables": [t.to_json() for t in table.tables],
            "warnings": [w.to_json() for w in table.warnings],
            "copies": [[lang, [t.to_json() for t in tables]] for lang, tables in table.copies],
        },
        ensure_ascii=False,
    )


def from_extraction(source: Source, text: str) -> CodeTable:
    data = json.loads(text)
    return CodeTable(
        source,
        tuple(Table.from_json(t) for t in data["tables"]),
        tuple(ParseWarning.from_json(w) for w in data["warnings"]),
        tuple((str(lang), tuple(Table.from_json(t) for t in ts)) for lang, ts in data["copies"]),
    )
