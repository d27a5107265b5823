"""Docs changes of the shapes real history showed (issue 30, item 4), each replayed as the
scheduled job meets it: capture the old page, regenerate, capture the new page, diff. The
report names exactly the codes that changed; layout-only changes (a section renamed or
moved) are no code added or removed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import regen_args
from .test_cli import invoke

# The rules a reviewer acts on; section-moved and section-renamed are layout.
CODE_RULES = {"code-added", "code-removed", "message-changed"}


def replay(tmp_path: Path, name: str, old: str, new: str) -> set[tuple[str, str]]:
    """(rule, code) of every code change ``errtables diff`` reports from ``old`` to ``new``."""
    repo = tmp_path / "repo"
    repo.mkdir()
    sources = repo / "sources.toml"
    sources.write_text(
        '[[source]]\nid = "demo"\nurl = "https://example.com/docs/errors"\n'
        'locale = "en"\ntitle = "Demo errors"\n',
        encoding="utf-8",
    )
    for version, text in (("old", old), ("new", new)):
        page = tmp_path / version / name
        page.parent.mkdir()
        page.write_text(text, encoding="utf-8")
        code, _, err = invoke("capture", "demo", str(page), "--sources", str(sources))
        assert code == 0, f"{version}: {err}"
        if version == "old":
            code, _, err = invoke(*regen_args(repo, "--offline"))
            assert code == 0, err
    diff = ("diff", "--offline", "--allow-removals", "--format", "json", "--sources")
    code, out, err = invoke(*diff, str(sources))
    assert code == 0, err
    changes = json.loads(out)["changes"]
    return {(c["rule"], c["code"]) for c in changes if c["rule"] in CODE_RULES}


TABLE = "| Code | Message |\n|------|---------|\n"


def rows(*pairs: tuple[str, str]) -> str:
    return "".join(f"| {code} | {message} |\n" for code, message in pairs)


BASE = (("10001", "Invalid signature"), ("10002", "Request expired"), ("10003", "Balance too low"))
NEWER = (*BASE[:2], ("10003", "Insufficient balance"), ("10004", "Order not found"))
CHANGED = {("message-changed", "10003"), ("code-added", "10004")}


def test_a_markdown_page_that_opens_with_a_generated_table_of_contents(tmp_path: Path) -> None:
    toc = (
        "<!-- START doctoc -->\n- [Errors](#errors)\n<!-- END doctoc -->\n\n# API\n\n## Errors\n\n"
    )
    found = replay(tmp_path, "api.md", toc + TABLE + rows(*BASE), toc + TABLE + rows(*NEWER))
    assert found == CHANGED


def test_a_file_that_is_one_table_and_nothing_else(tmp_path: Path) -> None:
    head = "| Code | Message | Description |\n|---|---|---|\n"
    old = head + "".join(f"| {c} | {m} | See the docs |\n" for c, m in BASE)
    new = head + "".join(f"| {c} | {m} | See the docs |\n" for c, m in NEWER)
    assert replay(tmp_path, "errors.md", old, new) == CHANGED


def test_a_table_without_outer_pipes_of_kebab_case_codes_in_japanese(tmp_path: Path) -> None:
    head = "# API\n\n## エラーコード\n\nコード | メッセージ\n--- | ---\n"
    old = (
        head
        + "order-balance-error | 口座残高が不足しています\norder-invalid-price | 価格が無効です\n"
    )
    new = (
        head
        + "order-balance-error | 口座残高が不足しています\norder-not-found | 注文が見つかりません\n"
    )
    assert replay(tmp_path, "api.md", old, new) == {
        ("code-removed", "order-invalid-price"),
        ("code-added", "order-not-found"),
    }


def test_a_table_whose_delimiter_row_is_fixed_in_the_next_version(tmp_path: Path) -> None:
    first = "# API\n\n## Errors\n\n### General\n\n" + TABLE + rows(*BASE)
    broken = "\n### Orders\n\n| Code | Message |\n|---|---|---|\n" + rows(("20001", "Order failed"))
    fixed = "\n### Orders\n\n" + TABLE + rows(("20001", "Order failed"), ("20002", "Too late"))
    assert replay(tmp_path, "api.md", first + broken, first + fixed) == {("code-added", "20002")}


def test_a_table_moved_to_another_heading_level_that_gained_rows(tmp_path: Path) -> None:
    old = "# API\n\n## Errors\n\n### Order errors\n\n" + TABLE + rows(*BASE)
    new = "# API\n\n## Order errors\n\n" + TABLE + rows(*BASE, ("10005", "Order expired"))
    assert replay(tmp_path, "api.md", old, new) == {("code-added", "10005")}


def test_a_category_label_in_the_code_column_is_no_code(tmp_path: Path) -> None:
    def page(label: str) -> str:
        spot = rows(("51001", "Instrument does not exist"), ("51002", "Instrument not live"))
        return f"# API\n\n## Error codes\n\n{TABLE}| {label} | |\n{spot}| Margin | |\n" + rows(
            ("52001", "Insufficient margin")
        )

    assert replay(tmp_path, "api.md", page("Spot"), page("Spot trading")) == set()


def test_a_code_struck_and_replaced_in_its_cell(tmp_path: Path) -> None:
    old = "# API\n\n## Error codes\n\n" + TABLE + rows(*BASE, ("110075", "Quantity too small"))
    new = (
        "# API\n\n## Error codes\n\n"
        + TABLE
        + rows(*BASE, ("~~110075~~ 182021", "Quantity too small"))
    )
    assert replay(tmp_path, "api.md", old, new) == {
        ("code-removed", "110075"),
        ("code-added", "182021"),
    }


@pytest.mark.parametrize("keys", [("ret_code", "ret_msg"), ("错误码", "错误信息")])
def test_records_of_a_heading_and_two_bullets_keep_their_message_changes(
    tmp_path: Path, keys: tuple[str, str]
) -> None:
    code_key, message_key = keys

    def page(message: str) -> str:
        records = [
            ("ORDER NOT FOUND", "110001", "Order does not exist."),
            ("INSUFFICIENT BALANCE", "110004", message),
            ("PRICE TOO HIGH", "110005", "Order price is higher than the maximum."),
        ]
        return "# API\n\n## Error codes\n" + "".join(
            f"\n### {title}\n\n- {code_key}: {code}\n- {message_key}: {text}\n"
            for title, code, text in records
        )

    old, new = page("Wallet balance is insufficient."), page("Available balance is too low.")
    assert replay(tmp_path, "api.md", old, new) == {("message-changed", "110004")}
