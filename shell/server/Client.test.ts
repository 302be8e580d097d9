/**
 * The API's own typed client (`HttpApiClient.make(Api)`, effect's client derived from the same
 * declaration) works against the real server: successes decode as the app's views, and error
 * answers — from a handler (403, 404), the token check (401) and the request decoding (400) —
 * decode as the API's typed errors.
 */
import { Effect, Layer } from "effect"
import { FetchHttpClient, HttpClient, HttpClientRequest } from "effect/http"
import { HttpApiClient } from "effect/http-api"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Api } from "./Api.ts"
import { type Running, start, TOKENS } from "./testing.ts"

let server: Running
beforeAll(async () => {
  server = await start()
})
afterAll(() => server.close())

const client = (token: string | undefined) =>
  HttpApiClient.make(Api, {
    baseUrl: server.url,
    transformClient: token === undefined ? undefined : HttpClient.mapRequest(HttpClientRequest.bearerToken(token))
  })

const run = <A, E>(effect: Effect.Effect<A, E, HttpClient.HttpClient>) =>
  Effect.runPromise(Effect.result(effect).pipe(Effect.provide(FetchHttpClient.layer as Layer.Layer<HttpClient.HttpClient>)))

const alice = { user: "alice", agent: "default", session: "default" }

describe("the typed client", () => {
  it("ingests, recalls and lists through the declared endpoints", async () => {
    const result = await run(Effect.gen(function*() {
      const api = yield* client(TOKENS.alice)
      const learned = yield* api.memory.ingest({ params: alice, payload: { text: "Alice lives in Paris." } })
      const recalled = yield* api.memory.recall({ params: alice, payload: { query: "Where does Alice live?", record: false } })
      const listed = yield* api.memories.list()
      return { learned, recalled, listed }
    }))
    expect(result._tag).toBe("Success")
    if (result._tag !== "Success") return
    expect(result.success.learned.factIds).toContain("f|alice|lives_in|paris")
    expect(result.success.recalled.facts.map((f) => f.fact.id)).toContain("f|alice|lives_in|paris")
    expect(result.success.listed.memories).toEqual([alice])
  })

  it("decodes the error answers as the API's typed errors", async () => {
    const tags = await run(Effect.gen(function*() {
      const asBob = yield* client(TOKENS.bob)
      const anonymous = yield* client(undefined)
      const forbidden = yield* Effect.flip(asBob.memory.inspect({ params: alice }))
      const notFound = yield* Effect.flip(asBob.memory.inspect({ params: { user: "bob", agent: "none", session: "none" } }))
      const unauthorized = yield* Effect.flip(anonymous.memory.inspect({ params: alice }))
      const badRequest = yield* Effect.flip(asBob.memory.setParams({ params: { user: "bob", agent: "default", session: "default" }, payload: { initialWeight: 7 } }))
      return [forbidden._tag, notFound._tag, unauthorized._tag, badRequest._tag]
    }))
    expect(tags._tag).toBe("Success")
    if (tags._tag === "Success") expect(tags.success).toEqual(["Forbidden", "NotFound", "Unauthorized", "BadRequest"])
  })
})
