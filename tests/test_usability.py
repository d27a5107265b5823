"""The edges a maintainer hits in the first hour: careless input gets one clear line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scraper.model import Rule

from .conftest import ROOT, copy_repo, digest, regen_args
from .test_cli import invoke


def test_several_pages_one_bad_each_gets_its_result(tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.html"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    good = ROOT / "captures/okcoin-rest-en.txt"
    code, out, err = invoke(
        "extract", str(good), str(tmp_path / "missing.html"), str(empty), str(binary)
    )
    assert code == 2  # the worst status
    assert "10003\tNot in reqest list, please try again later" in out  # the good page printed
    assert f"errtables: cannot read {tmp_path / 'missing.html'}: No such file or directory" in err
    assert f"errtables: {empty}: empty file" in err
    assert f"errtables: {binary}: not a text page (binary data)" in err
    assert "character encoding" not in err


def test_a_table_with_no_rows_exits_as_no_table(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<h2>Error codes</h2><table><tr><th>Error Code</th><th>Error Message</th></tr></table>",
        encoding="utf-8",
    )
    code, _, err = invoke("extract", str(page))
    assert code == 1 and "no error-code table found" in err


def test_an_unwritable_generated_folder_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    ws = repo / "captures/dex-websocket-error-code-zh-hans.html"
    ws.write_text(ws.read_text("utf-8").replace("Invalid timestamp", "Bad timestamp"), "utf-8")
    # A file where a folder must be: no user, root included, can write below it.
    shutil.rmtree(repo / "generated/markdown")
    (repo / "generated/markdown").write_text("not a folder", encoding="utf-8")
    before = digest(repo)
    code, out, err = invoke(*regen_args(repo, "--offline"))
    assert code == 2
    (line,) = [x for x in err.splitlines() if x.startswith("errtables:")]
    assert "cannot write" in line and "generated/markdown" in line and "nothing was changed" in line
    assert "Traceback" not in err
    assert digest(repo) == before
    assert not list(repo.rglob(".errtables-*"))


def test_reports_say_one_true_thing_and_findings_never_fail_a_run(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    args = ["diff", "--offline", "--sources", str(repo / "sources.toml")]
    code, out, _ = invoke(*args, "--format", "markdown")
    assert code == 0
    assert out.startswith("## errtables: no change to any error-code table")
    assert "changed in the docs" not in out
    code, out, _ = invoke(*args, "--fail-on", "info")
    assert code == 0  # findings are standing facts about the docs, not changes
    assert "findings in the docs (" in out and "they never fail a run" in out
    code, out, _ = invoke("diff", "--help")
    assert "never count" in out


def test_conflicting_pages_compare_one_language_and_lines_have_no_stray_words() -> None:
    from scraper import diff, report
    from scraper.model import CodeTable, Row, Source, Table

    def table(sid: str, message: str) -> CodeTable:
        return CodeTable(
            Source(sid, "https://x/", "zh-hans", "T"), (Table("", (), (Row("1", message),)),)
        )

    found = diff.findings(
        [table("a", "Invalid request"), table("b", "不合法的请求"), table("c", "无效请求")]
    )
    conflicts = [f for f in found if f.rule == "conflicting-pages"]
    # Pages are compared within one script, in id order: b is the first Chinese page.
    assert [(f.source, f.new, f.old) for f in conflicts] == [("c", "无效请求", "不合法的请求")]
    line = report._line(conflicts[0])
    assert "(on " not in line and "differs from" in line
    added = report._line(diff.Change(Rule.SOURCE_ADDED, "s", detail="4 codes"))
    assert added == "s: (4 codes)" and "  " not in added


def test_long_change_lists_are_folded_in_the_terminal() -> None:
    from scraper import diff, report

    result = diff.Report(
        changes=[diff.Change(Rule.CODE_ADDED, "s", str(i), new="m") for i in range(950)]
    )
    text = report.text(result, where="build/errtables-report.json")
    # A mass of one kind is one line, naming where the list is.
    assert "s: 950 code-added: 0, 1, … 949 (each in build/errtables-report.json)" in text
    assert len(text.splitlines()) < 30
    mixed = diff.Report(
        changes=[diff.Change(Rule.CODE_REMOVED, "s", str(i), old="m") for i in range(50)]
        + [diff.Change(Rule.MESSAGE_CHANGED, "s", str(i), "a", "b", "[-a-]{+b+}") for i in range(5)]
    )
    text = report.text(mixed, where="the report")
    # ERR first, each on its line until the fold; the WARN lines come after them.
    lines = text.splitlines()
    assert lines[0].startswith("ERR  code-removed") and "s 0: m" in lines[0]
    assert "… and 35 more, see the report" in text


def test_check_json(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    code, out, _ = invoke("check", "--json", "--sources", str(repo / "sources.toml"))
    assert (code, json.loads(out)["up_to_date"]) == (0, True)
    (repo / "generated/json/okcoin-rest-en.json").unlink()
    code, out, _ = invoke("check", "--json", "--sources", str(repo / "sources.toml"))
    data = json.loads(out)
    assert code == 1 and data["stale"] == ["json/okcoin-rest-en.json"]


def test_readme_documents_shell_completion() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "_ERRTABLES_COMPLETE=bash_source errtables" in readme


def test_warning_and_note_are_coloured_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from scraper import show

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert show.label("warning", "yellow") == "warning:"
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert show.label("warning", "yellow") == "\x1b[33m\x1b[1mwarning:\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    assert show.label("note", "cyan") == "note:"
