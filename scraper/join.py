"""Join the sources of a group (one page per language) into translations, row by row.

Rows are aligned only where that is unambiguous: the code (with its sub-code) is on every
page of the group, with the same number of variants, in the same order of sections.
Elsewhere a row keeps its own language only, and the code is reported once as
``translation-missing`` or ``translation-ambiguous``. A page's own copy in another language
(``CodeTable.copies``) is aligned the same way, and fills the languages the group lacks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from . import languages
from .model import CodeTable, Row, Rule, Table, code_sort_key


@dataclass(frozen=True)
class Gap:
    """A code whose rows could not be joined across a group's languages."""

    rule: Rule  # translation-missing or translation-ambiguous
    source: str
    code: str
    detail: str


def _places(tables: tuple[Table, ...]) -> dict[str, list[tuple[int, int]]]:
    """Code as documented -> (table index, row index) of each of its rows, in page order."""
    places: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for t, part in enumerate(tables):
        for r, row in enumerate(part.rows):
            places[row.documented].append((t, r))
    return places


def _shape(places: list[tuple[int, int]]) -> tuple[int, ...]:
    """The rows' tables as ranks (0 for the code's first table, 1 for its next, ...), so that
    a table added elsewhere on one page does not unalign the others."""
    ranks: dict[int, int] = {}
    return tuple(ranks.setdefault(t, len(ranks)) for t, _ in places)


def join(tables: list[CodeTable]) -> tuple[list[CodeTable], list[Gap]]:
    """Every table with ``translations`` on each row, and the codes that could not be joined.
    Order of the tables is kept."""
    members: dict[str, list[CodeTable]] = defaultdict(list)
    for table in tables:
        if table.source.group is not None and table.tables:
            members[table.source.group].append(table)
    places = {t.source.id: _places(t.tables) for t in tables}
    # (source id, table index, row index) -> locale -> message
    translated: dict[tuple[str, int, int], dict[str, str]] = defaultdict(dict)
    for table in tables:
        others = members.get(table.source.group or "", [])
        _join_copies(table, places[table.source.id], others, translated)
    gaps: list[Gap] = []
    for group in sorted(members):
        pages = members[group]
        if len(pages) < 2:
            continue
        codes = sorted({c for p in pages for c in places[p.source.id]}, key=code_sort_key)
        for code in codes:
            present = [p for p in pages if code in places[p.source.id]]
            first = present[0].source.id
            if len(present) < len(pages):
                missing = ", ".join(p.source.id for p in pages if p not in present)
                gaps.append(Gap(Rule.TRANSLATION_MISSING, first, code, f"not on {missing}"))
                continue
            shapes = {p.source.id: _shape(places[p.source.id][code]) for p in pages}
            if len(set(shapes.values())) > 1:
                counts = ", ".join(f"{sid}: {len(s)}" for sid, s in shapes.items())
                gaps.append(
                    Gap(
                        Rule.TRANSLATION_AMBIGUOUS,
                        first,
                        code,
                        f"rows per page differ in number or section ({counts})",
                    )
                )
                continue
            for i in range(len(shapes[first])):
                pairs = {}
                for p in pages:
                    t, r = places[p.source.id][code][i]
                    pairs[p.source.locale] = p.tables[t].rows[r].message
                for p in pages:
                    t, r = places[p.source.id][code][i]
                    translated[(p.source.id, t, r)].update(pairs)  # the group's pages first
    out = []
    for table in tables:
        own = table.source.locale
        parts = []
        for t, part in enumerate(table.tables):
            rows = tuple(
                _with(row, {**translated.get((table.source.id, t, r), {}), own: row.message})
                for r, row in enumerate(part.rows)
            )
            parts.append(Table(part.section, part.columns, rows))
        out.append(CodeTable(table.source, tuple(parts), table.warnings, table.copies))
    return out, gaps


def _join_copies(
    table: CodeTable,
    own: dict[str, list[tuple[int, int]]],
    group: list[CodeTable],
    translated: dict[tuple[str, int, int], dict[str, str]],
) -> None:
    """Translations from the page's own copies in other languages (``own``: the places of
    its rows), under the locale the group gives that language (``zh-hans``), else the
    language itself."""
    if not table.copies:
        return
    named = {languages.base(p.source.locale): p.source.locale for p in group}
    for language, copies in table.copies:
        locale = named.get(language, language)
        other = _places(copies)
        for code, places in own.items():
            found = other.get(code)
            if found is None or _shape(found) != _shape(places):
                continue
            for (t, r), (ct, cr) in zip(places, found, strict=True):
                translated[(table.source.id, t, r)][locale] = copies[ct].rows[cr].message


def _with(row: Row, translations: dict[str, str]) -> Row:
    """``row`` with ``translations``, every other field as it was."""
    return row.amended(translations=tuple(sorted(translations.items())))
