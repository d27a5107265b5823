"""``errtables init``: errtables at home in another repository (an exchange SDK's): a
commented sources.toml with one source and one package, the scheduled regeneration and
pull-request check workflows, and a README section. Only files that are not there are
written, all at once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from . import escape, sources, write
from .model import ErrtablesError, Source


class InitError(ErrtablesError):
    pass


@dataclass(frozen=True)
class Plan:
    """What ``init`` writes: relative path -> text, new files only; and the files it
    appends a block to (README.md, .gitignore) -> their new text."""

    files: dict[str, str]
    appended: dict[str, str]


README_MARK = "<!-- errtables -->"
IGNORE_MARK = "# errtables: its report, and what a killed run may leave"
IGNORED = ("/build/", ".errtables.lock", ".errtables-journal.json", ".errtables-*.tmp")
WORKFLOWS = (
    (".github/workflows/errtables-regen.yml", "init/errtables-regen.yml.jinja"),
    (".github/workflows/errtables-check.yml", "init/errtables-check.yml.jinja"),
)


def toml_string(value: str) -> str:
    """A TOML basic string: JSON's escapes, and DEL, which TOML also asks to escape."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def requirement() -> str:
    """errtables as the workflows install it: this version, pinned."""
    try:
        return f"errtables=={metadata.version('errtables')}"
    except metadata.PackageNotFoundError:
        return "errtables"


def plan(
    root: Path,
    url: str,
    source_id: str | None = None,
    package: str | None = None,
    locale: str = "en",
    title: str | None = None,
    replies: str | None = None,
) -> Plan:
    """The files for ``root``, checked: the sources file loads, the names are valid."""
    source_id = source_id or sources.slug(url)
    package = package or source_id.split("-")[0]
    try:
        Source(source_id, url, locale, title or source_id)
    except ValueError as exc:
        raise InitError(f"{exc}; give --id, --locale or --title") from exc
    if not url.startswith(("http://", "https://")):
        raise InitError(f"{url!r} is not an http(s) URL; give the error-code page's address")
    if not sources.PACKAGE_NAME.fullmatch(package):
        raise InitError(f"--package: lowercase letters, digits and dashes (bybit), not {package!r}")
    named = sources.Package(package, (source_id,))
    env = escape.environment()
    env.filters["toml"] = toml_string
    context = {
        "source_id": source_id,
        "url": url,
        "locale": locale,
        "title": title or source_id,
        "package": package,
        "python": named.python,
        "distribution": named.distribution,
        "replies": replies or sources.default_replies(package),
        "requirement": requirement(),
    }
    files = {"sources.toml": env.get_template("init/sources.toml.jinja").render(**context)}
    for target, template in WORKFLOWS:
        files[target] = env.get_template(template).render(**context)
    section = env.get_template("init/README.md.jinja").render(**context)
    ignore = "\n".join((IGNORE_MARK, *IGNORED)) + "\n"
    appended = {
        name: _appended(root / name, mark, block)
        for name, mark, block in (
            ("README.md", README_MARK, section),
            (".gitignore", IGNORE_MARK, ignore),
        )
    }
    return Plan(files, appended)


def _appended(path: Path, mark: str, block: str) -> str:
    """The file's text with ``block`` at its end, once (not again when ``mark`` is there)."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if mark in old:
        return old
    if old and not old.endswith("\n"):
        old += "\n"
    return old + ("\n" if old else "") + block


def apply(root: Path, made: Plan) -> list[str]:
    """Write the plan's files (none may exist) and README.md, in one transaction; the paths
    written. Refused, with nothing written, when one of the files is there already."""
    there = [rel for rel in made.files if (root / rel).exists()]
    if there:
        raise InitError(
            f"{', '.join(there)} already there; nothing written (errtables init writes only "
            "new files: move them aside to start again)"
        )
    data = {root / rel: text.encode("utf-8") for rel, text in made.files.items()}
    for rel, text in made.appended.items():
        path = root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            data[path] = text.encode("utf-8")
    write.commit(root, data, folders=("",))
    sources.load(root / "sources.toml")  # what init wrote loads, or this is a bug
    return sorted(p.relative_to(root).as_posix() for p in data)
