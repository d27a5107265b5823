// Reading an API reply: every error it carries, in order, as the Python package's
// _replies.py does. A JSON number is read as a code or an id only when it is a whole number
// both languages hold exactly (Number.isSafeInteger).

import { BOM, ID_KEYS, REPLY_SHAPES, SPACES, UNREADABLE } from "./constants.js";
import { strip } from "./match.js";
import type { Match, ResponseError } from "./types.js";

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

export type Finder = (code: string, message: string) => Match | null;

/**
 * How one exchange's replies carry errors: a built-in shape by name (REPLY_SHAPES), or the
 * fields spelled out in the same form (`code=retCode;message=retMsg;success=0`).
 */
export interface Shape {
  readonly name: string;
  readonly code: readonly string[];
  readonly message: readonly string[];
  readonly success: ReadonlySet<string>;
  readonly items: readonly string[];
  readonly itemCode: readonly string[];
  readonly itemMessage: readonly string[];
  readonly itemSuccess: ReadonlySet<string>;
  readonly strings: readonly string[];
  readonly batch: ReadonlySet<string>;
  readonly readable: readonly string[];
}

function parseShape(spec: string): Shape {
  const parts = spec.split(";");
  const first = parts[0] ?? "";
  const name = first.includes("=") ? "" : (parts.shift() ?? "");
  const fields = new Map<string, string[]>();
  for (const part of parts) {
    const at = part.indexOf("=");
    const key = (at < 0 ? part : part.slice(0, at)).trim();
    const value = at < 0 ? "" : part.slice(at + 1);
    fields.set(
      key,
      value
        .split("|")
        .map((v) => v.trim())
        .filter((v) => v !== ""),
    );
  }
  const list = (key: string): readonly string[] => Object.freeze(fields.get(key) ?? []);
  return Object.freeze({
    name,
    code: list("code"),
    message: list("message"),
    success: new Set(list("success")),
    items: list("items"),
    itemCode: list("item_code"),
    itemMessage: list("item_message"),
    itemSuccess: new Set(list("item_success")),
    strings: list("strings"),
    batch: new Set(list("batch")),
    readable: list("readable"),
  });
}

const BUILT_IN: ReadonlyMap<string, string> = new Map(
  REPLY_SHAPES.map((spec) => [spec.split(";", 1)[0] ?? "", spec] as const),
);

/**
 * A built-in shape by name (okx, bybit, binance, kraken, gate, deribit, kucoin, bitget,
 * htx), else the spelled-out fields; an unknown name reads as OKX's.
 */
export function shape(nameOrSpec: string): Shape {
  let spec = BUILT_IN.get(nameOrSpec);
  if (spec === undefined) {
    spec = nameOrSpec.includes("=") ? nameOrSpec : (BUILT_IN.get("okx") ?? "");
  }
  return parseShape(spec);
}

const OKX: Shape = shape("okx");

/** The value at a dotted path (`retExtInfo.list`); undefined when absent or null. */
function at(reply: Record<string, unknown>, path: string): unknown {
  let value: unknown = reply;
  for (const key of path.split(".")) {
    if (!isRecord(value)) {
      return undefined;
    }
    value = get(value, key);
  }
  return value === null ? undefined : value;
}

function firstCode(reply: Record<string, unknown>, paths: readonly string[]): string | null {
  for (const path of paths) {
    const code = codeOf(at(reply, path));
    if (code !== null) {
      return code;
    }
  }
  return null;
}

function firstText(reply: Record<string, unknown>, paths: readonly string[]): string {
  for (const path of paths) {
    const value = at(reply, path);
    if (typeof value === "string") {
      return value;
    }
  }
  return "";
}

function freeze(
  index: number | null,
  code: string,
  message: string,
  ids: Readonly<Record<string, string>>,
  match: Match | null,
): ResponseError {
  return Object.freeze({ index, code, message, ids, match });
}

/**
 * Every error in a reply, in order: each failing item, each error string, then the reply's
 * own code when no item explains it. [] for a success or anything that is not a JSON object;
 * one error with an empty code for an object this shape cannot read.
 */
export function errors(payload: unknown, find: Finder, form: Shape = OKX): ResponseError[] {
  const reply = load(payload);
  if (!isRecord(reply)) {
    return [];
  }
  if (form.readable.length > 0 && form.readable.every((path) => at(reply, path) === undefined)) {
    return [freeze(null, "", UNREADABLE, NO_IDS, null)];
  }
  const out: ResponseError[] = [];
  let items: unknown[] = [];
  for (const path of form.items) {
    const data = at(reply, path);
    if (Array.isArray(data)) {
      items = items.concat(data);
    } else if (isRecord(data)) {
      items.push(data); // one result, not in a list
    }
  }
  if (
    items.length === 0 &&
    form.itemCode.some((key) => get(reply, key) !== undefined && get(reply, key) !== null) &&
    form.code.every((path) => at(reply, path) === undefined)
  ) {
    items = [reply]; // an item passed on its own
  }
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index];
    if (!isRecord(item)) {
      continue;
    }
    const code = firstCode(item, form.itemCode);
    if (code === null || form.itemSuccess.has(code)) {
      continue;
    }
    const message = firstText(item, form.itemMessage);
    const ids: Record<string, string> = {};
    for (const key of ID_KEYS) {
      const id = idOf(get(item, key));
      if (id !== null) {
        ids[key] = id;
      }
    }
    const frozen = Object.keys(ids).length > 0 ? Object.freeze(ids) : NO_IDS;
    out.push(freeze(index, code, message, frozen, find(code, message)));
  }
  for (const path of form.strings) {
    const value = at(reply, path);
    const listed: readonly unknown[] =
      typeof value === "string" ? [value] : Array.isArray(value) ? value : [];
    for (let index = 0; index < listed.length; index += 1) {
      const entry = listed[index];
      if (typeof entry === "string") {
        const stripped = strip(entry, SPACE_SET);
        if (stripped !== "") {
          out.push(stringError(index, stripped, find));
        }
      }
    }
  }
  const code = firstCode(reply, form.code);
  if (code !== null && !form.success.has(code) && !(form.batch.has(code) && out.length > 0)) {
    const message = firstText(reply, form.message);
    out.push(freeze(null, code, message, NO_IDS, find(code, message)));
  }
  return out;
}

/**
 * An error string (`EOrder:Insufficient funds`, `EGeneral:Invalid arguments:volume`,
 * `General:Invalid arguments`): its code is the string, or its `Category:Message` prefix, as
 * the docs list it (with the leading `E` a library may drop); exact when the string is that
 * code, the rest its detail.
 */
function stringError(index: number, text: string, find: Finder): ResponseError {
  const parts = text.split(":");
  const candidates = parts.length < 3 ? [text] : [text, parts.slice(0, 2).join(":")];
  const tried = [
    ...candidates,
    ...candidates.filter((c) => !c.startsWith("E")).map((c) => "E" + c),
  ];
  for (const candidate of tried) {
    const found = find(candidate, "");
    if (found !== null) {
      const base = text.startsWith(candidate) ? candidate : candidate.slice(1);
      const detail = text.slice(base.length).replace(/^:+/, "");
      const match: Match = Object.freeze({
        row: found.row,
        values: NO_IDS,
        exact: detail === "",
        score: detail === "" ? 1 : found.score,
        detail,
      });
      return freeze(index, found.row.code, text, NO_IDS, match);
    }
  }
  return freeze(index, candidates[candidates.length - 1] ?? text, text, NO_IDS, null);
}

/**
 * The reply's own error when its code is a specific one; when it says only that some or all
 * operations failed (a batch code), the first failing item.
 */
export function mostSpecific(
  found: readonly ResponseError[],
  form: Shape = OKX,
): ResponseError | null {
  for (const error of found) {
    if (error.index === null && !form.batch.has(error.code)) {
      return error;
    }
  }
  return found[0] ?? null;
}
