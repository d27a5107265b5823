"""errtables ccxt: what a hand-kept exception map lacks, against the generated tables. A
stand-in ccxt module on sys.path plays the installed package."""

from __future__ import annotations

import ast
import json
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
            "59999999": ExchangeError, "51008": ExchangeError,
        }, "broad": {}}}
"""


@pytest.fixture
def fake_ccxt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ccxt.py").write_text(FAKE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(ROOT)


def test_json_report(fake_ccxt: None) -> None:
    code, out, err = invoke("ccxt", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    en = json.loads((ROOT / "generated/json/okx-v5-en.json").read_text(encoding="utf-8"))
    documented = {r["code"] for t in en["tables"] for r in t["rows"]} - {"0"}  # 0 is success
    assert report["documented"] == len(documented) == 1027  # the English page of 2026-08
    assert report["mapped"] == 4 and report["ccxt_codes"] == 5
    assert [s["code"] for s in report["stale"]] == ["59999999"]
    missing = {m["code"]: m for m in report["missing"]}
    assert len(missing) == len(documented) - 4 and "50014" not in missing
    assert missing["50011"]["suggested_class"] is None  # 429 and 200 on the page: ambiguous
    assert missing["50001"]["suggested_class"] == "ExchangeNotAvailable"  # 503


def test_python_block_is_valid_and_guesses_nothing_from_messages(fake_ccxt: None) -> None:
    code, out, err = invoke("ccxt", "--format", "python")
    assert code == 0, err
    entries = ast.parse("{\n" + out + "\n}", mode="eval").body
    assert isinstance(entries, ast.Dict) and len(entries.keys) == 1027 - 4
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    assert all(
        ": ExchangeError,  # TODO: classify." in line
        or any(
            cls in line
            for cls in (
                "AuthenticationError,  # HTTP 401",
                "RateLimitExceeded,  # HTTP 429",
                "ExchangeNotAvailable,  # HTTP 503",
            )
        )
        for line in lines
    )


def test_text_and_markdown(fake_ccxt: None) -> None:
    code, out, _ = invoke("ccxt")
    assert code == 0 and out.startswith("ccxt 0.0-test: maps 4 of the 1027 codes okx-v5-en")
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
