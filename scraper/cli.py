"""The errtables command line: options in, one pipeline call per command, text out (``show``
and ``report`` format it).

Exit status everywhere: 0 success (or: no difference), 1 a difference the command was asked
to report (check, diff --fail-on, extract of a page with no table), 2 an error.
"""

from __future__ import annotations

import dataclasses
import sys
from enum import IntEnum
from pathlib import Path
from typing import Any

import click

# What check and regen use; others import the rest themselves, so that those start fast.
from . import escape, options, regen, report, show, state, write
from . import sources as sources_mod
from .cache import Cache
from .model import CodeTable, ErrtablesError


class Exit(IntEnum):
    """The exit statuses of every command (Ctrl-C and SIGTERM: 128 plus the signal)."""

    OK = 0  # success, or no difference
    DIFFERS = 1  # a difference the command was asked to report
    ERROR = 2  # an error, said in one line; nothing written


DEFAULT_REPORT = Path("build/errtables-report.md")


def load_sources(path: Path) -> sources_mod.Sources:
    """The sources file; first, any write a killed run left half done is finished or undone."""
    declared = sources_mod.load(path)
    options.hold(write.lock(declared.root))  # one errtables per tree; taken before recover
    note = write.recover(declared.root, declared.written)
    if note:
        click.echo(f"errtables: {note}", err=True)
    return declared


def run_pipeline(
    sources_path: Path,
    out: Path | None,
    options: regen.Options,
    quiet: bool = False,
    reported: bool = False,
) -> regen.Outcome:
    """The pipeline, with what it says of the network; ``reported``: the text report that
    follows lists the failed sources, so they are not said here too."""
    declared = load_sources(sources_path)
    options = dataclasses.replace(options, cache=options.cache or Cache.for_tree(declared.root))
    with show.progress(len(declared.sources), not options.offline and not quiet) as done:
        outcome = regen.run(declared, out, options, done)
    for line in show.crawl_notes(outcome, failures=not reported):
        click.echo(line, err=True)
    return outcome


def echo_json(data: Any, sort_keys: bool = True) -> None:
    click.echo(escape.json_text(data, sort_keys=sort_keys), nl=False)


class _Commands(click.Group):
    """The commands: an ErrtablesError from any of them is one line and exit 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ErrtablesError as exc:
            click.echo(f"errtables: {exc}", err=True)
            sys.exit(Exit.ERROR)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="errtables")
def main() -> None:
    """Keep API error-code tables in sync with their documentation."""


@main.command()
@options.use(options.EXTRACT)
def extract(page_names: tuple[str, ...], as_json: bool, explain: bool, sources_path: Path) -> None:
    """Print the error-code tables found on each PAGE (a file or an http(s) URL).

    Exit status: 0 when every page has an error-code table, 1 when one has none, 2 on error.
    """
    from . import commands, documents
    from . import page as pages
    from .extract import extract_page

    declared = load_sources(sources_path) if sources_path.is_file() else None
    tables: list[CodeTable] = []
    empty: list[str] = []
    broken: list[str] = []
    for name in page_names:
        try:
            page = commands.read_page(name)
            found = extract_page(page)
            table = regen.code_table(commands.source_for(page, declared), page, found)
        except (pages.PageError, ValueError) as exc:
            broken.append(str(exc) if name in str(exc) else f"{name}: {exc}")
            continue
        tables.append(table)
        if not table.tables or table.row_count == 0:
            empty.append(name)
        if explain:  # the explanation takes the place of the tables
            click.echo(show.explanation(name, found, table), nl=False)
    if as_json and not explain:
        echo_json(documents.extract_document(tables), sort_keys=False)
    elif not explain:
        click.echo(show.tables(tables), nl=False)
    for table in tables:
        for warning in table.warnings:
            click.echo(f"{show.label('warning', 'yellow')} {escape.flat(warning)}", err=True)
    for name in empty:
        click.echo(f"errtables: no error-code table found in {name}", err=True)
    for message in broken:
        click.echo(f"errtables: {message}", err=True)
    sys.exit(Exit.ERROR if broken else Exit.DIFFERS if empty else Exit.OK)


@main.command("render")
@options.use(options.RENDER)
def render_command(
    inputs: tuple[Path, ...], out: Path, package: str | None, sources_path: Path
) -> None:
    """Render 'errtables extract --json' documents (or generated/json tables) into Python,
    JSON and Markdown.

    A source declared in the sources file (when there is one) is described as it says there,
    in its order there (the lookup priority), joined with its group's other languages, and
    goes into its package; --package names the package of the others.
    """
    from . import commands

    declared = load_sources(sources_path) if sources_path.is_file() else None
    files = write.manifested(commands.render_extracted(list(inputs), declared, package))
    options.hold(write.lock(out))
    todo = write.plan(out, files)
    write.apply(out, files, todo)
    unchanged = len(files) - len(todo.write)
    click.echo(
        f"{out}: {len(todo.write)} written, {len(todo.delete)} removed, {unchanged} unchanged"
    )


@main.command("fetch")
@options.crawl
@click.option("--json", "as_json", is_flag=True, help="Print a summary per source as JSON.")
def fetch_command(as_json: bool, sources_path: Path, **flags: Any) -> None:
    """Fetch every source and update the captures whose tables changed (generated/ is left
    alone; 'regen' does both)."""
    outcome = run_pipeline(sources_path, None, options.make(generate=False, **flags), quiet=as_json)
    if as_json:
        echo_json(show.fetch_summary(outcome, flags["offline"]))
    else:
        click.echo(show.fetched_line(outcome))
    if outcome.offline_fallback:  # nothing was fetched: not a success
        sys.exit(Exit.ERROR)


@main.command("regen")
@options.use(options.REGEN)
def regen_command(
    out: Path | None, report_path: Path | None, as_json: bool, sources_path: Path, **flags: Any
) -> None:
    """Fetch the sources, diff against generated/, regenerate it and write a change report.

    Without network every source is unreachable: regen says so and uses the committed
    captures. Exit status: 0 on success, 2 on error (then nothing is written).
    """
    report_path = report_path or sources_path.parent / DEFAULT_REPORT
    made = options.make(report=report_path, **flags)
    outcome = run_pipeline(sources_path, out, made, as_json, reported=not as_json)
    for line in show.notes(outcome):
        click.echo(line, err=True)
    if as_json:
        written = {"written": list(outcome.plan.write), "removed": list(outcome.plan.delete)}
        summary = show.fetch_summary(outcome, flags["offline"])
        echo_json({**summary, **written, "report": outcome.report.to_json()})
        return
    where = str(report_path.with_suffix(".json"))
    click.echo(report.text(outcome.report, show.colour_wanted(), where=where), nl=False)
    click.echo(show.regen_line(outcome, report_path))


@main.command("diff")
@options.use(options.DIFF)
def diff_command(fmt: str, fail_on: str | None, sources_path: Path, **flags: Any) -> None:
    """Compare fresh tables (fetched, or from the captures with --offline) with generated/.

    Writes nothing. Exit status: 0, or 1 when --fail-on is reached, 2 on error.
    """
    dry = options.make(dry_run=True, **flags)
    result = run_pipeline(sources_path, None, dry, fmt != "text", reported=fmt == "text").report
    if fmt == "json":
        click.echo(report.as_json(result), nl=False)
    elif fmt == "markdown":
        click.echo(report.markdown(result), nl=False)
    else:
        where = "errtables diff --format json"
        click.echo(report.text(result, show.colour_wanted(), where=where), nl=False)
    if fail_on is not None and result.fails_on(fail_on.upper()):
        sys.exit(Exit.DIFFERS)


@main.command()
@options.use(options.CHECK)
def check(as_json: bool, sources_path: Path) -> None:
    """Exit 0 when generated/ is what the captures produce, 1 (with a diff) when it is not."""
    offline = regen.Options(offline=True, dry_run=True, allow_removals=True)
    outcome = run_pipeline(sources_path, None, offline, quiet=True)
    plan = outcome.plan
    if outcome.rebuilt:  # a file the tree needs is missing: out of date whatever generated/ is
        for line in show.notes(outcome):
            click.echo(line, err=True)
        click.echo("errtables: run 'make regen OFFLINE=1' and commit", err=True)
        sys.exit(Exit.DIFFERS)
    if as_json:
        echo_json(show.check_summary(plan), sort_keys=False)
    elif plan.empty:
        click.echo("generated/ is up to date")
    else:
        click.echo(show.stale(outcome, sources_path.parent / state.GENERATED), nl=False)
        click.echo(show.stale_line(plan), err=True)
    sys.exit(Exit.OK if plan.empty else Exit.DIFFERS)


@main.command()
@options.use(options.CAPTURE)
def capture(source_id: str, page_name: str, sources_path: Path) -> None:
    """Store PAGE (a file or URL) as the committed capture of SOURCE_ID, reduced to its tables."""
    from . import commands

    declared = load_sources(sources_path)
    source = declared.by_id(source_id)
    target, table = commands.store_capture(declared, source, commands.read_page(page_name))
    click.echo(show.captured(target, table))


@main.command("ccxt")
@options.use(options.CCXT)
def ccxt_command(exchange: str, fmt: str, source_ids: tuple[str, ...], sources_path: Path) -> None:
    """Compare ccxt's exception map of an exchange (its exact codes) with the generated tables.

    Needs ccxt: pip install 'errtables[ccxt]'. The documented codes ccxt does not map with their
    category (--format python: lines to paste), the codes it maps that no source documents,
    the share it covers, and where ccxt's class is not what the docs' words say."""
    from . import ccxt_map

    version, exact = ccxt_map.ccxt_exact_map(exchange)
    tables = state.committed(sources_path.parent / state.GENERATED)
    found = ccxt_map.compare(tables, list(source_ids), version, exact)
    if fmt == "json":
        echo_json(found.to_json(), sort_keys=False)
    else:
        formats = {"markdown": ccxt_map.markdown, "python": ccxt_map.python}
        click.echo(formats.get(fmt, ccxt_map.text)(found), nl=False)


@main.command("explain")
@options.use(options.EXPLAIN)
def explain(reply: str | None, as_json: bool, package: str | None, sources_path: Path) -> None:
    """Explain the errors in a reply: REPLY (or standard input) as JSON, or log lines that
    hold it (a ccxt exception, ``code=… msg=…``, ``… 51008 Order failed …``), read by the
    generated package whose reply shape reads it and whose sources document its codes. For
    each error: the package, its documented row (code, section, HTTP status, the message in
    every language, the placeholder values) and whether the message matches it exactly.

    Exit status: 0 when every error is documented (or there is none), 1 when one is not, 2
    when the input holds no reply, code or message.
    """
    from . import replies

    text = reply if reply is not None else sys.stdin.read()
    entries = replies.explain(text, replies.generated_packages(sources_path, package))
    if as_json:
        echo_json({"errors": entries}, sort_keys=False)
    else:
        click.echo(show.reply(entries), nl=False)
    sys.exit(Exit.DIFFERS if any(e["row"] is None for e in entries) else Exit.OK)


@main.command("init")
@options.use(options.INIT)
def init_command(url: str, directory: Path, **given: Any) -> None:
    """Set errtables up in a repository: sources.toml with URL as its source, the regen and
    check workflows, a README section. Only new files are written (else exit 2)."""
    from . import init

    made = init.plan(directory, url, **given)  # refused before any file, the lock too
    options.hold(write.lock(directory))
    written = init.apply(directory, made)
    click.echo(f"errtables: wrote {', '.join(written)}; now run 'errtables regen' and commit")
