/**
 * OpenAI-compatible embeddings provider against a real HTTP server started by the test on
 * 127.0.0.1 (node:http, random port) that speaks the /v1/embeddings schema. The request's
 * `model` field picks the server's behaviour, so one server covers every case.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { EmbeddingModel } from "effect/ai"
import * as Http from "node:http"
import * as Loopback from "../testing/Loopback.ts"
import { Embedder } from "./Embedder.ts"
import * as OpenAiEmbeddings from "./OpenAiEmbeddings.ts"

const KEY = "sk-test-good"

interface Seen {
  readonly path: string
  readonly authorization: string | undefined
  readonly body: { model: string; input: Array<string>; encoding_format?: string }
}

/** The fake vector of `text`: [length, first char code, 1]. */
const fakeVector = (text: string): Array<number> => [text.length, text.charCodeAt(0) || 0, 1]

const reply = (res: Http.ServerResponse, status: number, body: string) => {
  res.writeHead(status, { "content-type": "application/json" })
  res.end(body)
}

const handle = (seen: Array<Seen>) => (req: Http.IncomingMessage, res: Http.ServerResponse) => {
  let raw = ""
  req.on("data", (c: Buffer) => (raw += c.toString("utf8")))
  req.on("end", () => {
    const body = JSON.parse(raw) as Seen["body"]
    seen.push({ path: req.url ?? "", authorization: req.headers.authorization, body })
    if (req.method !== "POST" || req.url !== "/v1/embeddings") return reply(res, 404, "{\"error\":\"not found\"}")
    if (req.headers.authorization !== `Bearer ${KEY}`) {
      return reply(res, 401, JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } }))
    }
    const data = body.input.map((text, index) => ({ object: "embedding", index, embedding: fakeVector(text) }))
    switch (body.model) {
      case "not-json":
        return reply(res, 200, "<html>gateway</html>")
      case "wrong-schema":
        return reply(res, 200, JSON.stringify({ data: [{ index: 0, embedding: "oops" }] }))
      case "missing-index":
        return reply(res, 200, JSON.stringify({ object: "list", data: data.slice(1) }))
      case "ragged":
        return reply(res, 200, JSON.stringify({ data: data.map((d, i) => ({ ...d, embedding: d.embedding.slice(0, 3 - (i % 2)) })) }))
      case "boom":
        return reply(res, 500, "{\"error\":{\"message\":\"internal\"}}")
      default:
        // Out of order on purpose: the client must sort by index.
        return reply(res, 200, JSON.stringify({
          object: "list",
          model: body.model,
          data: [...data].reverse(),
          usage: { prompt_tokens: body.input.length * 2, total_tokens: body.input.length * 2 }
        }))
    }
  })
}

/** A server on 127.0.0.1:<random> running {@link handle}, closed with the scope. */
const server = Loopback.server(handle)

const options = (baseUrl: string, model = "fake-embed", extra?: Partial<OpenAiEmbeddings.Options>): OpenAiEmbeddings.Options => ({
  baseUrl,
  apiKey: Redacted.make(KEY),
  model,
  ...extra
})

const embedWith = (opts: OpenAiEmbeddings.Options, texts: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const embedder = yield* Embedder
    return { embedder, vectors: yield* embedder.embedMany(texts) }
  }).pipe(Effect.provide(Embedder.layerOpenAi(opts)))

describe("OpenAiEmbeddings", () => {
  it("endpoint tolerates a trailing slash and /v1", () => {
    assert.strictEqual(OpenAiEmbeddings.endpoint("http://h:1"), "http://h:1/v1/embeddings")
    assert.strictEqual(OpenAiEmbeddings.endpoint("http://h:1/"), "http://h:1/v1/embeddings")
    assert.strictEqual(OpenAiEmbeddings.endpoint("http://h:1/v1/"), "http://h:1/v1/embeddings")
    assert.strictEqual(OpenAiEmbeddings.endpoint("http://h:1/api/v1"), "http://h:1/api/v1/embeddings")
  })

  it.live("embeds in input order with the bearer key, probing the dimension once", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const texts = ["alpha", "be", "", "gamma ray"]
      const { embedder, vectors } = yield* embedWith(options(url), texts)
      assert.strictEqual(embedder.dimensions, 3)
      assert.strictEqual(embedder.id, `openai:fake-embed@${url}/v1/embeddings`)
      assert.deepStrictEqual(vectors.map((v) => Array.from(v)), texts.map(fakeVector))
      assert.strictEqual(seen.length, 2, "one probe + one batch")
      assert.deepStrictEqual(seen[1]!.body, { model: "fake-embed", input: texts, encoding_format: "float" })
      assert.isTrue(seen.every((s) => s.authorization === `Bearer ${KEY}` && s.path === "/v1/embeddings"))
    }).pipe(Effect.scoped))

  it.live("splits large inputs into batches, keeps order, sums usage; the effect/ai service is provided too", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* server
      const texts = ["a", "bb", "ccc", "dddd", "eeeee"]
      const result = yield* Effect.gen(function*() {
        const model = yield* EmbeddingModel.EmbeddingModel
        const dims = yield* EmbeddingModel.Dimensions
        const many = yield* model.embedMany(texts)
        const one = yield* model.embed("zz")
        return { dims, many, one }
      }).pipe(Effect.provide(Embedder.layerOpenAi(options(url, "fake-embed", { batchSize: 2, dimensions: 3 }))))
      assert.strictEqual(result.dims, 3)
      assert.deepStrictEqual(result.many.embeddings.map((e) => e.vector), texts.map(fakeVector))
      assert.strictEqual(result.many.usage.inputTokens, 10)
      assert.deepStrictEqual(result.one.vector, fakeVector("zz"))
      assert.deepStrictEqual(seen.map((s) => s.body.input.length), [2, 2, 1, 1], "no probe when dimensions are given")
    }).pipe(Effect.scoped))

  it.live("401: a bad key fails the layer with AuthenticationError (BadKey)", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const error = yield* Effect.flip(embedWith({ ...options(url), apiKey: Redacted.make("sk-wrong") }, ["x"]))
      assert.strictEqual(error.reason._tag, "AuthenticationError")
      assert.strictEqual(OpenAiEmbeddings.classify(error), "BadKey")
      assert.notInclude(error.message, "sk-wrong")
      const noKey = yield* Effect.flip(embedWith({ baseUrl: url, model: "fake-embed" }, ["x"]))
      assert.strictEqual(OpenAiEmbeddings.classify(noKey), "BadKey")
    }).pipe(Effect.scoped))

  it.live("malformed responses: not JSON, wrong schema, a missing index, ragged vectors → InvalidResponseError", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      for (const model of ["not-json", "wrong-schema", "missing-index", "ragged"]) {
        const error = yield* Effect.flip(embedWith(options(url, model, { dimensions: 3 }), ["one", "two", "three"]))
        assert.strictEqual(error.reason._tag, "InvalidResponseError", model)
        assert.strictEqual(OpenAiEmbeddings.classify(error), "Malformed", model)
      }
      const wrongDims = yield* Effect.flip(embedWith(options(url, "fake-embed", { dimensions: 7 }), ["one"]))
      assert.strictEqual(OpenAiEmbeddings.classify(wrongDims), "Malformed")
      assert.include(wrongDims.message, "expected 7")
    }).pipe(Effect.scoped))

  it.live("a server error is InternalProviderError; an unreachable endpoint is NetworkError (Unreachable)", () =>
    Effect.gen(function*() {
      const { url } = yield* server
      const boom = yield* Effect.flip(embedWith(options(url, "boom", { dimensions: 3 }), ["x"]))
      assert.strictEqual(boom.reason._tag, "InternalProviderError")
      assert.strictEqual(OpenAiEmbeddings.classify(boom), "Other")
      const port = yield* Loopback.closedPort
      const down = yield* Effect.flip(embedWith(options(`http://127.0.0.1:${port}`), ["x"]))
      assert.strictEqual(down.reason._tag, "NetworkError")
      assert.strictEqual(OpenAiEmbeddings.classify(down), "Unreachable")
    }).pipe(Effect.scoped))
})
