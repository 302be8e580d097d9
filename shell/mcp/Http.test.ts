/**
 * The MCP endpoint of `mags serve` (`/mcp`) with the official SDK client over Streamable HTTP:
 * the conformance suite (as alice, with her token), then what only HTTP has: the bearer token
 * decides whose memories a call may use (another tenant's → `Forbidden`, nothing written; no
 * token → 401).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as ServerTesting from "../server/testing.ts"
import { conformance } from "./Conformance.ts"
import { httpLayer, PATH } from "./Http.ts"
import { call, httpClient } from "./testing.ts"

const startServer = () => ServerTesting.start({ mounts: { authenticated: [httpLayer] } })

conformance("Streamable HTTP", async () => {
  const server = await startServer()
  const client = await httpClient(server.url + PATH, ServerTesting.TOKENS.alice)
  return {
    client,
    user: "alice",
    journal: server.journal,
    close: async () => {
      await client.close()
      await server.close()
    }
  }
})

describe("MCP over HTTP: tenants", () => {
  let server: ServerTesting.Running
  let alice: Client
  let bob: Client
  let operator: Client
  beforeAll(async () => {
    server = await startServer()
    alice = await httpClient(server.url + PATH, ServerTesting.TOKENS.alice)
    bob = await httpClient(server.url + PATH, ServerTesting.TOKENS.bob)
    operator = await httpClient(server.url + PATH, ServerTesting.TOKENS.operator)
  })
  afterAll(async () => {
    await Promise.all([alice?.close(), bob?.close(), operator?.close()])
    await server?.close()
  })

  it("a call with no user addresses the token's user's memory", async () => {
    const learned = await call(alice, "add_facts", { facts: [{ subject: "Ivy", relation: "likes", object: "jazz" }] })
    expect(learned.isError, learned.text).toBe(false)
    const opened = await call(alice, "open_nodes", { names: ["Ivy"], user: "alice", agent: "default", session: "default" })
    expect(opened.value.nodes.map((n: any) => n.label)).toEqual(["Ivy"])
    expect(await server.journal()).toContain("alice/default/default")
  })

  it("another tenant's memory is refused (Forbidden), for reads and writes, with nothing written", async () => {
    const secret = await call(bob, "add_facts", { facts: [{ subject: "Bob", relation: "has", object: "a secret" }] })
    expect(secret.isError, secret.text).toBe(false)
    const before = await server.journal()
    for (const [tool, args] of [
      ["search_nodes", { query: "secret", user: "bob" }],
      ["open_nodes", { names: ["Bob"], user: "bob" }],
      ["search_facts", { query: "what does Bob have?", user: "bob" }],
      ["get_history", { target: "Bob", user: "bob" }],
      ["add_facts", { facts: [{ subject: "Mallory", relation: "was", object: "here" }], user: "bob" }],
      ["add_episode", { text: "Mallory was here.", user: "bob" }],
      ["forget", { all: true, user: "bob" }],
      ["add_facts", { facts: [{ subject: "Mallory", relation: "was", object: "here" }], user: "carol" }]
    ] as const) {
      const r = await call(alice, tool, args)
      expect(r.isError, `${tool} → ${r.text}`).toBe(true)
      expect(r.text).toMatch(/^Forbidden: this token may not use the memories of user "(bob|carol)"/)
    }
    await expect(alice.readResource({ uri: "mags://graph/bob/default/default" })).rejects.toThrow(/Forbidden/)
    expect(await server.journal()).toBe(before)
  })

  it("a token for every user may address any user's memory", async () => {
    const read = await call(operator, "open_nodes", { names: ["Bob"], user: "bob" })
    expect(read.isError, read.text).toBe(false)
    expect(read.value.nodes.map((n: any) => n.label)).toEqual(["Bob"])
  })

  it("the server's body limit holds for /mcp: an oversized call is refused (413), nothing written", async () => {
    const before = await server.journal()
    const text = "Alice likes tea. ".repeat(80_000)
    const big = { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "add_episode", arguments: { text } } }
    const r = await ServerTesting.call(server.url + PATH, {
      body: big,
      token: ServerTesting.TOKENS.alice,
      headers: { accept: "application/json, text/event-stream" }
    })
    expect(r.status).toBe(413)
    expect(await server.journal()).toBe(before)
  })

  it("a request from a web page of another origin is refused (403: DNS-rebinding protection), nothing written", async () => {
    const before = await server.journal()
    const r = await ServerTesting.call(server.url + PATH, {
      body: { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "add_facts", arguments: { facts: [{ subject: "Eve", relation: "was", object: "here" }] } } },
      token: ServerTesting.TOKENS.alice,
      headers: { accept: "application/json, text/event-stream", origin: "http://evil.example" }
    })
    expect(r.status).toBe(403)
    expect(await server.journal()).toBe(before)
  })

  it("the token's rate limit holds for /mcp: past its burst, calls are refused (429), nothing written", async () => {
    const limited = await ServerTesting.start({ tokens: ServerTesting.tokens(0.001, 3), mounts: { authenticated: [httpLayer] } })
    try {
      const post = (body: unknown, session?: string) =>
        ServerTesting.call(limited.url + PATH, {
          body,
          token: ServerTesting.TOKENS.alice,
          headers: { accept: "application/json, text/event-stream", ...(session === undefined ? {} : { "mcp-session-id": session, "mcp-protocol-version": "2025-11-25" }) }
        })
      const init = await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "x", version: "1" } } })
      const session = init.headers.get("mcp-session-id") ?? undefined
      expect(session).toBeDefined()
      expect((await post({ jsonrpc: "2.0", method: "notifications/initialized" }, session)).status).toBe(202)
      const addFacts = (object: string, id: number) =>
        post({ jsonrpc: "2.0", id, method: "tools/call", params: { name: "add_facts", arguments: { facts: [{ subject: "Rita", relation: "likes", object }] } } }, session)
      const first = await addFacts("tea", 2)
      expect(first.status, first.text).toBe(200)
      expect(first.json.result.isError).toBe(false)
      const journal = await limited.journal()
      const second = await addFacts("coffee", 3)
      expect(second.status).toBe(429)
      expect(await limited.journal()).toBe(journal)
    } finally {
      await limited.close()
    }
  })

  it("no token, or an unknown one, is refused with 401 before MCP runs", async () => {
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "x", version: "1" } }
    }
    const headers = { accept: "application/json, text/event-stream" }
    const none = await ServerTesting.call(server.url + PATH, { body: initialize, headers })
    expect(none.status).toBe(401)
    const unknown = await ServerTesting.call(server.url + PATH, { body: initialize, headers, token: "not-a-token-0123456789" })
    expect(unknown.status).toBe(401)
    await expect(httpClient(server.url + PATH, undefined)).rejects.toThrow(/401|nauthori/)
  })
})
