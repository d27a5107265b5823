"""The command line, end to end on copies of the repository's files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper import capture, page, sources
from scraper.cli import main
from scraper.extract import extract_page

from .conftest import PAGES, ROOT, SEED_OKCOIN, copy_repo, digest, regen_args

CAPTURES = sorted(p for p in (ROOT / "captures").iterdir() if p.suffix in (".html", ".txt"))


def invoke(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


def test_extract_json_document(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = invoke("extract", "--json", "captures/dex-websocket-error-code-zh-hans.html")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"tables", "copies", "warnings"}
    assert doc["copies"] == []  # no table in another language to set aside
    (table,) = doc["tables"]
    assert table["source"] == "dex-websocket-error-code-zh-hans"  # matched in sources.toml
    assert table["language"] == "en"  # the zh-hans page's messages are English
    assert table["columns"] == ["错误码", "错误消息"]
    assert len(table["rows"]) == 25
    assert set(table["rows"][0]) == {
        "code",
        "sub_code",
        "message",
        "http_status",
        "deprecated",
        "translations",
        "placeholders",
        "title",
        "kind",
    }
    row = next(r for r in table["rows"] if r["code"] == "60020")
    assert row == {
        "code": "60020",
        "sub_code": None,
        "message": "APIKey subscription amount exceeds the limit {0}.",
        "http_status": None,
        "placeholders": ["0"],
        "title": None,
        "kind": "code",
        "deprecated": False,
        "translations": {},
    }


def test_extract_then_render_reproduces_generated(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    names = [p.relative_to(ROOT).as_posix() for p in CAPTURES]
    code, out, _ = invoke("extract", "--json", *names)
    assert code == 0
    tables = tmp_path / "tables.json"
    tables.write_text(out, encoding="utf-8")
    code, out, err = invoke("render", str(tables), "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert digest(tmp_path / "out") == digest(ROOT / "generated")


def test_extract_plain_text_reports_warnings_and_table(tmp_path: Path) -> None:
    code, out, err = invoke("extract", str(SEED_OKCOIN))
    assert code == 0
    assert "10003\tNot in reqest list, please try again later" in out
    assert "HTTP 403 [403]\tToo many requests, IP is shielded." in out
    assert f"{SEED_OKCOIN}:112: not a 'CODE DESCRIPTION' row" in err


def test_extract_page_without_error_table_exits_1() -> None:
    code, _, err = invoke("extract", str(PAGES / "okx-dex-other/dex-get-quote.json"))
    assert code == 1
    assert "no error-code table found" in err


def test_extract_unreadable_page_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = invoke("extract", str(bad))
    assert code == 2 and "not JSON" in err


def test_regen_with_another_sources_file(repo: Path, tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copytree(repo / "captures", other / "captures")
    (other / "mine.toml").write_text(
        '[[source]]\nid = "ws"\nurl = "https://web3.okx.com/zh-hans/build/dev-docs/dex-api/'
        'dex-websocket-error-code"\nlocale = "zh-hans"\ntitle = "WS"\n'
        'capture = "captures/dex-websocket-error-code-zh-hans.html"\n',
        encoding="utf-8",
    )
    code, out, err = invoke("regen", "--offline", "--sources", str(other / "mine.toml"))
    assert code == 0, err
    assert "1 of 1 source with tables, 25 rows" in out
    assert (other / "generated/python/okx-error-codes/okx_error_codes/ws.py").is_file()


@pytest.mark.parametrize(
    "content",
    [
        "",
        "<html><head><title>Just a moment...</title></head>"
        "<body>Checking your browser</body></html>",
        "<h1>错误码</h1><p>This page moved.</p>",
    ],
    ids=["empty", "challenge", "changed-layout"],
)
def test_broken_capture_is_an_error_and_changes_nothing(repo: Path, content: str) -> None:
    (repo / "captures/dex-error-code-zh-hans.html").write_text(content, encoding="utf-8")
    before = digest(repo / "generated")
    code, _, err = invoke("regen", "--offline", "--sources", str(repo / "sources.toml"))
    assert code == 2
    assert "dex-error-code-zh-hans" in err and "nothing written" in err
    assert "errtables capture dex-error-code-zh-hans" in err  # names the fix
    assert digest(repo / "generated") == before


def test_regen_keeps_committed_tables_of_sources_without_capture(repo: Path) -> None:
    text = (repo / "sources.toml").read_text(encoding="utf-8")
    (repo / "sources.toml").write_text(
        text.replace('capture = "captures/okcoin-rest-en.txt"\n', ""), encoding="utf-8"
    )
    before = digest(repo / "generated")
    code, out, err = invoke("regen", "--offline", "--sources", str(repo / "sources.toml"))
    assert code == 0, err
    assert digest(repo / "generated") == before
    assert "0 files written" in out


def test_capture_command_reduces_and_stores(repo: Path) -> None:
    target = repo / "captures/dex-index-price-error-code-zh-hans.html"
    target.unlink()
    full = PAGES / "okx-dex/dex-index-price-error-code.json"
    code, out, err = invoke(
        "capture",
        "dex-index-price-error-code-zh-hans",
        str(full),
        "--sources",
        str(repo / "sources.toml"),
    )
    assert code == 0, err
    assert target.read_bytes() == (ROOT / "captures" / target.name).read_bytes()
    assert "1 tables, 1 rows" in out


def test_capture_refuses_a_page_without_table(repo: Path) -> None:
    code, _, err = invoke(
        "capture",
        "dex-error-code-zh-hans",
        str(PAGES / "okx-dex-other/dex-widget.json"),
        "--sources",
        str(repo / "sources.toml"),
    )
    assert code == 2 and "not stored" in err
    assert (repo / "captures/dex-error-code-zh-hans.html").read_bytes() == (
        ROOT / "captures/dex-error-code-zh-hans.html"
    ).read_bytes()


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PAGES.rglob("*") if p.suffix in (".json", ".md", ".html")),
    ids=lambda p: p.name,
)
def test_reduced_capture_extracts_like_the_full_page(path: Path) -> None:
    full = page.read(path)
    suffix, text = capture.reduce_page(full, full.url or "https://example.com/")
    reduced = page.from_text("capture" + suffix, text)
    assert [t.to_json() for t in extract_page(reduced).tables] == [
        t.to_json() for t in extract_page(full).tables
    ]
    body = text.split("\n", 1)[1]  # after the header comment
    original = path.read_text(encoding="utf-8")
    # One row per line: the line breaks aside, a capture is never longer than its page
    # (a Markdown pipe table's cells grow into <td> elements: twice as long at most).
    bound = 2 * len(original) if path.suffix == ".md" else len(original)
    assert suffix == ".html" and len(body.replace("\n", "")) <= bound
    assert "<script" not in text and "<img" not in text and "style=" not in text
    assert (
        capture.reduce_page(reduced, full.url or "https://example.com/")[1].split("\n", 1)[1]
        == (text.split("\n", 1)[1])
    )  # reducing a capture again changes nothing


V5_PAGES = {
    "okx-v5-en": "docs-v5-en-zh-error-code-2026-08.md",
    "okx-v5-zh": "docs-v5-zh-error-code.md",
    "okx-v5-broker-en": "docs-v5-broker-en.html",
}


def test_committed_captures_come_from_the_fixture_pages() -> None:
    for path in CAPTURES:
        if path.suffix == ".txt":
            assert (
                path.read_bytes()
                == capture.reduce_text(SEED_OKCOIN.read_text(encoding="utf-8")).encode()
            )
            continue
        if path.stem in V5_PAGES:
            full = page.read(PAGES / "okx-v5" / V5_PAGES[path.stem])
            url = sources.load(ROOT / "sources.toml").by_id(path.stem).url
        else:
            source = path.stem.removesuffix("-zh-hans")
            full = page.read(PAGES / "okx-dex" / f"{source}.json")
            url = f"https://web3.okx.com/zh-hans/build/dev-docs/dex-api/{source}"
        assert path.read_text(encoding="utf-8") == capture.reduce_page(full, url)[1]


def test_python_dash_m_and_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scraper", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    for command in ("extract", "render", "regen", "capture"):
        assert command in result.stdout


def test_extract_json_escapes_bidi_controls(tmp_path: Path) -> None:
    page_file = tmp_path / "p.html"
    page_file.write_text(
        "<table><tr><th>Code</th><th>Message</th></tr>"
        "<tr><td>1</td><td>abc\u202edef\u2066</td></tr></table>",
        encoding="utf-8",
    )
    code, out, _ = invoke("extract", "--json", str(page_file))
    assert code == 0
    assert "\u202e" not in out and "\\u202e" in out
    assert json.loads(out)["tables"][0]["rows"][0]["message"] == "abc\u202edef\u2066"


def test_corrupt_committed_json_is_an_error_that_names_the_fix(repo: Path) -> None:
    target = repo / "generated/json/okcoin-rest-en.json"
    target.write_text("{ not json", encoding="utf-8")
    before = digest(repo / "generated")
    code, _, err = invoke(*regen_args(repo, "--offline"))
    assert code == 2
    assert "okcoin-rest-en.json is not valid JSON" in err and "git checkout --" in err
    assert digest(repo / "generated") == before
