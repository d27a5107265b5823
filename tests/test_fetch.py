"""The crawler against a real HTTP server on 127.0.0.1 that replays the captures and injects
faults. Every case is bounded: small timeouts, few attempts, counted requests."""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from scraper import fetch, page, regen, sources, state
from scraper.cli import main
from scraper.extract import extract_page
from scraper.model import Source

from .conftest import (
    CAPTURED,
    ROOT,
    WS,
    body_of,
    digest,
    regen_args,
    serve_captures,
    serve_changed,
)

FAST = fetch.Settings(
    per_host=4,
    connect_timeout=1.0,
    read_timeout=0.5,
    attempts=3,
    backoff=0.01,
    backoff_cap=0.05,
    retry_after_cap=0.05,
    max_bytes=1_000_000,
)


@pytest.fixture
def repo(served_repo: Path) -> Path:
    return served_repo


def run_pipeline(root: Path, **options: object) -> regen.Outcome:
    return regen.run(
        sources.load(root / "sources.toml"), None, regen.Options(settings=FAST, **options)
    )  # type: ignore[arg-type]


def requests_to(httpserver: HTTPServer, source_id: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == f"/{source_id}")


# --- the whole pipeline ------------------------------------------------------------------------


def test_loopback_crawl_regenerates_exactly_the_committed_outputs(
    repo: Path, httpserver: HTTPServer
) -> None:
    serve_captures(httpserver)
    before = digest(repo)
    result = CliRunner().invoke(main, regen_args(repo, "--strict", "--json"))
    assert result.exit_code == 0, result.output
    assert digest(repo) == before
    data = json.loads(result.stdout)
    assert data["offline"] is False and data["written"] == data["removed"] == []
    assert {s["status"] for s in data["sources"]} == {"ok"}
    assert data["report"]["changes"] == [] and data["report"]["version"] == 1
    assert len(httpserver.log) == len(CAPTURED)
    assert all(r.headers["User-Agent"].startswith("errtables/") for r, _ in httpserver.log)


def test_etag_round_trip_transfers_no_body_the_second_time(
    repo: Path, httpserver: HTTPServer
) -> None:
    def handler_for(path: Path):  # type: ignore[no-untyped-def]
        data, kind = body_of(path)
        tag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'

        def handler(request: Request) -> Response:
            if request.headers.get("If-None-Match") == tag:
                return Response(status=304, headers={"ETag": tag})
            return Response(data, content_type=kind, headers={"ETag": tag})

        return handler

    for path in CAPTURED:
        httpserver.expect_request(f"/{path.stem}").respond_with_handler(handler_for(path))
    first = run_pipeline(repo)
    assert {f.outcome for f in first.fetched} == {fetch.OK}
    cache = repo / state.VALIDATORS
    assert cache.is_file()  # validators recorded for the next crawl
    after_first = digest(repo)
    second = run_pipeline(repo)
    assert {f.outcome for f in second.fetched} == {fetch.NOT_MODIFIED}
    assert sum(f.body_bytes for f in second.fetched) == 0
    assert second.capture_writes == {} and second.plan.empty
    assert digest(repo) == after_first
    conditional = [r for r, _ in httpserver.log[len(CAPTURED) :]]
    assert all(r.headers.get("If-None-Match") for r in conditional)


def test_validators_are_sent_only_with_the_capture_they_were_stored_with(
    repo: Path, httpserver: HTTPServer
) -> None:
    # A run killed after writing the validators of a new page but before its capture: the
    # capture on disk is not the one the validators describe, so the next run asks for the
    # whole page instead of a 304 that would lose the change.
    tag = '"v2"'

    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == tag:
            return Response(status=304, headers={"ETag": tag})
        data, kind = body_of(ROOT / "captures" / f"{WS}.html")
        return Response(data, content_type=kind, headers={"ETag": tag})

    serve_captures(httpserver, skip=(WS,))
    httpserver.expect_request(f"/{WS}").respond_with_handler(handler)
    run_pipeline(repo)
    stored = json.loads((repo / state.VALIDATORS).read_text(encoding="utf-8"))
    capture = repo / "captures" / f"{WS}.html"
    assert stored[WS]["sha256"] == hashlib.sha256(capture.read_bytes()).hexdigest()
    capture.write_text(capture.read_text("utf-8").replace("60004", "60099"), "utf-8")  # stale
    before = len(httpserver.log)
    again = run_pipeline(repo)
    sent = [r for r, _ in httpserver.log[before:] if r.path == f"/{WS}"]
    assert sent and all("If-None-Match" not in r.headers for r in sent)
    (result,) = [f for f in again.fetched if f.source.id == WS]
    assert result.outcome == fetch.OK  # the whole page again, and the capture repaired
    assert "60004" in capture.read_text("utf-8")


def test_changed_page_updates_capture_and_tables(repo: Path, httpserver: HTTPServer) -> None:
    data = (ROOT / "captures" / f"{WS}.html").read_bytes()
    serve_changed(
        httpserver,
        (b"<tr><td>60031</td><td>API key doesn't exist.</td></tr>\n", b""),
        (b"Invalid sign", b"Invalid signature"),
    )
    outcome = run_pipeline(repo)
    rules = sorted((c.rule, c.code) for c in outcome.report.real)
    assert rules == [("code-removed", "60031"), ("message-changed", "60007")]
    assert (repo / "captures" / f"{WS}.html").read_bytes() != data


def test_unreachable_network_falls_back_to_the_captures(repo: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: connections to it are refused
    text = (repo / "sources.toml").read_text(encoding="utf-8")
    import re

    text = re.sub(r'fetch_url = "http://[^/]+/', f'fetch_url = "http://127.0.0.1:{port}/', text)
    (repo / "sources.toml").write_text(text, encoding="utf-8")
    before = digest(repo)
    outcome = run_pipeline(repo)
    assert outcome.offline_fallback and outcome.plan.empty
    assert digest(repo) == before
    with pytest.raises(regen.PipelineError, match="no source could be reached"):
        run_pipeline(repo, strict=True)
    assert digest(repo) == before


def faults() -> dict[str, tuple[object, str]]:
    """Name -> (how the server answers the websocket page, what the failure says)."""

    def truncated(request: Request) -> Response:
        def gen():  # type: ignore[no-untyped-def]
            yield b"<table><tr><th>Code</th>"

        return Response(gen(), headers={"Content-Length": "5000"}, direct_passthrough=True)

    return {
        "persistent-500": (Response("boom", status=500), "HTTP 500"),
        "truncated-body": (truncated, "RemoteProtocolError"),
        "empty-200": (Response(b"", content_type="text/html"), "empty body"),
        "challenge-page": (
            Response(
                "<html><head><title>Just a moment...</title></head><body>"
                "<div id='cf-chl-widget'>Checking your browser</div></body></html>",
                content_type="text/html",
            ),
            "challenge",
        ),
        "changed-layout": (
            Response("<h1>错误码</h1><p>moved</p>", content_type="text/html"),
            "no error-code table",
        ),
        "404": (Response("nope", status=404), "HTTP 404"),
        "off-site-redirect": (
            Response(status=302, headers={"Location": "http://localhost:1/elsewhere"}),
            "redirected off-site",
        ),
        "oversized-length": (Response(b"x" * 2_000_000, content_type="text/html"), "cap"),
    }


@pytest.mark.parametrize("name", sorted(faults()))
def test_fault_fails_the_source_and_changes_nothing(
    name: str, two_source_repo: Path, httpserver: HTTPServer
) -> None:
    repo = two_source_repo
    answer, reason = faults()[name]
    serve_captures(httpserver, skip=(WS,))
    if isinstance(answer, Response):
        httpserver.expect_request(f"/{WS}").respond_with_response(answer)
    else:
        httpserver.expect_request(f"/{WS}").respond_with_handler(answer)  # type: ignore[arg-type]
    before = digest(repo)
    # Strict (what automation uses): an error, nothing written.
    with pytest.raises(regen.PipelineError, match=f"{WS}: .*{reason}"):
        run_pipeline(repo, strict=True)
    assert digest(repo) == before
    # Not strict: the source keeps its committed table and is reported as failed.
    outcome = run_pipeline(repo)
    assert reason in outcome.failures[WS]
    assert outcome.report.failed.keys() == {WS}
    assert outcome.report.real == []
    assert digest(repo) == before
    assert requests_to(httpserver, WS) <= 2 * FAST.attempts


def test_strict_regen_command_exits_2_and_writes_nothing(
    repo: Path, httpserver: HTTPServer
) -> None:
    serve_captures(httpserver, skip=(WS,))
    httpserver.expect_request(f"/{WS}").respond_with_data("gone", status=410)
    before = digest(repo)
    result = CliRunner().invoke(
        main,
        regen_args(repo, "--strict"),
    )
    assert result.exit_code == 2
    assert f"{WS}: HTTP 410" in result.stderr and "nothing written" in result.stderr
    assert digest(repo) == before
    assert not (repo.parent / "build").exists()  # no report either


def test_oversized_streamed_body_is_cut_off(repo: Path, httpserver: HTTPServer) -> None:
    def endless(request: Request) -> Response:
        def gen():  # type: ignore[no-untyped-def]
            for _ in range(100):
                yield b"<p>" + b"x" * 65536 + b"</p>"

        return Response(gen(), content_type="text/html")  # chunked: no Content-Length

    serve_captures(httpserver, skip=(WS,))
    httpserver.expect_request(f"/{WS}").respond_with_handler(endless)
    outcome = run_pipeline(repo)
    assert "over the 1000000-byte cap" in outcome.failures[WS]


def test_404_is_not_retried(repo: Path, httpserver: HTTPServer) -> None:
    serve_captures(httpserver, skip=(WS,))
    httpserver.expect_request(f"/{WS}").respond_with_data("nope", status=404)
    run_pipeline(repo)
    assert requests_to(httpserver, WS) == 1


# --- retries, one source at a time ----------------------------------------------------------


def crawl_one(
    url: str, transport: httpx.AsyncBaseTransport | None = None, settings: fetch.Settings = FAST
) -> tuple[fetch.Fetched[page.Page], list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    crawler = fetch.Crawler(page.from_download, settings, transport, sleep)
    source = Source("page", url, "en", "Page")
    (result,) = asyncio.run(crawler.run([source], {}))
    return result, slept


WS_BODY, WS_TYPE = body_of(ROOT / "captures" / f"{WS}.html")


def test_429_with_retry_after_seconds_then_200(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/p").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_request("/p").respond_with_data(WS_BODY, content_type=WS_TYPE)
    settings = fetch.Settings(**{**FAST.__dict__, "retry_after_cap": 30.0})
    result, slept = crawl_one(httpserver.url_for("/p"), settings=settings)
    assert (result.outcome, result.attempts, slept) == (fetch.OK, 2, [7.0])


def test_retry_after_http_date_is_honoured_and_capped() -> None:
    now = time.time()
    later = format_datetime(datetime.fromtimestamp(now, UTC) + timedelta(seconds=20), usegmt=True)
    assert 18 <= (fetch.retry_after(later, 60, now) or 0) <= 20
    assert fetch.retry_after(later, 5, now) == 5
    assert fetch.retry_after("3600", 60) == 60
    assert fetch.retry_after("soon", 60) is None


def test_503_twice_then_200(httpserver: HTTPServer) -> None:
    for _ in range(2):
        httpserver.expect_ordered_request("/p").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/p").respond_with_data(WS_BODY, content_type=WS_TYPE)
    result, slept = crawl_one(httpserver.url_for("/p"))
    assert (result.outcome, result.attempts, len(slept)) == (fetch.OK, 3, 2)
    assert slept[0] <= FAST.backoff and slept[1] <= 2 * FAST.backoff  # exponential, jittered


class FlakyConnect(httpx.AsyncBaseTransport):
    """The real transport to the loopback server, after ``failures`` connect timeouts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.failures:
            self.failures -= 1
            raise httpx.ConnectTimeout("connect timed out", request=request)
        return await self.real.handle_async_request(request)

    async def aclose(self) -> None:
        await self.real.aclose()


def test_connect_timeout_then_success(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(WS_BODY, content_type=WS_TYPE)
    result, slept = crawl_one(httpserver.url_for("/p"), FlakyConnect(1))
    assert (result.outcome, result.attempts, len(slept)) == (fetch.OK, 2, 1)
    assert len(httpserver.log) == 1


def test_persistent_connect_timeouts_mean_unreachable(httpserver: HTTPServer) -> None:
    result, _ = crawl_one(httpserver.url_for("/p"), FlakyConnect(99))
    assert result.outcome == fetch.FAILED and result.unreachable
    assert result.attempts == FAST.attempts and len(httpserver.log) == 0


def test_read_timeout_then_success(httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(FAST.read_timeout * 2)
        return Response(WS_BODY, content_type=WS_TYPE)

    httpserver.expect_oneshot_request("/p").respond_with_handler(slow)
    httpserver.expect_request("/p").respond_with_data(WS_BODY, content_type=WS_TYPE)
    result, _ = crawl_one(httpserver.url_for("/p"))
    assert (result.outcome, result.attempts) == (fetch.OK, 2)


def test_same_host_redirect_is_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_data(
        "", status=301, headers={"Location": "/new"}
    )
    httpserver.expect_request("/new").respond_with_data(WS_BODY, content_type=WS_TYPE)
    result, _ = crawl_one(httpserver.url_for("/old"))
    assert result.outcome == fetch.OK and result.page is not None
    assert len(extract_page(result.page).tables[0].rows) == 25


GBK_PAGE = (
    "<html><head>{meta}</head><body><h1>错误代码</h1><table>"
    "<tr><th>错误代码</th><th>描述</th></tr>"
    "<tr><td>10000</td><td>必选参数不能为空</td></tr>"
    "<tr><td>10001</td><td>用户请求频率过快，超过该接口允许的限额</td></tr></table></body></html>"
)


@pytest.mark.parametrize(
    ("meta", "content_type"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gbk">', "text/html"),
        ("", "text/html; charset=GBK"),
        ("", "text/html"),  # no declaration at all: the detector decides
    ],
    ids=["meta", "header", "detected"],
)
def test_gbk_page(httpserver: HTTPServer, meta: str, content_type: str) -> None:
    body = GBK_PAGE.format(meta=meta).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    httpserver.expect_request("/gbk").respond_with_data(body, content_type=content_type)
    result, _ = crawl_one(httpserver.url_for("/gbk"))
    assert result.page is not None
    rows = extract_page(result.page).tables[0].rows
    assert [(r.code, r.message) for r in rows] == [
        ("10000", "必选参数不能为空"),
        ("10001", "用户请求频率过快，超过该接口允许的限额"),
    ]


def test_gzip_is_asked_for_and_decoded(httpserver: HTTPServer) -> None:
    import gzip

    httpserver.expect_request("/z").respond_with_data(
        gzip.compress(WS_BODY), content_type=WS_TYPE, headers={"Content-Encoding": "gzip"}
    )
    result, _ = crawl_one(httpserver.url_for("/z"))
    assert result.page is not None and len(extract_page(result.page).tables[0].rows) == 25
    request, _ = httpserver.log[0]
    assert "gzip" in request.headers["Accept-Encoding"]
    assert result.body_bytes < len(WS_BODY)  # bytes on the wire, compressed


def test_fetch_command_updates_captures_only_and_summarizes_as_json(
    repo: Path, httpserver: HTTPServer
) -> None:
    changed = serve_changed(httpserver, (b"Invalid sign<", b"Invalid signature<"))
    generated = digest(repo / "generated")
    result = CliRunner().invoke(main, ["fetch", "--json", "--sources", str(repo / "sources.toml")])
    assert result.exit_code == 0, result.output
    summary = {s["source"]: s for s in json.loads(result.stdout)["sources"]}
    assert len(summary) == len(CAPTURED)
    assert summary[WS] == {
        "source": WS,
        "status": "ok",
        "http_status": 200,
        "bytes": len(changed),
        "not_modified": False,
        "rows": 25,
        "error": None,
        "note": None,
    }
    assert b"Invalid signature<" in (repo / "captures" / f"{WS}.html").read_bytes()
    assert digest(repo / "generated") == generated  # fetch leaves generated/ alone


def test_extract_reads_a_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data(WS_BODY, content_type=WS_TYPE)
    result = CliRunner().invoke(main, ["extract", "--json", httpserver.url_for("/p")])
    assert result.exit_code == 0, result.output
    (table,) = json.loads(result.stdout)["tables"]
    assert len(table["rows"]) == 25 and table["section"] == "错误码"
