"""Create errtables' virtualenv with the interpreter make was given (PYTHON=).

    python3 tools/mkvenv.py --id     print which interpreter this is (make compares it)
    python3 tools/mkvenv.py DIR      check the version, then make DIR a fresh venv with pip

Run by make before anything is installed, so it uses the standard library only and parses on
any Python from 3.6: an interpreter too old to run errtables still gets a one-line answer.
"""

import os
import subprocess
import sys
import venv

OLDEST = (3, 11)
STAMP = ".python"  # inside the venv: the --id of the interpreter that built it


def identity():
    """The interpreter's real path and full version: a different one means a new venv."""
    version = ".".join(str(part) for part in sys.version_info[:3])
    return f"{os.path.realpath(sys.executable)} {version}"


def main(argv):
    if argv == ["--id"]:
        print(identity())
        return 0
    if len(argv) != 1 or argv[0].startswith("-"):
        print("usage: mkvenv.py --id | mkvenv.py DIR", file=sys.stderr)
        return 2
    if sys.version_info[:2] < OLDEST:
        wanted = ".".join(str(part) for part in OLDEST)
        found = sys.version.split()[0]
        print(
            f"errtables: needs Python {wanted} or newer, and {sys.executable} is {found}; "
            "name a newer one: make PYTHON=python3.13 (or any 3.11+)",
            file=sys.stderr,
        )
        return 2
    target = argv[0]
    try:
        venv.EnvBuilder(clear=True, with_pip=False).create(target)
        # ensurepip in a child of our own, so that Ctrl-C reaches it quietly too.
        python = os.path.join(target, "bin", "python")
        subprocess.run(
            [python, "-m", "ensurepip", "--default-pip"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    except KeyboardInterrupt:
        print(f"errtables: interrupted while creating {target}; run make again")
        return 130
    except (OSError, subprocess.CalledProcessError) as error:
        said = getattr(error, "stderr", None)
        lines = said.decode("utf-8", "replace").strip().splitlines() if said else [str(error)]
        why = lines[-1] if lines else "ensurepip failed"
        print(
            f"errtables: cannot create {target} with {sys.executable}: {why} "
            "(on Debian: apt-get install python3-venv)",
            file=sys.stderr,
        )
        return 2
    with open(os.path.join(target, STAMP), "w", encoding="utf-8") as stamp:
        stamp.write(identity() + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
