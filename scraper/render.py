"""Render code tables into Python, TypeScript, JSON and Markdown, in memory, and check them.

Scraped text reaches the templates only through the escaping filters below: ``pyrepr`` for
Python literals, ``tsvalue`` for TypeScript, ``md_cell`` for Markdown, ``one_line`` for
comments; JSON is produced by the json module. Sorting and naming happen here; the templates
hold layout only.
"""

from __future__ import annotations

import ast
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from json.encoder import encode_basestring as _JSON_STRING
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from .model import CodeTable, Row, code_sort_key

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCHEMA = Path(__file__).resolve().parent / "schemas" / "codes.schema.json"
PACKAGE = "okx_error_codes"
FORMAT_VERSION = 2  # 2: sub-codes split from their code


class RenderError(Exception):
    pass


def _unprintable(ch: str) -> bool:
    return not ch.isprintable() or unicodedata.category(ch) in ("Cf", "Zl", "Zp")


def _escape_unprintable(text: str) -> str:
    if text.isprintable():  # the common case (control, format and bidi characters are not)
        return text
    return "".join(
        (f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        if _unprintable(ch)
        else ch
        for ch in text
    )


def pyrepr(value: object) -> str:
    """A Python literal for str/int/None/tuples, with no raw control or bidi characters."""
    if isinstance(value, str):
        literal = repr(value)  # repr escapes every non-printable character
        if not literal.isprintable() and any(_unprintable(ch) for ch in literal):
            raise RenderError(f"unescaped character in {literal}")
        return literal
    if value is None or isinstance(value, (int, bool)):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(pyrepr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    raise RenderError(f"no Python literal for {type(value).__name__}")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~$#])")  # what can change a cell's structure or meaning


def md_text(value: object) -> str:
    """Text for Markdown: punctuation escaped, HTML inert, unprintables shown as \\uXXXX."""
    text = "" if value is None else str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")
    return _escape_unprintable(text)


def md_code(value: object) -> str:
    """Scraped text in a code span: shown as written and inert on GitHub (no @mention, no
    #issue link, no HTML), on one line."""
    text = _escape_unprintable(str(value).replace("\r\n", " ").replace("\n", " "))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_cell(value: object) -> str:
    text = md_text(value)
    return text if text.strip() else " "


def md_url(value: object) -> str:
    """A URL for an autolink ``<...>``: whatever could end it or a table cell, percent-encoded."""
    return quote(str(value), safe=":/?#[]@!$&'()*+,;=%~-._")


def tsvalue(value: object) -> str:
    """A TypeScript literal for str/int/bool/None/tuples: JSON, with U+2028/U+2029, bidi and
    other control characters as \\u escapes. Scraped text is never code."""
    if isinstance(value, str):
        return _escape_unprintable_json(_JSON_STRING(value))
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(tsvalue(v) for v in value) + "]"
    raise RenderError(f"no TypeScript literal for {type(value).__name__}")


def translation(pairs: tuple[tuple[str, str], ...], locale: str) -> str:
    """A row's message in ``locale``, or "" where the row has no translation."""
    return dict(pairs).get(locale, "")


def one_line(value: object) -> str:
    """Text for a comment line: no newline, no comment terminator, nothing unprintable."""
    text = _escape_unprintable(str(value)).replace("--", "-\u2010")
    return text.replace("*/", "*\u2215")


def json_text(data: Any, sort_keys: bool = True) -> str:
    """2-space indent, final newline; unprintables escaped, other text as is."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=sort_keys)
    return _escape_unprintable_json(text) + "\n"


def _escape_unprintable_json(text: str) -> str:
    if all(line.isprintable() for line in text.split("\n")):
        return text
    out = []
    for ch in text:
        if ch != "\n" and _unprintable(ch):
            code = ord(ch)
            if code > 0xFFFF:
                code -= 0x10000
                out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
            else:
                out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


@cache
def environment(templates: Path = TEMPLATES) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        pyrepr=pyrepr,
        md_cell=md_cell,
        md_code=md_code,
        md_text=md_text,
        md_url=md_url,
        one_line=one_line,
        translation=translation,
        tsvalue=tsvalue,
    )
    return env


@dataclass(frozen=True)
class SourceView:
    """What the templates see of one source: sorted, named, counted."""

    table: CodeTable
    rows: tuple[tuple[str, Row], ...]  # (section, row), sorted by code
    tables: tuple[tuple[str, tuple[Row, ...]], ...]  # (section, rows sorted by code)
    has_http: bool
    has_title: bool
    has_deprecated: bool
    other_locales: tuple[str, ...]  # translation columns: the group's other languages

    @property
    def codes(self) -> int:
        return len({row.code for _, row in self.rows})

    @property
    def source(self) -> Any:
        return self.table.source


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
        has_deprecated=any(r.deprecated for r in every),
        other_locales=tuple(
            sorted({loc for r in every for loc, _ in r.translations} - {table.source.locale})
        ),
    )


def document(table: CodeTable) -> dict[str, Any]:
    """The generated JSON of one source; row keys are those of ``errtables extract --json``."""
    return {
        "version": FORMAT_VERSION,
        "source": table.source.to_json(),
        "tables": [t.sorted().to_json() for t in table.tables],
        "warnings": [w.to_json() for w in table.warnings],
    }


def render_all(
    tables: Iterable[CodeTable], templates: Path = TEMPLATES, check: bool = True
) -> dict[str, str]:
    """Every generated file, as ``{relative path: text}``; each validated unless ``check``
    is off (the caller then validates the files it will write)."""
    env = environment(templates)
    views = [view(t) for t in tables]  # in priority order: that of sources.toml
    ids = [v.source.id for v in views]
    if len(set(ids)) != len(ids):
        raise RenderError(f"two tables for one source id: {sorted(ids)}")
    files: dict[str, str] = {}
    py = f"python/{PACKAGE}"
    files[f"{py}/__init__.py"] = env.get_template("__init__.py.jinja").render(
        views=views, package=PACKAGE
    )
    files[f"{py}/_types.py"] = env.get_template("_types.py.jinja").render()
    files[f"{py}/_match.py"] = env.get_template("_match.py.jinja").render()
    files[f"{py}/py.typed"] = ""
    files["json/codes.schema.json"] = json_text(schema())
    files["markdown/README.md"] = env.get_template("index.md.jinja").render(
        views=views, package=PACKAGE
    )
    ts = "typescript"
    files[f"{ts}/package.json"] = json_text({"sideEffects": False, "type": "module"})
    files[f"{ts}/types.ts"] = env.get_template("ts/types.ts.jinja").render()
    files[f"{ts}/match.ts"] = env.get_template("ts/match.ts.jinja").render()
    files[f"{ts}/index.ts"] = env.get_template("ts/index.ts.jinja").render(views=views)
    for v in views:
        module = v.source.module
        files[f"{ts}/{module}.ts"] = env.get_template("ts/codes.ts.jinja").render(v=v)
        files[f"{py}/{module}.py"] = env.get_template("codes.py.jinja").render(v=v)
        files[f"json/{v.source.id}.json"] = json_text(document(v.table))
        files[f"markdown/{v.source.id}.md"] = env.get_template("table.md.jinja").render(v=v)
    if check:
        validate(files)
    return dict(sorted(files.items()))


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
    """Refuse output that does not parse: Python, JSON against the schema, Markdown tables."""
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
