// The generated pages as tables: rows by code, per page and across pages in priority order,
// and the matchers, made once per documented code (as the Python package's _tables.py).

import { MESSAGE_LIMIT, RETRYABLE } from "./constants.js";
import { Matcher } from "./match.js";
import { codeOf, errors, mostSpecific, shape } from "./replies.js";
import type { Shape } from "./replies.js";
import { FrozenMap, UnknownSourceError, documented, placeholdersOf } from "./types.js";
import type { Category, ErrorCode, Kind, Match, ResponseError, Source } from "./types.js";

/** What a row of the short form may add to its code, message, section and status. */
export interface Extra {
  readonly title?: string;
  readonly kind?: Kind;
  readonly deprecated?: boolean;
  readonly sub?: string;
}

export type RowMaker = (
  code: string,
  message: string,
  section: number,
  status?: number | null,
  category?: number | null,
  /** The message in the group's other languages (the page's own is the message). */
  tr?: Readonly<Record<string, string>> | null,
  extra?: Extra,
) => ErrorCode;

const RECENT = 1024;
const RETRYABLE_SET: ReadonlySet<string> = new Set(RETRYABLE);
const NO_TRANSLATIONS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Makes the rows of one page from the short form its module is written in: the section by
 * its place in `sections`, the category by its place in `categories` (none: ExchangeError),
 * translations without the page's own language.
 */
export function rows(
  source: Source,
  sections: readonly string[],
  categories: readonly Category[] = [],
): RowMaker {
  return (code, message, section, status = null, place = null, tr = null, extra = {}) => {
    const category = place === null ? "ExchangeError" : categories[place]!;
    let translations = NO_TRANSLATIONS;
    if (tr !== null) {
      const every: Record<string, string> = { ...tr, [source.locale]: message };
      translations = Object.freeze(
        Object.fromEntries(
          Object.keys(every)
            .sort()
            .map((locale) => [locale, every[locale]!]),
        ),
      );
    }
    // Frozen: every caller is handed the same row.
    return Object.freeze({
      code,
      message,
      httpStatus: status,
      placeholders: placeholdersOf(message),
      title: extra.title ?? null,
      kind: extra.kind ?? "code",
      section: sections[section]!,
      source: source.id,
      deprecated: extra.deprecated ?? false,
      subCode: extra.sub ?? null,
      category,
      retryable: RETRYABLE_SET.has(category),
      translations,
    });
  };
}

/**
 * The rows of one documentation page by code: every row of a code in page order. A sub-code
 * row stands under its code and under the code as documented (`51008_1000`).
 */
export class Page {
  readonly byCode: ReadonlyMap<string, readonly ErrorCode[]>;

  constructor(
    readonly source: Source,
    readonly rows: readonly ErrorCode[],
  ) {
    const table = new Map<string, ErrorCode[]>();
    const add = (code: string, row: ErrorCode): void => {
      const found = table.get(code);
      if (found) {
        found.push(row);
      } else {
        table.set(code, [row]);
      }
    };
    for (const row of rows) {
      add(row.code, row);
      if (row.subCode !== null) {
        add(documented(row), row);
      }
    }
    this.byCode = new FrozenMap(
      [...table].map(([code, found]) => [code, Object.freeze(found)] as const),
    );
  }

  /** The first row documented for `code` on this page; null when the page does not. */
  lookup(code: string | number): ErrorCode | null {
    return this.variants(code)[0] ?? null;
  }

  /** Every row documented for `code` on this page, in page order; [] when none. */
  variants(code: string | number): readonly ErrorCode[] {
    const key = codeOf(code);
    return key === null ? [] : (this.byCode.get(key) ?? []);
  }
}

/** Every page of a package, in priority order (that of errtables' sources.toml). */
export class Tables {
  readonly sources: ReadonlyMap<string, Source>;
  readonly variantsBySource: ReadonlyMap<string, ReadonlyMap<string, readonly ErrorCode[]>>;
  private readonly pages: ReadonlyMap<string, Page>;
  // One matcher per documented code asked about (and per source given): bounded by the
  // tables, whatever the replies hold.
  private readonly matchers = new Map<string, Matcher>();
  // Inexact answers, kept because drifted wording recurs: at most RECENT of them, for
  // messages within MESSAGE_LIMIT (in UTF-16 units here); emptied when full.
  private readonly recent = new Map<string, Match>();
  private readonly documented: ReadonlySet<string>;

  // How this exchange's replies carry errors: a built-in shape's name or its fields.
  readonly shape: Shape;

  constructor(pages: readonly Page[], replies = "okx") {
    this.shape = shape(replies);
    this.pages = new Map(pages.map((page) => [page.source.id, page]));
    this.sources = new FrozenMap(pages.map((page) => [page.source.id, page.source]));
    this.variantsBySource = new FrozenMap(pages.map((page) => [page.source.id, page.byCode]));
    this.documented = new Set(pages.flatMap((page) => [...page.byCode.keys()]));
  }

  private check(source: string | undefined): void {
    if (source !== undefined && !this.pages.has(source)) {
      throw new UnknownSourceError(`no source ${JSON.stringify(source)}; SOURCES lists the ids`);
    }
  }

  private rowsOf(key: string, source: string | undefined): readonly ErrorCode[] {
    if (source !== undefined) {
      return this.pages.get(source)!.byCode.get(key) ?? [];
    }
    const found = [...this.pages.values()].flatMap((page) => page.byCode.get(key) ?? []);
    return Object.freeze(found);
  }

  /**
   * Every documented row of `code`, in page order: of one source, or of every source in
   * priority order. [] when none; UnknownSourceError for a source not in SOURCES.
   */
  variants(code: string | number, source?: string): readonly ErrorCode[] {
    this.check(source);
    const key = codeOf(code);
    return key === null ? [] : this.rowsOf(key, source);
  }

  /**
   * The first row documented for `code`: on one source's page, or on the first source in
   * priority order that documents it. Null when no source documents it.
   */
  lookup(code: string | number, source?: string): ErrorCode | null {
    return this.variants(code, source)[0] ?? null;
  }

  /**
   * The documented row of `code` whose message template matches `message`, with the
   * placeholder values; the most literal text wins when several match. A documented code
   * whose templates all fail gives its closest row with `exact: false`. Null when the code
   * is not documented.
   */
  match(code: string | number, message: string, source?: string): Match | null {
    this.check(source);
    const key = codeOf(code);
    return key === null ? null : this.find(key, message, source);
  }

  /** `match` of a code already read by codeOf, its source already checked. */
  private find(key: string, message: string, source: string | undefined): Match | null {
    if (!this.documented.has(key)) {
      return null;
    }
    const text = typeof message === "string" ? message : "";
    const id = `${source ?? ""}\u0000${key}`;
    const recent = this.recent.get(`${id}\u0000${text}`);
    if (recent !== undefined) {
      return recent;
    }
    let matcher = this.matchers.get(id);
    if (matcher === undefined) {
      const rows = this.rowsOf(key, source);
      if (rows.length === 0) {
        return null; // documented, but not on this source's page
      }
      matcher = new Matcher(rows);
      this.matchers.set(id, matcher);
    }
    const found = matcher.match(text);
    if (!found.exact && text.length <= MESSAGE_LIMIT) {
      if (this.recent.size >= RECENT) {
        this.recent.clear();
      }
      this.recent.set(`${id}\u0000${text}`, found);
    }
    return found;
  }

  /**
   * Every error in a reply (an object, or JSON as a string or bytes), read in the package's
   * reply shape (OKX: each failing item of `data`, sCode/sMsg, then the reply's own code/msg
   * when no item explains it). [] for a success or anything that is not a JSON object; one
   * error with an empty code for an object the shape cannot read (never a success).
   */
  errors(payload: unknown, source?: string): ResponseError[] {
    this.check(source); // refused whatever the reply
    return errors(payload, (code, message) => this.find(code, message, source), this.shape);
  }

  /**
   * The most specific documented error of a reply: the first failing item when the reply
   * says only that operations failed (OKX: code 1 or 2), else the reply's own code and
   * message. Null for a success, an undocumented code, an unreadable object or anything that
   * is not a reply (`errors` tells them apart).
   */
  fromResponse(payload: unknown, source?: string): Match | null {
    return mostSpecific(this.errors(payload, source), this.shape)?.match ?? null;
  }
}
