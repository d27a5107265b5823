"""Hardening against a misbehaving server and interrupted runs. Every server listens on
127.0.0.1; every case is bounded in time and requests."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest
from pytest_httpserver import HTTPServer

from scraper.model import Rule

from .conftest import ROOT, digest

GIB4 = 4 << 30
CHUNK = bytes(16 << 20)


def _deflate_bomb(wbits: int) -> bytes:
    """4 GiB of zeros, compressed: two chunks through zlib, the second repeated (a full
    flush makes every later chunk compress to the same bytes), then the real trailer."""
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = c.compress(CHUNK) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(CHUNK) + c.flush(zlib.Z_FULL_FLUSH)
    end = c.flush()
    trailer = 8 if wbits > 16 else 4
    body = first + again * (GIB4 // len(CHUNK) - 1) + end[:-trailer]
    if wbits > 16:  # gzip: CRC-32 and size of the whole
        crc = 0
        for _ in range(GIB4 // len(CHUNK)):
            crc = zlib.crc32(CHUNK, crc)
        return body + struct.pack("<II", crc, GIB4 & 0xFFFFFFFF)
    return body + struct.pack(">I", ((GIB4 % 65521) << 16) | 1)  # Adler-32 of zeros


@pytest.fixture(scope="session")
def bombs() -> dict[str, tuple[bytes, str]]:
    gzip = _deflate_bomb(16 + zlib.MAX_WBITS)
    compressor = brotli.Compressor(quality=0)
    br = b"".join(compressor.process(CHUNK) for _ in range(GIB4 // len(CHUNK)))
    br += compressor.finish()
    return {
        "gzip": (gzip, "gzip"),
        "deflate": (_deflate_bomb(zlib.MAX_WBITS), "deflate"),
        "br": (br, "br"),
        "gzip, gzip": (zlib.compress(gzip, 9, wbits=16 + zlib.MAX_WBITS), "gzip, gzip"),
    }


def sources_file(tmp_path: Path, url: str) -> Path:
    (tmp_path / "captures").mkdir()
    path = tmp_path / "sources.toml"
    path.write_text(
        f'[[source]]\nid = "bomb"\nurl = "https://example.com/errors"\nfetch_url = "{url}"\n'
        'locale = "en"\ntitle = "Bomb"\n',
        encoding="utf-8",
    )
    return path


PEAK = """
import atexit, re, sys
def peak():
    status = open("/proc/self/status").read()
    print("VmHWM", int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) // 1024, file=sys.stderr)
atexit.register(peak)
from scraper.console import entry
sys.argv = ["errtables", *sys.argv[1:]]
entry()
"""


def errtables(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PEAK, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "gzip, gzip"])
def test_decompression_bomb_fails_its_source_in_bounded_memory(
    coding: str, bombs: dict[str, tuple[bytes, str]], tmp_path: Path, httpserver: HTTPServer
) -> None:
    body, encoding = bombs[coding]
    assert len(body) < 5_000_000
    httpserver.expect_request("/errors").respond_with_data(
        body, content_type="text/html", headers={"Content-Encoding": encoding}
    )
    path = sources_file(tmp_path, httpserver.url_for("/errors"))
    result = errtables("fetch", "--strict", "--sources", str(path))
    assert result.returncode == 2, result.stderr
    assert "over the 20971520-byte cap once decoded" in result.stderr
    assert "Traceback" not in result.stderr
    peak = int(result.stderr.split("VmHWM")[1].split()[0])
    print(f"bomb {coding!r} ({len(body):,} bytes on the wire): peak memory {peak} MB")
    assert peak <= 200, f"{coding}: peak memory {peak} MB"
    assert not any((tmp_path / "captures").iterdir())


def test_a_truncated_gzip_body_is_a_failed_source(tmp_path: Path, httpserver: HTTPServer) -> None:
    page = b"<h2>Error codes</h2><table><tr><th>Code</th><th>Message</th></tr>" + b"".join(
        b"<tr><td>%d</td><td>Failure number %d</td></tr>" % (i, i) for i in range(1000, 1400)
    )
    body = zlib.compress(page, 9, wbits=16 + zlib.MAX_WBITS)
    httpserver.expect_request("/errors").respond_with_data(
        body[: len(body) // 2], content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    path = sources_file(tmp_path, httpserver.url_for("/errors"))
    result = errtables("fetch", "--strict", "--sources", str(path))
    assert result.returncode == 2
    assert "the body ended early (gzip stream incomplete): a partial download" in result.stderr


class _Trickle(BaseHTTPRequestHandler):
    """Sends a page one byte every 0.2 s: no read ever times out."""

    def do_GET(self) -> None:  # noqa: N802 (the handler's name)
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "1000")
        self.end_headers()
        try:
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def trickle() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trickle)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/errors"
    finally:
        server.shutdown()
        server.server_close()


def test_a_trickling_server_meets_the_deadline(trickle: str, tmp_path: Path) -> None:
    path = sources_file(tmp_path, trickle)
    start = time.monotonic()
    result = errtables("fetch", "--strict", "--deadline", "1.5", "--sources", str(path))
    took = time.monotonic() - start
    assert result.returncode == 2
    assert "no complete answer within the 1.5 s deadline" in result.stderr
    print(f"trickling server, --deadline 1.5: the run ended after {took:.1f} s")
    assert took < 60  # bounded: the server would take 200 s


def test_the_whole_crawl_has_a_deadline(trickle: str, tmp_path: Path) -> None:
    path = sources_file(tmp_path, trickle)
    result = errtables(
        "fetch", "--strict", "--deadline", "100", "--crawl-deadline", "2", "--sources", str(path)
    )
    assert result.returncode == 2
    assert "the crawl's 2 s deadline passed before this page came" in result.stderr


def test_interrupted_runs_exit_130_and_143_with_one_line(tmp_path: Path, trickle: str) -> None:
    import signal

    path = sources_file(tmp_path, trickle)
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        process = subprocess.Popen(
            [sys.executable, "-m", "scraper", "fetch", "--sources", str(path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        time.sleep(1.5)
        process.send_signal(sig)
        _, err = process.communicate(timeout=30)
        assert process.returncode == code, err
        assert "Traceback" not in err
        assert err.strip().splitlines()[-1].startswith("errtables: interrupted")
    assert digest(tmp_path / "captures") == {}


# --- all-or-nothing writes ------------------------------------------------------------------


def tree(repo: Path) -> dict[str, str]:
    """What a write transaction may change: captures/ and generated/, path -> sha256."""
    return {**digest(repo / "captures", "captures"), **digest(repo / "generated", "generated")}


def _old_and_new(tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, str], str]:
    """A repository copy holding the tree of other titles ("old"), the committed tree's
    digest ("new"), the old one's, and the report path."""
    import re

    from .conftest import copy_repo

    repo = copy_repo(tmp_path / "repo")
    new = tree(repo)
    old_toml = re.sub(r'title = "', 'title = "Old ', (repo / "sources.toml").read_text("utf-8"))
    (repo / "old.toml").write_text(old_toml, encoding="utf-8")
    report = str(tmp_path / "r.md")
    result = subprocess.run(
        [sys.executable, "-m", "scraper", "regen", "--offline"]
        + ["--sources", str(repo / "old.toml"), "--report", report],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    old = tree(repo)
    assert sum(old[k] != new[k] for k in new) >= 15
    return repo, old, new, report


def _snapshot(repo: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (repo / "generated").rglob("*") if p.is_file()}


def _restore(repo: Path, snapshot: dict[Path, bytes]) -> None:
    """generated/ as ``snapshot`` holds it, byte for byte."""
    for path in (repo / "generated").rglob("*"):
        if path.is_file() and path not in snapshot:
            path.unlink()
    for path, data in snapshot.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _state(repo: Path, old: dict[str, str], new: dict[str, str]) -> str:
    from scraper import write

    write.recover(repo, ("captures", "generated"))  # what every next command does first
    now = tree(repo)
    state = "new" if now == new else "old" if now == old else "mixed"
    assert state != "mixed", sorted(k for k in now if now.get(k) not in (old.get(k), new.get(k)))
    assert not list(repo.rglob(".errtables-*")), "a staged file or journal was left"
    return state


def test_killed_at_each_operation_of_the_write_phase_the_tree_is_old_or_new(
    tmp_path: Path,
) -> None:
    """The transaction from old to new, killed right after its k-th file operation (fsync,
    replace or unlink), for every k and each signal in turn (tests/tools/kill_trials.py)."""
    repo, old, new, _ = _old_and_new(tmp_path)
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests/tools/kill_trials.py"), str(repo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["left"] == [], "a staged file or journal was left"
    full, *trials = found["trees"]
    assert full == new and found["operations"] > 20
    states = ["new" if t == new else "old" if t == old else "mixed" for t in trials]
    print(
        f"kill test: {found['operations']} operations, {states.count('old')} old, "
        f"{states.count('new')} new, {states.count('mixed')} mixed"
    )
    assert "mixed" not in states and "old" in states and "new" in states


KILL_SCRIPT = """
import os, signal, sys
from scraper import console
target, signum = int(sys.argv[1]), int(sys.argv[2])
count = 0
for name in ("fsync", "replace", "unlink"):
    real = getattr(os, name)
    def hooked(*args, _real=real, **kwargs):
        global count
        result = _real(*args, **kwargs)
        count += 1
        if count == target:
            os.kill(os.getpid(), signum)
        return result
    setattr(os, name, hooked)
sys.argv = ["errtables", "regen", "--offline", "--sources", sys.argv[3], "--report", sys.argv[4]]
console.entry()
"""


def test_the_command_killed_in_its_write_phase_leaves_old_or_new(tmp_path: Path) -> None:
    """The whole command, once per signal: its handlers exit in one line, no traceback."""
    import signal

    repo, old, new, report = _old_and_new(tmp_path)
    snapshot = _snapshot(repo)
    for target, sig in ((30, signal.SIGKILL), (60, signal.SIGTERM), (90, signal.SIGINT)):
        result = subprocess.run(
            [sys.executable, "-c", KILL_SCRIPT, str(target), str(int(sig))]
            + [str(repo / "sources.toml"), report],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        if _state(repo, old, new) == "new":  # back to the old tree for the next trial
            _restore(repo, snapshot)


# --- reports --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1000, 5000])
def test_a_report_on_thousands_of_new_sources_fits_a_pr_body(count: int) -> None:
    from scraper import diff, report

    result = diff.Report()
    for i in range(count):
        result.changes.append(diff.Change(Rule.SOURCE_ADDED, f"source-{i:04d}", detail="4 codes"))
        for code in range(4):
            new = "x" * 80
            result.changes.append(
                diff.Change(Rule.CODE_ADDED, f"source-{i:04d}", str(code), new=new)
            )
    body = report.markdown(result, "build/errtables-report.json")
    assert len(body) <= report.MAX_MARKDOWN
    assert "| source-0000 | 0 | 0 | 5 |" in body
    if count > 1000:
        assert "more sources with changes: see build/errtables-report.json" in body
    else:
        assert "| source-0999 | 0 | 0 | 5 |" in body
    print(f"PR body for {count} new sources: {len(body)} characters")


def test_scraped_text_in_a_pr_body_notifies_nobody_and_links_nothing() -> None:
    from markdown_it import MarkdownIt

    from scraper import diff, report

    hostile = "Ask @someone or @org/team, see #123 and <img src=x onerror=alert(1)> `tick` ``x``"
    result = diff.Report(
        changes=[
            diff.Change(Rule.CODE_ADDED, "s", "1", new=hostile),
            diff.Change(Rule.MESSAGE_CHANGED, "s", "2", "a", hostile, diff.word_diff("a", hostile)),
        ],
        failed={"t": f"HTTP 500 {hostile}"},
    )
    body = report.markdown(result)
    tokens = MarkdownIt("commonmark").parse(body)
    for token in tokens:
        for child in token.children or []:
            if child.type == "text":
                assert "@" not in child.content and "#123" not in child.content, child.content
            assert child.type not in ("html_inline", "image")
    spans = [c.content for t in tokens for c in t.children or [] if c.type == "code_inline"]
    assert any(hostile in span for span in spans)  # shown exactly as written


# --- charsets ---------------------------------------------------------------------------------


def _page(message: str) -> bytes:
    rows = "".join(
        f"<tr><td>{code}</td><td>{message} {code}</td></tr>" for code in range(5001, 5006)
    )
    return (
        "<h2>Error codes</h2><table><tr><th>Code</th><th>Message</th></tr>" + rows + "</table>"
    ).encode("utf-8")


def test_utf8_served_as_latin1_is_read_as_utf8_and_said_so(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    import json

    httpserver.expect_request("/errors").respond_with_data(
        _page("The order doesn’t exist — “retry”"), content_type="text/html; charset=iso-8859-1"
    )
    path = sources_file(tmp_path, httpserver.url_for("/errors"))
    result = errtables("fetch", "--strict", "--json", "--sources", str(path))
    assert result.returncode == 0, result.stderr
    (summary,) = json.loads(result.stdout)["sources"]
    assert summary["note"] == "declared charset iso-8859-1, but the bytes are UTF-8: read as UTF-8"
    capture = (tmp_path / "captures/bomb.html").read_text(encoding="utf-8")
    assert "doesn’t exist — “retry”" in capture and "â€" not in capture


def test_a_page_that_still_reads_as_mojibake_fails_its_source(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    garbled = "The order doesn’t exist".encode().decode("cp1252")  # doesnâ€™t
    httpserver.expect_request("/errors").respond_with_data(
        _page(garbled), content_type="text/html; charset=utf-8"
    )
    path = sources_file(tmp_path, httpserver.url_for("/errors"))
    result = errtables("fetch", "--strict", "--sources", str(path))
    assert result.returncode == 2
    assert "the page reads as mojibake ('â€™' and more)" in result.stderr


def test_warnings_name_the_right_line_past_65535() -> None:
    from scraper import capture, extract, page

    filler = "<p>filler</p>\n" * 70_000
    markup = (
        f"<html><body>{filler}<h2>Error codes</h2>\n<table>\n"
        "<tr><th>Code</th><th>Message</th></tr>\n"
        "<tr><td>1001</td><td>Invalid sign</td></tr>\n"
        "<tr><td>not a code!</td><td>oops</td></tr>\n"
        "</table></body></html>"
    )
    found = extract.extract_html(markup, "big.html")
    (warning,) = found.warnings
    lines = markup.split("\n")
    assert warning.line is not None and warning.line > 70_000
    assert "not a code!" in lines[warning.line - 1]
    reduced = capture.reduce_page(page.from_text("big.html", markup), "https://example.com/")[1]
    assert "errtables-line" not in reduced
