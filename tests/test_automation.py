"""What the scheduled workflow does, run locally: the same make target in strict mode
against a loopback server; and the README, which must document every command and option."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import click
import pytest
from pytest_httpserver import HTTPServer

from scraper.cli import main

from .conftest import ROOT, WS, digest, serve_captures, serve_changed


@pytest.fixture
def repo(served_repo: Path) -> Path:
    return served_repo


def make_regen(repo: Path, report: Path) -> subprocess.CompletedProcess[str]:
    """The workflow's step, word for word, with this repository copy's sources."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "regen",
            "STRICT=1",
            f"SOURCES={repo / 'sources.toml'}",
            f"REPORT={report}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_workflow_step_with_unchanged_pages_changes_nothing(
    repo: Path, httpserver: HTTPServer
) -> None:
    serve_captures(httpserver)
    before = digest(repo)
    report = repo.parent / "build" / "report.md"
    result = make_regen(repo, report)
    assert result.returncode == 0, result.stdout + result.stderr
    assert digest(repo) == before  # nothing to commit: create-pull-request opens nothing
    assert report.read_text(encoding="utf-8").startswith(
        "## errtables: no change to any error-code table\n\nNo table differs"
    )


def test_workflow_step_with_a_changed_page_writes_the_pr_body(
    repo: Path, httpserver: HTTPServer
) -> None:
    serve_changed(httpserver, (b"Invalid op: {op}", b"Invalid op: {op}, expected {expected}"))
    report = repo.parent / "build" / "report.md"
    result = make_regen(repo, report)
    assert result.returncode == 0, result.stdout + result.stderr
    body = report.read_text(encoding="utf-8")
    assert f"| {WS} | 1 | 0 | 0 |" in body.replace("\\_", "_")
    assert "placeholders-changed" in body and "60019" in body
    assert report.with_suffix(".json").is_file()
    committed = {**digest(ROOT / "captures", "captures"), **digest(ROOT / "generated", "generated")}
    changed_files = {k for k, v in digest(repo).items() if v != committed.get(k)}
    assert f"captures/{WS}.html" in changed_files
    assert f"generated/json/{WS}.json" in changed_files


def test_readme_documents_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = []
    for name, command in sorted(main.commands.items()):
        if f"errtables {name}" not in readme:
            missing.append(f"errtables {name}")
        for param in command.params:
            if isinstance(param, click.Option):
                missing.extend(o for o in param.opts if o.startswith("--") and o not in readme)
    assert missing == []


def test_readme_commands_are_make_targets_that_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    used = set(re.findall(r"\bmake ([a-z-]+)", readme))
    assert {"regen", "test"} <= used
    assert used <= targets
