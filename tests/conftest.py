from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scraper import regen, sources, write

# Waits for the whole session (subprocesses inherit them): a failed request retries after a
# hundredth of a second; a command waits for another on its tree as long as that one takes
# (tests in parallel workers may run commands on this tree at once; the lock tests set their
# own, short wait).
os.environ.setdefault("ERRTABLES_LOCK_WAIT", "30")
os.environ.setdefault("ERRTABLES_BACKOFF", "0.01")


@pytest.fixture(scope="session", autouse=True)
def _cache_of_the_session(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The commands the tests run keep what they derive in a folder of the session, never
    in the user's ~/.cache."""
    os.environ["ERRTABLES_CACHE_DIR"] = str(tmp_path_factory.mktemp("errtables-cache"))


# HYPOTHESIS_PROFILE=full (the nightly job) runs every property test with all its examples;
# make test runs a fifth of them.
FULL = os.environ.get("HYPOTHESIS_PROFILE") == "full"


def examples(n: int) -> int:
    """How many hypothesis examples a test that asks for ``n`` runs now."""
    return n if FULL else max(20, n // 5)


ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAGES = FIXTURES / "pages"
SEED_WS = FIXTURES / "seeds" / "000_3b76489c4e903127.txt"
SEED_OKCOIN = FIXTURES / "seeds" / "002_5ee7dd5a308141a4.txt"
CAPTURED = sorted(p for p in (ROOT / "captures").iterdir() if p.suffix in (".html", ".txt"))
WS = "dex-websocket-error-code-zh-hans"


def digest(folder: Path, prefix: str = "") -> dict[str, str]:
    """Hashes of the files below ``folder`` by relative path (``prefix/`` before it when
    given); caches and hidden files that tools leave behind excepted."""
    lead = f"{prefix}/" if prefix else ""
    found = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if p.is_file() and not any(x.startswith(".") or x == "__pycache__" for x in rel.parts):
            found[lead + rel.as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return found


def copy_repo(target: Path) -> Path:
    """The files regen reads and writes, copied to ``target``."""
    target.mkdir()
    shutil.copy(ROOT / "sources.toml", target)
    shutil.copytree(ROOT / "captures", target / "captures")
    shutil.copytree(
        ROOT / "generated",
        target / "generated",
        ignore=lambda _, names: [
            n for n in names if n == "__pycache__" or n.startswith(".") and n != write.MANIFEST
        ],
    )
    return target


def clone_tree(target: Path) -> Path:
    """What a fresh clone holds: the files git tracks, as they are in the working tree."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


@pytest.fixture(scope="session")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """errtables built as a wheel from the tracked tree and installed, non-editable, into a
    fresh venv, built once: its python and its site-packages. The dependencies come from
    this environment's site-packages as a plain path (its editable errtables, which a .pth
    finder would install, is not seen)."""
    import sys
    import sysconfig
    import venv

    tmp = tmp_path_factory.mktemp("installed")
    clone = clone_tree(tmp / "clone")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    wheel = tmp / "wheel"
    built = subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheel), str(clone)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (made,) = wheel.glob("errtables-*.whl")
    env = tmp / "venv"
    venv.create(env, with_pip=False)
    python = env / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()
    done = subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-index", "--target", site, str(made)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    return python, site


def regen_args(root: Path, *flags: str) -> list[str]:
    """``errtables regen`` on a repository copy, its report kept outside the copy."""
    return [
        "regen",
        *flags,
        "--sources",
        str(root / "sources.toml"),
        "--report",
        str(root.parent / "build" / "report.md"),
    ]


def body_of(path: Path) -> tuple[bytes, str]:
    kind = "text/html" if path.suffix == ".html" else "text/plain"
    return path.read_bytes(), f"{kind}; charset=utf-8"


def serve_captures(httpserver: HTTPServer, skip: tuple[str, ...] = ()) -> None:
    for path in CAPTURED:
        if path.stem not in skip:
            data, kind = body_of(path)
            httpserver.expect_request(f"/{path.stem}").respond_with_data(data, content_type=kind)


def serve_changed(httpserver: HTTPServer, *edits: tuple[bytes, bytes]) -> bytes:
    """Serve the captures, the websocket page with ``(old, new)`` edits; return that page."""
    serve_captures(httpserver, skip=(WS,))
    data, kind = body_of(ROOT / "captures" / f"{WS}.html")
    for old, new in edits:
        assert old in data, old
        data = data.replace(old, new)
    httpserver.expect_request(f"/{WS}").respond_with_data(data, content_type=kind)
    return data


@pytest.fixture
def served_repo(tmp_path: Path, httpserver: HTTPServer) -> Path:
    """A copy of the repository whose sources are fetched from the loopback server.

    Each captured source keeps its real url (so outputs are the committed ones) and gets a
    fetch_url on the server, which serves the capture unless a test says otherwise.
    """
    root = copy_repo(tmp_path / "repo")
    declared = sources.load(ROOT / "sources.toml")
    entries = []
    for source in declared.sources:
        path = declared.capture_path(source)
        if path is None:
            continue
        group = f'group = "{source.group}"\n' if source.group else ""
        entries.append(
            f'[[source]]\nid = "{source.id}"\nurl = "{source.url}"\n'
            f'fetch_url = "{httpserver.url_for("/" + source.id)}"\n'
            f'locale = "{source.locale}"\ntitle = "{source.title}"\n{group}'
            f'capture = "{path.relative_to(ROOT).as_posix()}"\n'
        )
    (root / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def _two_source_repo(tmp_path_factory: pytest.TempPathFactory, make_httpserver: HTTPServer) -> Path:
    """A repository of two small sources fetched from the loopback server, its generated/
    made for them: what a fault test needs, built once."""
    root = copy_repo(tmp_path_factory.mktemp("two") / "repo")
    declared = sources.load(ROOT / "sources.toml")
    entries = []
    for source_id in (WS, "okcoin-rest-en"):
        source = declared.by_id(source_id)
        path = declared.capture_path(source)
        assert path is not None
        entries.append(
            f'[[source]]\nid = "{source.id}"\nurl = "{source.url}"\n'
            f'fetch_url = "{make_httpserver.url_for("/" + source.id)}"\n'
            f'locale = "{source.locale}"\ntitle = "{source.title}"\n'
            f'capture = "{path.relative_to(ROOT).as_posix()}"\n'
        )
    (root / "sources.toml").write_text("\n".join(entries), encoding="utf-8")
    outcome = regen.run(
        sources.load(root / "sources.toml"),
        None,
        regen.Options(offline=True, allow_removals=True),
    )
    assert outcome.rows > 0
    return root


@pytest.fixture
def two_source_repo(_two_source_repo: Path, tmp_path: Path) -> Path:
    """A fresh copy of the two-source repository for one test."""
    target = tmp_path / "repo"
    shutil.copytree(_two_source_repo, target)
    return target


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite the expected outputs beside the fixtures instead of comparing.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


# --- the suite leaves the working tree alone ---------------------------------------------------

WATCHED = ("build", "generated", "captures")


def _tree_state() -> tuple[dict[str, dict[str, str]], str]:
    import subprocess

    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    return {name: digest(ROOT / name) for name in WATCHED}, status


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_BEFORE] = _tree_state()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.config.stash.get(_BEFORE, None)
    if before is None:
        return
    after = _tree_state()
    if after != before:
        changed = [
            f"{name}/{path}"
            for name in WATCHED
            for path in sorted(before[0][name].keys() | after[0][name].keys())
            if before[0][name].get(path) != after[0][name].get(path)
        ]
        print(f"\nthe test suite changed the working tree: {changed or after[1]}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_BEFORE = pytest.StashKey[tuple[dict[str, dict[str, str]], str]]()


NODE_BIN = ROOT / ".venv/bin"
TSC = ROOT / ".venv/node/node_modules/typescript/bin/tsc"
TS_STRICT = [
    flag
    for line in (ROOT / "tools/tsc.flags").read_text(encoding="utf-8").splitlines()
    if not line.startswith("#")
    for flag in line.split()
]


def node_run(
    args: list[str], cwd: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=cwd,
        env={**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env},
    )


def tsc(*args: str) -> subprocess.CompletedProcess[str]:
    assert TSC.is_file(), "run 'make install' (it installs the TypeScript compiler)"
    return node_run([str(NODE_BIN / "node"), str(TSC), *TS_STRICT, *args])


@pytest.fixture(scope="session")
def compiled_ts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """generated/typescript/okx-error-codes compiled to JavaScript once, as an ES module folder."""
    out = tmp_path_factory.mktemp("compiled")
    result = tsc("--outDir", str(out), str(ROOT / "generated/typescript/okx-error-codes/index.ts"))
    assert result.returncode == 0, result.stdout + result.stderr
    (out / "package.json").write_text('{"type": "module"}\n', encoding="utf-8")
    return out


# What 'make test-fast' leaves out (marked slow): whole modules that build environments and
# packages, run subprocesses or measure costs, and the tests that take over 0.6 s here
# (mostly a whole regen of the repository). 'make test' runs them all.
SLOW_MODULES = frozenset(
    {
        "test_automation",
        "test_differential",
        "test_dist",
        "test_hardening",
        "test_make",
        "test_scaling",
        "test_reply_shapes",
        "test_typescript",
        "test_workflows",
    }
)
SLOW_TESTS = frozenset(
    {
        "test_audit::test_a_folder_where_a_generated_file_goes_changes_nothing",
        "test_audit::test_a_running_regen_keeps_its_staged_files_while_another_command_waits",
        "test_audit::test_a_same_host_redirect_to_ftp_fails_that_source_only",
        "test_audit::test_a_second_command_on_the_tree_waits_then_says_another_is_running",
        "test_audit::test_an_etag_that_is_no_header_value_is_neither_stored_nor_sent",
        "test_audit::test_fetch_without_network_is_an_error_that_names_each_source",
        "test_audit::test_regen_into_another_folder_keeps_the_users_files",
        "test_cli::test_extract_then_render_reproduces_generated",
        "test_cli::test_reduced_capture_extracts_like_the_full_page",
        "test_diff::test_check_exit_codes",
        "test_diff::test_fail_on_levels",
        "test_diff::test_losing_many_codes_is_refused_then_allowed",
        "test_diff::test_removed_source_is_refused_then_allowed",
        "test_fetch::test_404_is_not_retried",
        "test_fetch::test_etag_round_trip_transfers_no_body_the_second_time",
        "test_fetch::test_fault_fails_the_source_and_changes_nothing",
        "test_fetch::test_fetch_command_updates_captures_only_and_summarizes_as_json",
        "test_fetch::test_loopback_crawl_regenerates_exactly_the_committed_outputs",
        "test_fetch::test_oversized_streamed_body_is_cut_off",
        "test_fetch::test_read_timeout_then_success",
        "test_fetch::test_unreachable_network_falls_back_to_the_captures",
        "test_fetch::test_validators_are_sent_only_with_the_capture_they_were_stored_with",
        "test_generated::test_generated_python_passes_mypy_strict_and_ruff",
        "test_generated::test_hostile_generated_python_passes_mypy_strict",
        "test_generated::test_regen_twice_leaves_git_clean",
        "test_generated::test_same_bytes_under_different_hash_seeds",
        "test_generated::test_the_readme_example_type_checks_and_runs",
        "test_golden::test_extraction_matches_golden",
        "test_replay::test_extract_names_each_table_language_and_explains_the_copy",
        "test_replay::test_sub_codes_are_no_removal_and_one_split_each",
        "test_runtime::test_a_deep_or_huge_reply_is_read_without_recursion",
        "test_runtime::test_a_deep_reply_costs_time_in_proportion",
        "test_runtime::test_typescript_carries_the_constants_of_the_python_file",
        "test_sources::test_checking_many_sources_costs_in_proportion",
        "test_third_audit::test_a_failed_source_is_said_once_by_diff_and_regen",
        "test_third_audit::test_a_folder_that_refuses_a_removal_stops_the_run_before_any_move",
        "test_third_audit::test_a_form_feed_in_a_fetched_cell_is_a_space_and_a_warning",
        "test_third_audit::test_a_lost_dates_file_is_rebuilt_from_the_committed_versions_and_said",
        "test_third_audit::test_a_package_whose_bytes_change_gets_a_new_version",
        "test_third_audit::test_ctrl_c_while_the_command_line_loads_is_one_line",
        "test_third_audit::test_one_struck_code_changes_about_one_line_of_markdown",
        "test_third_audit::test_render_reads_the_generated_json_and_gives_generated_back",
        "test_usability::test_check_json",
        "test_usability::test_reports_say_one_true_thing_and_findings_never_fail_a_run",
        "test_v5::test_a_change_to_one_variant_is_reported_for_that_variant",
        "test_v5::test_every_templated_row_filled_matches_back_to_itself",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.stem
        name = getattr(item, "originalname", item.name)
        if module in SLOW_MODULES or f"{module}::{name}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
