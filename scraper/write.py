"""Write generated files: only those whose bytes changed, each atomically."""

from __future__ import annotations

import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TEMP_PREFIX = ".errtables-"
# Folders of generated/ that errtables owns: a file there it did not render is stale (caches
# and other hidden files excepted).
OWNED = ("json", "markdown", "python")


@dataclass(frozen=True)
class Plan:
    write: tuple[str, ...]  # relative paths whose content is new or changed
    delete: tuple[str, ...]  # relative paths no longer rendered

    @property
    def empty(self) -> bool:
        return not (self.write or self.delete)


def _existing(out: Path) -> set[str]:
    """Files errtables owns in ``out``: hidden files (caches, our temp files) are not."""
    found: set[str] = set()
    for folder in OWNED:
        base = out / folder
        if base.is_dir():
            for path in base.rglob("*"):
                rel = path.relative_to(out)
                hidden = any(part.startswith(".") or part == "__pycache__" for part in rel.parts)
                if path.is_file() and not hidden:
                    found.add(rel.as_posix())
    return found


def plan(out: Path, files: dict[str, str]) -> Plan:
    write = []
    for rel, text in files.items():
        target = out / rel
        try:
            if target.read_bytes() == text.encode("utf-8"):
                continue
        except FileNotFoundError:
            pass
        write.append(rel)
    delete = sorted(_existing(out) - files.keys())
    return Plan(tuple(sorted(write)), tuple(delete))


def atomic_write(target: Path, data: bytes) -> None:
    """Write a sibling temp file, flush it to disk, then rename it over the target."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(
        prefix=f"{TEMP_PREFIX}{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sweep(folder: Path) -> list[Path]:
    """Remove temp files a killed run left behind (SIGKILL allows no clean-up)."""
    left = (
        [p for p in folder.rglob(f"{TEMP_PREFIX}*.tmp") if p.is_file()] if folder.is_dir() else []
    )
    for path in left:
        path.unlink(missing_ok=True)
    return left


@contextmanager
def terminable() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while writing, so the temp file of the moment is removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def apply(out: Path, files: dict[str, str], todo: Plan) -> None:
    """Write the planned files, each atomically; every file is left old or new."""
    with terminable():
        sweep(out)
        for rel in todo.write:
            atomic_write(out / rel, files[rel].encode("utf-8"))
        for rel in todo.delete:
            (out / rel).unlink(missing_ok=True)
