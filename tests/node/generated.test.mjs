// The generated TypeScript module, compiled by the Python suite (tests/test_typescript.py):
// its data equals the JSON, and it matches replies as the Python package does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const compiled = process.env.ERRTABLES_COMPILED;
const jsonDir = process.env.ERRTABLES_JSON;
const codes = await import(pathToFileURL(join(compiled, "index.js")).href);

const SAMPLE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
function sample(seed) {
  // A deterministic pseudo-random value of 1 to 16 letters and digits.
  let x = seed * 2654435761 % 4294967296;
  const length = 1 + (x % 16);
  let out = "";
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out += SAMPLE[x % SAMPLE.length];
  }
  return out;
}

test("every row of every source equals the JSON", () => {
  const files = readdirSync(jsonDir).filter((f) => f.endsWith(".json") && !f.endsWith(".schema.json"));
  assert.ok(files.length >= 10);
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(jsonDir, file), "utf-8"));
    const expected = doc.tables.flatMap((t) =>
      t.rows.map((r) => ({
        code: r.code,
        message: r.message,
        httpStatus: r.http_status,
        placeholders: r.placeholders,
        title: r.title,
        kind: r.kind,
        section: t.section,
        source: doc.source.id,
        deprecated: r.deprecated,
        subCode: r.sub_code,
        category: r.category,
        retryable: r.retryable,
        translations: r.translations,
      })),
    );
    // A sub-code row stands under its code and under the code as documented: once here.
    const actual = [...new Set([...codes.VARIANTS.get(doc.source.id).values()].flat())];
    const order = (rows) => [...rows].sort((a, b) => JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
    assert.deepEqual(order(actual.map((r) => ({ ...r }))), order(expected), doc.source.id);
    assert.deepEqual({ ...codes.SOURCES.get(doc.source.id) }, doc.source);
  }
});

test("every templated okx-v5-en row, filled, matches back to itself", () => {
  let seed = 1;
  let checked = 0;
  for (const rows of codes.VARIANTS.get("okx-v5-en").values()) {
    for (const row of rows) {
      if (row.placeholders.length === 0) continue;
      for (let round = 0; round < 5; round++) {
        const values = Object.fromEntries(row.placeholders.map((p) => [p, sample(seed++)]));
        const found = codes.match(row.code, codes.format(row, [], values), "okx-v5-en");
        assert.ok(found && found.exact, row.message);
        assert.equal(found.row.message, row.message);
        if (/\}\{/.test(row.message)) {
          assert.equal(Object.values(found.values).join(""), Object.values(values).join(""));
        } else {
          assert.deepEqual(found.values, values);
        }
      }
      checked++;
    }
  }
  assert.ok(checked > 200);
});

test("the package's documented examples", () => {
  assert.equal(codes.variants("51008", "okx-v5-en").length, 16);
  const m = codes.match("51008", "Order failed. Insufficient USDT balance in account", "okx-v5-en");
  assert.equal(m.row.message, "Order failed. Insufficient {param0} balance in account");
  assert.deepEqual(m.values, { param0: "USDT" });
  assert.equal(codes.match("99999999", "x"), null);
  assert.deepEqual(codes.lookup("50014", "okx-v5-en").translations, {
    en: "Parameter {param0} can not be empty.",
    zh: "必填参数{param0}不能为空",
  });
  assert.equal(codes.lookup("60019").source, "okx-v5-en");
  assert.equal(codes.format(codes.lookup("60019"), [], { op: "subscribe" }), "Invalid op: subscribe");
  assert.throws(() => codes.format(codes.lookup("50014", "okx-v5-en")), RangeError);
});

test("the API's code answers the sub-code rows, as in Python", () => {
  const en = codes.variants("51008", "okx-v5-en");
  assert.deepEqual(en.slice(0, 3).map((r) => r.subCode), ["1000", "1001", "1002"]);
  assert.ok(en.every((r) => r.code === "51008" && "zh" in r.translations));
  assert.equal(codes.lookup("51008"), en[0]);
  const [row] = codes.variants("51008_1001", "okx-v5-en");
  assert.equal(codes.lookup("51008_1001"), row);
  assert.equal(codes.documented(row), "51008_1001");
  assert.equal(row.translations.zh, "委托失败，账户 {param0} 可用保证金不足");
  const zh = codes.variants("51008", "okx-v5-zh");
  assert.equal(codes.lookup("51008", "okx-v5-zh"), zh[0]);
  assert.deepEqual(codes.variants("51008"), [...en, ...zh]);
  const chinese = { code: "1", msg: "", data: [{ sCode: "51008", sMsg: "委托失败，账户 USDT 可用保证金不足" }] };
  let found = codes.fromResponse(chinese);
  assert.equal(found.row.source, "okx-v5-zh");
  assert.equal(codes.documented(found.row), "51008_1001");
  assert.ok(found.exact);
  assert.deepEqual(found.values, { param0: "USDT" });
  const english = {
    code: "1",
    msg: "",
    data: [{ sCode: "51008", sMsg: "Order failed. Insufficient USDT margin in account " }],
  };
  found = codes.fromResponse(english);
  assert.equal(found.row.source, "okx-v5-en");
  assert.equal(codes.documented(found.row), "51008_1001");
  assert.ok(found.exact);
  assert.deepEqual(found.values, { param0: "USDT" });
});

// The same replies as tests/test_replies.py, with the same expected answers.
const cases = JSON.parse(readFileSync(process.env.ERRTABLES_REPLIES, "utf-8"));
for (const c of cases) {
  test(`reply: ${c.name}`, () => {
    const found = codes.fromResponse(c.payload);
    if (c.expect === null) {
      assert.equal(found, null);
      return;
    }
    assert.ok(found);
    assert.equal(found.row.code, c.expect.code);
    assert.equal(found.row.message, c.expect.message);
    assert.equal(found.exact, c.expect.exact);
    assert.deepEqual(found.values, c.expect.values);
    if ("detail" in c.expect) assert.equal(found.detail, c.expect.detail);
    const all = codes.errors(c.payload);
    assert.equal(all.length, c.errors);
  });
}
