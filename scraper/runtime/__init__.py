"""The run-time library the generated packages carry, kept as ordinary source.

``python/`` and ``typescript/`` are linted and type-checked like any module; the generator
copies them into each package unchanged but for a header line. ``python/_constants.py``
holds what both languages must agree on, written once: Python imports it, and the
generator renders its values into ``constants.ts``.
"""

from __future__ import annotations

from pathlib import Path

from .python import _constants as constants

HERE = Path(__file__).resolve().parent
# Copied into every Python package and every TypeScript folder, in this order.
PYTHON_FILES = ("_constants.py", "_types.py", "_match.py", "_replies.py", "_tables.py")
TYPESCRIPT_FILES = ("types.ts", "match.ts", "replies.ts", "tables.ts")


def python_source(name: str) -> str:
    return (HERE / "python" / name).read_text(encoding="utf-8")


def typescript_source(name: str) -> str:
    return (HERE / "typescript" / name).read_text(encoding="utf-8")


__all__ = ["PYTHON_FILES", "TYPESCRIPT_FILES", "constants", "python_source", "typescript_source"]
