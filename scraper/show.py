"""What the commands print, from typed records: extracted tables, ``--explain``, notes and
warnings, fetch progress and summaries, the ``check`` diff and explained replies. The change
reports themselves are ``report``'s. Nothing here decides anything."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import fetch, languages
from .escape import flat
from .model import CodeTable, plural
from .regen import Fetched, Outcome
from .write import Plan

if TYPE_CHECKING:
    from .extract import Extraction


def colour_wanted() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def label(word: str, colour: str) -> str:
    """``warning:`` or ``note:``, coloured on a terminal only (and never with NO_COLOR)."""
    if sys.stderr.isatty() and "NO_COLOR" not in os.environ:
        return click.style(f"{word}:", fg=colour, bold=True)
    return f"{word}:"


def notes(outcome: Outcome) -> list[str]:
    """The warnings of every source's rows, then the sources that have no capture yet."""
    lines = [
        f"{label('warning', 'yellow')} {table.source.id}: {flat(warning)}"
        for table in outcome.tables
        for warning in table.warnings
    ]
    lines += [
        f"{label('note', 'cyan')} {source_id}: no capture yet, so no table"
        for source_id in outcome.skipped
    ]
    lines += [f"{label('note', 'cyan')} {note}" for note in outcome.notes]
    return lines


def _describe(result: Fetched) -> str:
    """One fetched source (failures are summed up once the crawl is over)."""
    if result.outcome == fetch.NOT_MODIFIED:
        return "304 not modified"
    note = f" (note: {result.note})" if result.note else ""
    return f"{result.http_status}, {result.body_bytes} bytes{note}"


@contextmanager
def progress(total: int, enabled: bool) -> Iterator[Callable[[Fetched], None] | None]:
    """A rich progress bar on a terminal; one plain line per source otherwise."""
    if not enabled:
        yield None
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("fetching", total=total)

            def advance(result: Fetched) -> None:
                if result.outcome != fetch.FAILED:
                    bar.console.print(
                        f"{result.source.id}: {_describe(result)}", markup=False, highlight=False
                    )
                bar.advance(task)

            yield advance
        return

    def line(result: Fetched) -> None:
        if result.outcome != fetch.FAILED:
            click.echo(f"fetch {result.source.id}: {_describe(result)}", err=True)

    yield line


def fetch_summary(outcome: Outcome, offline: bool) -> dict[str, Any]:
    """Per source: status, HTTP code, bytes, not-modified, rows, error."""
    rows = {t.source.id: t.row_count for t in outcome.tables}
    sources = [
        {
            "source": f.source.id,
            "status": f.outcome,
            "http_status": f.http_status,
            "bytes": f.body_bytes,
            "not_modified": f.outcome == fetch.NOT_MODIFIED,
            "rows": None if f.source.id in outcome.failures else rows.get(f.source.id),
            "error": outcome.failures.get(f.source.id) or f.error,
            "note": f.note,
        }
        for f in outcome.fetched
    ]
    return {"sources": sources, "offline": offline or outcome.offline_fallback}


def fetched_line(outcome: Outcome) -> str:
    changed = [p.name for p in outcome.capture_writes]
    answered = sum(1 for f in outcome.fetched if f.outcome != fetch.FAILED)
    return (
        f"{answered} of {plural(len(outcome.fetched), 'source')} fetched, "
        f"{len(outcome.fetched) - answered} failed; captures updated: "
        f"{', '.join(changed) or 'none'}"
    )


def regen_line(outcome: Outcome, report_path: Path) -> str:
    return (
        f"{len(outcome.tables)} of {plural(outcome.declared, 'source')} with tables, "
        f"{plural(outcome.rows, 'row')}: {plural(len(outcome.plan.write), 'file')} written, "
        f"{len(outcome.plan.delete)} removed; report in {report_path}"
    )


def _terminal(lines: list[str]) -> str:
    """Lines for a terminal: scraped text shown as written, with control and bidi characters
    (an escape sequence, U+202E) as \\u escapes; tabs stay the columns' separators."""
    return "".join("\t".join(flat(part) for part in line.split("\t")) + "\n" for line in lines)


def tables(found: list[CodeTable]) -> str:
    """``extract``'s listing: each table with its language, a row per line, then the copies
    in another language that were set aside."""
    lines: list[str] = []
    for table in found:
        for t in table.tables:
            language = languages.table_language(t) or "?"
            lines.append(
                f"# {table.source.id}: {t.section or '(no heading)'} "
                f"[{' | '.join(t.columns)}] {len(t.rows)} rows, {language}"
            )
            for row in t.rows:
                status = "" if row.http_status is None else f" [{row.http_status}]"
                lines.append(f"{row.documented}{status}\t{flat(row.message)}")
        for language, copies in table.copies:
            rows = sum(len(t.rows) for t in copies)
            lines.append(
                f"# {table.source.id}: {len(copies)} tables ({rows} rows) in {language} set "
                f"aside as translations of the {table.source.locale} rows (see --explain)"
            )
    return _terminal(lines)


def explanation(name: str, found: Extraction, table: CodeTable) -> str:
    """Why each table of a page was taken or skipped (``extract --explain``), and which were
    set aside as a copy in another language."""
    lines: list[str] = []
    if not found.explained and not found.tables:
        lines.append(f"{name}: no table on the page")
    aside = {t.section: lang for lang, copies in table.copies for t in copies}
    for item in found.explained:
        where = f"line {item.line}" if item.line is not None else "?"
        header = " | ".join(item.columns) or "(no header)"
        shape = "" if item.shape == "table" else f" ({item.shape})"
        lines.append(f"{name}:{where}: {item.section or '(no heading)'}{shape} [{header}]")
        rows = f", {item.rows} rows" if item.verdict.taken else ""
        lines.append(f"  {item.verdict.explain()}{rows}")
        if item.verdict.taken and item.section in aside:
            lines.append(
                f"  set aside: written in {aside[item.section]}, not {table.source.locale}, and "
                "most of its codes are on the page in that language too: its rows are "
                "translations, not rows of their own"
            )
    return _terminal(lines)


def stale(outcome: Outcome, out: Path) -> str:
    """``check``'s unified diff of every generated file that is out of date."""
    parts = []
    for rel in outcome.plan.write + outcome.plan.delete:
        target = out / rel
        old = target.read_text(encoding="utf-8").splitlines(True) if target.is_file() else []
        new = outcome.files.get(rel, "").splitlines(True)
        parts.append("".join(difflib.unified_diff(old, new, f"a/{rel}", f"b/{rel}")))
    return "".join(parts)


def reply(entries: list[dict[str, Any]]) -> str:
    """``explain``: each error of a reply with its documented row, in every language."""
    if not entries:
        return "no error in this reply\n"
    lines: list[str] = []
    for entry in entries:
        where = "" if entry["index"] is None else f" (item {entry['index']}"
        ids = ", ".join(f"{k} {v}" for k, v in entry["ids"].items())
        where += f", {ids})" if ids else (")" if where else "")
        code = entry["code"] or "(no code)"
        lines.append(f"{code}{where}: {flat(entry['message']) or '(no message)'}")
        row = entry["row"]
        if row is None and not entry["code"]:
            package = entry.get("package") or "the package"
            lines.append(f"  {package} cannot read this reply: not its exchange's shape")
            continue
        if row is None:
            lines.append("  not documented by any source")
            continue
        if entry["exact"]:
            how = "exact"
        elif entry["detail"]:
            how = "the documented message, then detail"
        else:
            how = f"not exact: the closest documented row, score {entry['score']:.2f}"
        status = "" if row["http_status"] is None else f" · HTTP {row['http_status']}"
        documented = "" if row["documented"] == row["code"] else f" · {row['documented']}"
        package = f"{entry['package']}: " if entry.get("package") else ""
        lines.append(f"  {how}; {package}{row['source']}{documented} · {row['section']}{status}")
        lines += [f"  {locale}: {flat(text)}" for locale, text in row["translations"].items()]
        if row.get("category"):
            why = f" ({flat(row['category_evidence'])})" if row.get("category_evidence") else ""
            retry = "retryable" if row.get("retryable") else "not retryable"
            lines.append(f"  category: {row['category']}, {retry}{why}")
        lines += [f"  {{{name}}} = {flat(value)}" for name, value in entry["values"].items()]
        if entry["detail"]:
            lines.append(f"  detail: {flat(entry['detail'])}")
    return _terminal(lines)


def crawl_notes(outcome: Outcome, failures: bool = True) -> list[str]:
    """What a run says of the network: everything unreachable, each failed source (unless
    the report printed after it does), and each fetched page's note."""
    if outcome.offline_fallback:  # one line, not one per source
        return ["errtables: no source could be reached (no network?); using the committed captures"]
    lines = [
        f"errtables: {source_id} failed: {flat(why)} (its committed table is kept)"
        for source_id, why in sorted(outcome.failures.items())
        if failures
    ]
    lines += [
        f"errtables: {f.source.id}: {flat(f.note)}"
        for f in sorted(outcome.fetched, key=lambda f: f.source.id)
        if f.note and f.source.id not in outcome.failures
    ]
    return lines


def captured(target: Path, table: CodeTable) -> str:
    """``capture``'s line: what the stored capture holds."""
    said = f"{target}: {len(table.tables)} tables, {table.row_count} rows"
    for language, copies in table.copies:
        rows = sum(len(t.rows) for t in copies)
        said += f"; {len(copies)} tables ({rows} rows) in {language}, kept as translations"
    return said


def check_summary(plan: Plan) -> dict[str, Any]:
    """``check --json``."""
    fix = None if plan.empty else "make regen OFFLINE=1, then commit"
    stale = {"stale": list(plan.write), "removed": list(plan.delete), "fix": fix}
    return {"up_to_date": plan.empty, **stale}


def stale_line(plan: Plan) -> str:
    return (
        f"errtables: {len(plan.write) + len(plan.delete)} generated file(s) out of date; "
        "run 'make regen OFFLINE=1' and commit"
    )
