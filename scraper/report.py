"""Reports of a diff: terminal text, a Markdown pull-request body, JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import click

from . import escape
from .diff import ERR, INFO, LEVELS, RANK, WARN, Change, Report, summary
from .model import Level, Rule, plural

MAX_MARKDOWN = 60_000
_COLOURS = {ERR: "red", WARN: "yellow", INFO: "cyan"}
# More changes of one rule in one source than this are summarized in one line.
MASS = 12


@dataclass(frozen=True)
class Group:
    """The changes of one rule in one source, in the order the diff found them."""

    rule: str
    changes: tuple[Change, ...]

    @property
    def level(self) -> Level:
        return self.changes[0].level

    @property
    def mass(self) -> bool:
        return len(self.changes) > MASS

    def summary(self) -> str:
        """``89 code-added in 12 sections: 50075, 50076, … 70010``."""
        sections = {c.section for c in self.changes if c.section}
        where = f" in {len(sections)} sections" if len(sections) > 1 else ""
        codes = [c.code for c in self.changes if c.code is not None]
        named = f": {codes[0]}, {codes[1]}, … {codes[-1]}" if len(codes) > 2 else ""
        return escape.flat(f"{len(self.changes)} {self.rule}{where}{named}")


def ordered(changes: list[Change]) -> list[Group]:
    """One source's changes by rule, ERR first, then WARN, then INFO (the first rule found
    first within a level): what a reviewer must look at comes on the first screen."""
    by_rule: dict[str, list[Change]] = {}
    for change in changes:
        by_rule.setdefault(change.rule, []).append(change)
    groups = [Group(rule, tuple(found)) for rule, found in by_rule.items()]
    return sorted(groups, key=lambda g: -RANK[g.level])


def _line(change: Change) -> str:
    where = change.source + (f" {change.code}" if change.code is not None else "")
    if change.variant is not None:
        where += f" #{change.variant}" + (f" in {change.section}" if change.section else "")
    if change.rule == Rule.MESSAGE_CHANGED:
        what = change.detail
    elif change.rule == Rule.PLACEHOLDERS_CHANGED:
        what = f"placeholders {change.old} → {change.new}: {change.detail}"
    elif change.rule == Rule.CONFLICTING_PAGES:
        what = f"{change.new} ({change.detail}: {change.old})"
    elif change.old is not None and change.new is not None:
        what = f"{change.old} → {change.new}"
    else:
        what = change.new or change.old or ""
    extra = f"({change.detail})" if change.detail and change.detail not in what else ""
    return escape.flat(f"{where}: " + " ".join(part for part in (what, extra) if part))


def text(
    report: Report, colour: bool = False, fold: int | None = 20, where: str = "the report"
) -> str:
    """The terminal report: changes per source (past ``fold`` lines a source's list is cut,
    naming ``where`` the rest is), then the findings about the docs apart: standing facts,
    not changes, they never fail a run."""
    lines: list[str] = []
    for source, why in sorted(report.failed.items()):
        lines.append(f"FAILED {source}: {escape.flat(why)} (committed table kept)")

    def show(level_name: Level, rule: str, line: str) -> str:
        level = f"{level_name:<4}"
        if colour:
            level = click.style(level, fg=_COLOURS[level_name])
        return f"{level} {rule:<21} {line}"

    by_source: dict[str, list[Change]] = {}
    for change in report.real:
        by_source.setdefault(change.source, []).append(change)
    for source, changes in by_source.items():
        shown: list[str] = []
        for group in ordered(changes):
            if group.mass and group.level != ERR:  # each error stays on its line
                line = f"{source}: {group.summary()} (each in {where})"
                shown.append(show(group.level, group.rule, line))
            else:
                shown += [show(c.level, c.rule, _line(c)) for c in group.changes]
        lines += shown[:fold]
        if fold is not None and len(shown) > fold:
            lines.append(f"     … and {len(shown) - fold} more, see {where}")
    found = report.findings
    if found:
        few = None if fold is None else max(1, fold // 4)
        lines.append(f"findings in the docs ({len(found)}; not changes, they never fail a run):")
        for change in found[:few]:
            line = f"  {change.rule:<21} {_line(change)}"
            lines.append(line if few is None or len(line) <= 160 else line[:159] + "…")
        if few is not None and len(found) > few:
            lines.append(f"  … and {len(found) - few} more, see {where}")
    counts = {level: sum(1 for c in report.real if c.level == level) for level in LEVELS}
    total = ", ".join(f"{counts[level]} {level}" for level in reversed(LEVELS))
    findings = plural(len(found), "finding")
    lines.append(
        f"{plural(len(report.real), 'change')} ({total}); {findings} in the docs"
        if report.real
        else f"no changes; {findings} in the docs"
    )
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    return escape.json_text(report.to_json())


def _view(change: Change) -> dict[str, Any]:
    return {"change": change, "line": _line(change)}


def _listing(groups: list[tuple[Group, list[dict[str, Any]]]], cap: int | None) -> dict[str, Any]:
    """One source's groups (each with its changes' views) as the template lists them: at
    most ``cap`` changes in all, in the groups' order, and how many are left out."""
    left = cap
    views: list[dict[str, Any]] = []
    for group, items in groups:
        shown = items if left is None else items[: max(left, 0)]
        if left is not None:
            left -= len(shown)
        views.append(
            {
                "rule": group.rule,
                "level": group.level,
                "mass": group.mass,
                "summary": group.summary(),
                "count": len(items),
                "shown": shown,
            }
        )
    hidden = sum(len(items) for _, items in groups) - sum(len(v["shown"]) for v in views)
    return {"groups": views, "hidden": hidden}


def markdown(report: Report, json_path: str | None = None, limit: int | None = None) -> str:
    """The pull-request body: counts first, then changes; long lists folded; under 60,000
    characters (past that, fewer changes are listed and the JSON report is named)."""
    env = escape.environment()
    template = env.get_template("report/pull-request.md.jinja")
    by_source: dict[str, list[Change]] = {}
    for change in report.real:
        by_source.setdefault(change.source, []).append(change)

    # Sources of several packages: grouped by package, each named "package › source".
    def place(source: str) -> tuple[str, str]:
        return (report.packages.get(source, ""), source)

    def label(source: str) -> str:
        return f"{report.packages.get(source, '')} › {source}" if report.grouped else source

    counts = {label(s): c for s, c in sorted(summary(report).items(), key=lambda i: place(i[0]))}
    # Each change's line is made once; the attempts below only list fewer of them.
    grouped = {
        label(s): [(g, [_view(c) for c in g.changes]) for g in ordered(cs)]
        for s, cs in sorted(by_source.items(), key=lambda i: place(i[0]))
    }
    findings = [_view(c) for c in report.findings]
    failed = sorted(report.failed.items())
    # Fewer changes listed per source, then none, then fewer sources in the counts: the body
    # always fits, and names the JSON report for the rest.
    attempts: list[tuple[int | None, int | None]] = [
        (cap, None) for cap in (limit, 300, 100, 30, 10, 0)
    ] + [(0, n) for n in (1000, 300, 100, 30, 10, 0)]
    for cap, sources in attempts:
        shown = counts if sources is None else dict(list(counts.items())[:sources])
        listed = {s: _listing(gs, cap) for s, gs in grouped.items()} if sources is None else {}
        body = template.render(
            summary=shown,
            more_sources=len(counts) - len(shown),
            levels=[ERR, WARN, INFO],
            by_source=listed,
            findings={
                "count": len(findings) if sources is None else 0,
                "shown": findings[:cap] if sources is None else [],
                "hidden": len(findings[cap:]) if cap is not None and sources is None else 0,
            },
            failed=failed if sources is None else failed[:10],
            json_path=json_path,
        )
        if len(body) <= MAX_MARKDOWN:
            return body
    return (
        body[: MAX_MARKDOWN - 200]
        + f"\n\n… cut at {MAX_MARKDOWN} characters; see the JSON report.\n"
    )
