"""The language of a table, read from its text: the script first, then common words.

A page may carry the same section twice, in two languages (a docs mirror that keeps the
English section, then the Chinese one). The tables in the page's own language are its rows;
a table in another language whose codes the page also documents in its own is a copy, kept
aside to give the rows their translations. A page written wholly in another language (an
English table on a Chinese page) keeps its tables: there is nothing else to read.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .model import PLACEHOLDER, Table

# Scripts that name their language well enough here, most specific first: kana is Japanese
# even among kanji, Hangul Korean; Han alone is Chinese.
_SCRIPTS = (
    ("ja", re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("zh", re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("el", re.compile(r"[\u0370-\u03ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[a-z\u00e0-\u024f]+")
LATIN = "latin"  # Latin letters, no word that tells which language

# Words frequent in any text of a language and rare in the others'.
_WORDS = {
    "en": "the is are not of to and for or please your this with does cannot failed invalid",
    "es": "el la los las es no de del para por su una con están inválido",
    "pt": "o os as é não do da dos das para por sua uma com inválido",
    "fr": "le la les est pas de du des pour par votre une avec invalide",
    "de": "der die das ist nicht von und für oder bitte ihr eine mit ungültig",
    "it": "il lo gli è non di del della per una con valido",
    "vi": "không của và là cho với được",
    "tr": "ve bir bu için değil ile geçersiz",
}
_LEXICON = {lang: frozenset(words.split()) for lang, words in _WORDS.items()}


def script_of(text: str) -> str | None:
    """The language one piece of text's script names (kana: ``ja``, Han: ``zh`` ...),
    ``LATIN`` for Latin letters, None for text without letters."""
    for language, script in _SCRIPTS:
        if script.search(text):
            return language
    return LATIN if _LATIN.search(text) else None


# Common words tell a Latin-script language only with this many of them, and twice as many
# as the next language's: "No market data found." is not Spanish.
_MIN_WORDS = 3


def table_language(table: Table) -> str | None:
    """The language of most of a table's texts (its headings and its messages): by script,
    and for Latin letters by the common words of all of them together (``LATIN`` when too
    few tell)."""
    units = [*table.section.split(" > "), *(row.message for row in table.rows)]
    scripts = [script_of(PLACEHOLDER.sub("", unit)) for unit in units]
    votes = Counter(s for s in scripts if s is not None)
    if not votes:
        return None
    winner = votes.most_common(1)[0][0]
    if winner != LATIN:
        return winner
    words = Counter[str]()
    for unit, script in zip(units, scripts, strict=True):
        if script == LATIN:
            for word in _WORD.findall(unit.lower()):
                words.update(lang for lang, lexicon in _LEXICON.items() if word in lexicon)
    ranked = [*words.most_common(2), ("", 0), ("", 0)]
    (best, hits), (_, second) = ranked[0], ranked[1]
    return best if hits >= _MIN_WORDS and hits >= 2 * second else LATIN


def base(locale: str) -> str:
    """``zh-hans`` -> ``zh``; ``en-US`` -> ``en``."""
    return locale.replace("_", "-").split("-")[0].lower()


def speaks(locale: str, language: str | None) -> bool:
    """Whether text found in ``language`` fits a page declared as ``locale``."""
    if language is None:
        return True
    if language == LATIN:
        return base(locale) in _LEXICON or base(locale) not in dict(_SCRIPTS)
    return language == base(locale)


@dataclass(frozen=True)
class Split:
    own: tuple[Table, ...]
    copies: tuple[tuple[str, tuple[Table, ...]], ...]  # (language, its tables), by language


# A table in another language is a copy when most of its codes are on the page in its own.
COPY_SHARE = 0.5


def split(locale: str, tables: Iterable[Table]) -> Split:
    """The page's own tables, and the copies in other languages set aside."""
    tables = tuple(tables)
    languages = tuple(table_language(t) for t in tables)
    own = [t for t, lang in zip(tables, languages, strict=True) if speaks(locale, lang)]
    if not own:
        return Split(tables, ())
    own_codes = _codes(own)
    foreign: dict[str, list[Table]] = {}
    for table, lang in zip(tables, languages, strict=True):
        if not speaks(locale, lang):
            foreign.setdefault(str(lang), []).append(table)
    copies = {}
    for lang, found in foreign.items():
        codes = _codes(found)
        if len(codes & own_codes) >= COPY_SHARE * len(codes):
            copies[lang] = found
    aside = {id(t) for found in copies.values() for t in found}
    kept = tuple(t for t in tables if id(t) not in aside)
    return Split(kept, tuple((lang, tuple(copies[lang])) for lang in sorted(copies)))


def _codes(tables: Iterable[Table]) -> set[str]:
    return {row.documented for t in tables for row in t.rows}
