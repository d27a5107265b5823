"""ccxt's exception classes, child -> parent, as ccxt 4.5.90 defines them
(``ccxt.error_hierarchy``). A copy, so that regen needs no ccxt; tests/test_categories.py
checks it against an installed ccxt, and ``make categories`` installs one.

A category is one of these names; a retryable one is a network-side error (a rate limit,
the exchange unavailable or in maintenance, a timeout, a nonce to renew).
"""

from __future__ import annotations

CCXT_VERSION = "4.5.90"

PARENTS: dict[str, str | None] = {
    "BaseError": None,
    "ExchangeError": "BaseError",
    "AuthenticationError": "ExchangeError",
    "PermissionDenied": "AuthenticationError",
    "AccountNotEnabled": "PermissionDenied",
    "AccountSuspended": "AuthenticationError",
    "ArgumentsRequired": "ExchangeError",
    "BadRequest": "ExchangeError",
    "BadSymbol": "BadRequest",
    "OperationRejected": "ExchangeError",
    "NoChange": "OperationRejected",
    "MarginModeAlreadySet": "NoChange",
    "MarketClosed": "OperationRejected",
    "ManualInteractionNeeded": "OperationRejected",
    "RestrictedLocation": "OperationRejected",
    "InsufficientFunds": "ExchangeError",
    "InvalidAddress": "ExchangeError",
    "AddressPending": "InvalidAddress",
    "InvalidOrder": "ExchangeError",
    "OrderNotFound": "InvalidOrder",
    "OrderNotCached": "InvalidOrder",
    "OrderImmediatelyFillable": "InvalidOrder",
    "OrderNotFillable": "InvalidOrder",
    "DuplicateOrderId": "InvalidOrder",
    "ContractUnavailable": "InvalidOrder",
    "NotSupported": "ExchangeError",
    "InvalidProxySettings": "ExchangeError",
    "ExchangeClosedByUser": "ExchangeError",
    "OperationFailed": "BaseError",
    "NetworkError": "OperationFailed",
    "DDoSProtection": "NetworkError",
    "RateLimitExceeded": "NetworkError",
    "ExchangeNotAvailable": "NetworkError",
    "OnMaintenance": "ExchangeNotAvailable",
    "InvalidNonce": "NetworkError",
    "ChecksumError": "InvalidNonce",
    "RequestTimeout": "NetworkError",
    "BadResponse": "OperationFailed",
    "NullResponse": "BadResponse",
    "CancelPending": "OperationFailed",
    "UnsubscribeError": "BaseError",
}

FALLBACK = "ExchangeError"
RETRYABLE_ROOT = "NetworkError"
# Classes a row is never given: the roots, and errors of ccxt itself or of a transport.
NOT_A_CATEGORY = frozenset(
    {
        "BaseError",
        "OperationFailed",
        "BadResponse",
        "NullResponse",
        "UnsubscribeError",
        "InvalidProxySettings",
        "ExchangeClosedByUser",
        "OrderNotCached",
        "ChecksumError",
    }
)
CATEGORIES = tuple(name for name in PARENTS if name not in NOT_A_CATEGORY)


def ancestry(name: str) -> tuple[str, ...]:
    """``OnMaintenance`` -> (OnMaintenance, ExchangeNotAvailable, NetworkError, ...)."""
    chain = []
    current: str | None = name
    while current is not None and current not in chain:
        chain.append(current)
        current = PARENTS.get(current)
    return tuple(chain)


def is_retryable(name: str) -> bool:
    return RETRYABLE_ROOT in ancestry(name)
