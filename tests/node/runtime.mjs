// The compiled TypeScript package answering requests, one JSON line in, one JSON line out,
// for the differential test (tests/test_differential.py), which sends the same requests to
// the Python package. Answers are written in the shape that test gives Python's.
import { createInterface } from "node:readline";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const compiled = (name) => pathToFileURL(join(process.env.ERRTABLES_COMPILED, name)).href;
const codes = await import(compiled("index.js"));
const { rows } = await import(compiled("tables.js"));
const { Matcher } = await import(compiled("match.js"));
const { Tables } = await import(compiled("tables.js"));

// The package's pages read in another reply shape: one Tables per shape asked about.
const pages = await Promise.all(
  [...codes.SOURCES.keys()].map(async (id) =>
    (await import(compiled(`${id.replaceAll("-", "_")}.js`))).PAGE,
  ),
);
const shaped = new Map();
function tablesOf(shape) {
  if (!shaped.has(shape)) shaped.set(shape, new Tables(pages, shape));
  return shaped.get(shape);
}

// A one-row table of any template: what a page could document.
function template(request) {
  const source = { id: "t", url: "https://example.com", locale: "en", title: "t", group: null };
  const made = rows(source, ["s"])("1", request.template, 0);
  const found = new Matcher([made]).match(request.message);
  return { values: found.values, exact: found.exact, own: Object.keys(found.values) };
}

function row(r) {
  return r === null ? null : [r.source, codes.documented(r), r.message, r.category, r.retryable];
}

function match(m) {
  if (m === null) return null;
  return { row: row(m.row), values: m.values, exact: m.exact, score: m.score, detail: m.detail };
}

function error(e) {
  return { index: e.index, code: e.code, message: e.message, ids: e.ids, match: match(e.match) };
}

function payloadOf(request) {
  if (request.hex !== undefined) return Uint8Array.from(Buffer.from(request.hex, "hex"));
  if (request.parsed) return JSON.parse(request.text);
  return request.text;
}

// Each edit a caller might make to what the package hands out: did it throw, and are later
// answers unchanged?
const EDITS = {
  row: (q) => [
    () => { codes.lookup(q.code).message = "edited"; },
    () => codes.lookup(q.code).message,
  ],
  values: (q) => [
    () => { codes.match(q.code, q.message).values.injected = "x"; },
    () => JSON.stringify(codes.match(q.code, q.message).values),
  ],
  variants: (q) => [
    () => { codes.variants(q.code).push(null); },
    () => codes.variants(q.code).length,
  ],
  placeholders: (q) => [
    () => { codes.lookup(q.code).placeholders.push("x"); },
    () => codes.lookup(q.code).placeholders.length,
  ],
  translations: (q) => [
    () => { codes.lookup(q.code).translations.xx = "y"; },
    () => JSON.stringify(codes.lookup(q.code).translations),
  ],
  sources: () => [
    () => { codes.SOURCES.delete([...codes.SOURCES.keys()][0]); },
    () => codes.SOURCES.size,
  ],
  tables: (q) => [
    () => { codes.VARIANTS.get(q.source).set(q.code, []); },
    () => codes.VARIANTS.get(q.source).get(q.code)?.length,
  ],
};

function edit(request) {
  const [change, read] = EDITS[request.what](request);
  const before = read();
  let raised = false;
  try {
    change();
  } catch (exc) {
    raised = exc instanceof TypeError;
  }
  return { raised, unchanged: read() === before };
}

function answer(request) {
  const source = request.source ?? undefined;
  try {
    switch (request.op) {
      case "errors":
        return codes.errors(payloadOf(request), source).map(error);
      case "from_response":
        return match(codes.fromResponse(payloadOf(request), source));
      case "shaped_errors":
        return tablesOf(request.shape).errors(payloadOf(request), source).map(error);
      case "shaped_from_response":
        return match(tablesOf(request.shape).fromResponse(payloadOf(request), source));
      case "match":
        return match(codes.match(request.code, request.message, source));
      case "lookup":
        return row(codes.lookup(request.code, source));
      case "variants":
        return codes.variants(request.code, source).map(row);
      case "edit":
        return edit(request);
      case "template":
        return template(request);
      default:
        return { raised: `unknown op ${request.op}` };
    }
  } catch (exc) {
    return { raised: exc.name };
  }
}

for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  process.stdout.write(JSON.stringify(answer(JSON.parse(line))) + "\n");
}
