"""The cache of what earlier runs derived: a run from it makes the bytes a run without it
makes, a changed capture costs only what depends on it, and a torn, foreign or unwritable
cache is only a slower run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scraper import cache, documents, regen, sources
from scraper.cache import Cache

from .conftest import copy_repo, digest


def _run(root: Path, kept: Cache | None, dry: bool = True) -> regen.Outcome:
    declared = sources.load(root / "sources.toml")
    options = regen.Options(offline=True, dry_run=dry, allow_removals=True, cache=kept)
    return regen.run(declared, None, options)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return copy_repo(tmp_path / "repo")


def test_every_capture_reads_back_from_the_cache_as_extracted(repo: Path) -> None:
    declared = sources.load(repo / "sources.toml")
    for source in declared.sources:
        path = declared.capture_path(source)
        if path is None:
            continue
        table = regen._from_capture(declared, source, path, None, None)
        again = documents.from_extraction(source, documents.extraction(table))
        assert again == table
        assert documents.extraction(again) == documents.extraction(table)


def test_a_cached_run_makes_the_bytes_of_an_uncached_one(repo: Path, tmp_path: Path) -> None:
    plain = _run(repo, None)
    kept = Cache(tmp_path / "cache")
    first = _run(repo, kept)
    assert kept.hits == 0 and kept.misses > 0
    again = Cache(tmp_path / "cache")
    second = _run(repo, again)
    assert again.misses == 0, "an unchanged tree derived something again"
    assert plain.files == first.files == second.files
    assert plain.report.to_json() == second.report.to_json()
    assert [t.source for t in plain.tables] == [t.source for t in second.tables]
    assert [t.tables for t in plain.tables] == [t.tables for t in second.tables]
    # translations do not take part in equality: compared as the generated JSON has them
    assert [documents.document(t) for t in plain.tables] == [
        documents.document(t) for t in second.tables
    ]


def test_a_changed_capture_derives_only_what_shows_it(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _run(repo, Cache(folder))
    path = repo / "captures" / "okcoin-rest-en.txt"
    path.write_text(path.read_text(encoding="utf-8") + "99999 A code added here\n", "utf-8")
    kept = Cache(folder)
    outcome = _run(repo, kept)
    per_source = [f for f in outcome.files if "okcoin" in f]
    # its extraction, its files, the package files that list every source, the index
    assert 0 < kept.misses <= 1 + len(per_source) + 6 + 1
    assert kept.hits > kept.misses
    assert outcome.files == _run(repo, None).files


def test_a_torn_or_foreign_cache_is_a_slower_run(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    expected = _run(repo, Cache(folder)).files
    entries = sorted(p for p in folder.iterdir() if p.suffix == ".entry")
    assert entries
    for i, entry in enumerate(entries):
        data = entry.read_bytes()
        head = data.partition(b"\n")[0]
        # torn after the key, garbage under the right key, and another errtables' entry
        entry.write_bytes([data[: len(head) + 5], head + b"\n\xff{[", b"0" * 64 + b"\nx"][i % 3])
    kept = Cache(folder)
    outcome = _run(repo, kept)
    assert outcome.files == expected
    assert kept.hits == 0 or kept.misses > 0


def test_another_errtables_misses(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cache"
    _run(repo, Cache(folder))
    monkeypatch.setattr(cache, "fingerprint", lambda: "another errtables")
    kept = Cache(folder)
    _run(repo, kept)
    assert kept.hits == 0


def test_the_cache_holds_one_entry_per_slot(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    _run(repo, Cache(folder))
    count = len(list(folder.iterdir()))
    path = repo / "captures" / "okcoin-rest-en.txt"
    text = path.read_text(encoding="utf-8")
    for n in range(3):
        path.write_text(text + f"9999{n} Another code\n", "utf-8")
        _run(repo, Cache(folder))
    assert len(list(folder.iterdir())) == count


def test_an_unwritable_cache_folder_is_no_error(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.write_text("a file where the folder would be\n", encoding="utf-8")
    kept = Cache(folder)
    assert _run(repo, kept).files == _run(repo, None).files
    assert kept.hits == 0
    assert folder.read_text(encoding="utf-8") == "a file where the folder would be\n"


def test_the_command_line_keeps_it_outside_the_tree_and_can_turn_it_off(
    repo: Path, tmp_path: Path
) -> None:
    """One folder per tree under ERRTABLES_CACHE_DIR (else ~/.cache/errtables); a cache
    inside the tree (committed by a pull request) is never read."""
    script = Path(sys.executable).parent / "errtables"
    before = digest(repo)
    args = [str(script), "check", "--sources", str(repo / "sources.toml")]
    base = tmp_path / "user-cache"
    for setting in ("off", str(base), str(base)):
        env = {**os.environ, "ERRTABLES_CACHE_DIR": setting}
        done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
        assert base.exists() == (setting != "off")
    (folder,) = base.iterdir()
    assert folder == Cache.for_tree(repo, str(base)).folder
    assert len(list(folder.iterdir())) > 10
    assert digest(repo) == before
    assert not [p for p in repo.rglob("*") if p.suffix == ".entry"]


def test_the_users_cache_folder_is_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ERRTABLES_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    folder = Cache.for_tree(tmp_path / "tree").folder
    assert folder is not None and folder.parent == tmp_path / "xdg" / "errtables"
    assert Cache.for_tree(tmp_path / "other").folder != folder
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # ignored, as the spec says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    folder = Cache.for_tree(tmp_path / "tree").folder
    assert folder is not None and folder.parent == tmp_path / "home" / ".cache" / "errtables"


def test_amending_keeps_every_field_of_a_row() -> None:
    """Row.amended spells the row's fields out: a field added to Row must be added there."""
    from dataclasses import fields

    from scraper import join
    from scraper.model import Kind, Row

    values = {
        "code": "51008",
        "message": "Order failed",
        "http_status": 200,
        "title": "Insufficient balance",
        "kind": Kind.HTTP,
        "deprecated": True,
        "sub_code": "1000",
        "translations": (("en", "old"),),
        "category": "InsufficientFunds",
        "category_evidence": 'words "insufficient balance"',
    }
    assert sorted(values) == sorted(f.name for f in fields(Row))
    joined = join._with(Row(**values), {"zh": "订单失败", "en": "Order failed"})
    assert {f.name: getattr(joined, f.name) for f in fields(Row)} == {
        **values,
        "translations": (("en", "Order failed"), ("zh", "订单失败")),
    }
    named = Row(**values).amended(category="InvalidOrder", evidence="neighbours")
    assert {f.name: getattr(named, f.name) for f in fields(Row)} == {
        **values,
        "category": "InvalidOrder",
        "category_evidence": "neighbours",
    }
    assert Row(**values).amended() == Row(**values)


def test_categories_and_their_disputes_come_back_from_the_cache(repo: Path, tmp_path: Path) -> None:
    decisions = repo / "categories.toml"
    decisions.write_text('[okx]\n"51008" = "AuthenticationError"\n', encoding="utf-8")
    plain = _run(repo, None)
    _run(repo, Cache(tmp_path / "cache"))
    again = Cache(tmp_path / "cache")
    second = _run(repo, again)
    assert again.misses == 0
    assert plain.files == second.files
    assert plain.report.to_json() == second.report.to_json()
    assert "category-disputed" in str(second.report.to_json())
    # A changed decision is a miss for its package's tables, never the old categories.
    decisions.write_text('[okx]\n"51008" = "BadRequest"\n', encoding="utf-8")
    changed = Cache(tmp_path / "cache")
    third = _run(repo, changed)
    assert changed.misses > 0 and third.files == _run(repo, None).files != plain.files
