"""The third audit (issue 28): each item with the input that showed it."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scraper import page as pages
from scraper.extract import extract_page

from . import hostile
from .conftest import ROOT, WS, copy_repo, digest, regen_args, serve_captures, serve_changed
from .test_cli import invoke


def rows_of(name: str, text: str) -> list[tuple[str, str]]:
    found = extract_page(pages.from_text(name, text))
    return [(r.code, r.message) for t in found.tables for r in t.rows]


def test_an_item_of_br_separated_lines_is_a_row_per_line() -> None:
    rows = rows_of(*hostile.HOSTILE["br-lines"](50))
    assert rows == [(f"E{i}", f"Failed {i}") for i in range(50)]


def test_a_markdown_paragraph_of_code_lines_is_a_row_per_line() -> None:
    assert rows_of(*hostile.HOSTILE["paragraph-lines"](50)) == [
        (f"E{i}", f"Failed {i}") for i in range(50)
    ]
    text = "# Errors\n\nE1001: Failed to sign\nE1002: Failed to pay\n"
    assert rows_of("p.md", text) == [("E1001", "Failed to sign"), ("E1002", "Failed to pay")]


def test_a_message_wrapped_onto_a_second_line_stays_one_row() -> None:
    text = "# Errors\n\nE1001: Failed to sign\nthe request with your key\n\nE1002: Failed to pay\n"
    assert rows_of("p.md", text) == [
        ("E1001", "Failed to sign the request with your key"),
        ("E1002", "Failed to pay"),
    ]


def test_a_form_feed_in_a_fetched_cell_is_a_space_and_a_warning(
    served_repo: Path, httpserver: HTTPServer, tmp_path: Path
) -> None:
    page = serve_changed(httpserver, (b"Invalid op: {op}", b"Invalid <op>\x0c value"))
    code, _, err = invoke(*regen_args(served_repo))
    assert code == 0, err
    assert "Traceback" not in err
    assert f"errtables: {WS}: control characters replaced or dropped (line 19)" in err
    module = (
        served_repo / f"generated/python/okx-error-codes/okx_error_codes/{WS.replace('-', '_')}.py"
    )
    assert "Invalid {op} value" in module.read_text(encoding="utf-8")
    capture = (served_repo / f"captures/{WS}.html").read_text(encoding="utf-8")
    assert "\x0c" not in capture and "\ufffd" not in capture
    # extract of the same bytes: the same message, and the warning with its page and line.
    saved = tmp_path / "page.html"
    saved.write_bytes(page)
    code, out, err = invoke("extract", str(saved))
    assert code == 0, err
    assert "60019\tInvalid {op} value" in out
    assert f"{saved}:19: control character U+000C replaced by a space" in err


@pytest.mark.parametrize("control", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\ufffe"])
def test_every_control_character_is_dropped_with_a_warning(control: str) -> None:
    text = (
        "<h2>Errors</h2>\n<table><tr><th>Code</th><th>Message</th></tr>\n"
        f"<tr><td>1</td><td>Bad{control}op</td></tr>\n<tr><td>2</td><td>Worse</td></tr></table>"
    )
    found = extract_page(pages.from_text("p.html", text))
    assert [(r.code, r.message) for t in found.tables for r in t.rows] == [
        ("1", "Badop"),
        ("2", "Worse"),
    ]
    assert [(w.line, w.message) for w in found.warnings] == [
        (3, f"control character U+{ord(control):04X} dropped")
    ]


def test_a_crawler_json_names_the_field_its_control_characters_were_in() -> None:
    html = (
        "<h2>Errors</h2><table><tr><th>Code</th><th>Message</th></tr>"
        "<tr><td>1</td><td>A\\fB</td></tr><tr><td>2</td><td>C</td></tr></table>"
    )
    page = pages.from_text("p.json", '{"html": "' + html + '"}')
    assert [w.message for w in page.warnings] == [
        "its html: control character U+000C replaced by a space"
    ]
    found = extract_page(page)
    assert found.tables[0].rows[0].message == "A B"


def test_a_page_with_controls_on_many_lines_says_so_in_a_bounded_number_of_warnings() -> None:
    text = "".join(f"{i}\x01 Failed\n" for i in range(1000))
    page = pages.from_text("p.txt", text)
    assert len(page.warnings) == 21
    assert page.warnings[-1].message == "control characters on 980 more lines, dropped"


def _version(repo: Path) -> str:
    text = (repo / "generated/python/okx-error-codes/pyproject.toml").read_text("utf-8")
    return tomllib.loads(text)["project"]["version"]


def test_a_package_whose_bytes_change_gets_a_new_version(tmp_path: Path) -> None:
    """A new run-time library (here: the committed copy differs from the one errtables
    carries) rewrites the package: it is dated today, so the index does not skip it."""
    repo = copy_repo(tmp_path / "repo")
    dates_file = repo / "captures/dates.json"
    dates = json.loads(dates_file.read_text("utf-8"))
    dates["package:okx"] = "2026-01-02"
    dates_file.write_text(json.dumps(dates), "utf-8")
    code, _, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0, err
    before = _version(repo)
    match = repo / "generated/python/okx-error-codes/okx_error_codes/_match.py"
    match.write_text(match.read_text("utf-8") + "# an older run-time library\n", "utf-8")
    code, _, err = invoke("check", "--sources", str(repo / "sources.toml"))
    assert code == 1  # the package is out of date
    code, _, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0, err
    today = dt.datetime.now(dt.UTC).date()
    assert _version(repo) == f"{today.year}.{today.month}.{today.day}" != before
    package = json.loads((repo / "generated/typescript/okx-error-codes/package.json").read_text())
    assert package["version"] == _version(repo)
    assert json.loads(dates_file.read_text("utf-8"))["package:okx"] == today.isoformat()
    code, _, err = invoke("check", "--sources", str(repo / "sources.toml"))
    assert code == 0, err
    # Nothing changed since: the same version, the same bytes.
    code, out, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0 and "0 files written" in out, err


def test_a_lost_dates_file_is_rebuilt_from_the_committed_versions_and_said(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    before = _version(repo)
    (repo / "captures/dates.json").unlink()
    code, _, err = invoke("check", "--sources", str(repo / "sources.toml"))
    assert code == 1 and "captures/dates.json was missing" in err
    code, out, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0, err
    assert (
        "captures/dates.json was missing: rebuilt from the committed package versions "
        f"(okx {before})" in err
    )
    assert _version(repo) == before != "0.0.0"
    rebuilt = json.loads((repo / "captures/dates.json").read_text("utf-8"))
    year, month, day = (int(p) for p in before.split("."))
    assert set(rebuilt.values()) == {f"{year:04d}-{month:02d}-{day:02d}"}
    assert "okx-v5-en" in rebuilt and "okx-v5-broker-zh" not in rebuilt  # that one has no capture
    code, _, err = invoke("check", "--sources", str(repo / "sources.toml"))
    assert code == 0, err


@pytest.mark.parametrize(
    ("source_id", "capture", "said"),
    [
        # at the default path: it used to leave the committed table, "no changes"
        (
            "okx-v5-en",
            "okx-v5-en.html",
            "generated/ holds its table, but its capture (captures/"
            "okx-v5-en.html, or .txt) is missing; restore it with 'git checkout -- captures'",
        ),
        # named by its capture key
        ("okcoin-rest-en", "okcoin-rest-en.txt", "okcoin-rest-en.txt: No such file or directory"),
    ],
)
def test_a_lost_capture_is_an_error_naming_it(
    tmp_path: Path, source_id: str, capture: str, said: str
) -> None:
    repo = copy_repo(tmp_path / "repo")
    (repo / "captures" / capture).unlink()
    tree = digest(repo)
    for args in (regen_args(repo, "--offline"), ["check", "--sources", str(repo / "sources.toml")]):
        code, _, err = invoke(*args)
        assert code == 2, err
        assert f"{source_id}: " in err and said in err
    assert digest(repo) == tree


def test_a_build_folder_linked_elsewhere_is_refused_like_generated(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "errtables-report.md").write_text("mine\n", "utf-8")
    (repo / "build").symlink_to(elsewhere)
    tree = digest(repo)
    report = repo / "build/errtables-report.md"
    code, _, err = invoke(
        "regen", "--offline", "--sources", str(repo / "sources.toml"), "--report", str(report)
    )
    assert code == 2 and err.count("\n") == 1, err
    assert f"resolves to {elsewhere}, outside" in err and "replace the link with a folder" in err
    assert (elsewhere / "errtables-report.md").read_text("utf-8") == "mine\n"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["errtables-report.md"]
    assert digest(repo) == tree


def test_a_folder_that_refuses_a_removal_stops_the_run_before_any_move(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    text = (repo / "sources.toml").read_text("utf-8")
    start = text.index('[[source]]\nid = "okcoin-rest-en"')  # the last source: cut to the packages
    text = text[:start] + text[text.index("# The generated packages") :]
    (repo / "sources.toml").write_text(text.replace('  "okcoin-rest-en",\n', ""), "utf-8")
    tree = digest(repo)
    folder = repo / "generated/json"
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False).returncode:
        pytest.skip("chattr cannot make a folder immutable here")
    try:
        code, _, err = invoke(*regen_args(repo, "--offline", "--allow-removals"))
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert code == 2, err
    assert f"cannot remove files from {folder}: Operation not permitted" in err
    assert "nothing was changed" in err
    assert digest(repo) == tree  # the new __init__.py was not moved in
    code, _, err = invoke(*regen_args(repo, "--offline", "--allow-removals"))
    assert code == 0, err
    assert not (folder / "okcoin-rest-en.json").exists()


def test_ctrl_c_while_the_command_line_loads_is_one_line(tmp_path: Path) -> None:
    """The signal arrives while the command imports its libraries (lxml is being mapped;
    without the cache every capture is read again): one line and exit 130, as later on; it
    used to be a KeyboardInterrupt traceback."""
    script = Path(sys.executable).parent / "errtables"
    for _ in range(3):
        proc = subprocess.Popen(
            [str(script), "check", "--sources", str(ROOT / "sources.toml")],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "ERRTABLES_CACHE_DIR": "off"},
        )
        maps = Path(f"/proc/{proc.pid}/maps")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if "lxml" in maps.read_text():
                    break
            except OSError:
                pass
            time.sleep(0.001)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, (out, err)
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert err.startswith("errtables: interrupted (SIGINT)")


def test_scraped_text_reaches_the_terminal_escaped(tmp_path: Path) -> None:
    """An OSC escape (it sets the terminal's title) and U+202E in a heading and a message."""
    page = tmp_path / "p.md"
    page.write_text(
        "# Errors \x1b]0;pwned\x07 \u202eheading\n\n"
        "| Code | Message |\n| --- | --- |\n| 1 | Failed \u202e to \x1b[31m pay |\n"
        "| 2 | Failed |\n",
        "utf-8",
    )
    for args in (("extract", str(page)), ("extract", "--explain", str(page))):
        code, out, err = invoke(*args)
        assert code == 0, err
        for text in (out, err):
            assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
        assert "\\u202e" in out
    code, out, _ = invoke("extract", str(page))
    assert "1\tFailed \\u202e to" in out  # the columns' tab stays


def test_a_failed_source_is_said_once_by_diff_and_regen(
    served_repo: Path, httpserver: HTTPServer
) -> None:
    serve_captures(httpserver, skip=(WS,))
    httpserver.expect_request(f"/{WS}").respond_with_data("gone", status=410)
    for args in (
        ("diff", "--sources", str(served_repo / "sources.toml")),
        regen_args(served_repo),
    ):
        code, out, err = invoke(*args)
        assert code == 0, err
        said = [line for line in (out + err).splitlines() if WS in line and "410" in line]
        assert len(said) == 1, said
    code, out, err = invoke(
        "diff", "--format", "json", "--sources", str(served_repo / "sources.toml")
    )
    assert code == 0 and f"errtables: {WS} failed: " in err  # no text report: said on stderr


def test_the_readmes_offline_regen_example_is_a_real_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every line the README shows of 'make regen' without network is a line of a real run
    today (its '...' stand for lines left out), in the same order."""
    readme = (ROOT / "README.md").read_text("utf-8")
    start = readme.index("```text\n$ make regen\n.venv/bin/errtables regen --sources")
    block = readme[start : readme.index("```\n", start + 8)].splitlines()[3:]
    monkeypatch.chdir(copy_repo(tmp_path / "repo"))
    code, out, err = invoke(
        "regen", "--offline", "--sources", "sources.toml", "--report", "build/errtables-report.md"
    )
    assert code == 0, err
    real = (err + out).splitlines()
    at = 0
    for line in (b for b in block if b != "..."):
        if line.startswith("errtables: no source could be reached"):
            continue  # offline here by --offline, not by a failed crawl
        assert line in real[at:], f"not in a real run (or out of order): {line}"
        at = real.index(line, at) + 1


def test_one_struck_code_changes_about_one_line_of_markdown(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    capture = repo / "captures/okx-v5-en.html"
    text = capture.read_text("utf-8")
    assert text.count("<td>50008</td>") == 2  # the English row, then the Chinese copy's
    capture.write_text(text.replace("<td>50008</td>", "<td><s>50008</s></td>", 1), "utf-8")
    markdown = repo / "generated/markdown/okx-v5-en.md"
    before = markdown.read_text("utf-8").splitlines()
    code, _, err = invoke(*regen_args(repo, "--offline"))
    assert code == 0, err
    after = markdown.read_text("utf-8").splitlines()
    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 2, changed  # the row, before and after
    assert changed[1].startswith("+| 50008 (deprecated) |")


def test_render_reads_the_generated_json_and_gives_generated_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    tables = sorted(
        str(p) for p in (ROOT / "generated/json").glob("*.json") if p.name != "codes.schema.json"
    )
    code, out, err = invoke("render", *tables, "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert digest(tmp_path / "out") == digest(ROOT / "generated")


def test_render_names_the_package_from_sources_toml_or_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    page = ROOT / "tests/fixtures/pages/other-exchanges/kraken-spot-errors.html"
    code, out, err = invoke("extract", "--json", str(page))
    assert code == 0, err
    extracted = tmp_path / "kraken.json"
    extracted.write_text(out, "utf-8")
    code, out, err = invoke("render", str(extracted), "--out", str(tmp_path / "a"))
    assert code == 2 and err.count("\n") == 1
    assert "in no [[package]] of sources.toml: name the package with --package NAME" in err
    code, out, err = invoke(
        "render", str(extracted), "--out", str(tmp_path / "b"), "--package", "kraken"
    )
    assert code == 0, err
    folders = sorted(p.name for p in (tmp_path / "b/python").iterdir())
    assert folders == ["kraken-error-codes"]  # not okx-error-codes
    meta = tomllib.loads((tmp_path / "b/python/kraken-error-codes/pyproject.toml").read_text())
    assert meta["project"]["version"] != "0.0.0"
    code, _, err = invoke(
        "render", str(extracted), "--out", str(tmp_path / "c"), "--package", "Bad_Name"
    )
    assert code == 2 and "lowercase letters, digits and dashes" in err


REPLY = '{"code": "51008", "msg": "Order failed. Insufficient USDT balance in account", "data": []}'


def test_explain_outside_the_repository_takes_a_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no sources.toml here
    code, _, err = invoke("explain", REPLY)
    assert code == 2 and err.count("\n") == 1
    assert (
        "sources.toml not found and no errtables package is installed; name one with --package"
        in err
    )
    folder = ROOT / "generated/python/okx-error-codes"
    for given in (folder, folder / "okx_error_codes"):
        code, out, err = invoke("explain", "--package", str(given), REPLY)
        assert code == 0, err
        assert out.startswith("51008: Order failed. Insufficient USDT balance in account")
    code, _, err = invoke("explain", "--package", str(tmp_path), REPLY)
    assert code == 2 and "holds no generated package" in err
    # Installed (importable), found without being named, and by its import name.
    monkeypatch.syspath_prepend(str(folder))
    for args in (("explain", REPLY), ("explain", "--package", "okx_error_codes", REPLY)):
        code, out, err = invoke(*args)
        assert code == 0 and out.startswith("51008: "), err
    code, _, err = invoke("explain", "--package", "bybit_error_codes", REPLY)
    assert code == 2 and "bybit_error_codes is not installed" in err


LOOKALIKES = sorted((ROOT / "tests/fixtures/pages/lookalikes").glob("*.md"))


@pytest.mark.parametrize("page", LOOKALIKES, ids=[p.stem for p in LOOKALIKES])
def test_a_lookalike_under_an_error_heading_gives_no_row(page: Path) -> None:
    """An FAQ, environment variables, steps, encodings, rate limits, HTTP status lines and
    an example reply, each alone under a heading that names errors: none describes failures."""
    found = extract_page(pages.read(page))
    assert [(r.code, r.message) for t in found.tables for r in t.rows] == []


@pytest.mark.parametrize(
    ("items", "rows"),
    [
        # Letter codes whose messages describe failures, in five languages.
        ("- `E1001`: Quantity too small\n- `E1002`: Price out of range\n", 2),
        ("- `E1001`: 数量が小さすぎます\n- `E1002`: 価格が範囲外です\n", 2),
        ("- `E1001`: Quantidade muito pequena\n- `E1002`: Preço fora do intervalo\n", 2),
        ("- `E1001` : Quantité trop faible\n- `E1002` : Prix refusé\n", 2),
        ("- `E1001`: Menge zu gering\n- `E1002`: Preis ungültig\n", 2),
        # The failure in the code's own words.
        ("- `ORDER_QTY_TOO_LOW`: Check the quantity\n- `PRICE_INVALID`: Check the price\n", 2),
        # Numbers stay codes whatever the messages say.
        ("- `10001`: Signature\n- `10002`: Timestamp\n", 2),
    ],
)
def test_codes_that_describe_failures_are_still_read(items: str, rows: int) -> None:
    assert len(rows_of("p.md", f"# API\n\n## Errors\n\n{items}")) == rows
