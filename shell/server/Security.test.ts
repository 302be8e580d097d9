/**
 * The server's security: every refusal (no token, another tenant's memory, an oversized body,
 * malformed JSON, invalid params, an empty user, a spent rate, a slow client) gets its status and
 * JSON error, and writes NOTHING — each test compares every memory's journal before and after.
 */
import * as Http from "node:http"
import * as Net from "node:net"
import { Effect, Exit, Layer, Scope } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Memories } from "../app/Memories.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor } from "../extract/Extractor.ts"
import { MemoryStore } from "../store/MemoryStore.ts"
import * as Server from "./Server.ts"
import { call, type Running, start, TOKENS, tokens } from "./testing.ts"

let server: Running
const A = () => `${server.url}/v1/memories/alice/default/default`
const B = () => `${server.url}/v1/memories/bob/default/default`

beforeAll(async () => {
  server = await start()
  // each tenant has a memory with something in it
  expect((await call(`${A()}/ingest`, { token: TOKENS.alice, body: { text: "Alice lives in Paris." } })).status).toBe(200)
  expect((await call(`${B()}/ingest`, { token: TOKENS.bob, body: { text: "Bob works at Acme." } })).status).toBe(200)
})
afterAll(() => server.close())

/** Runs `requests`, expects each to answer `status` with a JSON error of `kind`, and the journals to be unchanged. */
const refused = async (
  status: number,
  kind: string | RegExp,
  requests: ReadonlyArray<() => Promise<{ status: number; json: any; text: string }>>
) => {
  const before = await server.journal()
  for (const request of requests) {
    const r = await request()
    expect(r.status, r.text).toBe(status)
    expect(r.json?.error?.kind, r.text).toMatch(kind)
    expect(typeof r.json.error.message).toBe("string")
    // the body the OpenAPI document declares for the status, whichever layer answered
    if (status !== 413) expect(r.json._tag, r.text).toBe({ 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 429: "TooManyRequests" }[status])
  }
  expect(await server.journal()).toBe(before)
}

describe("tokens", () => {
  it("no token, or an unknown or malformed one → 401 on reads and writes", () =>
    refused(401, "Unauthorized", [
      () => call(`${server.url}/v1/memories`),
      () => call(`${A()}/inspect`),
      () => call(`${A()}/ingest`, { body: { text: "Mallory lives in Rome." } }),
      () => call(`${A()}/ingest`, { token: "not-a-known-token-at-all", body: { text: "Mallory lives in Rome." } }),
      () => call(`${A()}/forget`, { headers: { authorization: `Basic ${TOKENS.alice}` }, body: { all: true } }),
      () => call(`${A()}/params`, { method: "PUT", body: { initialWeight: 0.9 } })
    ]))

  it("a 401 says how to authenticate", async () => {
    const r = await call(`${A()}/inspect`)
    expect(r.headers.get("www-authenticate")).toBe("Bearer")
  })
})

describe("tenants", () => {
  it("another user's memory → 403 for every read", () =>
    refused(403, "Forbidden", [
      () => call(`${B()}/inspect`, { token: TOKENS.alice }),
      () => call(`${B()}/recall`, { token: TOKENS.alice, body: { query: "Where does Bob work?", record: false } }),
      () => call(`${B()}/graph`, { token: TOKENS.alice }),
      () => call(`${B()}/events`, { token: TOKENS.alice }),
      () => call(`${B()}/export?format=json`, { token: TOKENS.alice }),
      () => call(`${B()}/history?target=Bob`, { token: TOKENS.alice }),
      () => call(`${B()}/nodes/Bob`, { token: TOKENS.alice }),
      () => call(`${B()}/params`, { token: TOKENS.alice })
    ]))

  it("another user's memory → 403 for every write, nothing written", () =>
    refused(403, "Forbidden", [
      () => call(`${B()}/ingest`, { token: TOKENS.alice, body: { text: "Bob lives in Mars." } }),
      () => call(`${B()}/recall`, { token: TOKENS.alice, body: { query: "Bob" } }),
      () => call(`${B()}/facts`, { token: TOKENS.alice, body: { facts: [{ subject: "Bob", relation: "owes", object: "Alice" }] } }),
      () => call(`${B()}/forget`, { token: TOKENS.alice, body: { all: true } }),
      () => call(`${B()}/params`, { token: TOKENS.alice, method: "PUT", body: { initialWeight: 0.9 } }),
      () => call(`${B()}/rollback`, { token: TOKENS.alice, body: { seq: 0 } }),
      () => call(`${B()}/maintain`, { token: TOKENS.alice, body: {} }),
      () => call(`${B()}/snapshot`, { token: TOKENS.alice, method: "POST" }),
      // a memory of another user that does not exist yet is not created either
      () => call(`${server.url}/v1/memories/carol/default/default/ingest`, { token: TOKENS.alice, body: { text: "Carol is here." } })
    ]))

  it("the memory list shows only the token's users", async () => {
    const r = await call(`${server.url}/v1/memories`, { token: TOKENS.bob })
    expect(r.json.memories).toEqual([{ user: "bob", agent: "default", session: "default" }])
  })

  it("an empty or blank user is refused (400), never mapped to \"default\"", () =>
    refused(400, "Usage", [
      () => call(`${server.url}/v1/memories/%20/default/default/inspect`, { token: TOKENS.operator }),
      () => call(`${server.url}/v1/memories/%20%20/default/default/ingest`, { token: TOKENS.operator, body: { text: "Nobody lives here." } }),
      () => call(`${server.url}/v1/memories/alice/%20/default/ingest`, { token: TOKENS.alice, body: { text: "Alice lives here." } })
    ]))

  it("an empty path segment matches no memory route (404), nothing written", () =>
    refused(404, "NotFound", [
      () => call(`${server.url}/v1/memories//default/default/ingest`, { token: TOKENS.operator, body: { text: "Nobody lives here." } })
    ]))

  it("a memory that does not exist → 404 (but for ingest, facts, params), and is not created", () =>
    refused(404, "NotFound", [
      () => call(`${server.url}/v1/memories/alice/other/default/inspect`, { token: TOKENS.alice }),
      () => call(`${server.url}/v1/memories/alice/other/default/recall`, { token: TOKENS.alice, body: { query: "x", record: false } }),
      () => call(`${server.url}/v1/memories/alice/other/default/recall`, { token: TOKENS.alice, body: { query: "x" } }),
      () => call(`${server.url}/v1/memories/alice/other/default/maintain`, { token: TOKENS.alice, body: {} }),
      () => call(`${server.url}/v1/memories/alice/other/default/snapshot`, { token: TOKENS.alice, method: "POST" })
    ]))
})

/** A POST whose body is sent in chunks without a content-length. */
const chunked = (url: string, token: string, chunks: ReadonlyArray<string>) =>
  new Promise<{ status: number; json: any; text: string }>((resolve, reject) => {
    const request = Http.request(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "transfer-encoding": "chunked" }
    }, (response) => {
      let text = ""
      response.on("data", (d) => (text += d))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text, json: JSON.parse(text) }))
    })
    request.on("error", reject)
    for (const c of chunks) request.write(c)
    request.end()
  })

describe("bodies", () => {
  it("a body over the limit → 413 (by content-length, and chunked without one)", () =>
    refused(413, "TooLarge", [
      () => call(`${A()}/ingest`, { token: TOKENS.alice, body: { text: "Alice owns a cat. ".repeat(70_000) } }),
      () => chunked(`${A()}/ingest`, TOKENS.alice, ['{"text":"', ..."Alice owns a dog. ".repeat(70_000).match(/.{1,65536}/g)!, '"}'])
    ]))

  it("malformed JSON → 400", () =>
    refused(400, "BadInput", [
      () => call(`${A()}/ingest`, { token: TOKENS.alice, raw: "{\"text\": \"Alice owns a cat." }),
      () => call(`${A()}/facts`, { token: TOKENS.alice, raw: "[1, 2," }),
      () => call(`${A()}/params`, { token: TOKENS.alice, method: "PUT", raw: "initialWeight=0.9" })
    ]))

  it("invalid params, query and body fields → 400", () =>
    refused(400, /^(BadInput|Usage)$/, [
      () => call(`${A()}/ingest`, { token: TOKENS.alice, body: { text: 42 } }),
      () => call(`${A()}/ingest`, { token: TOKENS.alice, body: { messages: [{ role: "user" }] } }),
      () => call(`${A()}/ingest`, { token: TOKENS.alice, body: { triples: [{ subject: "Alice", relation: "", object: "Rome" }] } }),
      () => call(`${A()}/recall`, { token: TOKENS.alice, body: { query: "" } }),
      () => call(`${A()}/recall`, { token: TOKENS.alice, body: { query: "Alice", k: -1 } }),
      () => call(`${A()}/recall`, { token: TOKENS.alice, body: { query: "Alice", sources: ["telepathy"] } }),
      () => call(`${A()}/recall`, { token: TOKENS.alice, body: { query: "Alice", at: "last tuesday" } }),
      () => call(`${A()}/nodes?limit=many`, { token: TOKENS.alice }),
      () => call(`${A()}/events?limit=1000000`, { token: TOKENS.alice }),
      () => call(`${A()}/graph?at=-3`, { token: TOKENS.alice }),
      () => call(`${A()}/export?format=pdf`, { token: TOKENS.alice }),
      () => call(`${A()}/connect?from=Alice`, { token: TOKENS.alice }),
      () => call(`${A()}/rollback`, { token: TOKENS.alice, body: { seq: -1 } }),
      () => call(`${A()}/branches/first/restore`, { token: TOKENS.alice, method: "POST" }),
      () => call(`${A()}/forget`, { token: TOKENS.alice, body: { fact: "f|alice|lives_in|paris", node: "alice" } }),
      () => call(`${A()}/forget`, { token: TOKENS.alice, body: {} }),
      () => call(`${A()}/params`, { token: TOKENS.alice, method: "PUT", body: { initialWeight: 2 } }),
      () => call(`${A()}/params`, { token: TOKENS.alice, method: "PUT", body: { noSuchParam: 1 } }),
      () => call(`${A()}/facts`, { token: TOKENS.alice, body: { facts: [] } })
    ]))

  it("a hand edit of an unknown fact → 404, nothing written", () =>
    refused(404, "NotFound", [
      () => call(`${A()}/facts/${encodeURIComponent("f|nobody|likes|nothing")}/correct`, { token: TOKENS.alice, body: { object: "x" } }),
      () => call(`${A()}/branches/99/restore`, { token: TOKENS.alice, method: "POST" })
    ]))
})

describe("rate limits", () => {
  it("past its burst a token gets 429 with retry-after, nothing written; other tokens are not affected", async () => {
    const limited = await start({ tokens: tokens(0.001, 3) })
    try {
      const M = `${limited.url}/v1/memories/alice/default/default`
      for (let i = 0; i < 3; i++) expect((await call(`${M}/ingest`, { token: TOKENS.alice, body: { text: `Alice has ${i + 2} cats.` } })).status).toBe(200)
      const before = await limited.journal()
      const r = await call(`${M}/ingest`, { token: TOKENS.alice, body: { text: "Alice has a dragon." } })
      expect(r.status).toBe(429)
      expect(r.json.error.kind).toBe("RateLimited")
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0)
      expect((await call(`${M}/inspect`, { token: TOKENS.alice })).status).toBe(429)
      expect(await limited.journal()).toBe(before)
      expect((await call(`${limited.url}/v1/memories/bob/default/default/ingest`, { token: TOKENS.bob, body: { text: "Bob has a dog." } })).status).toBe(200)
    } finally {
      await limited.close()
    }
  })
})

/** Opens a raw connection, sends `data`, and resolves with everything the server sent until it closed. */
const slowClient = (url: string, data: string) =>
  new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(url)
    let received = ""
    const socket = Net.connect(Number(port), hostname, () => socket.write(data))
    socket.on("data", (d) => (received += d.toString()))
    socket.on("error", reject)
    socket.on("close", () => resolve(received))
  })

describe("slow clients", () => {
  it("a client that does not finish its headers, or its body, is answered 408 and disconnected; nothing written", async () => {
    const slow = await start({ headersTimeoutMs: 200, requestTimeoutMs: 400 })
    try {
      const before = await slow.journal()
      const headers = await slowClient(slow.url, `POST /v1/memories/alice/default/default/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.alice}\r\n`)
      expect(headers).toMatch(/^HTTP\/1\.1 408/)
      const body = await slowClient(
        slow.url,
        `POST /v1/memories/alice/default/default/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKENS.alice}\r\n` +
          `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text":"Alice`
      )
      expect(body).toMatch(/^HTTP\/1\.1 408/)
      expect(await slow.journal()).toBe(before)
    } finally {
      await slow.close()
    }
  })
})

/** A request with its own `host` header (fetch does not let one set it). */
const hosted = (url: string, host: string, body?: unknown) =>
  new Promise<{ status: number; json: any }>((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body)
    const request = Http.request(url, {
      method: text === undefined ? "GET" : "POST",
      headers: { host, ...(text === undefined ? {} : { "content-type": "application/json" }) }
    }, (response) => {
      let data = ""
      response.on("data", (d) => (data += d))
      response.on("end", () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(data) }))
    })
    request.on("error", reject)
    request.end(text)
  })

describe("binding", () => {
  it("binds loopback by default", async () => {
    expect(Server.DEFAULT_HOST).toBe("127.0.0.1")
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it("--no-auth is refused on a non-loopback host, admits requests without a token on loopback", async () => {
    const scope = Effect.runSync(Scope.make())
    const app = Layer.mergeAll(Memories.layer, Embedder.layerTest, Extractor.layerRules).pipe(Layer.provideMerge(MemoryStore.layerMemory))
    const exit = await Effect.runPromiseExit(Layer.buildWithScope(
      Server.layer({ host: "0.0.0.0", port: 0, tokens: [], noAuth: true }).pipe(Layer.provide(app)),
      scope
    ))
    await Effect.runPromise(Scope.close(scope, Exit.void))
    expect(Exit.isFailure(exit)).toBe(true)
    const open = await start({ tokens: [], noAuth: true })
    try {
      expect((await call(`${open.url}/v1/memories/anyone/default/default/ingest`, { body: { text: "Dana lives in Oslo." } })).status).toBe(200)
      // DNS rebinding: another site's name resolving to 127.0.0.1 is refused, nothing written
      const before = await open.journal()
      const rebound = await hosted(`${open.url}/v1/memories/anyone/default/default/ingest`, "evil.example:8787", { text: "Eve lives in Oslo." })
      expect(rebound.status).toBe(403)
      expect(rebound.json.error.kind).toBe("Forbidden")
      expect(await open.journal()).toBe(before)
      expect((await hosted(`${open.url}/v1/memories/anyone/default/default/inspect`, "localhost:8787")).status).toBe(200)
    } finally {
      await open.close()
    }
  })

  it("Server.isLoopback", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1"]) expect(Server.isLoopback(h), h).toBe(true)
    for (const h of ["0.0.0.0", "192.168.1.2", "::", "example.com"]) expect(Server.isLoopback(h), h).toBe(false)
  })
})
