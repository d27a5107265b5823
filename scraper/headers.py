"""Table header cells, matched by meaning in English and Chinese."""

from __future__ import annotations

import re

CODE = "code"
MESSAGE = "message"
HTTP_STATUS = "http_status"
TITLE = "title"

_LABELS: dict[str, frozenset[str]] = {
    CODE: frozenset(
        {
            "error code",
            "error codes",
            "code",
            "codes",
            "status code",
            "err code",
            "errcode",
            "error id",
            "错误码",
            "错误代码",
            "状态码",
            "返回码",
            "错误编码",
            "错误码值",
        }
    ),
    MESSAGE: frozenset(
        {
            "error message",
            "message",
            "messages",
            "msg",
            "description",
            "error description",
            "meaning",
            "reason",
            "reason text",
            "detail",
            "details",
            "explanation",
            "错误消息",
            "错误信息",
            "提示信息",
            "描述",
            "说明",
            "文案",
            "错误描述",
            "错误说明",
            "含义",
            "原因",
            "错误提示",
            "提示",
            "信息",
        }
    ),
    HTTP_STATUS: frozenset(
        {
            "http status",
            "http status code",
            "http code",
            "http status codes",
            "http 状态",
            "http 状态码",
            "http状态",
            "http状态码",
            "http 码",
        }
    ),
    TITLE: frozenset({"title", "name", "error name", "标题", "名称", "错误名称"}),
}

_ROLE_OF: dict[str, str] = {label: role for role, labels in _LABELS.items() for label in labels}
_NOISE = re.compile(r"[\s:：*#]+")


def _key(text: str) -> str:
    return " ".join(_NOISE.sub(" ", text).lower().split())


def role_of(header: str) -> str | None:
    """``code``, ``message``, ``http_status``, ``title`` or None for a header cell's text."""
    return _ROLE_OF.get(_key(header))


def roles_of(headers: list[str]) -> list[str | None] | None:
    """Roles of a header row if it is an error-code table's (a code and a message column)."""
    roles = [role_of(h) for h in headers]
    if CODE in roles and MESSAGE in roles:
        return roles
    return None


_MAX_WORDS = max(len(label.split()) for label in _ROLE_OF)


def split_header_line(line: str) -> list[str] | None:
    """Split a plain-text header line (``Error Code Description``) into known labels."""
    text = line.strip()
    if not text:
        return None
    if "|" in text or "\t" in text:
        cells = [c.strip() for c in re.split(r"[|\t]", text.strip("|")) if c.strip()]
        return cells if all(role_of(c) for c in cells) else None
    words = text.split()
    # Fewest labels that cover the words exactly (labels may contain spaces).
    best: list[list[str] | None] = [None] * (len(words) + 1)
    best[0] = []
    for end in range(1, len(words) + 1):
        for size in range(1, min(_MAX_WORDS, end) + 1):
            head = best[end - size]
            label = " ".join(words[end - size : end])
            if head is not None and role_of(label):
                candidate = head + [label]
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(words)]
