/**
 * The loop's memory tools against a real OpenAI-compatible HTTP server: a loopback server
 * (127.0.0.1, a free port, closed after each test) plays the model. It answers the question with
 * a `recall` tool call, then — seeing the tool message for it — with an `engram` tool call, then
 * with text; each request is checked to carry the `role: "tool"` messages with the ids of the
 * calls made so far. A second server issues invalid tool calls (an unknown tool, arguments that are
 * not JSON, parameters failing the schema): they are reported, never run, memory is not changed by
 * them, and the model gets an error tool message for each.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Http from "node:http"
import type * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor, type TestTable } from "../extract/Extractor.ts"
import * as Models from "../model/Models.ts"
import * as Loopback from "../testing/Loopback.ts"
import { ActiveMemory } from "./ActiveMemory.ts"
import { Mags } from "./Mags.ts"
import * as PathModels from "./PathModels.ts"
import { Router } from "./Router.ts"
import * as Testing from "./testing.ts"

interface Message {
  readonly role: string
  readonly content?: string | null
  readonly tool_calls?: ReadonlyArray<{ id: string; type: string; function: { name: string; arguments: string } }>
  readonly tool_call_id?: string
}

interface Body {
  readonly messages: ReadonlyArray<Message>
  readonly tools?: ReadonlyArray<{ type: string; function: { name: string } }>
  readonly tool_choice?: unknown
}

const extractions: TestTable = {
  "Alice lives in Paris.": [{
    subject: "Alice", relation: "lives_in", object: "Paris", negated: false, validFrom: null, confidence: 0.8,
    span: { start: 0, end: 21 }
  }]
}

const completion = (message: object, finish: string) =>
  JSON.stringify({ model: "loopback", choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }] })

const call = (id: string, name: string, args: string) => ({ id, type: "function", function: { name, arguments: args } })

/**
 * A server whose answer depends on the tool messages the request carries (`answer(toolIds)`);
 * every request body is recorded.
 */
const serverAnswering = (answer: (body: Body, toolIds: ReadonlyArray<string>) => string) =>
  Loopback.server<Body>((seen) => (req: Http.IncomingMessage, res: Http.ServerResponse) => {
    let raw = ""
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")))
    req.on("end", () => {
      const body = JSON.parse(raw) as Body
      seen.push(body)
      const toolIds = body.messages.flatMap((m) => (m.role === "tool" && m.tool_call_id !== undefined ? [m.tool_call_id] : []))
      res.writeHead(200, { "content-type": "application/json" })
      res.end(answer(body, toolIds))
    })
  })

const lastUser = (body: Body): string => [...body.messages].reverse().find((m) => m.role === "user")?.content ?? ""

/** The loop over an in-memory memory with both paths on the OpenAI-compatible model at `url`. */
const loop = (url: string) =>
  Effect.gen(function*() {
    const memory = yield* Testing.makeInMemory()
    const mags = Mags.layer().pipe(
      Layer.provide(Layer.succeed(ActiveMemory, memory)),
      Layer.provide(PathModels.layerShared.pipe(Layer.provide(Models.layerOpenAi({ baseUrl: url, model: "loopback", apiKey: Redacted.make("sk-x") })))),
      Layer.provide(Router.layerRules),
      Layer.provide(Embedder.layerTest),
      Layer.provide(Extractor.layerTest(extractions))
    )
    return { memory, mags }
  })

describe("the loop's tools over an OpenAI-compatible server", () => {
  it.live("recall, then engram, as tool calls: each result goes back as a tool message with the call's id, then the answer", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* serverAnswering((body, toolIds) => {
        if (lastUser(body) === "Alice lives in Paris.") return completion({ content: "Noted." }, "stop")
        if (toolIds.length === 0) return completion({ content: null, tool_calls: [call("call_r1", "recall", "{\"query\":\"Alice\"}")] }, "tool_calls")
        if (toolIds.length === 1) {
          return completion({
            content: "She lives in Paris.",
            tool_calls: [call("call_e1", "engram", "{\"subject\":\"Alice\",\"relation\":\"likes\",\"object\":\"tea\"}")]
          }, "tool_calls")
        }
        return completion({ content: "Alice lives in Paris." }, "stop")
      })
      const { mags } = yield* loop(url)
      const out = yield* Effect.gen(function*() {
        const m = yield* Mags
        yield* m.turn("Alice lives in Paris.")
        return yield* m.turn("Where does Alice live?")
      }).pipe(Effect.provide(mags))

      // the requests: the tools offered, and the tool messages of the calls so far
      const asks = seen.slice(1)
      assert.strictEqual(asks.length, 3)
      assert.deepStrictEqual(asks[0]!.tools!.map((t) => t.function.name).sort(), ["connect", "engram", "recall"])
      assert.strictEqual(asks[0]!.tool_choice, "auto")
      assert.deepStrictEqual(asks.map((b) => b.messages.flatMap((m) => (m.role === "tool" ? [m.tool_call_id] : []))), [
        [],
        ["call_r1"],
        ["call_r1", "call_e1"]
      ])
      const second = asks[1]!.messages
      assert.deepStrictEqual(second.at(-2)!.tool_calls!.map((c) => [c.id, c.function.name, JSON.parse(c.function.arguments)]), [
        ["call_r1", "recall", { query: "Alice" }]
      ])
      assert.include(second.at(-1)!.content!, "Alice —lives_in→ Paris")
      const third = asks[2]!.messages
      assert.strictEqual(third.at(-2)!.content, "She lives in Paris.")
      assert.strictEqual(third.at(-1)!.tool_call_id, "call_e1")
      assert.include(third.at(-1)!.content!, "stored: Alice —likes→ tea")

      // the turn: both calls run, the recall recorded as an event, the engram in memory
      assert.strictEqual(out.rounds, 3)
      assert.strictEqual(out.answer, "Alice lives in Paris.")
      assert.deepStrictEqual(out.toolCalls.map((c) => [c.round, c.id, c.name, c.outcome]), [
        [1, "call_r1", "recall", "run"],
        [2, "call_e1", "engram", "run"]
      ])
      assert.deepStrictEqual(out.malformed, [])
      assert.deepStrictEqual(
        out.events.filter((e) => e._tag === "Recalled").map((e) => (e as Event.Recalled).input.text),
        ["Where does Alice live?", "Alice"]
      )
      assert.isTrue(LiquidGraph.hasEdge(out.state.graph, "f|alice|likes|tea"))
      assert.deepStrictEqual(out.engrammed.filter((f) => f.source === "model").map((f) => [f.subject, f.relation, f.object]), [
        ["Alice", "likes", "tea"]
      ])
    }).pipe(Effect.scoped))

  it.live("invalid tool calls (unknown tool, arguments not JSON, parameters failing the schema) are reported, never run; the model gets error tool messages", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* serverAnswering((_, toolIds) =>
        toolIds.length === 0
          ? completion({
            content: null,
            tool_calls: [
              call("bad_1", "drop_memory", "{}"),
              call("bad_2", "engram", "{\"subject\":\"Mallory\",\"relation\":\"owns\""),
              call("bad_3", "engram", "{\"subject\":\"Mallory\",\"relation\":\"owns\"}")
            ]
          }, "tool_calls")
          : completion({ content: "Sorry." }, "stop")
      )
      const { memory, mags } = yield* loop(url)
      const out = yield* Effect.gen(function*() {
        return yield* (yield* Mags).turn("Who owns the castle?")
      }).pipe(Effect.provide(mags))

      assert.strictEqual(out.answer, "Sorry.")
      assert.deepStrictEqual(out.toolCalls.map((c) => [c.id, c.outcome]), [["bad_1", "invalid"], ["bad_2", "invalid"], ["bad_3", "invalid"]])
      assert.deepStrictEqual(out.malformed.map((m) => [m.round, m.position]), [[1, 0], [1, 1], [1, 2]])
      assert.include(out.malformed[0]!.message, "unknown tool \"drop_memory\"")
      assert.include(out.malformed[1]!.message, "arguments are not valid JSON")
      assert.include(out.malformed[2]!.message, "engram tool")
      // the model was told, per call id
      const tools = seen[1]!.messages.filter((m) => m.role === "tool")
      assert.deepStrictEqual(tools.map((m) => m.tool_call_id), ["bad_1", "bad_2", "bad_3"])
      for (const m of tools) assert.match(m.content!, /^error: .*the call was not run$/)
      // memory: only the turn's own events (recall of the question, the exchange's episode)
      assert.deepStrictEqual(out.engrammed, [])
      assert.isFalse(LiquidGraph.nodes(out.state.graph).some((n) => n.label.toLowerCase().includes("mallory")))
      const journal = yield* memory.journal
      assert.deepStrictEqual(journal.map((e) => e._tag), out.events.map((e) => e._tag))
      assert.strictEqual(journal.filter((e) => e._tag === "Engrammed").length, 1)
    }).pipe(Effect.scoped))
})
