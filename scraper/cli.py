"""The errtables command line: a thin layer over the pipeline modules.

Exit status everywhere: 0 success (or: no difference), 1 a difference the command was asked
to report (check, diff --fail-on, extract of a page with no table), 2 an error.
"""

from __future__ import annotations

import difflib
import json
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from . import capture as captures
from . import coverage, escape, fetch, join, languages, render, report, write
from . import page as pages
from . import regen as pipeline
from . import sources as sources_mod
from .escape import RenderError
from .extract import Extraction, extract_page
from .model import CodeTable, Source
from .regen import PipelineError
from .sources import SourcesError

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2
DEFAULT_REPORT = Path("build/errtables-report.md")


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM: leaves like KeyboardInterrupt, through every ``finally``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def entry() -> None:
    """The console script: the CLI, with Ctrl-C exiting 130 and SIGTERM 143 (128 plus the
    signal; 1 means "differences found"), in one line, never a traceback. A write phase
    that was under way is finished or undone by the next command (see write.recover)."""

    def stop(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        main()
    except Interrupted as exc:
        name = signal.Signals(exc.signum).name
        click.echo(
            f"errtables: interrupted ({name}); the next errtables command finishes or undoes "
            "any write that was under way",
            err=True,
        )
        sys.exit(128 + exc.signum)


def fail(message: str) -> NoReturn:
    click.echo(f"errtables: {message}", err=True)
    sys.exit(EXIT_ERROR)


def load_sources(path: Path) -> sources_mod.Sources:
    """The sources file; first, any write a killed run left half done is finished or undone."""
    try:
        declared = sources_mod.load(path)
        note = write.recover(declared.root, declared.written)
    except (SourcesError, write.WriteError) as exc:
        fail(str(exc))
    if note:
        click.echo(f"errtables: {note}", err=True)
    return declared


def colour_wanted() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


def read_page(name: str) -> pages.Page:
    """A page from a file, or fetched once from an http(s) URL."""
    if not name.startswith(("http://", "https://")):
        return pages.read(Path(name))
    source = Source("page", name, "und", name)
    (result,) = fetch.crawl([source], {})
    if result.page is None:
        raise pages.PageError(f"cannot fetch {name}: {result.error}")
    return result.page


# --- options shared by several commands ----------------------------------------------------


def sources_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--sources",
        "sources_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=sources_mod.DEFAULT,
        show_default=True,
        help="The sources file; captures/ and generated/ are found beside it.",
    )(f)


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]
CRAWL_OPTIONS: list[Decorator] = [
    click.option("--offline", is_flag=True, help="Use the committed captures; fetch nothing."),
    click.option(
        "--strict",
        is_flag=True,
        help="Any failed source is an error (exit 2) and nothing is written.",
    ),
    click.option(
        "--concurrency",
        type=click.IntRange(1, 64),
        default=4,
        show_default=True,
        help="Requests at once to one host.",
    ),
    click.option(
        "--deadline",
        type=click.FloatRange(0.1, 3600),
        default=60.0,
        show_default=True,
        help="Seconds one request may take in all, however slowly the server sends.",
    ),
    click.option(
        "--crawl-deadline",
        type=click.FloatRange(1, 86400),
        default=900.0,
        show_default=True,
        help="Seconds the whole crawl may take; pages not fetched by then fail.",
    ),
    click.option(
        "--allow-removals",
        is_flag=True,
        help="Accept a source losing many codes (or a removed source).",
    ),
    click.option(
        "--removal-threshold",
        type=click.FloatRange(0, 1),
        default=0.3,
        show_default=True,
        help="Share of a source's codes it may lose before that is refused.",
    ),
    sources_option,
]


def crawl_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(CRAWL_OPTIONS):
        f = option(f)
    return f


def make_options(
    offline: bool,
    strict: bool,
    concurrency: int,
    deadline: float,
    crawl_deadline: float,
    allow_removals: bool,
    removal_threshold: float,
    **extra: Any,
) -> pipeline.Options:
    settings = fetch.Settings(
        per_host=concurrency,
        total=max(16, concurrency),
        deadline=deadline,
        crawl_deadline=crawl_deadline,
    )
    return pipeline.Options(
        offline=offline,
        strict=strict,
        allow_removals=allow_removals,
        removal_threshold=removal_threshold,
        settings=settings,
        **extra,
    )


def _describe(result: fetch.Fetched) -> str:
    """One fetched source (failures are summed up once the crawl is over)."""
    if result.outcome == fetch.NOT_MODIFIED:
        return "304 not modified"
    note = f" (note: {result.note})" if result.note else ""
    return f"{result.http_status}, {result.body_bytes} bytes{note}"


@contextmanager
def progress(total: int, enabled: bool) -> Iterator[Callable[[fetch.Fetched], None] | None]:
    """A rich progress bar on a terminal; one plain line per source otherwise."""
    if not enabled:
        yield None
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import Progress

        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("fetching", total=total)

            def advance(result: fetch.Fetched) -> None:
                if result.outcome != fetch.FAILED:
                    bar.console.print(
                        f"{result.source.id}: {_describe(result)}", markup=False, highlight=False
                    )
                bar.advance(task)

            yield advance
        return

    def line(result: fetch.Fetched) -> None:
        if result.outcome != fetch.FAILED:
            click.echo(f"fetch {result.source.id}: {_describe(result)}", err=True)

    yield line


def run_pipeline(
    sources_path: Path, out: Path | None, options: pipeline.Options, quiet: bool = False
) -> pipeline.Outcome:
    declared = load_sources(sources_path)
    try:
        with progress(len(declared.sources), not options.offline and not quiet) as done:
            outcome = pipeline.run(declared, out, options, done)
    except (PipelineError, RenderError, write.WriteError) as exc:
        fail(str(exc))
    if outcome.offline_fallback:
        click.echo(
            "errtables: no source could be reached (no network?); using the committed captures",
            err=True,
        )
    for source_id, why in sorted(outcome.failures.items()):
        click.echo(f"errtables: {source_id} failed: {why} (its committed table is kept)", err=True)
    return outcome


def label(word: str, colour: str) -> str:
    """``warning:`` or ``note:``, coloured on a terminal only (and never with NO_COLOR)."""
    if sys.stderr.isatty() and "NO_COLOR" not in os.environ:
        return click.style(f"{word}:", fg=colour, bold=True)
    return f"{word}:"


def print_notes(outcome: pipeline.Outcome) -> None:
    for table in outcome.tables:
        for warning in table.warnings:
            click.echo(
                f"{label('warning', 'yellow')} {table.source.id}: {escape.one_line(warning)}",
                err=True,
            )
    for source_id in outcome.skipped:
        click.echo(f"{label('note', 'cyan')} {source_id}: no capture yet, so no table", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="errtables")
def main() -> None:
    """Keep API error-code tables in sync with their documentation."""


@main.command()
@click.argument("page_names", metavar="PAGE...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print tables and warnings as JSON.")
@click.option(
    "--explain",
    is_flag=True,
    help="For every table on the page: taken or skipped, with the evidence and its score.",
)
@sources_option
def extract(page_names: tuple[str, ...], as_json: bool, explain: bool, sources_path: Path) -> None:
    """Print the error-code tables found on each PAGE (a file or an http(s) URL).

    Exit status: 0 when every page has an error-code table, 1 when one has none, 2 on error.
    """
    declared = load_sources(sources_path) if sources_path.is_file() else None
    tables: list[CodeTable] = []
    empty: list[str] = []
    broken: list[str] = []
    for name in page_names:
        try:
            page = read_page(name)
            found = extract_page(page)
            table = pipeline.code_table(pipeline.source_for(page, declared), page, found)
        except (pages.PageError, ValueError) as exc:
            message = str(exc)
            broken.append(message if name in message else f"{name}: {message}")
            continue
        tables.append(table)
        if not table.tables or table.row_count == 0:
            empty.append(name)
        if explain:  # the explanation takes the place of the tables
            print_explanation(name, found, table)
    if as_json and not explain:
        doc = pipeline.extract_document(tables)
        click.echo(escape.json_text(doc, sort_keys=False), nl=False)
    elif not explain:
        for table in tables:
            for t in table.tables:
                language = languages.table_language(t) or "?"
                click.echo(
                    f"# {table.source.id}: {t.section or '(no heading)'} "
                    f"[{' | '.join(t.columns)}] {len(t.rows)} rows, {language}"
                )
                for row in t.rows:
                    status = "" if row.http_status is None else f" [{row.http_status}]"
                    click.echo(f"{row.documented}{status}\t{escape.one_line(row.message)}")
            for language, copies in table.copies:
                rows = sum(len(t.rows) for t in copies)
                click.echo(
                    f"# {table.source.id}: {len(copies)} tables ({rows} rows) in {language} set "
                    f"aside as translations of the {table.source.locale} rows (see --explain)"
                )
    for table in tables:
        for warning in table.warnings:
            click.echo(f"{label('warning', 'yellow')} {escape.one_line(warning)}", err=True)
    for name in empty:
        click.echo(f"errtables: no error-code table found in {name}", err=True)
    for message in broken:
        click.echo(f"errtables: {message}", err=True)
    sys.exit(EXIT_ERROR if broken else EXIT_DIFFERS if empty else EXIT_OK)


def print_explanation(name: str, found: Extraction, table: CodeTable) -> None:
    """Why each table of a page was taken or skipped (``extract --explain``), and which were
    set aside as a copy in another language."""
    if not found.explained and not found.tables:
        click.echo(f"{name}: no table on the page")
    aside = {t.section: lang for lang, copies in table.copies for t in copies}
    for item in found.explained:
        where = f"line {item.line}" if item.line is not None else "?"
        header = " | ".join(item.columns) or "(no header)"
        click.echo(f"{name}:{where}: {item.section or '(no heading)'} [{header}]")
        rows = f", {item.rows} rows" if item.verdict.taken else ""
        click.echo(f"  {item.verdict.explain()}{rows}")
        if item.verdict.taken and item.section in aside:
            click.echo(
                f"  set aside: written in {aside[item.section]}, not {table.source.locale}, and "
                "most of its codes are on the page in that language too: its rows are "
                "translations, not rows of their own"
            )


@main.command("render")
@click.argument(
    "inputs",
    metavar="TABLES.json...",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write python/, json/ and markdown/ into.",
)
@sources_option
def render_command(inputs: tuple[Path, ...], out: Path, sources_path: Path) -> None:
    """Render the output of 'errtables extract --json' into Python, JSON and Markdown.

    A source declared in the sources file (when there is one) is described as it says there,
    in its order there (the lookup priority), and joined with its group's other languages.
    """
    declared = (
        {s.id: s for s in load_sources(sources_path).sources} if sources_path.is_file() else {}
    )
    priority = {source_id: i for i, source_id in enumerate(declared)}
    tables: list[CodeTable] = []
    for path in inputs:
        try:
            found = pipeline.tables_from_extract(json.loads(path.read_text("utf-8")))
        except (ValueError, KeyError, TypeError, PipelineError) as exc:
            fail(f"{path}: not an 'errtables extract --json' document ({exc})")
        tables.extend(
            CodeTable(declared.get(t.source.id, t.source), t.tables, t.warnings, t.copies)
            for t in found
        )
    tables.sort(key=lambda t: priority.get(t.source.id, len(priority)))
    tables, _ = join.join(tables)
    try:
        files = render.render_all(tables)
    except (RenderError, ValueError) as exc:
        fail(str(exc))
    todo = write.plan(out, files)
    write.apply(out, files, todo)
    click.echo(
        f"{out}: {len(todo.write)} written, {len(todo.delete)} removed, "
        f"{len(files) - len(todo.write)} unchanged"
    )


@main.command("fetch")
@crawl_options
@click.option("--json", "as_json", is_flag=True, help="Print a summary per source as JSON.")
def fetch_command(as_json: bool, sources_path: Path, **flags: Any) -> None:
    """Fetch every source and update the captures whose tables changed (generated/ is left
    alone; 'regen' does both)."""
    outcome = run_pipeline(sources_path, None, make_options(generate=False, **flags), quiet=as_json)
    if as_json:
        click.echo(escape.json_text(summary(outcome, flags["offline"])), nl=False)
    else:
        changed = [p.name for p in outcome.capture_writes]
        click.echo(
            f"{len(outcome.fetched)} sources fetched, {len(outcome.failures)} failed; "
            f"captures updated: {', '.join(changed) or 'none'}"
        )


def summary(outcome: pipeline.Outcome, offline: bool) -> dict[str, Any]:
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
            "error": outcome.failures.get(f.source.id),
            "note": f.note,
        }
        for f in outcome.fetched
    ]
    return {"sources": sources, "offline": offline or outcome.offline_fallback}


@main.command()
@crawl_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: generated/ beside the sources file).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Where to write the Markdown change report, JSON beside it (default: "
    "build/errtables-report.md beside the sources file).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text.")
def regen(
    out: Path | None, report_path: Path | None, as_json: bool, sources_path: Path, **flags: Any
) -> None:
    """Fetch the sources, diff against generated/, regenerate it and write a change report.

    Without network every source is unreachable: regen says so and uses the committed
    captures. Exit status: 0 on success, 2 on error (then nothing is written).
    """
    report_path = report_path or sources_path.parent / DEFAULT_REPORT
    options = make_options(report=report_path, **flags)
    outcome = run_pipeline(sources_path, out, options, quiet=as_json)
    print_notes(outcome)
    if as_json:
        data = {
            **summary(outcome, flags["offline"]),
            "written": list(outcome.plan.write),
            "removed": list(outcome.plan.delete),
            "report": outcome.report.to_json(),
        }
        click.echo(escape.json_text(data), nl=False)
        return
    where = str(report_path.with_suffix(".json"))
    click.echo(report.text(outcome.report, colour_wanted(), where=where), nl=False)
    click.echo(
        f"{len(outcome.tables)} sources, {outcome.rows} rows: "
        f"{len(outcome.plan.write)} files written, {len(outcome.plan.delete)} removed; "
        f"report in {report_path}"
    )


@main.command("diff")
@crawl_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["info", "warn", "err"]),
    default=None,
    help="Exit 1 when a change of this level or worse is found. Findings about the docs "
    "(duplicate codes, shared messages, conflicting pages, translations) are standing facts, "
    "not changes: they never count.",
)
def diff_command(fmt: str, fail_on: str | None, sources_path: Path, **flags: Any) -> None:
    """Compare fresh tables (fetched, or from the captures with --offline) with generated/.

    Writes nothing. Exit status: 0, or 1 when --fail-on is reached, 2 on error.
    """
    outcome = run_pipeline(
        sources_path, None, make_options(dry_run=True, **flags), quiet=fmt != "text"
    )
    result = outcome.report
    if fmt == "json":
        click.echo(report.as_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(report.markdown(result), nl=False)
    else:
        where = "errtables diff --format json"
        click.echo(report.text(result, colour_wanted(), where=where), nl=False)
    if fail_on is not None and result.fails_on(fail_on.upper()):
        sys.exit(EXIT_DIFFERS)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the stale files as JSON.")
@sources_option
def check(as_json: bool, sources_path: Path) -> None:
    """Exit 0 when generated/ is what the captures produce, 1 (with a diff) when it is not."""
    options = pipeline.Options(offline=True, dry_run=True, allow_removals=True)
    outcome = run_pipeline(sources_path, None, options, quiet=True)
    out = sources_path.parent / pipeline.GENERATED
    if as_json:
        data = {
            "up_to_date": outcome.plan.empty,
            "stale": list(outcome.plan.write),
            "removed": list(outcome.plan.delete),
            "fix": None if outcome.plan.empty else "make regen OFFLINE=1, then commit",
        }
        click.echo(escape.json_text(data, sort_keys=False), nl=False)
        sys.exit(EXIT_OK if outcome.plan.empty else EXIT_DIFFERS)
    if outcome.plan.empty:
        click.echo("generated/ is up to date")
        return
    for rel in outcome.plan.write + outcome.plan.delete:
        target = out / rel
        old = target.read_text(encoding="utf-8").splitlines(True) if target.is_file() else []
        new = outcome.files.get(rel, "").splitlines(True)
        click.echo("".join(difflib.unified_diff(old, new, f"a/{rel}", f"b/{rel}")), nl=False)
    click.echo(
        f"errtables: {len(outcome.plan.write) + len(outcome.plan.delete)} generated "
        "file(s) out of date; run 'make regen OFFLINE=1' and commit",
        err=True,
    )
    sys.exit(EXIT_DIFFERS)


@main.command()
@click.argument("source_id")
@click.argument("page_name", metavar="PAGE")
@sources_option
def capture(source_id: str, page_name: str, sources_path: Path) -> None:
    """Store PAGE (a file or URL) as the committed capture of SOURCE_ID, reduced to its tables."""
    declared = load_sources(sources_path)
    try:
        source = declared.by_id(source_id)
        page = read_page(page_name)
    except (SourcesError, pages.PageError) as exc:
        fail(str(exc))
    suffix, text = captures.reduce_page(page, source.url)
    target = declared.capture_target(source, suffix)
    table = pipeline.code_table(source, pages.from_text(str(target), text))
    if not table.tables:
        fail(f"{page_name}: {pipeline.no_table_reason(page)}; not stored")
    write.atomic_write(target, text.encode("utf-8"))
    said = f"{target}: {len(table.tables)} tables, {table.row_count} rows"
    for language, copies in table.copies:
        rows = sum(len(t.rows) for t in copies)
        said += f"; {len(copies)} tables ({rows} rows) in {language}, kept as translations"
    click.echo(said)


@main.command("ccxt")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json", "python"]),
    default="text",
    show_default=True,
    help="python: entries for ccxt's exact map, one per missing code, ready to paste.",
)
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    default=("okx-v5-en",),
    show_default=True,
    help="The generated table(s) to compare with; repeat for several.",
)
@sources_option
def ccxt_command(fmt: str, source_ids: tuple[str, ...], sources_path: Path) -> None:
    """Compare ccxt's OKX exception map (its exact codes) with the generated tables.

    Needs ccxt: pip install 'errtables[ccxt]'. Lists the documented codes ccxt does not map,
    the codes it maps that no source documents, and the share it covers.
    """
    try:
        version, exact = coverage.ccxt_exact_map()
        tables = pipeline.committed(sources_path.parent / pipeline.GENERATED)
        found = coverage.compare(tables, list(source_ids), version, exact)
    except (coverage.CoverageError, PipelineError) as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(escape.json_text(found.to_json(), sort_keys=False), nl=False)
    elif fmt == "markdown":
        click.echo(coverage.markdown(found), nl=False)
    elif fmt == "python":
        click.echo(coverage.python(found), nl=False)
    else:
        click.echo(coverage.text(found), nl=False)


def generated_package(sources_path: Path) -> Any:
    """The generated Python package beside the sources file: what users run, used as is."""
    import importlib

    folder = sources_path.resolve().parent / pipeline.GENERATED / "python"
    if not (folder / render.PACKAGE / "__init__.py").is_file():
        fail(f"no generated package in {folder}; run 'make regen' first")
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(render.PACKAGE)
    finally:
        sys.path.remove(str(folder))


def _reply_of(text: str) -> object:
    """A reply as JSON, or ``CODE MESSAGE`` lines (as a log shows them) turned into one."""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    items = []
    for line in text.splitlines():
        code, _, message = line.strip().partition(" ")
        if code:
            items.append({"sCode": code.rstrip(":"), "sMsg": message.strip()})
    return {"code": "1", "msg": "", "data": items}


@main.command("explain")
@click.argument("reply", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@sources_option
def explain(reply: str | None, as_json: bool, sources_path: Path) -> None:
    """Explain the errors in an OKX reply: REPLY (or standard input) as JSON, or CODE MESSAGE
    lines. For each error: its documented row (code, section, HTTP status, the message in
    every language, the placeholder values) and whether the message matches it exactly.

    Exit status: 0 when every error is documented (or there is none), 1 when one is not.
    """
    text = reply if reply is not None else sys.stdin.read()
    codes = generated_package(sources_path)
    found = codes.errors(_reply_of(text))
    entries = [_explained(e) for e in found]
    if as_json:
        click.echo(escape.json_text({"errors": entries}, sort_keys=False), nl=False)
    elif not entries:
        click.echo("no error in this reply")
    for entry in [] if as_json else entries:
        where = "" if entry["index"] is None else f" (item {entry['index']}"
        ids = ", ".join(f"{k} {v}" for k, v in entry["ids"].items())
        where += f", {ids})" if ids else (")" if where else "")
        click.echo(f"{entry['code']}{where}: {escape.one_line(entry['message']) or '(no message)'}")
        row = entry["row"]
        if row is None:
            click.echo("  not documented by any source")
            continue
        if entry["exact"]:
            how = "exact"
        elif entry["detail"]:
            how = "the documented message, then detail"
        else:
            how = f"not exact: the closest documented row, score {entry['score']:.2f}"
        status = "" if row["http_status"] is None else f" · HTTP {row['http_status']}"
        documented = "" if row["documented"] == row["code"] else f" · {row['documented']}"
        click.echo(f"  {how}; {row['source']}{documented} · {row['section']}{status}")
        for locale, message in row["translations"].items():
            click.echo(f"  {locale}: {escape.one_line(message)}")
        for name, value in entry["values"].items():
            click.echo(f"  {{{name}}} = {escape.one_line(value)}")
        if entry["detail"]:
            click.echo(f"  detail: {escape.one_line(entry['detail'])}")
    sys.exit(EXIT_DIFFERS if any(e["row"] is None for e in entries) else EXIT_OK)


def _explained(error: Any) -> dict[str, Any]:
    match = error.match
    row = None
    if match is not None:
        found = match.row
        translations = dict(found.translations) or {"": found.message}
        row = {
            "code": found.code,
            # The code as the docs write it (51008_1001); a package generated before
            # sub-codes were split has none.
            "documented": getattr(found, "documented", found.code),
            "source": found.source,
            "section": found.section,
            "http_status": found.http_status,
            "message": found.message,
            "translations": translations,
        }
    return {
        "index": error.index,
        "code": error.code,
        "message": error.message,
        "ids": dict(error.ids),
        "row": row,
        "exact": bool(match and match.exact),
        "score": match.score if match else 0.0,
        "values": dict(match.values) if match else {},
        "detail": match.detail if match else "",
    }
