"""Every exchange end to end (issue 31): packages of Bybit's, Gate's and Kraken's pages,
each declaring its reply shape, read their exchange's documented error replies to the
documented row, in Python and in TypeScript; a success gives no error and an object the
shape cannot read is never a success."""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper import sources

from .conftest import NODE_BIN, PAGES, node_run, regen_args, tsc
from .test_cli import invoke

EXCHANGES = {
    "bybit": ("bybit-v5-error-en.html", "https://bybit-exchange.github.io/docs/v5/error"),
    "gate": ("gateio-v4.html", "https://www.gate.io/docs/developers/apiv4/"),
    "kraken": ("kraken-spot-errors.html", "https://docs.kraken.com/api/docs/guides/spot-errors"),
}

# (package, reply, the errors as (index, code, exact)), as each exchange documents them.
REPLIES: list[tuple[str, Any, list[tuple[int | None, str, bool]]]] = [
    (
        "bybit",
        {
            "retCode": 110004,
            "retMsg": "Wallet balance is insufficient",
            "result": {},
            "retExtInfo": {},
            "time": 1718000000000,
        },
        [(None, "110004", True)],
    ),
    (
        "bybit",
        {
            "retCode": 0,
            "retMsg": "OK",
            "result": {"list": [{"orderId": "1"}, {"orderId": ""}]},
            "retExtInfo": {"list": [{"code": 0, "msg": "OK"}, {"code": 110001, "msg": "x"}]},
        },
        [(1, "110001", False)],
    ),
    ("bybit", {"retCode": 0, "retMsg": "OK", "result": {}, "retExtInfo": {}}, []),
    (
        "bybit",
        {"reqId": "7", "retCode": 10006, "retMsg": "Too many visits!"},
        [(None, "10006", False)],
    ),
    ("bybit", {"code": 0}, [(None, "", False)]),  # not a Bybit reply: never a success
    ("gate", {"label": "INVALID_PARAM_VALUE", "message": "Invalid parameter value"}, None),
    ("gate", {"label": "BALANCE_NOT_ENOUGH"}, [(None, "BALANCE_NOT_ENOUGH", False)]),
    ("gate", {"id": "12332324", "status": "open"}, []),
    (
        "kraken",
        {"error": ["EOrder:Insufficient funds"], "result": {}},
        [(0, "EOrder:Insufficient funds", True)],
    ),
    (
        "kraken",
        {"error": ["EGeneral:Invalid arguments:volume", "API:Invalid nonce"]},
        [(0, "EGeneral:Invalid arguments", False), (1, "EAPI:Invalid nonce", True)],
    ),
    ("kraken", {"error": [], "result": {"txid": ["O1"]}}, []),
    ("kraken", {"unexpected": 1}, [(None, "", False)]),
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exchanges") / "repo"
    root.mkdir()
    entries = []
    for name, (_, url) in EXCHANGES.items():
        entries.append(
            f'[[source]]\nid = "{name}-en"\nurl = "{url}"\nlocale = "en"\ntitle = "{name}"\n'
        )
    for name in EXCHANGES:
        entries.append(
            f'[[package]]\nname = "{name}"\nsources = ["{name}-en"]\nreplies = "{name}"\n'
        )
    (root / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    for name, (page, _) in EXCHANGES.items():
        code, _, err = invoke(
            "capture",
            f"{name}-en",
            str(PAGES / "other-exchanges" / page),
            "--sources",
            str(root / "sources.toml"),
        )
        assert code == 0, err
    code, _, err = invoke(*regen_args(root, "--offline"))
    assert code == 0, err
    return root


@pytest.fixture(scope="module")
def packages(repo: Path) -> Iterator[dict[str, Any]]:
    found = {}
    for name in EXCHANGES:
        folder = repo / "generated" / "python" / f"{name}-error-codes"
        sys.path.insert(0, str(folder))
        try:
            found[name] = importlib.import_module(f"{name}_error_codes")
        finally:
            sys.path.remove(str(folder))
    yield found
    for name in EXCHANGES:
        sys.modules.pop(f"{name}_error_codes", None)
        for module in [m for m in sys.modules if m.startswith(f"{name}_error_codes.")]:
            sys.modules.pop(module)


def _answer(errors: list[Any]) -> list[tuple[int | None, str, bool]]:
    return [(e.index, e.code, e.match is not None and e.match.exact) for e in errors]


@pytest.mark.parametrize(("package", "reply", "expected"), REPLIES)
def test_each_package_reads_its_exchanges_replies(
    packages: dict[str, Any], package: str, reply: Any, expected: Any
) -> None:
    codes = packages[package]
    assert codes.REPLY_SHAPE == package
    found = codes.errors(reply)
    if expected is None:  # the documented message: exact
        documented = codes.lookup(reply["label"])
        assert documented is not None
        found = codes.errors({**reply, "message": documented.message})
        assert _answer(found) == [(None, reply["label"], True)]
        return
    assert _answer(found) == expected
    for error in found:
        if error.code:  # a documented code is found, row and all
            assert error.match is not None and error.match.row.code == error.code
    assert codes.from_response(reply) == (found[0].match if found else None)


def test_the_typescript_packages_answer_the_same(
    repo: Path, packages: dict[str, Any], tmp_path: Path
) -> None:
    script = ["const out = {};"]
    for name in EXCHANGES:
        folder = repo / "generated" / "typescript" / f"{name}-error-codes"
        out = tmp_path / name
        result = tsc("--outDir", str(out), str(folder / "index.ts"))
        assert result.returncode == 0, result.stdout + result.stderr
        (out / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
        script.append(f'out["{name}"] = await import({json.dumps((out / "index.js").as_uri())});')
    cases = [[package, reply] for package, reply, _ in REPLIES]
    script.append(
        f"const answers = {json.dumps(cases)}.map(([p, r]) => out[p].errors(r).map("
        "(e) => [e.index, e.code, e.match !== null && e.match.exact]));"
    )
    script.append("process.stdout.write(JSON.stringify(answers));")
    result = node_run([str(NODE_BIN / "node"), "--input-type=module", "-e", "\n".join(script)])
    assert result.returncode == 0, result.stderr
    ours = [[list(a) for a in _answer(packages[p].errors(r))] for p, r, _ in REPLIES]
    assert json.loads(result.stdout) == ours


def test_a_spelled_out_shape_is_checked_where_it_is_declared(tmp_path: Path) -> None:
    toml = tmp_path / "sources.toml"
    head = '[[source]]\nid = "x-en"\nurl = "https://x.example/errors"\nlocale = "en"\ntitle = "x"\n'
    package = '[[package]]\nname = "x"\nsources = ["x-en"]\n'
    toml.write_text(
        head + package + 'replies = { code = "err", message = "errMsg", success = [0] }\n'
    )
    assert sources.load(toml).packages[0].replies == "code=err;message=errMsg;success=0"
    for bad, said in [
        ('replies = "bybyt"', "did you mean 'bybit'"),
        ('replies = { cod = "err" }', "unknown field 'cod'"),
        ('replies = { code = "a;b" }', "without ; | ="),
        ('replies = { message = "m" }', "needs code, items or strings"),
    ]:
        toml.write_text(head + package + bad + "\n")
        with pytest.raises(sources.SourcesError, match=said):
            sources.load(toml)
    toml.write_text(head + package.replace('"x"', '"bybit"'))
    assert sources.load(toml).packages[0].replies == "bybit"  # named after a built-in shape
    toml.write_text(head)
    assert sources.load(toml).packages[0].replies == "okx"


def test_explain_reads_with_the_package_that_reads_the_reply(repo: Path) -> None:
    toml = str(repo / "sources.toml")
    reply = json.dumps(REPLIES[0][1])
    code, out, err = invoke("explain", "--json", reply, "--sources", toml)
    assert code == 0, err
    (entry,) = json.loads(out)["errors"]
    assert entry["package"] == "bybit_error_codes"
    assert entry["row"]["code"] == "110004" and entry["exact"] is True
    code, out, err = invoke("explain", reply, "--sources", toml)
    assert "exact; bybit_error_codes: bybit-en" in out
    kraken = json.dumps({"error": ["EOrder:Insufficient funds"], "result": {}})
    code, out, err = invoke("explain", "--json", kraken, "--sources", toml)
    assert [e["package"] for e in json.loads(out)["errors"]] == ["kraken_error_codes"]
    # a log line: the package that documents the code explains it
    line = "2024-06-10 ERROR order rejected: 110004 Wallet balance is insufficient"
    code, out, err = invoke("explain", "--json", line, "--sources", toml)
    (entry,) = json.loads(out)["errors"]
    assert entry["package"] == "bybit_error_codes" and entry["row"]["code"] == "110004"
    # --package picks one; a reply it cannot read says so
    picked = ("--package", str(repo / "generated/python/kraken-error-codes"))
    code, out, err = invoke("explain", reply, *picked, "--sources", toml)
    assert code == 1 and "kraken_error_codes cannot read this reply" in out


def test_no_finding_compares_two_packages() -> None:
    from scraper import diff
    from scraper.model import CodeTable, Row, Source, Table

    def table(source_id: str, message: str) -> CodeTable:
        source = Source(source_id, f"https://{source_id}.example", "en", source_id)
        return CodeTable(source, (Table("Errors", ("code", "message"), (Row("10001", message),)),))

    tables = [table("bybit-en", "Parameter error"), table("gate-en", "Invalid key")]
    same = diff.findings(tables)
    assert [c.rule for c in same] == ["conflicting-pages"]
    apart = diff.findings(tables, {"bybit-en": "bybit", "gate-en": "gate"})
    assert apart == []


def test_the_pull_request_body_groups_changes_by_package() -> None:
    from scraper import diff, report
    from scraper.model import Rule

    changes = [
        diff.Change(Rule.CODE_ADDED, "okx-v5-en", "51999", new="New error"),
        diff.Change(Rule.CODE_ADDED, "bybit-en", "110099", new="Another"),
        diff.Change(Rule.CODE_REMOVED, "gate-en", "OLD_LABEL", old="Gone"),
    ]
    packages = {"okx-v5-en": "okx", "bybit-en": "bybit", "gate-en": "gate"}
    body = report.markdown(diff.Report(changes, packages=packages))
    headings = [line for line in body.splitlines() if line.startswith("### ")]
    assert headings == ["### bybit › bybit-en", "### gate › gate-en", "### okx › okx-v5-en"]
    assert '"packages"' in report.as_json(diff.Report(changes, packages=packages))
    one = report.markdown(diff.Report(changes, packages=dict.fromkeys(packages, "okx")))
    assert "### bybit-en" in one and "›" not in one  # one package: as before


@pytest.mark.parametrize(
    ("pasted", "package", "code"),
    [
        (
            'ccxt.base.errors.InsufficientFunds: bybit {"retCode":110004,"retMsg":"Wallet '
            'balance is insufficient","result":{},"retExtInfo":{},"time":1718000000000}',
            "bybit_error_codes",
            "110004",
        ),
        (
            "krakenex error: ['EOrder:Insufficient funds']",
            "kraken_error_codes",
            "EOrder:Insufficient funds",
        ),
        ("APIError(code=110004): Wallet balance is insufficient", "bybit_error_codes", "110004"),
    ],
)
def test_explain_reads_what_client_libraries_log(
    repo: Path, pasted: str, package: str, code: str
) -> None:
    done, out, err = invoke("explain", "--json", pasted, "--sources", str(repo / "sources.toml"))
    assert done == 0, err
    (entry,) = json.loads(out)["errors"]
    assert (entry["package"], entry["row"]["code"]) == (package, code)


@pytest.mark.parametrize(
    ("shape", "reply"),
    [
        ("okx", {"event": "subscribe", "arg": {"channel": "tickers"}, "connId": "a"}),
        ("okx", {"arg": {"channel": "tickers"}, "data": [{"last": "1"}]}),
        ("bybit", {"success": True, "ret_msg": "", "op": "subscribe", "conn_id": "x"}),
        ("bybit", {"topic": "orderbook.50.BTCUSDT", "type": "snapshot", "data": {}}),
        ("kraken", {"method": "subscribe", "success": True, "result": {}}),
        ("kraken", {"channel": "ticker", "type": "update", "data": []}),
        ("deribit", {"jsonrpc": "2.0", "method": "subscription", "params": {}}),
        ("kucoin", {"id": "1", "type": "welcome"}),
        ("bitget", {"event": "subscribe", "arg": {"channel": "ticker"}}),
        ("htx", {"ch": "market.btcusdt.ticker", "tick": {}}),
    ],
)
def test_websocket_acknowledgements_and_pushes_are_no_error(shape: str, reply: Any) -> None:
    from scraper.runtime.python import _replies

    assert _replies.errors(reply, lambda code, message: None, _replies.shape(shape)) == []
