"""``errtables explain``: an OKX reply read through the generated package, as users run it."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from .regen import GENERATED, PipelineError
from .render import PACKAGE


def generated_package(sources_path: Path) -> Any:
    """The generated Python package beside the sources file: what users run, used as is."""
    folder = sources_path.resolve().parent / GENERATED / "python"
    if not (folder / PACKAGE / "__init__.py").is_file():
        raise PipelineError(f"no generated package in {folder}; run 'make regen' first")
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def reply_of(text: str) -> object:
    """A reply as JSON, or ``CODE MESSAGE`` lines (as a log shows them) turned into one."""
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    items = []
    for line in text.splitlines():
        code, _, message = line.strip().partition(" ")
        if code:
            items.append({"sCode": code.rstrip(":"), "sMsg": message.strip()})
    return {"code": "1", "msg": "", "data": items}


def explained(error: Any) -> dict[str, Any]:
    """One error of a reply (a generated ``ResponseError``) as ``explain --json`` prints it."""
    match = error.match
    row = None
    if match is not None:
        found = match.row
        translations = dict(found.translations) or {"": found.message}
        row = {
            "code": found.code,
            # The code as the docs write it (51008_1001); a package generated before
            # sub-codes were split has none.
            "documented": getattr(found, "documented", found.code),
            "source": found.source,
            "section": found.section,
            "http_status": found.http_status,
            "message": found.message,
            "translations": translations,
        }
    return {
        "index": error.index,
        "code": error.code,
        "message": error.message,
        "ids": dict(error.ids),
        "row": row,
        "exact": bool(match and match.exact),
        "score": match.score if match else 0.0,
        "values": dict(match.values) if match else {},
        "detail": match.detail if match else "",
    }
