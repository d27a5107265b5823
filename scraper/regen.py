"""The offline pipeline: captures -> code tables -> generated files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import page as pages
from . import render, write
from .model import CodeTable, ParseWarning, Source, Table
from .sources import Sources, locale_of, slug

GENERATED = "generated"


class PipelineError(Exception):
    pass


def code_table(source: Source, page: pages.Page) -> CodeTable:
    found = page.extract()
    return CodeTable(source, found.tables, found.warnings)


def source_for(page: pages.Page, declared: Sources | None) -> Source:
    """The declared source of a page given on the command line, or one named after it."""
    if declared is not None:
        match = declared.match(page.name, page.url)
        if match is not None:
            return match
    url = page.url or page.name
    source_id = slug(url)
    return Source(source_id, url, locale_of(url), page.title or source_id)


@dataclass
class Collected:
    tables: list[CodeTable] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # source id -> one-line reason
    kept: list[str] = field(default_factory=list)  # committed tables kept as they are
    skipped: list[str] = field(default_factory=list)  # no capture and nothing committed


def read_capture(sources: Sources, source: Source) -> CodeTable:
    """Extract one source's committed capture; an unusable capture raises PipelineError."""
    path = sources.capture_path(source)
    assert path is not None
    try:
        page = pages.read(path)
    except pages.PageError as exc:
        raise PipelineError(
            f"{exc}; run 'errtables capture {source.id} PAGE' to replace it"
        ) from exc
    name = (
        path.relative_to(sources.root).as_posix()
        if path.is_relative_to(sources.root)
        else str(path)
    )
    page = pages.Page(name, page.html, page.text, page.url, page.title, page.html_line)
    table = code_table(source, page)
    if not table.tables:
        raise PipelineError(
            f"{name}: no error-code table found (a challenge page or a changed layout?); "
            f"check the page and run 'errtables capture {source.id} PAGE' with a good copy"
        )
    return table


def committed(out: Path, source: Source) -> CodeTable | None:
    """The table generated/ holds for a source, if any."""
    path = out / "json" / f"{source.id}.json"
    if not path.is_file():
        return None
    return from_document(json.loads(path.read_text(encoding="utf-8")), source)


def from_document(data: dict[str, Any], source: Source | None = None) -> CodeTable:
    if source is None:
        meta = data["source"]
        source = Source(meta["id"], meta["url"], meta["locale"], meta["title"])
    tables = tuple(Table.from_json(t) for t in data.get("tables", ()))
    warnings = tuple(ParseWarning.from_json(w) for w in data.get("warnings", ()))
    return CodeTable(source, tables, warnings)


def collect_offline(sources: Sources, out: Path) -> Collected:
    result = Collected()
    for source in sources.sources:
        if source.capture is None:
            kept = committed(out, source)
            if kept is None:
                result.skipped.append(source.id)
            else:
                result.tables.append(kept)
                result.kept.append(source.id)
            continue
        try:
            result.tables.append(read_capture(sources, source))
        except PipelineError as exc:
            result.failures[source.id] = str(exc)
    return result


@dataclass(frozen=True)
class Outcome:
    collected: Collected
    plan: write.Plan


def regen_offline(sources: Sources, out: Path | None = None, dry_run: bool = False) -> Outcome:
    """Rebuild generated/ from the captures. Nothing is written unless every source extracts."""
    out = out if out is not None else sources.root / GENERATED
    collected = collect_offline(sources, out)
    if collected.failures:
        lines = "\n".join(f"  {sid}: {why}" for sid, why in sorted(collected.failures.items()))
        raise PipelineError(
            f"{len(collected.failures)} source(s) failed; nothing written:\n{lines}"
        )
    files = render.render_all(collected.tables)
    todo = write.plan(out, files)
    if not dry_run:
        write.apply(out, files, todo)
    return Outcome(collected, todo)


def extract_document(tables: list[CodeTable]) -> dict[str, Any]:
    """The ``errtables extract --json`` document: rows in page order, one entry per table."""
    return {
        "tables": [
            {
                "source": t.source.id,
                "url": t.source.url,
                "locale": t.source.locale,
                "title": t.source.title,
                **table.to_json(),
            }
            for t in tables
            for table in t.tables
        ],
        "warnings": [{"source": t.source.id, **w.to_json()} for t in tables for w in t.warnings],
    }


def tables_from_extract(data: dict[str, Any]) -> list[CodeTable]:
    """Group an extract document's tables by source again, for rendering."""
    by_id: dict[str, tuple[Source, list[Table], list[ParseWarning]]] = {}
    for entry in data.get("tables", ()):
        source = Source(entry["source"], entry["url"], entry["locale"], entry["title"])
        known = by_id.setdefault(source.id, (source, [], []))
        if known[0] != source:
            raise PipelineError(f"source {source.id} is described two different ways")
        known[1].append(Table.from_json(entry))
    for entry in data.get("warnings", ()):
        if entry.get("source") in by_id:
            by_id[entry["source"]][2].append(ParseWarning.from_json(entry))
    return [CodeTable(s, tuple(t), tuple(w)) for s, t, w in by_id.values()]
