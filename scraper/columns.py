"""What a table's columns hold: evidence from the header words and from the cells.

A header cell's words suggest a role in any language the docs use (a word inside a longer
label counts: "Error Details Description", "err-code", "label"). The cells then decide: a code
column holds short code tokens (no sentences); a message column holds prose; a status column holds
three-digit HTTP statuses. When header and cells disagree, the cells win and the caller warns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from .model import CJK


class Role(StrEnum):
    """What a column holds."""

    CODE = "code"
    MESSAGE = "message"
    HTTP_STATUS = "http_status"
    TITLE = "title"


CODE, MESSAGE, HTTP_STATUS, TITLE = Role.CODE, Role.MESSAGE, Role.HTTP_STATUS, Role.TITLE

# Words that give a header cell its role. English words match whole words (camelCase and
# snake_case are split first); CJK words match inside the label.
_WORDS: dict[Role, tuple[frozenset[str], tuple[str, ...]]] = {
    HTTP_STATUS: (frozenset({"http"}), ("HTTP",)),
    CODE: (
        frozenset(
            {
                *("code", "codes", "label", "errno", "errcode", "errorcode", "retcode", "id"),
                *("number", "código", "códigos", "codigo", "codigos", "número", "numero"),
                *("код", "коды", "кода", "кодов"),
            }
        ),
        ("码", "碼", "代码", "代碼", "编号", "編號", "コード", "番号", "코드", "번호"),
    ),
    MESSAGE: (
        frozenset(
            {
                "message",
                "messages",
                "msg",
                "description",
                "desc",
                "meaning",
                "reason",
                "detail",
                "details",
                "explanation",
                "info",
                "information",
                "text",
                "remark",
                "remarks",
                "comment",
                "cause",
                "note",
                "notes",
                *("mensagem", "mensagens", "mensaje", "mensajes", "descrição", "descricao"),
                *("descripción", "descripcion", "significado", "motivo", "causa", "explicação"),
            }
        ),
        (
            "消息",
            "信息",
            "訊息",
            "描述",
            "说明",
            "說明",
            "含义",
            "含義",
            "原因",
            "提示",
            "文案",
            "解释",
            "解釋",
            "内容",
            "內容",
            "メッセージ",
            "説明",
            "意味",
            "理由",
            "詳細",
            "메시지",
            "메세지",
            "설명",
            "내용",
            "의미",
            "원인",
            "사유",
        ),
    ),
    TITLE: (
        frozenset({"title", "name", "nome", "nombre", "título", "titulo"}),
        ("标题", "標題", "名称", "名稱", "タイトル", "名前", "이름", "제목", "명칭"),
    ),
}
# A header that is only "Error" (Kraken's first column) names the code.
_ERROR_WORDS = (
    frozenset(
        {
            *("error", "errors", "err", "exception", "exceptions", "failure", "fault", "erro"),
            *("erros", "errores", "falha", "falhas", "erreur", "erreurs", "fehler"),
        }
    ),
    ("错误", "錯誤", "报错", "報錯", "异常", "異常", "エラー", "오류", "에러", "예외"),
)
# Header words of parameter, field and type tables: evidence against an error table.
_PARAMETER_WORDS = (
    frozenset(
        {
            *("parameter", "parameters", "param", "params", "type", "required", "field"),
            *("fields", "default", "parâmetro", "parâmetros", "parametro", "parámetro", "campo"),
            *("tipo", "obrigatório", "obligatorio"),
        }
    ),
    (
        *("参数", "參數", "类型", "類型", "必填", "必须", "必須", "字段", "パラメータ", "必須"),
        *("필수", "매개변수", "파라미터"),
    ),
)
# Words that name a list of values or states, not of errors: "status enum", "订单状态".
_ENUM_WORDS = (
    frozenset({"enum", "enums", "enumeration", "enumerations", "enumeração", "enumeración"}),
    ("枚举", "枚舉", "列挙", "열거"),
)
# A page's record of its own changes: its lists name codes that changed, not what they mean.
_CHANGE_WORDS = (
    frozenset({"changelog", "changelogs", "changes log", "releasenotes"}),
    (
        "change log",
        "release notes",
        "release history",
        "version history",
        "revision history",
        "what's new",
        "更新日志",
        "更新日誌",
        "更新记录",
        "更新記錄",
        "变更记录",
        "變更記錄",
        "版本历史",
        "変更履歴",
        "更新履歴",
        "변경 이력",
        "변경 내역",
        "변경내역",
        "릴리스 노트",
        "histórico de alterações",
        "registro de cambios",
        "journal des modifications",
        "änderungsprotokoll",
        "история изменений",
    ),
)
_HEADING_DATE = re.compile(r"v?\d{4}[-./]\d{1,2}[-./]\d{1,2}")


@lru_cache(maxsize=4096)
def names_changes(text: str) -> bool:
    """A heading of a changelog ("Changelog", "Release notes", "更新日志") or of one of its
    entries (a date: "2020-08-21")."""
    if _HEADING_DATE.fullmatch(text.strip()) is not None:
        return True
    return bool(_words(text) & _CHANGE_WORDS[0]) or any(w in text.lower() for w in _CHANGE_WORDS[1])


_STATE_WORDS = (
    frozenset({"status", "state", "states", "statuses", "estado", "estados", "situação"}),
    ("状态", "狀態", "状態", "ステータス", "상태"),
)
# Values that name the states of an order, a transfer or an account.
_STATES = frozenset(
    {
        *("pending", "filled", "canceled", "cancelled", "open", "opened", "closed", "new"),
        *("active", "inactive", "live", "partially", "partial", "expired", "rejected"),
        *("completed", "complete", "processing", "success", "successful", "succeeded"),
        *("failed", "fail", "init", "initial", "submitted", "settled", "suspended"),
        *("triggered", "untriggered", "effective", "done", "finished", "waiting", "running"),
        *("paused", "stopped", "created", "accepted", "confirmed", "cancelling", "canceling"),
        *("unfilled", "fully", "partly", "executed", "placed", "delisted", "halted", "trading"),
    }
)

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[^\W\d_]+")
_MAX_LABEL = 40  # characters: a header cell, not a sentence


# Where CJK or Hangul meets Latin letters ("常见code"): a word ends there.
_SCRIPTS = re.compile(
    r"(?<=[\u3040-\u9fff\uac00-\ud7af])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u3040-\u9fff\uac00-\ud7af])"
)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(_SCRIPTS.sub(" ", _CAMEL.sub(" ", text)).lower()))


def has_word(text: str, vocabulary: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    english, cjk = vocabulary
    return bool(_words(text) & english) or any(w in text for w in cjk)


@lru_cache(maxsize=4096)
def is_error_word(text: str) -> bool:
    """True when the text names errors in one of the docs' languages."""
    return has_word(text, _ERROR_WORDS)


# Message words that, beside a code column, mark an error table (not "description").
_STRONG_MESSAGE = (
    frozenset({"message", "messages", "msg", "reason", "mensagem", "mensaje", "motivo"}),
    (
        "消息",
        "信息",
        "訊息",
        "提示",
        "文案",
        "原因",
        "メッセージ",
        "理由",
        "메시지",
        "메세지",
        "원인",
    ),
)


@lru_cache(maxsize=4096)
def names_messages_strongly(text: str) -> bool:
    return len(text) <= _MAX_LABEL and has_word(text, _STRONG_MESSAGE)


@lru_cache(maxsize=4096)
def names_codes(text: str) -> bool:
    return has_word(text, _WORDS[CODE])


@lru_cache(maxsize=4096)
def names_values(text: str) -> bool:
    """Text that names enum values or states ("status enum", "订单状态"), not codes,
    errors or HTTP statuses ("Status codes", "状态码", "HTTP Status")."""
    if len(text) > 2 * _MAX_LABEL:
        return False
    if has_word(text, _ENUM_WORDS):
        return True
    return (
        has_word(text, _STATE_WORDS)
        and not names_codes(text)
        and not is_error_word(text)
        and not has_word(text, _WORDS[HTTP_STATUS])
    )


def names_state(token: str) -> bool:
    """A value that names a state: ``FILLED``, ``PARTIALLY_FILLED``, ``live``."""
    if any(c.isdigit() for c in token):
        return False
    words = _words(token)
    return bool(words) and words <= _STATES


@lru_cache(maxsize=4096)
def is_parameter_header(text: str) -> bool:
    return len(text) <= _MAX_LABEL and has_word(text, _PARAMETER_WORDS)


@lru_cache(maxsize=4096)
def role_of(header: str, *, loose: bool = True) -> Role | None:
    """The role a header cell's words suggest: code, message, http_status, title or None.
    ``loose``: a label that only says "Error" names the code column."""
    text = " ".join(header.split())
    if not text or len(text) > _MAX_LABEL:
        return None
    for role in (HTTP_STATUS, CODE, MESSAGE, TITLE):
        if has_word(text, _WORDS[role]):
            return role
    if loose and has_word(text, _ERROR_WORDS):
        return CODE
    return None


def roles_of(headers: Sequence[str]) -> list[Role | None] | None:
    """Roles by header words alone, when they name a code and a message column."""
    roles = [role_of(h) for h in headers]
    if CODE in roles and MESSAGE in roles:
        return roles
    return None


# --- the cells --------------------------------------------------------------------------------

# Numbers, negative numbers, sub-codes (51008_1000), identifiers (INVALID_PARAM_VALUE,
# OKX_CONNECT_ERROR_CODES.UNKNOWN_ERROR, err-code), and "Category:text" (EOrder:Insufficient funds).
_NUMERIC = re.compile(r"-?[0-9]+(?:[_.-][0-9]+)*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:[.:/-][A-Za-z0-9_]+)*")
_CATEGORY = re.compile(r"[A-Z][A-Za-z0-9]*:[A-Za-z0-9].{0,78}")
_HTTP = re.compile(r"[1-5][0-9][0-9]")
_HTTP_LIKE = re.compile(r"[1-5](?:[0-9][0-9]|xx|XX)(?:\s*/\s*[1-5](?:[0-9][0-9]|xx|XX))*")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
# A number and its name in one cell: ``400 - Bad Request``, ``404: Not Found``.
_LED = re.compile(r"-?[0-9]+(?:\s*[-–—:：]\s*|\s+)[^\W\d_][^\n]{0,78}")
# An upper-case label whose words a page split with a space (``ADDRESS NOT_FOUND``).
_SPACED_LABEL = re.compile(r"[A-Z][A-Z0-9_]*(?: [A-Z0-9_]+){1,3}")


def is_code(text: str) -> bool:
    """A code token: short, one word (or ``Category:words``), no sentence punctuation."""
    if not text or len(text) > 80:
        return False
    return bool(
        _NUMERIC.fullmatch(text) or _IDENTIFIER.fullmatch(text) or _CATEGORY.fullmatch(text)
    )


_DATE = re.compile(r"[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}")
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+){2,}")


def is_spaced_label(text: str) -> bool:
    """Upper-case words, as a code column of labels writes a code whose ``_`` became a
    space: a code only in a column whose header names codes and whose other cells are
    labels."""
    return len(text) <= 60 and _SPACED_LABEL.fullmatch(text) is not None


def code_shaped(token: str) -> bool:
    """A token that is a code even outside a table: a number (``-1013``, ``0007``,
    ``51008_1000``), or a code token with no lower-case letter and a digit, ``_``, ``.`` or
    ``:`` (``E2001``, ``AB-1001-X``, ``ORDER_QTY_TOO_LOW``). Not a date or a version, not an
    ordinary word (``Overview``, ``API``), not a parameter name (``instId``)."""
    if not is_code(token) or ":" in token and " " in token:
        return False
    if _NUMERIC.fullmatch(token):
        return not (_DATE.fullmatch(token) or _VERSION.fullmatch(token))
    if token.lower() == token or token.upper() != token:
        return False
    return any(c.isdigit() or c in "_.:" for c in token)


_LIST_SEPARATOR = re.compile(r"\s*[,，、;；]\s*|\s+(?:or|and|/)\s+")


def code_list(text: str) -> list[str]:
    """The codes of a cell that lists several (``100, 106``, ``E1 or E2``); else []."""
    if len(text) > 200:
        return []
    parts = _LIST_SEPARATOR.split(text.strip())
    return parts if len(parts) > 1 and all(map(code_shaped, parts)) else []


_PASCAL = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+")
_SNAKE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+")


def marked_code(token: str) -> bool:
    """A token that is a code when the page sets it apart (a code span, bold) though not
    ``code_shaped``: ``InsufficientFunds``, ``market_not_found``, ``EOrder:Insufficient
    funds``."""
    if _PASCAL.fullmatch(token) is not None or _SNAKE.fullmatch(token) is not None:
        return True
    return _CATEGORY.fullmatch(token) is not None and token[0].isupper()


def is_http_status(text: str) -> bool:
    return _HTTP.fullmatch(text) is not None


_ERROR_STATUS = re.compile(r"[45][0-9][0-9]")


def is_error_status(text: str) -> bool:
    """An HTTP status that is an error by definition: 4xx or 5xx."""
    return _ERROR_STATUS.fullmatch(text) is not None


def is_http_like(text: str) -> bool:
    """An HTTP status as status tables write it: ``404``, ``200/201``, ``5xx``."""
    return _HTTP_LIKE.fullmatch(text) is not None


def has_letters(text: str) -> bool:
    """Text with a word in it (a message), not only a number or punctuation."""
    return _LETTERS.search(text) is not None or CJK.search(text) is not None


def is_prose(text: str) -> bool:
    """Words a person reads: two words, or CJK text, or a sentence."""
    if " " in text:
        words = _LETTERS.finditer(text)
        if next(words, None) is not None and next(words, None) is not None:
            return True
    return CJK.search(text) is not None


@dataclass(frozen=True)
class Profile:
    """What one column's data cells hold."""

    filled: int  # non-empty cells
    code: float  # share of filled cells that are code tokens
    http: float  # share that are HTTP statuses
    prose: float  # share that are prose
    numeric: float  # share that are plain numbers
    length: float  # mean length
    label: float = 0.0  # share that are code tokens or upper-case labels with spaces
    distinct: float = 1.0  # share of filled cells that are distinct
    led: float = 0.0  # share that are a number and its name (``400 - Bad Request``)

    @classmethod
    def of(cls, cells: Sequence[str]) -> Profile:
        n = code = http = prose = numeric = length = label = led = 0
        for cell in cells:  # one pass; a number is a code and no prose
            if not cell:
                continue
            n += 1
            length += len(cell)
            if _NUMERIC.fullmatch(cell) is not None:
                code += 1
                numeric += 1
                http += _HTTP_LIKE.fullmatch(cell) is not None
                continue
            token = is_code(cell) or (len(cell) <= 40 and bool(code_list(cell)))
            code += token
            led += not token and _LED.fullmatch(cell) is not None
            label += token or is_spaced_label(cell)
            http += cell[0] in "12345" and _HTTP_LIKE.fullmatch(cell) is not None
            prose += is_prose(cell)
        if not n:
            return cls(0, 0.0, 0.0, 0.0, 0.0, 0.0)
        distinct = len(set(cells) - {""}) / n
        return cls(
            n,
            code / n,
            http / n,
            prose / n,
            numeric / n,
            length / n,
            (label + numeric) / n,
            distinct,
            led / n,
        )

    @property
    def codes(self) -> bool:
        return self.filled > 0 and (self.code >= 0.8 or self.http >= 0.9) and self.length <= 60

    @property
    def statuses(self) -> bool:
        return self.filled > 0 and self.http >= 0.9


@dataclass(frozen=True)
class Roles:
    """Which column is which, decided from the cells with the header as a tie-break."""

    code: int
    message: int | None
    http_status: int | None
    title: int | None
    header_roles: tuple[str | None, ...]
    disagrees: bool  # the header named a chosen column for another role
    parameter_lies: bool = False  # the code column's header names a parameter
    spaced_labels: bool = False  # the code column holds labels, some with spaces
    led_codes: bool = False  # the code column's cells are a number and its name

    def role(self, index: int) -> str | None:
        for role, at in (
            (CODE, self.code),
            (MESSAGE, self.message),
            (HTTP_STATUS, self.http_status),
            (TITLE, self.title),
        ):
            if at == index:
                return role
        return None

    @property
    def by_cells(self) -> tuple[str | None, ...]:
        return tuple(self.role(i) for i in range(len(self.header_roles)))


def assign(headers: Sequence[str], columns: Sequence[Sequence[str]]) -> Roles | None:
    """Decide the columns' roles; None when no column holds codes."""
    said = tuple(role_of(h) for h in headers)
    profiles = [Profile.of(c) for c in columns]
    width = len(profiles)
    if not any(p.filled for p in profiles):  # a header and no rows: the header alone
        if CODE not in said or MESSAGE not in said:  # what roles_of() says, from ``said``
            return None
        return Roles(
            said.index(CODE),
            said.index(MESSAGE),
            said.index(HTTP_STATUS) if HTTP_STATUS in said else None,
            said.index(TITLE) if TITLE in said else None,
            said,
            False,
        )

    def prefer(candidates: list[int], role: str) -> list[int]:
        return sorted(candidates, key=lambda i: (said[i] != role, i))

    # A column named for codes needs fewer code tokens to count (a few rows may be broken),
    # and upper-case labels count there even where a space split one.
    labels = [
        i
        for i in range(width)
        if said[i] == CODE
        and profiles[i].label >= 0.8
        and profiles[i].code < 0.5
        and profiles[i].length <= 60
        and not profiles[i].numeric
    ]
    # A column named for codes whose cells are a number and its name ("400 - Bad Request").
    led = [
        i
        for i in range(width)
        if said[i] in (CODE, HTTP_STATUS) and profiles[i].led >= 0.8 and not profiles[i].code
    ]
    coded = [
        i
        for i in range(width)
        if profiles[i].codes
        or (said[i] == CODE and profiles[i].code >= 0.5)
        or i in labels
        or i in led
    ]
    if not coded:
        return None
    # A status column beside another code column is the status, not the code; a column of a
    # few repeated values (a category: Order, Cancel) beside one of distinct tokens is no code.
    plain = [i for i in coded if not profiles[i].statuses] or coded
    if any(profiles[i].distinct >= 0.8 for i in plain):
        plain = [i for i in plain if profiles[i].distinct >= 0.5 or profiles[i].filled < 4]
    code = prefer(plain, CODE)[0]
    rest = [i for i in range(width) if i != code]
    statuses = [i for i in rest if profiles[i].statuses and profiles[i].numeric == 1.0]
    http_status = prefer(statuses, HTTP_STATUS)[0] if statuses else None
    rest = [i for i in rest if i != http_status]
    message: int | None = None
    named_message = [i for i in rest if said[i] == MESSAGE and profiles[i].prose >= 0.5]
    if named_message:
        message = named_message[0]
    elif rest:
        message = max(rest, key=lambda i: (profiles[i].prose, profiles[i].length, -i))
        if profiles[message].filled == 0 and said[message] != MESSAGE:
            message = None
    rest = [i for i in rest if i != message]
    titles = [i for i in rest if said[i] in (TITLE, MESSAGE)]
    title = prefer(titles, TITLE)[0] if titles else None
    chosen = {code: CODE, message: MESSAGE, http_status: HTTP_STATUS}
    disagrees = any(
        i is not None and role_of(headers[i], loose=False) not in (None, TITLE, role)
        for i, role in chosen.items()
    )
    # "参数" or "Field" over a column of codes: the header lies, the cells win.
    lies = is_parameter_header(headers[code]) and _mostly_codes(columns[code])
    return Roles(
        code,
        message,
        http_status,
        title,
        said,
        disagrees or lies,
        lies,
        code in labels,
        code in led,
    )


def _mostly_codes(cells: Sequence[str]) -> bool:
    filled = [c for c in cells if c]
    return bool(filled) and sum(map(code_shaped, filled)) >= 0.8 * len(filled)
