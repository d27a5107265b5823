"""Render code tables into Python, TypeScript, JSON and Markdown, in memory, and check them.

Scraped text reaches the templates only through the escaping filters of ``escape``; JSON is
produced by the json module. Sorting and naming happen here; the templates hold layout only.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path
from typing import Any

from . import documents
from .cache import Cache, pickled_digest
from .ccxt_classes import FALLBACK, is_retryable
from .escape import (
    TEMPLATES,
    RenderError,
    _escape_unprintable,
    environment,
    json_text,
    md_cell,
    md_code,
    md_text,
    md_url,
    one_line,
    pyrepr,
    translation,
    tsvalue,
)
from .model import MAX_FILE_BYTES, CodeTable, Row, code_sort_key
from .runtime import PYTHON_FILES, TYPESCRIPT_FILES, python_source, typescript_source
from .runtime import constants as runtime_constants
from .sources import DEFAULT_PACKAGE, Package

SCHEMA = Path(__file__).resolve().parent / "schemas" / "codes.schema.json"

# What is generated from templates: output path (under generated/) and its template, laid out
# like the output. Each source gets the SOURCE_OUTPUTS once ({module}: its Python name,
# {source}: its id); JSON is written by the json module, not a template.
# Each package ({python}: its import name, {dist}: its distribution and npm name) gets the
# PACKAGE_OUTPUTS once and, per source, the SOURCE_OUTPUTS; the Markdown index is shared.
PACKAGE_OUTPUTS = (
    ("python/{dist}/{python}/__init__.py", "python/__init__.py.jinja"),
    ("python/{dist}/pyproject.toml", "python/pyproject.toml.jinja"),
    ("python/{dist}/README.md", "python/README.md.jinja"),
    ("typescript/{dist}/index.ts", "typescript/index.ts.jinja"),
    ("typescript/{dist}/constants.ts", "typescript/constants.ts.jinja"),
    ("typescript/{dist}/README.md", "python/README.md.jinja"),
)
SOURCE_OUTPUTS = (
    ("python/{dist}/{python}/{module}.py", "python/{module}.py.jinja"),
    ("typescript/{dist}/{module}.ts", "typescript/{module}.ts.jinja"),
)
# Markdown and JSON stay per source, whatever its package.
SHARED_OUTPUTS = (("markdown/README.md", "markdown/README.md.jinja"),)
MARKDOWN_OUTPUT = ("markdown/{source}.md", "markdown/{source}.md.jinja")

# The escaping filters are this module's API too (tests and callers name them here).
__all__ = [
    "TEMPLATES",
    "RenderError",
    "SourceView",
    "_escape_unprintable",
    "environment",
    "json_text",
    "markdown_table_widths",
    "md_cell",
    "md_code",
    "md_text",
    "md_url",
    "one_line",
    "pyrepr",
    "render_all",
    "schema",
    "translation",
    "tsvalue",
    "validate",
    "view",
]


@dataclass(frozen=True)
class SourceView:
    """What the templates see of one source: sorted, named, counted."""

    table: CodeTable
    rows: tuple[tuple[str, Row], ...]  # (section, row), sorted by code
    tables: tuple[tuple[str, tuple[Row, ...]], ...]  # (section, rows sorted by code)
    has_http: bool
    has_title: bool
    has_category: bool
    other_locales: tuple[str, ...]  # translation columns: the group's other languages
    sections: tuple[str, ...]  # every section once, in order of first use by ``rows``
    categories: tuple[str, ...] = ()  # every category but ExchangeError once, sorted

    @property
    def codes(self) -> int:
        return len({row.code for _, row in self.rows})

    @property
    def columns(self) -> tuple[str, ...]:
        """The Markdown table's header: optional columns only where some row has a value."""
        return (
            "Code",
            *(["HTTP status"] if self.has_http else []),
            *(["Title"] if self.has_title else []),
            "Message",
            "Placeholders",
            *(["Category"] if self.has_category else []),
            *(f"Message ({locale})" for locale in self.other_locales),
        )

    def cells(self, row: Row) -> tuple[object, ...]:
        """One row's cells under ``columns``, unescaped (the template escapes each). A
        deprecated row says so beside its code: one row's change is one line of the table."""
        return (
            f"{row.documented} (deprecated)" if row.deprecated else row.documented,
            *([row.http_status] if self.has_http else []),
            *([row.title] if self.has_title else []),
            row.message,
            ", ".join(row.placeholders),
            *([_category_cell(row)] if self.has_category else []),
            *(translation(row.translations, locale) for locale in self.other_locales),
        )

    @property
    def source(self) -> Any:
        return self.table.source

    def short(self, section: str, row: Row) -> tuple[tuple[object, ...], dict[str, object]]:
        """A row as the generated modules write it: its arguments after the message, up to
        the last one that is set (the section's place in ``sections``, the HTTP status, the
        category's place in ``categories`` (None: ExchangeError), the translations without
        the page's own language), and only what else differs from the defaults, named as
        the run-time's row makers name it."""
        extra: dict[str, object] = {}
        if row.title is not None:
            extra["title"] = row.title
        if row.kind != "code":
            extra["kind"] = str(row.kind)
        if row.deprecated:
            extra["deprecated"] = True
        if row.sub_code is not None:
            extra["sub"] = row.sub_code
        category = None
        if row.category is not None and row.category != FALLBACK:
            category = self.categories.index(row.category)
        translations = None
        if row.translations:
            own = dict(row.translations).get(self.source.locale)
            if own != row.message:
                raise RenderError(
                    f"{self.source.id}: row {row.documented} has a translation in its own "
                    "language that is not its message"
                )
            translations = {k: v for k, v in row.translations if k != self.source.locale}
        args: tuple[object, ...] = (
            self.sections.index(section),
            row.http_status,
            category,
            translations,
        )
        while args[-1] is None:
            args = args[:-1]
        return args, extra


def _category_cell(row: Row) -> str:
    """``RateLimitExceeded (retryable)``; empty for a row without a category."""
    if row.category is None:
        return ""
    return f"{row.category} (retryable)" if is_retryable(row.category) else row.category


def view(table: CodeTable) -> SourceView:
    tables = tuple((t.section, t.sorted().rows) for t in table.tables)
    rows = sorted(
        ((section, row) for section, trows in tables for row in trows),
        key=lambda item: code_sort_key(item[1].code),
    )
    every = [row for _, row in rows]
    return SourceView(
        table,
        tuple(rows),
        tables,
        has_http=any(r.http_status is not None for r in every),
        has_title=any(r.title for r in every),
        has_category=any(r.category for r in every),
        other_locales=tuple(
            sorted({loc for r in every for loc, _ in r.translations} - {table.source.locale})
        ),
        sections=tuple(dict.fromkeys(section for section, _ in rows)),
        categories=tuple(sorted({r.category for r in every if r.category} - {FALLBACK})),
    )


def render_all(
    tables: Iterable[CodeTable],
    templates: Path = TEMPLATES,
    check: bool = True,
    packages: Sequence[Package] = (),
    versions: Mapping[str, str] | None = None,
    kept: Cache | None = None,
    keys: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Every generated file, as ``{relative path: text}``; each validated unless ``check``
    is off (the caller then validates the files it will write). ``packages`` say which
    sources go where (one package, okx, holds them all when none are given); ``versions``
    gives each package's version by name (``0.0.0`` when unknown). A file whose tables are
    those it was last rendered from is taken from ``kept``, the cache, unrendered; a table
    is known by its key in ``keys`` (what derived it), else by its pickled bytes."""
    tables = list(tables)  # in priority order: that of sources.toml
    if not tables:
        raise RenderError("no table to render: every source failed or has no capture")
    ids = [t.source.id for t in tables]
    if len(set(ids)) != len(ids):
        raise RenderError(f"two tables for one source id: {sorted(ids)}")
    declared = {i for p in packages for i in p.sources}
    extra = tuple(i for i in ids if i not in declared)  # tables of undeclared sources
    if not packages:
        packages = (Package(DEFAULT_PACKAGE, extra),)
    elif extra:  # they go into the first package, after its own
        first = packages[0]
        packages = (replace(first, sources=first.sources + extra), *packages[1:])
    out = _Outputs(templates, kept if templates == TEMPLATES else None, tables, keys or {})
    out.files["json/codes.schema.json"] = json_text(schema())
    every = (repr(packages), *out.digests.values())
    for output, template in SHARED_OUTPUTS:
        out.add(output, every, template, lambda: {"views": out.views(ids), "packages": packages})
    for package in packages:
        members = [i for i in package.sources if i in out.digests]  # in the package's order
        if members:  # else no source of it has a table yet
            version = (versions or {}).get(package.name, "0.0.0")
            _package_files(out, package, members, version)
    output, template = MARKDOWN_OUTPUT
    for i in ids:
        out.add(output.format(source=i), (out.digests[i],), template, partial(out.view, i))
        out.add(f"json/{i}.json", (out.digests[i],), None, partial(_document, out.by_id[i]))
    if check:
        validate(out.files)
    return dict(sorted(out.files.items()))


def _document(table: CodeTable) -> str:
    return json_text(documents.document(table))


class _Outputs:
    """The files being rendered. Each is keyed by what it shows (the pickled tables: equal
    bytes are equal tables, translations included) and by its template's place; a file
    whose key the cache holds is not rendered again."""

    def __init__(
        self,
        templates: Path,
        kept: Cache | None,
        tables: list[CodeTable],
        keys: Mapping[str, str],
    ) -> None:
        self.templates = templates
        self.kept = kept or Cache(None)
        self.by_id = {t.source.id: t for t in tables}
        self.digests = {i: keys.get(i) or pickled_digest(t) for i, t in self.by_id.items()}
        self.files: dict[str, str] = {}
        self._views: dict[str, SourceView] = {}
        self._env: Any = None

    def view(self, source_id: str) -> SourceView:
        if source_id not in self._views:
            self._views[source_id] = view(self.by_id[source_id])
        return self._views[source_id]

    def views(self, ids: Iterable[str]) -> list[SourceView]:
        return [self.view(i) for i in ids]

    def add(
        self,
        path: str,
        inputs: tuple[str, ...],
        template: str | None,
        context: Callable[[], Any],
    ) -> None:
        """``path`` rendered from ``template`` with ``context()`` (a mapping, or one view as
        ``v``; without a template, ``context()`` is the text itself)."""

        def make() -> str:
            given = context()
            if template is None:
                return str(given)
            if self._env is None:
                self._env = environment(self.templates)
            if isinstance(given, SourceView):
                given = {"v": given}
            return str(self._env.get_template(template).render(**given))

        self.files[path] = self.kept.derived(f"render/{path}", (template or "", *inputs), make)


def _package_files(out: _Outputs, package: Package, members: list[str], version: str) -> None:
    names = {"python": package.python, "dist": package.distribution}
    out.files[f"python/{package.distribution}/{package.python}/py.typed"] = ""
    out.files[f"typescript/{package.distribution}/package.json"] = json_text(
        npm_manifest(package, version),
        sort_keys=False,  # "types" first in exports
    )
    inputs = (repr(package), version, *(out.digests[i] for i in members))

    def context(language: str) -> dict[str, Any]:
        return {
            "views": out.views(members),
            "package": package,
            "version": version,
            "constants": shared_constants(),
            "language": language,
        }

    for output, template in PACKAGE_OUTPUTS:
        out.add(output.format(**names), inputs, template, partial(context, output.split("/")[0]))
    for i in members:
        here = {**names, "module": out.by_id[i].source.module, "source": i}
        for output, template in SOURCE_OUTPUTS:
            out.add(output.format(**here), (out.digests[i],), template, partial(out.view, i))
    out.files.update(runtime_files(package))


def npm_manifest(package: Package, version: str) -> dict[str, Any]:
    """The npm package.json: ESM, its types, no dependencies; the files npm pack ships are
    the compiled ones (make dist compiles them beside this file)."""
    return {
        "name": package.distribution,
        "version": version,
        "description": f"Error codes of {package.name}'s API docs, extracted by errtables",
        "license": "MIT",
        "type": "module",
        "main": "./index.js",
        "types": "./index.d.ts",
        "exports": {".": {"types": "./index.d.ts", "default": "./index.js"}},
        "files": ["*.js", "*.d.ts", "README.md"],
        "sideEffects": False,
        "engines": {"node": ">=18"},
    }


def runtime_files(package: Package) -> dict[str, str]:
    """The run-time library, copied unchanged under a header line that says where from."""
    files = {}
    python = f"python/{package.distribution}/{package.python}"
    for name in PYTHON_FILES:
        header = f"# Code generated by errtables from scraper/runtime/python/{name}. DO NOT EDIT.\n"
        files[f"{python}/{name}"] = header + python_source(name)
    for name in TYPESCRIPT_FILES:
        header = (
            f"// Code generated by errtables from scraper/runtime/typescript/{name}. DO NOT EDIT.\n"
        )
        files[f"typescript/{package.distribution}/{name}"] = header + typescript_source(name)
    return files


_CONSTANT = re.compile(r"([A-Z_]+): Final = ")


def shared_constants() -> list[tuple[str, object, list[str]]]:
    """The run-time constants both languages share, as (name, value, comment lines), in the
    order and with the comments of ``_constants.py``."""
    found = []
    comment: list[str] = []
    for line in python_source("_constants.py").splitlines():
        if line.startswith("# "):
            comment.append(line[2:])
        elif match := _CONSTANT.match(line):
            name = match.group(1)
            found.append((name, getattr(runtime_constants, name), comment))
            comment = []
        elif not line.startswith(" ") and not line.startswith(")"):
            comment = []
    return found


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return data


_MD_ROW = re.compile(r"^\|.*\|$")


def markdown_table_widths(text: str) -> list[int]:
    """Cell counts of every table line of a GFM document (escaped pipes do not count)."""
    widths = []
    for line in text.splitlines():
        if _MD_ROW.match(line):
            widths.append(len(re.split(r"(?<!\\)\|", line)) - 2)
    return widths


def validate(files: dict[str, str]) -> None:
    """Refuse output that does not parse (Python, JSON against the schema, Markdown tables)
    or is over MAX_FILE_BYTES, before anything is parsed."""
    for path, text in files.items():
        if len(text) > MAX_FILE_BYTES // 4 and len(text.encode("utf-8")) > MAX_FILE_BYTES:
            raise RenderError(
                f"{path}: over {MAX_FILE_BYTES // 2**20} MB, the most one generated file may "
                "have; too many rows in a source?"
            )
    validator = None
    for path, text in files.items():
        if path.endswith(".py"):
            try:
                ast.parse(text, filename=path)
            except SyntaxError as exc:
                raise RenderError(f"{path}: generated Python does not parse: {exc}") from exc
        elif path.startswith("json/") and not path.endswith(".schema.json"):
            if validator is None:
                import jsonschema  # here: a run that writes no JSON never loads it

                validator = jsonschema.Draft202012Validator(schema())
            errors = sorted(validator.iter_errors(json.loads(text)), key=str)
            if errors:
                raise RenderError(f"{path}: does not match codes.schema.json: {errors[0].message}")
        elif path.endswith(".md"):
            _check_markdown(path, text)


def _check_markdown(path: str, text: str) -> None:
    block: list[int] = []
    for line in [*text.splitlines(), ""]:
        if _MD_ROW.match(line):
            block.append(len(re.split(r"(?<!\\)\|", line)) - 2)
            continue
        if block and len(set(block)) != 1:
            raise RenderError(f"{path}: a Markdown table has rows of {sorted(set(block))} cells")
        block = []
