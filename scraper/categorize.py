"""What an error means for the caller: a ccxt exception class for every row, with its evidence.

The evidence, strongest first:

1. a maintainer's decision in ``categories.toml`` (always wins);
2. the row's own words: its message, its translations and a code that is a word
   (``BALANCE_NOT_ENOUGH``), read by the ordered rules below, first match wins;
3. its HTTP status (401, 403, 429, 503, ...);
4. a decided row worded like it (``Precedents``), which also outweighs the broad classes
   (``_BROAD``) that (2) and (3) give;
5. its neighbours in the table: the class most of the nearest rows before and after it
   were given by (1) or (2);
6. the section heading around the table, read by the same rules and a few words of its own
   ("Trade Class", 交易类);
7. otherwise ``ExchangeError``.

The rules name no exchange and no code number: they say what words mean in any exchange's
docs, in the languages of the pages errtables reads. Same rows in, same classes out.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from .ccxt_classes import CATEGORIES, FALLBACK, is_retryable
from .model import CodeTable, ErrtablesError, Row

# How many rows on each side of a row are its neighbours.
NEIGHBOURS = 3


@dataclass(frozen=True)
class Category:
    name: str  # a ccxt exception class
    evidence: str  # why, in one line a reviewer can check against the docs

    @property
    def retryable(self) -> bool:
        return is_retryable(self.name)


# (class, pattern) in order: the first that matches a row's words decides. The more specific
# meaning comes first ("order does not exist" before anything about orders).
_RULES: tuple[tuple[str, str], ...] = (
    (
        "OnMaintenance",
        r"maintenance(?! margin| requirement| ratio)|under maintain"
        r"|系统维护|维护中|停机维护|正在维护|升级维护|メンテナンス|점검",
    ),
    (
        "DDoSProtection",
        r"lock.?out|locked out|too many (?:\w+ ){0,3}(?:errors|failures|failed attempts)|ddos",
    ),
    (
        "RateLimitExceeded",
        r"rate.?limit|too many (?:requests|visits|calls|attempts)|too (?:frequent|fast)"
        r"|(?:requests?|visits?|calls?) (?:are |is )?too frequent|frequency limit|throttl"
        r"|请求(?:过于|太)?频繁|频率|限频|限速|頻繁|過多|너무 많은 요청|слишком много запросов"
        # A quota of connections or subscriptions is a rate limit of its own.
        r"|(?:connections?|subscri\w+|channels?)(?: \w+){0,2} exceeds? (?:the )?(?:\w+ )?limit",
    ),
    ("RequestTimeout", r"time ?d? ?out|超时|タイムアウト|시간 초과|таймаут"),
    # Where a place's laws say no, a service that is unavailable stays so.
    (
        "RestrictedLocation",
        r"\bregion|\bcountr(?:y|ies)|jurisdiction|local (?:laws|regulations|compliance)"
        r"|地区|国家|地域|지역|국가",
    ),
    # An account's function that is unavailable is the account's state, not the exchange's.
    (
        "AccountSuspended",
        r"(?:this|your|the) account\w*(?: \w+){0,3} (?:is |are )?(?:temporarily )?unavailable"
        r"|(?:functions?|features?) of (?:this|your) account",
    ),
    (
        "ExchangeNotAvailable",
        r"(?:service|server|system|exchange|api|engine|endpoint)s? (?:is |are )?"
        r"(?:temporarily )?(?:inactive or )?"
        r"(?:unavailable|not available|busy|too busy|offline|overloaded|restarting)"
        r"|(?:can ?not|can't) be (?:made|processed|completed) (?:at this time|right now)"
        r"|internal server error|server error|temporarily unavailable|disabled temporarily"
        r"|(?:system|internal|unknown) error\W+(?:please )?(?:try again|retry)"
        r"|(?:buffer|queue|system|server) is full|overloaded"
        r"|系统繁忙|服务(?:暂时)?不可用|服务繁忙|系统忙|サーバー|서버",
    ),
    (
        "InvalidNonce",
        r"nonce|time window|recv.?window|timestamp (?:request )?(?:has )?expired"
        r"|timestamp (?:\w+ ){0,3}(?:far from|outside|ahead of|behind) (?:the )?server",
    ),
    (
        "AuthenticationError",
        r"api.?key\w*(?: \w+){0,4} (?:deleted|revoked|expired|disabled|removed)",
    ),
    ("NetworkError", r"network error|reconnect|connection (?:\w+ ){0,3}(?:closed|lost|reset)"),
    (
        "InsufficientFunds",
        r"insufficient (?:\w+ )?(?:balance|funds?|margin|assets?|equity|collateral)"
        r"|(?:balance|funds?|margin|assets?|equity)\w* (?:is |are )?(?:insufficient|not enough)"
        r"|not enough (?:\w+ )?(?:balance|funds?|margin|assets?)|(?:balance|fund)s? not enough"
        r"|balance is 0|negative (?:\w+ )?balance"
        r"|cannot cover|unable to cover|exceeds? (?:your |the )?(?:available )?balance"
        r"|余额不足|资金不足|保证金不足|可用(?:余额|资金|保证金)?不足|残高不足|잔고 부족|잔액 부족"
        r"|недостаточно средств",
    ),
    (
        "OrderNotFound",
        r"order\b.{0,40}(?:does not|doesn't|do not|not) exist|order\w* (?:is )?not found"
        r"|no such order|unknown order"
        r"|order .{0,40}already (?:been )?(?:filled|cancell?ed|completed)"
        r"|订单不存在|委托不存在|注文が存在しません|주문이 존재하지",
    ),
    (
        "OrderImmediatelyFillable",
        r"(?:would|will) (?:match|take|be (?:filled|executed|finished)) immediately"
        r"|immediately (?:match|fill|execut)",
    ),
    ("ArgumentsRequired", r"missing (?:required |mandatory )?(?:param|argument)"),
    (
        "PermissionDenied",
        r"permission|whitelist|white list|forbidden|read.?only|not authori[sz]ed|access denied"
        r"|not allowed to access|\bip\b (?:\w+ )?(?:is )?not allowed"
        r"|权限|白名单|権限|권한|доступ запрещ",
    ),
    (
        "AccountSuspended",
        r"(?:account|user|login)\w*(?: \w+){0,3} (?:is |has been |was )?"
        r"(?:frozen|blocked|locked|suspended|banned|disabled)"
        r"|(?:frozen|blocked|locked|suspended|banned)\w* (?:\w+ )?(?:account|user)"
        r"|(?:account|user)\w*(?: \w+){0,3} (?:has )?(?:triggered|triggering|is under) "
        r"(?:\w+ )?risk control"
        r"|账户(?:已)?(?:被)?(?:冻结|锁定|禁用)|用户(?:已)?(?:被)?(?:冻结|锁定|禁用)|アカウント.*凍結|계정.*(?:잠|정지)",
    ),
    (
        "AuthenticationError",
        r"(?:invalid|incorrect|wrong|expired|illegal|unknown|error) (?:\w+ )?(?:api.?)?key\b"
        r"|(?:api.?key|\bkey\b)\w*'? (?:\w+ ){0,3}(?:invalid|incorrect|wrong|expired|illegal|error"
        r"|mismatch|not match|does not exist|doesn't exist|not exist|not found|missing|required)"
        r"|signature|\bsign\b|passphrase|log.?in|authenticat|credential"
        r"|access.?(?:key|sign|timestamp|passphrase)|\btoken\b|\bkyc\b|\bheader"
        r"|签名|密钥|登录|登陆|认证|鉴权|認証|署名|인증|서명|подпис|ключ",
    ),
    (
        "BadSymbol",
        r"(?:instrument|symbol|currency pair|trading pair|\bpair|\bmarket|contract|\bcoin"
        r"|\btoken|currency|underlying|\bindex)\w*(?: id)? (?:\w+ )?(?:does not exist|doesn't "
        r"exist|not exist|not found|is invalid|invalid|unknown|not match)"
        r"|(?:invalid|unknown|wrong|unsupported) (?:instrument|symbol|currency|pair|coin|market|"
        r"contract)|(?:交易对|币对|合约|币种|产品)(?:不存在|无效|错误)",
    ),
    (
        "ContractUnavailable",
        r"contract (?:is |has been )?(?:suspended|expired|under delivery|being (?:settled|"
        r"delivered)|not (?:yet )?listed)|(?:pair|contract) (?:is )?not (?:yet )?listed"
        r"|being settled|under delivery|合约(?:已)?(?:暂停|过期|交割)",
    ),
    (
        "InvalidAddress",
        r"(?:invalid|incorrect|illegal|wrong) (?:\w+ )?address|address (?:\w+ )?(?:is )?"
        r"(?:invalid|incorrect|illegal|wrong)|地址(?:无效|错误|不正确)",
    ),
    ("MarginModeAlreadySet", r"margin mode (?:\w+ )*(?:not (?:been )?modified|already set)"),
    ("NoChange", r"(?:has |have )?not (?:been )?modified|no change|nothing (?:to|was) change"),
    ("CancelPending", r"(?:being|already in) cancel|cancel(?:l)?ing status|pending cancel"),
    # Moving money is not an order: the class of what goes wrong there is the general one.
    (
        "ExchangeError",
        r"withdraw|deposit|transfer|borrow|repay|\bloan|redeem|redemption|提币|充值|划转|借币|还币",
    ),
    (
        "BadRequest",
        r"param|argument|\bjson\b|content.?type|request (?:body|method|format)|invalid request"
        r"|malformed|\bformat\b|can ?not be empty|cannot be null|is null|is required"
        r"|\brequired\b|invalid (?:\w+ )?(?:value|field|input)|url|endpoint|参数|格式|不能为空"
        r"|パラメータ|매개변수|파라미터|параметр",
    ),
    (
        "InvalidOrder",
        r"\border|\bprice|quantity|\bqty\b|\bamount|\bsize\b|leverage|position|\btp\b|\bsl\b"
        r"|take.?profit|stop.?loss|trigger\w* (?:\w+ )?(?:price|order|px)|trigger(?:ord)?px"
        r"|reduce.?only|post.?only|liquidat|\blot\b|notional"
        r"|订单|委托|下单|价格|数量|仓位|持仓|杠杆|注文|주문|ордер|заявк",
    ),
    (
        "ExchangeError",
        r"internal error|system error|unknown error|operation failed|\bfailed\b|系统错误|内部错误",
    ),
)

# Section headings say less than a row's words: only the widest classes follow from them.
_SECTION_RULES: tuple[tuple[str, str], ...] = (
    ("AuthenticationError", r"\bauth|api key|\bsign|鉴权|认证|签名"),
    ("InvalidOrder", r"\btrad(?:e|ing)\b|\border|交易|订单|委托|取引|주문|거래"),
)


@cache
def _compiled(rules: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The rules, compiled when first read (a run whose categories are kept reads none)."""
    return tuple((name, re.compile(pattern)) for name, pattern in rules)


_STATUS = {
    401: "AuthenticationError",
    403: "PermissionDenied",
    404: "BadRequest",
    405: "BadRequest",
    408: "RequestTimeout",
    429: "RateLimitExceeded",
    502: "ExchangeNotAvailable",
    503: "ExchangeNotAvailable",
    504: "RequestTimeout",
}

# What a message leaves to its caller: ``{param0}``, ``%s``, ``${ccy}``, ``[XXXXX]``.
_BLANKS = re.compile(r"\$?\{[^{}]*\}|%[a-z]|\[[^\[\]]*\]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_WORD = re.compile(r"[_:.\-]+")
_SPACES = re.compile(r"\s+")


def _words(text: str) -> str:
    """Lower case, one space between words; ``BALANCE_NOT_ENOUGH`` and ``EOrder:Insufficient``
    read as words."""
    text = _BLANKS.sub(" ", text.replace("\u2019", "'"))
    return _SPACES.sub(" ", text).strip().lower()


def _code_words(code: str) -> str:
    """The words a code is made of, or nothing when it is a number."""
    if not any(c.isalpha() for c in code):
        return ""
    return _NOT_WORD.sub(" ", _CAMEL.sub(" ", code))


def _first(rules: Iterable[tuple[str, re.Pattern[str]]], text: str) -> tuple[str, str] | None:
    for name, pattern in rules:
        found = pattern.search(text)
        if found:
            return name, found.group(0).strip()
    return None


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'") + '"'


@lru_cache(maxsize=8192)
def _rule_for(text: str) -> tuple[str, str] | None:
    """The first rule the text's words match (each language's row of a code shares its
    English words: read once)."""
    return _first(_compiled(_RULES), _words(text))


def _english(row: Row) -> list[str]:
    """The row's English messages, where its group has them."""
    return [m for locale, m in row.translations if locale.startswith("en")]


def from_words(row: Row) -> Category | None:
    """The class the row's own words give, if any."""
    # English first, where the group has it: every language's row of a code reads the same
    # words, so one code has one class in each of its languages.
    others = [m for locale, m in row.translations if not locale.startswith("en")]
    texts = [_code_words(row.code), *_english(row), row.message, *others]
    for text in texts:
        found = _rule_for(text) if text else None
        if found:
            return Category(found[0], f"words {_quote(found[1])}")
    return None


def from_status(row: Row) -> Category | None:
    name = _STATUS.get(row.http_status or 0)
    return Category(name, f"HTTP {row.http_status}") if name else None


def from_section(section: str) -> Category | None:
    text = _words(section.rsplit(" > ", 1)[-1])
    found = _first(_compiled(_RULES), text) or _first(_compiled(_SECTION_RULES), text)
    return Category(found[0], f"section {_quote(found[1])}") if found else None


# Words too common to make two messages alike.
_COMMON = frozenset(
    "a an and are be by can cannot for from has have in is it its not of on or please the "
    "this to was with you your".split()
)
_TOKENS = re.compile(r"[a-z0-9]+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# How alike two messages' words must be (shared words / words of either) for a decision on
# one to be the proposal for the other.
ALIKE = 0.6
# The decided rows a row is compared with are those that share a word with it that at most
# this many decided rows have: a word most have says little, and comparing every row with
# every decided row would cost a table's rows times its decisions.
_COMMONEST = 64


def _tokens(row: Row) -> frozenset[str]:
    english = _english(row)
    text = _words(english[0] if english else row.message)
    return frozenset(_TOKENS.findall(text)) - _COMMON


def decided_by(row: Row, decided: Mapping[str, str]) -> str | None:
    """The key of the maintainer's decision for a row: its sub-code (``51008_1000``), else
    its code; None when neither is decided."""
    if row.sub_code is not None and row.documented in decided:
        return row.documented
    return row.code if row.code in decided else None


def decision(row: Row, decided: Mapping[str, str]) -> str | None:
    """The maintainer's class for a row: its sub-code's (``51008_1000``), else its code's."""
    key = decided_by(row, decided)
    return None if key is None else decided[key]


class Precedents:
    """The decided rows of a table: a row whose words are most like a decided row's (at
    least ``ALIKE``) is proposed that decision, as a reviewer who made it would."""

    def __init__(
        self, rows: Iterable[Row], decided: Mapping[str, str], by: str = "decided"
    ) -> None:
        self.by = by  # who decided, as the evidence says it
        # code, the code as documented, its class, message, words
        self.rows: list[tuple[str, str, str, str, frozenset[str]]] = []
        self.postings: dict[str, list[int]] = {}
        seen: set[str] = set()
        for row in rows:
            name = decision(row, decided)
            if name is not None and row.documented not in seen:
                seen.add(row.documented)
                words = _tokens(row)
                for word in words:
                    self.postings.setdefault(word, []).append(len(self.rows))
                self.rows.append((row.code, row.documented, name, row.message, words))

    def like(self, row: Row) -> Category | None:
        """The decision on the decided row most like ``row`` (never its own code; the
        first in page order on a tie), if alike enough."""
        words = _tokens(row)
        near = {
            i
            for word in words
            if len(found := self.postings.get(word, ())) <= _COMMONEST
            for i in found
        }
        best, chosen = 0.0, None
        for i in sorted(near):
            code, _, _, _, theirs = self.rows[i]
            both = len(words & theirs)
            score = both / (len(words) + len(theirs) - both)
            if code != row.code and score > best:
                best, chosen = score, i
        if chosen is None or best < ALIKE:
            return None
        _, documented, name, message, _ = self.rows[chosen]
        return Category(name, f"like {documented} ({self.by}): {_quote(message[:80])}")


def categorize(
    section: str,
    rows: Sequence[Row],
    decided: Mapping[str, str] | None = None,
    precedents: Precedents | None = None,
) -> list[Category]:
    """A category for each row of one table, in order. ``decided``: code (or sub-code,
    ``51008_1000``) -> class, the maintainer's decisions, which win; ``precedents``: the
    decided rows a row's words may be like, which outweigh broad words, neighbours and the
    section."""
    decided = decided or {}
    mine = [decision(row, decided) for row in rows]
    own: list[Category | None] = [
        Category(name, "decided in categories.toml")
        if name is not None
        else from_words(row) or from_status(row)
        for row, name in zip(rows, mine, strict=True)
    ]
    by_section = from_section(section)
    known = [c if name is not None else None for name, c in zip(mine, own, strict=True)]
    out: list[Category] = []
    for i, found in enumerate(own):
        if (
            precedents is not None
            and mine[i] is None
            and (found is None or found.name in _BROAD)
            and (alike := precedents.like(rows[i])) is not None
        ):
            out.append(alike)
            continue
        if found is None:
            found = _from_neighbours(own, i) or by_section or Category(FALLBACK, "no evidence")
        elif found.name in _BROAD and mine[i] is None:
            # A maintainer's decisions around a row say more than its broad words.
            found = _from_neighbours(known, i, unanimous=True) or found
        out.append(found)
    return out


# The classes whose words are broad: decided neighbours that agree outweigh them.
_BROAD = frozenset({"InvalidOrder", "BadRequest", "ExchangeError", "AuthenticationError"})


def _from_neighbours(
    own: Sequence[Category | None], i: int, *, unanimous: bool = False
) -> Category | None:
    around = [*own[max(0, i - NEIGHBOURS) : i], *own[i + 1 : i + 1 + NEIGHBOURS]]
    near = [c.name for c in around if c is not None]
    if not near:
        return None
    counts = Counter(near).most_common()
    (name, count), rest = counts[0], counts[1:]
    if rest and rest[0][1] == count or count * 2 <= len(near):
        return None
    if unanimous and (rest or count < 2):
        return None
    return Category(name, f"neighbours ({count} of {len(near)} nearby rows)")


# ---------------------------------------------------------------------------------------
# The maintainer's decisions, and the tables with a category on every row.

DECISIONS_FILE = "categories.toml"


class DecisionsError(ErrtablesError):
    pass


@dataclass(frozen=True)
class Dispute:
    """A decision that the row's own words contradict: reported, never changed."""

    source: str
    code: str
    decided: str
    proposed: Category


def load_decisions(path: Path, packages: Iterable[str]) -> dict[str, dict[str, str]]:
    """``categories.toml``: package -> code -> class. A missing file decides nothing."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise DecisionsError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DecisionsError(f"{path}: not valid TOML ({exc}); fix the line it names") from exc
    known = sorted(packages)
    out: dict[str, dict[str, str]] = {}
    for package, codes in data.items():
        if package not in known:
            raise DecisionsError(
                f"{path}: [{package}] is no [[package]] of sources.toml "
                f"(known: {', '.join(known) or 'none'}); rename the table"
            )
        if not isinstance(codes, dict):
            raise DecisionsError(f'{path}: {package} must be a table: [{package}] "CODE" = "Class"')
        for code, name in codes.items():
            if name not in CATEGORIES:
                close = difflib.get_close_matches(str(name), CATEGORIES, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise DecisionsError(
                    f"{path}: [{package}] {code!r} = {name!r} is no ccxt exception class{hint}"
                )
        out[package] = {str(code): str(name) for code, name in codes.items()}
    return out


def apply(
    tables: Sequence[CodeTable],
    decisions: Mapping[str, Mapping[str, str]] | None = None,
    package_of: Mapping[str, str] | None = None,
    by: str = "decided",
) -> tuple[list[CodeTable], list[Dispute]]:
    """Every row with its category; the decisions its words contradict. ``decisions``:
    package -> code -> class; ``package_of``: source id -> package; ``by``: who decided, as
    a proposal from an alike decided row says."""
    decisions, package_of = decisions or {}, package_of or {}
    out: list[CodeTable] = []
    disputes: list[Dispute] = []
    for table in tables:
        decided = decisions.get(package_of.get(table.source.id, ""), {})
        every = (row for part in table.tables for row in part.rows)
        precedents = Precedents(every, decided, by) if decided else None
        parts = []
        for part in table.tables:
            found = categorize(part.section, part.rows, decided, precedents)
            rows = tuple(
                row.amended(category=c.name, evidence=c.evidence)
                for row, c in zip(part.rows, found, strict=True)
            )
            parts.append(replace(part, rows=rows))
            for row in part.rows:
                key = decided_by(row, decided)
                if key is not None:
                    own = from_words(row) or from_status(row)
                    if own is not None and own.name != decided[key]:
                        disputes.append(Dispute(table.source.id, key, decided[key], own))
        out.append(replace(table, tables=tuple(parts)))
    unique = {(d.source, d.code): d for d in disputes}
    return out, list(unique.values())


def unused_decisions(
    tables: Sequence[CodeTable],
    decisions: Mapping[str, Mapping[str, str]],
    package_of: Mapping[str, str],
) -> list[tuple[str, str, str]]:
    """(package, code, class) of each decision that no row of the package's tables is
    decided by: a code the docs no longer list, or a typo."""
    seen: dict[str, set[str]] = {}
    for table in tables:
        codes = seen.setdefault(package_of.get(table.source.id, ""), set())
        for part in table.tables:
            codes.update(c for row in part.rows for c in (row.code, row.documented))
    return [
        (package, code, name)
        for package, decided in sorted(decisions.items())
        if package in seen  # a package without a table this run says nothing
        for code, name in sorted(decided.items())
        if code not in seen[package]
    ]


def kept(table: CodeTable, disputes: Sequence[Dispute]) -> str:
    """One categorized table's categories and disputes as text, for the cache."""
    parts = [[[r.category, r.category_evidence] for r in part.rows] for part in table.tables]
    said = [[d.code, d.decided, d.proposed.name, d.proposed.evidence] for d in disputes]
    return json.dumps({"parts": parts, "disputes": said}, ensure_ascii=False)


def from_kept(table: CodeTable, text: str) -> tuple[CodeTable, list[Dispute]]:
    """``table`` (not yet categorized) with the categories ``kept`` wrote for it. Text that
    does not fit the table raises ValueError, KeyError or TypeError."""
    data = json.loads(text)
    parts = data["parts"]
    if len(parts) != len(table.tables):
        raise ValueError("another table's categories")
    out = []
    for part, found in zip(table.tables, parts, strict=True):
        if len(found) != len(part.rows):
            raise ValueError("another table's categories")
        rows = tuple(
            row.amended(category=str(name), evidence=str(evidence))
            for row, (name, evidence) in zip(part.rows, found, strict=True)
        )
        out.append(replace(part, rows=rows))
    disputes = [
        Dispute(table.source.id, str(code), str(decided), Category(str(name), str(evidence)))
        for code, decided, name, evidence in data["disputes"]
    ]
    return replace(table, tables=tuple(out)), disputes
