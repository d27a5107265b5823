"""The command line's options, declared once: the sources file, and the crawl and guard
options that fetch, regen and diff share, turned into the pipeline's ``Options``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import fetch
from . import sources as sources_mod
from .regen import Options


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
        "--backoff",
        type=click.FloatRange(0, 60),
        default=fetch.Settings.backoff,
        show_default=True,
        envvar="ERRTABLES_BACKOFF",
        help="Seconds before a failed request's second attempt (doubling, with jitter).",
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


def crawl(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(CRAWL_OPTIONS):
        f = option(f)
    return f


def make(
    offline: bool,
    strict: bool,
    concurrency: int,
    deadline: float,
    backoff: float,
    crawl_deadline: float,
    allow_removals: bool,
    removal_threshold: float,
    **extra: Any,
) -> Options:
    settings = fetch.Settings(
        per_host=concurrency,
        total=max(16, concurrency),
        deadline=deadline,
        backoff=backoff,
        crawl_deadline=crawl_deadline,
    )
    return Options(
        offline=offline,
        strict=strict,
        allow_removals=allow_removals,
        removal_threshold=removal_threshold,
        settings=settings,
        **extra,
    )


def use(decorators: list[Decorator]) -> Decorator:
    """One command's arguments and options, in the order --help lists them."""

    def apply(f: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            f = decorator(f)
        return f

    return apply


# Each command's own options (the crawl options above are shared).
EXTRACT: list[Decorator] = [
    click.argument("page_names", metavar="PAGE...", nargs=-1, required=True),
    click.option("--json", "as_json", is_flag=True, help="Print tables and warnings as JSON."),
    click.option(
        "--explain",
        is_flag=True,
        help="For every table on the page: taken or skipped, with the evidence and its score.",
    ),
    sources_option,
]


RENDER: list[Decorator] = [
    click.argument(
        "inputs",
        metavar="TABLES.json...",
        nargs=-1,
        required=True,
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
    ),
    click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        required=True,
        help="Folder to write python/, json/ and markdown/ into.",
    ),
    click.option(
        "--package",
        "package",
        metavar="NAME",
        callback=lambda _ctx, _param, value: _package_name(value),
        help="The package for tables whose source sources.toml puts in none "
        "(bybit gives bybit_error_codes, bybit-error-codes).",
    ),
    sources_option,
]


def _package_name(value: str | None) -> str | None:
    if value is not None and not sources_mod.PACKAGE_NAME.fullmatch(value):
        raise click.BadParameter(
            f"lowercase letters, digits and dashes (okx, bybit-v5), not {value!r}"
        )
    return value


REGEN: list[Decorator] = [
    crawl,
    click.option(
        "--out",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Output folder (default: generated/ beside the sources file).",
    ),
    click.option(
        "--report",
        "report_path",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Where to write the Markdown change report, JSON beside it (default: "
        "build/errtables-report.md beside the sources file).",
    ),
    click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of text."),
]


DIFF: list[Decorator] = [
    crawl,
    click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "markdown", "json"]),
        default="text",
        show_default=True,
        help="Report format.",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["info", "warn", "err"]),
        default=None,
        help="Exit 1 when a change of this level or worse is found. Findings about the docs "
        "(duplicate codes, shared messages, conflicting pages, translations) are standing facts, "
        "not changes: they never count.",
    ),
]


CCXT: list[Decorator] = [
    click.option(
        "--exchange",
        default="okx",
        show_default=True,
        help="The ccxt exchange id whose exact map is compared (bybit, gate, kraken, ...).",
    ),
    click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "markdown", "json", "python"]),
        default="text",
        show_default=True,
        help="python: entries for ccxt's exact map, one per missing code, ready to paste.",
    ),
    click.option(
        "--source",
        "source_ids",
        multiple=True,
        default=("okx-v5-en",),
        show_default=True,
        help="The generated table(s) to compare with; repeat for several.",
    ),
    sources_option,
]


CAPTURE: list[Decorator] = [
    click.argument("source_id"),
    click.argument("page_name", metavar="PAGE"),
    sources_option,
]

CHECK: list[Decorator] = [
    click.option("--json", "as_json", is_flag=True, help="Print the stale files as JSON."),
    sources_option,
]

EXPLAIN: list[Decorator] = [
    click.argument("reply", required=False),
    click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON."),
    click.option(
        "--package",
        metavar="PATH|NAME",
        help="The generated package to read with: its folder, or an installed package's "
        "import name (okx_error_codes). Default: the sources file's first package, or, "
        "without one, the one installed.",
    ),
    sources_option,
]


def hold(release: Callable[[], None]) -> None:
    """Keep a lock until the command ends (click closes its context then)."""
    context = click.get_current_context(silent=True)
    if context is not None:
        context.call_on_close(release)


INIT: list[Decorator] = [
    click.argument("url"),
    click.option("--id", "source_id", help="The source id (default: from the URL)."),
    click.option("--package", help="The package name (default: the id's first word)."),
    click.option("--locale", default="en", show_default=True, help="The page's language."),
    click.option("--title", help="The page's title (default: the id)."),
    click.option(
        "--replies",
        help="The reply shape: okx, bybit, binance, kraken, gate, deribit, kucoin, bitget, "
        "htx (default: the package's name when it is one, else okx).",
    ),
    click.option(
        "--dir",
        "directory",
        type=click.Path(path_type=Path, file_okay=False, exists=True),
        default=Path("."),
        help="The repository (default: here).",
    ),
]
