"""The first real OKX docs change, replayed as the scheduled job meets it: the English v5
capture of 2025-08 is the committed state, the page of 2026-08 (sub-codes, and the whole
section a second time in Chinese) the fetched one. Also the pieces it rests on: sub-codes in
the diff, sections renamed, pages in two languages."""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest

from scraper import diff, languages, report
from scraper.model import CodeTable, Row, Rule, Source, Table

from .conftest import FIXTURES, ROOT, copy_repo, regen_args
from .test_cli import invoke
from .test_golden import check_golden

OLD_CAPTURE = FIXTURES / "replay" / "okx-v5-en-2025-08.html"
NEW_PAGE = FIXTURES / "pages" / "okx-v5" / "docs-v5-en-zh-error-code-2026-08.md"
EXPECTED = ROOT / "tests" / "expected"
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    repo = copy_repo(tmp_path_factory.mktemp("replay") / "repo")
    shutil.copy(OLD_CAPTURE, repo / "captures" / "okx-v5-en.html")
    sources = str(repo / "sources.toml")
    code, _, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0, err  # generated/ as of 2025-08
    code, out, err = invoke("capture", "okx-v5-en", str(NEW_PAGE), "--sources", sources)
    assert code == 0, err
    found: dict[str, Any] = {"repo": repo}
    for fmt in ("json", "text", "markdown"):
        code, out, err = invoke("diff", "--offline", "--format", fmt, "--sources", sources)
        assert code == 0, err
        found[fmt] = out
    found["data"] = json.loads(found["json"])
    code, _, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0, err
    return found


def test_sub_codes_are_no_removal_and_one_split_each(replay: dict[str, Any]) -> None:
    changes = replay["data"]["changes"]
    removed = {c["code"] for c in changes if c["rule"] == "code-removed"}
    assert removed == {"60029", "60030"}  # really gone from the docs
    splits = sorted(c["code"] for c in changes if c["rule"] == "code-split")
    assert splits == ["51004", "51008", "51502"]
    assert all(c["level"] == "WARN" for c in changes if c["rule"] == "code-split")


def test_the_chinese_copy_brings_no_chinese_row(replay: dict[str, Any]) -> None:
    data = json.loads((replay["repo"] / "generated/json/okx-v5-en.json").read_text("utf-8"))
    rows = [r for t in data["tables"] for r in t["rows"]]
    assert len(rows) == 1116
    assert not [r for r in rows if CJK.search(r["message"])]
    assert not [t["section"] for t in data["tables"] if CJK.search(t["section"])]
    # ... but gives nearly every row its Chinese text.
    assert sum("zh" in r["translations"] for r in rows) >= 1050


def test_the_report_is_short_and_errors_come_first(replay: dict[str, Any]) -> None:
    data = replay["data"]
    print(f"replay: {len(data['changes'])} changes, {len(data['findings'])} findings")
    assert len(data["changes"]) < 200 and len(data["findings"]) < 200
    body = replay["markdown"]
    levels = re.findall(r"^- \*\*(ERR|WARN|INFO)\*\*", body, re.M)
    assert levels == sorted(levels, key=["ERR", "WARN", "INFO"].index)
    assert levels[:3] == ["ERR"] * 3
    # 89 new codes are one line, their list folded.
    assert "`89 code-added in 8 sections: 50075, 50076, … 70518`" in body
    first_screen = replay["text"].splitlines()[:20]
    assert not [line for line in first_screen if CJK.search(line)]


def test_replay_report_goldens(replay: dict[str, Any], update_goldens: bool) -> None:
    check_golden(EXPECTED / "okx-v5-en-2026-08.txt", replay["text"], update_goldens)
    check_golden(EXPECTED / "okx-v5-en-2026-08.md", replay["markdown"], update_goldens)


def test_extract_names_each_table_language_and_explains_the_copy() -> None:
    code, out, _ = invoke("extract", str(NEW_PAGE), "--sources", str(ROOT / "sources.toml"))
    assert code == 0
    headers = [line for line in out.splitlines() if line.startswith("# ")]
    assert headers[0].endswith("rows, en")
    assert "14 tables (1104 rows) in zh set aside as translations of the en rows" in headers[-1]
    code, out, _ = invoke(
        "extract", "--explain", str(NEW_PAGE), "--sources", str(ROOT / "sources.toml")
    )
    assert code == 0
    assert out.count("set aside: written in zh, not en") == 14


# --- the diff of sub-codes, reorderings and renamed sections ------------------------------

SOURCE = Source("s", "https://example.com/errors", "en", "Errors")


def table(*sections: tuple[str, list[tuple[str, str]]]) -> CodeTable:
    parts = []
    for section, rows in sections:
        built = []
        for code, message in rows:
            base, _, sub = code.partition("_")
            built.append(Row(base, message, sub_code=sub or None))
        parts.append(Table(section, ("Code", "Message"), tuple(built)))
    return CodeTable(SOURCE, tuple(parts))


def rules(old: CodeTable, new: CodeTable) -> list[tuple[str, str | None]]:
    return [(c.rule, c.code) for c in diff.compare_source("s", old, new)]


def test_rows_reordered_on_the_page_are_no_change() -> None:
    old = table(("Errors", [("1", "a"), ("1", "b"), ("2", "c")]))
    new = table(("Errors", [("2", "c"), ("1", "b"), ("1", "a")]))
    assert rules(old, new) == []


def test_a_code_split_into_sub_codes_and_back() -> None:
    old = table(("Trade", [("51008", "Insufficient {param0} balance"), ("51008", "Low margin")]))
    new = table(
        (
            "Trade",
            [
                ("51008_1000", "Insufficient {param0} balance"),
                ("51008_1001", "Low margin"),
                ("51008_1002", "Brand new reason"),
            ],
        )
    )
    assert rules(old, new) == [("code-split", "51008"), ("variant-added", "51008_1002")]
    (split,) = [c for c in diff.compare_source("s", old, new) if c.rule == "code-split"]
    assert split.new == "51008_1000, 51008_1001, 51008_1002"
    assert rules(new, old) == [("code-split", "51008"), ("variant-removed", "51008_1002")]


def test_sub_codes_pair_by_sub_code_when_reworded() -> None:
    old = table(("Trade", [("51008_1000", "Insufficient balance"), ("51008_1001", "Low")]))
    new = table(("Trade", [("51008_1001", "Margin too low"), ("51008_1000", "No balance")]))
    assert rules(old, new) == [
        ("message-changed", "51008_1001"),
        ("message-changed", "51008_1000"),
    ]


def test_a_reworded_variant_is_a_change_an_unrelated_one_is_a_replacement() -> None:
    old = table(("E", [("7", "Order failed. Insufficient balance in account"), ("7", "x y z")]))
    new = table(
        ("E", [("7", "Order failed. Insufficient balance in the account"), ("7", "q r s t")])
    )
    assert rules(old, new) == [
        ("message-changed", "7"),
        ("variant-removed", "7"),
        ("variant-added", "7"),
    ]


def test_a_renamed_heading_is_one_change_a_real_move_stays_a_move() -> None:
    rows = [(str(code), f"message {code}") for code in range(100, 157)]
    old = table(("Errors (2024-04-02)", rows), ("Other", [("9", "nine")]))
    new = table(("Errors (2024-08-16)", rows[1:]), ("Other", [("9", "nine"), rows[0]]))
    changes = diff.compare_source("s", old, new)
    assert [(c.rule, c.code, c.old, c.new) for c in changes] == [
        ("section-moved", "100", "Errors (2024-04-02)", "Other"),
        ("section-renamed", None, "Errors (2024-04-02)", "Errors (2024-08-16)"),
    ]
    assert changes[1].detail == "56 codes"


def test_a_mass_of_one_kind_is_one_line_in_both_reports() -> None:
    result = diff.Report(
        changes=[diff.Change(Rule.CODE_ADDED, "s", str(i), new="m", section="A") for i in range(40)]
        + [diff.Change(Rule.CODE_REMOVED, "s", "999", old="gone")]
    )
    text = report.text(result)
    assert text.splitlines()[0].startswith("ERR  code-removed")
    assert "s: 40 code-added: 0, 1, … 39 (each in the report)" in text
    body = report.markdown(result)
    assert body.index("**ERR**") < body.index("**INFO**")
    assert "<details><summary>the 40 changes</summary>" in body


# --- languages ----------------------------------------------------------------------------


def lang_table(section: str, *messages: str, codes: tuple[str, ...] = ()) -> Table:
    found = codes or tuple(str(1000 + i) for i in range(len(messages)))
    return Table(section, ("Code", "Message"), tuple(map(Row, found, messages)))


def test_a_short_english_table_is_not_taken_for_spanish() -> None:
    assert languages.table_language(lang_table("Data class", "No market data found.")) in (
        "en",
        languages.LATIN,
    )
    spanish = lang_table(
        "Errores", "El parámetro no es válido para la orden", "La cuenta no tiene saldo"
    )
    assert languages.table_language(spanish) == "es"
    assert languages.table_language(lang_table("错误码", "参数错误", "Invalid {param0}")) == "zh"
    assert languages.table_language(lang_table("エラー", "パラメータが不正です")) == "ja"


def test_a_copy_is_set_aside_only_where_the_page_has_its_own_rows() -> None:
    en = lang_table("Errors", "The parameter is invalid", "Please try again later")
    zh = lang_table("错误码", "参数错误", "请稍后重试")
    split = languages.split("en", [en, zh])
    assert split.own == (en,) and split.copies == (("zh", (zh,)),)
    # A Chinese page written in English keeps its tables: there is nothing else to read.
    assert languages.split("zh-hans", [en]).own == (en,)
    # A section only in another language holds codes of its own: it stays.
    other = lang_table("其他", "仅中文", codes=("7001",))
    assert languages.split("en", [en, other]).own == (en, other)


def test_warnings_of_a_pipe_table_name_its_markdown_lines() -> None:
    code, _, err = invoke("extract", str(NEW_PAGE), "--sources", str(ROOT / "sources.toml"))
    assert code == 0
    lines = NEW_PAGE.read_text(encoding="utf-8").splitlines()
    named = [int(m) for m in re.findall(r"\.md:(\d+): ", err)]
    assert len(named) == 4
    assert lines[named[0] - 1].startswith("0 | 200 |")  # code 0 has no message
    assert lines[named[1] - 1].startswith("Disclaimer: ")  # a note below the table, no row
