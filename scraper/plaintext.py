"""Error-code tables in plain text: ``CODE DESCRIPTION`` lines, or one cell per line (the
visible text of a rendered HTML table)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import columns
from .columns import CODE, HTTP_STATUS, MESSAGE, Role
from .model import KIND_HTTP, NUMERIC_CODE, ParseWarning, Table
from .normalize import is_lone_placeholder, join_lines, normalize_text
from .rows import Collector, split_code
from .verdict import Context, judge_entries
from .walk import page_words

_NUMERIC_CODE = re.compile(NUMERIC_CODE)
# Words that may stand in a header label beside the words that give it a role.
_GLUE = frozenset({"status", "error", "errors", "short", "additional", "return", "the", "of"})
_GLUE_CJK = ("状态", "狀態")
_MAX_WORDS = 8


def _status(text: str) -> int | None:
    return int(text) if columns.is_http_status(text) else None


def _label_word(word: str) -> bool:
    return columns.role_of(word) is not None or word.lower() in _GLUE or word in _GLUE_CJK


def split_header_line(line: str) -> list[str] | None:
    """Split a plain-text header line (``Error Code HTTP Status Description``) into labels:
    the split with the most distinct roles, longest labels first on a tie."""
    text = line.strip()
    if not text:
        return None
    if "|" in text or "\t" in text:
        cells = [c.strip() for c in re.split(r"[|\t]", text.strip("|")) if c.strip()]
        return cells if all(columns.role_of(c) for c in cells) else None
    words = text.split()
    if len(words) > _MAX_WORDS or not all(map(_label_word, words)):
        return None
    best: list[str] | None = None

    def search(start: int, labels: list[str], roles: list[str]) -> None:
        nonlocal best
        if start == len(words):
            if best is None or len(labels) > len(best):
                best = list(labels)
            return
        for end in range(len(words), start, -1):
            label = " ".join(words[start:end])
            role = columns.role_of(label)
            if role is not None and role not in roles:
                search(end, [*labels, label], [*roles, role])

    search(0, [], [])
    return best


_HTTP_LINE = re.compile(
    r"HTTP(?:\s+ERROR)?(?:\s+STATUS)?(?:\s+CODE)?\s+([1-5][0-9][0-9])\b[\s:：-]*(.*)", re.I
)
_REGION_END = re.compile(r"-{3,}|\*{3,}|_{3,}")


def _section_before(lines: list[str], index: int) -> str:
    for line in reversed(lines[max(0, index - 3) : index]):
        text = line.strip().lstrip("#").strip()
        if text and len(text) <= 80:
            return text
    return ""


# A header written one cell per line has at most this many: a longer run of labels is not a
# header, and reading no further keeps each line's look-ahead bounded.
_MAX_RUN = 16


def _header_run(lines: list[str], start: int) -> list[str] | None:
    """A header written one cell per line (visible text of an HTML table)."""
    run: list[str] = []
    for k in range(start, min(len(lines), start + _MAX_RUN + 1)):  # no copy of the rest
        text = lines[k].strip()
        if not text or columns.role_of(text) is None:
            break
        run.append(text)
    if len(run) > _MAX_RUN:
        return None
    return run if columns.roles_of(run) and len(run) >= 2 else None


def _line_values(text: str, roles: list[Role | None]) -> dict[Role, str] | None:
    """The cells of one ``CODE [HTTP] DESCRIPTION`` line, if it is one."""
    parts = text.split(None, len(roles) - 1)
    if len(parts) < len(roles):
        return None
    values = {role: part for role, part in zip(roles, parts, strict=True) if role is not None}
    if not _NUMERIC_CODE.fullmatch(values.get(CODE, "")):
        return None
    if HTTP_STATUS in values and _status(values[HTTP_STATUS]) is None:
        return None
    values[MESSAGE] = normalize_text(values.get(MESSAGE, ""))
    return values


Region = tuple[Collector, int]  # the rows read and the index of the line after the region


def _line_region(
    lines: list[str], start: int, roles: list[Role | None], out: Collector, line0: int
) -> Region | None:
    first = next((lines[k].strip() for k in range(start, len(lines)) if lines[k].strip()), "")
    if _line_values(first, roles) is None:
        return None  # a sentence that happens to read like a header
    i = start
    while i < len(lines):
        text = lines[i].strip()
        if not text or _REGION_END.fullmatch(text):
            # A blank line ends the region unless rows go on after it.
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if out.rows and j < len(lines) and _line_values(lines[j].strip(), roles):
                i = j
                continue
            break
        line = line0 + i + 1
        values = _line_values(text, roles)
        http = _HTTP_LINE.fullmatch(text)
        if values is not None:
            out.add(line, values)
        elif http is not None:
            status = http.group(1)
            message = normalize_text(http.group(2))
            out.add(
                line, {CODE: f"HTTP {status}", MESSAGE: message, HTTP_STATUS: status}, KIND_HTTP
            )
        else:
            out.warn(line, f"not a 'CODE DESCRIPTION' row: {text!r}")
        i += 1
    return out, i


_TEXT_SYMBOLIC = re.compile(
    r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?:\.[A-Z][A-Z0-9_]*)*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+"
)
_CONTINUES = frozenset(".,;:!?)。，；：！？）")


def _code_style(first: str) -> re.Pattern[str] | None:
    """The pattern every code of a one-cell-per-line table follows, from its first code."""
    for style in (_NUMERIC_CODE, _TEXT_SYMBOLIC):
        if style.fullmatch(first):
            return style
    return None


@dataclass
class _OpenRow:
    line: int
    code: str
    cells: list[str] = field(default_factory=list)
    message: list[str] = field(default_factory=list)
    split: bool = False  # the message's last line was a placeholder


def _cell_region(
    lines: list[str], start: int, roles: list[Role | None], out: Collector, line0: int
) -> Region | None:
    """Rows written one cell per line. A message goes on past its first line only where a
    placeholder split it; the region ends at a blank line or where the cells stop."""
    style = _code_style(lines[start].strip() if start < len(lines) else "")
    if style is None:
        return None  # labels that happen to stand on consecutive lines
    others = [r for r in roles if r != CODE]

    def close(row: _OpenRow) -> None:
        if len(row.cells) < len(others):
            out.warn(
                row.line,
                f"code {row.code}: expected {len(others)} cells after the "
                f"code, found {row.cells!r}",
            )
            return
        values = {r: c for r, c in zip(others, row.cells, strict=False) if r is not None}
        out.add(row.line, {**values, CODE: row.code, MESSAGE: join_lines(row.message)})

    row: _OpenRow | None = None
    i = start
    while i < len(lines):
        text = lines[i].strip()
        if not text or _REGION_END.fullmatch(text):
            break
        at = line0 + i + 1
        if row is not None and len(row.cells) < len(others):
            row.cells.append(text)  # the next cell of the current row
            if others[len(row.cells) - 1] == MESSAGE:
                row.message = [text]
        elif row is not None and is_lone_placeholder(text) and len(text) < min(3, len(row.code)):
            row.message.append("{" + text + "}")
            row.split = True
        elif row is not None and (row.split or text[0] in _CONTINUES) and not style.fullmatch(text):
            row.message.append(text)
            row.split = False
        elif style.fullmatch(text):
            if row is not None:
                close(row)
            row = _OpenRow(at, text)
        elif i + 1 < len(lines) and style.fullmatch(lines[i + 1].strip()):
            out.warn(at, f"not part of a table row: {text!r}")
        else:
            break
        i += 1
    if row is not None:
        close(row)
    return out, i


# A run of ``CODE message`` lines with no header needs this many lines to be judged.
_MIN_LINES = 3
_COMMENT_MARK = re.compile(r"^(?://+|#+|--|;)\s*")


def _code_lines(lines: list[str], start: int) -> int:
    """The end of the run of ``CODE message`` lines (blank lines between) from ``start``, or
    ``start`` when fewer than ``_MIN_LINES`` lines start with a code."""
    if not lines[start].strip():
        return start  # a run starts at a code line (a blank one is looked at once)
    found = 0
    end = k = start
    while k < len(lines):
        text = lines[k].strip()
        if text:
            split = split_code(text)
            if split is None or not split[1]:
                break
            found += 1
            end = k + 1
        k += 1
    return end if found >= _MIN_LINES else start


def _judged_lines(
    lines: list[str], first: int, section: str, page: str, out: Collector, line0: int
) -> bool:
    """A headerless run of code lines as rows in ``out``, when the evidence around it (its
    section, or the page's own name) says they are error codes."""
    entries = [split for text in lines if text.strip() and (split := split_code(text.strip()))]
    codes = [code for code, _ in entries]
    messages = [_COMMENT_MARK.sub("", rest) for _, rest in entries]
    context = Context((section,) if section else (), "", "", page_words(page))
    if not judge_entries(codes, messages, context).taken:
        return False
    k = 0
    for offset, text in enumerate(lines):
        if text.strip():
            line = line0 + first + offset + 1
            out.add(line, {CODE: codes[k], MESSAGE: normalize_text(messages[k])})
            k += 1
    return True


def extract_text(text: str, page: str, line0: int = 0) -> tuple[list[Table], list[ParseWarning]]:
    """Error-code tables of plain text: ``CODE DESCRIPTION`` lines or one cell per line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tables: list[Table] = []
    warnings: list[ParseWarning] = []
    i = 0
    while i < len(lines):
        region: Region | None = None
        labels = split_header_line(lines[i])
        roles = columns.roles_of(labels) if labels and len(labels) >= 2 else None
        section = _section_before(lines, i)
        out = Collector(page, "")
        if labels and roles:
            region = _line_region(lines, i + 1, roles, out, line0)
        elif (run := _header_run(lines, i)) is not None:
            labels, roles = run, columns.roles_of(run)
            assert roles is not None
            region = _cell_region(lines, i + len(run), roles, out, line0)
        if region is None and labels is None and (run_end := _code_lines(lines, i)) > i:
            if not _judged_lines(lines[i:run_end], i, section, page, out, line0):
                i = run_end  # each line is looked at once, taken or not
                continue
            labels, region = ["Code", "Message"], (out, run_end)
        if region is None or labels is None:
            i += 1
            continue
        tables.append(Table(section, tuple(labels), tuple(out.rows)))
        warnings.extend(out.warnings)
        i = max(region[1], i + 1)
    return tables, warnings
