"""``make dist``: every generated package as files to publish, the same bytes every time.

For each package folder under generated/python/: a wheel and an sdist, built by the folder's
own backend (flit_core) in this interpreter. For each under generated/typescript/: the
sources compiled by tsc beside its package.json and README, packed by ``npm pack``. Time
stamps come from the package's version (the day of its newest capture), so a rebuild of an
unchanged tree gives identical files.

    python tools/dist.py [--out dist]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated"
NODE = Path(sys.executable).parent / "node"
NPM = Path(sys.executable).parent / "npm"
TSC = ROOT / ".venv/node/node_modules/typescript/bin/tsc"
# The strict flags every compilation uses (tools/tsc.flags), and what a build emits.
TSC_FLAGS = [
    flag
    for line in (ROOT / "tools/tsc.flags").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for flag in line.split()
] + ["--declaration", "--newLine", "lf"]


def epoch(version: str) -> str:
    """Midnight UTC of the version's day (``2026.8.22``); 1980 for an undated one."""
    try:
        year, month, day = (int(part) for part in version.split("."))
        moment = dt.datetime(year, month, day, tzinfo=dt.UTC)
    except ValueError:
        moment = dt.datetime(1980, 1, 1, tzinfo=dt.UTC)
    return str(int(max(moment, dt.datetime(1980, 1, 1, tzinfo=dt.UTC)).timestamp()))


def python_dist(folder: Path, out: Path) -> list[Path]:
    version = tomllib.loads((folder / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    script = (
        "import sys; from flit_core import buildapi as b; "
        "print(b.build_wheel(sys.argv[1])); print(b.build_sdist(sys.argv[1]))"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch(version)}
    result = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"dist: {folder.name}: the build failed:\n{result.stderr}")
    return [out / name for name in result.stdout.split()]


def npm_dist(folder: Path, out: Path) -> Path:
    if not (NODE.is_file() and TSC.is_file()):
        sys.exit("dist: no node or tsc in .venv; run 'make install' first")
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / folder.name
        result = subprocess.run(
            [str(NODE), str(TSC), *TSC_FLAGS, "--outDir", str(stage), str(folder / "index.ts")],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"dist: {folder.name}: tsc failed:\n{result.stdout}{result.stderr}")
        for name in ("package.json", "README.md"):
            shutil.copy(folder / name, stage / name)
        env = {**os.environ, "PATH": f"{NODE.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        result = subprocess.run(
            [str(NPM), "pack", "--silent", "--pack-destination", str(out.resolve())],
            cwd=stage,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            sys.exit(f"dist: {folder.name}: npm pack failed:\n{result.stderr}")
        return out / result.stdout.split()[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args(argv)
    # Absolute: each build runs with its package folder as the working directory.
    out: Path = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    built: list[Path] = []
    for folder in sorted(p.parent for p in (GENERATED / "python").glob("*/pyproject.toml")):
        built += python_dist(folder, out)
    for folder in sorted(p.parent for p in (GENERATED / "typescript").glob("*/package.json")):
        built.append(npm_dist(folder, out))
    if not built:
        sys.exit("dist: no package in generated/; run 'make regen' first")
    for path in built:
        print(path.relative_to(out.parent) if path.is_relative_to(out.parent) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
