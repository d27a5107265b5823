"""The generated packages as users install them (issue 21): make dist builds a wheel, an
sdist and an npm tarball per package, the same bytes twice; the wheel installs with no index
and type-checks in a user's project; the tarball installs into a Node project and imports
from .mjs and from TypeScript (nodenext and bundler); a second [[package]] is its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scraper import sources

from .conftest import NODE_BIN, ROOT, TSC, WS, clone_tree, copy_repo, node_run, serve_changed
from .test_cli import invoke


def _make_dist(clone: Path) -> dict[str, str]:
    """``make dist`` itself, as the release workflow runs it, in a clone of the tree that
    borrows this tree's environment (its stamps taken as made, so nothing is installed)."""
    result = subprocess.run(
        ["make", "-o", ".venv/.runtime-installed", "-o", ".venv/.tools-installed", "dist"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = clone / "dist"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.iterdir()}


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    clone = clone_tree(tmp_path_factory.mktemp("dist") / "clone")
    (clone / ".venv").symlink_to(ROOT / ".venv")
    first = _make_dist(clone)
    kept = clone.parent / "first"
    (clone / "dist").rename(kept)
    second = _make_dist(clone)
    assert first == second  # built twice: identical bytes
    yield kept


def test_make_dist_builds_a_wheel_an_sdist_and_an_npm_tarball(dist: Path) -> None:
    version = sources.load(ROOT / "sources.toml")  # (loaded: the shipped file is valid)
    assert version.packages[0].python == "okx_error_codes"
    names = sorted(p.name for p in dist.iterdir())
    assert [n.split("-")[0] for n in names] == ["okx", "okx_error_codes", "okx_error_codes"]
    assert names[0].endswith(".tgz") and names[1].endswith(".whl") and names[2].endswith(".tar.gz")


def test_the_wheel_installs_with_no_index_and_type_checks_in_a_users_project(
    dist: Path, tmp_path: Path
) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-index", str(wheel)],
        check=True,
        timeout=300,
    )
    user = tmp_path / "bot.py"
    user.write_text(
        "import okx_error_codes as codes\n\n"
        "reply = {'code': '1', 'msg': '', 'data': [{'sCode': '51008', "
        "'sMsg': 'Order failed. Insufficient USDT balance in account'}]}\n"
        "found = codes.from_response(reply)\n"
        "if found is not None:\n"
        "    message: str = found.row.message\n"
        "    print(found.row.code, found.exact, dict(found.values))\n",
        encoding="utf-8",
    )
    ran = subprocess.run(
        [str(python), "-I", str(user)], capture_output=True, text=True, timeout=60, check=False
    )
    assert ran.returncode == 0 and ran.stdout == "51008 True {'param0': 'USDT'}\n", ran.stderr
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(python),
            str(user),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "MYPYPATH"},
    )
    assert checked.returncode == 0, checked.stdout  # types found through py.typed
    bad = tmp_path / "bad.py"
    bad.write_text("import okx_error_codes as c\nx: int = c.lookup('1')\n", encoding="utf-8")
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--python-executable",
            str(python),
            str(bad),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert checked.returncode != 0 and "ErrorCode | None" in checked.stdout


def test_the_npm_tarball_installs_and_imports_from_mjs_and_typescript(
    dist: Path, tmp_path: Path
) -> None:
    (tarball,) = dist.glob("*.tgz")
    project = tmp_path / "service"
    project.mkdir()
    (project / "package.json").write_text('{"name": "service", "private": true}\n', "utf-8")
    installed = node_run(
        [str(NODE_BIN / "npm"), "install", "--offline", "--no-audit", "--no-fund", str(tarball)],
        cwd=str(project),
    )
    assert installed.returncode == 0, installed.stderr
    manifest = json.loads((project / "node_modules/okx-error-codes/package.json").read_text())
    assert manifest["type"] == "module" and manifest["sideEffects"] is False
    assert not manifest.get("dependencies")
    (project / "use.mjs").write_text(
        'import { lookup, fromResponse } from "okx-error-codes";\n'
        'console.log(lookup("51008").code, fromResponse({code: "51000", msg: "Parameter '
        'instId error"}).values.param0);\n',
        encoding="utf-8",
    )
    ran = node_run([str(NODE_BIN / "node"), "use.mjs"], cwd=str(project))
    assert ran.returncode == 0 and ran.stdout == "51008 instId\n", ran.stderr
    (project / "use.ts").write_text(
        'import { lookup, type ErrorCode } from "okx-error-codes";\n'
        'const row: ErrorCode | null = lookup("51008");\n'
        'export const code: string = row === null ? "" : row.code;\n',
        encoding="utf-8",
    )
    for module, resolution in (("nodenext", "nodenext"), ("esnext", "bundler")):
        compiled = node_run(
            [
                str(NODE_BIN / "node"),
                str(TSC),
                "--strict",
                "--noEmit",
                "--target",
                "es2022",
                "--module",
                module,
                "--moduleResolution",
                resolution,
                "use.ts",
            ],
            cwd=str(project),
        )
        assert compiled.returncode == 0, (resolution, compiled.stdout)


def test_a_second_package_holds_its_own_rows_only(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    page = ROOT / "tests/fixtures/pages/other-exchanges/kraken-spot-errors.html"
    (repo / "captures/kraken-spot-en.html").write_bytes(page.read_bytes())
    text = (repo / "sources.toml").read_text(encoding="utf-8")
    text = text.replace(
        "\n[[package]]",
        '\n[[source]]\nid = "kraken-spot-en"\nurl = "https://docs.kraken.com/api/docs/'
        'guides/spot-errors"\nlocale = "en"\ntitle = "Kraken spot: errors"\n'
        'capture = "captures/kraken-spot-en.html"\n\n[[package]]\nname = "kraken"\n'
        'sources = ["kraken-spot-en"]\n\n[[package]]',
        1,
    )
    (repo / "sources.toml").write_text(text, encoding="utf-8")
    code, _, err = invoke("regen", "--offline", "--sources", str(repo / "sources.toml"))
    assert code == 0, err
    python = repo / "generated/python"
    kraken = python / "kraken-error-codes/kraken_error_codes"
    assert (kraken / "kraken_spot_en.py").is_file() and (kraken / "py.typed").is_file()
    assert not (python / "okx-error-codes/okx_error_codes/kraken_spot_en.py").exists()
    assert not list(kraken.glob("okx_*.py"))
    assert (repo / "generated/typescript/kraken-error-codes/package.json").is_file()
    script = (
        "import kraken_error_codes as k, okx_error_codes as o\n"
        "print(list(k.SOURCES), 'kraken-spot-en' in o.SOURCES)\n"
    )
    ran = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path[:0] = [{str(python / 'kraken-error-codes')!r}, "
            f"{str(python / 'okx-error-codes')!r}]\n" + script,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.stdout == "['kraken-spot-en'] False\n", ran.stderr


def test_a_source_in_no_package_is_an_error_that_names_the_fix(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    text = (repo / "sources.toml").read_text(encoding="utf-8")
    (repo / "sources.toml").write_text(text.replace('  "okcoin-rest-en",\n', ""), "utf-8")
    code, _, err = invoke("check", "--sources", str(repo / "sources.toml"))
    assert code == 2 and "okcoin-rest-en are in no package" in err
    assert "add each id to the sources of a [[package]]" in err


def test_a_changed_capture_is_dated_today_and_moves_the_version(
    served_repo: Path, httpserver: HTTPServer
) -> None:
    serve_changed(httpserver, (b"Invalid op: {op}", b"Invalid op: {op}, expected {expected}"))
    dates = served_repo / "captures/dates.json"
    dates.write_text('{"okx-v5-en": "2026-08-22"}\n', encoding="utf-8")
    code, _, err = invoke("regen", "--sources", str(served_repo / "sources.toml"))
    assert code == 0, err
    today = dt.datetime.now(dt.UTC).date()
    stored = json.loads(dates.read_text(encoding="utf-8"))
    assert stored == {"okx-v5-en": "2026-08-22", WS: today.isoformat()}
    pyproject = served_repo / "generated/python/okx-error-codes/pyproject.toml"
    version = f"{today.year}.{today.month}.{today.day}"
    assert f'version = "{version}"' in pyproject.read_text(encoding="utf-8")
    # Unchanged pages: the same version, not today's again.
    dates.write_text(json.dumps({**stored, WS: "2026-09-01"}), encoding="utf-8")
    code, _, err = invoke("regen", "--sources", str(served_repo / "sources.toml"))
    assert code == 0, err
    assert 'version = "2026.9.1"' in pyproject.read_text(encoding="utf-8")


def test_capturing_the_same_page_again_keeps_its_day(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    dates = repo / "captures/dates.json"
    before = json.loads(dates.read_text(encoding="utf-8"))
    page = ROOT / "tests/fixtures/pages/okx-v5/docs-v5-zh-error-code.md"
    code, _, err = invoke(
        "capture", "okx-v5-zh", str(page), "--sources", str(repo / "sources.toml")
    )
    assert code == 0, err
    assert json.loads(dates.read_text(encoding="utf-8")) == before
