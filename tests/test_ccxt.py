"""errtables ccxt: what a hand-kept exception map lacks, against the generated tables. A
stand-in ccxt module on sys.path plays the installed package."""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest

from .conftest import ROOT
from .test_cli import invoke

FAKE = """
__version__ = "0.0-test"
class ExchangeError(Exception): pass
class AuthenticationError(ExchangeError): pass
class okx:
    def describe(self):
        return {"exceptions": {"exact": {
            "1": ExchangeError, "50014": ExchangeError, "50113": AuthenticationError,
            "59999999": ExchangeError, "51008": ExchangeError, "59101": ExchangeError,
        }, "broad": {}}}
class quiet:  # an exchange whose map has only broad messages
    def describe(self):
        return {"exceptions": {"broad": {"busy": ExchangeError}}}
exchanges = ["okx", "quiet"]
"""


@pytest.fixture
def fake_ccxt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ccxt.py").write_text(FAKE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ccxt", raising=False)  # another test's stand-in
    monkeypatch.chdir(ROOT)


def test_json_report(fake_ccxt: None) -> None:
    code, out, err = invoke("ccxt", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    en = json.loads((ROOT / "generated/json/okx-v5-en.json").read_text(encoding="utf-8"))
    documented = {r["code"] for t in en["tables"] for r in t["rows"]} - {"0"}  # 0 is success
    assert report["documented"] == len(documented) == 1027  # the English page of 2026-08
    assert report["mapped"] == 5 and report["ccxt_codes"] == 6
    assert [s["code"] for s in report["stale"]] == ["59999999"]
    missing = {m["code"]: m for m in report["missing"]}
    assert len(missing) == len(documented) - 5 and "50014" not in missing
    # Each missing code comes with its row's category and the evidence for it.
    assert missing["50011"]["category"] == "RateLimitExceeded"
    assert missing["50011"]["evidence"] == 'words "rate limit"'
    assert missing["51764"]["category"] == "InsufficientFunds"  # Insufficient balance
    # ccxt's class for 51008 (ExchangeError here) is the parent of the docs' words: no dispute;
    # 50113 is AuthenticationError in both.
    assert report["disagreements"] == []


def test_python_block_is_paste_ready_with_the_category_of_each_row(fake_ccxt: None) -> None:
    code, out, err = invoke("ccxt", "--format", "python")
    assert code == 0, err
    entries = ast.parse("{\n" + out + "\n}", mode="eval").body
    assert isinstance(entries, ast.Dict) and len(entries.keys) == 1027 - 5
    from scraper.ccxt_classes import CATEGORIES

    assert {v.id for v in entries.values if isinstance(v, ast.Name)} <= set(CATEGORIES)
    assert (
        "'51008': InsufficientFunds,  # Order failed. Insufficient {param0} balance in account"
        in (out.splitlines())
        or "'50001': ExchangeNotAvailable,  # Service temporarily unavailable." in out
    )


def test_where_ccxt_disagrees_with_the_docs_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FAKE.replace('"51008": ExchangeError', '"51008": AuthenticationError')
    (tmp_path / "ccxt.py").write_text(fake, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "ccxt", raising=False)  # another test's stand-in
    monkeypatch.chdir(ROOT)
    code, out, err = invoke("ccxt", "--format", "json")
    assert code == 0, err
    (found,) = json.loads(out)["disagreements"]
    assert (found["code"], found["ccxt"], found["category"]) == (
        "51008",
        "AuthenticationError",
        "InsufficientFunds",
    )
    code, out, _ = invoke("ccxt", "--format", "python")
    assert "# '51008': ccxt AuthenticationError, docs InsufficientFunds (words " in out


def test_text_and_markdown(fake_ccxt: None) -> None:
    code, out, _ = invoke("ccxt")
    assert code == 0 and out.startswith("ccxt 0.0-test: maps 5 of the 1027 codes okx-v5-en")
    code, out, _ = invoke("ccxt", "--format", "markdown", "--source", "okx-v5-zh")
    assert code == 0 and "| 59999999 | ExchangeError |" in out


def test_without_ccxt_one_line_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ccxt", None)  # an import that fails
    code, _, err = invoke("ccxt")
    assert code == 2
    assert (
        err.strip()
        == "errtables: ccxt is not installed; install it with: pip install 'errtables[ccxt]'"
    )


def test_an_exchange_without_an_exact_map_maps_nothing(fake_ccxt: None) -> None:
    code, out, err = invoke("ccxt", "--format", "json", "--exchange", "quiet")
    assert code == 0, err
    report = json.loads(out)
    assert report["mapped"] == 0 and report["ccxt_codes"] == 0 and report["stale"] == []


def test_a_missing_code_worded_like_a_mapped_one_is_proposed_its_class(fake_ccxt: None) -> None:
    # 59107 ("Leverage can't be modified. Please cancel all pending cross-margin orders
    # ...") reads as an order error by its words; ccxt files 59101, worded alike, under
    # ExchangeError, and so the proposal follows ccxt's own map.
    code, out, err = invoke("ccxt", "--format", "json")
    assert code == 0, err
    missing = {m["code"]: m for m in json.loads(out)["missing"]}
    assert missing["59107"]["category"] == "ExchangeError"
    assert missing["59107"]["evidence"].startswith("like 59101 (ccxt)")
