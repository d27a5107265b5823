"""``make fidelity CORPUS=DIR``: extraction scored on real pages against an independent reading.

DIR holds the pages and a ``truth.json``: for each file, ``must`` (the codes of the rows an
extractor should report, as written, one entry per documented row; a sub-coded row is
``CODE_SUB``), ``may`` (rows not scored either way) and a ``note``. Each page is read as
``errtables extract`` reads it. Per page: the ``must`` rows found (as a multiset of codes),
the false rows (found, in neither ``must`` nor ``may``), and an error if the page could not
be read (its rows then count as missed). Then the totals and the pages read perfectly.

``--save FILE`` keeps the per-page figures as JSON; ``--against FILE`` prints each page's
change from such a file (run it before and after an extraction change); ``--verbose`` names
the codes missed and the false ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper import commands, regen  # noqa: E402
from scraper import page as pages  # noqa: E402
from scraper.model import ErrtablesError  # noqa: E402


def score(path: Path, truth: dict[str, Any]) -> dict[str, Any]:
    """One page's figures: must, found, false, and what was missed or false."""
    must, may = Counter(map(str, truth["must"])), Counter(map(str, truth.get("may", ())))
    error = None
    try:
        page = pages.read(path)
        table = regen.code_table(commands.source_for(page, None), page)
        found = Counter(row.documented for t in table.tables for row in t.rows)
    except (ErrtablesError, ValueError, OSError, RecursionError) as exc:
        error, found = f"{type(exc).__name__}: {exc}", Counter()
    hit = found & must
    false = (found - must) - may
    return {
        "must": sum(must.values()),
        "found": sum(hit.values()),
        "false": sum(false.values()),
        "error": error,
        "missed": sorted((must - hit).elements()),
        "false_codes": sorted(false.elements()),
    }


def percent(found: int, must: int) -> float:
    return 100.0 if must == 0 else 100.0 * found / must


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder with pages and truth.json")
    parser.add_argument("--save", type=Path, help="write the per-page figures here (JSON)")
    parser.add_argument("--against", type=Path, help="figures saved before, to compare with")
    parser.add_argument("-v", "--verbose", action="store_true", help="name missed/false codes")
    args = parser.parse_args(argv)
    truth_file = args.corpus / "truth.json"
    if not truth_file.is_file():
        parser.error(f"{truth_file} is missing: the corpus needs its truth.json")
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    before = json.loads(args.against.read_text(encoding="utf-8")) if args.against else {}
    results = {name: score(args.corpus / name, truth[name]) for name in sorted(truth)}

    width = max(len(n) for n in results)
    print(f"{'page':<{width}}  {'must':>5}  {'found':>5}  {'%':>6}  {'false':>5}  change")
    for name, r in results.items():
        was = before.get(name)
        change = ""
        if was is not None and (was["found"], was["false"]) != (r["found"], r["false"]):
            change = f"found {was['found']}->{r['found']}, false {was['false']}->{r['false']}"
        mark = " ERROR " + r["error"] if r["error"] else ""
        print(
            f"{name:<{width}}  {r['must']:>5}  {r['found']:>5}  "
            f"{percent(r['found'], r['must']):>5.1f}%  {r['false']:>5}  {change}{mark}"
        )
        if args.verbose and (r["missed"] or r["false_codes"]):
            if r["missed"]:
                print(f"    missed: {' '.join(r['missed'][:40])}")
            if r["false_codes"]:
                print(f"    false:  {' '.join(r['false_codes'][:40])}")
    must = sum(r["must"] for r in results.values())
    found = sum(r["found"] for r in results.values())
    false = sum(r["false"] for r in results.values())
    errors = sum(1 for r in results.values() if r["error"])
    perfect = sum(1 for r in results.values() if r["found"] == r["must"] and not r["false"])
    low = [n for n, r in results.items() if percent(r["found"], r["must"]) < 95]
    print(
        f"\n{found:,} of {must:,} must rows ({percent(found, must):.1f}%), {false} false rows, "
        f"{errors} errors; {perfect} of {len(results)} pages perfect; "
        f"{len(results) - len(low)} of {len(results)} pages at 95% or more"
    )
    if before:
        was_found = sum(r["found"] for r in before.values())
        was_false = sum(r["false"] for r in before.values())
        print(f"before: {was_found:,} found, {was_false} false")
    if args.save:
        args.save.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
