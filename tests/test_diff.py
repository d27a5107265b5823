"""Semantic diff, reports, removal guards, check mode and atomic writes, end to end on
modified copies of the real captures."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import diff, report
from scraper.cli import main
from scraper.model import CodeTable, Row, Rule, Source, Table

from .conftest import ROOT, copy_repo, digest, regen_args

WS = "dex-websocket-error-code-zh-hans"
SWAP = "dex-error-code-zh-hans"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def diff_json(root: Path, *extra: str) -> dict[str, object]:
    code, out, err = cli(
        "diff", "--offline", "--format", "json", "--sources", str(root / "sources.toml"), *extra
    )
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def changes(data: dict[str, object]) -> list[tuple[str, str, str | None]]:
    found = data["changes"]
    assert isinstance(found, list)
    return [(c["rule"], c["level"], c["code"]) for c in found]


def capture(root: Path, source: str = WS) -> Path:
    return root / "captures" / f"{source}.html"


def test_no_change_reports_nothing_and_versions_its_json(repo: Path) -> None:
    data = diff_json(repo)
    assert data["version"] == 1 and data["changes"] == [] and data["failed"] == {}
    findings = data["findings"]
    assert isinstance(findings, list)
    rules = {(f["rule"], f["code"]) for f in findings}
    # Real inconsistencies of the docs: reported, not fixed.
    assert ("shared-message", "82116") in rules
    assert ("conflicting-pages", "82116") in rules


def test_removed_row(repo: Path) -> None:
    edit(capture(repo), "<tr><td>60031</td><td>API key doesn't exist.</td></tr>\n", "")
    assert changes(diff_json(repo)) == [("code-removed", "ERR", "60031")]


def test_added_row(repo: Path) -> None:
    edit(
        capture(repo),
        "<tr><td>60031</td>",
        "<tr><td>60032</td><td>New one</td></tr>\n<tr><td>60031</td>",
    )
    assert changes(diff_json(repo)) == [("code-added", "INFO", "60032")]


def test_changed_message_has_a_word_diff(repo: Path) -> None:
    edit(capture(repo), "Invalid sign<", "Invalid signature given<")
    data = diff_json(repo)
    assert changes(data) == [("message-changed", "WARN", "60007")]
    found = data["changes"]
    assert isinstance(found, list)
    assert found[0]["detail"] == "Invalid [-sign-]{+signature given+}"


def test_changed_placeholder_is_an_error(repo: Path) -> None:
    edit(capture(repo), "Invalid op: {op}", "Invalid op: {operation}")
    assert changes(diff_json(repo)) == [("placeholders-changed", "ERR", "60019")]


def test_changed_http_status(repo: Path) -> None:
    edit(capture(repo, SWAP), "<tr><td>50011</td><td>429</td>", "<tr><td>50011</td><td>400</td>")
    assert changes(diff_json(repo)) == [("http-status-changed", "WARN", "50011")]


def test_renamed_section_is_one_change(repo: Path) -> None:
    edit(capture(repo), "<h1>错误码</h1>", "<h1>WebSocket 错误码</h1>")
    data = diff_json(repo)
    assert changes(data) == [("section-renamed", "INFO", None)]
    found = data["changes"]
    assert isinstance(found, list)
    assert (found[0]["old"], found[0]["new"]) == ("错误码", "WebSocket 错误码")


def test_new_page_is_a_source_added(repo: Path) -> None:
    shutil.copy(ROOT / "tests/fixtures/pages/okx-dex-sdk/sui-provider.json", repo / "sui.json")
    code, _, err = cli(
        "capture",
        "dex-error-code-en",
        str(repo / "sui.json"),
        "--sources",
        str(repo / "sources.toml"),
    )
    assert code == 0, err
    data = diff_json(repo)
    assert changes(data)[0] == ("source-added", "INFO", None)
    assert {r for r, _, _ in changes(data)} == {"source-added", "code-added"}


def test_duplicate_code_on_a_page_is_a_finding(repo: Path) -> None:
    edit(
        capture(repo),
        "<tr><td>60031</td>",
        "<tr><td>60004</td><td>Other text</td></tr>\n<tr><td>60031</td>",
    )
    data = diff_json(repo)
    # A second row of a code is a new variant of it, reported by its position.
    assert changes(data) == [("variant-added", "INFO", "60004")]
    (added,) = data["changes"]
    assert isinstance(added, dict) and added["variant"] == 2 and added["new"] == "Other text"
    findings = data["findings"]
    assert isinstance(findings, list)
    assert ("duplicate-code", "60004") in {(f["rule"], f["code"]) for f in findings}


def test_fail_on_levels(repo: Path) -> None:
    edit(capture(repo), "Invalid sign<", "Invalid signature<")  # one WARN
    base = ["diff", "--offline", "--sources", str(repo / "sources.toml")]
    assert cli(*base, "--fail-on", "err")[0] == 0
    assert cli(*base, "--fail-on", "warn")[0] == 1
    assert cli(*base, "--fail-on", "info")[0] == 1
    code, out, _ = cli(*base)
    assert code == 0 and "WARN message-changed" in out and "60007" in out


def test_markdown_report_counts_first(repo: Path) -> None:
    edit(capture(repo), "Invalid sign<", "Invalid signature<")
    code, out, _ = cli(
        "diff", "--offline", "--format", "markdown", "--sources", str(repo / "sources.toml")
    )
    assert code == 0
    assert out.index("| Source | ERR | WARN | INFO |") < out.index("message-changed")
    assert f"| {WS} | 0 | 1 | 0 |" in out.replace("\\_", "_")


# --- guards -----------------------------------------------------------------------------------


def drop_rows(path: Path, keep: int) -> int:
    text = path.read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>.*</tr>\n", text)
    for row in rows[keep:]:
        text = text.replace(row, "", 1)
    path.write_text(text, encoding="utf-8")
    return len(rows)


def test_losing_many_codes_is_refused_then_allowed(repo: Path) -> None:
    total = drop_rows(capture(repo), keep=10)
    before = digest(repo)
    args = regen_args(repo, "--offline")
    code, _, err = cli(*args)
    assert code == 2
    assert f"{WS}: would lose {total - 10} of its {total} codes" in err
    assert "--allow-removals" in err
    assert digest(repo) == before
    code, out, err = cli(*args, "--allow-removals")
    assert code == 0, err
    assert out.count("code-removed") == total - 10
    assert (
        json.loads((repo / "generated/json" / f"{WS}.json").read_text("utf-8"))["tables"][0][
            "rows"
        ][9]["code"]
        == "60014"
    )


def test_losing_every_code_is_refused_whatever_the_threshold(repo: Path) -> None:
    drop_rows(capture(repo, "dex-index-price-error-code-zh-hans"), keep=0)
    code, _, err = cli(*regen_args(repo, "--offline", "--removal-threshold", "1"))
    assert code == 2 and "would lose 1 of its 1 codes" in err


def test_removed_source_is_refused_then_allowed(repo: Path) -> None:
    text = (repo / "sources.toml").read_text(encoding="utf-8")
    start = text.index('[[source]]\nid = "okcoin-rest-en"')
    end = text.find("[[source]]", start + 1)
    end = len(text) if end < 0 else end
    (repo / "sources.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    args = regen_args(repo, "--offline")
    code, _, err = cli(*args)
    assert code == 2 and "sources.toml no longer lists it" in err
    code, out, err = cli(*args, "--allow-removals")
    assert code == 0, err
    assert "ERR  source-removed" in out
    assert not (repo / "generated/json/okcoin-rest-en.json").exists()
    assert not (
        repo / "generated/python/okx-error-codes/okx_error_codes/okcoin_rest_en.py"
    ).exists()


def test_removal_threshold_is_a_share() -> None:
    src = Source("s", "https://example.com/", "en", "S")

    def table(n: int) -> CodeTable:
        return CodeTable(
            src, (Table("", ("Code", "Message"), tuple(Row(str(i), "m") for i in range(n))),)
        )

    assert diff.removals({"s": table(10)}, {"s": table(7)}, 0.3) == []
    assert [r.lost for r in diff.removals({"s": table(10)}, {"s": table(6)}, 0.3)] == [4]


# --- check ----------------------------------------------------------------------------------


def test_check_exit_codes(repo: Path) -> None:
    args = ["check", "--sources", str(repo / "sources.toml")]
    assert cli(*args)[0] == 0
    target = repo / "generated/markdown" / f"{WS}.md"
    target.write_text(target.read_text(encoding="utf-8") + "hand edit\n", encoding="utf-8")
    code, out, err = cli(*args)
    assert code == 1
    assert f"--- a/markdown/{WS}.md" in out and "-hand edit" in out
    assert "make regen OFFLINE=1" in err
    (repo / "sources.toml").write_text("[[source]]\nid = 'x'\n", encoding="utf-8")
    code, _, err = cli(*args)
    assert code == 2 and "needs url, locale, title" in err


# --- the pull-request body --------------------------------------------------------------------


def many_changes(n: int) -> diff.Report:
    result = diff.Report()
    for i in range(n):
        result.changes.append(
            diff.Change(
                Rule.MESSAGE_CHANGED,
                f"source-{i % 3}",
                str(10000 + i),
                "old text " * 5,
                "new | text " * 5,
                diff.word_diff("old text " * 5, "new | text " * 5),
            )
        )
    return result


def test_pr_body_is_capped_and_points_at_the_json() -> None:
    body = report.markdown(many_changes(5000), "build/errtables-report.json")
    assert len(body) <= report.MAX_MARKDOWN
    assert "more changes are not listed here: see build/errtables-report.json" in body
    assert "| source-0 | 0 | 1667 | 0 |" in body.replace("\\-", "-")


def test_pr_body_folds_long_lists() -> None:
    small = report.markdown(many_changes(6))
    assert "<details>" not in small
    folded = report.markdown(many_changes(90))
    # 30 changes of one kind per source: one line each, with the list folded below it.
    assert folded.count("<details><summary>the 30 changes</summary>") == 3
    assert folded.count("`30 message-changed: 10000, 10003, … 10087`") == 1


# --- atomic writes ----------------------------------------------------------------------------


def rendered_states(repo: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(old, new) contents of generated/; old is rendered with other titles, so that most
    files change when the real sources.toml is used again."""
    new = {k: (repo / "generated" / k).read_text("utf-8") for k in digest(repo / "generated")}
    edited = re.sub(r'title = "', 'title = "Old ', (repo / "sources.toml").read_text("utf-8"))
    (repo / "old.toml").write_text(edited, encoding="utf-8")
    code, _, err = cli(
        "regen", "--offline", "--sources", str(repo / "old.toml"), "--report", str(repo / "r.md")
    )
    assert code == 0, err
    old = {k: (repo / "generated" / k).read_text("utf-8") for k in digest(repo / "generated")}
    assert len([k for k in new if old[k] != new[k]]) >= 15
    return old, new
