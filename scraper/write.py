"""Write files: only those whose bytes changed, and every set of writes as one transaction.

``commit`` stages each new file beside its target, records the plan in a journal, then moves
the files into place. Any later errtables command first calls ``recover``: a journal it finds
is finished (the new state), staged files without a journal are removed (the old state). So
a kill, Ctrl-C or SIGTERM at any moment leaves the tree old or new as any command sees it,
never a mix.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

TEMP_PREFIX = ".errtables-"
JOURNAL = ".errtables-journal.json"
# Folders of generated/ that errtables owns: a file there it did not render is stale (caches
# and other hidden files excepted).
OWNED = ("json", "markdown", "python", "typescript")


class WriteError(Exception):
    """A file that cannot be written: one line naming it; nothing was changed."""


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
        except OSError:  # missing, or unreadable: written (and then, maybe, refused)
            pass
        write.append(rel)
    delete = sorted(_existing(out) - files.keys())
    return Plan(tuple(sorted(write)), tuple(delete))


def _stage(target: Path, data: bytes) -> Path:
    """A sibling temp file holding ``data``, flushed to disk."""
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
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def atomic_write(target: Path, data: bytes) -> None:
    """Write a sibling temp file, flush it to disk, then rename it over the target."""
    tmp = _stage(target, data)
    try:
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def sweep(folder: Path) -> list[Path]:
    """Remove temp files a killed run left behind (SIGKILL allows no clean-up)."""
    left = (
        [p for p in folder.rglob(f"{TEMP_PREFIX}*.tmp") if p.is_file()] if folder.is_dir() else []
    )
    for path in left:
        path.unlink(missing_ok=True)
    return left


def _inside(root: Path, rel: str) -> Path:
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()):
        raise WriteError(f"{root / JOURNAL} names {rel!r}, outside {root}; delete the journal")
    return path


def recover(root: Path, folders: Iterable[str]) -> str | None:
    """Finish a transaction a killed run left (its journal is complete), then remove staged
    files that no journal names. Returns what was done, for one line of output."""
    journal = root / JOURNAL
    done = None
    if journal.is_file():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            moves = [(str(a), str(b)) for a, b in plan["moves"]]
            deletes = [str(d) for d in plan["deletes"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise WriteError(f"{journal} is unreadable ({exc}); delete it and run again") from exc
        for staged, target in moves:
            source = _inside(root, staged)
            if source.exists():
                _inside(root, target).parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, _inside(root, target))
        for rel in deletes:
            _inside(root, rel).unlink(missing_ok=True)
        journal.unlink()
        _fsync_dir(root)
        done = f"finished the writes of an interrupted run ({len(moves)} files)"
    left = [p for folder in folders for p in sweep(root / folder)]
    for stale in root.glob(f"{TEMP_PREFIX}*.tmp"):
        stale.unlink(missing_ok=True)
    if left and done is None:
        done = f"removed {len(left)} half-written files an interrupted run left"
    return done


def commit(
    root: Path,
    writes: dict[Path, bytes],
    deletes: Iterable[Path] = (),
    folders: Iterable[str] = ("",),
) -> None:
    """Write and delete files under ``root`` as one transaction (see the module's doc);
    ``folders`` are where staged files of a killed run may lie."""
    root = root.absolute()
    writes = {target.absolute(): data for target, data in writes.items()}
    deletes = [path.absolute() for path in deletes]
    recover(root, folders)
    if not writes and not any(path.exists() for path in deletes):
        return  # nothing to change: no journal either
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in sorted(writes.items()):
            try:
                staged.append((_stage(target, data), target))
            except OSError as exc:
                why = exc.strerror
                if isinstance(exc, (FileExistsError, NotADirectoryError)):
                    why = "a file stands where its folder should be"
                raise WriteError(f"cannot write {target}: {why}; nothing was changed") from exc
        gone = sorted(d for d in deletes if d.exists())
        plan = {
            "version": 1,
            "moves": [
                [a.relative_to(root).as_posix(), b.relative_to(root).as_posix()] for a, b in staged
            ],
            "deletes": [d.relative_to(root).as_posix() for d in gone],
        }
        try:
            atomic_write(root / JOURNAL, json.dumps(plan, indent=1).encode("utf-8"))
        except OSError as exc:
            raise WriteError(
                f"cannot write {root / JOURNAL}: {exc.strerror}; nothing was changed"
            ) from exc
        _fsync_dir(root)
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    # From here on the journal says what the new state is; a kill is finished by recover().
    for tmp, target in staged:
        os.replace(tmp, target)
    for path in gone:
        path.unlink(missing_ok=True)
    for folder in {target.parent for _, target in staged}:
        _fsync_dir(folder)
    (root / JOURNAL).unlink()
    _fsync_dir(root)


def apply(out: Path, files: dict[str, str], todo: Plan) -> None:
    """Write the planned files of ``out`` as one transaction."""
    commit(
        out,
        {out / rel: files[rel].encode("utf-8") for rel in todo.write},
        [out / rel for rel in todo.delete],
        folders=("",),
    )
