"""The pipeline: fetch (or read the captures) -> extract -> diff -> guard -> render -> write.

Everything is computed in memory first. Nothing is written unless every step succeeded; a
source that failed keeps its committed capture and table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from . import (
    categorize,
    diff,
    documents,
    escape,
    fetch,
    join,
    languages,
    render,
    report,
    state,
    write,
)
from . import page as pages
from .cache import Cache, pickled_digest
from .cache import key as cache_key
from .model import CodeTable, ErrtablesError, Source
from .sources import Package, Sources

if TYPE_CHECKING:  # extraction (lxml) is imported for a capture the cache does not hold
    from .extract import Extraction

CHALLENGE_MARKS = (
    "just a moment",
    "attention required",
    "cf-chl",
    "captcha",
    "verify you are human",
    "access denied",
    "challenge-platform",
)


# A fetch whose body the read stage made a page.
Fetched = fetch.Fetched[pages.Page]


class PipelineError(ErrtablesError):
    pass


class CaptureTooLarge(PipelineError):
    """A page over one of the bounds: its source fails with this reason."""


def code_table(source: Source, page: pages.Page, found: Extraction | None = None) -> CodeTable:
    """A page's tables in the source's language; copies in other languages set aside."""
    if found is None:
        from .extract import extract_page

        found = extract_page(page)
    split = languages.split(source.locale, found.tables)
    return CodeTable(source, split.own, found.warnings, split.copies)


def no_table_reason(page: pages.Page) -> str:
    content = (page.html or page.text or "").lower()
    if not content.strip():
        return "the page is empty"
    if any(mark in content for mark in CHALLENGE_MARKS):
        return "the page is an anti-bot challenge, not the docs (try again later)"
    return "no error-code table found (a changed layout?)"


@dataclass(frozen=True)
class Options:
    offline: bool = False
    strict: bool = False
    allow_removals: bool = False
    removal_threshold: float = 0.3
    settings: fetch.Settings = fetch.Settings()
    dry_run: bool = False  # compute everything, write nothing
    generate: bool = True  # write generated/ (fetch alone writes only the captures)
    report: Path | None = None  # the Markdown change report (JSON beside it)
    cache: Cache | None = None  # what earlier runs derived (none: derive everything)


@dataclass
class Outcome:
    tables: list[CodeTable] = field(default_factory=list)
    report: diff.Report = field(default_factory=diff.Report)
    fetched: list[Fetched] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # source id -> one-line reason
    skipped: list[str] = field(default_factory=list)  # no capture, nothing committed
    offline_fallback: bool = False  # nothing reachable: the captures were used
    notes: list[str] = field(default_factory=list)  # one line each, for the reader
    rebuilt: bool = False  # the dates file was missing and is written again
    declared: int = 0  # the sources sources.toml lists
    packages: tuple[Package, ...] = ()  # as sources.toml declares them
    versions: dict[str, str] = field(default_factory=dict)  # package name -> version
    files: dict[str, str] = field(default_factory=dict)  # rendered generated/ files
    plan: write.Plan = field(default_factory=lambda: write.Plan((), ()))
    capture_writes: dict[Path, str] = field(default_factory=dict)  # captures and metadata
    report_files: dict[Path, str] = field(default_factory=dict)  # rendered before any write

    @property
    def rows(self) -> int:
        return sum(t.row_count for t in self.tables)


def _capture_name(sources: Sources, path: Path) -> str:
    """How warnings name a capture: relative to the sources file, so output is portable."""
    if path.is_relative_to(sources.root):
        return path.relative_to(sources.root).as_posix()
    return str(path)


def _from_capture(
    sources: Sources,
    source: Source,
    path: Path,
    text: str | None,
    kept: Cache | None,
    keys: dict[str, str] | None = None,
) -> CodeTable:
    """One source's table from its capture (the file, or ``text`` about to replace it);
    from the cache when it holds this capture's bytes. ``keys`` gets, by source id, the
    digest of the table as the cache keeps it (equal tables, equal digests)."""
    name = _capture_name(sources, path)
    data = text.encode("utf-8") if text is not None else state.read_bytes_or_none(path)
    want = None if data is None else cache_key("extract", repr(source), name, data)
    slot = f"extract/{source.id}"
    if kept is not None and want is not None:
        held = kept.get(slot, want)
        if held is not None:
            try:
                table = documents.from_extraction(source, held)
            except (ValueError, KeyError, TypeError):  # not what errtables keeps: derived again
                pass
            else:
                if keys is not None:
                    keys[source.id] = _digest(held)
                return table
    try:
        page = pages.read(path) if text is None else pages.from_text(name, text)
    except pages.PageError as exc:
        raise PipelineError(
            f"{exc}; run 'errtables capture {source.id} PAGE' to replace it"
        ) from exc
    said = tuple(replace(w, page=name) for w in page.warnings)
    page = replace(page, name=name, warnings=said)
    try:
        table = code_table(source, page)
    except pages.TooLarge as exc:
        raise CaptureTooLarge(str(exc)) from exc
    if not table.tables:
        raise PipelineError(
            f"{name}: {no_table_reason(page)}; check the page and run "
            f"'errtables capture {source.id} PAGE' with a good copy"
        )
    if kept is not None and kept.folder is not None and want is not None:
        text = documents.extraction(table)
        kept.put(slot, want, text)
        # As a later run reads it back: the tables then pickle alike, run after run, and
        # the generated files keyed by them are found (render._Outputs).
        table = documents.from_extraction(source, text)
        if keys is not None:
            keys[source.id] = _digest(text)
    return table


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Collected:
    """What ``collect`` made: every source's fresh table, what the crawl met, and the
    captures, validators and dates to write with the outputs."""

    tables: dict[str, CodeTable]  # by source id
    fetched: tuple[Fetched, ...] = ()
    failures: dict[str, str] = field(default_factory=dict)  # source id -> one-line reason
    skipped: tuple[str, ...] = ()  # no capture, nothing committed
    offline_fallback: bool = False  # nothing reachable: the captures were used
    capture_writes: dict[Path, str] = field(default_factory=dict)
    # The digest of each table read from a capture, as the cache keeps it, by source id.
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Guarded:
    """What ``guard`` let through: the tables joined across languages, and the report."""

    tables: list[CodeTable]  # in priority order
    report: diff.Report
    # What derived each table (its cache key): render keys its files by it, unpickled.
    keys: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Built:
    """What ``build`` made in memory: every generated file, the plan against out/, and the
    reports."""

    files: dict[str, str]
    plan: write.Plan
    report_files: dict[Path, str]


def run(
    sources: Sources,
    out: Path | None = None,
    options: Options = Options(),
    done: Callable[[Fetched], None] | None = None,
) -> Outcome:
    """The pipeline in four steps: collect the fresh tables, guard against what must not
    pass, build every output in memory, then commit it all at once (unless a dry run)."""
    out = out if out is not None else sources.root / state.GENERATED
    old = state.committed(out)
    collected = collect(sources, old, options, done)
    guarded = guard(sources, old, collected, options)
    dating = _dating(sources, out, options, guarded, collected)
    outcome = Outcome(
        tables=guarded.tables,
        report=guarded.report,
        fetched=list(collected.fetched),
        failures=collected.failures,
        skipped=list(collected.skipped),
        offline_fallback=collected.offline_fallback,
        notes=dating.notes,
        rebuilt=dating.rebuilt,
        declared=len(sources.sources),
        packages=sources.packages,
        versions=dating.versions,
        files=dating.built.files,
        plan=dating.built.plan,
        capture_writes={**collected.capture_writes, **dating.writes},
        report_files=dating.built.report_files,
    )
    if not options.dry_run:
        commit(sources, out, options, outcome)
    return outcome


def collect(
    sources: Sources,
    old: dict[str, CodeTable],
    options: Options,
    done: Callable[[Fetched], None] | None = None,
) -> Collected:
    """Every source's table: fetched, else from its capture, else the committed one (a
    failed or never captured source keeps it)."""
    crawled = Collected({}) if options.offline else _crawl(sources, options, done)
    failures = crawled.failures
    if options.strict and failures:
        lines = "\n".join(f"  {sid}: {why}" for sid, why in sorted(failures.items()))
        raise PipelineError(f"{len(failures)} source(s) failed; nothing written:\n{lines}")
    new: dict[str, CodeTable] = {}
    keys = dict(crawled.keys)
    skipped: list[str] = []
    broken: dict[str, str] = {}
    for source in sources.sources:
        path = sources.capture_path(source)
        if source.id in crawled.tables:
            new[source.id] = crawled.tables[source.id]
        elif path is not None and source.id not in failures:
            try:
                new[source.id] = _from_capture(sources, source, path, None, options.cache, keys)
            except PipelineError as exc:
                broken[source.id] = str(exc)
        elif path is None and source.id in old and source.id not in failures:
            target = sources.capture_target(source, ".html").relative_to(sources.root)
            broken[source.id] = (
                f"generated/ holds its table, but its capture ({target.as_posix()}, or .txt) "
                f"is missing; restore it with 'git checkout -- {target.parent.as_posix()}' or "
                f"run 'errtables capture {source.id} PAGE'"
            )
        elif source.id in old:  # failed: the committed table stays
            new[source.id] = CodeTable(source, old[source.id].tables, old[source.id].warnings)
        elif source.id not in failures:
            skipped.append(source.id)
    if broken:
        lines = "\n".join(f"  {sid}: {why}" for sid, why in sorted(broken.items()))
        raise PipelineError(f"{len(broken)} capture(s) unusable; nothing written:\n{lines}")
    return replace(crawled, tables=new, skipped=tuple(skipped), keys=keys)


def _crawl(sources: Sources, options: Options, done: Callable[[Fetched], None] | None) -> Collected:
    """Fetch every source: the tables of the pages that came back, by source id, and the
    captures, validators and dates that changed."""
    validators = state.load_validators(sources)
    # A conditional request only where the capture on disk is the one the validators were
    # stored with: after a run killed between the two, the page is fetched whole again.
    sendable = {
        s.id: v
        for s, v in ((s, validators.get(s.id)) for s in sources.sources)
        if v is not None
        and v.capture_sha256 is not None
        and v.capture_sha256 == state.capture_hash(sources.capture_path(s))
    }
    fetched = tuple(
        fetch.crawl(pages.from_download, sources.sources, sendable, options.settings, done)
    )
    if fetched and all(f.outcome == fetch.FAILED and f.unreachable for f in fetched):
        if options.strict:
            raise PipelineError("no source could be reached (no network?); nothing written")
        return Collected({}, fetched, offline_fallback=True)
    fresh: dict[str, CodeTable] = {}
    keys: dict[str, str] = {}
    failures: dict[str, str] = {}
    writes: dict[Path, str] = {}
    updated = dict(validators)
    changed: list[str] = []
    for result in fetched:
        source = result.source
        if result.outcome == fetch.FAILED:
            failures[source.id] = result.error or "failed"
            continue
        if result.outcome == fetch.NOT_MODIFIED:
            continue
        assert result.page is not None
        from . import capture as captures  # lxml: only for a page that came

        suffix, text = captures.reduce_page(result.page, source.url)
        path = sources.capture_target(source, suffix)
        try:
            fresh[source.id] = _from_capture(sources, source, path, text, options.cache, keys)
        except CaptureTooLarge as exc:
            failures[source.id] = str(exc)
            continue
        except PipelineError:
            failures[source.id] = no_table_reason(result.page)
            continue
        old = path.read_text(encoding="utf-8") if path.is_file() else None
        if old != text:
            writes[path] = text
            changed.append(source.id)
        stored = validators.get(source.id)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()  # of the capture as written
        if old != text or stored is None or stored.capture_sha256 != digest:
            updated[source.id] = replace(result.validators, capture_sha256=digest)
    data = {k: v.to_json() for k, v in sorted(updated.items()) if v.to_json()}
    known = {k: v.to_json() for k, v in sorted(validators.items()) if v.to_json()}
    if data != known:
        writes[sources.root / state.VALIDATORS] = escape.json_text(data)
    if changed:
        dates_file = sources.root / sources.captures_dir / state.DATES
        writes[dates_file] = state.dated(sources, changed)
    return Collected(fresh, fetched, failures, capture_writes=writes, keys=keys)


def guard(
    sources: Sources, old: dict[str, CodeTable], collected: Collected, options: Options
) -> Guarded:
    """Join the languages, diff against the committed tables, and refuse losing too many
    codes (or a source) unless removals are allowed."""
    new = collected.tables
    joined, gaps = join.join([new[s.id] for s in sources.sources if s.id in new])
    package_of = {i: p.name for p in sources.packages for i in p.sources}
    decided = decisions(sources)
    joined, disputes, keys = _categorized(
        joined, decided, package_of, options.cache, collected.keys
    )
    by_id = {t.source.id: t for t in joined}
    found = diff.compare(old, by_id, collected.failures, package_of)
    found.changes.extend(diff.gap_findings(gaps))
    found.changes.extend(diff.dispute_findings(disputes))
    found.changes.extend(
        diff.unused_findings(categorize.unused_decisions(joined, decided, package_of))
    )
    refused = diff.removals(old, by_id, options.removal_threshold)
    refused += [
        diff.Removal(sid, old[sid].row_count, old[sid].row_count, sources.path.name)
        for sid in sorted(old.keys() - by_id.keys())
    ]
    if refused and not options.allow_removals:
        lines = "\n".join(f"  {r}" for r in refused)
        raise PipelineError(f"refused, nothing written:\n{lines}")
    if not joined:
        reasons = [f"  {sid}: {why}" for sid, why in sorted(collected.failures.items())]
        reasons += [f"  {sid}: no capture yet" for sid in collected.skipped]
        raise PipelineError(
            "no source has a table, so there is nothing to generate; nothing written:\n"
            + "\n".join(reasons or ["  (sources.toml declares none)"])
        )
    return Guarded(joined, found, keys)


def _categorized(
    joined: list[CodeTable],
    decided: dict[str, dict[str, str]],
    package_of: dict[str, str],
    kept: Cache | None,
    read: dict[str, str],
) -> tuple[list[CodeTable], list[categorize.Dispute], dict[str, str]]:
    """``categorize.apply``, each table's categories kept from an earlier run when the
    joined table and its package's decisions are the same; and each categorized table's key
    (what derived it), without a cache none. A joined table is known by the digests of the
    tables of its group as extracted (``read``, by source id), else by its pickled bytes."""
    if kept is None or kept.folder is None:
        return (*categorize.apply(joined, decided, package_of), {})
    out: list[CodeTable] = []
    disputes: list[categorize.Dispute] = []
    keys: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    declared = {t.source.id: repr(t.source) for t in joined}  # its locale, group, ...
    for table in joined:
        if table.source.group is not None:
            groups.setdefault(table.source.group, []).append(table.source.id)
    for table in joined:
        package = package_of.get(table.source.id, "")
        mine = {package: decided[package]} if package in decided else {}
        members = groups.get(table.source.group or "", [table.source.id])
        if all(m in read for m in members):
            joins = (f"{declared[m]}={read[m]}" for m in members)
            digest = cache_key("joined", table.source.id, *joins)
        else:
            digest = pickled_digest(table)
        want = cache_key("categorize", digest, package, json.dumps(mine, sort_keys=True))
        slot = f"categorize/{table.source.id}"
        held = kept.get(slot, want)
        if held is not None:
            try:
                done, said = categorize.from_kept(table, held)
            except (ValueError, KeyError, TypeError):  # not what errtables keeps: again
                held = None
        if held is None:
            (done,), said = categorize.apply([table], mine, {table.source.id: package})
            held = categorize.kept(done, said)
            kept.put(slot, want, held)
            # As a later run reads it back: the tables then pickle alike (render's keys).
            done, said = categorize.from_kept(table, held)
        out.append(done)
        disputes.extend(said)
        keys[table.source.id] = want
    return out, disputes, keys


def decisions(sources: Sources) -> dict[str, dict[str, str]]:
    """The maintainer's category decisions beside sources.toml, by package."""
    path = sources.root / categorize.DECISIONS_FILE
    return categorize.load_decisions(path, (p.name for p in sources.packages))


def build(
    out: Path,
    options: Options,
    guarded: Guarded,
    packages: tuple[Package, ...],
    versions: dict[str, str],
) -> Built:
    """Every generated file and the reports, in memory; the files to write validated."""
    files = write.manifested(
        render.render_all(
            guarded.tables,
            check=False,
            packages=packages,
            versions=versions,
            kept=options.cache,
            keys=guarded.keys,
        )
    )
    plan = write.plan(out, files)
    # Validated before anything is written; files equal to those in out/ are not written.
    render.validate({rel: files[rel] for rel in plan.write})
    report_files: dict[Path, str] = {}
    if options.report is not None:
        json_path = options.report.with_suffix(".json")
        data = report.as_json(guarded.report)
        kept = options.cache or Cache(None)
        where = json_path.as_posix()
        report_files = {
            json_path: data,
            options.report: kept.derived(
                "report", (data, where), lambda: report.markdown(guarded.report, where)
            ),
        }
    return Built(files, plan, report_files)


@dataclass(frozen=True)
class _Dating:
    """The versions the outputs were built with, and the outputs; the dates file to write
    when it changed or was lost, with what to say of it."""

    versions: dict[str, str]
    built: Built
    writes: dict[Path, str]
    notes: list[str]
    rebuilt: bool


def _dating(
    sources: Sources, out: Path, options: Options, guarded: Guarded, collected: Collected
) -> _Dating:
    """Build the outputs with each package's version: the day of its newest capture (this
    run's captures are today's), or today where its own bytes change (``_changed_packages``).
    A lost dates file is rebuilt and said."""
    dates_file = sources.root / sources.captures_dir / state.DATES
    writes: dict[Path, str] = {}
    notes: list[str] = []
    rebuilt = False
    if dates_file in collected.capture_writes:  # this run's captures, dated today
        dates = json.loads(collected.capture_writes[dates_file])
    else:
        dates = state.capture_dates(sources)
        if not dates_file.is_file() and dates:
            rebuilt = True
            writes[dates_file] = escape.json_text(dict(sorted(dates.items())))
            known = ", ".join(f"{n} {v}" for n, v in sorted(state.versions(sources, dates).items()))
            notes.append(
                f"{dates_file.relative_to(sources.root).as_posix()} was missing: rebuilt from "
                f"the committed package versions ({known}); commit it"
            )
    versions = state.versions(sources, dates)
    built = build(out, options, guarded, sources.packages, versions)
    stale = _changed_packages(sources, out, built, versions) if options.generate else []
    if stale:
        day = state.today()
        dates = dict(sorted({**dates, **{state.package_key(n): day for n in stale}}.items()))
        writes[dates_file] = escape.json_text(dates)
        versions = state.versions(sources, dates)
        built = build(out, options, guarded, sources.packages, versions)
    return _Dating(versions, built, writes, notes, rebuilt)


def _changed_packages(
    sources: Sources, out: Path, built: Built, versions: dict[str, str]
) -> list[str]:
    """The packages whose files change while their version does not (a new run-time library
    or template, captures unchanged): a package whose bytes change gets a new version. A
    file whose only change is the version does not count."""
    version = state.version_of(state.today())
    was = state.committed_versions(sources, out)

    def changed(rel: str, package: Package) -> bool:
        if rel in built.plan.delete:
            return True
        old = state.read_text_or_none(out / rel)
        if old is None or package.name not in was or package.name not in versions:
            return True
        return old.replace(was[package.name], versions[package.name]) != built.files[rel]

    moved = [*built.plan.write, *built.plan.delete]
    return [
        p.name
        for p in sources.packages
        if versions.get(p.name) != version
        and any(
            rel.startswith((f"python/{p.distribution}/", f"typescript/{p.distribution}/"))
            and changed(rel, p)
            for rel in moved
        )
    ]


def commit(sources: Sources, out: Path, options: Options, outcome: Outcome) -> None:
    """Captures, validators and generated/ in one write transaction, then the reports."""
    writes = {path: text.encode("utf-8") for path, text in outcome.capture_writes.items()}
    generated: dict[Path, bytes] = {}
    deletes: list[Path] = []
    if options.generate:
        generated = {out / r: outcome.files[r].encode("utf-8") for r in outcome.plan.write}
        deletes = [out / rel for rel in outcome.plan.delete]
    root = sources.root.absolute()
    reports = {path.absolute(): text.encode("utf-8") for path, text in outcome.report_files.items()}
    # Reports in a folder errtables writes (build/ by default) join the transaction: the next
    # command's recovery knows those folders. Others are written first, so that a report
    # that cannot be written stops the run before anything else is.
    bases = [root / folder for folder in sources.written]
    inner = {p: d for p, d in reports.items() if any(p.is_relative_to(b) for b in bases)}
    for path, data in reports.items():
        if path not in inner:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write.atomic_write(path, data)
            except OSError as exc:
                raise write.WriteError(
                    f"cannot write the report {path}: {exc.strerror}; nothing was changed"
                ) from exc
    if out.absolute().is_relative_to(root):
        write.inside(root, out)  # generated/ a link elsewhere: refused
        # Captures, validators, generated/ and the reports change together or not at all.
        write.commit(root, {**writes, **generated, **inner}, deletes, sources.written)
    else:
        write.commit(root, {**writes, **inner}, folders=sources.written)
        write.commit(out, generated, deletes, folders=("",))
