// The records of the generated tables and of a matched reply (no runtime dependencies).

import { PLACEHOLDER } from "./constants.js";

/** The documentation page a table was extracted from. */
export interface Source {
  readonly id: string;
  readonly url: string;
  readonly locale: string;
  readonly title: string;
  readonly group: string | null;
}

/** An ordinary documented code, or an HTTP status the page lists beside them. */
export type Kind = "code" | "http";

/** The names of CATEGORIES (a test keeps the two lists the same). */
export type Category =
  | "ExchangeError"
  | "AuthenticationError"
  | "PermissionDenied"
  | "AccountNotEnabled"
  | "AccountSuspended"
  | "ArgumentsRequired"
  | "BadRequest"
  | "BadSymbol"
  | "OperationRejected"
  | "NoChange"
  | "MarginModeAlreadySet"
  | "MarketClosed"
  | "ManualInteractionNeeded"
  | "RestrictedLocation"
  | "InsufficientFunds"
  | "InvalidAddress"
  | "AddressPending"
  | "InvalidOrder"
  | "OrderNotFound"
  | "OrderImmediatelyFillable"
  | "OrderNotFillable"
  | "DuplicateOrderId"
  | "ContractUnavailable"
  | "NotSupported"
  | "NetworkError"
  | "DDoSProtection"
  | "RateLimitExceeded"
  | "ExchangeNotAvailable"
  | "OnMaintenance"
  | "InvalidNonce"
  | "RequestTimeout"
  | "CancelPending";

/**
 * One documented row of an error code. A code the docs list several times (with different
 * messages) has one ErrorCode per row: see `variants()`.
 */
export interface ErrorCode {
  readonly code: string;
  readonly message: string;
  readonly httpStatus: number | null;
  readonly placeholders: readonly string[];
  readonly title: string | null;
  readonly kind: Kind;
  readonly section: string;
  readonly source: string;
  /** Struck through in the docs. */
  readonly deprecated: boolean;
  /** `1000` of a row the docs write `51008_1000`; `code` is what the API returns. */
  readonly subCode: string | null;
  /**
   * What the error means for the caller: the ccxt exception class the docs' words support
   * (errtables proposes it from the row's evidence; the maintainer's decisions win).
   */
  readonly category: Category;
  /**
   * A network-side error (rate limit, unavailable, maintenance, timeout, nonce): the same
   * request may succeed later.
   */
  readonly retryable: boolean;
  /** The same row's message in each language of the source's group, its own included. */
  readonly translations: Readonly<Record<string, string>>;
}

/**
 * A message matched to a documented row. `exact`: the message is the row's template with
 * `values` filled in (white space aside). Otherwise `row` is the code's closest row, `score`
 * in [0, 1] says how close, and `detail` holds what followed a documented message that the
 * reply extended; `values` is then empty unless that message had some.
 */
export interface Match {
  readonly row: ErrorCode;
  readonly values: Readonly<Record<string, string>>;
  readonly exact: boolean;
  readonly score: number;
  readonly detail: string;
}

/**
 * One error in an API reply: a failing item of `data` (`index` set, with its sCode/sMsg and
 * order ids) or the reply's own code/msg (`index` null). `match` is null when the code is
 * not documented.
 */
export interface ResponseError {
  readonly index: number | null;
  readonly code: string;
  readonly message: string;
  readonly ids: Readonly<Record<string, string>>;
  readonly match: Match | null;
}

/**
 * A `source` that is not one of SOURCES: a mistake in the calling code, not in a reply.
 * The Python package raises an error of the same name.
 */
export class UnknownSourceError extends Error {
  override readonly name = "UnknownSourceError";
}

/** Placeholder names in order of first appearance. */
export function placeholdersOf(message: string): readonly string[] {
  const names = new Set<string>();
  for (const found of message.matchAll(new RegExp(PLACEHOLDER, "g"))) {
    names.add(found[1]!);
  }
  return Object.freeze([...names]);
}

/**
 * A Map that refuses changes, as Python's MappingProxyType does: the tables hand out the same
 * maps to every caller, so an edit would show up in every later answer.
 */
export class FrozenMap<K, V> extends Map<K, V> {
  constructor(entries: Iterable<readonly [K, V]> = []) {
    super();
    for (const [key, value] of entries) {
      super.set(key, value);
    }
    Object.freeze(this);
  }

  override set(key: K, _value: V): this {
    throw new TypeError(`a read-only map: cannot set ${String(key)}`);
  }

  override delete(key: K): boolean {
    throw new TypeError(`a read-only map: cannot delete ${String(key)}`);
  }

  override clear(): void {
    throw new TypeError("a read-only map: cannot clear it");
  }
}

/** The code as the docs write it: `51008_1000` for a sub-code row. */
export function documented(row: ErrorCode): string {
  return row.subCode === null ? row.code : `${row.code}_${row.subCode}`;
}

/**
 * The row's message with its placeholders filled: `{name}` from `named`, `{0}` from
 * `positional[0]`; a named placeholder with no value in `named` takes the positional value
 * at its place in `placeholders`. Other braces are left alone. A placeholder with no value
 * throws a RangeError.
 */
export function format(
  row: ErrorCode,
  positional: readonly unknown[] = [],
  named: Readonly<Record<string, unknown>> = {},
): string {
  return row.message.replace(new RegExp(PLACEHOLDER, "g"), (whole: string, name: string) => {
    if (!row.placeholders.includes(name)) {
      return whole;
    }
    if (Object.prototype.hasOwnProperty.call(named, name)) {
      return String(named[name]);
    }
    const index = /^[0-9]+$/.test(name) ? Number(name) : row.placeholders.indexOf(name);
    if (index < positional.length) {
      return String(positional[index]);
    }
    throw new RangeError(`no value for placeholder ${whole} of code ${row.code}`);
  });
}
