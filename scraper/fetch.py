"""Fetch the sources' pages politely: one httpx client, per-host and global concurrency
limits, retries with backoff and jitter, Retry-After, conditional requests, same-host
redirects only, and a body size cap enforced while streaming.

Fetching only transports bytes; whether a page holds an error table is decided later.
"""

from __future__ import annotations

import random
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import urljoin, urlsplit

from .model import MAX_PAGE_BYTES, Source

# httpx and asyncio are imported when a crawl starts: offline runs never load them.
if TYPE_CHECKING:
    import asyncio

    import httpx

USER_AGENT = "errtables/0.1 (+https://github.com/errtables/errtables; error-code table sync)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@cache
def _network_errors() -> tuple[tuple[type[Exception], ...], tuple[type[Exception], ...]]:
    """(unreachable, transient): failures of the network, not of the page. Both are
    retried; "unreachable" (DNS, connect) when they persist means there is no network."""
    import httpx

    unreachable = (httpx.ConnectError, httpx.ConnectTimeout)
    transient = (
        *unreachable,
        httpx.ReadTimeout,
        httpx.WriteTimeout,
        httpx.PoolTimeout,
        httpx.RemoteProtocolError,
        httpx.ReadError,
    )
    return unreachable, transient


def _refused() -> tuple[type[Exception], ...]:
    """Failures of one request that no retry mends (a bad redirect target, a header httpx
    cannot send): that source fails, the crawl goes on."""
    import httpx

    return (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError, UnicodeError)


class Status(StrEnum):
    """How a fetch ended: a page, the capture still current (304), or a failure."""

    OK = "ok"
    NOT_MODIFIED = "not-modified"
    FAILED = "failed"


OK, NOT_MODIFIED, FAILED = Status.OK, Status.NOT_MODIFIED, Status.FAILED


@dataclass(frozen=True)
class Settings:
    per_host: int = 4
    total: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    attempts: int = 4
    backoff: float = 0.5  # seconds before the 2nd attempt; doubles, with jitter
    backoff_cap: float = 8.0
    retry_after_cap: float = 60.0
    max_bytes: int = MAX_PAGE_BYTES  # the body, raw and after each content decoding
    max_redirects: int = 5
    user_agent: str = USER_AGENT
    deadline: float = 60.0  # seconds for one request, whatever the server trickles
    crawl_deadline: float = 900.0  # seconds for the whole crawl


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None
    capture_sha256: str | None = None  # the capture these validators were stored with

    def __post_init__(self) -> None:
        # Kept only when they can be sent back: a header value of visible ASCII. A server's
        # ETag "café" is dropped here, not stored to break every later request.
        for name in ("etag", "last_modified"):
            if not header_value(getattr(self, name)):
                object.__setattr__(self, name, None)

    def headers(self) -> dict[str, str]:
        found = {"If-None-Match": self.etag, "If-Modified-Since": self.last_modified}
        return {k: v for k, v in found.items() if v}

    def to_json(self) -> dict[str, str]:
        if not (self.etag or self.last_modified):
            return {}
        found = {
            "etag": self.etag,
            "last_modified": self.last_modified,
            "sha256": self.capture_sha256,
        }
        return {k: v for k, v in found.items() if v}


def header_value(value: object) -> bool:
    """A string that can be sent as an HTTP header value: visible ASCII and spaces."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= 1024
        and value.isascii()
        and value.isprintable()
    )


P = TypeVar("P")
# What turns a body into a page (the read stage's, handed in: fetch only moves bytes): the
# page and a note for the reader (a charset overridden), or None and why the body is no page.
Reader = Callable[[str, bytes, str | None], tuple[P | None, str | None]]


@dataclass(frozen=True)
class Fetched(Generic[P]):
    source: Source
    outcome: Status
    http_status: int | None = None
    body_bytes: int = 0
    page: P | None = None
    validators: Validators = field(default_factory=Validators)
    error: str | None = None
    unreachable: bool = False  # DNS or connect failure: the network, not the page
    attempts: int = 0
    note: str | None = None  # what the reader should know (a charset overridden)


class _Failure(Exception):
    """A final answer about the page (no retry): a 404, an off-site redirect, a body too big."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.status = status


def retry_after(value: str | None, cap: float, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    from email.utils import parsedate_to_datetime  # here: it loads socket, on every start

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    delay = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, min(delay, cap))


def backoff(attempt: int, settings: Settings, rng: random.Random) -> float:
    """Exponential backoff with jitter before attempt ``attempt + 1``."""
    base: float = settings.backoff * 2.0 ** (attempt - 1)
    return min(settings.backoff_cap, base) * rng.uniform(0.5, 1.0)


@cache
def _brotli_bounded() -> bool:
    """brotli is installed and can bound each step's output (brotli >= 1.2)."""
    try:
        import brotli
    except ImportError:
        return False
    return "output_buffer_limit" in (brotli.Decompressor.process.__doc__ or "")


def accepted_encodings() -> str:
    """Only the encodings errtables can decode with a bound on their output."""
    return "gzip, deflate, br" if _brotli_bounded() else "gzip, deflate"


class _Inflater:
    """One content coding, decoded step by step; its whole output may not pass ``cap``."""

    def __init__(self, coding: str, cap: int) -> None:
        self.coding = coding
        self.cap = cap
        self.size = 0
        self.brotli: Any = None
        self.zlib: Any = None
        self.raw_fallback = False
        if coding in ("gzip", "x-gzip"):
            self.zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            self.zlib = zlib.decompressobj(zlib.MAX_WBITS)
            self.raw_fallback = True
        elif coding == "br" and _brotli_bounded():
            import brotli

            self.brotli = brotli.Decompressor()
        else:
            raise _Failure(f"unsupported Content-Encoding {coding!r}")

    def _grow(self, out: bytes) -> bytes:
        self.size += len(out)
        if self.size > self.cap:
            raise _Failure(
                f"body is over the {self.cap}-byte cap once decoded ({self.coding}); "
                "a decompression bomb or a page far larger than docs pages are"
            )
        return out

    def feed(self, data: bytes) -> bytes:
        parts: list[bytes] = []
        try:
            if self.brotli is not None:
                parts.append(
                    self._grow(self.brotli.process(data, output_buffer_limit=self._room()))
                )
                while not self.brotli.can_accept_more_data():
                    parts.append(
                        self._grow(self.brotli.process(b"", output_buffer_limit=self._room()))
                    )
                return b"".join(parts)
            pending = data
            while pending:
                parts.append(self._grow(self.zlib.decompress(pending, self._room())))
                pending = self.zlib.unconsumed_tail
        except _Failure:
            raise
        except zlib.error as exc:
            if self.raw_fallback and self.size == 0:
                self.raw_fallback = False  # servers that send raw deflate, no zlib header
                self.zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data)
            raise _Failure(f"body is not valid {self.coding}: {exc}") from exc
        except Exception as exc:  # brotli.error, which the module may not have loaded
            raise _Failure(f"body is not valid {self.coding}: {exc}") from exc
        return b"".join(parts)

    def _room(self) -> int:
        return self.cap - self.size + 1

    def finish(self) -> bytes:
        if self.brotli is not None:
            if not self.brotli.is_finished():
                raise _Failure("the body ended early (br stream incomplete): a partial download")
            return b""
        out = self._grow(self.zlib.flush(self._room()))
        if not self.zlib.eof:
            raise _Failure(
                f"the body ended early ({self.coding} stream incomplete): a partial download"
            )
        return out


@dataclass
class _Response:
    status: int
    headers: httpx.Headers
    body: bytes = b""
    charset: str | None = None
    transferred: int = 0  # bytes on the wire, before decompression


class Crawler(Generic[P]):
    """One client for a crawl; ``run`` fetches many sources concurrently, each body made a
    page by ``read``."""

    def __init__(
        self,
        read: Reader[P],
        settings: Settings = Settings(),
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        import asyncio

        self.read = read
        self.settings = settings
        self.transport = transport
        self.sleep = sleep or asyncio.sleep
        self.rng = random.Random()
        self.hosts: dict[str, asyncio.Semaphore] = {}

    def _client(self) -> httpx.AsyncClient:
        import httpx

        s = self.settings
        return httpx.AsyncClient(
            headers={"User-Agent": s.user_agent, "Accept-Encoding": accepted_encodings()},
            timeout=httpx.Timeout(s.read_timeout, connect=s.connect_timeout),
            limits=httpx.Limits(max_connections=s.total, max_keepalive_connections=s.total),
            follow_redirects=False,
            transport=self.transport,
            trust_env=False,
        )

    def _host_limit(self, url: str) -> asyncio.Semaphore:
        import asyncio

        host = urlsplit(url).netloc.lower()
        if host not in self.hosts:
            self.hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return self.hosts[host]

    async def _get(
        self, client: httpx.AsyncClient, source: Source, headers: dict[str, str]
    ) -> _Response:
        """One request, following same-host redirects, reading at most max_bytes."""
        url = source.location
        home = urlsplit(url).netloc.lower()
        for _ in range(self.settings.max_redirects + 1):
            async with client.stream("GET", url, headers=headers) as response:
                if response.has_redirect_location:
                    target = urljoin(url, response.headers.get("Location", ""))
                    if urlsplit(target).scheme.lower() not in ("http", "https"):
                        raise _Failure(
                            f"redirected to {target}, not an http(s) address",
                            response.status_code,
                        )
                    if urlsplit(target).netloc.lower() != home:
                        raise _Failure(
                            f"redirected off-site to {target}; update the url in "
                            "sources.toml if the page moved",
                            response.status_code,
                        )
                    url = target
                    continue
                if response.status_code == 304 or response.status_code in RETRY_STATUSES:
                    return _Response(response.status_code, response.headers)
                if response.status_code >= 400:
                    raise _Failure(
                        f"HTTP {response.status_code} {response.reason_phrase}",
                        response.status_code,
                    )
                body = await self._read(response)
                return _Response(
                    response.status_code,
                    response.headers,
                    body,
                    response.charset_encoding,
                    response.num_bytes_downloaded,
                )
        raise _Failure(f"more than {self.settings.max_redirects} redirects")

    async def _read(self, response: httpx.Response) -> bytes:
        """The body, raw from the wire and decoded here, each coding with a bound on its
        output: a small compressed answer never inflates past the cap in memory."""
        cap = self.settings.max_bytes
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            raise _Failure(
                f"body of {int(length)} bytes is over the {cap}-byte cap", response.status_code
            )
        codings = [
            c.strip().lower()
            for c in response.headers.get("Content-Encoding", "").split(",")
            if c.strip() and c.strip().lower() != "identity"
        ]
        try:
            stages = [_Inflater(c, cap) for c in reversed(codings)]
        except _Failure as failure:
            raise _Failure(str(failure), response.status_code) from None
        chunks: list[bytes] = []
        size = 0
        try:
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > cap:
                    raise _Failure(f"body is over the {cap}-byte cap")
                for stage in stages:
                    chunk = stage.feed(chunk)
                chunks.append(chunk)
            for i, stage in enumerate(stages):
                tail = stage.finish()
                for later in stages[i + 1 :]:
                    tail = later.feed(tail)
                chunks.append(tail)
        except _Failure as failure:
            raise _Failure(str(failure), response.status_code) from None
        return b"".join(chunks)

    async def fetch(
        self, client: httpx.AsyncClient, source: Source, validators: Validators | None
    ) -> Fetched[P]:
        import asyncio

        headers = validators.headers() if validators else {}
        attempts = self.settings.attempts
        unreachable, transient = _network_errors()
        for attempt in range(1, attempts + 1):
            delay: float | None = None
            try:
                async with self._host_limit(source.location):
                    async with asyncio.timeout(self.settings.deadline):
                        response = await self._get(client, source, headers)
            except TimeoutError:
                return Fetched(
                    source,
                    FAILED,
                    error=f"no complete answer within the {self.settings.deadline:g} s deadline "
                    "(a stalled or trickling server; --deadline sets it)",
                    attempts=attempt,
                )
            except _Failure as failure:
                return Fetched(source, FAILED, failure.status, error=str(failure), attempts=attempt)
            except _refused() as exc:  # what the server sent cannot be followed: this source
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                return Fetched(source, FAILED, error=reason, attempts=attempt)
            except transient as exc:
                if attempt == attempts:
                    reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                    return Fetched(
                        source,
                        FAILED,
                        error=f"{reason} (after {attempt} attempts)",
                        unreachable=isinstance(exc, unreachable),
                        attempts=attempt,
                    )
            else:
                status = response.status
                if status == 304:
                    return Fetched(
                        source,
                        NOT_MODIFIED,
                        304,
                        validators=validators or Validators(),
                        attempts=attempt,
                    )
                if status not in RETRY_STATUSES:
                    return self._done(source, response, attempt)
                if attempt == attempts:
                    return Fetched(
                        source,
                        FAILED,
                        status,
                        attempts=attempt,
                        error=f"HTTP {status} (after {attempt} attempts)",
                    )
                delay = retry_after(
                    response.headers.get("Retry-After"), self.settings.retry_after_cap
                )
            await self.sleep(
                delay if delay is not None else backoff(attempt, self.settings, self.rng)
            )
        raise AssertionError("unreachable")

    def _done(self, source: Source, response: _Response, attempt: int) -> Fetched[P]:
        found = Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))
        if not response.body.strip():
            return Fetched(source, FAILED, response.status, error="empty body", attempts=attempt)
        page, said = self.read(source.url, response.body, response.charset)
        if page is None:
            return Fetched(
                source, FAILED, response.status, response.transferred, error=said, attempts=attempt
            )
        return Fetched(
            source,
            OK,
            response.status,
            response.transferred,
            page,
            found,
            attempts=attempt,
            note=said,
        )

    async def run(
        self,
        sources: Iterable[Source],
        validators: dict[str, Validators],
        done: Callable[[Fetched[P]], None] | None = None,
    ) -> list[Fetched[P]]:
        import asyncio

        async with self._client() as client:

            async def one(source: Source) -> Fetched[P]:
                result = await self.fetch(client, source, validators.get(source.id))
                if done is not None:
                    done(result)
                return result

            todo = list(sources)
            tasks = [asyncio.ensure_future(one(s)) for s in todo]
            if not tasks:
                return []
            _, late = await asyncio.wait(tasks, timeout=self.settings.crawl_deadline)
            for task in late:
                task.cancel()
            results = []
            for source, task in zip(todo, tasks, strict=True):
                if task in late:
                    result: Fetched[P] = Fetched(
                        source,
                        FAILED,
                        error=f"the crawl's {self.settings.crawl_deadline:g} s deadline passed "
                        "before this page came (--crawl-deadline sets it)",
                    )
                    if done is not None:
                        done(result)
                else:
                    result = task.result()
                results.append(result)
            return results


def crawl(
    read: Reader[P],
    sources: Iterable[Source],
    validators: dict[str, Validators],
    settings: Settings = Settings(),
    done: Callable[[Fetched[P]], None] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[Fetched[P]]:
    import asyncio

    return asyncio.run(Crawler(read, settings, transport).run(sources, validators, done))
