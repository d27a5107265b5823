"""What ccxt's hand-kept OKX exception map lacks, against the generated tables.

ccxt maps OKX error codes to exception classes by hand (``ccxt.okx().describe()["exceptions"]
["exact"]``). This compares that map with the documented codes: the codes ccxt does not map,
the codes it maps that no source documents any more, and the share it covers. The class
suggested for a missing code comes only from an unambiguous HTTP status; every other code
gets ``ExchangeError`` and a TODO, never a guess from the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import escape
from .model import CodeTable, ErrtablesError, code_sort_key

CLASS_OF_STATUS = {
    401: "AuthenticationError",
    429: "RateLimitExceeded",
    503: "ExchangeNotAvailable",
}
FALLBACK = "ExchangeError"
SUCCESS = "0"  # OKX's code for success: documented, but no error to map
INSTALL = "pip install 'errtables[ccxt]'"


class CoverageError(ErrtablesError):
    pass


def ccxt_exact_map() -> tuple[str, dict[str, str]]:
    """ccxt's version and its OKX ``exact`` map, code -> exception class name."""
    try:
        import ccxt  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError as exc:
        raise CoverageError(f"ccxt is not installed; install it with: {INSTALL}") from exc
    exact = ccxt.okx().describe()["exceptions"]["exact"]
    return str(ccxt.__version__), {str(k): getattr(v, "__name__", str(v)) for k, v in exact.items()}


@dataclass(frozen=True)
class Missing:
    code: str
    message: str
    http_statuses: tuple[int, ...]

    @property
    def suggestion(self) -> str | None:
        """An exception class when the HTTP status says it unambiguously, else None."""
        if len(self.http_statuses) == 1:
            return CLASS_OF_STATUS.get(self.http_statuses[0])
        return None


@dataclass(frozen=True)
class Coverage:
    ccxt_version: str
    sources: tuple[str, ...]
    documented: int
    mapped: int  # documented codes that ccxt maps
    ccxt_codes: int
    missing: tuple[Missing, ...]
    stale: tuple[tuple[str, str], ...]  # (code, ccxt's class) documented by no source

    @property
    def share(self) -> float:
        return self.mapped / self.documented if self.documented else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "ccxt_version": self.ccxt_version,
            "sources": list(self.sources),
            "documented": self.documented,
            "mapped": self.mapped,
            "coverage": round(self.share, 4),
            "ccxt_codes": self.ccxt_codes,
            "missing": [
                {
                    "code": m.code,
                    "message": m.message,
                    "http_statuses": list(m.http_statuses),
                    "suggested_class": m.suggestion,
                }
                for m in self.missing
            ],
            "stale": [{"code": code, "class": cls} for code, cls in self.stale],
        }


def compare(
    tables: dict[str, CodeTable], sources: list[str], version: str, exact: dict[str, str]
) -> Coverage:
    """``exact`` against the codes of ``sources``; stale means documented by no table at all."""
    rows: dict[str, list[tuple[str, int | None]]] = {}
    for source in sources:
        if source not in tables:
            known = ", ".join(sorted(tables))
            raise CoverageError(f"no generated table for {source!r} (known: {known})")
        for code, found in tables[source].by_code().items():
            if code != SUCCESS:
                rows.setdefault(code, []).extend((r.message, r.http_status) for _, r in found)
    everywhere = {code for t in tables.values() for code in t.by_code()}
    missing = tuple(
        Missing(
            code,
            found[0][0],
            tuple(sorted({s for _, s in found if s is not None})),
        )
        for code, found in sorted(rows.items(), key=lambda i: code_sort_key(i[0]))
        if code not in exact
    )
    stale = tuple(
        (code, cls)
        for code, cls in sorted(exact.items(), key=lambda i: code_sort_key(i[0]))
        if code not in everywhere
    )
    mapped = sum(1 for code in rows if code in exact)
    return Coverage(version, tuple(sources), len(rows), mapped, len(exact), missing, stale)


def text(c: Coverage) -> str:
    lines = [
        f"ccxt {c.ccxt_version}: maps {c.mapped} of the {c.documented} codes "
        f"{', '.join(c.sources)} documents ({c.share:.1%}); {len(c.missing)} missing, "
        f"{len(c.stale)} mapped but documented by no source",
        "",
        f"missing ({len(c.missing)}):",
    ]
    lines += [f"  {m.code}\t{escape.flat(m.message)}" for m in c.missing]
    lines += ["", f"stale ({len(c.stale)}):"]
    lines += [f"  {code}\t{cls}" for code, cls in c.stale]
    return "\n".join(lines) + "\n"


def markdown(c: Coverage) -> str:
    out = [
        f"## ccxt {escape.md_text(c.ccxt_version)}: OKX error-code coverage",
        "",
        f"ccxt maps **{c.mapped}** of the **{c.documented}** codes that "
        f"{escape.md_text(', '.join(c.sources))} documents ({c.share:.1%}).",
        "",
        f"### Documented, not mapped ({len(c.missing)})",
        "",
        "| Code | HTTP status | Message |",
        "| --- | --- | --- |",
    ]
    out += [
        f"| {escape.md_cell(m.code)} | {escape.md_cell(', '.join(map(str, m.http_statuses)))} "
        f"| {escape.md_cell(m.message)} |"
        for m in c.missing
    ]
    out += ["", f"### Mapped, documented by no source ({len(c.stale)})", ""]
    out += ["| Code | ccxt class |", "| --- | --- |"]
    out += [f"| {escape.md_cell(code)} | {escape.md_cell(cls)} |" for code, cls in c.stale]
    return "\n".join(out) + "\n"


def python(c: Coverage) -> str:
    """Entries for ccxt's ``exact`` map, ready to paste, one per missing code."""
    out = [
        f"# errtables: the {len(c.missing)} codes {', '.join(c.sources)} documents and "
        f"ccxt {escape.one_line(c.ccxt_version)} does not map.",
        "# A class is given only where the HTTP status decides it; review every TODO.",
    ]
    for m in c.missing:
        comment = escape.one_line(m.message) or "(no message in the docs)"
        if m.suggestion is not None:
            status = m.http_statuses[0]
            out.append(f"{escape.pyrepr(m.code)}: {m.suggestion},  # HTTP {status}: {comment}")
        else:
            out.append(f"{escape.pyrepr(m.code)}: {FALLBACK},  # TODO: classify. {comment}")
    return "\n".join(out) + "\n"
