"""The generated TypeScript module: clean under the strictest tsc settings, its data equal to
the JSON, and the same answers as the Python package (node's own test runner)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from scraper import render

from .conftest import FIXTURES, ROOT

BIN = ROOT / ".venv/bin"
TSC = ROOT / ".venv/node/node_modules/typescript/bin/tsc"
TS = ROOT / "generated/typescript"
STRICT = [
    "--strict",
    "--target",
    "es2022",
    "--lib",
    "es2022",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--noUncheckedIndexedAccess",
    "--exactOptionalPropertyTypes",
    "--noImplicitOverride",
    "--noImplicitReturns",
    "--noFallthroughCasesInSwitch",
    "--noPropertyAccessFromIndexSignature",
    "--noUnusedLocals",
    "--noUnusedParameters",
]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env},
    )


def tsc(*args: str) -> subprocess.CompletedProcess[str]:
    assert TSC.is_file(), "run 'make install' (it installs the TypeScript compiler)"
    return run([str(BIN / "node"), str(TSC), *STRICT, *args])


def test_tsc_strict_finds_nothing() -> None:
    result = tsc("--noEmit", str(TS / "index.ts"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_tsc_does_report_a_type_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ts"
    bad.write_text('import { lookup } from "./index.js";\nconst n: number = lookup("1");\n')
    for path in TS.iterdir():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    result = tsc("--noEmit", str(bad))
    assert result.returncode != 0 and "bad.ts" in result.stdout


def test_node_tests_of_the_compiled_module(tmp_path: Path) -> None:
    out = tmp_path / "compiled"
    result = tsc("--outDir", str(out), str(TS / "index.ts"))
    assert result.returncode == 0, result.stdout + result.stderr
    (out / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    result = run(
        [
            str(BIN / "node"),
            "--test",
            "--test-reporter=tap",
            str(ROOT / "tests/node/generated.test.mjs"),
        ],
        ERRTABLES_COMPILED=str(out),
        ERRTABLES_JSON=str(ROOT / "generated/json"),
        ERRTABLES_REPLIES=str(FIXTURES / "replies.json"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout and "# pass 0" not in result.stdout


@pytest.mark.parametrize(
    "text",
    ['a"b\\c', "line\nbreak", "\u2028\u2029", "\u202eevil\u2066", "</script>", "${x}`", "\x00"],
)
def test_scraped_text_is_a_string_literal_and_nothing_else(text: str) -> None:
    literal = render.tsvalue(text)
    assert literal.startswith('"') and literal.endswith('"')
    assert literal.isprintable()  # control, separator and bidi characters escaped
    assert "\n" not in literal and "\u2028" not in literal and "\u202e" not in literal
    assert literal.count('"') - literal.count('\\"') == 2
