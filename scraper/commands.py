"""What the commands other than regen do with the pipeline's stages: read one page (a file
or a URL) and name its source, store a capture, render extracted or generated tables."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

from . import capture as captures
from . import categorize, documents, fetch, join, render, state, write
from . import page as pages
from .model import CodeTable, ErrtablesError, Source
from .regen import code_table, decisions, no_table_reason
from .sources import Package, Sources, default_replies, locale_of, slug


class CommandError(ErrtablesError):
    pass


def source_for(page: pages.Page, declared: Sources | None) -> Source:
    """The declared source of a page given on the command line, or one named after it."""
    if declared is not None:
        match = declared.match(page.name, page.url)
        if match is not None:
            return match
    url = page.url or page.name
    source_id = slug(url)
    return Source(source_id, url, locale_of(url), page.title or source_id)


def read_page(name: str) -> pages.Page:
    """A page from a file, or fetched once from an http(s) URL."""
    if not name.startswith(("http://", "https://")):
        return pages.read(Path(name))
    (result,) = fetch.crawl(pages.from_download, [Source("page", name, "und", name)], {})
    if result.page is None:
        raise pages.PageError(f"cannot fetch {name}: {result.error}")
    return result.page


def store_capture(declared: Sources, source: Source, page: pages.Page) -> tuple[Path, CodeTable]:
    """``errtables capture``: the page reduced to its tables, stored as the source's capture
    once it is known to hold a table; the capture's path and what it holds."""
    suffix, text = captures.reduce_page(page, source.url)
    target = declared.capture_target(source, suffix)
    table = code_table(source, pages.from_text(str(target), text))
    if not table.tables:
        raise CommandError(f"{page.name}: {no_table_reason(page)}; not stored")
    data = text.encode("utf-8")
    changed = [source.id] if state.capture_hash(target) != hashlib.sha256(data).hexdigest() else []
    write.commit(
        declared.root,
        {
            target: data,
            declared.root / declared.captures_dir / state.DATES: state.dated(
                declared, changed
            ).encode(),
        },
        folders=declared.written,
    )
    return target, table


def render_extracted(
    inputs: list[Path], declared: Sources | None, package: str | None = None
) -> dict[str, str]:
    """``errtables render``: the files of ``extract --json`` documents or generated JSON
    tables. A source declared in the sources file is described as it says there, in its
    order there (the lookup priority), joined with its group's other languages, and goes
    into its package; the others go into ``package`` (a new package unless declared)."""
    known = {s.id: s for s in declared.sources} if declared is not None else {}
    priority = {source_id: i for i, source_id in enumerate(known)}
    tables: list[CodeTable] = []
    final: list[CodeTable] = []  # generated tables: already joined with their languages
    for path in inputs:
        try:
            data = json.loads(path.read_text("utf-8"))
            if isinstance(data, dict) and "source" in data:  # generated/json/<source>.json
                table = documents.from_document(data)
                final.append(replace(table, source=known.get(table.source.id, table.source)))
                continue
            found = documents.tables_from_extract(data)
        except (ValueError, KeyError, TypeError, RecursionError, documents.DocumentError) as exc:
            raise CommandError(
                f"{path}: neither an 'errtables extract --json' document nor a generated "
                f"generated/json/<source>.json table ({exc!r})"
            ) from exc
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        tables += [
            CodeTable(known.get(t.source.id, t.source), t.tables, t.warnings, t.copies)
            for t in found
        ]
    joined = join.join(tables)[0]
    if declared is not None:  # as regen categorizes them, the decisions of the tree included
        package_of = {i: p.name for p in declared.packages for i in p.sources}
        joined = categorize.apply(joined, decisions(declared), package_of)[0]
    else:
        joined = categorize.apply(joined)[0]
    joined = [*joined, *final]
    joined.sort(key=lambda t: priority.get(t.source.id, len(priority)))
    packages = list(declared.packages) if declared is not None else []
    dates = state.capture_dates(declared) if declared is not None else {}
    found_versions = state.versions(declared, dates) if declared is not None else {}
    owned = {i for p in packages for i in p.sources}
    extra = tuple(t.source.id for t in joined if t.source.id not in owned)
    if extra:
        where = declared.path if declared is not None else "sources.toml"
        if package is None:
            raise CommandError(
                f"{', '.join(extra)} in no [[package]] of {where}: name the package with "
                "--package NAME (bybit gives bybit_error_codes), or declare the source there"
            )
        same = [p for p in packages if p.name == package]
        if same:
            packages[packages.index(same[0])] = replace(same[0], sources=same[0].sources + extra)
        else:
            packages.append(Package(package, extra, default_replies(package)))
            found_versions[package] = state.version_of(state.today())
    rendered = {t.source.id for t in joined}
    packages = [p for p in packages if rendered & set(p.sources)]
    try:
        return render.render_all(joined, packages=packages, versions=found_versions)
    except ValueError as exc:
        raise render.RenderError(str(exc)) from exc
