// Reading an API reply: every error it carries, in order, as the Python package's
// _replies.py does. A JSON number is read as a code or an id only when it is a whole number
// both languages hold exactly (Number.isSafeInteger).

import { BATCH_CODES, BOM, ID_KEYS, SPACES } from "./constants.js";
import { strip } from "./match.js";
import type { Match, ResponseError } from "./types.js";

const BATCH: ReadonlySet<string> = new Set(BATCH_CODES);
const SPACE_SET: ReadonlySet<string> = new Set(SPACES);
const NO_IDS: Readonly<Record<string, string>> = Object.freeze({});

interface Decoder {
  decode(bytes: Uint8Array): string;
}
// TextDecoder is global in Node and in browsers; typed here so that no lib beyond ES2022 is
// needed to compile this module.
const TextDecoderClass = (
  globalThis as unknown as {
    TextDecoder?: new (label: string, options: { fatal: boolean }) => Decoder;
  }
).TextDecoder;

/**
 * A reply as a value: an object as it is, JSON text or UTF-8 bytes parsed; undefined when it
 * is not JSON. One byte-order mark before the text is skipped (and one more from bytes, which
 * TextDecoder skips first).
 */
export function load(payload: unknown): unknown {
  let value = payload;
  if (value instanceof Uint8Array) {
    if (TextDecoderClass === undefined) {
      return undefined;
    }
    try {
      value = new TextDecoderClass("utf-8", { fatal: true }).decode(value);
    } catch {
      return undefined;
    }
  }
  if (typeof value !== "string") {
    return value;
  }
  try {
    return JSON.parse(value.startsWith(BOM) ? value.slice(1) : value) as unknown;
  } catch {
    return undefined;
  }
}

function integerText(value: unknown): string | null {
  return typeof value === "number" && Number.isSafeInteger(value) ? String(value) : null;
}

/**
 * A code as the docs write it: a string with its edge spaces stripped, or a JSON number that
 * is a whole number both languages hold exactly. Null for anything else.
 */
export function codeOf(value: unknown): string | null {
  if (typeof value === "string") {
    return strip(value, SPACE_SET) || null;
  }
  return integerText(value);
}

/** An order id as the reply wrote it: a non-empty string, or a whole JSON number. */
function idOf(value: unknown): string | null {
  if (typeof value === "string") {
    return value === "" ? null : value;
  }
  return integerText(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function has(record: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function get(record: Record<string, unknown>, key: string): unknown {
  return has(record, key) ? record[key] : undefined;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

export type Finder = (code: string, message: string) => Match | null;

/**
 * Every error in a reply, in order: each failing item of `data`, then the reply's own code
 * when no item explains it. [] for a success or anything that is not a reply.
 */
export function errors(payload: unknown, find: Finder): ResponseError[] {
  const reply = load(payload);
  if (!isRecord(reply)) {
    return [];
  }
  const out: ResponseError[] = [];
  const data = get(reply, "data");
  let items: readonly unknown[] = [];
  if (Array.isArray(data)) {
    items = data;
  } else if (isRecord(data)) {
    items = [data]; // one result, not in a list
  } else if (has(reply, "sCode") && !has(reply, "code")) {
    items = [reply]; // an item of data, passed on its own
  }
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    if (!isRecord(item)) {
      continue;
    }
    const code = codeOf(get(item, "sCode"));
    if (code === null || code === "0") {
      continue;
    }
    const message = text(get(item, "sMsg"));
    const ids: Record<string, string> = {};
    for (const key of ID_KEYS) {
      const id = idOf(get(item, key));
      if (id !== null) {
        ids[key] = id;
      }
    }
    const match = find(code, message);
    out.push(Object.freeze({ index, code, message, ids: Object.freeze(ids), match }));
  }
  const code = codeOf(get(reply, "code"));
  if (code !== null && code !== "0" && !(BATCH.has(code) && out.length > 0)) {
    const message = text(get(reply, "msg"));
    const match = find(code, message);
    out.push(Object.freeze({ index: null, code, message, ids: NO_IDS, match }));
  }
  return out;
}

/**
 * The reply's own error when its code is a specific one; when it says only that some or all
 * operations failed (1 or 2), the first failing item.
 */
export function mostSpecific(found: readonly ResponseError[]): ResponseError | null {
  for (const error of found) {
    if (error.index === null && !BATCH.has(error.code)) {
      return error;
    }
  }
  return found[0] ?? null;
}
