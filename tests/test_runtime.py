"""The run-time library's contracts, stated without timing: matching reads a bounded prefix
of a message and searches each literal once, caches stay bounded whatever the replies hold,
deep and huge JSON is read without recursion errors, and the constants both languages share
are the ones the TypeScript package carries."""

from __future__ import annotations

import gc
import json
import re
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper import render, runtime

from .conftest import NODE_BIN, ROOT, examples, node_run
from .test_differential import ROWS, codes, messages

_match = sys.modules["okx_error_codes._match"]
_replies = sys.modules["okx_error_codes._replies"]
_tables = sys.modules["okx_error_codes._tables"]
LIMIT = runtime.constants.MESSAGE_LIMIT


class Counting(str):
    """A message that counts the searches made in it."""

    searches = 0

    def find(self, *args: Any) -> int:  # type: ignore[override]
        Counting.searches += 1
        return super().find(*args)

    def startswith(self, *args: Any) -> bool:  # type: ignore[override]
        Counting.searches += 1
        return super().startswith(*args)

    def endswith(self, *args: Any) -> bool:  # type: ignore[override]
        Counting.searches += 1
        return super().endswith(*args)


@settings(max_examples=examples(300), deadline=None)
@given(row=st.sampled_from(ROWS), message=messages(), whole=st.booleans())
def test_a_template_searches_each_literal_once(row: Any, message: str, whole: bool) -> None:
    template = _match.Template(row.message)
    Counting.searches = 0
    template.fit(Counting(_match.clean(message)), whole)
    # the first literal, then per placeholder: a space before the value, its literal (with
    # its space, then without), the end
    assert Counting.searches <= 1 + 4 * len(template.names)


@settings(max_examples=examples(200), deadline=None)
@given(message=messages(), tail=st.text(min_size=1, max_size=50))
def test_only_the_first_message_limit_characters_are_read(message: str, tail: str) -> None:
    row = next(r for r in ROWS if r.placeholders)
    long = (message + " " * LIMIT)[:LIMIT]
    first = codes.match(row.code, long + tail)
    again = codes.match(row.code, long + tail[::-1] + "x" * 10_000)
    assert first == again and first is not None and not first.exact


def test_the_hostile_messages_of_the_issue_are_answered() -> None:
    """Each took seconds to minutes with the lazy regular expressions (87 s, 4.3 s, 3.6 s,
    15 s); ``make bench`` measures them now."""
    row = next(r for r in codes.variants("51004", "okx-v5-en") if len(r.placeholders) == 8)
    filled = row.format(*["x" * 400] * 8)
    assert len(filled) > 3_500
    found = codes.match("51004", filled + "!", "okx-v5-en")
    assert found is not None and not found.exact
    adjacent = _match.Matcher(
        [row.__class__(**{**_fields(row), "message": "Invalid {0}{1}{2} adjacent"})]
    )
    assert adjacent.match("Invalid " + "a" * 800 + " adjacent").exact
    assert adjacent.match("Invalid " + "a" * 800).exact is False
    assert codes.match("51024", "x " * 5000) is not None
    assert codes.match("51008", "y" * 1_000_000) is not None


def _fields(row: Any) -> dict[str, Any]:
    return {f: getattr(row, f) for f in row.__dataclass_fields__}


def test_no_regular_expression_in_the_runtime_can_backtrack_on_a_message() -> None:
    """Matching uses str.find/indexOf only: no lazy, nested or possessive quantifier in the
    source (the first releases of Python 3.11 match possessive ones wrongly)."""
    for folder, suffix in (("python", ".py"), ("typescript", ".ts")):
        for path in (ROOT / "scraper/runtime" / folder).glob(f"*{suffix}"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"[+*]\?|\)[+*]\)?[+*]", text), path.name


def test_caches_hold_only_documented_codes_and_a_bounded_number_of_answers() -> None:
    tables = _tables.Tables([m.PAGE for m in (codes.okx_v5_en, codes.okx_v5_zh)])
    for n in range(20_000):
        assert tables.match(f"{n:05d}x" + "9" * 10_000, "whatever") is None
    assert not tables._matchers and not tables._recent
    for n in range(3 * _tables.RECENT):
        tables.match("51008", f"something else entirely {n}")
    assert len(tables._matchers) == 1 and 0 < len(tables._recent) <= _tables.RECENT


def test_a_deep_or_huge_reply_is_read_without_recursion() -> None:
    deep = '{"code": "51008", "msg": "x", "deep": ' + "[" * 10_000 + "]" * 10_000 + "}"
    (found,) = codes.errors(deep)
    assert found.code == "51008"
    assert codes.errors(deep[:-1]) == []  # not JSON
    nested: dict[str, Any] = {"code": "51000", "msg": "Parameter instId error"}
    inner = nested
    for _ in range(10_000):
        inner["data"] = inner = {"x": 1}
    assert codes.from_response(nested) is not None
    items = [{"sCode": "0"}] * 999_999 + [{"sCode": "51008", "sMsg": "x"}]
    (last,) = codes.errors({"code": "2", "data": items})
    assert last.index == 999_999
    assert codes.errors(json.dumps({"code": "2", "data": items})) == [last]


@settings(max_examples=examples(300), deadline=None)
@given(
    value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    ),
    cut=st.integers(0, 50),
)
def test_the_stack_free_json_reader_reads_as_json_loads(value: object, cut: int) -> None:
    text = json.dumps(value)
    assert _replies._deep(text) == _replies.load(text)
    broken = text[: max(len(text) - cut, 0)]
    expected = _replies.load(broken) if broken.strip() else None
    assert _replies._deep(broken) == expected


def test_clean_splits_on_exactly_the_shared_white_space() -> None:
    """clean() takes str.split's fast path when the text has none of _SPLIT_ONLY: that is the
    same set only while str.isspace() is SPACES plus _SPLIT_ONLY."""
    spaces = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert spaces == set(runtime.constants.SPACES) | set(_match._SPLIT_ONLY)


def test_typescript_carries_the_constants_of_the_python_file(compiled_ts: Path) -> None:
    script = (
        f"const c = await import({json.dumps((compiled_ts / 'constants.js').as_uri())});"
        "console.log(JSON.stringify(c));"
    )
    result = node_run([str(NODE_BIN / "node"), "--input-type=module", "-e", script])
    assert result.returncode == 0, result.stderr
    expected = {name: value for name, value, _ in render.shared_constants()}
    assert json.loads(result.stdout) == json.loads(json.dumps(expected))
    assert set(expected) == {n for n in vars(runtime.constants) if n.isupper()}


def test_the_typescript_package_reads_deep_and_huge_replies(compiled_ts: Path) -> None:
    script = f"""
const codes = await import({json.dumps((compiled_ts / "index.js").as_uri())});
const nest = "[".repeat(10000) + "]".repeat(10000);
const deep = '{{"code": "51008", "msg": "x", "deep": ' + nest + "}}";
const items = Array(999999).fill({{sCode: "0"}}).concat([{{sCode: "51008", sMsg: "x"}}]);
console.log(JSON.stringify([codes.errors(deep).map((e) => e.code),
  codes.errors({{code: "2", data: items}}).map((e) => e.index)]));
"""
    result = node_run([str(NODE_BIN / "node"), "--input-type=module", "-e", script])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [["51008"], [999999]]


def _peak(text: str) -> int:
    """Peak bytes allocated while reading ``text``, the reply's own value included."""
    tracemalloc.start()
    try:
        value = _replies.load(text)
        assert value is not None
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_long_string_deep_in_a_reply_costs_the_memory_of_the_string() -> None:
    """An 8 MB string inside 1,100 arrays (past json.loads' recursion) took 1.3 GB: the string
    pattern kept backtracking state for each character. json's own scanner reads it now: about
    the string's size."""
    sizes = {}
    for n in (2_000_000, 8_000_000):
        text = "[" * 1_100 + '"' + "x" * n + '"' + "]" * 1_100
        sizes[n] = _peak(text)
        assert sizes[n] <= 3 * n, f"{n:,} characters: {sizes[n]:,} bytes at the peak"
    escaped = "[" * 1_100 + '"' + "\\n" * 2_000_000 + '"' + "]" * 1_100
    assert _peak(escaped) <= 3 * len(escaped)


def test_a_deep_reply_costs_time_in_proportion() -> None:
    """1M nested arrays took 5 s (0.83 s in TypeScript): runs of brackets are one match each."""

    def cost(n: int) -> float:
        spent = 0.0
        for text in ("[" * n + "]" * n, '{"a":' * n + "1" + "}" * n):
            best = float("inf")
            for _ in range(3):
                gc.collect()
                gc.disable()  # a collection mid-run is noise, not the reply's cost
                start = time.process_time()
                try:
                    assert _replies.load(text) is not None
                finally:
                    best = min(best, time.process_time() - start)
                    gc.enable()
            spent += best
        return spent

    small, large = cost(50_000), cost(200_000)
    assert large <= 8 * max(small, 0.02), f"n: {small:.3f} s, 4n: {large:.3f} s"
