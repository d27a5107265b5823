"""The generated TypeScript module: clean under the strictest tsc settings, its data equal to
the JSON, and the same answers as the Python package (node's own test runner)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper import render

from .conftest import FIXTURES, NODE_BIN, ROOT, node_run, tsc

TS = ROOT / "generated/typescript/okx-error-codes"


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


def test_node_tests_of_the_compiled_module(compiled_ts: Path) -> None:
    result = node_run(
        [
            str(NODE_BIN / "node"),
            "--test",
            "--test-reporter=tap",
            str(ROOT / "tests/node/generated.test.mjs"),
        ],
        ERRTABLES_COMPILED=str(compiled_ts),
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
