"""Kill the write transaction at each of its file operations, in forked children of this
single-threaded interpreter (forking the test runner, whose servers run threads, could
deadlock a child). Run by tests/test_hardening.py as

    python tests/tools/kill_trials.py REPO

REPO holds the old tree in generated/; its sources.toml gives the new one. Prints JSON: the
number of operations the transaction makes, and the tree after each kill and recovery
(path -> sha256), or the staged files a trial left.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from scraper import regen, sources, write

FOLDERS = ("captures", "generated")
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)


def tree(repo: Path) -> dict[str, str]:
    return {
        p.relative_to(repo).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in FOLDERS
        for p in sorted((repo / folder).rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def run(repo: Path, writes: dict[Path, bytes], deletes: list[Path], target: int, sig: int) -> int:
    """The transaction in a child killed after operation ``target`` (0: never); the number
    of operations it made."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        count = [0]

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt  # what the CLI's handlers do: leave through finally

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        for name in ("fsync", "replace", "unlink"):
            real = getattr(os, name)

            def hooked(*args: Any, _real: Any = real, **kwargs: Any) -> Any:
                result = _real(*args, **kwargs)
                count[0] += 1
                if count[0] == target:
                    os.kill(os.getpid(), sig)
                return result

            setattr(os, name, hooked)
        try:
            write.commit(repo, dict(writes), list(deletes), FOLDERS)
        except BaseException:  # noqa: BLE001 - the kill itself
            pass
        os.write(writer, str(count[0]).encode())
        os._exit(0)
    os.close(writer)
    made = os.read(reader, 32)
    os.close(reader)
    os.waitpid(pid, 0)
    return int(made or b"0")


def main(repo: Path) -> dict[str, Any]:
    snapshot = {p: p.read_bytes() for p in (repo / "generated").rglob("*") if p.is_file()}
    planned = regen.run(
        sources.load(repo / "sources.toml"), options=regen.Options(offline=True, dry_run=True)
    )
    out = repo / "generated"
    writes = {out / rel: planned.files[rel].encode("utf-8") for rel in planned.plan.write}
    deletes = [out / rel for rel in planned.plan.delete]

    def restore() -> None:
        for path in out.rglob("*"):
            if path.is_file() and path not in snapshot:
                path.unlink()
        for path, data in snapshot.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    total = run(repo, writes, deletes, 0, signal.SIGKILL)
    trees = [tree(repo)]
    left: list[str] = []
    for target in range(1, total + 1):
        restore()
        run(repo, writes, deletes, target, SIGNALS[target % 3])
        write.recover(repo, FOLDERS)  # what every next command does first
        trees.append(tree(repo))
        left += [p.as_posix() for p in repo.rglob(".errtables-*")]
    return {"operations": total, "trees": trees, "left": left}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]))))
