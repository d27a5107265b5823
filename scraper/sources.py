"""sources.toml: the pages errtables tracks, and where their captures live."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .model import Source

DEFAULT = Path("sources.toml")
CAPTURE_SUFFIXES = (".html", ".txt")


class SourcesError(Exception):
    pass


@dataclass(frozen=True)
class Sources:
    path: Path
    sources: tuple[Source, ...]

    @property
    def root(self) -> Path:
        """The folder captures and generated/ are relative to."""
        return self.path.parent

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
        return self.root / "captures" / f"{source.id}{suffix}"

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


def load(path: Path) -> Sources:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourcesError(
            f"{path} not found: run from the repository root or pass --sources"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path} is not valid TOML: {exc}") from exc
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise SourcesError(f"{path}: declare each page as a [[source]] table")
    sources: list[Source] = []
    for number, entry in enumerate(entries, 1):
        missing = [k for k in ("id", "url", "locale", "title") if not isinstance(entry.get(k), str)]
        if missing:
            raise SourcesError(f"{path}: [[source]] #{number} needs {', '.join(missing)}")
        try:
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
            raise SourcesError(f"{path}: {exc}") from exc
        for key in ("url", "fetch_url"):
            value = getattr(source, key)
            if value is not None and not re.match(r"^https?://[^\s]+$", value):
                raise SourcesError(
                    f"{path}: source {source.id}: {key} must be http(s), got {value!r}"
                )
        sources.append(source)
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
    ids = [s.id for s in sources]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SourcesError(f"{path}: source ids must be unique; repeated: {', '.join(duplicates)}")
    return Sources(path, tuple(sources))


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
