"""Is this table an error-code table? One decision, with the evidence that made it.

The evidence is general: what the header words mean, what the cells hold, and the section
around the table (its heading path, caption and the sentence just before it). No domain, CSS
class or page-specific label takes part. ``errtables extract --explain`` prints these reasons.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import columns
from .columns import CODE, MESSAGE, TITLE, Roles
from .model import is_numeric_code

THRESHOLD = 4

# Words in a message that say something went wrong, in the docs' languages.
_TROUBLE_EN = re.compile(
    r"\b(?:invalid|error|errors|fail(?:ed|s|ure)?|not|no|cannot|can't|can ?not|unable|exceed"
    r"(?:s|ed)?|insufficient|too|missing|denied|forbidden|unauthori[sz]ed|expired|unsupported|"
    r"illegal|wrong|incorrect|reject(?:ed)?|limit|duplicate[d]?|unavailable|timeout|timed out|"
    r"required|must|mismatch|unknown|disabled|frozen|restricted|already|empty|please|only|"
    r"maximum|minimum|exist|does ?n[o']t|isn't|unable|abnormal|busy|below|above|"
    r"out of range)\b",
    re.I,
)
# Portuguese and Spanish.
_TROUBLE_IBERIAN = re.compile(
    r"\b(?:inv[áa]lid[oa]s?|erro|errores|falh\w*|fall\w*|n[ãa]o|excede\w*|insuficiente"
    r"|expirad[oa]|esgotad[oa]|indispon[íi]ve[lis]+|bloquead[oa]|negad[oa]|rejeitad[oa]"
    r"|rechazad[oa]|obrigat[óo]ri[oa]|incorret[oa]|incorrect[oa]|inexistente|n[ãa]o existe"
    r"|muit[oa]s?|demais|demasiad[oa]s?|fora|fuera|abaixo|acima)\b",
    re.I,
)
# French, German and Russian.
_TROUBLE_OTHER = re.compile(
    r"\b(?:invalide|erreur|[ée]chec|[ée]chou[ée]e?s?|impossible|insuffisant\w*|trop|manquant\w*"
    r"|refus[ée]e?s?|interdit\w*|expir[ée]e?s?|introuvable|d[ée]pass\w*|ung[üu]ltig\w*|fehler\w*"
    r"|fehlgeschlagen|nicht|kein\w*|unzureichend\w*|abgelaufen|verweigert|[üu]berschr\w*"
    r"|zu viele|неверн\w*|ошибк\w*|не|нет|недостаточно|превыш\w*|слишком|запрещ\w*"
    r"|истек\w*|не удалось)\b",
    re.I,
)
_TROUBLE_CJK = re.compile(
    r"不|无|無|没有|沒有|失败|失敗|错误|錯誤|超过|超過|超出|超时|超時|非法|禁止|限制|请|請|未|已|"
    r"できません|ません|すぎ|範囲外|不足|拒否|無効|失敗|不正|超過|エラー|"
    r"오류|실패|없|너무|벗어|부족|거부|유효하지|초과|불가|않"
)


def troubled(text: str) -> bool:
    return bool(
        _TROUBLE_EN.search(text)
        or _TROUBLE_CJK.search(text)
        or _TROUBLE_IBERIAN.search(text)
        or _TROUBLE_OTHER.search(text)
    )


@dataclass(frozen=True)
class Context:
    """What surrounds a table on its page."""

    headings: tuple[str, ...]
    caption: str = ""
    lead: str = ""  # the block just before the table
    page: str = ""  # the words of the page's own name, for a block under no heading

    def names_values(self) -> str | None:
        """The heading or caption when it names enum values or states ("Order status")."""
        for text in (*self.headings[-1:], self.caption):
            if text and columns.names_values(text):
                return text
        return None

    def mentions(self) -> str | None:
        """The first piece of context that names errors."""
        for text in (*reversed(self.headings), self.caption, self.lead):
            if text and columns.is_error_word(text):
                return text
        if not self.headings and self.page and columns.is_error_word(self.page):
            return self.page  # the page is named for errors and this comes before any heading
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
VALUES = -4  # the heading or caption names enum values or states, or the codes name states
SIBLING_BONUS = 2  # a taken table of the same shape beside it
MARKED = 1  # list items: each code is set apart (a code span, bold, a heading)
CODE_SHAPED = 0.8  # list items: the share that must start with a code (one stray allowed)
DISTINCT = 0.5  # list items: the share of codes that must differ
STATES = 0.6  # the share of codes that, naming states, makes a table a list of values


def parameter_headers(headers: Sequence[str]) -> list[str]:
    """The header cells that name parameters, fields or types (read once per table)."""
    return [h for h in headers if columns.is_parameter_header(h)]


def out_of_reach(
    headers: Sequence[str], context: Context, siblings: bool, parameter: Sequence[str]
) -> Verdict | None:
    """A skipped verdict when no content of the cells could lift the table to the threshold
    (a parameter table outside an error section, say); None when the cells must be read.
    ``siblings``: a table beside it is taken, so it may earn that bonus too; ``parameter``:
    its ``parameter_headers``."""
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
    # One of them may head a column of codes (the header lies; the cells win).
    best += PARAMETER * max(0, len(parameter) - 1)
    values = context.names_values()
    if values is not None:
        best += VALUES
    if best >= THRESHOLD:
        return None
    why = f"at most {best} points from its header and section, cells unread"
    if parameter:
        why += f"; parameter-table headers: {', '.join(map(_quote, parameter))}"
    if values is not None:
        why += f"; the heading names values or states: {_quote(values)}"
    return Verdict(False, best, (why,), None)


def judge(
    headers: Sequence[str],
    cells: Sequence[Sequence[str]],
    context: Context,
    parameter: Sequence[str],
) -> Verdict:
    """Score one table. ``cells`` holds the data cells column by column; ``parameter``: the
    ``parameter_headers``."""
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
    _trouble(add, [c for c in cells[roles.message] if c])
    parameter = list(parameter)
    if parameter and roles.parameter_lies:
        lied = headers[roles.code]
        parameter.remove(lied)
        add(0, f"the code column's header names a parameter, its cells hold codes: {_quote(lied)}")
    if parameter:
        add(
            PARAMETER * len(parameter),
            f"parameter-table headers: {', '.join(map(_quote, parameter))}",
        )
    _values(add, context, cells[roles.code])
    taken = score >= THRESHOLD
    return Verdict(taken, score, tuple(reasons), roles)


def _trouble(add: Callable[[int, str], None], messages: Sequence[str]) -> None:
    """Points when at least 30% of the messages describe a failure (read until they do)."""
    needed = 0.3 * len(messages)
    found = 0
    for message in messages:
        found += troubled(message)
        if found >= needed:
            add(TROUBLE, f"at least {found} of {len(messages)} messages describe a failure")
            return


def _error_statuses(codes: Sequence[str], headings: bool) -> bool:
    """Every code an HTTP error status, errors by definition: two or more in a list, one
    or more as headings (each then is one)."""
    return len(codes) > (0 if headings else 1) and all(map(columns.is_error_status, codes))


def _changelog(context: Context) -> str | None:
    """Items in a changelog name the codes that changed, in sentences about the change."""
    for heading in context.headings:
        if columns.names_changes(heading):
            return f"a changelog, not a list of codes: {_quote(heading)}"
    return None


def _failing_codes(context: Context, messages: Sequence[str]) -> str | None:
    """Codes under a heading (or after a sentence) that names codes, not errors ("HTTP
    codes", "Status codes", "返回码"), are errors when most of their messages say what
    failed: the reason, else None."""
    named = next(
        (t for t in (*context.headings[-1:], context.lead) if t and columns.names_codes(t)), None
    )
    filled = [m for m in messages if m]
    if named is None or len(filled) < 3:
        return None
    failing = sum(map(troubled, filled))
    if failing < 0.6 * len(filled):
        return None
    return f"{_quote(named)} names codes and {failing} of {len(filled)} messages describe a failure"


def _values(add: Callable[[int, str], None], context: Context, codes: Sequence[str]) -> None:
    """Evidence against: a list of enum values or states, not of errors (unless the
    sentence just before calls them error codes)."""
    if context.lead and columns.is_error_word(context.lead) and columns.names_codes(context.lead):
        return
    named = context.names_values()
    if named is not None:
        add(VALUES, f"the heading names values or states, not errors: {_quote(named)}")
    filled = [c for c in codes if c]
    states: list[str] = []
    allowed = (1 - STATES) * len(filled)  # codes that are no state, read until too many
    for k, code in enumerate(filled):
        if columns.names_state(code):
            states.append(code)
        elif k + 1 - len(states) > allowed:
            return
    if states:
        add(VALUES, f"the codes name states: {', '.join(map(_quote, states[:3]))}")


_QUESTION = ("?", "？")
_WORD_CUT = re.compile(r"[_\-:./]+|(?<=[a-z])(?=[A-Z])")
QUESTIONS = 0.3  # list items: the share of questions that makes a list an FAQ


def _not_a_list(
    codes: Sequence[str], messages: Sequence[str], unread: int, named: int, pairs: bool = False
) -> str | None:
    """Why entries are no list of codes and messages by their shape alone; None when they
    may be: most items start with a code token, the codes mostly differ, most have a message
    and the messages have words."""
    total = len(codes) + unread
    if not codes:
        return f"none of the {unread} items starts with a code" if unread else "no code in it"
    shaped = sum(map(columns.code_shaped, codes)) + named
    # One stray item (a note at the end) is allowed in any list; more only in long ones.
    if shaped < total - max(1, int((1 - CODE_SHAPED) * total)):
        return f"{shaped} of {total} items start with a code token, not most"
    # Under a heading per code, a code written again with messages of its own (the section
    # again in another language) is a row: there, code and message together must differ.
    distinct = len(set(zip(codes, messages, strict=True)) if pairs else set(codes))
    if distinct < DISTINCT * len(codes):
        return f"{len(codes)} codes, only {distinct} distinct"
    said = sum(1 for m in messages if m)
    if said * 2 < len(messages):
        return f"{said} of {len(messages)} codes have a message: references, not a list of errors"
    worded = sum(1 for m in messages if columns.has_letters(m))
    if worded * 2 < said:
        return f"{said - worded} of {said} values beside the codes have no words: not messages"
    return None


def _not_failures(codes: Sequence[str], messages: Sequence[str], pairs: bool = False) -> str | None:
    """Why entries are no list of errors, whatever surrounds them; None when they may be.

    A token's shape alone (upper case, digits, a dash) is not a code: one written on every
    line is a prefix (``HTTP/1.1``); items that ask questions are an FAQ; and where the codes
    are not numbers, what the items say (an answer, a setting, a step, a limit) must describe
    a failure, in the message or in the code's own words (``ORDER_QTY_TOO_LOW``)."""
    if len(codes) > 1 and len(set(codes)) == 1 and not pairs:  # a heading each: no prefix
        return f"every item starts with {_quote(codes[0])}: a prefix, not a code"
    said = [m for m in messages if m]
    asked = sum(1 for m in said if m.rstrip().endswith(_QUESTION))
    if said and asked >= QUESTIONS * len(said):
        return f"{asked} of {len(said)} items ask a question: questions and answers, not errors"
    if sum(map(is_numeric_code, codes)) * 2 >= len(codes):
        return None
    failing = sum(
        1
        for code, message in zip(codes, messages, strict=True)
        if troubled(message) or troubled(_WORD_CUT.sub(" ", code))
    )
    if failing < 0.3 * len(codes):
        return (
            f"only {failing} of {len(codes)} items describe a failure, and the codes are no "
            "numbers: names or settings, not errors"
        )
    return None


def judge_entries(
    codes: Sequence[str],
    messages: Sequence[str],
    context: Context,
    *,
    unread: int = 0,
    marked: bool = False,
    keys: tuple[str, str] | None = None,
    named: int = 0,
    pairs: bool = False,
) -> Verdict:
    """Score codes written outside a table (list items, records, lines of a code block).
    ``unread``: items that start with no code; ``marked``: each code is set apart;
    ``keys``: the labels of a record's code and message (``err_code``, ``Mensagem``);
    ``named``: codes that are code tokens by their markup alone (``InsufficientFunds``);
    ``pairs``: a code may repeat with other messages (a heading per code)."""
    total = len(codes) + unread
    refused = (
        _not_a_list(codes, messages, unread, named, pairs)
        or _not_failures(codes, messages, pairs)
        or _changelog(context)
    )
    if refused is not None:
        return Verdict(False, 0, (refused,), None)
    score = 0
    reasons: list[str] = []

    def add(points: int, why: str) -> None:
        nonlocal score
        score += points
        reasons.append(f"{points:+d} {why}")

    add(0, f"{len(codes)} of {total} items start with a code")
    about = context.mentions()
    error_key = keys is not None and columns.is_error_word(keys[0])
    failing = _failing_codes(context, messages) if about is None and not error_key else None
    if about is None and not error_key and failing is None and _error_statuses(codes, pairs):
        failing = f"the {len(codes)} codes are HTTP error statuses (4xx, 5xx)"
    if about is None and not error_key and failing is None:
        return Verdict(False, 0, (*reasons, "nothing around them names errors"), None)
    if about is not None:
        add(ERROR_SECTION, f"the section is about errors: {_quote(about)}")
    if failing is not None:
        add(ERROR_SECTION, failing)
    if keys is not None:
        code_key, message_key = keys
        if error_key:
            add(ERROR_HEADER, f"the code's label names errors: {_quote(code_key)}")
        add(NAMES_CODES, f"the code's label names codes: {_quote(code_key)}")
        if columns.names_messages_strongly(message_key):
            add(STRONG_MESSAGE, f"the message's label names messages: {_quote(message_key)}")
    elif any(map(columns.names_codes, (*context.headings[-1:], context.lead))):
        add(NAMES_CODES, "the heading or the sentence before names codes")
    if marked:
        add(MARKED, "each code is set apart (a code span, bold or a heading)")
    _trouble(add, [m for m in messages if m])
    heading = context.headings[-1] if context.headings else ""
    if heading and columns.is_parameter_header(heading):
        add(PARAMETER, f"the heading names parameters: {_quote(heading)}")
    _values(add, context, codes)
    return Verdict(score >= THRESHOLD, score, tuple(reasons), None)
