"""The committed outputs: up to date, deterministic, typed, importable with the stdlib alone."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from scraper import regen, render, sources

from .conftest import ROOT
from .test_render import hostile_table

GENERATED = ROOT / "generated"
PACKAGE = GENERATED / "python" / "okx-error-codes" / "okx_error_codes"
BIN = Path(sys.executable).parent


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **env},
    )


def test_generated_is_what_the_captures_produce() -> None:
    options = regen.Options(offline=True, dry_run=True)
    outcome = regen.run(sources.load(ROOT / "sources.toml"), None, options)
    assert outcome.plan.empty, (
        f"generated/ is stale: {outcome.plan}; run 'make regen OFFLINE=1' and commit"
    )


def test_generated_json_matches_the_schema() -> None:
    schema = json.loads((GENERATED / "json/codes.schema.json").read_text(encoding="utf-8"))
    assert schema == render.schema()
    files = sorted((GENERATED / "json").glob("*.json"))
    assert len(files) == 11
    for path in files:
        if path.name != "codes.schema.json":
            jsonschema.validate(json.loads(path.read_text(encoding="utf-8")), schema)


def test_same_bytes_under_different_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "4242"):
        out = tmp_path / seed
        result = run(
            [
                sys.executable,
                "-m",
                "scraper",
                "regen",
                "--offline",
                "--out",
                str(out),
                "--report",
                str(tmp_path / f"report-{seed}.md"),
            ],
            ROOT,
            PYTHONHASHSEED=seed,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(
            {
                p.relative_to(out).as_posix(): p.read_bytes()
                for p in sorted(out.rglob("*"))
                if p.is_file()
            }
        )
    assert outputs[0] == outputs[1] == outputs[2]
    committed = {
        p.relative_to(GENERATED).as_posix(): p.read_bytes()
        for p in sorted(GENERATED.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert outputs[0] == committed


def test_regen_twice_leaves_git_clean(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(ROOT / "sources.toml", repo)
    shutil.copy(ROOT / ".gitignore", repo)  # the change report goes to build/, ignored
    shutil.copytree(ROOT / "captures", repo / "captures")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    regen_cmd = [str(BIN / "errtables"), "regen", "--offline"]
    assert run([*git, "init", "-q"], repo).returncode == 0
    first = run(regen_cmd, repo)
    assert first.returncode == 0, first.stderr
    assert run([*git, "add", "-A"], repo).returncode == 0
    assert run([*git, "commit", "-qm", "first"], repo).returncode == 0
    second = run(regen_cmd, repo)
    assert second.returncode == 0, second.stderr
    assert "0 files written" in second.stdout
    assert run(["git", "status", "--porcelain"], repo).stdout == ""


def test_generated_python_passes_mypy_strict_and_ruff() -> None:
    mypy = run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", os.devnull, "-p", "okx_error_codes"],
        GENERATED / "python" / "okx-error-codes",
        MYPYPATH=str(GENERATED / "python" / "okx-error-codes"),
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr
    ruff = run([str(BIN / "ruff"), "check", "--no-cache", str(PACKAGE)], ROOT)
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr


def test_hostile_generated_python_passes_mypy_strict(tmp_path: Path) -> None:
    files = render.render_all([hostile_table(["a'b\"c", "x\u202e{0}"])])
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    mypy = run(
        [str(BIN / "mypy"), "--strict", "--cache-dir", os.devnull, "-p", "okx_error_codes"],
        tmp_path / "python" / "okx-error-codes",
        MYPYPATH=str(tmp_path / "python" / "okx-error-codes"),
    )
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr


def test_generated_package_works_with_the_standard_library_alone() -> None:
    script = """
import sys
sys.path.insert(0, sys.argv[1])
import okx_error_codes as codes
from okx_error_codes import dex_websocket_error_code_zh_hans as ws
assert set(sys.modules) & {"scraper", "lxml", "jinja2", "bs4"} == set()
row = ws.lookup(60008)
assert row is not None and row.placeholders == ("0",)
assert row.format(3).startswith("The current WebSocket endpoint does not support subscribing to 3 ")
assert ws.lookup("60019").format(op="subscribe") == "Invalid op: subscribe"
assert ws.lookup("60019").format("login") == "Invalid op: login"
swap = codes.lookup("50014", source="dex-error-code-zh-hans")
assert swap is not None and swap.http_status == 400
assert swap.format(param0="instId") == "必填参数 instId 不能为空"
try:
    swap.format()
except KeyError:
    pass
else:
    raise AssertionError("a missing placeholder value must raise")
assert codes.lookup("nope") is None
assert codes.TABLES["okcoin-rest-en"]["HTTP 403"].kind == "http"
print(len(codes.SOURCES))
"""
    result = run(
        [sys.executable, "-I", "-B", "-c", script, str(GENERATED / "python" / "okx-error-codes")],
        ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "10"


@pytest.mark.parametrize("path", sorted(GENERATED.rglob("*.md")), ids=lambda p: p.name)
def test_generated_markdown_tables_are_rectangular(path: Path) -> None:
    render.validate({path.name: path.read_text(encoding="utf-8")})
    assert render.markdown_table_widths(path.read_text(encoding="utf-8"))


def test_the_readme_example_type_checks_and_runs(tmp_path: Path) -> None:
    """A user's project runs mypy --strict: the README's usage must pass it as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Using the Python package", 1)[1]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.py"
    path.write_text(example, encoding="utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT / "generated/python/okx-error-codes")}
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
    ran = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "generated/python/okx-error-codes")},
    )
    assert ran.returncode == 0, ran.stderr
    assert "0 51094 {'clOrdId': 'b15'} 51094 True" in ran.stdout
    assert "okx-v5-zh" in ran.stdout
