"""What the last run derived, kept so that the next one need not derive it again: each
capture's tables (keyed by the capture's bytes) and each generated file (keyed by the tables
it shows). Every key also holds the errtables that derives it (the bytes of its code and
templates, the Python and the versions of lxml and jinja2 it runs with), so a changed
errtables misses. A missing, torn or foreign entry is a miss, never an error.

It lives outside the tree, in the user's cache folder (``~/.cache/errtables``, or under
``$XDG_CACHE_HOME``), one folder per tree: a cache committed to a repository (a pull
request's) is never read, so it cannot vouch for files the captures do not make. A tree's
folder holds one entry per slot (a source, a generated file), replaced in place: it never
grows past the tree it serves, and deleting it only costs the next run its time.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from functools import cache
from importlib.util import find_spec
from pathlib import Path

_OFF = ("off", "0", "no", "false")


def _tree(h: hashlib._Hash, folder: Path) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        h.update(path.relative_to(folder).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")


@cache
def fingerprint() -> str:
    """What derives the cached values: errtables' own files, the Python, lxml and jinja2 (by
    their installed files' stamps; importing them here would cost what the cache saves)."""
    from .escape import TEMPLATES  # here: escape is light, but not needed to name the folder

    h = hashlib.sha256(sys.version.encode() + b"\0")
    _tree(h, Path(__file__).resolve().parent)
    if not TEMPLATES.is_relative_to(Path(__file__).resolve().parent):
        _tree(h, TEMPLATES)
    for name in ("lxml", "jinja2"):
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        stat = os.stat(origin) if origin else None
        h.update(f"{name}:{origin}:{stat and stat.st_mtime_ns}:{stat and stat.st_size}".encode())
    return h.hexdigest()


def _user_cache() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "errtables"


def pickled_digest(value: object) -> str:
    """A digest of ``value`` by its pickled bytes: equal tables read back alike, equal
    digests (what a cached run keys a table by when nothing else names it)."""
    return hashlib.sha256(pickle.dumps(value, protocol=5)).hexdigest()


def key(*parts: str | bytes) -> str:
    """A key for a value derived from ``parts`` by this errtables."""
    h = hashlib.sha256(fingerprint().encode())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(b"%d:" % len(data) + data)
    return h.hexdigest()


class Cache:
    """The cache folder, or none (``folder`` None: every lookup misses, nothing is kept)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_tree(cls, root: Path, setting: str | None = None) -> Cache:
        """The cache of the tree at ``root``: a folder of its own in the user's cache folder,
        or in the folder ``setting`` (default: ERRTABLES_CACHE_DIR) names; none when that
        says off or there is no home folder."""
        setting = os.environ.get("ERRTABLES_CACHE_DIR") if setting is None else setting
        if setting is not None and setting.strip().lower() in _OFF:
            return cls(None)
        try:
            base = Path(setting) if setting else _user_cache()
        except RuntimeError:  # no home folder
            return cls(None)
        tree = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
        return cls(base / tree[:24])

    def _path(self, slot: str) -> Path | None:
        if self.folder is None:
            return None
        return self.folder / (hashlib.sha256(slot.encode()).hexdigest()[:32] + ".entry")

    def get(self, slot: str, want: str) -> str | None:
        """The text kept in ``slot`` under the key ``want``, or None. An entry's first line
        is its key and its text's hash: a torn or altered text is a miss."""
        path = self._path(slot)
        try:
            data = path.read_bytes() if path is not None else b""
        except OSError:
            data = b""
        head, _, body = data.partition(b"\n")
        if head == f"{want} {hashlib.sha256(body).hexdigest()}".encode():
            self.hits += 1
            return body.decode("utf-8", "surrogatepass")
        self.misses += 1
        return None

    def derived(self, slot: str, parts: tuple[str | bytes, ...], make: Callable[[], str]) -> str:
        """The text ``make`` derives from ``parts``: kept from an earlier run, else made and
        kept."""
        want = key(slot, *parts)
        text = self.get(slot, want)
        if text is None:
            text = make()
            self.put(slot, want, text)
        return text

    def put(self, slot: str, have: str, text: str) -> None:
        """Keep ``text`` in ``slot`` under the key ``have``; a folder that cannot be written
        (a read-only checkout) keeps nothing, silently: the cache only saves time."""
        path = self._path(slot)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as f:
                    body = text.encode("utf-8", "surrogatepass")
                    f.write(f"{have} {hashlib.sha256(body).hexdigest()}\n".encode() + body)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            pass
