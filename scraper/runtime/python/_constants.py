"""What the Python and the TypeScript run-time must agree on, written once.

The Python package imports this file as it is; the generator renders the same values into
``constants.ts``. Plain values only: strings, integers and tuples of strings.
"""

from __future__ import annotations

from typing import Final, Literal, get_args

# White space: collapsed to one space inside a message, stripped from the edges of a code.
# Listed one by one (no ranges) so that both languages build the same character class.
SPACES: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A placeholder in a documented message: {0}, {param0}, {op}.
PLACEHOLDER: Final = r"\{([A-Za-z0-9_]+)\}"
# The order ids a failing item of ``data`` may carry, reported in this order.
ID_KEYS: Final = ("clOrdId", "ordId", "algoId")
# A documented message followed by one of these, then more text, is that message with detail.
DETAIL_START: Final = " :;,.-\u2013\u2014([{"
# Stripped from the start of the detail.
DETAIL_LEAD: Final = " :;,-\u2013\u2014"
# Only this many characters (code points) of a message are read: real ones have under 300.
# A longer message is never an exact match; its detail stops there.
MESSAGE_LIMIT: Final = 1024
# A code or an id given as a JSON number is read only when both languages hold it exactly:
# an integer of at most this size (2**53 - 1). Others are left out.
SAFE_INTEGER: Final = 9007199254740991
# A byte-order mark before a JSON reply is skipped.
BOM: Final = "\ufeff"
# How each exchange's replies carry errors, one built-in shape per string: its name, then
# ";"-separated fields, each "name=path|path" (a path is keys joined by "."):
# code/message: the reply's own error; success: codes that mean none; items: lists of
# per-operation results, read with item_code/item_message/item_success; strings: error
# strings (Kraken's "EOrder:Insufficient funds"); batch: codes that say only that some
# operations failed; readable: the reply is one of this shape only when one of these is
# present (else it cannot be read, which is never a success): the REST envelope's keys and
# those of the WebSocket API's acknowledgements and pushes.
REPLY_SHAPES: Final = (
    "okx;code=code;message=msg;success=0;items=data;item_code=sCode;item_message=sMsg;"
    "item_success=0;batch=1|2;readable=code|sCode|data|event",
    "bybit;code=retCode|ret_code;message=retMsg|ret_msg;success=0;items=retExtInfo.list;"
    "item_code=code;item_message=msg;item_success=0;readable=retCode|ret_code|success|op|topic",
    "binance;code=code|error.code;message=msg|error.msg;success=0|200",
    "kraken;strings=error|errorMessage;readable=error|errorMessage|success|event|channel|method",
    "gate;code=label|data.errs.label;message=message|detail|data.errs.message",
    "deribit;code=error.code;message=error.message;readable=result|error|method",
    "kucoin;code=code;message=msg;success=200000|200;readable=code|type",
    "bitget;code=code;message=msg;success=00000;readable=code|event|arg|action",
    "htx;code=err-code|err_code;message=err-msg|err_msg;readable=status|err-code|err_code|ch|ping|op",
)
# The type of a row's category: the names below, once (TypeScript's Category union is
# kept the same by a test).
Category = Literal[
    "ExchangeError",
    "AuthenticationError",
    "PermissionDenied",
    "AccountNotEnabled",
    "AccountSuspended",
    "ArgumentsRequired",
    "BadRequest",
    "BadSymbol",
    "OperationRejected",
    "NoChange",
    "MarginModeAlreadySet",
    "MarketClosed",
    "ManualInteractionNeeded",
    "RestrictedLocation",
    "InsufficientFunds",
    "InvalidAddress",
    "AddressPending",
    "InvalidOrder",
    "OrderNotFound",
    "OrderImmediatelyFillable",
    "OrderNotFillable",
    "DuplicateOrderId",
    "ContractUnavailable",
    "NotSupported",
    "NetworkError",
    "DDoSProtection",
    "RateLimitExceeded",
    "ExchangeNotAvailable",
    "OnMaintenance",
    "InvalidNonce",
    "RequestTimeout",
    "CancelPending",
]
# What a row means for the caller: one of ccxt's exception classes (its hierarchy is in
# errtables' scraper/ccxt_classes.py), the most specific the docs support.
CATEGORIES: Final = get_args(Category)
# The categories of network-side errors (ccxt's NetworkError and below): worth a retry later.
RETRYABLE: Final = (
    "NetworkError",
    "DDoSProtection",
    "RateLimitExceeded",
    "ExchangeNotAvailable",
    "OnMaintenance",
    "InvalidNonce",
    "RequestTimeout",
)
# The message of the one error an unreadable reply gives (its code is empty).
UNREADABLE: Final = "not a reply of this package's shape"
