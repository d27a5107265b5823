"""``errtables explain``: a reply read through the generated packages, as users run them:
the package whose reply shape reads it and whose sources document its codes."""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from . import sources
from .model import ErrtablesError
from .regen import PipelineError
from .runtime import constants as runtime_constants
from .runtime.python import _replies as runtime_replies
from .state import GENERATED


def generated_packages(sources_path: Path, package: str | None = None) -> list[Any]:
    """The generated Python packages to read replies with, used as they are: ``package``
    (its folder, or the import name of an installed one); else every [[package]] of the
    sources file that has been generated; else, without a sources file, every errtables
    package installed."""
    if package is not None:
        return [_named(package)]
    if not sources_path.is_file():
        return _installed(sources_path)
    try:
        declared = sources.load(sources_path).packages
    except sources.SourcesError as exc:
        raise PipelineError(str(exc)) from exc
    base = sources_path.resolve().parent / GENERATED / "python"
    found = [
        _import_from(base / p.distribution, p.python)
        for p in declared
        if (base / p.distribution / p.python / "__init__.py").is_file()
    ]
    if not found:
        raise PipelineError(f"no generated package in {base}; run 'make regen' first")
    return found


def generated_package(sources_path: Path, package: str | None = None) -> Any:
    """The first of ``generated_packages``."""
    return generated_packages(sources_path, package)[0]


def read_with(packages: list[Any], reply: object) -> tuple[Any, list[Any]]:
    """The package that reads ``reply`` best, and its errors: the one whose shape reads it
    and whose sources document the most of its codes (the first, in the sources file's
    order, on a tie); a package that cannot read it only when none can."""
    best: tuple[int, int, int] | None = None
    chosen: tuple[Any, list[Any]] = (packages[0], [])
    for rank, codes in enumerate(packages):
        found = list(codes.errors(reply))
        readable = not any(e.code == "" for e in found)
        score = (int(readable), sum(e.match is not None for e in found), -rank)
        if best is None or score > best:
            best, chosen = score, (codes, found)
    return chosen


def match_with(packages: list[Any], code: str, message: str) -> tuple[Any, Any]:
    """The first package that documents ``code``, and its match of ``message``."""
    for codes in packages:
        found = codes.match(code, message)
        if found is not None:
            return codes, found
    return packages[0], None


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


def _installed(sources_path: Path) -> list[Any]:
    """Every errtables package installed in this interpreter, outside any repository."""
    import pkgutil

    names = sorted(
        m.name for m in pkgutil.iter_modules() if m.ispkg and _GENERATED_NAME.fullmatch(m.name)
    )
    if names:
        return [importlib.import_module(name) for name in names]
    raise PipelineError(
        f"{sources_path} not found and no errtables package is installed; name one with "
        "--package (a folder such as generated/python/okx-error-codes, or okx_error_codes)"
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
# An error string of the Category:Message kind (EOrder:Insufficient funds, EAPI:Invalid nonce).
_ERROR_STRING = re.compile(r"\bE[A-Z][A-Za-z]*:[A-Z][A-Za-z0-9 _]*(?::[\w.]+)?")
_CODE_TOKEN = re.compile(r"-?[0-9]+(?:_[0-9]+)?:?")


def _reply_keys() -> frozenset[str]:
    """The top-level keys that carry errors in a reply of some built-in shape (code,
    retCode, error, label…), as the run-time reads its shapes."""
    keys: set[str] = set()
    for spec in runtime_constants.REPLY_SHAPES:
        form = runtime_replies.Shape(spec)
        for path in (*form.code, *form.items, *form.strings, *form.item_code):
            keys.add(path.split(".")[0])
    return frozenset(keys)


REPLY_KEYS = _reply_keys()


def replies_in(
    text: str, documented: Callable[[str], bool]
) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The replies in what a person pasted: JSON (alone, or inside a log line or a ccxt
    exception such as ``InsufficientFunds: okx {...}``) with a key some reply shape has; and
    ``(code, message)`` from ``code=… msg=…`` pairs or a line with a code and its message
    (``… ERROR okx: 51008 Order failed …``; a documented code is preferred over the line's
    first number). NothingToExplain when there is nothing of the kind."""
    if not text.strip():
        raise NothingToExplain(
            "nothing to explain: give a reply (JSON) or log lines with a code and message"
        )
    if len(text) > PASTE_LIMIT:
        raise NothingToExplain(f"the input is over {PASTE_LIMIT:,} characters; paste less")
    try:
        whole = json.loads(text)
    except (ValueError, RecursionError):
        whole = None
    if isinstance(whole, dict):
        return [whole], []
    found: list[dict[str, Any]] = []
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
        if isinstance(value, dict) and REPLY_KEYS & value.keys():
            found.append(value)
            covered.append((start, end))
            start = text.find("{", end)
        else:
            start = text.find("{", start + 1)
    pairs = []
    offset = 0
    for line in text.splitlines(keepends=True):
        here, offset = offset, offset + len(line)
        if not any(a < offset and here < b for a, b in covered):
            named = _ERROR_STRING.findall(line)
            if named:  # Kraken's "EOrder:Insufficient funds" in a log line: its own reply
                found.append({"error": [n.strip() for n in named]})
                continue
            item = _item_of(line.strip(), documented)
            if item is not None:
                pairs.append(item)
    if not found and not pairs:
        raise NothingToExplain(
            "no reply, code or message found in the input: give the reply's JSON, "
            "or lines such as '51008 Order failed ...'"
        )
    return found, pairs


def _item_of(line: str, documented: Callable[[str], bool]) -> tuple[str, str] | None:
    """One error from a line of text, (code, message); None when it names none."""
    keyed = _KEYED.search(line)
    if keyed is not None:
        message = next((m for m in keyed.groups()[3:] if m is not None), None)
        if message is None:  # APIError(code=-2010): Account has insufficient balance…
            message = line[keyed.end() :].lstrip(" )]}:,;-")
        return keyed.group(2), message.strip()
    words = line.split()
    codes = [i for i, w in enumerate(words) if _CODE_TOKEN.fullmatch(w)]
    chosen = next((i for i in codes if documented(words[i].rstrip(":"))), None)
    if chosen is None and codes and codes[0] == 0:
        chosen = 0  # a CODE MESSAGE line whose code no source documents
    if chosen is None:
        return None
    return words[chosen].rstrip(":"), " ".join(words[chosen + 1 :])


def explain(text: str, packages: list[Any]) -> list[dict[str, Any]]:
    """Every error in what a person pasted, each read by the package that reads it best."""
    found, pairs = replies_in(text, lambda code: any(p.lookup(code) is not None for p in packages))
    entries = []
    for reply in found:
        codes, errors = read_with(packages, reply)
        entries += [explained(e, codes) for e in errors]
    entries += [pair_explained(packages, i, c, m) for i, (c, m) in enumerate(pairs)]
    return entries


def pair_explained(packages: list[Any], index: int, code: str, message: str) -> dict[str, Any]:
    """A code and message from a line of text, explained by the first package that
    documents the code; ``index``: the line's place among such lines."""
    codes, match = match_with(packages, code, message)
    return explained(
        SimpleNamespace(index=index, code=code, message=message, ids={}, match=match), codes
    )


def _evidence(found: Any) -> str | None:
    """Why the row has its category, when its own words or status say it (a decision or
    its neighbours are in the generated JSON's category_evidence)."""
    from .categorize import from_status, from_words
    from .model import Row

    row = Row(
        found.code,
        found.message,
        found.http_status,
        translations=tuple(sorted(dict(found.translations).items())),
    )
    own = from_words(row) or from_status(row)
    return (
        own.evidence if own is not None and own.name == getattr(found, "category", None) else None
    )


def explained(error: Any, package: Any = None) -> dict[str, Any]:
    """One error of a reply (a generated ``ResponseError``) as ``explain --json`` prints it,
    with the package that read it."""
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
            # A package generated before categories has none.
            "category": getattr(found, "category", None),
            "retryable": getattr(found, "retryable", None),
            "category_evidence": _evidence(found),
        }
    return {
        "package": getattr(package, "__name__", None),
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
