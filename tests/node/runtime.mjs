// The compiled TypeScript package answering requests, one JSON line in, one JSON line out,
// for the differential test (tests/test_differential.py), which sends the same requests to
// the Python package. Answers are written in the shape that test gives Python's.
import { createInterface } from "node:readline";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const codes = await import(pathToFileURL(join(process.env.ERRTABLES_COMPILED, "index.js")).href);

function row(r) {
  return r === null ? null : [r.source, codes.documented(r), r.message];
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

function answer(request) {
  const source = request.source ?? undefined;
  try {
    switch (request.op) {
      case "errors":
        return codes.errors(payloadOf(request), source).map(error);
      case "from_response":
        return match(codes.fromResponse(payloadOf(request), source));
      case "match":
        return match(codes.match(request.code, request.message, source));
      case "lookup":
        return row(codes.lookup(request.code, source));
      case "variants":
        return codes.variants(request.code, source).map(row);
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
