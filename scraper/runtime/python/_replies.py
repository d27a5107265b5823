"""Reading an API reply: every error it carries, in order (standard library only).

JSON is read as JavaScript's JSON.parse reads it, so that both packages see the same reply:
NaN and Infinity are not JSON, one byte-order mark before the text is skipped, and nesting
deeper than the interpreter's stack allows is read without recursion.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

from ._constants import BOM, ID_KEYS, REPLY_SHAPES, SAFE_INTEGER, SPACES, UNREADABLE
from ._types import Match, ResponseError

Finder = Callable[[str, str], Match | None]
_NO_IDS: Final[Mapping[str, str]] = MappingProxyType({})


class _NotJson(ValueError):
    pass


def _constant(name: str) -> object:
    raise _NotJson(f"{name} is not JSON")


def _integer(text: str) -> int | float:
    # Past 20 digits no integer is exact in both languages; a float also avoids Python's
    # limit on converting very long digit strings.
    return int(text) if len(text) <= 20 else float(text)


def load(payload: object) -> object:
    """A reply as a Python value: a dict as it is, JSON text or UTF-8 bytes parsed; None
    when it is not JSON."""
    if isinstance(payload, (bytes, bytearray)):
        try:
            payload = bytes(payload).decode("utf-8-sig")  # as TextDecoder: one BOM skipped
        except UnicodeDecodeError:
            return None
    if not isinstance(payload, str):
        return payload
    text = payload[1:] if payload.startswith(BOM) else payload
    try:
        return json.loads(text, parse_constant=_constant, parse_int=_integer)
    except RecursionError:
        return _deep(text)
    except ValueError:
        return None


def code_of(value: object) -> str | None:
    """A code as the docs write it: a string with its edge spaces stripped, or a JSON number
    that is a whole number both languages hold exactly. None for anything else."""
    if type(value) is str:  # the common case first
        return value.strip(SPACES) or None
    return _integer_text(value)


def _integer_text(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if -SAFE_INTEGER <= value <= SAFE_INTEGER else None
    if isinstance(value, float) and value.is_integer() and abs(value) <= SAFE_INTEGER:
        return str(int(value))
    return None


def _id_of(value: object) -> str | None:
    """An order id as the reply wrote it: a non-empty string, or a whole JSON number."""
    if isinstance(value, str):
        return value or None
    return _integer_text(value)


class Shape:
    """How one exchange's replies carry errors: a built-in shape by name (REPLY_SHAPES), or
    the fields spelled out in the same form (``code=retCode;message=retMsg;success=0``)."""

    __slots__ = (
        "batch",
        "code",
        "item_code",
        "item_message",
        "item_success",
        "items",
        "message",
        "name",
        "readable",
        "strings",
        "success",
    )

    def __init__(self, spec: str) -> None:
        parts = spec.split(";")
        self.name = parts.pop(0) if parts and "=" not in parts[0] else ""
        fields: dict[str, tuple[str, ...]] = {}
        for part in parts:
            key, _, value = part.partition("=")
            fields[key.strip()] = tuple(v.strip() for v in value.split("|") if v.strip())
        self.code = fields.get("code", ())
        self.message = fields.get("message", ())
        self.success = frozenset(fields.get("success", ()))
        self.items = fields.get("items", ())
        self.item_code = fields.get("item_code", ())
        self.item_message = fields.get("item_message", ())
        self.item_success = frozenset(fields.get("item_success", ()))
        self.strings = fields.get("strings", ())
        self.batch = frozenset(fields.get("batch", ()))
        self.readable = fields.get("readable", ())


_BUILT_IN: Final = {spec.split(";", 1)[0]: spec for spec in REPLY_SHAPES}


def shape(name_or_spec: str) -> Shape:
    """A built-in shape by name (okx, bybit, binance, kraken, gate, deribit, kucoin, bitget,
    htx), else the spelled-out fields; an unknown name reads as OKX's."""
    spec = _BUILT_IN.get(name_or_spec)
    if spec is None:
        spec = name_or_spec if "=" in name_or_spec else _BUILT_IN["okx"]
    return Shape(spec)


def _at(reply: dict[str, object], path: str) -> object:
    """The value at a dotted path (``retExtInfo.list``), or None."""
    if "." not in path:  # most paths: one key
        return reply.get(path)
    value: object = reply
    for key in path.split("."):
        if type(value) is not dict:
            return None
        value = value.get(key)
    return value


def _first_code(reply: dict[str, object], paths: tuple[str, ...]) -> str | None:
    for path in paths:
        code = code_of(_at(reply, path))
        if code is not None:
            return code
    return None


def _first_text(reply: dict[str, object], paths: tuple[str, ...]) -> str:
    for path in paths:
        value = _at(reply, path)
        if isinstance(value, str):
            return value
    return ""


def errors(payload: object, find: Finder, form: Shape | None = None) -> list[ResponseError]:
    """Every error in a reply, in order: each failing item, each error string, then the
    reply's own code when no item explains it. [] for a success or anything that is not a
    JSON object; one error with an empty code for an object this shape cannot read."""
    form = _OKX if form is None else form
    reply = payload if type(payload) is dict else load(payload)
    if not isinstance(reply, dict):
        return []
    if form.readable and all(_at(reply, path) is None for path in form.readable):
        return [ResponseError(None, "", UNREADABLE, _NO_IDS, None)]
    out: list[ResponseError] = []
    items: list[object] = []
    for path in form.items:
        data = _at(reply, path)
        if isinstance(data, list):
            items += data
        elif isinstance(data, dict):
            items.append(data)  # one result, not in a list
    if (
        not items
        and any(reply.get(key) is not None for key in form.item_code)
        and all(_at(reply, path) is None for path in form.code)
    ):
        items = [reply]  # an item passed on its own
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        code = _first_code(item, form.item_code)
        if code is None or code in form.item_success:
            continue
        message = _first_text(item, form.item_message)
        ids = {}
        for key in ID_KEYS:
            value = item.get(key)
            if value is not None and (found := _id_of(value)) is not None:
                ids[key] = found
        proxy = MappingProxyType(ids) if ids else _NO_IDS
        out.append(ResponseError(index, code, message, proxy, find(code, message)))
    for path in form.strings:
        value = _at(reply, path)
        listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        for index, text in enumerate(listed):
            if isinstance(text, str) and text.strip(SPACES):
                out.append(_string_error(index, text.strip(SPACES), find))
    code = _first_code(reply, form.code)
    if code is not None and code not in form.success and not (code in form.batch and out):
        message = _first_text(reply, form.message)
        out.append(ResponseError(None, code, message, _NO_IDS, find(code, message)))
    return out


def _string_error(index: int, text: str, find: Finder) -> ResponseError:
    """An error string (``EOrder:Insufficient funds``, ``EGeneral:Invalid arguments:volume``,
    ``General:Invalid arguments``): its code is the string, or its ``Category:Message``
    prefix, as the docs list it (with the leading ``E`` a library may drop); exact when the
    string is that code, the rest its detail."""
    parts = text.split(":")
    candidates = [text] if len(parts) < 3 else [text, ":".join(parts[:2])]
    for candidate in [*candidates, *("E" + c for c in candidates if not c.startswith("E"))]:
        found = find(candidate, "")
        if found is not None:
            base = candidate if text.startswith(candidate) else candidate[1:]
            detail = text[len(base) :].lstrip(":")
            score = 1.0 if not detail else found.score
            match = Match(found.row, _NO_IDS, not detail, score, detail)
            return ResponseError(index, found.row.code, text, _NO_IDS, match)
    return ResponseError(index, candidates[-1], text, _NO_IDS, None)


_OKX: Final = shape("okx")


def most_specific(found: list[ResponseError], form: Shape | None = None) -> ResponseError | None:
    """The reply's own error when its code is a specific one; when it says only that some
    or all operations failed (a batch code), the first failing item."""
    batch = (_OKX if form is None else form).batch
    for error in found:
        if error.index is None and error.code not in batch:
            return error
    return found[0] if found else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


# --- JSON nested too deep for json.loads ----------------------------------------------------

_SPACE = r"[ \t\n\r]*"
# One token: a mark, the opening quote of a string (json's own scanner reads the rest), a
# number or a literal. Possessive quantifiers are avoided: Python 3.11's first releases
# match them wrongly.
_TOKEN: Final = re.compile(
    _SPACE
    + r'(?:([\[\]{},:])|(")|(-?(?:0|[1-9][0-9]*))(\.[0-9]+)?([eE][-+]?[0-9]+)?|(true|false|null))'
)
# A run of "[" and a run of closing brackets, white space between: one character class each,
# so a match keeps no state per character however long the run.
_ARRAYS: Final = re.compile(_SPACE + r"\[[\[ \t\n\r]*")
_CLOSES: Final = re.compile(_SPACE + r"[\]}][\]} \t\n\r]*")
_END: Final = re.compile(_SPACE + r"\Z")
_LITERALS: Final[dict[str, object]] = {"true": True, "false": False, "null": None}
_STRINGS: Final = json.JSONDecoder()  # raw_decode at a quote: json's own string scanner
_VALUE, _FIRST, _KEY, _FIRST_KEY, _COLON, _NEXT = range(6)


def _deep(text: str) -> object:
    """The value json.loads would give, read with an explicit stack; None if not JSON.

    Each container goes into its parent when it opens, so a run of ``[`` and a run of
    closing brackets are each one match; strings are read by json's own scanner, in C: the
    cost is the text's length, in time and memory."""
    holder: list[object] = []  # the value read is its one item
    stack: list[list[object] | dict[str, object]] = [holder]
    key = ""  # the key of the next value, when the top is an object
    pos = 0
    # What may come next: a value (_FIRST right after "["), a key (_FIRST_KEY right after
    # "{"), ":", or "," and closing brackets (_NEXT).
    want = _VALUE
    while True:
        if want == _VALUE or want == _FIRST:
            run = _ARRAYS.match(text, pos)
            if run is not None:
                for _ in range(run.group().count("[")):
                    made: list[object] = []
                    _put(stack[-1], key, made)
                    stack.append(made)
                pos = run.end()
                want = _FIRST
                continue
        if want == _FIRST or want == _FIRST_KEY or want == _NEXT:
            run = _CLOSES.match(text, pos)
            if run is not None:
                for mark in run.group().translate(_NO_SPACE):
                    if len(stack) == 1 or (mark == "]") != (type(stack.pop()) is list):
                        return None
                pos = run.end()
                if len(stack) == 1:
                    break
                want = _NEXT
                continue
        token = _TOKEN.match(text, pos)
        if token is None:
            return None
        pos = token.end()
        mark, quote, whole, fraction, exponent, word = token.groups()
        string: str | None = None
        if quote is not None:
            try:
                string, pos = _STRINGS.raw_decode(text, pos - 1)
            except ValueError:
                return None
        if want == _KEY or want == _FIRST_KEY:
            if string is None:
                return None
            key = string
            want = _COLON
            continue
        if want == _COLON:
            if mark != ":":
                return None
            want = _VALUE
            continue
        if want == _NEXT:
            if mark != ",":
                return None
            want = _KEY if type(stack[-1]) is dict else _VALUE
            continue
        if mark == "[" or mark == "{":
            container: list[object] | dict[str, object] = [] if mark == "[" else {}
            _put(stack[-1], key, container)
            stack.append(container)
            want = _FIRST if mark == "[" else _FIRST_KEY
            continue
        value: object
        if string is not None:
            value = string
        elif whole is not None:
            number = whole + (fraction or "") + (exponent or "")
            value = float(number) if fraction or exponent else _integer(number)
        elif word is not None:
            value = _LITERALS[word]
        else:
            return None
        _put(stack[-1], key, value)
        if len(stack) == 1:
            break
        want = _NEXT
    return holder[0] if _END.match(text, pos) else None


def _put(container: list[object] | dict[str, object], key: str, value: object) -> None:
    if isinstance(container, dict):
        container[key] = value
    else:
        container.append(value)


_NO_SPACE: Final = str.maketrans("", "", " \t\n\r")
