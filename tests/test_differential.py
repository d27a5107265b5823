"""One behaviour in two languages: the generated Python package and the compiled TypeScript
package answer the same requests, field by field (code, row, exact, values, detail, score,
ids, the order of errors, what raises). Requests are hypothesis-made replies and messages,
every fixture reply, and every documented row filled in, drifted and extended."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import FIXTURES, NODE_BIN, ROOT, examples

sys.path.insert(0, str(ROOT / "generated/python/okx-error-codes"))
try:
    import okx_error_codes as codes
finally:
    sys.path.remove(str(ROOT / "generated/python/okx-error-codes"))

RUNTIME = ROOT / "tests/node/runtime.mjs"
SOURCE_IDS = list(codes.SOURCES)
ROWS = list({id(r): r for t in codes.VARIANTS.values() for rs in t.values() for r in rs}.values())
ROWS.sort(key=lambda r: (r.source, r.documented, r.message))
CODES = sorted({r.code for r in ROWS})


class Node:
    """The node process answering requests; every read bounded in time."""

    def __init__(self, compiled: Path) -> None:
        self.proc = subprocess.Popen(
            [str(NODE_BIN / "node"), str(RUNTIME)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "ERRTABLES_COMPILED": str(compiled)},
        )
        self.pending = b""

    def _line(self, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        while b"\n" not in self.pending:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            assert ready, "node did not answer in time"
            chunk = os.read(self.proc.stdout.fileno(), 1 << 16)
            assert chunk, "node exited"
            self.pending += chunk
        line, _, self.pending = self.pending.partition(b"\n")
        return line

    def ask(self, requests: list[dict[str, Any]]) -> list[Any]:
        assert self.proc.stdin is not None
        answers = []
        for start in range(0, len(requests), 50):  # small batches: no pipe fills up
            batch = requests[start : start + 50]
            data = "".join(json.dumps(r, allow_nan=False) + "\n" for r in batch)
            self.proc.stdin.write(data.encode())
            self.proc.stdin.flush()
            deadline = time.monotonic() + 60
            answers += [json.loads(self._line(deadline)) for _ in batch]
        return answers

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def node(compiled_ts: Path) -> Iterator[Node]:
    process = Node(compiled_ts)
    yield process
    process.close()


# --- the Python side, in the shape tests/node/runtime.mjs gives -----------------------------


def _row(r: Any) -> list[Any] | None:
    return None if r is None else [r.source, r.documented, r.message, r.category, r.retryable]


def _match(m: Any) -> dict[str, Any] | None:
    if m is None:
        return None
    values = dict(m.values)
    return {
        "row": _row(m.row),
        "values": values,
        "exact": m.exact,
        "score": m.score,
        "detail": m.detail,
    }


def _payload(request: dict[str, Any]) -> object:
    if "hex" in request:
        return bytes.fromhex(request["hex"])
    if request.get("parsed"):
        return json.loads(request["text"])
    return request["text"]


def _edits(q: dict[str, Any]) -> tuple[Any, Any]:
    """The edit of tests/node/runtime.mjs's EDITS named by ``q["what"]``, and how to read its
    effect; the edit is made through the public types as a careless caller would."""
    edits: dict[str, tuple[Any, Any]] = {
        "row": (
            lambda: setattr(codes.lookup(q["code"]), "message", "edited"),
            lambda: codes.lookup(q["code"]).message,
        ),
        "values": (
            lambda: codes.match(q["code"], q["message"]).values.__setitem__("injected", "x"),
            lambda: json.dumps(dict(codes.match(q["code"], q["message"]).values)),
        ),
        "variants": (
            lambda: codes.variants(q["code"]).append(None),
            lambda: len(codes.variants(q["code"])),
        ),
        "placeholders": (
            lambda: codes.lookup(q["code"]).placeholders.append("x"),
            lambda: len(codes.lookup(q["code"]).placeholders),
        ),
        "translations": (
            lambda: codes.lookup(q["code"]).translations.__setitem__("xx", "y"),
            lambda: json.dumps(dict(codes.lookup(q["code"]).translations)),
        ),
        "sources": (
            lambda: codes.SOURCES.__delitem__(next(iter(codes.SOURCES))),
            lambda: len(codes.SOURCES),
        ),
        "tables": (
            lambda: codes.VARIANTS[q["source"]].__setitem__(q["code"], ()),
            lambda: len(codes.VARIANTS[q["source"]].get(q["code"], ())),
        ),
    }
    return edits[q["what"]]


def _edit(request: dict[str, Any]) -> dict[str, bool]:
    change, read = _edits(request)
    before = read()
    try:
        change()
    except (TypeError, AttributeError):  # frozen records, read-only mappings, tuples
        raised = True
    else:
        raised = False
    return {"raised": raised, "unchanged": read() == before}


def _template(request: dict[str, Any]) -> dict[str, Any]:
    from okx_error_codes._match import Matcher
    from okx_error_codes._tables import Rows
    from okx_error_codes._types import Source

    made = Rows(Source("t", "https://example.com", "en", "t", None), ("s",))
    found = Matcher((made("1", request["template"], 0),)).match(request["message"])
    values = dict(found.values)
    return {"values": values, "exact": found.exact, "own": list(values)}


_SHAPED: dict[str, Any] = {}


def _shaped(shape: str) -> Any:
    """The package's pages read in another reply shape (one Tables per shape)."""
    if shape not in _SHAPED:
        tables = type(codes._TABLES)
        _SHAPED[shape] = tables(list(codes._TABLES.pages.values()), shape)
    return _SHAPED[shape]


def _error(e: Any) -> dict[str, Any]:
    return {
        "index": e.index,
        "code": e.code,
        "message": e.message,
        "ids": dict(e.ids),
        "match": _match(e.match),
    }


def python(request: dict[str, Any]) -> Any:
    source = request.get("source")
    try:
        op = request["op"]
        if op == "errors":
            return [
                {
                    "index": e.index,
                    "code": e.code,
                    "message": e.message,
                    "ids": dict(e.ids),
                    "match": _match(e.match),
                }
                for e in codes.errors(_payload(request), source)
            ]
        if op == "from_response":
            return _match(codes.from_response(_payload(request), source))
        if op == "shaped_errors":
            return [_error(e) for e in _shaped(request["shape"]).errors(_payload(request), source)]
        if op == "shaped_from_response":
            return _match(_shaped(request["shape"]).from_response(_payload(request), source))
        if op == "match":
            return _match(codes.match(request["code"], request["message"], source))
        if op == "lookup":
            return _row(codes.lookup(request["code"], source))
        if op == "variants":
            return [_row(r) for r in codes.variants(request["code"], source)]
        if op == "edit":
            return _edit(request)
        if op == "template":
            return _template(request)
    except codes.UnknownSourceError:
        return {"raised": "UnknownSourceError"}
    raise AssertionError(f"unknown op {request['op']}")


def agree(node: Node, requests: list[dict[str, Any]]) -> None:
    for request, theirs in zip(requests, node.ask(requests), strict=True):
        ours = python(request)
        assert ours == theirs, f"Python and TypeScript differ on {request!r}"


# --- what the requests are made of ----------------------------------------------------------

SPACES = list(" \t\n\u00a0\u3000\u2028")
ODD = [*SPACES, ".", ":", "-", "(", "{", "}", "😀", "\ufeff", "\x1c", "\ud800", "É", "İ", "ß"]
values = st.text(st.characters(exclude_categories=("Cs",)) | st.sampled_from(ODD), max_size=8)


@st.composite
def messages(draw: st.DrawFn) -> str:
    """A documented message filled in, then as the API drifts from it (or any text)."""
    row = draw(st.sampled_from(ROWS))
    text = row.format(**{p: draw(values) for p in row.placeholders})
    how = draw(st.sampled_from(["exact", "detail", "drop", "case", "space", "cut", "any"]))
    if how == "detail":
        text += draw(st.sampled_from([": ", " (", ". ", " ", ""])) + draw(values)
    elif how == "drop":
        words = text.split(" ")
        if len(words) > 1:
            del words[draw(st.integers(0, len(words) - 1))]
        text = " ".join(words)
    elif how == "case":
        text = text.upper() if draw(st.booleans()) else text.lower()
    elif how == "space":
        text = draw(st.sampled_from(SPACES)) + text.replace(" ", draw(st.sampled_from(SPACES)))
    elif how == "cut":
        text = text[: draw(st.integers(0, len(text)))]
    elif how == "any":
        text = draw(values)
    return text


def _with_spaces(code: str) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(["", " ", "\ufeff", "\x1c", "\u3000"]), st.just(code)).map(
        lambda t: t[0] + t[1] + t[0]
    )


code_values = st.one_of(
    st.sampled_from(CODES).flatmap(lambda c: st.one_of(st.just(c), _with_spaces(c))),
    st.sampled_from(["0", "1", "2", "51008", "51008_1001", "-1", ""]),
    st.sampled_from([c for c in CODES if c.lstrip("-").isdigit()]).map(int),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=6),
)
id_values = st.one_of(
    st.text(max_size=6),
    st.integers(-(2**70), 2**70),
    st.floats(),
    st.booleans(),
    st.none(),
    st.just([]),
)
items = st.fixed_dictionaries(
    {},
    optional={
        "sCode": st.one_of(code_values, st.booleans(), st.none(), st.floats()),
        "sMsg": st.one_of(messages(), st.integers(), st.none()),
        "clOrdId": id_values,
        "ordId": id_values,
        "algoId": id_values,
    },
)
anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=8,
)
replies = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "code": st.one_of(code_values, st.floats(), st.none()),
            "msg": st.one_of(messages(), st.integers()),
            "data": st.one_of(st.lists(st.one_of(items, anything), max_size=4), items, anything),
            "sCode": code_values,
        },
    ),
    items,
    anything,
)
sources = st.one_of(st.none(), st.none(), st.sampled_from(SOURCE_IDS), st.just("no-such-source"))


@st.composite
def reply_requests(draw: st.DrawFn) -> dict[str, Any]:
    reply = draw(replies)
    text = json.dumps(reply, ensure_ascii=draw(st.booleans()))
    request: dict[str, Any] = {"op": draw(st.sampled_from(["errors", "from_response"]))}
    request["source"] = draw(sources)
    mode = draw(st.sampled_from(["text", "parsed", "bytes"]))
    if mode == "bytes":
        data = draw(st.sampled_from(["", "\ufeff", "\ufeff\ufeff"])) + text
        request["hex"] = data.encode("utf-8", "surrogatepass").hex()
    else:
        if mode == "parsed" and "NaN" not in text and "Infinity" not in text:
            request["parsed"] = True
        else:
            text = draw(st.sampled_from(["", "\ufeff", " "])) + text
        request["text"] = text
    return request


@st.composite
def code_requests(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(st.sampled_from(["match", "match", "match", "lookup", "variants"]))
    request: dict[str, Any] = {"op": op, "code": draw(code_values), "source": draw(sources)}
    if op == "match":
        if draw(st.booleans()):  # the message of a row of this very code
            request["code"] = draw(st.sampled_from(CODES))
        request["message"] = draw(messages())
    return request


# --- every reply shape: the fields each names, filled with codes, messages and anything -----

SHAPES = [spec.split(";", 1)[0] for spec in codes._constants.REPLY_SHAPES]
SPELLED = (
    "code=result.err|err;message=result.text;success=ok|0;items=out;item_code=c;readable=result|err"
)


def _fields(shape: str) -> list[str]:
    spec = next((s for s in codes._constants.REPLY_SHAPES if s.startswith(shape + ";")), shape)
    return [
        path
        for part in spec.split(";")
        if "=" in part and part.split("=")[0] in ("code", "message", "items", "strings")
        for path in part.split("=", 1)[1].split("|")
    ]


def _nest(path: str, value: object) -> dict[str, object]:
    for key in reversed(path.split(".")):
        value = {key: value}
    assert isinstance(value, dict)
    return value


@st.composite
def shaped_requests(draw: st.DrawFn) -> dict[str, Any]:
    shape = draw(st.sampled_from([*SHAPES, SPELLED]))
    reply: dict[str, Any] = {}
    for path in draw(st.lists(st.sampled_from(_fields(shape) or ["code"]), max_size=4)):
        value = draw(
            st.one_of(
                code_values,
                messages(),
                st.lists(st.one_of(code_values, messages(), items), max_size=3),
                st.lists(
                    st.fixed_dictionaries(
                        {},
                        optional={"code": code_values, "msg": messages(), "c": code_values},
                    ),
                    max_size=3,
                ),
                anything,
            )
        )
        head = path.split(".")[0]
        merged = _nest(path, value)
        if isinstance(reply.get(head), dict) and isinstance(merged[head], dict):
            reply[head] = {**reply[head], **merged[head]}
        else:
            reply.update(merged)
    if draw(st.booleans()):
        reply = draw(st.one_of(st.just(reply), anything))
    op = draw(st.sampled_from(["shaped_errors", "shaped_from_response"]))
    return {"op": op, "shape": shape, "text": json.dumps(reply), "source": draw(sources)}


CHECK = settings(
    max_examples=examples(1500),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@CHECK
@given(request=reply_requests())
def test_replies_agree(node: Node, request: dict[str, Any]) -> None:
    agree(node, [request])


@CHECK
@given(request=shaped_requests())
def test_every_reply_shape_agrees(node: Node, request: dict[str, Any]) -> None:
    agree(node, [request])


# Replies as each exchange documents them, read in its shape (the codes are OKX's: the
# package at hand documents those), and what no shape may call a success.
DOCUMENTED = {
    "okx": [{"code": "1", "msg": "", "data": [{"sCode": "51008", "sMsg": "Order failed"}]}],
    "bybit": [
        {"retCode": 51008, "retMsg": "Order failed", "result": {}, "retExtInfo": {}, "time": 1},
        {
            "retCode": 0,
            "retMsg": "OK",
            "result": {"list": [{"orderId": "1"}, {"orderId": ""}]},
            "retExtInfo": {"list": [{"code": 0, "msg": "OK"}, {"code": 51008, "msg": "x"}]},
        },
        {"reqId": "a", "retCode": 50011, "retMsg": "Too Many Requests"},
        {"ret_code": 51000, "ret_msg": "Parameter instId error"},
        {"retCode": 0, "retMsg": "OK", "result": {}},
        {"unknown": True},
    ],
    "binance": [
        {"code": -2010, "msg": "Account has insufficient balance"},
        {"id": "1", "status": 400, "error": {"code": 51008, "msg": "Order failed"}},
        {"symbol": "BTCUSDT", "orderId": 1},
    ],
    "kraken": [
        {"error": ["51008", "51008:more:detail"], "result": {}},
        {"error": ["EOrder:Insufficient funds", "General:Invalid arguments:volume"]},
        {"error": [], "result": {"txid": ["x"]}},
        {"errorMessage": "EGeneral:Invalid arguments"},
        {"success": False, "error": "51008"},
        {"unknown": True},
    ],
    "gate": [
        {"label": "51008", "message": "Order failed"},
        {"label": "BALANCE_NOT_ENOUGH"},
        {"label": "50011", "detail": "Too Many Requests"},
        {"header": {"status": "400"}, "data": {"errs": {"label": "51000", "message": "x"}}},
        {"id": 1},
    ],
    "deribit": [
        {"jsonrpc": "2.0", "error": {"code": 51008, "message": "not_enough_funds"}},
        {"jsonrpc": "2.0", "result": {}},
        {"unknown": True},
    ],
    "kucoin": [{"code": "200000", "data": {}}, {"code": "51008", "msg": "Order failed"}],
    "bitget": [{"code": "00000", "msg": "success"}, {"code": "51008", "msg": "x"}, {}],
    "htx": [
        {"status": "ok", "data": 1},
        {"status": "error", "err-code": "51008", "err-msg": "Order failed"},
        {"unknown": True},
    ],
}


def test_each_shape_reads_its_documented_replies_alike(node: Node) -> None:
    assert sorted(DOCUMENTED) == sorted(SHAPES)
    requests = [
        {"op": op, "shape": shape, "text": json.dumps(reply)}
        for shape, replies in DOCUMENTED.items()
        for reply in replies
        for op in ("shaped_errors", "shaped_from_response")
    ]
    agree(node, requests)


@CHECK
@given(request=code_requests())
def test_codes_and_messages_agree(node: Node, request: dict[str, Any]) -> None:
    agree(node, [request])


def test_every_fixture_reply_agrees(node: Node) -> None:
    cases = json.loads((FIXTURES / "replies.json").read_text(encoding="utf-8"))
    requests = []
    for case in cases:
        text = json.dumps(case["payload"])
        for op in ("errors", "from_response"):
            requests += [
                {"op": op, "text": text},
                {"op": op, "text": text, "parsed": True},
                {"op": op, "hex": text.encode().hex(), "source": "okx-v5-en"},
            ]
    agree(node, requests)


def test_every_row_has_the_same_category_in_both(node: Node) -> None:
    """Every documented row's category and retryable, through lookup and variants."""
    requests = [{"op": "variants", "code": row.documented, "source": row.source} for row in ROWS]
    assert len({row.category for row in ROWS}) > 5  # the rows do carry categories
    agree(node, requests)


def test_every_row_filled_drifted_and_extended_agrees(node: Node) -> None:
    requests = []
    for n, row in enumerate(ROWS):
        filled = row.format(**{p: f"v{n}{p}" for p in row.placeholders})
        for message in (filled, filled + ": detail", filled.lower(), filled[: len(filled) // 2]):
            requests.append({"op": "match", "code": row.documented, "message": message})
        requests.append({"op": "variants", "code": f" {row.code} ", "source": row.source})
    assert len(requests) > 10_000
    agree(node, requests)


@pytest.mark.parametrize(
    "request_",
    [
        {"op": "errors", "text": '{"code": "1", "data": [{"sCode": "51008", "ordId": 5.0}]}'},
        {
            "op": "errors",
            "text": '{"code": "1", "data": [{"sCode": "1", "ordId": 12345678901234567890}]}',
        },
        {"op": "errors", "text": '{"code": "51008", "x": NaN}'},
        {
            "op": "errors",
            "text": '{"code": "1", "data": [{"sCode": "1", "clOrdId": 1' + "0" * 5000 + "}]}",
        },
        {"op": "lookup", "code": " 60019 ", "source": "okx-v5-en"},
        {"op": "lookup", "code": "\ufeff60019"},
        {"op": "lookup", "code": "\x1c60019"},
        {"op": "match", "code": "51008", "message": "x", "source": "nope"},
        {"op": "errors", "text": '{"code": "0"}', "source": "nope"},
    ],
    ids=[
        "float-id",
        "20-digit-id",
        "nan",
        "huge-id",
        "spaced-code",
        "bom-code",
        "fs-code",
        "unknown-source-match",
        "unknown-source-errors",
    ],
)
def test_the_disagreements_found_by_hand_are_settled(node: Node, request_: dict[str, Any]) -> None:
    agree(node, [request_])


def test_how_the_disagreements_were_settled() -> None:
    """Ids are text as the reply wrote them, numbers only when both languages hold them
    exactly; NaN is not JSON; codes lose only the shared white space; an unknown source is
    UnknownSourceError in both."""
    found = codes.errors(
        {"code": "1", "data": [{"sCode": "51008", "ordId": 5.0, "clOrdId": 2**64}]}
    )
    assert dict(found[0].ids) == {"ordId": "5"}
    assert codes.errors('{"code": "51008", "x": NaN}') == []
    assert codes.lookup(" 60019 ", "okx-v5-en") is not None
    assert codes.okx_v5_en.lookup(" 60019 ") is not None
    assert codes.lookup("\ufeff60019") is None and codes.lookup("\x1c60019") is None
    with pytest.raises(codes.UnknownSourceError, match="no source 'nope'"):
        codes.match("51008", "x", "nope")
    assert isinstance(codes.UnknownSourceError("x"), KeyError)  # as the old KeyError was


EDITS = [
    {"what": "row", "code": "51008"},
    {"what": "values", "code": "60012", "message": 'Invalid request: {"op": 1}'},
    {"what": "values", "code": "51008", "message": "Order failed. Insufficient USDT balance"},
    {"what": "variants", "code": "51008"},
    {"what": "placeholders", "code": "51008"},
    {"what": "translations", "code": "51008"},
    {"what": "sources"},
    {"what": "tables", "source": "okx-v5-en", "code": "51008"},
]


@pytest.mark.parametrize("request_", EDITS, ids=[e["what"] for e in EDITS])
def test_what_the_package_hands_out_cannot_be_edited_in_either_language(
    node: Node, request_: dict[str, Any]
) -> None:
    """An edit of a row, a match's values (cached matches included), a list of rows or a
    table raises in both languages and changes no later answer."""
    request = {"op": "edit", **request_}
    for _ in range(2):  # the second time, the match comes from the cache
        (answer,) = node.ask([request])
        assert answer == python(request) == {"raised": True, "unchanged": True}


@pytest.mark.parametrize("name", ["__proto__", "constructor", "toString", "hasOwnProperty"])
def test_a_placeholder_named_like_an_object_property_is_a_value_in_both(
    node: Node, name: str
) -> None:
    request = {"op": "template", "template": f"Bad {{{name}}} here", "message": "Bad x here"}
    (answer,) = node.ask([request])
    assert answer == python(request) == {"values": {name: "x"}, "exact": True, "own": [name]}
