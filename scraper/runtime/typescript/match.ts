// Matching a replied message to the documented rows of its code, as the Python package's
// _match.py does (its docstring says how). Positions here count UTF-16 units; wherever
// Python counts characters (one value character, the message limit, the score) this module
// counts code points, so both give the same answers.

import { DETAIL_LEAD, DETAIL_START, MESSAGE_LIMIT, PLACEHOLDER, SPACES } from "./constants.js";
import type { ErrorCode, Match } from "./types.js";

const SPLIT = new RegExp(PLACEHOLDER);
const WHITE = new RegExp(`[${[...SPACES].map((c) => `\\u{${c.codePointAt(0)!.toString(16)}}`).join("")}]+`, "gu");
const TOKEN = /[a-z0-9]+|[^ ]/gu;
const UPPER = /[A-Z]+/g;
const DETAIL_STARTS: ReadonlySet<string> = new Set(DETAIL_START);
const DETAIL_LEADS: ReadonlySet<string> = new Set(DETAIL_LEAD);
const END_SPACES: ReadonlySet<string> = new Set(SPACES + ".");
const NO_VALUES: Readonly<Record<string, string>> = Object.freeze({});

/** Units of the code point at `index`: 2 for a surrogate pair, else 1. */
function unitsAt(text: string, index: number): number {
  const high = text.charCodeAt(index);
  if (high >= 0xd800 && high <= 0xdbff && index + 1 < text.length) {
    const low = text.charCodeAt(index + 1);
    if (low >= 0xdc00 && low <= 0xdfff) {
      return 2;
    }
  }
  return 1;
}

/** Code points in `text`. */
export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += unitsAt(text, i)) {
    count += 1;
  }
  return count;
}

/** The first `limit` code points of `text`, and whether it had more. */
export function head(text: string, limit: number): [string, boolean] {
  if (text.length <= limit) {
    return [text, false];
  }
  let end = 0;
  for (let count = 0; count < limit && end < text.length; count += 1) {
    end += unitsAt(text, end);
  }
  return [text.slice(0, end), end < text.length];
}

/** `text` without the characters of `set` at its start and, unless `startOnly`, its end. */
export function strip(text: string, set: ReadonlySet<string>, startOnly = false): string {
  let start = 0;
  let end = text.length;
  while (start < end && set.has(text[start]!)) {
    start += 1;
  }
  while (!startOnly && end > start && set.has(text[end - 1]!)) {
    end -= 1;
  }
  return text.slice(start, end);
}

const SPACE: ReadonlySet<string> = new Set(" ");

/** White space collapsed: trailing, doubled and line-broken spaces do not matter. */
export function clean(text: string): string {
  return strip(text.replace(WHITE, " "), SPACE);
}

/** The distinct tokens of clean text, ASCII letters in lower case. */
export function words(text: string): ReadonlySet<string> {
  return new Set(text.replace(UPPER, (upper) => upper.toLowerCase()).match(TOKEN) ?? []);
}

/** 2 x shared tokens / (tokens of both): 1 for the same words, 0 for none in common. */
export function similarity(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) {
    return 1;
  }
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const token of small) {
    if (large.has(token)) {
      shared += 1;
    }
  }
  return (2 * shared) / (a.size + b.size);
}

/** One documented message, split at its placeholders. */
export class Template {
  readonly literals: readonly string[];
  readonly spaced: readonly boolean[];
  readonly names: readonly string[];
  readonly openEnd: boolean;
  readonly weight: number;
  readonly words: ReadonlySet<string>;

  constructor(message: string) {
    const pieces = message.split(SPLIT); // literal, name, literal, name, ..., literal
    const texts = pieces.filter((_, k) => k % 2 === 0);
    this.names = pieces.filter((_, k) => k % 2 === 1);
    const last = texts.length - 1;
    this.literals = texts.map((text, k) =>
      !clean(text) && text && k > 0 && k < last ? " " : clean(text),
    );
    this.spaced = texts.map((text) => text !== "" && SPACES.includes(text[0]!));
    this.openEnd = this.names.length > 0 && strip(texts[last]!, END_SPACES) === "";
    const literal = clean(texts.join(""));
    this.weight = codePoints(literal) - literal.split(" ").length + 1;
    this.words = words(literal);
  }

  /**
   * Where the template's match of the start of `text` ends, and the values; with `whole`,
   * only a match of all of `text`. Null when it does not match.
   */
  fit(text: string, whole: boolean): [number, Record<string, string>] | null {
    const literals = this.literals;
    if (!text.startsWith(literals[0]!)) {
      return null;
    }
    let pos = literals[0]!.length;
    const size = text.length;
    if (this.names.length === 0) {
      return pos === size || !whole ? [pos, {}] : null;
    }
    const values: Record<string, string> = {};
    const last = this.names.length;
    for (let i = 1; i <= last; i += 1) {
      const name = this.names[i - 1]!;
      const start = text.startsWith(" ", pos) ? pos + 1 : pos; // the value's first character
      if (start >= size) {
        return null;
      }
      const literal = literals[i]!;
      const first = unitsAt(text, start);
      let end: number;
      if (i === last && whole) {
        end = size - literal.length;
        if (end < start + first || !text.endsWith(literal)) {
          return null;
        }
        pos = size;
      } else if (!literal) {
        end = pos = start + first; // the next placeholder follows at once: one character each
      } else {
        end = this.spaced[i] ? text.indexOf(` ${literal}`, start + first) : -1;
        if (end >= 0) {
          pos = end + 1 + literal.length;
        } else {
          end = text.indexOf(literal, start + first);
          if (end < 0) {
            return null;
          }
          pos = end + literal.length;
        }
      }
      let value = text.slice(start, end);
      value = value.endsWith(" ") ? value.slice(0, -1) : value;
      if (Object.prototype.hasOwnProperty.call(values, name)) {
        if (values[name] !== value) {
          return null;
        }
      } else {
        // An own property even for a name such as __proto__ (plain assignment would set the
        // object's prototype and lose the value).
        Object.defineProperty(values, name, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return [pos, values];
  }
}

/**
 * The templates of one code's rows, most literal text first (ties in the given order:
 * priority, then page order).
 */
export class Matcher {
  readonly rows: readonly ErrorCode[];
  private readonly order: readonly number[];
  private readonly templates: readonly Template[];

  constructor(rows: readonly ErrorCode[]) {
    const templates = rows.map((row) => new Template(row.message));
    const order = rows.map((_, i) => i).sort((a, b) => templates[b]!.weight - templates[a]!.weight);
    this.rows = order.map((i) => rows[i]!);
    this.order = order;
    this.templates = order.map((i) => templates[i]!);
  }

  match(message: string): Match {
    const [cut, longer] = head(message, MESSAGE_LIMIT);
    const text = clean(cut);
    if (!longer) {
      for (let i = 0; i < this.templates.length; i += 1) {
        const found = this.templates[i]!.fit(text, true);
        if (found !== null) {
          const values = Object.freeze(found[1]);
          return Object.freeze({ row: this.rows[i]!, values, exact: true, score: 1, detail: "" });
        }
      }
    }
    const size = text.length;
    for (let i = 0; i < this.templates.length; i += 1) {
      const template = this.templates[i]!;
      if (template.openEnd) {
        continue;
      }
      const found = template.fit(text, false);
      if (found !== null && found[0] < size && DETAIL_STARTS.has(text[found[0]]!)) {
        const [end, values] = found;
        const detail = strip(text.slice(end), DETAIL_LEADS, true);
        const score = codePoints(text.slice(0, end)) / codePoints(text);
        return Object.freeze({
          row: this.rows[i]!,
          values: Object.freeze(values),
          exact: false,
          score,
          detail,
        });
      }
    }
    // The closest row by its literal words; on a tie, the first in priority and page order.
    const tokens = words(text);
    let chosen = 0;
    let best = -1;
    this.templates.forEach((template, i) => {
      const score = similarity(template.words, tokens);
      if (score > best || (score === best && this.order[i]! < this.order[chosen]!)) {
        chosen = i;
        best = score;
      }
    });
    const row = this.rows[chosen]!;
    return Object.freeze({ row, values: NO_VALUES, exact: false, score: best, detail: "" });
  }
}
