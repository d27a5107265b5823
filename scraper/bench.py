"""``make bench``: speed and memory figures, each measured in this one run.

- extraction of a >= 5 MB page built from the fixture pages, against a bare
  ``lxml.html.fromstring`` of the same bytes (target: ratio <= 2);
- peak memory of a process that does only that extraction (target: <= 250 MB);
- wall time of ``errtables regen --offline`` (target: <= 0.5 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import html

from . import page

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
TARGET_BYTES = 5 * 1024 * 1024


def big_page() -> bytes:
    """Every fixture page's HTML, each under its own heading, repeated past 5 MB."""
    parts: list[str] = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix == ".json":
            markup = json.loads(path.read_text(encoding="utf-8")).get("html") or ""
        elif path.suffix == ".html":
            markup = path.read_text(encoding="utf-8")
        else:
            continue
        parts.append(f"<section><h2>{path.stem}</h2>{markup}</section>")
    unit = "\n".join(parts)
    copies = -(-TARGET_BYTES // len(unit.encode("utf-8")))
    body = "\n".join(f"<h1>copy {i}</h1>\n{unit}" for i in range(copies))
    return f"<!DOCTYPE html><html><body>{body}</body></html>".encode()


def best_of(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def extract_bytes(data: bytes) -> int:
    found = page.from_text("bench.html", page.decode(data)).extract()
    return sum(len(t.rows) for t in found.tables)


# VmHWM, not ru_maxrss: a child's ru_maxrss starts at its parent's peak when forked.
MEMORY_SCRIPT = """
import re, sys
from scraper.bench import extract_bytes
def peak():
    status = open("/proc/self/status").read()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024
data = open(sys.argv[1], "rb").read()
before = peak()
rows = extract_bytes(data)
print(before, peak(), rows)
"""


def main() -> None:
    data = big_page()
    rows = extract_bytes(data)
    baseline = best_of(5, lambda: html.fromstring(data))
    ours = best_of(5, lambda: extract_bytes(data))
    ratio = ours / baseline
    print(f"page: {len(data) / 1e6:.1f} MB, {rows} rows in its error tables")
    print(
        f"extract: {ours * 1000:.0f} ms; lxml.html.fromstring: {baseline * 1000:.0f} ms; "
        f"ratio {ratio:.2f} (target <= 2)"
    )

    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.html"
        big.write_bytes(data)
        out = subprocess.run(
            [sys.executable, "-c", MEMORY_SCRIPT, str(big)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        before, after = int(out[0]), int(out[1])
        print(
            f"peak memory of the extracting process: {after} MB "
            f"({before} MB before extracting; target <= 250)"
        )

        command = [
            str(Path(sys.executable).parent / "errtables"),
            "regen",
            "--offline",
            "--out",
            str(Path(tmp) / "generated"),
        ]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # first write

        def regen() -> None:
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)

        wall = best_of(5, regen)
        print(f"errtables regen --offline: {wall:.2f} s wall, best of 5 (target <= 0.5)")


if __name__ == "__main__":
    main()
