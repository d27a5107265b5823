"""sources.toml: the pages errtables tracks, and where their captures live."""

from __future__ import annotations

import difflib
import keyword
import re
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .model import ErrtablesError, Source
from .runtime import constants as runtime_constants

DEFAULT = Path("sources.toml")
CAPTURE_SUFFIXES = (".html", ".txt")


class SourcesError(ErrtablesError):
    pass


@dataclass(frozen=True)
class Package:
    """A generated package: its names and the sources it holds, in priority order."""

    name: str  # short: "okx"
    sources: tuple[str, ...]  # source ids, the lookup priority
    # How the exchange's replies carry errors: a built-in shape's name, or its fields
    # spelled out (``code=retCode;message=retMsg;success=0``); see REPLY_FIELDS.
    replies: str = "okx"

    @property
    def python(self) -> str:
        """The import name: ``okx_error_codes``."""
        return f"{self.name.replace('-', '_')}_error_codes"

    @property
    def distribution(self) -> str:
        """The Python distribution and npm package name: ``okx-error-codes``."""
        return f"{self.name}-error-codes"


@dataclass(frozen=True)
class Sources:
    path: Path
    sources: tuple[Source, ...]
    captures_dir: str = "captures"
    packages: tuple[Package, ...] = ()

    @property
    def root(self) -> Path:
        """The folder captures and generated/ are relative to."""
        return self.path.parent

    @property
    def written(self) -> tuple[str, ...]:
        """The folders errtables writes below ``root`` (build/ holds the reports): where a
        killed run may leave files."""
        return (self.captures_dir, "generated", "build")

    def capture_path(self, source: Source) -> Path | None:
        """The source's committed capture, if it has one."""
        if source.capture is not None:
            return self.root / source.capture
        for suffix in CAPTURE_SUFFIXES:
            path = self.capture_target(source, suffix)
            if path.is_file():
                return path
        return None

    def capture_target(self, source: Source, suffix: str) -> Path:
        """Where a new capture of the source goes: its ``capture`` key, else captures/<id>."""
        if source.capture is not None:
            return self.root / source.capture
        return self.root / self.captures_dir / f"{source.id}{suffix}"

    def by_id(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources)
        raise SourcesError(f"no source {source_id!r} in {self.path} (known: {known})")

    def match(self, page_name: str, page_url: str | None) -> Source | None:
        """The declared source a page on the command line belongs to, if any."""
        for source in self.sources:
            capture = self.capture_path(source)
            if capture is not None and _same_file(capture, page_name):
                return source
            if page_url and _same_url(source.url, page_url):
                return source
        return None


def _same_file(path: Path, name: str) -> bool:
    try:
        return path.resolve() == Path(name).resolve()
    except (OSError, ValueError):
        return False


def _same_url(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.netloc, pa.path.rstrip("/")) == (pb.netloc, pb.path.rstrip("/"))


# The schema of sources.toml (the README documents it): key -> (required, what it holds).
SOURCE_KEYS: dict[str, tuple[bool, str]] = {
    "id": (True, "lowercase letters, digits and single dashes; names the generated files"),
    "url": (True, "the page, http(s)"),
    "locale": (True, "the page's language"),
    "title": (True, "shown in the generated files"),
    "group": (False, "the same codes in other languages: one source per locale"),
    "capture": (False, "the committed capture, a relative path under captures_dir"),
    "fetch_url": (False, "fetch from here instead, http(s) (a mirror, a local server)"),
}
TOP_KEYS: dict[str, str] = {
    "source": "one [[source]] table per page",
    "package": "one [[package]] table per generated package: name, sources",
    "captures_dir": "the folder of the captures, relative (default: captures)",
}
PACKAGE_KEYS: dict[str, tuple[bool, str]] = {
    "name": (True, "lowercase letters, digits and dashes: okx gives okx_error_codes"),
    "sources": (True, "the ids of its sources, in priority order"),
    "replies": (False, "how its replies carry errors: a built-in shape, or a table of fields"),
}
# The fields of a reply shape spelled out in [[package]] replies = { ... }: each a key
# path ("retExtInfo.list") or a list of them, or codes for success/item_success/batch.
REPLY_FIELDS: dict[str, str] = {
    "code": "where the reply's own error code is",
    "message": "where its message is",
    "success": "codes that mean no error",
    "items": "lists of per-operation results",
    "item_code": "an item's error code (a key of the item)",
    "item_message": "an item's message",
    "item_success": "item codes that mean no error",
    "strings": "lists (or one) of error strings such as EOrder:Insufficient funds",
    "batch": "codes that say only that some operations failed",
    "readable": "keys one of which every reply of this exchange has",
}
_SPEC_VALUE = re.compile(r"[^;|=\s]+(?:[ ][^;|=\s]+)*")
REPLY_SHAPE_NAMES = tuple(spec.split(";", 1)[0] for spec in runtime_constants.REPLY_SHAPES)
# Without [[package]] tables, every source goes into one package of this name.
DEFAULT_PACKAGE = "okx"
PACKAGE_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
# Names a source id may not take: its module would not import in Python or TypeScript.
RESERVED = frozenset(keyword.kwlist) | frozenset(
    "break case catch class const continue debugger default delete do else enum export "
    "extends false finally for function if import in instanceof new null return super switch "
    "this throw true try typeof var void while with yield let static implements interface "
    "package private protected public await".split()
)
# Names a source's module may not take because the generated package already uses them: its
# files (index.ts, tables.ts, …) and the names its __init__.py defines (lookup, match, …).
PACKAGE_NAMES = frozenset(
    "index constants types match replies tables lookup variants errors from_response "
    "annotations".split()
)
FORBIDDEN_DIRS = (".git", ".github")
# An http(s) URL on one line: no white space or control character anywhere (a trailing
# newline included).
_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+")


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", list: "an array"}
    if isinstance(value, dict):
        return "a table"
    return names.get(type(value), type(value).__name__)


def _closest(key: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"


def _line_of(text: str, key: str, table: int | None) -> int | None:
    """The line of ``key`` (in the ``table``-th [[source]] when given; a header otherwise)."""
    header = re.compile(r"^\s*\[\[\s*source\s*\]\]")
    seen = 0
    for number, line in enumerate(text.splitlines(), 1):
        if table is None:
            if re.match(rf"^\s*(\[\[?\s*{re.escape(key)}\s*\]\]?|{re.escape(key)}\s*=)", line):
                return number
            continue
        if header.match(line):
            seen += 1
        elif seen == table and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _relative_inside(root: Path, value: str, what: str, under: str | None) -> str:
    """A path relative to the sources file's folder that stays inside it."""
    pure = Path(value)
    if pure.is_absolute() or value.startswith("~"):
        raise ValueError(f"{what} must be a relative path, not {value!r}")
    resolved = (root / pure).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise ValueError(f"{what} {value!r} leaves the folder of the sources file")
    parts = resolved.relative_to(root.resolve()).parts
    if parts and parts[0] in FORBIDDEN_DIRS:
        raise ValueError(f"{what} {value!r} is inside {parts[0]}/, which errtables never writes")
    if under is not None and not resolved.is_relative_to((root / under).resolve()):
        raise ValueError(f"{what} {value!r} must be under {under}/ (set captures_dir to move it)")
    return value


def load(path: Path) -> Sources:
    """Read and check sources.toml strictly: unknown tables and keys, wrong types, paths that
    leave the folder are errors naming the key, its line and the fix."""
    text, data = _read(path)
    error = _Located(path, text)
    for key, value in data.items():
        if key not in TOP_KEYS:
            shape = f"[[{key}]]" if isinstance(value, list) else repr(key)
            raise error(f"unknown {shape}{_closest(key, TOP_KEYS)}", key)
    captures_dir = _captures_dir(data, path.parent, error)
    entries = data.get("source")
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        raise SourcesError(f"{path}: declare each page as a [[source]] table")
    sources = [
        _source(entry, number, captures_dir, error) for number, entry in enumerate(entries, 1)
    ]
    _check_groups(sources, path)
    ids = [s.id for s in sources]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise SourcesError(f"{path}: source ids must be unique; repeated: {', '.join(duplicates)}")
    packages = _packages(data.get("package"), ids, path)
    return Sources(path, tuple(sources), captures_dir, packages)


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except FileNotFoundError as exc:
        raise SourcesError(
            f"{path} not found: run from the repository root or pass --sources"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path} is not valid TOML: {exc}") from exc


@dataclass(frozen=True)
class _Located:
    """Makes an error that names the file and the key's line (in the ``table``-th
    [[source]] when given)."""

    path: Path
    text: str

    def __call__(self, message: str, key: str, table: int | None = None) -> SourcesError:
        line = _line_of(self.text, key, table)
        where = f"{self.path}:{line}" if line else str(self.path)
        return SourcesError(f"{where}: {message}")


def _captures_dir(data: dict[str, Any], root: Path, error: _Located) -> str:
    captures_dir = data.get("captures_dir", "captures")
    if not isinstance(captures_dir, str):
        raise error(f"captures_dir must be a string, not {_kind(captures_dir)}", "captures_dir")
    try:
        _relative_inside(root, captures_dir, "captures_dir", None)
        inside = (root / captures_dir).resolve()
        if inside == root.resolve() or inside.is_relative_to((root / "generated").resolve()):
            raise ValueError(
                f"captures_dir {captures_dir!r} must be a folder of its own, not the root or "
                "inside generated/ (whose files errtables replaces)"
            )
    except ValueError as exc:
        raise error(str(exc), "captures_dir") from exc
    return captures_dir


def _source(entry: dict[str, Any], number: int, captures_dir: str, error: _Located) -> Source:
    """The ``number``-th [[source]] table, checked."""
    for key, value in entry.items():
        if key not in SOURCE_KEYS:
            raise error(
                f"[[source]] #{number} has an unknown key {key!r}{_closest(key, SOURCE_KEYS)}",
                key,
                number,
            )
        if not isinstance(value, str):
            raise error(
                f"[[source]] #{number}: {key} must be a string, not {_kind(value)}", key, number
            )
    missing = [k for k, (required, _) in SOURCE_KEYS.items() if required and k not in entry]
    if missing:
        raise SourcesError(f"{error.path}: [[source]] #{number} needs {', '.join(missing)}")
    _check_id(entry["id"], number, error)
    try:
        if "capture" in entry:
            _relative_inside(error.path.parent, entry["capture"], "capture", captures_dir)
        source = Source(
            id=entry["id"],
            url=entry["url"],
            locale=entry["locale"],
            title=entry["title"],
            capture=entry.get("capture"),
            fetch_url=entry.get("fetch_url"),
            group=entry.get("group"),
        )
    except ValueError as exc:
        key = "capture" if "capture" in str(exc) else "id"
        raise error(f"[[source]] #{number}: {exc}", key, number) from exc
    for key in ("url", "fetch_url"):
        value = getattr(source, key)
        if value is not None and not _URL.fullmatch(value):
            raise error(f"source {source.id}: {key} must be http(s), got {value!r}", key, number)
    return source


def _check_id(source_id: str, number: int, error: _Located) -> None:
    """An id whose module would not import, or would replace a part of the package."""
    module = source_id.replace("-", "_")
    if source_id in RESERVED or module in RESERVED:
        raise error(
            f"source id {source_id!r} is a reserved word in Python or TypeScript; "
            "its module would not import; choose another id",
            "id",
            number,
        )
    if module in PACKAGE_NAMES:
        raise error(
            f"source id {source_id!r} names a part of the generated package (its {module} "
            f"would be replaced); choose another id, such as {source_id}-en",
            "id",
            number,
        )


def _check_groups(sources: list[Source], path: Path) -> None:
    """A group joins one source per language."""
    seen: dict[tuple[str, str], str] = {}
    for source in sources:
        if source.group is None:
            continue
        other = seen.setdefault((source.group, source.locale), source.id)
        if other != source.id:
            raise SourcesError(
                f"{path}: sources {other} and {source.id} are both {source.locale!r} in group "
                f"{source.group!r}; a group joins one source per language"
            )


def _packages(entries: object, ids: list[str], path: Path) -> tuple[Package, ...]:
    """The [[package]] tables, checked: every source in exactly one package."""
    if entries is None:
        return (Package(DEFAULT_PACKAGE, tuple(ids)),)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourcesError(f"{path}: declare each package as a [[package]] table")
    found: list[Package] = []
    owner: dict[str, str] = {}
    declared = set(ids)
    for number, entry in enumerate(entries, 1):
        for key in entry:
            if key not in PACKAGE_KEYS:
                raise SourcesError(
                    f"{path}: [[package]] #{number} has an unknown key {key!r}"
                    f"{_closest(key, PACKAGE_KEYS)}"
                )
        name, members = entry.get("name"), entry.get("sources")
        if not isinstance(name, str) or not PACKAGE_NAME.fullmatch(name):
            raise SourcesError(
                f"{path}: "
                f"[[package]] #{number}: name must be lowercase letters, digits and dashes "
                f"(okx, bybit-v5), not {name!r}"
            )
        if (
            not isinstance(members, list)
            or not members
            or not all(isinstance(m, str) for m in members)
        ):
            raise SourcesError(f"{path}: [[package]] {name}: sources must list source ids")
        for member in members:
            if member not in declared:
                raise SourcesError(
                    f"{path}: [[package]] {name}: no [[source]] has the id {member!r}"
                    f"{_closest(member, ids)}"
                )
            if member in owner:
                raise SourcesError(
                    f"{path}: "
                    f"source {member} is in the packages {owner[member]} and {name}; "
                    "a source belongs to one package"
                )
            owner[member] = name
        found.append(Package(name, tuple(members), _replies(entry.get("replies"), name, path)))
    names = [p.name for p in found]
    if len(set(names)) != len(names):
        raise SourcesError(f"{path}: package names must be unique: {', '.join(names)}")
    homeless = [i for i in ids if i not in owner]
    if homeless:
        raise SourcesError(
            f"{path}: source(s) {', '.join(homeless)} are in no package; add each id to the "
            "sources of a [[package]]"
        )
    return tuple(found)


def default_replies(name: str) -> str:
    """The reply shape of a package that names none: its name's, when that is a built-in
    shape (a package called bybit reads Bybit's replies), else OKX's."""
    return name if name in REPLY_SHAPE_NAMES else DEFAULT_PACKAGE


def _replies(value: object, name: str, path: Path) -> str:
    """A package's reply shape as the run-time reads it: a built-in name, or the fields
    spelled out. Without one, the package's name when it is a built-in shape, else okx."""
    where = f"{path}: [[package]] {name}: replies"
    if value is None:
        return default_replies(name)
    if isinstance(value, str):
        if value not in REPLY_SHAPE_NAMES:
            raise SourcesError(
                f"{where} = {value!r} is no built-in shape ({', '.join(REPLY_SHAPE_NAMES)})"
                f"{_closest(value, REPLY_SHAPE_NAMES)}; or spell its fields out in a table"
            )
        return value
    if not isinstance(value, dict) or not value:
        raise SourcesError(f"{where} must be a shape's name or a table of its fields")
    parts = []
    for key, given in value.items():
        if key not in REPLY_FIELDS:
            raise SourcesError(f"{where} has an unknown field {key!r}{_closest(key, REPLY_FIELDS)}")
        listed = [given] if isinstance(given, (str, int)) and not isinstance(given, bool) else given
        if not isinstance(listed, list) or not listed:
            raise SourcesError(f"{where}.{key} must be a string or a list of strings")
        texts = [str(v) for v in listed if isinstance(v, (str, int)) and not isinstance(v, bool)]
        if len(texts) != len(listed) or not all(_SPEC_VALUE.fullmatch(t) for t in texts):
            raise SourcesError(
                f"{where}.{key}: each value is a key path or a code, without ; | = or edge "
                f"spaces, not {listed!r}"
            )
        parts.append(f"{key}={'|'.join(texts)}")
    if not any(k in value for k in ("code", "items", "strings")):
        raise SourcesError(f"{where} needs code, items or strings: where the errors are")
    return ";".join(parts)


def slug(text: str) -> str:
    """A source id for a page that sources.toml does not declare."""
    parts = urlsplit(text)
    stem = (parts.path if parts.scheme else Path(text).name).rstrip("/").rsplit("/", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if not parts.scheme else stem
    locale = locale_of(text)
    words = re.findall(r"[a-z0-9]+", stem.lower()) or ["page"]
    if not words[0][0].isalpha():
        words.insert(0, "page")
    if locale != "und":
        words.append(locale.replace("-", ""))
    return "-".join(words)


def locale_of(url: str) -> str:
    match = re.search(
        r"/(zh-hans|zh-hant|zh|en|ja|ko|ru|es|fr|de|pt|vi|tr)(?:/|$)", urlsplit(url).path
    )
    return match.group(1) if match else "und"
