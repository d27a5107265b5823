"""The records of the generated tables and of a matched reply (standard library only)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

from ._constants import PLACEHOLDER, RETRYABLE, Category

_PLACEHOLDER: Final = re.compile(PLACEHOLDER)
_RETRYABLE: Final = frozenset(RETRYABLE)
NO_TRANSLATIONS: Final[Mapping[str, str]] = MappingProxyType({})
Kind = Literal["code", "http"]


class UnknownSourceError(KeyError):
    """A ``source=`` that is not one of SOURCES: a mistake in the calling code, not in a
    reply. The TypeScript package throws an error of the same name."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown source"


@dataclass(frozen=True, slots=True)
class Source:
    """The documentation page a table was extracted from."""

    id: str
    url: str
    locale: str
    title: str
    group: str | None = None


@dataclass(frozen=True, slots=True)
class ErrorCode:
    """One documented row of an error code. A code the docs list several times (with
    different messages) has one ErrorCode per row: see ``variants()``."""

    code: str
    message: str
    http_status: int | None
    placeholders: tuple[str, ...]
    title: str | None
    kind: Kind
    section: str
    source: str
    deprecated: bool = False  # struck through in the docs
    # ``1000`` of a row the docs write ``51008_1000``; ``code`` is what the API returns.
    sub_code: str | None = None
    # What the error means for the caller: the ccxt exception class the docs' words support
    # (errtables proposes it from the row's evidence; the maintainer's decisions win).
    category: Category = "ExchangeError"
    # The same row's message in each language of the source's group, its own included.
    translations: Mapping[str, str] = field(
        default_factory=lambda: NO_TRANSLATIONS, compare=False, hash=False
    )

    @property
    def documented(self) -> str:
        """The code as the docs write it: ``51008_1000`` for a sub-code row."""
        return self.code if self.sub_code is None else f"{self.code}_{self.sub_code}"

    @property
    def retryable(self) -> bool:
        """A network-side error (rate limit, unavailable, maintenance, timeout, nonce): the
        same request may succeed later."""
        return self.category in _RETRYABLE

    def format(self, *args: object, **kwargs: object) -> str:
        """The message with its placeholders filled.

        ``{name}`` takes the keyword ``name``; ``{0}`` takes ``args[0]``; a named placeholder
        with no keyword takes the positional argument at its place in ``placeholders``.
        Other braces are left alone. A placeholder with no value raises KeyError.
        """

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.placeholders:
                return match.group(0)
            if name in kwargs:
                return str(kwargs[name])
            index = int(name) if name.isdigit() else self.placeholders.index(name)
            if index < len(args):
                return str(args[index])
            raise KeyError(f"no value for placeholder {match.group(0)} of code {self.code}")

        return _PLACEHOLDER.sub(fill, self.message)


def placeholders_of(message: str) -> tuple[str, ...]:
    """Placeholder names in order of first appearance."""
    if "{" not in message:
        return ()  # most messages: no search
    return tuple(dict.fromkeys(_PLACEHOLDER.findall(message)))


@dataclass(frozen=True, slots=True)
class Match:
    """A message matched to a documented row.

    ``exact``: the message is the row's template with ``values`` filled in (white space
    aside). Otherwise ``row`` is the code's closest row, ``score`` in [0, 1] says how
    close, and ``detail`` holds what followed a documented message that the reply extended
    (``Invalid request: {...}``); ``values`` is then empty unless that message had some.
    """

    row: ErrorCode
    values: Mapping[str, str]
    exact: bool
    score: float = 1.0
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ResponseError:
    """One error in an API reply: a failing item (``index`` set: OKX's ``data[].sCode`` with
    its order ids, Bybit's ``retExtInfo.list[]``) or error string (Kraken's ``error[]``), or
    the reply's own code and message (``index`` None). ``match`` is None when the code is not
    documented; ``code`` is empty for an object the package's reply shape cannot read."""

    index: int | None
    code: str
    message: str
    ids: Mapping[str, str]
    match: Match | None
