/**
 * Tests of MetaTokens: the tag parser table (valid, multiple, nested, malformed) and tool calls.
 */
import { assert, describe, it } from "@effect/vitest"
import * as MetaTokens from "./MetaTokens.ts"

const recall = (query: string): MetaTokens.Request => ({ _tag: "Recall", query })
const engram = (subject: string, relation: string, object: string, extra: Partial<MetaTokens.EngramTriple> = {}): MetaTokens.Request => ({
  _tag: "Engram",
  triple: { subject, relation, object, ...extra }
})

interface Row {
  readonly output: string
  readonly text: string
  readonly requests: ReadonlyArray<MetaTokens.Request>
  /** Substrings expected in the malformed messages, in order. */
  readonly malformed: ReadonlyArray<string>
}

const table: ReadonlyArray<Row> = [
  { output: "Paris.", text: "Paris.", requests: [], malformed: [] },
  { output: "Hm. <connect>Alice | Paris</connect>", text: "Hm.", requests: [{ _tag: "Connect", from: "Alice", to: "Paris" }], malformed: [] },
  { output: "<connect>Alice</connect> ok", text: "ok", requests: [], malformed: ["connect: expected \"A | B\""] },
  { output: "<connect>Alice | | Paris</connect>", text: "", requests: [], malformed: ["connect: expected"] },
  { output: "Let me check. <recall>where Alice lives</recall>", text: "Let me check.", requests: [recall("where Alice lives")], malformed: [] },
  { output: "<RECALL> Alice </Recall>", text: "", requests: [recall("Alice")], malformed: [] },
  { output: "Ok.<engram>Alice | lives in | Paris</engram>", text: "Ok.", requests: [engram("Alice", "lives in", "Paris")], malformed: [] },
  {
    output: "<engram>{\"subject\":\"Bob\",\"relation\":\"works_at\",\"object\":\"Acme\",\"negated\":true}</engram> done",
    text: "done",
    requests: [engram("Bob", "works_at", "Acme", { negated: true })],
    malformed: []
  },
  {
    output: "<engram>[{\"subject\":\"a\",\"relation\":\"r\",\"object\":\"b\"},{\"subject\":\"c\",\"relation\":\"s\",\"object\":\"d\",\"confidence\":0.5}]</engram>",
    text: "",
    requests: [engram("a", "r", "b"), engram("c", "s", "d", { confidence: 0.5 })],
    malformed: []
  },
  {
    output: "A <recall>x</recall> B <engram>p | q | r</engram> C <recall>y</recall>",
    text: "A B C",
    requests: [recall("x"), engram("p", "q", "r"), recall("y")],
    malformed: []
  },
  // nested: the whole outer tag is dropped and reported once
  { output: "<recall>a <recall>b</recall> c</recall> after", text: "after", requests: [], malformed: ["nested"] },
  { output: "<engram>a | r | <recall>b</recall></engram><recall>ok</recall>", text: "", requests: [recall("ok")], malformed: ["nested"] },
  // malformed
  { output: "before <recall>never closed", text: "before", requests: [], malformed: ["unclosed <recall>"] },
  { output: "x </engram> y", text: "x y", requests: [], malformed: ["stray </engram>"] },
  { output: "<recall>a</engram>", text: "", requests: [], malformed: ["</engram> closes <recall>"] },
  { output: "<recall>   </recall>", text: "", requests: [], malformed: ["empty <recall>"] },
  { output: "<engram>Alice | Paris</engram>", text: "", requests: [], malformed: ["2 part(s)"] },
  { output: "<engram>a | b | c | d</engram>", text: "", requests: [], malformed: ["4 part(s)"] },
  { output: "<engram>a |  | c</engram>", text: "", requests: [], malformed: ["empty subject"] },
  { output: "<engram>{\"subject\": \"a\", </engram>", text: "", requests: [], malformed: ["invalid JSON"] },
  { output: "<engram>{\"subject\":\"a\",\"relation\":\"r\"}</engram>", text: "", requests: [], malformed: ["engram:"] },
  { output: "<engram>{\"subject\":\"a\",\"relation\":\"r\",\"object\":\"b\",\"confidence\":2}</engram>", text: "", requests: [], malformed: ["engram:"] },
  { output: "<engram>[]</engram>", text: "", requests: [], malformed: ["empty JSON array"] },
  // a malformed tag does not hide the valid ones around it
  {
    output: "<recall>a</recall><engram>bad</engram><engram>s | r | o</engram>",
    text: "",
    requests: [recall("a"), engram("s", "r", "o")],
    malformed: ["1 part(s)"]
  }
]

describe("MetaTokens.parse", () => {
  for (const row of table) {
    it(JSON.stringify(row.output), () => {
      const parsed = MetaTokens.parse(row.output)
      assert.strictEqual(parsed.text, row.text)
      assert.deepStrictEqual(parsed.requests, row.requests)
      assert.strictEqual(parsed.malformed.length, row.malformed.length, JSON.stringify(parsed.malformed))
      row.malformed.forEach((fragment, i) => assert.include(parsed.malformed[i]!.message, fragment))
    })
  }

  it("reports positions of malformed tags", () => {
    const parsed = MetaTokens.parse("abc <recall>x")
    assert.strictEqual(parsed.malformed[0]!.position, 4)
  })

  it("the visible text never contains a meta tag", () => {
    for (const row of table) assert.notMatch(MetaTokens.parse(row.output).text, /<\/?(recall|engram|connect)/i)
  })
})

describe("MetaTokens.fromToolCalls", () => {
  it("reads recall and engram calls, reports the rest", () => {
    const out = MetaTokens.fromToolCalls([
      { name: "recall", params: { query: "Alice" } },
      { name: "engram", params: { subject: "Alice", relation: "lives_in", object: "Paris" } },
      { name: "engram", params: { subject: "Alice", relation: "lives_in" } },
      { name: "recall", params: { query: "" } },
      { name: "search", params: {} }
    ])
    assert.deepStrictEqual(out.requests, [recall("Alice"), engram("Alice", "lives_in", "Paris")])
    assert.deepStrictEqual(out.malformed.map((m) => m.position), [2, 3, 4])
    assert.include(out.malformed[2]!.message, "unknown tool")
  })

  it("reads connect calls; arguments that are not JSON are reported, JSON text is read", () => {
    const out = MetaTokens.fromToolCalls([
      { name: "connect", params: { from: "Alice", to: "Paris" } },
      { name: "connect", params: { from: "Alice" } },
      { name: "recall", params: "{\"query\": \"Alice\"" },
      { name: "recall", params: "{\"query\": \"Bob\"}" }
    ])
    assert.deepStrictEqual(out.requests, [{ _tag: "Connect", from: "Alice", to: "Paris" }, recall("Bob")])
    assert.deepStrictEqual(out.malformed.map((m) => m.position), [1, 2])
    assert.include(out.malformed[0]!.message, "connect tool")
    assert.include(out.malformed[1]!.message, "arguments are not valid JSON")
  })

  it("the toolkit declares the three tools", () => {
    assert.deepStrictEqual(Object.keys(MetaTokens.MemoryToolkit.tools).sort(), ["connect", "engram", "recall"])
  })
})
