"""Is this table an error-code table? One decision, with the evidence that made it.

The evidence is general: what the header words mean, what the cells hold, and the section
around the table (its heading path, caption and the sentence just before it). No domain, CSS
class or page-specific label takes part. ``errtables extract --explain`` prints these reasons.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from . import columns
from .columns import CODE, MESSAGE, TITLE, Roles

THRESHOLD = 4

# Words in a message that say something went wrong, in the docs' languages.
_TROUBLE_EN = re.compile(
    r"\b(?:invalid|error|errors|fail(?:ed|s|ure)?|not|no|cannot|can't|can ?not|unable|exceed"
    r"(?:s|ed)?|insufficient|too|missing|denied|forbidden|unauthori[sz]ed|expired|unsupported|"
    r"illegal|wrong|incorrect|reject(?:ed)?|limit|duplicate[d]?|unavailable|timeout|timed out|"
    r"required|must|mismatch|unknown|disabled|frozen|restricted|already|empty|please|only|"
    r"maximum|minimum|exist|does ?n[o']t|isn't|unable|abnormal|busy)\b",
    re.I,
)
_TROUBLE_CJK = re.compile(
    r"不|无|無|失败|失敗|错误|錯誤|超过|超過|超出|非法|禁止|限制|请|請|未|已|"
    r"できません|無効|失敗|不正|超過|エラー|오류|실패|없습니다|유효하지|초과|불가|않"
)


def troubled(text: str) -> bool:
    return bool(_TROUBLE_EN.search(text) or _TROUBLE_CJK.search(text))


@dataclass(frozen=True)
class Context:
    """What surrounds a table on its page."""

    headings: tuple[str, ...]
    caption: str = ""
    lead: str = ""  # the block just before the table

    def mentions(self) -> str | None:
        """The first piece of context that names errors."""
        for text in (*reversed(self.headings), self.caption, self.lead):
            if text and columns.is_error_word(text):
                return text
        return None


@dataclass(frozen=True)
class Verdict:
    taken: bool
    score: int
    reasons: tuple[str, ...]
    roles: Roles | None

    def explain(self) -> str:
        state = "taken" if self.taken else "skipped"
        return f"{state} (score {self.score}, needs {THRESHOLD}): " + "; ".join(self.reasons)

    def with_bonus(self, points: int, reason: str) -> Verdict:
        score = self.score + points
        taken = self.roles is not None and self.roles.message is not None and score >= THRESHOLD
        return Verdict(taken, score, (*self.reasons, f"+{points} {reason}"), self.roles)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# The points of each piece of evidence: judge() scores them, out_of_reach() bounds them.
ERROR_HEADER = 3  # a header cell names errors
ERROR_SECTION = 3  # the heading path, caption or lead names errors
NAMES_CODES = 1  # the code column's header (or the heading) names codes
NAMES_NAMES = -3  # the code column's header names names: the fields of a reply
STRONG_MESSAGE = 3  # the message column says "message", "reason", 提示 ...
MESSAGE_WORD = 1  # the message column says "description", "meaning" ...
TROUBLE = 2  # most messages describe a failure
PARAMETER = -4  # each parameter-table header
SIBLING_BONUS = 2  # a taken table of the same shape beside it


def out_of_reach(headers: Sequence[str], context: Context, siblings: bool) -> Verdict | None:
    """A skipped verdict when no content of the cells could lift the table to the threshold
    (a parameter table outside an error section, say); None when the cells must be read.
    ``siblings``: a table beside it is taken, so it may earn that bonus too."""
    best = TROUBLE + (SIBLING_BONUS if siblings else 0)
    if any(map(columns.is_error_word, headers)):
        best += ERROR_HEADER
    if context.mentions() is not None:
        best += ERROR_SECTION
    if any(map(columns.names_codes, (*headers, *context.headings[-1:]))):
        best += NAMES_CODES
    if any(map(columns.names_messages_strongly, headers)):
        best += STRONG_MESSAGE
    elif any(columns.role_of(h) == MESSAGE for h in headers):
        best += MESSAGE_WORD
    parameter = [h for h in headers if columns.is_parameter_header(h)]
    best += PARAMETER * len(parameter)
    if best >= THRESHOLD:
        return None
    why = f"at most {best} points from its header and section, cells unread"
    if parameter:
        why += f"; parameter-table headers: {', '.join(map(_quote, parameter))}"
    return Verdict(False, best, (why,), None)


def judge(headers: Sequence[str], cells: Sequence[Sequence[str]], context: Context) -> Verdict:
    """Score one table. ``cells`` holds the data cells column by column."""
    roles = columns.assign(headers, cells)
    if roles is None:
        return Verdict(False, 0, ("no column holds short code tokens",), None)
    if roles.message is None:
        return Verdict(False, 0, ("no column holds messages beside the codes",), roles)
    score = 0
    reasons: list[str] = []

    def add(points: int, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{points:+d} {why}")

    add(0, f"codes in column {roles.code + 1}, messages in column {roles.message + 1}")
    error_header = next((h for h in headers if columns.is_error_word(h)), None)
    if error_header is not None:
        add(ERROR_HEADER, f"a header names errors: {_quote(error_header)}")
    about = context.mentions()
    if about is not None:
        add(ERROR_SECTION, f"the section is about errors: {_quote(about)}")
    if roles.header_roles[roles.code] == CODE:
        add(NAMES_CODES, f"the code column's header names codes: {_quote(headers[roles.code])}")
    elif roles.header_roles[roles.code] == TITLE:
        # "Name | Description" rows such as code / msg / data: the fields of a reply.
        label = _quote(headers[roles.code])
        add(NAMES_NAMES, f"the code column's header names names, not codes: {label}")
    elif any(map(columns.names_codes, context.headings[-1:])):
        add(NAMES_CODES, f"the heading names codes: {_quote(context.headings[-1])}")
    if roles.header_roles[roles.message] == MESSAGE:
        label = _quote(headers[roles.message])
        if columns.names_messages_strongly(headers[roles.message]):
            add(STRONG_MESSAGE, f"the message column's header names messages: {label}")
        else:
            add(MESSAGE_WORD, f"the message column's header describes: {label}")
    messages = [c for c in cells[roles.message] if c]
    if messages:
        share = sum(map(troubled, messages)) / len(messages)
        if share >= 0.3:
            add(TROUBLE, f"{share:.0%} of the messages describe a failure")
    parameter = [h for h in headers if columns.is_parameter_header(h)]
    if parameter:
        add(
            PARAMETER * len(parameter),
            f"parameter-table headers: {', '.join(map(_quote, parameter))}",
        )
    taken = score >= THRESHOLD
    return Verdict(taken, score, tuple(reasons), roles)
