"""What ccxt's hand-kept exception map of an exchange lacks, against the generated tables.

ccxt maps error codes to exception classes by hand (``ccxt.okx().describe()["exceptions"]
["exact"]``). This compares that map with the documented codes: the codes ccxt does not map
(each with the category errtables gives its row, and why), the codes it maps that no source
documents any more, the share it covers, and the codes where ccxt's class is not the one the
row's own words or HTTP status give.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import categorize, escape
from .categorize import from_status, from_words
from .ccxt_classes import FALLBACK, ancestry
from .model import CodeTable, ErrtablesError, Row, code_sort_key

SUCCESS = "0"  # OKX's code for success: documented, but no error to map
INSTALL = "pip install 'errtables[ccxt]'"


class CoverageError(ErrtablesError):
    pass


def ccxt_exact_map(exchange: str = "okx") -> tuple[str, dict[str, str]]:
    """ccxt's version and an exchange's ``exact`` map, code -> exception class name."""
    try:
        import ccxt  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError as exc:
        raise CoverageError(f"ccxt is not installed; install it with: {INSTALL}") from exc
    made = getattr(ccxt, exchange, None)
    if made is None or exchange not in getattr(ccxt, "exchanges", [exchange]):
        raise CoverageError(f"ccxt has no exchange {exchange!r}; name one of ccxt.exchanges")
    exceptions = made().describe().get("exceptions") or {}
    exact = exceptions.get("exact") or {} if isinstance(exceptions, dict) else {}
    return str(ccxt.__version__), {str(k): getattr(v, "__name__", str(v)) for k, v in exact.items()}


@dataclass(frozen=True)
class Missing:
    code: str
    message: str
    http_statuses: tuple[int, ...]
    category: str = FALLBACK  # what errtables gives the code's first row
    evidence: str = "no evidence"


@dataclass(frozen=True)
class Disagreement:
    """A code ccxt maps to a class other than the one its row's own words (or HTTP status)
    give, and neither class is the other's parent."""

    code: str
    ccxt: str
    category: str
    evidence: str
    message: str


@dataclass(frozen=True)
class Coverage:
    ccxt_version: str
    sources: tuple[str, ...]
    documented: int
    mapped: int  # documented codes that ccxt maps
    ccxt_codes: int
    missing: tuple[Missing, ...]
    stale: tuple[tuple[str, str], ...]  # (code, ccxt's class) documented by no source
    disagreements: tuple[Disagreement, ...] = ()

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
                    "category": m.category,
                    "evidence": m.evidence,
                }
                for m in self.missing
            ],
            "stale": [{"code": code, "class": cls} for code, cls in self.stale],
            "disagreements": [
                {
                    "code": d.code,
                    "ccxt": d.ccxt,
                    "category": d.category,
                    "evidence": d.evidence,
                    "message": d.message,
                }
                for d in self.disagreements
            ],
        }


def compare(
    tables: dict[str, CodeTable], sources: list[str], version: str, exact: dict[str, str]
) -> Coverage:
    """``exact`` against the codes of ``sources``; stale means documented by no table at all.
    A missing code's category is what errtables proposes with ccxt's map as the decisions:
    its words, and ccxt's classes of the rows worded like it and of its neighbours."""
    rows: dict[str, list[Row]] = {}
    for source in sources:
        if source not in tables:
            known = ", ".join(sorted(tables))
            raise CoverageError(f"no generated table for {source!r} (known: {known})")
        (table,), _ = categorize.apply([tables[source]], {"ccxt": exact}, {source: "ccxt"}, "ccxt")
        for code, found in table.by_code().items():
            if code != SUCCESS:
                rows.setdefault(code, []).extend(r for _, r in found)
    everywhere = {code for t in tables.values() for code in t.by_code()}
    ordered = sorted(rows.items(), key=lambda i: code_sort_key(i[0]))
    missing = tuple(
        Missing(
            code,
            found[0].message,
            tuple(sorted({r.http_status for r in found if r.http_status is not None})),
            found[0].category or FALLBACK,
            found[0].category_evidence or "no evidence",
        )
        for code, found in ordered
        if code not in exact
    )
    disagreements = []
    for code, code_rows in ordered:
        first = code_rows[0]
        own = (from_words(first) or from_status(first)) if code in exact else None
        related = own is not None and (
            own.name in ancestry(exact[code]) or exact[code] in ancestry(own.name)
        )
        if own is not None and not related:
            disagreements.append(
                Disagreement(code, exact[code], own.name, own.evidence, first.message)
            )
    stale = tuple(
        (code, cls)
        for code, cls in sorted(exact.items(), key=lambda i: code_sort_key(i[0]))
        if code not in everywhere
    )
    mapped = sum(1 for code in rows if code in exact)
    return Coverage(
        version, tuple(sources), len(rows), mapped, len(exact), missing, stale, tuple(disagreements)
    )


def text(c: Coverage) -> str:
    lines = [
        f"ccxt {c.ccxt_version}: maps {c.mapped} of the {c.documented} codes "
        f"{', '.join(c.sources)} documents ({c.share:.1%}); {len(c.missing)} missing, "
        f"{len(c.stale)} mapped but documented by no source",
        "",
        f"missing ({len(c.missing)}):",
    ]
    lines += [f"  {m.code}\t{m.category}\t{escape.flat(m.message)}" for m in c.missing]
    lines += ["", f"stale ({len(c.stale)}):"]
    lines += [f"  {code}\t{cls}" for code, cls in c.stale]
    lines += ["", f"ccxt's class is not the one the docs' words give ({len(c.disagreements)}):"]
    lines += [
        f"  {d.code}\tccxt {d.ccxt}, docs {d.category} ({escape.flat(d.evidence)})\t"
        f"{escape.flat(d.message)}"
        for d in c.disagreements
    ]
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
        "| Code | HTTP status | Category | Evidence | Message |",
        "| --- | --- | --- | --- | --- |",
    ]
    out += [
        f"| {escape.md_cell(m.code)} | {escape.md_cell(', '.join(map(str, m.http_statuses)))} "
        f"| {escape.md_cell(m.category)} | {escape.md_cell(m.evidence)} "
        f"| {escape.md_cell(m.message)} |"
        for m in c.missing
    ]
    out += ["", f"### Mapped, documented by no source ({len(c.stale)})", ""]
    out += ["| Code | ccxt class |", "| --- | --- |"]
    out += [f"| {escape.md_cell(code)} | {escape.md_cell(cls)} |" for code, cls in c.stale]
    out += ["", f"### ccxt's class, not the docs' words ({len(c.disagreements)})", ""]
    out += ["| Code | ccxt | Docs | Evidence | Message |", "| --- | --- | --- | --- | --- |"]
    out += [
        f"| {escape.md_cell(d.code)} | {escape.md_cell(d.ccxt)} | {escape.md_cell(d.category)} "
        f"| {escape.md_cell(d.evidence)} | {escape.md_cell(d.message)} |"
        for d in c.disagreements
    ]
    return "\n".join(out) + "\n"


def python(c: Coverage) -> str:
    """Entries for ccxt's ``exact`` map, ready to paste, one per missing code."""
    out = [
        f"# errtables: the {len(c.missing)} codes {', '.join(c.sources)} documents and "
        f"ccxt {escape.one_line(c.ccxt_version)} does not map.",
        "# Each class is what errtables proposes with ccxt's map as the decisions: the",
        "# docs' words, ccxt's class of a code worded alike or of the codes around it;",
        "# ExchangeError where nothing says more.",
    ]
    for m in c.missing:
        comment = escape.one_line(m.message) or "(no message in the docs)"
        out.append(f"{escape.pyrepr(m.code)}: {m.category},  # {comment}")
    if c.disagreements:
        out.append(f"# ccxt's class is not the one the docs' words give ({len(c.disagreements)}):")
        out += [
            f"# {escape.pyrepr(d.code)}: ccxt {d.ccxt}, docs {d.category} "
            f"({escape.one_line(d.evidence)})"
            for d in c.disagreements
        ]
    return "\n".join(out) + "\n"
