"""The errtables command line: a thin layer over the pipeline modules."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from . import capture as captures
from . import page as pages
from . import regen as pipeline
from . import render
from . import sources as sources_mod
from .model import CodeTable
from .regen import PipelineError
from .render import RenderError
from .sources import SourcesError

EXIT_OK, EXIT_DIFFERS, EXIT_ERROR = 0, 1, 2
USER_AGENT = "errtables/0.1 (+https://github.com/errtables/errtables)"

sources_option = click.option(
    "--sources",
    "sources_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=sources_mod.DEFAULT,
    show_default=True,
    help="The sources file; captures and generated/ are found beside it.",
)


def fail(message: str) -> NoReturn:
    click.echo(f"errtables: {message}", err=True)
    sys.exit(EXIT_ERROR)


def load_sources(path: Path, required: bool = True) -> sources_mod.Sources | None:
    try:
        return sources_mod.load(path)
    except SourcesError as exc:
        if required or path.exists():
            fail(str(exc))
        return None


def read_page(name: str) -> pages.Page:
    """A page from a file, or fetched once from an http(s) URL."""
    if name.startswith(("http://", "https://")):
        import httpx  # imported here: the offline commands never need it

        try:
            response = httpx.get(
                name, headers={"User-Agent": USER_AGENT}, timeout=20, follow_redirects=True
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            fail(f"cannot fetch {name}: {exc}")
        page = pages.from_text(name, pages.decode(response.content, response.charset_encoding))
        return page if page.url else pages.Page(name, page.html, page.text, name, page.title)
    return pages.read(Path(name))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="errtables")
def main() -> None:
    """Keep API error-code tables in sync with their documentation."""


@main.command()
@click.argument("page_names", metavar="PAGE...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print tables and warnings as JSON.")
@sources_option
def extract(page_names: tuple[str, ...], as_json: bool, sources_path: Path) -> None:
    """Print the error-code tables found on each PAGE (a file or an http(s) URL).

    Exit status: 0 when every page has an error-code table, 1 when one has none, 2 on error.
    """
    declared = load_sources(sources_path, required=False)
    tables: list[CodeTable] = []
    empty: list[str] = []
    for name in page_names:
        try:
            page = read_page(name)
        except pages.PageError as exc:
            fail(str(exc))
        try:
            source = pipeline.source_for(page, declared)
        except ValueError as exc:
            fail(f"{name}: {exc}")
        table = pipeline.code_table(source, page)
        tables.append(table)
        if not table.tables:
            empty.append(name)
    if as_json:
        doc = pipeline.extract_document(tables)
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for table in tables:
            for t in table.tables:
                click.echo(
                    f"# {table.source.id}: {t.section or '(no heading)'} "
                    f"[{' | '.join(t.columns)}] {len(t.rows)} rows"
                )
                for row in t.rows:
                    status = "" if row.http_status is None else f" [{row.http_status}]"
                    click.echo(f"{row.code}{status}\t{render.one_line(row.message)}")
    for table in tables:
        for warning in table.warnings:
            click.echo(f"warning: {render.one_line(warning)}", err=True)
    for name in empty:
        click.echo(f"errtables: no error-code table found in {name}", err=True)
    sys.exit(EXIT_DIFFERS if empty else EXIT_OK)


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
def render_command(inputs: tuple[Path, ...], out: Path) -> None:
    """Render the output of 'errtables extract --json' into Python, JSON and Markdown."""
    from . import write

    tables: list[CodeTable] = []
    for path in inputs:
        try:
            tables.extend(pipeline.tables_from_extract(json.loads(path.read_text("utf-8"))))
        except (ValueError, KeyError, TypeError, PipelineError) as exc:
            fail(f"{path}: not an 'errtables extract --json' document ({exc})")
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


@main.command()
@click.option("--offline", is_flag=True, help="Use the committed captures; fetch nothing.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Output folder (default: generated/ beside the sources file).",
)
@sources_option
def regen(offline: bool, out: Path | None, sources_path: Path) -> None:
    """Regenerate generated/ from the sources.

    Exit status: 0 on success (nothing written when nothing changed), 2 when a source failed
    (then nothing is written).
    """
    declared = load_sources(sources_path)
    assert declared is not None
    if not offline:
        click.echo(
            "errtables: the live crawler is not built yet; regenerating from the "
            "committed captures (same as --offline)",
            err=True,
        )
    try:
        outcome = pipeline.regen_offline(declared, out)
    except (PipelineError, RenderError) as exc:
        fail(str(exc))
    collected = outcome.collected
    for table in collected.tables:
        for warning in table.warnings:
            click.echo(f"warning: {table.source.id}: {render.one_line(warning)}", err=True)
    for source_id in collected.skipped:
        click.echo(f"note: {source_id}: no capture yet, so no table", err=True)
    rows = sum(t.row_count for t in collected.tables)
    click.echo(
        f"{len(collected.tables)} sources, {rows} rows: "
        f"{len(outcome.plan.write)} files written, {len(outcome.plan.delete)} removed"
    )


@main.command()
@click.argument("source_id")
@click.argument("page_name", metavar="PAGE")
@sources_option
def capture(source_id: str, page_name: str, sources_path: Path) -> None:
    """Store PAGE (a file or URL) as the committed capture of SOURCE_ID, reduced to its tables."""
    declared = load_sources(sources_path)
    assert declared is not None
    try:
        source = declared.by_id(source_id)
        page = read_page(page_name)
    except (SourcesError, pages.PageError) as exc:
        fail(str(exc))
    suffix, text = captures.reduce_page(page, source.url)
    if source.capture is None:
        fail(
            f"source {source_id} has no capture path: add "
            f'capture = "captures/{source_id}{suffix}" to its [[source]] in {sources_path}'
        )
    target = declared.root / source.capture
    if target.suffix != suffix:
        fail(f"{page_name} reduces to a {suffix} capture but {source_id} declares {target}")
    found = pages.from_text(str(target), text).extract()
    if not found.tables:
        fail(f"{page_name}: no error-code table found; not stored")
    from .write import atomic_write

    atomic_write(target, text.encode("utf-8"))
    rows = sum(len(t.rows) for t in found.tables)
    click.echo(f"{target}: {len(found.tables)} tables, {rows} rows")
