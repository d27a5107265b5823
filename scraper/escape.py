"""Escaping filters for scraped text, one per output language, and the Jinja environment
that offers them to the templates.

Scraped text reaches the templates only through these filters: ``pyrepr`` for Python
literals, ``tsvalue`` for TypeScript, ``md_cell`` for Markdown, ``one_line`` for comments;
JSON goes through ``json_text``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from json.encoder import encode_basestring as _JSON_STRING
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:  # jinja2 is imported when a file is rendered: a cached run never loads it
    import jinja2

from .model import ErrtablesError


def _templates() -> Path:
    """The Jinja templates: inside the package when errtables is installed from a wheel
    (``templates/`` is shipped as ``scraper/templates``), else the repository's own. For a
    package on disk this is where ``importlib.resources.files("scraper")`` points, without
    the import (a tenth of a cached run); Jinja reads templates from files, so a zipped
    errtables could not render either way."""
    shipped = Path(__file__).resolve().parent / "templates"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parent.parent / "templates"


TEMPLATES = _templates()


class RenderError(ErrtablesError):
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
    """A Python literal for str/int/None/tuples/dicts, with no raw control or bidi characters."""
    if isinstance(value, str):
        literal = repr(str(value))  # repr escapes every non-printable character
        if not literal.isprintable() and any(_unprintable(ch) for ch in literal):
            raise RenderError(f"unescaped character in {literal}")
        return literal
    if value is None or isinstance(value, (int, bool)):
        return repr(value)
    if isinstance(value, tuple):
        inner = ", ".join(pyrepr(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{pyrepr(k)}: {pyrepr(v)}" for k, v in value.items()) + "}"
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
    """A TypeScript literal for str/int/bool/None/tuples/dicts: JSON, with U+2028/U+2029, bidi and
    other control characters as \\u escapes. Scraped text is never code."""
    if isinstance(value, str):
        return _escape_unprintable_json(_JSON_STRING(value))
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(tsvalue(v) for v in value) + "]"
    if isinstance(value, dict):
        if "__proto__" in value:  # in an object literal it would set the prototype
            raise RenderError("no TypeScript object literal with the key __proto__")
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_ts_key(str(k))}: {tsvalue(v)}" for k, v in value.items()) + " }"
    raise RenderError(f"no TypeScript literal for {type(value).__name__}")


_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def _ts_key(key: str) -> str:
    return key if _IDENTIFIER.fullmatch(key) else tsvalue(key)


def translation(pairs: tuple[tuple[str, str], ...], locale: str) -> str:
    """A row's message in ``locale``, or "" where the row has no translation."""
    return dict(pairs).get(locale, "")


def flat(value: object) -> str:
    """Text on one line, shown as written: line breaks become spaces, unprintable and bidi
    characters \\u escapes. For reports, where code spans make the text inert."""
    return _escape_unprintable(" ".join(str(value).splitlines()))


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
    import jinja2

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
