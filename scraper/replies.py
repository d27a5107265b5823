"""``errtables explain``: an OKX reply read through the generated package, as users run it."""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import sources
from .model import ErrtablesError
from .regen import PipelineError
from .state import GENERATED


def generated_package(sources_path: Path, package: str | None = None) -> Any:
    """The generated Python package to read replies with, used as is: ``package`` (its
    folder, or the import name of an installed one); else the first [[package]] of the
    sources file; else, without a sources file, the one errtables package installed."""
    if package is not None:
        return _named(package)
    if not sources_path.is_file():
        return _installed(sources_path)
    try:
        declared = sources.load(sources_path).packages[0]
    except sources.SourcesError as exc:
        raise PipelineError(str(exc)) from exc
    folder = sources_path.resolve().parent / GENERATED / "python" / declared.distribution
    if not (folder / declared.python / "__init__.py").is_file():
        raise PipelineError(f"no generated package in {folder}; run 'make regen' first")
    return _import_from(folder, declared.python)


_GENERATED_NAME = re.compile(r"[a-z][a-z0-9_]*_error_codes")


def _import_from(folder: Path, name: str) -> Any:
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(folder))


def _named(package: str) -> Any:
    """A package by folder (``generated/python/okx-error-codes`` or the module folder in it)
    or by import name."""
    folder = Path(package)
    if folder.is_dir():
        inner = sorted(p.parent for p in folder.glob("*_error_codes/_tables.py"))
        if (folder / "_tables.py").is_file() and _GENERATED_NAME.fullmatch(folder.name):
            return _import_from(folder.resolve().parent, folder.name)
        if len(inner) == 1:
            return _import_from(folder.resolve(), inner[0].name)
        raise PipelineError(
            f"{folder} holds no generated package; give generated/python/<name>-error-codes"
        )
    if not _GENERATED_NAME.fullmatch(package):
        raise PipelineError(
            f"no folder {package} and not a package name such as okx_error_codes; give the "
            "package's folder or its import name"
        )
    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise PipelineError(
            f"{package} is not installed; pip install it, or give its folder"
        ) from exc


def _installed(sources_path: Path) -> Any:
    """The one errtables package installed in this interpreter, outside any repository."""
    import pkgutil

    names = sorted(
        m.name for m in pkgutil.iter_modules() if m.ispkg and _GENERATED_NAME.fullmatch(m.name)
    )
    if len(names) == 1:
        return importlib.import_module(names[0])
    found = f"installed: {', '.join(names)}" if names else "none is installed"
    raise PipelineError(
        f"{sources_path} not found and {found}; name the package with --package "
        "(a folder such as generated/python/okx-error-codes, or okx_error_codes)"
    )


class NothingToExplain(ErrtablesError):
    pass


# What may be pasted: at most this much text, and this many JSON objects tried in it.
PASTE_LIMIT = 1 << 20
OBJECT_TRIES = 1000
_KEYED = re.compile(
    r"""["']?\b(s?code)\b["']?\s*[:=]\s*["']?(-?[0-9]+(?:_[0-9]+)?)\b["']?"""
    r"""(?:.*?["']?\b(s?msg)\b["']?\s*[:=]\s*(?:"([^"]*)"|'([^']*)'|([^,;}]*)))?""",
    re.IGNORECASE,
)
_CODE_TOKEN = re.compile(r"-?[0-9]+(?:_[0-9]+)?:?")


def replies_in(text: str, documented: Callable[[str], bool]) -> list[object]:
    """The replies in what a person pasted: JSON (alone, or inside a log line or a ccxt
    exception such as ``InsufficientFunds: okx {...}``), ``code=… msg=…`` pairs, or a line
    with a code and its message (``… ERROR okx: 51008 Order failed …``; a documented code is
    preferred over the line's first number). Lines of the last two kinds become the items
    of one batch reply. NothingToExplain when there is nothing of the kind."""
    if not text.strip():
        raise NothingToExplain(
            "nothing to explain: give an OKX reply (JSON) or log lines with a code and message"
        )
    if len(text) > PASTE_LIMIT:
        raise NothingToExplain(f"the input is over {PASTE_LIMIT:,} characters; paste less")
    try:
        whole = json.loads(text)
    except (ValueError, RecursionError):
        whole = None
    if isinstance(whole, dict):
        return [whole]
    found: list[object] = []
    covered: list[tuple[int, int]] = []
    decoder = json.JSONDecoder()
    start = text.find("{")
    tries = 0
    while start >= 0 and tries < OBJECT_TRIES:
        tries += 1
        try:
            value, end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict) and {"code", "sCode", "data"} & value.keys():
            found.append(value)
            covered.append((start, end))
            start = text.find("{", end)
        else:
            start = text.find("{", start + 1)
    items = []
    offset = 0
    for line in text.splitlines(keepends=True):
        here, offset = offset, offset + len(line)
        if not any(a < offset and here < b for a, b in covered):
            item = _item_of(line.strip(), documented)
            if item is not None:
                items.append(item)
    if items:
        found.append({"code": "1", "msg": "", "data": items})
    if not found:
        raise NothingToExplain(
            "no OKX reply, code or message found in the input: give the reply's JSON, "
            "or lines such as '51008 Order failed ...'"
        )
    return found


def _item_of(line: str, documented: Callable[[str], bool]) -> dict[str, str] | None:
    """One error from a line of text, as an item of ``data``; None when it names none."""
    keyed = _KEYED.search(line)
    if keyed is not None:
        message = next((m for m in keyed.groups()[3:] if m is not None), "")
        return {"sCode": keyed.group(2), "sMsg": message.strip()}
    words = line.split()
    codes = [i for i, w in enumerate(words) if _CODE_TOKEN.fullmatch(w)]
    chosen = next((i for i in codes if documented(words[i].rstrip(":"))), None)
    if chosen is None and codes and codes[0] == 0:
        chosen = 0  # a CODE MESSAGE line whose code no source documents
    if chosen is None:
        return None
    return {"sCode": words[chosen].rstrip(":"), "sMsg": " ".join(words[chosen + 1 :])}


def explained(error: Any) -> dict[str, Any]:
    """One error of a reply (a generated ``ResponseError``) as ``explain --json`` prints it."""
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
