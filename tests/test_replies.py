"""Real OKX reply shapes through the generated Python package: per-order results, batch
failures, WebSocket replies, messages that drift from the docs, and careless input.
tests/node/generated.test.mjs checks the TypeScript module on the same replies."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .conftest import FIXTURES, ROOT, examples

CASES: list[dict[str, Any]] = json.loads((FIXTURES / "replies.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def codes() -> Iterator[ModuleType]:
    path = str(ROOT / "generated/python/okx-error-codes")
    sys.path.insert(0, path)
    try:
        yield importlib.import_module("okx_error_codes")
    finally:
        sys.path.remove(path)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_reply(codes: ModuleType, case: dict[str, Any]) -> None:
    found = codes.from_response(case["payload"])
    expect = case["expect"]
    assert len(codes.errors(case["payload"])) == case["errors"]
    if expect is None:
        assert found is None
        return
    assert found is not None
    assert (found.row.code, found.row.message) == (expect["code"], expect["message"])
    assert found.exact == expect["exact"]
    assert dict(found.values) == expect["values"]
    if "detail" in expect:
        assert found.detail == expect["detail"]
    if not found.exact and not found.detail:
        assert 0 <= found.score < 1


def test_errors_lists_every_failing_item_with_its_ids(codes: ModuleType) -> None:
    reply = {
        "code": "2",
        "msg": "",
        "data": [
            {"sCode": "0", "ordId": "1"},
            {
                "sCode": "51008",
                "sMsg": "Order failed. Insufficient USDT balance in account",
                "clOrdId": "a1",
                "ordId": "",
            },
            {
                "sCode": 51094,
                "sMsg": "You can't place TP limit orders in spot, margin, or options trading.",
                "algoId": "77",
            },
        ],
    }
    found = codes.errors(reply)
    assert [(e.index, e.code, dict(e.ids)) for e in found] == [
        (1, "51008", {"clOrdId": "a1"}),
        (2, "51094", {"algoId": "77"}),
    ]
    assert all(e.match.exact for e in found)
    assert codes.from_response(json.dumps(reply).encode()).row.code == "51008"


def test_the_envelope_is_listed_when_no_item_explains_it(codes: ModuleType) -> None:
    found = codes.errors({"code": "1", "msg": "All operations failed", "data": []})
    assert [(e.index, e.code) for e in found] == [(None, "1")]
    assert found[0].match.row.message == "Operation failed." and not found[0].match.exact


def test_closest_variant_never_comes_from_another_code(codes: ModuleType) -> None:
    found = codes.match("51008", "Insufficient USDT in the loan pool, cannot borrow")
    assert found.row.code == "51008" and not found.exact and 0 < found.score < 1


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["code", "msg", "data", "sCode", "sMsg", "ordId", "event", "x"]),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=examples(300), deadline=None)
@given(JSON)
def test_any_json_value_gives_a_clear_result(codes: ModuleType, value: object) -> None:
    for payload in (value, json.dumps(value), json.dumps(value).encode()):
        found = codes.errors(payload)
        assert isinstance(found, list)
        assert codes.from_response(payload) is None or found


@settings(max_examples=examples(100), deadline=None)
@given(st.binary(max_size=64) | st.text(max_size=64))
def test_any_bytes_or_text_gives_a_clear_result(codes: ModuleType, payload: object) -> None:
    assert isinstance(codes.errors(payload), list)
    codes.from_response(payload)


def test_explain_a_reply_for_the_person_reading_a_log() -> None:
    from .test_cli import invoke

    reply = json.dumps(CASES[0]["payload"])
    code, out, _ = invoke("explain", reply, "--sources", str(ROOT / "sources.toml"))
    assert code == 0
    assert out.splitlines()[:2] == [
        "51094 (item 0): You can't place TP limit orders in spot, margin, or options trading.",
        "  exact; okx_error_codes: okx-v5-en · Error Code > REST API > Public > Trade Class"
        " · HTTP 200",
    ]
    assert "  zh: 币币、杠杆和期权交易不支持限价止盈" in out
    code, out, _ = invoke("explain", "--json", "--sources", str(ROOT / "sources.toml"), reply)
    (entry,) = json.loads(out)["errors"]
    assert entry["row"]["code"] == "51094" and entry["exact"] is True


def test_explain_code_message_lines_and_an_undocumented_code() -> None:
    from .test_cli import invoke

    lines = "51008 Order failed. Insufficient BTC balance in account\n99999999 nope\n"
    code, out, _ = invoke("explain", lines, "--sources", str(ROOT / "sources.toml"))
    assert code == 1
    assert "  {param0} = BTC" in out
    assert "99999999 (item 1): nope\n  not documented by any source" in out
    code, out, _ = invoke(
        "explain", '{"code": "0", "data": []}', "--sources", str(ROOT / "sources.toml")
    )
    assert (code, out) == (0, "no error in this reply\n")


@pytest.mark.parametrize("given_", ["", "   \n\t", None])
def test_explain_with_nothing_to_explain_says_so_in_one_line(given_: str | None) -> None:
    from .test_cli import invoke

    args = ["explain", "--sources", str(ROOT / "sources.toml")]
    code, out, err = invoke(*args, *([given_] if given_ is not None else []), input="")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "nothing to explain" in err


def test_explain_reads_a_log_line_a_ccxt_exception_and_key_value_pairs() -> None:
    from .test_cli import invoke

    sources = ["--sources", str(ROOT / "sources.toml")]
    log = (
        "2024-06-14 10:12:31,210 ERROR okx: 51008 "
        "Order failed. Insufficient USDT balance in account"
    )
    code, out, _ = invoke("explain", "--json", *sources, log)
    (entry,) = json.loads(out)["errors"]
    assert code == 0 and entry["code"] == "51008" and entry["exact"]
    assert entry["values"] == {"param0": "USDT"}
    ccxt = (
        'InsufficientFunds: okx {"code":"1","data":[{"clOrdId":"c1","ordId":"","sCode":"51008",'
        '"sMsg":"Order failed. Insufficient USDT margin in account","tag":""}],"msg":""}'
    )
    code, out, _ = invoke("explain", "--json", *sources, ccxt)
    (entry,) = json.loads(out)["errors"]
    assert entry["row"]["documented"] == "51008_1001" and entry["ids"] == {"clOrdId": "c1"}
    code, out, _ = invoke(
        "explain", "--json", *sources, "okx sCode=51000, sMsg=Parameter instId error"
    )
    (entry,) = json.loads(out)["errors"]
    assert (entry["code"], entry["values"]) == ("51000", {"param0": "instId"})
    code, _, err = invoke("explain", *sources, "2024-06-14 10:12:31 connection reset by peer")
    assert code == 2 and "no reply, code or message found" in err
