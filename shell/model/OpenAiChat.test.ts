/**
 * OpenAI-compatible chat provider against a real HTTP server started by the test on 127.0.0.1
 * (node:http, random port) that speaks the /v1/chat/completions schema, `response_format` and
 * `stream: true` included. The request's `model` field picks the server's behaviour. Tools: a
 * server answering with `tool_calls` (also streamed in pieces), the prompt's tool calls and results
 * as OpenAI messages. Fail fast: a server that never answers (request timeout), a closed port.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schema, Stream } from "effect"
import { LanguageModel, Tool, Toolkit } from "effect/ai"
import * as Http from "node:http"
import * as Loopback from "../testing/Loopback.ts"
import * as Models from "./Models.ts"
import * as OpenAiChat from "./OpenAiChat.ts"

const KEY = "sk-test-good"

interface Body {
  readonly model: string
  readonly messages: ReadonlyArray<{ role: string; content: string }>
  readonly response_format?: { type: string; json_schema: { name: string; schema: { type: string; properties: Record<string, unknown> }; strict: boolean } }
  readonly stream?: boolean
  readonly temperature?: number
}

interface Seen {
  readonly path: string
  readonly authorization: string | undefined
  readonly body: Body
}

const reply = (res: Http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(body)
}

const completion = (content: string | null, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: "chatcmpl-1",
    object: "chat.completion",
    model: "served-model",
    choices: [{ index: 0, message: { role: "assistant", content, ...extra }, finish_reason: "stop" }],
    usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 }
  })

const handle = (seen: Array<Seen>) => {
  let jsonCalls = 0
  return (req: Http.IncomingMessage, res: Http.ServerResponse) => {
    let raw = ""
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")))
    req.on("end", () => {
      const body = JSON.parse(raw) as Body
      seen.push({ path: req.url ?? "", authorization: req.headers.authorization, body })
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") return reply(res, 404, "{\"error\":\"not found\"}")
      if (req.headers.authorization !== `Bearer ${KEY}`) {
        return reply(res, 401, JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } }))
      }
      const last = body.messages.at(-1)?.content ?? ""
      switch (body.model) {
        case "not-json":
          return reply(res, 200, "<html>gateway</html>")
        case "wrong-schema":
          return reply(res, 200, JSON.stringify({ choices: [] }))
        case "refuse":
          return reply(res, 200, completion(null, { refusal: "I will not." }))
        case "boom":
          return reply(res, 500, "{\"error\":{\"message\":\"internal\"}}")
        case "json-bad-once":
          jsonCalls++
          return reply(res, 200, completion(jsonCalls === 1 ? "{\"name\":\"Ada\"" : "{\"name\":\"Ada\",\"age\":36}"))
        default: {
          if (body.response_format !== undefined) return reply(res, 200, completion("{\"name\":\"Ada\",\"age\":36}"))
          const text = `echo: ${last}`
          if (body.stream === true) {
            res.writeHead(200, { "content-type": "text/event-stream" })
            const pieces = [text.slice(0, 3), text.slice(3, 7), text.slice(7)]
            for (const piece of pieces) {
              res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })}\n\n`)
            }
            res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\n`)
            res.end("data: [DONE]\n\n")
            return
          }
          return reply(res, 200, completion(text))
        }
      }
    })
  }
}

/** A server on 127.0.0.1:<random> running {@link handle}, closed with the scope. */
const server = Loopback.server(handle)

/** Options with the good key, another key, or (`null`) none. */
const options = (baseUrl: string, model = "fake-chat", apiKey: string | null = KEY): Models.OpenAiOptions => ({
  baseUrl,
  model,
  ...(apiKey === null ? {} : { apiKey: Redacted.make(apiKey) })
})

const Person = Schema.Struct({ name: Schema.String, age: Schema.Int })

const generate = (opts: Models.OpenAiOptions, prompt: string) =>
  LanguageModel.generateText({ prompt }).pipe(Effect.provide(Models.layerOpenAi(opts)))

describe("OpenAiChat", () => {
  it("endpoint tolerates a trailing slash and /v1; schema names are made acceptable", () => {
    assert.strictEqual(OpenAiChat.endpoint("http://h:1"), "http://h:1/v1/chat/completions")
    assert.strictEqual(OpenAiChat.endpoint("http://h:1/v1/"), "http://h:1/v1/chat/completions")
    assert.strictEqual(OpenAiChat.schemaName("launch plan!"), "launch_plan_")
    assert.strictEqual(OpenAiChat.schemaName(""), "output")
  })

  it.live("success: text, finish reason, usage; the prompt is sent as messages with the bearer key", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const response = yield* LanguageModel.generateText({
        prompt: [
          { role: "system", content: "be brief" },
          { role: "user", content: [{ type: "text", text: "hello" }] }
        ]
      }).pipe(Effect.provide(Models.layerOpenAi(options(url))))
      assert.strictEqual(response.text, "echo: hello")
      assert.strictEqual(response.finishReason, "stop")
      assert.strictEqual(response.usage.inputTokens.total, 7)
      assert.strictEqual(response.usage.outputTokens.total, 3)
      assert.strictEqual(seen.length, 1)
      assert.strictEqual(seen[0]!.authorization, `Bearer ${KEY}`)
      assert.deepStrictEqual(seen[0]!.body.messages, [{ role: "system", content: "be brief" }, { role: "user", content: "hello" }])
      assert.strictEqual(seen[0]!.body.model, "fake-chat")
      assert.strictEqual(seen[0]!.body.temperature, 0)
      assert.isUndefined(seen[0]!.body.response_format)
    }).pipe(Effect.scoped))

  it.live("structured output: response_format json_schema is sent, the answer is decoded with Schema", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const person = yield* Models.generateObject(Person, "who?", { objectName: "person" }).pipe(
        Effect.provide(Models.layerOpenAi(options(url)))
      )
      assert.deepStrictEqual(person, { name: "Ada", age: 36 })
      const format = seen[0]!.body.response_format!
      assert.strictEqual(format.type, "json_schema")
      assert.strictEqual(format.json_schema.name, "person")
      assert.strictEqual(format.json_schema.strict, true)
      assert.strictEqual(format.json_schema.schema.type, "object")
      assert.deepStrictEqual(Object.keys(format.json_schema.schema.properties), ["name", "age"])
    }).pipe(Effect.scoped))

  it.live("structured output: an invalid answer is asked for once more", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const person = yield* Models.generateObject(Person, "who?").pipe(
        Effect.provide(Models.layerOpenAi(options(url, "json-bad-once")))
      )
      assert.deepStrictEqual(person, { name: "Ada", age: 36 })
      assert.strictEqual(seen.length, 2)
      assert.deepStrictEqual(seen[1]!.body.messages.map((m) => m.role), ["user", "assistant", "user"])
    }).pipe(Effect.scoped))

  it.live("streamText reads the server-sent events", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const parts = yield* Stream.runCollect(LanguageModel.streamText({ prompt: "stream me" })).pipe(
        Effect.provide(Models.layerOpenAi(options(url)))
      )
      const deltas = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : []))
      assert.strictEqual(deltas.length, 3)
      assert.strictEqual(deltas.join(""), "echo: stream me")
      assert.deepStrictEqual(parts.map((p) => p.type).filter((t) => t !== "text-delta"), ["text-start", "text-end", "finish"])
      const finish = parts.at(-1)
      assert.strictEqual(finish?.type === "finish" ? finish.reason : undefined, "stop")
      assert.strictEqual(seen[0]!.body.stream, true)
    }).pipe(Effect.scoped))

  it.live("401: a bad or missing key is AuthenticationError, and the key is not in the message", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const bad = yield* Effect.flip(generate(options(url, "fake-chat", "sk-wrong"), "x"))
      assert.strictEqual(bad.reason._tag, "AuthenticationError")
      assert.notInclude(bad.message, "sk-wrong")
      const none = yield* Effect.flip(generate(options(url, "fake-chat", null), "x"))
      assert.strictEqual(none.reason._tag, "AuthenticationError")
    }).pipe(Effect.scoped))

  it.live("malformed: a body that is not JSON or not the schema is InvalidResponseError; a refusal is ContentPolicyError", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      for (const model of ["not-json", "wrong-schema"]) {
        const error = yield* Effect.flip(generate(options(url, model), "x"))
        assert.strictEqual(error.reason._tag, "InvalidResponseError", model)
      }
      const refused = yield* Effect.flip(generate(options(url, "refuse"), "x"))
      assert.strictEqual(refused.reason._tag, "ContentPolicyError")
    }).pipe(Effect.scoped))

  it.live("a server error is InternalProviderError; an unreachable endpoint (closed port) is NetworkError", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const boom = yield* Effect.flip(generate(options(url, "boom"), "x"))
      assert.strictEqual(boom.reason._tag, "InternalProviderError")
      const port = yield* Loopback.closedPort
      const down = yield* Effect.flip(generate(options(`http://127.0.0.1:${port}`), "x"))
      assert.strictEqual(down.reason._tag, "NetworkError")
      const downStream = yield* Effect.flip(Stream.runCollect(LanguageModel.streamText({ prompt: "x" })).pipe(
        Effect.provide(Models.layerOpenAi(options(`http://127.0.0.1:${port}`)))
      ))
      assert.strictEqual(downStream.reason._tag, "NetworkError")
    }).pipe(Effect.scoped))
})

// ── tools ─────────────────────────────────────────────────────────────────────

interface ToolSeen {
  readonly body: {
    readonly messages: ReadonlyArray<Record<string, unknown>>
    readonly tools?: ReadonlyArray<{ type: string; function: { name: string; description?: string; parameters: { type: string; properties: Record<string, unknown>; required?: ReadonlyArray<string> } } }>
    readonly tool_choice?: unknown
    readonly stream?: boolean
  }
}

/** Answers with two tool calls (one with arguments that are not JSON), streamed when asked: arguments in pieces. */
const toolHandle = (seen: Array<ToolSeen>) => (req: Http.IncomingMessage, res: Http.ServerResponse) => {
  let raw = ""
  req.on("data", (c: Buffer) => (raw += c.toString("utf8")))
  req.on("end", () => {
    const body = JSON.parse(raw) as ToolSeen["body"]
    seen.push({ body })
    const calls = [
      { id: "call_a", type: "function", function: { name: "recall", arguments: "{\"query\":\"Alice\"}" } },
      { id: "call_b", type: "function", function: { name: "recall", arguments: "{\"query\":" } }
    ]
    if (body.stream === true) {
      res.writeHead(200, { "content-type": "text/event-stream" })
      const event = (delta: object, finish: string | null = null) =>
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`)
      event({ content: "Looking." })
      event({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "recall", arguments: "" } }] })
      event({ tool_calls: [{ index: 0, function: { arguments: "{\"query\":" } }] })
      event({ tool_calls: [{ index: 0, function: { arguments: "\"Alice\"}" } }] })
      event({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "recall", arguments: "{\"query\":" } }] })
      event({}, "tool_calls")
      res.end("data: [DONE]\n\n")
      return
    }
    reply(res, 200, JSON.stringify({
      model: "served-model",
      choices: [{ index: 0, message: { role: "assistant", content: null, tool_calls: calls }, finish_reason: "tool_calls" }]
    }))
  })
}

const RecallTool = Tool.make("recall", {
  description: "Recall what memory holds.",
  parameters: Schema.Struct({ query: Schema.String }),
  success: Schema.String
})
const Kit = Toolkit.make(RecallTool)
const kit = Kit.pipe(Effect.provide(Kit.toLayer({ recall: () => Effect.die("not run here") })))

describe("OpenAiChat tools", () => {
  it.live("sends tools (JSON schema of the parameters) and tool_choice auto; decodes tool_calls, raw text for arguments that are not JSON", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* Loopback.server(toolHandle)
      const toolkit = yield* kit
      const response = yield* LanguageModel.generateText({
        prompt: "Where does Alice live?",
        toolkit,
        disableToolCallResolution: true,
        toolCallValidation: "deferred"
      }).pipe(Effect.provide(Models.layerOpenAi(options(url))))
      const tools = seen[0]!.body.tools!
      assert.strictEqual(tools.length, 1)
      assert.strictEqual(tools[0]!.type, "function")
      assert.strictEqual(tools[0]!.function.name, "recall")
      assert.strictEqual(tools[0]!.function.description, "Recall what memory holds.")
      assert.strictEqual(tools[0]!.function.parameters.type, "object")
      assert.deepStrictEqual(Object.keys(tools[0]!.function.parameters.properties), ["query"])
      assert.deepStrictEqual(tools[0]!.function.parameters.required, ["query"])
      assert.strictEqual(seen[0]!.body.tool_choice, "auto")
      assert.strictEqual(response.finishReason, "tool-calls")
      assert.deepStrictEqual(response.toolCalls.map((c) => [c.id, c.name, c.params]), [
        ["call_a", "recall", { query: "Alice" }],
        ["call_b", "recall", "{\"query\":"]
      ])
      // strict validation (effect's default) refuses the call whose arguments are not JSON
      const strict = yield* Effect.flip(LanguageModel.generateText({ prompt: "x", toolkit, disableToolCallResolution: true }).pipe(
        Effect.provide(Models.layerOpenAi(options(url)))
      ))
      assert.strictEqual(strict._tag, "AiError")
      // no toolkit: no tools sent
      yield* Effect.ignore(LanguageModel.generateText({ prompt: "x" }).pipe(Effect.provide(Models.layerOpenAi(options(url)))))
      assert.isUndefined(seen.at(-1)!.body.tools)
      assert.isUndefined(seen.at(-1)!.body.tool_choice)
    }).pipe(Effect.scoped))

  it.live("streaming: delta.tool_calls are accumulated by index into tool-call parts after the text", () =>
    Effect.gen(function*() {
      const { url } = yield* Loopback.server(toolHandle)
      const toolkit = yield* kit
      const parts = yield* Stream.runCollect(LanguageModel.streamText({
        prompt: "Where does Alice live?",
        toolkit,
        disableToolCallResolution: true,
        toolCallValidation: "deferred"
      })).pipe(Effect.provide(Models.layerOpenAi(options(url))))
      const text = parts.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join("")
      assert.strictEqual(text, "Looking.")
      const calls = parts.flatMap((p) => (p.type === "tool-call" ? [[p.id, p.name, p.params]] : []))
      assert.deepStrictEqual(calls, [["call_a", "recall", { query: "Alice" }], ["call_b", "recall", "{\"query\":"]])
      const deltas = parts.flatMap((p) => (p.type === "tool-params-delta" && p.id === "call_a" ? [p.delta] : []))
      assert.deepStrictEqual(deltas, ["{\"query\":", "\"Alice\"}"])
      const finish = parts.at(-1)
      assert.strictEqual(finish?.type === "finish" ? finish.reason : undefined, "tool-calls")
    }).pipe(Effect.scoped))

  it.live("the prompt's tool calls and tool results are sent as assistant.tool_calls and role tool messages", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* Loopback.server(toolHandle)
      yield* Effect.ignore(LanguageModel.generateText({
        prompt: [
          { role: "user", content: "Where does Alice live?" },
          {
            role: "assistant",
            content: [
              { type: "text", text: "Looking." },
              { type: "tool-call", id: "call_a", name: "recall", params: { query: "Alice" } },
              { type: "tool-call", id: "call_b", name: "recall", params: "{\"query\":" }
            ]
          },
          {
            role: "tool",
            content: [
              { type: "tool-result", id: "call_a", name: "recall", result: "Alice lives in Paris", isFailure: false },
              { type: "tool-result", id: "call_b", name: "recall", result: { error: "bad JSON" }, isFailure: true }
            ]
          },
          { role: "assistant", content: [{ type: "tool-call", id: "call_c", name: "recall", params: { query: "Bob" } }] },
          { role: "tool", content: [{ type: "tool-result", id: "call_c", name: "recall", result: "nothing", isFailure: false }] }
        ]
      }).pipe(Effect.provide(Models.layerOpenAi(options(url)))))
      assert.deepStrictEqual(seen[0]!.body.messages, [
        { role: "user", content: "Where does Alice live?" },
        {
          role: "assistant",
          content: "Looking.",
          tool_calls: [
            { id: "call_a", type: "function", function: { name: "recall", arguments: "{\"query\":\"Alice\"}" } },
            { id: "call_b", type: "function", function: { name: "recall", arguments: "{\"query\":" } }
          ]
        },
        { role: "tool", tool_call_id: "call_a", content: "Alice lives in Paris" },
        { role: "tool", tool_call_id: "call_b", content: "{\"error\":\"bad JSON\"}" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_c", type: "function", function: { name: "recall", arguments: "{\"query\":\"Bob\"}" } }]
        },
        { role: "tool", tool_call_id: "call_c", content: "nothing" }
      ])
    }).pipe(Effect.scoped))
})

// ── fail fast ─────────────────────────────────────────────────────────────────

/** A server that reads the request and never answers (a stalled endpoint). */
const silent = () => (req: Http.IncomingMessage) => {
  req.resume()
}

describe("OpenAiChat fails fast", () => {
  it.live("an endpoint that never answers → NetworkError after the request timeout (generate and stream)", () =>
    Effect.gen(function*() {
      const { url } = yield* Loopback.server(silent)
      const stalled = { ...options(url), requestTimeoutMs: 300 }
      const error = yield* Effect.flip(generate(stalled, "x"))
      assert.strictEqual(error.reason._tag, "NetworkError")
      assert.include(error.message, "no answer")
      const streamed = yield* Effect.flip(Stream.runCollect(LanguageModel.streamText({ prompt: "x" })).pipe(
        Effect.provide(Models.layerOpenAi(stalled))
      ))
      assert.strictEqual(streamed.reason._tag, "NetworkError")
    }).pipe(Effect.scoped), 10_000)

  it.live("a blackholed address (10.255.255.1) → NetworkError within the connect (or request) timeout", () =>
    Effect.gen(function*() {
      // where the address is really blackholed the connect timeout fires; where the host has no
      // route it fails at once; where a proxy accepts every connection the request timeout fires,
      // unless the proxy answers itself (a sandbox's proxy answers 404): the bound is the test's
      // timeout, what is asserted is that the call came back with an error and did not hang
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "x" }).pipe(
        Effect.provide(Layer.effect(LanguageModel.LanguageModel, OpenAiChat.make({ ...options("http://10.255.255.1:81"), requestTimeoutMs: 3_000 })).pipe(
          Layer.provide(OpenAiChat.httpClientLayer(1_000))
        ))
      ))
      assert.strictEqual(error._tag, "AiError")
      if (error.reason._tag !== "NetworkError") assert.match(error.message, /answered \d{3}/, error.message)
    }), 15_000)

  it.live("connection refused → NetworkError at once, through the client with the connect timeout", () =>
    Effect.gen(function*() {
      const port = yield* Loopback.closedPort
      const error = yield* Effect.flip(LanguageModel.generateText({ prompt: "x" }).pipe(
        Effect.provide(Layer.effect(LanguageModel.LanguageModel, OpenAiChat.make(options(`http://127.0.0.1:${port}`))).pipe(
          Layer.provide(OpenAiChat.httpClientLayer(2_000))
        ))
      ))
      assert.strictEqual(error.reason._tag, "NetworkError")
    }), 10_000)
})
