"""What the Python and the TypeScript run-time must agree on, written once.

The Python package imports this file as it is; the generator renders the same values into
``constants.ts``. Plain values only: strings, integers and tuples of strings.
"""

from __future__ import annotations

from typing import Final

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
# Reply codes that say only that some or all operations failed; the items say which.
BATCH_CODES: Final = ("1", "2")
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
