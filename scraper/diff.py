"""Compare fresh code tables with the committed ones and classify every change.

Each change has a stable rule id and a level; the same list drives the terminal report, the
pull-request body, the JSON report and ``--fail-on``. Inconsistencies inside the docs are
reported as INFO findings, never fixed.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .categorize import Dispute
from .join import Gap
from .model import CJK, CodeTable, Level, Row, Rule, code_sort_key

INFO, WARN, ERR = Level.INFO, Level.WARN, Level.ERR
LEVELS = (INFO, WARN, ERR)
RANK = {level: i for i, level in enumerate(LEVELS)}

REPORT_VERSION = 1


@dataclass(frozen=True)
class Change:
    rule: Rule
    source: str
    code: str | None = None
    old: str | None = None
    new: str | None = None
    detail: str = ""
    variant: int | None = None  # position among the code's rows (1-based), when it has several
    section: str | None = None  # the row's section, when a variant is meant

    @property
    def level(self) -> Level:
        return self.rule.level

    @property
    def finding(self) -> bool:
        return self.rule.finding

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "source": self.source,
            "code": self.code,
            "old": self.old,
            "new": self.new,
            "detail": self.detail,
            "variant": self.variant,
            "section": self.section,
        }


@dataclass(frozen=True)
class Removal:
    """A source that would lose too many codes: refused unless removals are allowed."""

    source: str
    before: int
    lost: int
    unlisted: str | None = None  # the sources file that no longer lists the source

    def __str__(self) -> str:
        if self.unlisted is not None:
            return (
                f"{self.source}: its tables are committed in generated/, but {self.unlisted} "
                f"no longer lists it; if you removed it on purpose, run again with "
                "--allow-removals (else check the file for a typo)"
            )
        return (
            f"{self.source}: would lose {self.lost} of its {self.before} codes; if the docs "
            "really dropped them, run again with --allow-removals"
        )


@dataclass
class Report:
    changes: list[Change] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # source -> why it kept its table
    counts: dict[str, int] = field(default_factory=dict)  # source -> codes after
    packages: dict[str, str] = field(default_factory=dict)  # source -> its package

    @property
    def real(self) -> list[Change]:
        return [c for c in self.changes if not c.finding]

    @property
    def findings(self) -> list[Change]:
        return [c for c in self.changes if c.finding]

    def worst(self, include_findings: bool = False) -> Level | None:
        pool = self.changes if include_findings else self.real
        return max((c.level for c in pool), key=RANK.__getitem__, default=None)

    def fails_on(self, level: str) -> bool:
        worst = self.worst()
        return worst is not None and RANK[worst] >= RANK[Level(level)]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "summary": summary(self),
            "changes": [c.to_json() for c in self.real],
            "findings": [c.to_json() for c in self.findings],
            "failed": dict(sorted(self.failed.items())),
            **({"packages": dict(sorted(self.packages.items()))} if self.grouped else {}),
        }

    @property
    def grouped(self) -> bool:
        """Its sources are of more than one package: the reports say which."""
        return len(set(self.packages.values())) > 1


def summary(report: Report) -> dict[str, dict[str, int]]:
    """Counts per source and level, of the changes (findings apart)."""
    counts: dict[str, dict[str, int]] = {}
    for change in report.real:
        per = counts.setdefault(change.source, {level: 0 for level in LEVELS})
        per[change.level] += 1
    return dict(sorted(counts.items()))


# Words, CJK characters one by one, punctuation, and the white space between them: joined
# again, the tokens give back the text exactly.
_TOKEN = re.compile(r"\s+|[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> str:
    """``[-removed-]{+added+}`` between the words (CJK: characters) of two messages, the
    unchanged text as it is."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append("".join(a[i1:i2]))
            continue
        if i2 > i1:
            out.append("[-" + "".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + "".join(b[j1:j2]) + "+}")
    return "".join(out)


def _abbreviated(codes: list[str]) -> str:
    return ", ".join(codes) if len(codes) <= 3 else f"{codes[0]} … {codes[-1]}"


def _split(
    source: str, code: str, old: list[tuple[str, Row]], new: list[tuple[str, Row]]
) -> Change:
    """The rows of ``code`` moved to sub-codes, or back: one change naming them."""
    subs = [row.documented for _, row in new if row.sub_code is not None]
    if subs:
        detail = f"now written as {len(subs)} sub-codes; the API still returns {code}"
        return Change(Rule.CODE_SPLIT, source, code, code, _abbreviated(subs), detail)
    before = [row.documented for _, row in old if row.sub_code is not None]
    detail = f"its {len(before)} sub-codes are written as {code} again"
    return Change(Rule.CODE_SPLIT, source, code, _abbreviated(before), code, detail)


def _rows(table: CodeTable) -> dict[str, tuple[str, Row]]:
    """Code -> (section, first row with that code)."""
    return {code: rows[0] for code, rows in table.by_code().items()}


def _row_changes(
    source: str,
    old: tuple[str, Row],
    new: tuple[str, Row],
    variant: int | None,
) -> list[Change]:
    """What changed in one row (one variant of a code, when ``variant`` is set)."""
    (s_old, r_old), (s_new, r_new) = old, new
    code = r_new.documented
    section = s_new if variant is not None else None
    changes: list[Change] = []
    if r_old.placeholders != r_new.placeholders:
        changes.append(
            Change(
                Rule.PLACEHOLDERS_CHANGED,
                source,
                code,
                ", ".join(r_old.placeholders) or "none",
                ", ".join(r_new.placeholders) or "none",
                word_diff(r_old.message, r_new.message),
                variant=variant,
                section=section,
            )
        )
    elif r_old.message != r_new.message:
        changes.append(
            Change(
                Rule.MESSAGE_CHANGED,
                source,
                code,
                r_old.message,
                r_new.message,
                word_diff(r_old.message, r_new.message),
                variant=variant,
                section=section,
            )
        )
    if r_old.http_status != r_new.http_status:
        changes.append(
            Change(
                Rule.HTTP_STATUS_CHANGED,
                source,
                code,
                str(r_old.http_status),
                str(r_new.http_status),
                variant=variant,
                section=section,
            )
        )
    # Reported where the words changed: a row's class also follows its neighbours, whose
    # changes are not this row's to report.
    reworded = r_old.message != r_new.message
    if reworded and r_old.category is not None and r_new.category not in (None, r_old.category):
        changes.append(
            Change(
                Rule.CATEGORY_CHANGED,
                source,
                code,
                r_old.category,
                r_new.category,
                f"{r_new.category_evidence}: {r_new.message}",
                variant=variant,
                section=section,
            )
        )
    if s_old != s_new:
        changes.append(Change(Rule.SECTION_MOVED, source, code, s_old, s_new, variant=variant))
    if r_new.deprecated and not r_old.deprecated:
        changes.append(
            Change(
                Rule.CODE_DEPRECATED,
                source,
                code,
                new=r_new.message,
                detail="struck through",
                variant=variant,
                section=section,
            )
        )
    return changes


def _variant_changes(
    source: str, code: str, old: list[tuple[str, Row]], new: list[tuple[str, Row]]
) -> list[Change]:
    """Rows of a code listed several times: rows with the same sub-code are the same row,
    the others are aligned by their messages. A change to one of them is reported for that
    one, by its position; rows that moved to sub-codes (or back) are one ``code-split``."""
    changes: list[Change] = []
    if any(r.sub_code for _, r in old) != any(r.sub_code for _, r in new):
        changes.append(_split(source, code, old, new))
    if len(old) == 1 and len(new) == 1:
        return changes + _row_changes(source, old[0], new[0], None)
    # The same row: the same sub-code, else the same message (wherever it moved on the page).
    pairs = _pair_by(old, new, lambda row: row.sub_code)
    pairs += _pair_by(old, new, lambda row: row.message, pairs)
    paired_old, paired_new = {i for i, _ in pairs}, {j for _, j in pairs}
    rest_old = [i for i in range(len(old)) if i not in paired_old]
    rest_new = [j for j in range(len(new)) if j not in paired_new]
    reworded = _pair_reworded(
        [old[i][1].message for i in rest_old], [new[j][1].message for j in rest_new]
    )
    pairs += [(rest_old[a], rest_new[b]) for a, b in reworded]
    kept_old, kept_new = {a for a, _ in reworded}, {b for _, b in reworded}
    gone = [i for k, i in enumerate(rest_old) if k not in kept_old]
    came = [j for k, j in enumerate(rest_new) if k not in kept_new]
    for i, j in sorted(pairs, key=lambda p: p[1]):
        changes.extend(_row_changes(source, old[i], new[j], j + 1))
    for i in gone:
        section, row = old[i]
        changes.append(
            Change(
                Rule.VARIANT_REMOVED,
                source,
                row.documented,
                old=row.message,
                variant=i + 1,
                section=section,
                detail=f"row {i + 1} of {len(old)} before",
            )
        )
    for j in came:
        section, row = new[j]
        changes.append(
            Change(
                Rule.VARIANT_ADDED,
                source,
                row.documented,
                new=row.message,
                variant=j + 1,
                section=section,
                detail=f"row {j + 1} of {len(new)}",
            )
        )
    return changes


def _pair_by(
    old: list[tuple[str, Row]],
    new: list[tuple[str, Row]],
    key: Callable[[Row], str | None],
    taken: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Rows with the same ``key`` on both sides, paired in page order; rows already in
    ``taken`` and rows whose key is None are left alone."""
    used_old, used_new = {i for i, _ in taken}, {j for _, j in taken}
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for j, (_, row) in enumerate(new):
        value = key(row)
        if value is not None and j not in used_new:
            waiting[value].append(j)
    pairs = []
    for i, (_, row) in enumerate(old):
        value = key(row)
        if value is not None and i not in used_old and waiting.get(value):
            pairs.append((i, waiting[value].popleft()))
    return pairs


# Rewording keeps at least this share of a message's words (difflib's ratio); less is a row
# removed and another added. Each message is compared by its first _REWORD_TOKENS words, and
# a code whose unpaired rows would cost more than REWORD_WORK word pairs is not compared.
REWORDED = 0.5
REWORD_WORK = 4_000_000
_REWORD_TOKENS = 64


def _pair_reworded(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Messages of one code left unpaired on each side, paired when one reads as a rewording
    of the other: the most alike first. One left on each side is the same row reworded."""
    if len(a) == 1 and len(b) == 1:
        return [(0, 0)]
    ta = [_TOKEN.findall(m.lower())[:_REWORD_TOKENS] for m in a]
    tb = [_TOKEN.findall(m.lower())[:_REWORD_TOKENS] for m in b]
    if not a or not b or sum(map(len, ta)) * sum(map(len, tb)) > REWORD_WORK:
        return []
    scored: list[tuple[float, int, int]] = []
    for i, x in enumerate(ta):
        for j, y in enumerate(tb):
            matcher = difflib.SequenceMatcher(None, x, y, autojunk=False)
            if matcher.quick_ratio() >= REWORDED:  # an upper bound, cheap
                ratio = matcher.ratio()
                if ratio >= REWORDED:
                    scored.append((-ratio, i, j))
    pairs: list[tuple[int, int]] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for _, i, j in sorted(scored):
        if i not in used_a and j not in used_b:
            pairs.append((i, j))
            used_a.add(i)
            used_b.add(j)
    return pairs


def compare_source(source: str, old: CodeTable, new: CodeTable) -> list[Change]:
    before, after = old.by_code(), new.by_code()
    changes: list[Change] = []
    for code in sorted(before.keys() | after.keys(), key=code_sort_key):
        if code not in after:
            section, row = before[code][0]
            changes.append(
                Change(Rule.CODE_REMOVED, source, code, old=row.message, section=section)
            )
        elif code not in before:
            section, row = after[code][0]
            changes.append(
                Change(
                    Rule.CODE_ADDED,
                    source,
                    code,
                    new=row.message,
                    section=section,
                    detail=proposal(row),
                )
            )
        else:
            changes.extend(_variant_changes(source, code, before[code], after[code]))
    return _renamed_sections(source, old, new, changes)


def _renamed_sections(
    source: str, old: CodeTable, new: CodeTable, changes: list[Change]
) -> list[Change]:
    """A heading renamed ("Errors (2024-04-02)" -> "Errors (2024-08-16)"): the codes that
    followed it to a section that did not exist before are one ``section-renamed``, not one
    ``section-moved`` each. A section is renamed to where most of its codes went."""
    before = {t.section for t in old.tables}
    after = {t.section for t in new.tables}
    moves: dict[str, Counter[str]] = defaultdict(Counter)
    for c in changes:
        if c.rule == Rule.SECTION_MOVED and c.old not in after and c.new not in before:
            moves[str(c.old)][str(c.new)] += 1
    renamed = {a: targets.most_common(1)[0] for a, targets in moves.items()}
    claimed = Counter(b for b, _ in renamed.values())
    renamed = {a: (b, n) for a, (b, n) in renamed.items() if claimed[b] == 1}
    if not renamed:
        return changes
    out = [
        c
        for c in changes
        if not (c.rule == Rule.SECTION_MOVED and renamed.get(str(c.old), ("",))[0] == c.new)
    ]
    for a, (b, n) in sorted(renamed.items()):
        out.append(Change(Rule.SECTION_RENAMED, source, None, a, b, f"{n} codes"))
    return out


def findings(
    tables: Iterable[CodeTable], packages: Mapping[str, str] | None = None
) -> list[Change]:
    """Inconsistencies inside the docs, as the fresh tables show them: a code listed with
    several messages, a message shared by several codes (both within a page), and a code
    whose pages of one language and one package disagree (``packages``: source id ->
    package; two exchanges' codes are never compared)."""
    out: list[Change] = []
    groups: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for table in sorted(tables, key=lambda t: t.source.id):
        first = _page_findings(table, out)
        package = (packages or {}).get(table.source.id, "")
        for code, message in first.items():
            groups[package, table.source.locale][code][table.source.id] = message
    for key in sorted(groups):
        for code in sorted(groups[key], key=code_sort_key):
            out += _conflicts(code, groups[key][code])
    return out


def _page_findings(table: CodeTable, out: list[Change]) -> dict[str, str]:
    """The findings within one page, added to ``out``; each code's first message."""
    source = table.source.id
    seen: dict[str, str] = {}
    messages: dict[str, list[str]] = defaultdict(list)
    codes_of: dict[str, list[str]] = defaultdict(list)
    for t in table.tables:
        for row in t.rows:
            code = row.documented  # sub-codes are rows of their own, not duplicates
            if row.message not in messages[code]:
                messages[code].append(row.message)
            seen.setdefault(code, row.message)
            if row.message and code not in codes_of[row.message]:
                codes_of[row.message].append(code)
    for code, variants in messages.items():
        if len(variants) > 1:
            detail = f"listed with {len(variants)} different messages"
            out.append(Change(Rule.DUPLICATE_CODE, source, code, variants[0], variants[1], detail))
    for message, codes in codes_of.items():
        if len(codes) > 1:
            codes.sort(key=code_sort_key)
            detail = "same message as " + ", ".join(codes[:-1])
            out.append(Change(Rule.SHARED_MESSAGE, source, codes[-1], new=message, detail=detail))
    return seen


def _conflicts(code: str, pages: dict[str, str]) -> list[Change]:
    """Pages of one locale whose messages for ``code`` differ. A page of one locale may still
    be written in another language (an English message on a Chinese page): pages are
    compared within one script only."""
    if len(set(pages.values())) <= 1:
        return []
    out = []
    for script in (True, False):
        same = sorted(p for p in pages if bool(CJK.search(pages[p])) == script)
        if not same:
            continue
        first, *others = same
        for other in others:
            if pages[other] != pages[first]:
                detail = f"differs from {first}"
                out.append(
                    Change(Rule.CONFLICTING_PAGES, other, code, pages[first], pages[other], detail)
                )
    return out


def proposal(row: Row) -> str:
    """What errtables proposes a new row means, and why: for the reviewer to accept or
    correct in categories.toml."""
    if row.category is None:
        return ""
    return f"proposed category {row.category} ({row.category_evidence})"


def dispute_findings(disputes: Iterable[Dispute]) -> list[Change]:
    """Decisions in categories.toml that the rows' own words contradict, as findings."""
    return [
        Change(
            Rule.CATEGORY_DISPUTED,
            d.source,
            d.code,
            d.decided,
            d.proposed.name,
            f"decided {d.decided} in categories.toml; its own evidence ({d.proposed.evidence}) "
            f"says {d.proposed.name}",
        )
        for d in disputes
    ]


def unused_findings(unused: Iterable[tuple[str, str, str]]) -> list[Change]:
    """Decisions in categories.toml that no row is decided by, as findings."""
    return [
        Change(
            Rule.CATEGORY_UNUSED,
            package,
            code,
            name,
            None,
            f"decided {name} in categories.toml, but no source of package {package} lists "
            f"{code}; remove the line or correct the code",
        )
        for package, code, name in unused
    ]


def gap_findings(gaps: Iterable[Gap]) -> list[Change]:
    """Codes the join could not translate, as findings."""
    return [Change(g.rule, g.source, g.code, detail=g.detail) for g in gaps]


def compare(
    old: dict[str, CodeTable],
    new: dict[str, CodeTable],
    failed: dict[str, str] | None = None,
    packages: Mapping[str, str] | None = None,
) -> Report:
    """Changes from the committed tables ``old`` to the fresh ``new`` (both by source id).

    A source in ``failed`` keeps its committed table: it is reported as failed, not as removals.
    """
    failed = dict(failed or {})
    report = Report(failed=failed, packages=dict(packages or {}))
    for source in sorted(old.keys() | new.keys()):
        if source in failed:
            continue
        if source not in old:
            report.changes.append(
                Change(Rule.SOURCE_ADDED, source, detail=f"{new[source].row_count} codes")
            )
            report.changes.extend(
                Change(Rule.CODE_ADDED, source, code, new=row.message, detail=proposal(row))
                for code, (_, row) in sorted(
                    _rows(new[source]).items(), key=lambda i: code_sort_key(i[0])
                )
            )
        elif source not in new:
            report.changes.append(
                Change(Rule.SOURCE_REMOVED, source, detail=f"{old[source].row_count} codes")
            )
        else:
            report.changes.extend(compare_source(source, old[source], new[source]))
    report.changes.extend(findings(new.values(), packages))
    report.counts = {s: len(_rows(t)) for s, t in sorted(new.items())}
    return report


def removals(
    old: dict[str, CodeTable], new: dict[str, CodeTable], threshold: float
) -> list[Removal]:
    """Sources whose fresh table loses more than ``threshold`` of its codes, or all of them."""
    refused = []
    for source in sorted(old.keys() & new.keys()):
        before, after = _rows(old[source]).keys(), _rows(new[source]).keys()
        lost = len(before - after)
        if before and (lost == len(before) or lost / len(before) > threshold):
            refused.append(Removal(source, len(before), lost))
    return refused
