"""``make categories``: errtables' categories scored against ccxt's hand-kept exact maps.

For OKX (the generated tables of ``--okx`` sources), leave-one-out: each code ccxt maps is
categorized with ccxt's classes of every other code as decisions (what a maintainer who
adopted ccxt's map would have), never its own; and once with no decision at all. For every
other exchange (``--page NAME=PATH``, NAME being ccxt's exchange id), the page is extracted
and categorized from its words alone: its ccxt map is used for scoring only.

Per exchange: the codes compared (those ccxt maps that the docs document), the share whose
category is ccxt's class, the share whose ``retryable`` is right, the share of ccxt's
network errors that are retryable, and the commonest confusions (ccxt's class -> ours).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scraper import categorize, ccxt_map, commands, regen, state  # noqa: E402
from scraper import page as pages  # noqa: E402
from scraper.ccxt_classes import is_retryable  # noqa: E402
from scraper.model import CodeTable, Row  # noqa: E402

SHARED = ROOT.parent / "shared" / "pages" / "other-exchanges"
PAGES = {
    "bybit": SHARED / "bybit-v5-error-en.html",
    "gate": SHARED / "gateio-v4.html",
    "kraken": SHARED / "kraken-spot-errors.html",
}
# The fidelity corpus: pages of many exchanges, named ``<exchange>-...``; those whose
# exchange ccxt has an exact map for are scored together, as one more held-out set.
CORPUS = ROOT.parent / "shared" / "pages" / "corpus"
# ccxt's three general classes, which its maps use differently from exchange to exchange (an
# invalid leverage is BadRequest in one map, InvalidOrder or ExchangeError in another): the
# second agreement column counts a choice among them as agreement.
GENERAL = frozenset({"ExchangeError", "BadRequest", "InvalidOrder"})
OKX_SOURCES = ("okx-v5-en", "okx-v5-zh")


def first_rows(tables: list[CodeTable]) -> Iterator[tuple[str, Row, str, tuple[Row, ...]]]:
    """(code, its first row, the row's section, the rows of its table), first source first."""
    seen: set[str] = set()
    for table in tables:
        for part in table.tables:
            for row in part.rows:
                if row.code not in seen:
                    seen.add(row.code)
                    yield row.code, row, part.section, part.rows


def score(predicted: dict[str, str], exact: dict[str, str]) -> dict[str, Any]:
    codes = [c for c in predicted if c in exact]
    agree = sum(predicted[c] == exact[c] for c in codes)
    retry = sum(is_retryable(predicted[c]) == is_retryable(exact[c]) for c in codes)
    network = [c for c in codes if is_retryable(exact[c])]
    confusions = Counter(f"{exact[c]}->{predicted[c]}" for c in codes if predicted[c] != exact[c])
    loose = sum(predicted[c] == exact[c] or {predicted[c], exact[c]} <= GENERAL for c in codes)
    return {
        "codes": len(codes),
        "agree": agree,
        "agree_general_as_one": loose,
        "retryable": retry,
        "network": len(network),
        "network_retryable": sum(is_retryable(predicted[c]) for c in network),
        "confusions": confusions.most_common(4),
    }


def okx(generated: Path, exact: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Leave-one-out with ccxt's other classes as decisions, and with no decision."""
    committed = state.committed(generated)
    plain = [committed[sid] for sid in OKX_SOURCES]
    words, loo = {}, {}
    # A row is never its own precedent: one index serves every code left out.
    every = [row for table in plain for part in table.tables for row in part.rows]
    precedents = categorize.Precedents(every, exact)
    for code, _, section, rows in first_rows(plain):
        index = next(i for i, r in enumerate(rows) if r.code == code)
        words[code] = categorize.categorize(section, rows)[index].name
        if code in exact:
            others = {k: v for k, v in exact.items() if k != code}
            found = categorize.categorize(section, rows, others, precedents)
            loo[code] = found[index].name
    return score(loo, exact), score(words, exact)


def other(path: Path, exact: dict[str, str]) -> dict[str, Any]:
    page = pages.read(path)
    table = regen.code_table(commands.source_for(page, None), page)
    (done,), _ = categorize.apply([table])
    return score({code: row.category or "" for code, row, _, _ in first_rows([done])}, exact)


def corpus(folder: Path) -> dict[str, Any] | None:
    """Every corpus page of an exchange ccxt maps, scored from its words alone, together."""
    predicted: dict[str, str] = {}
    exact: dict[str, str] = {}
    for path in sorted(folder.glob("*-*.*")):
        exchange = path.name.split("-", 1)[0]
        try:
            mapped = ccxt_map.ccxt_exact_map(exchange)[1]
        except ccxt_map.CoverageError:
            continue
        page = pages.read(path)
        table = regen.code_table(commands.source_for(page, None), page)
        (done,), _ = categorize.apply([table])
        for code, row, _, _ in first_rows([done]):
            if code in mapped and f"{exchange}:{code}" not in predicted:
                predicted[f"{exchange}:{code}"] = row.category or ""
                exact[f"{exchange}:{code}"] = mapped[code]
    return score(predicted, exact) if predicted else None


def line(name: str, s: dict[str, Any]) -> str:
    def share(a: int, b: int) -> str:
        return f"{100 * a / b:5.1f}%" if b else "    -"

    confusions = ", ".join(f"{k} {n}" for k, n in s["confusions"])
    return (
        f"{name:<25} {s['codes']:>5} {share(s['agree'], s['codes'])} "
        f"{share(s['agree_general_as_one'], s['codes'])}   "
        f"{share(s['retryable'], s['codes'])} {share(s['network_retryable'], s['network'])} "
        f"({s['network']:>2})  {confusions}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generated", type=Path, default=ROOT / "generated")
    parser.add_argument(
        "--page", action="append", default=[], metavar="NAME=PATH", help="ccxt id and page"
    )
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="pages named <exchange>-...")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    args = parser.parse_args(argv)
    chosen = dict(p.split("=", 1) for p in args.page) or {k: str(v) for k, v in PAGES.items()}
    version, exact = ccxt_map.ccxt_exact_map("okx")
    loo, words = okx(args.generated, exact)
    results = {"okx (leave-one-out)": loo, "okx (words only)": words}
    for name, path in chosen.items():
        results[name] = other(Path(path), ccxt_map.ccxt_exact_map(name)[1])
    scored = [loo] + [results[n] for n in chosen]
    if args.corpus.is_dir() and (held := corpus(args.corpus)) is not None:
        results["corpus (other exchanges)"] = held
        scored.append(held)
    results["all (okx leave-one-out)"] = {
        key: sum(s[key] for s in scored)
        for key in (
            "codes",
            "agree",
            "agree_general_as_one",
            "retryable",
            "network",
            "network_retryable",
        )
    } | {"confusions": []}
    if args.json:
        print(json.dumps({"ccxt": version, "results": results}, indent=2))
        return 0
    print(f"ccxt {version}: category agreement with ccxt's exact maps")
    print(f"{'exchange':<25} codes  agree  general  retry  network-retry  commonest confusions")
    for name, s in results.items():
        print(line(name, s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
