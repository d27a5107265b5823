"""``make bench``: speed and memory figures, each measured in this one run.

- extraction of a >= 5 MB page built from the OKX DEX fixture pages, against a bare
  ``lxml.html.fromstring`` of the same bytes (target: ratio <= 2);
- the same for the real 3.9 MB Gate API page, hundreds of tables of which 10 hold error codes
  (target: ratio <= 2);
- peak memory of a process that does only that extraction (target: <= 250 MB);
- wall time of ``errtables regen --offline`` (target: <= 0.5 s);
- a crawl of 20 pages on one loopback host, each answered after 200 ms, at the default
  per-host limit of 4 and at 1 (bounds 1.0 s and 4.0 s; target: within 1.25x of the bound);
- body bytes transferred by a re-crawl of the unchanged pages (target: 0);
- import time of the generated package with every table, ``python -S -X importtime``
  (target: < 100 ms);
- ``from_response`` calls per second over every templated okx-v5-en row filled with sample
  values, as single errors and as failing batch items (target: >= 100,000 per second).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from lxml import html

from . import fetch, page
from .extract import extract_page
from .model import Source

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
TARGET_BYTES = 5 * 1024 * 1024


def big_page() -> bytes:
    """Every fixture page's HTML, each under its own heading, repeated past 5 MB."""
    parts: list[str] = []
    for path in sorted(
        p for f in ("okx-dex", "okx-dex-sdk", "okx-dex-other") for p in (FIXTURES / f).iterdir()
    ):
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
    found = extract_page(page.from_text("bench.html", page.decode(data)))
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


PAGES, DELAY = 20, 0.2


class _SlowPages(BaseHTTPRequestHandler):
    """Every path is the same captured page, answered after DELAY, with an ETag."""

    body = b""
    etag = '"bench"'

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        time.sleep(DELAY)
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.send_header("ETag", self.etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.send_header("ETag", self.etag)
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def crawl_figures() -> None:
    _SlowPages.body = (ROOT / "captures" / "dex-websocket-error-code-zh-hans.html").read_bytes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        sources = [
            Source(f"page-{i}", f"http://127.0.0.1:{port}/page/{i}", "en", f"Page {i}")
            for i in range(PAGES)
        ]
        import httpx  # noqa: F401 (loaded once here, so neither timing pays for the import)

        walls = {}
        for limit in (4, 1):
            settings = fetch.Settings(per_host=limit)
            start = time.perf_counter()
            results = fetch.crawl(page.from_download, sources, {}, settings)
            walls[limit] = time.perf_counter() - start
            assert all(r.outcome == fetch.OK for r in results), results
        for limit, wall in walls.items():
            bound = -(-PAGES // limit) * DELAY
            print(
                f"crawl of {PAGES} pages x {DELAY * 1000:.0f} ms, per-host limit {limit}: "
                f"{wall:.2f} s; bound {bound:.1f} s; {wall / bound:.2f}x the bound "
                "(target <= 1.25)"
            )
        validators = {r.source.id: r.validators for r in results}
        again = fetch.crawl(page.from_download, sources, validators)
        moved = sum(r.body_bytes for r in again)
        unchanged = sum(r.outcome == fetch.NOT_MODIFIED for r in again)
        print(
            f"re-crawl of the unchanged pages: {unchanged}/{PAGES} not modified, "
            f"{moved} body bytes transferred (target 0)"
        )
    finally:
        server.shutdown()


PACKAGE_DIR = ROOT / "generated" / "python"

RESPONSE_SCRIPT = """
import sys, time
import okx_error_codes as codes
rows = [r for rows in codes.VARIANTS["okx-v5-en"].values() for r in rows if r.placeholders]
single = [{"code": r.code, "msg": r.format(**{p: f"V{i}x" for i, p in enumerate(r.placeholders)}),
           "data": []} for r in rows]
batch = [{"code": "1", "msg": "", "data": [{"sCode": p["code"], "sMsg": p["msg"], "ordId": "1"}]}
         for p in single]
for payloads in (single, batch):
    for p in payloads:  # compile every code's templates first
        assert codes.from_response(p) is not None
    best = 0.0
    for _ in range(5):
        start = time.perf_counter()
        for p in payloads:
            codes.from_response(p)
        best = max(best, len(payloads) / (time.perf_counter() - start))
    print(len(payloads), int(best))
"""


def package_figures() -> None:
    """Import time and reply matching speed of the generated Python package."""
    env = {"PYTHONPATH": str(PACKAGE_DIR), "PATH": ""}
    times = []
    for _ in range(5):
        result = subprocess.run(
            [sys.executable, "-S", "-X", "importtime", "-c", "import okx_error_codes"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        last = [line for line in result.stderr.splitlines() if line.endswith(" okx_error_codes")]
        times.append(int(last[-1].split("|")[1]) / 1000)
    print(
        f"import of the generated package: {min(times):.1f} ms cumulative, best of 5, "
        "python -S -X importtime (target < 100)"
    )
    out = subprocess.run(
        [sys.executable, "-S", "-c", RESPONSE_SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.split()
    print(
        f"from_response over {out[0]} templated okx-v5-en rows: {int(out[1]):,} calls/s as "
        f"single errors, {int(out[3]):,} calls/s as failing batch items, one core "
        "(target >= 100,000)"
    )


def main() -> None:
    data = big_page()
    rows = extract_bytes(data)
    baseline = best_of(9, lambda: html.fromstring(data))
    ours = best_of(9, lambda: extract_bytes(data))
    ratio = ours / baseline
    print(f"page: {len(data) / 1e6:.1f} MB, {rows} rows in its error tables")
    print(
        f"extract: {ours * 1000:.0f} ms; lxml.html.fromstring: {baseline * 1000:.0f} ms; "
        f"ratio {ratio:.2f} (target <= 2)"
    )
    gate = (FIXTURES / "other-exchanges" / "gateio-v4.html").read_bytes()
    gate_rows = extract_bytes(gate)
    gate_lxml = best_of(9, lambda: html.fromstring(gate))
    gate_ours = best_of(9, lambda: extract_bytes(gate))
    print(
        f"Gate page: {len(gate) / 1e6:.1f} MB, {gate_rows} rows; extract: "
        f"{gate_ours * 1000:.0f} ms; lxml.html.fromstring: {gate_lxml * 1000:.0f} ms; "
        f"ratio {gate_ours / gate_lxml:.2f} (target <= 2)"
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
            "--report",
            str(Path(tmp) / "report.md"),
        ]
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)  # first write

        def regen() -> None:
            subprocess.run(command, cwd=ROOT, check=True, capture_output=True)

        wall = best_of(5, regen)
        print(f"errtables regen --offline: {wall:.2f} s wall, best of 5 (target <= 0.5)")
    package_figures()
    crawl_figures()


if __name__ == "__main__":
    main()
