"""What an error means for the caller (issue 32): a category for every row from the docs'
own evidence, the maintainer's decisions in categories.toml, and the lists the run-time
languages share."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest

from scraper import categorize, ccxt_classes
from scraper.model import Row
from scraper.runtime.python import _constants, _types

from .conftest import ROOT, clone_tree, regen_args
from .test_cli import invoke


def _one(message: str, code: str = "1", status: int | None = None, **kw: object) -> str:
    row = Row(code, message, status, translations=tuple(kw.items()))  # type: ignore[arg-type]
    return categorize.categorize("Errors", [row])[0].name


@pytest.mark.parametrize(
    ("message", "code", "status", "expected"),
    [
        ("Order failed. Insufficient {param0} balance in account", "1", None, "InsufficientFunds"),
        ("余额不足", "1", None, "InsufficientFunds"),
        ("Balance is not enough", "BALANCE_NOT_ENOUGH", None, "InsufficientFunds"),
        ("", "BALANCE_NOT_ENOUGH", None, "InsufficientFunds"),  # the code's own words
        ("Too many requests, slow down", "1", None, "RateLimitExceeded"),
        ("请求过于频繁", "1", None, "RateLimitExceeded"),
        ("Order does not exist.", "1", None, "OrderNotFound"),
        ("System maintenance, please retry", "1", None, "OnMaintenance"),
        ("Invalid signature", "1", None, "AuthenticationError"),
        ("Something odd", "1", 401, "AuthenticationError"),
        ("Something odd", "1", 429, "RateLimitExceeded"),
        ("Parameter {param0} error", "1", None, "BadRequest"),  # the word, not the placeholder
        ("Something odd", "1", None, "ExchangeError"),
        # Naming an API key is no failed authentication; a key that is wrong is.
        ("Each account can create up to 50 API keys", "1", None, "ExchangeError"),
        ("Invalid API key", "1", None, "AuthenticationError"),
        ("API key doesn't exist", "1", None, "AuthenticationError"),
        ("'Api_key' does not exist", "1", None, "AuthenticationError"),
        ("This IP is not allowed to access", "1", None, "PermissionDenied"),
        # A trigger price is an order's; an account that triggered risk control is held.
        ("Trigger price should be lower than the TP price", "1", None, "InvalidOrder"),
        ("Your account has triggered risk control. Contact support", "1", None, "AccountSuspended"),
        ("This account is temporarily unavailable.", "1", None, "AccountSuspended"),
        ("Service temporarily unavailable", "1", None, "ExchangeNotAvailable"),
        # Nothing here passes with time: no retry.
        ("Due to local laws, our services are unavailable", "1", None, "RestrictedLocation"),
        (
            "API key has been updated or deleted. Please reconnect.",
            "1",
            None,
            "AuthenticationError",
        ),
        # Server-side trouble the caller may retry.
        ("System error. Try again later", "1", None, "ExchangeNotAvailable"),
        ("Buffer is full, cannot write data", "1", None, "ExchangeNotAvailable"),
        (
            "The number of subscribed channels exceeds the maximum limit.",
            "1",
            None,
            "RateLimitExceeded",
        ),
    ],
)
def test_the_words_and_the_status_give_the_class(
    message: str, code: str, status: int | None, expected: str
) -> None:
    assert _one(message, code, status) == expected


def test_english_is_read_first_so_each_language_of_a_code_agrees() -> None:
    en = Row("1", "Insufficient balance", translations=(("en", "Insufficient balance"),))
    zh = Row("1", "数量不对", translations=(("en", "Insufficient balance"), ("zh", "数量不对")))
    assert categorize.categorize("s", [en])[0].name == categorize.categorize("s", [zh])[0].name


def test_neighbours_section_and_the_fallback_say_why() -> None:
    rows = [
        Row("1", "Order price too high"),
        Row("2", "Mystery"),
        Row("3", "Order size too small"),
    ]
    found = categorize.categorize("Errors", rows)
    assert found[1].name == "InvalidOrder" and found[1].evidence.startswith("neighbours")
    alone = categorize.categorize("Trade Class", [Row("9", "Mystery")])[0]
    assert (alone.name, alone.evidence) == ("InvalidOrder", 'section "trade"')
    nothing = categorize.categorize("Misc", [Row("9", "Mystery")])[0]
    assert (nothing.name, nothing.evidence, nothing.retryable) == (
        "ExchangeError",
        "no evidence",
        False,
    )


def test_a_decision_wins_and_decided_neighbours_outweigh_broad_words() -> None:
    rows = [Row("1", "Order price too high"), Row("2", "x"), Row("3", "y"), Row("4", "z")]
    decided = {"1": "BadRequest", "3": "PermissionDenied", "4": "PermissionDenied"}
    found = categorize.categorize("s", rows, decided)
    assert found[0].name == "BadRequest" and found[0].evidence == "decided in categories.toml"
    assert found[1].name == "PermissionDenied"  # no words: its decided neighbours


def test_the_run_time_lists_are_ccxts_hierarchy() -> None:
    assert typing.get_args(_types.Category) == _constants.CATEGORIES == ccxt_classes.CATEGORIES
    assert _constants.RETRYABLE == tuple(
        c for c in ccxt_classes.CATEGORIES if ccxt_classes.is_retryable(c)
    )
    ts = (ROOT / "scraper/runtime/typescript/types.ts").read_text(encoding="utf-8")
    union = re.search(r"export type Category =(.*?);", ts, re.S)
    assert union and tuple(re.findall(r'"(\w+)"', union.group(1))) == _constants.CATEGORIES


def test_the_hierarchy_copy_is_the_installed_ccxts() -> None:
    ccxt = pytest.importorskip("ccxt")  # make categories installs it
    if not hasattr(ccxt, "error_hierarchy"):
        pytest.skip("a stand-in ccxt")
    parents: dict[str, str | None] = {}

    def walk(tree: dict[str, typing.Any], parent: str | None) -> None:
        for name, below in tree.items():
            parents[name] = parent
            walk(below, name)

    walk(ccxt.error_hierarchy, None)
    assert parents == ccxt_classes.PARENTS, f"refresh scraper/ccxt_classes.py from ccxt {ccxt}"


def test_every_generated_row_has_a_category_with_its_evidence() -> None:
    for path in sorted((ROOT / "generated/json").glob("*-*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for table in data["tables"]:
            for row in table["rows"]:
                assert row["category"] in _constants.CATEGORIES, path.name
                assert row["retryable"] is (row["category"] in _constants.RETRYABLE)
                assert row["category_evidence"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = clone_tree(tmp_path)
    code, _, err = invoke(*regen_args(root, "--offline"))
    assert code == 0, err
    return root


def test_decisions_win_survive_a_regen_and_disputes_are_findings(tree: Path) -> None:
    decisions = tree / "categories.toml"
    text = '# mine\n[okx]\n"51008" = "AuthenticationError"  # wrong on purpose\n'
    decisions.write_text(text, encoding="utf-8")
    report = tree / "build" / "report.md"
    code, _, err = invoke(*regen_args(tree, "--offline"), "--report", str(report))
    assert code == 0, err
    assert decisions.read_text(encoding="utf-8") == text  # never rewritten
    data = json.loads((tree / "generated/json/okx-v5-en.json").read_text(encoding="utf-8"))
    rows = [r for t in data["tables"] for r in t["rows"] if r["code"] == "51008"]
    assert rows and {r["category"] for r in rows} == {"AuthenticationError"}
    findings = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))["findings"]
    disputed = [f for f in findings if f["rule"] == "category-disputed"]
    assert {(f["code"], f["old"], f["new"]) for f in disputed} >= {
        ("51008", "AuthenticationError", "InsufficientFunds")
    }
    # The generated package gives every 51008 row the decided class.
    read = "import okx_error_codes as p; print({r.category for r in p.variants('51008')})"
    out = subprocess.run(
        [sys.executable, "-c", read],
        cwd=tree / "generated/python/okx-error-codes",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "{'AuthenticationError'}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[okx]\n"51008" = "InsufficentFunds"\n', "did you mean 'InsufficientFunds'?"),
        ('[nope]\n"51008" = "InsufficientFunds"\n', "[nope] is no [[package]]"),
        ("[okx\n", "not valid TOML"),
    ],
)
def test_a_wrong_decision_is_one_line_naming_the_fix(tree: Path, text: str, message: str) -> None:
    (tree / "categories.toml").write_text(text, encoding="utf-8")
    before = (tree / "generated/json/okx-v5-en.json").read_bytes()
    code, _, err = invoke(*regen_args(tree, "--offline"))
    assert code == 2 and message in err
    assert (tree / "generated/json/okx-v5-en.json").read_bytes() == before


def test_the_pull_request_shows_the_proposal_for_a_new_code(tree: Path) -> None:
    json_path = tree / "generated/json/okx-v5-en.json"
    data = json.loads(json_path.read_text(encoding="utf-8"))
    every = [(t, r) for t in data["tables"] for r in t["rows"]]
    once = [(t, r) for t, r in every if sum(x["code"] == r["code"] for _, x in every) == 1]
    table, gone = next((t, r) for t, r in once if r["message"].startswith("Rate limit reached"))
    table["rows"].remove(gone)  # committed without it: the capture adds it back
    json_path.write_text(json.dumps(data), encoding="utf-8")
    report = tree / "build" / "report.md"
    code, _, err = invoke(*regen_args(tree, "--offline"), "--report", str(report))
    assert code == 0, err
    body = report.read_text(encoding="utf-8")
    assert f"{gone['code']}" in body and "proposed category RateLimitExceeded" in body


def test_a_row_like_a_decided_row_is_proposed_its_decision() -> None:
    rows = [
        Row("1", "Leverage can't be modified. Please cancel all pending isolated orders."),
        Row("2", "Leverage can't be modified. Please cancel all pending cross orders."),
        Row("3", "Order price too high"),
        Row("4", "Something else entirely"),
    ]
    decided = {"1": "ExchangeError", "4": "BadRequest"}
    precedents = categorize.Precedents(rows, decided)
    found = categorize.categorize("Errors", rows, decided, precedents)
    # 2 reads as an order error by its words, but it is worded as decided row 1 is.
    assert found[1].name == "ExchangeError"
    assert found[1].evidence.startswith('like 1 (decided): "Leverage can')
    assert found[2].name == "InvalidOrder"  # like no decided row
    # A row is never its own precedent; without decisions there are none.
    assert precedents.like(rows[0]) is None
    assert categorize.Precedents(rows, {}).like(rows[1]) is None


def test_precedents_give_way_to_specific_words() -> None:
    rows = [
        Row("1", "Order failed. Account balance too low"),
        Row("2", "Order failed. Insufficient balance"),
    ]
    decided = {"1": "ExchangeError"}
    found = categorize.categorize("s", rows, decided, categorize.Precedents(rows, decided))
    assert found[1].name == "InsufficientFunds"


@pytest.mark.parametrize(
    "message",
    [
        "Maintenance margin requirement not met",
        "You've reached the maximum limit for tag level cancel all after timers.",
        "This account is temporarily unavailable. Please contact support",
    ],
)
def test_what_time_does_not_mend_is_not_retryable(message: str) -> None:
    # OKX's Chinese for the timers: 维护 there is "kept", no maintenance.
    zh = "当前维护的标签维度倒计时全部撤单达到数量上限" if "timers" in message else message
    row = Row("1", message, translations=(("en", message), ("zh", zh)))
    found = categorize.categorize("Errors", [row])[0]
    assert not found.retryable, found


def test_a_sub_code_decision_wins_and_an_unused_one_is_a_finding(tree: Path) -> None:
    (tree / "categories.toml").write_text(
        '[okx]\n"51008" = "InsufficientFunds"\n"51008_1000" = "BadRequest"\n'
        '"99999999" = "BadRequest"  # no page lists it\n',
        encoding="utf-8",
    )
    report = tree / "build" / "report.md"
    code, _, err = invoke(*regen_args(tree, "--offline"), "--report", str(report))
    assert code == 0, err
    data = json.loads((tree / "generated/json/okx-v5-en.json").read_text(encoding="utf-8"))
    by_sub = {r["sub_code"]: r for t in data["tables"] for r in t["rows"] if r["code"] == "51008"}
    assert by_sub["1000"]["category"] == "BadRequest"
    assert by_sub["1001"]["category"] == "InsufficientFunds"
    findings = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))["findings"]
    unused = [f for f in findings if f["rule"] == "category-decision-unused"]
    assert [(f["source"], f["code"], f["old"]) for f in unused] == [
        ("okx", "99999999", "BadRequest")
    ]
    assert "remove the line or correct the code" in report.read_text(encoding="utf-8")


def test_proposals_from_decisions_are_the_same_under_every_hash_seed() -> None:
    """Decided rows worded alike (sets of words, postings) give one answer, seed after seed:
    ccxt's classes of half the OKX codes as decisions, the rest proposed."""
    script = (
        "import json; from pathlib import Path; from scraper import categorize, state\n"
        "tables = list(state.committed(Path('generated')).values())\n"
        "codes = sorted({r.code for t in tables for p in t.tables for r in p.rows})\n"
        "decided = {c: 'BadRequest' if i % 4 else 'ExchangeError'\n"
        "           for i, c in enumerate(codes) if i % 2}\n"
        "package = {t.source.id: 'okx' for t in tables}\n"
        "done, disputes = categorize.apply(tables, {'okx': decided}, package)\n"
        "print(json.dumps([[r.category, r.category_evidence] for t in done for p in t.tables"
        " for r in p.rows]))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "4242")
    }
    assert len(outputs) == 1
    assert '"like ' in outputs.pop()  # precedents took part
