/**
 * OpenAI-compatible chat provider against a real HTTP server started by the test on 127.0.0.1
 * (node:http, random port) that speaks the /v1/chat/completions schema, `response_format` and
 * `stream: true` included. The request's `model` field picks the server's behaviour.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Schema, Stream } from "effect"
import { LanguageModel } from "effect/ai"
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
