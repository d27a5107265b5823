"""What the repository holds between runs: the committed tables in generated/, the HTTP
validators, the day each capture (and each package's own files) last changed, and the
package versions that follow from them."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import documents, escape, fetch, write
from .model import MAX_PAGE_BYTES, CodeTable, ErrtablesError, text_or_none
from .sources import Sources

GENERATED = "generated"
VALIDATORS = "captures/http-cache.json"


class StateError(ErrtablesError):
    """A file errtables keeps that cannot be read as it wrote it."""


def read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StateError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise StateError(
            f"{path} is not valid JSON ({exc}); restore it with 'git checkout -- {path}'"
        ) from exc


def committed(out: Path) -> dict[str, CodeTable]:
    """The tables generated/ holds now, by source id: the JSON files errtables wrote (those
    its manifest lists; before manifests, those that read as its tables)."""
    tables: dict[str, CodeTable] = {}
    folder = out / "json"
    ours = write.listed(out)
    if folder.is_dir():
        for path in sorted(folder.glob("*.json")):
            if path.name.endswith(".schema.json"):
                continue
            if ours is not None and f"json/{path.name}" not in ours:
                continue  # not errtables': the user's own file
            data = read_json(path)
            looks_like_ours = isinstance(data, dict) and {"source", "tables"} <= data.keys()
            if ours is None and not looks_like_ours:
                continue
            try:
                table = documents.from_document(data)
            except (KeyError, TypeError, ValueError) as exc:
                raise StateError(
                    f"{path} is not an errtables table ({exc!r}); restore it with "
                    f"'git checkout -- {path}'"
                ) from exc
            tables[table.source.id] = table
    return tables


def load_validators(sources: Sources) -> dict[str, fetch.Validators]:
    path = sources.root / VALIDATORS
    if not path.is_file():
        return {}
    data = read_json(path)
    if not isinstance(data, dict):
        return {}  # not what errtables writes: no conditional requests, pages fetched whole
    return {
        k: fetch.Validators(v.get("etag"), v.get("last_modified"), text_or_none(v.get("sha256")))
        for k, v in data.items()
        if isinstance(k, str) and isinstance(v, dict)
    }


DATES = "dates.json"  # in captures_dir: source id -> the day its capture last changed
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def capture_dates(sources: Sources) -> dict[str, str]:
    """The day each source's capture last changed (``YYYY-MM-DD``), as committed; without
    the dates file, rebuilt from what is known (``rebuilt_dates``)."""
    path = sources.root / sources.captures_dir / DATES
    if not path.is_file():
        return rebuilt_dates(sources)
    data = read_json(path)
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str) and _DAY.fullmatch(v)}


def today() -> str:
    """Today's date in UTC, ``YYYY-MM-DD``: the day this run's changes are dated."""
    return datetime.now(UTC).date().isoformat()


def version_of(day: str) -> str:
    """A day as a version, PEP 440 and npm alike: ``2026-08-22`` gives ``2026.8.22``."""
    year, month, date = day.split("-")
    return f"{int(year)}.{int(month)}.{int(date)}"


def day_of(version: str) -> str:
    """The day of a version ``version_of`` made: ``2026.8.22`` gives ``2026-08-22``."""
    year, month, date = (int(part) for part in version.split("."))
    return f"{year:04d}-{month:02d}-{date:02d}"


def rebuilt_dates(sources: Sources) -> dict[str, str]:
    """The dates a lost dates file held, as far as the tree tells: each captured source of a
    package takes the day of the package's committed version; today where there is none."""
    known = committed_versions(sources, sources.root / GENERATED)
    dates = {}
    for package in sources.packages:
        day = day_of(known[package.name]) if package.name in known else today()
        for source_id in package.sources:
            if sources.capture_path(sources.by_id(source_id)) is not None:
                dates[source_id] = day
    return dates


def dated(sources: Sources, changed: Iterable[str]) -> str:
    """The dates file with ``changed`` sources captured today (UTC)."""
    dates = {**capture_dates(sources), **dict.fromkeys(changed, today())}
    return escape.json_text(dict(sorted(dates.items())))


def package_key(name: str) -> str:
    """The dates file's key for the day a package's own files last changed (no source id
    holds a colon)."""
    return f"package:{name}"


def versions(sources: Sources, dates: dict[str, str]) -> dict[str, str]:
    """Each package's version: the day of its newest change, ``2026.8.22`` (PEP 440 and npm
    alike): a new capture, or new bytes in the package itself (its run-time library, its
    templates). An unchanged tree keeps its version."""
    found = {}
    for package in sources.packages:
        days = [dates[i] for i in (*package.sources, package_key(package.name)) if i in dates]
        if days:
            found[package.name] = version_of(max(days))  # capture_dates kept only YYYY-MM-DD
    return found


def committed_versions(sources: Sources, out: Path) -> dict[str, str]:
    """Each package's version as generated/ holds it (its pyproject.toml), by package name;
    only versions that ``version_of`` makes."""
    found = {}
    for package in sources.packages:
        path = out / "python" / package.distribution / "pyproject.toml"
        try:
            version = tomllib.loads(path.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
            continue
        if isinstance(version, str) and re.fullmatch(r"\d{4}\.\d{1,2}\.\d{1,2}", version):
            found[package.name] = version
    return found


def capture_hash(path: Path | None) -> str | None:
    """The sha256 of a capture on disk (captures are UTF-8 text), None when there is none."""
    try:
        return None if path is None else hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def read_text_or_none(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def read_bytes_or_none(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes | None:
    """A file's bytes when it has at most ``limit`` of them."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None
