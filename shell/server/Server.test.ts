/**
 * The HTTP API's routes, each on its happy path, against a real server on 127.0.0.1 (ephemeral
 * port, in-memory store, test embedder, rule extractor), and the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, type Running, start, TOKENS } from "./testing.ts"

let server: Running
let M: string
const alice = { token: TOKENS.alice }

beforeAll(async () => {
  server = await start()
  M = `${server.url}/v1/memories/alice/assistant/s1`
})
afterAll(() => server.close())

const ok = async (path: string, init: Parameters<typeof call>[1] = {}) => {
  const r = await call(path.startsWith("http") ? path : `${M}${path}`, { ...alice, ...init })
  expect(r.status, `${init.method ?? (init.body === undefined ? "GET" : "POST")} ${path}: ${r.text}`).toBe(200)
  return r
}

describe("the memory routes, in a session's order", () => {
  let parisFact = ""

  it("POST ingest learns text, messages and triples", async () => {
    const text = await ok("/ingest", { body: { text: "Alice lives in Paris. Bob works at Acme." } })
    expect(text.json.items).toBe(2)
    expect(text.json.factIds).toContain("f|alice|lives_in|paris")
    parisFact = "f|alice|lives_in|paris"
    const messages = await ok("/ingest", { body: { messages: [{ role: "user", content: "Carol likes tea.", speaker: "Carol" }] } })
    expect(messages.json.items).toBe(1)
    const triples = await ok("/ingest", { body: { triples: [{ subject: "Paris", relation: "is in", object: "France" }] } })
    expect(triples.json.facts).toBe(1)
    expect(triples.json.seq).toBeGreaterThan(text.json.seq)
  })

  it("POST ingest with a source is idempotent: a retried request learns nothing twice", async () => {
    const body = { text: "I play the cello.", speaker: "Alice", source: "retry-42" }
    const first = await ok("/ingest", { body })
    expect(first.json.facts).toBeGreaterThan(0)
    const before = await server.journal()
    const again = await ok("/ingest", { body })
    expect([again.json.skipped, again.json.facts]).toEqual([1, 0])
    expect(await server.journal()).toBe(before)
    const bad = await call(`${M}/ingest`, { ...alice, body: { text: "x", source: "no spaces allowed" } })
    expect(bad.status).toBe(400)
    expect(await server.journal()).toBe(before)
  })

  it("GET /v1/memories lists the memories the token may use", async () => {
    await call(`${server.url}/v1/memories/bob/default/default/ingest`, { token: TOKENS.bob, body: { text: "Bob owns a boat." } })
    const mine = await ok(`${server.url}/v1/memories`)
    expect(mine.json.memories).toEqual([{ user: "alice", agent: "assistant", session: "s1" }])
    const all = await ok(`${server.url}/v1/memories`, { token: TOKENS.operator })
    expect(all.json.memories.map((m: { user: string }) => m.user).sort()).toEqual(["alice", "bob"])
  })

  it("POST recall answers facts with their paths; record: false writes nothing", async () => {
    const r = await ok("/recall", { body: { query: "Where does Alice live?" } })
    expect(r.json.facts.map((f: { fact: { id: string } }) => f.fact.id)).toContain(parisFact)
    const found = r.json.facts.find((f: { fact: { id: string } }) => f.fact.id === parisFact)
    expect(found.path.nodes.length).toBeGreaterThan(0)
    const before = await server.journal()
    const ro = await ok("/recall", { body: { query: "Where does Alice live?", record: false, k: 3, max: 5, sources: ["lexical", "vector"] } })
    expect(ro.json.seq).toBe(r.json.seq)
    expect(await server.journal()).toBe(before)
  })

  it("GET connect gives the strongest path", async () => {
    const r = await ok("/connect?from=Alice&to=France")
    expect(r.json.connected).toBe(true)
    expect(r.json.path.nodes[0]).toBe("alice")
  })

  it("GET history of a fact and of a node", async () => {
    const fact = await ok(`/history?target=${encodeURIComponent(parisFact)}`)
    expect(fact.json.kind).toBe("fact")
    expect(fact.json.events.length).toBeGreaterThan(0)
    const node = await ok("/history?target=Alice")
    expect(node.json.kind).toBe("node")
  })

  it("GET nodes searches, GET nodes/{node} opens one", async () => {
    const found = await ok("/nodes?query=alice&limit=5")
    expect(found.json.nodes.map((n: { id: string }) => n.id)).toContain("alice")
    const one = await ok("/nodes/Alice")
    expect(one.json.id).toBe("alice")
    expect(one.json.facts).toContain(parisFact)
  })

  it("GET graph draws the active graph, now and at an earlier seq", async () => {
    const now = await ok("/graph")
    expect(now.json.edges.map((e: { id: string }) => e.id)).toContain(parisFact)
    const early = await ok("/graph?at=1")
    expect(early.json.seq).toBe(1)
    expect(early.json.nodes.length).toBeLessThan(now.json.nodes.length)
  })

  it("GET export as json, dot and mermaid", async () => {
    const json = await ok("/export?format=json")
    expect(JSON.parse(json.text)).toBeTypeOf("object")
    expect((await ok("/export?format=dot")).text).toContain("digraph")
    expect((await ok("/export?format=mermaid")).text).toContain("graph")
  })

  it("GET events pages through the journal", async () => {
    const page = await ok("/events?after=0&limit=2")
    expect(page.json.events.map((e: { seq: number }) => e.seq)).toEqual([1, 2])
    expect(page.json.last).toBeGreaterThan(2)
  })

  it("POST facts adds by hand; POST facts/{id}/correct supersedes, history shows the edit", async () => {
    const added = await ok("/facts", { body: { facts: [{ subject: "Alice", relation: "likes", object: "chess" }] } })
    expect(added.json.facts).toBe(1)
    const corrected = await ok(`/facts/${encodeURIComponent(parisFact)}/correct`, { body: { object: "Lyon" } })
    expect(corrected.json.kind).toBe("fact")
    const chain = corrected.json.slots.flatMap((s: { chain: Array<{ id: string; superseded: boolean; source: Array<string> }> }) => s.chain)
    expect(chain.find((f: { id: string }) => f.id === parisFact)?.superseded).toBe(true)
    expect(chain.some((f: { source: Array<string> }) => f.source.some((x) => x.startsWith("edit")))).toBe(true)
  })

  it("POST forget deletes a fact", async () => {
    const added = await ok("/facts", { body: { facts: [{ subject: "Alice", relation: "owns", object: "a bicycle" }] } })
    const r = await ok("/forget", { body: { fact: added.json.factIds[0] } })
    expect(r.json.forgotten).toBe(true)
    expect(r.json.edges).toContain(added.json.factIds[0])
  })

  it("POST snapshot, POST rollback, GET branches, POST branches/{n}/restore", async () => {
    const snap = await ok("/snapshot", { method: "POST" })
    const seq = snap.json.seq
    expect(seq).toBeGreaterThan(2)
    const back = await ok("/rollback", { body: { seq: seq - 2 } })
    expect(back.json.state.seq).toBe(seq - 2)
    expect(back.json.branch.events).toBe(2)
    const listed = await ok("/branches")
    expect(listed.json.branches.map((b: { branch: number }) => b.branch)).toContain(back.json.branch.branch)
    const restored = await ok(`/branches/${back.json.branch.branch}/restore`, { method: "POST" })
    expect(restored.json.state.seq).toBe(seq)
    expect(restored.json.state.hash).toBe(snap.json.hash)
  })

  it("POST maintain decays, prunes and consolidates", async () => {
    const r = await ok("/maintain", { body: {} })
    expect(r.json.after.nodes).toBeLessThanOrEqual(r.json.before.nodes)
  })

  it("GET params, PUT params", async () => {
    const got = await ok("/params")
    expect(got.json.params.initialWeight.min).toBe(0)
    const set = await ok("/params", { method: "PUT", body: { initialWeight: 0.6 } })
    expect(set.json.params.initialWeight.value).toBe(0.6)
    expect(set.json.changed).toContain("initialWeight")
  })

  it("POST verify and GET inspect", async () => {
    const v = await ok("/verify", { method: "POST" })
    expect(v.json.ok).toBe(true)
    const i = await ok("/inspect")
    expect(i.json.seq).toBe(v.json.liveSeq)
    expect(i.json.facts.current).toBeGreaterThan(0)
  })
})

describe("concurrent writes", () => {
  it("32 hand edits sent at once to one memory are all kept, and the journal verifies", async () => {
    const W = `${server.url}/v1/memories/alice/writers/default`
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) =>
      call(`${W}/facts`, { ...alice, body: { facts: [{ subject: `Writer ${i}`, relation: "wrote", object: `Note ${i}` }] } })))
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200))
    const seqs = answers.map((a) => a.json.seq as number)
    expect(new Set(seqs).size).toBe(32)
    for (let i = 0; i < 32; i++) {
      const node = await call(`${W}/nodes/${encodeURIComponent(`Writer ${i}`)}`, alice)
      expect(node.json.facts).toEqual(answers[i]!.json.factIds)
    }
    expect((await call(`${W}/verify`, { ...alice, method: "POST" })).json.ok).toBe(true)
  })
})

describe("the OpenAPI document", () => {
  it("is served without a token at /openapi.json, valid JSON listing every route", async () => {
    const r = await call(`${server.url}/openapi.json`)
    expect(r.status).toBe(200)
    const doc = JSON.parse(r.text)
    expect(doc.openapi).toMatch(/^3\./)
    const m = "/v1/memories/{user}/{agent}/{session}"
    const expected: Record<string, Array<string>> = {
      "/v1/memories": ["get"],
      [`${m}/inspect`]: ["get"],
      [`${m}/ingest`]: ["post"],
      [`${m}/recall`]: ["post"],
      [`${m}/connect`]: ["get"],
      [`${m}/history`]: ["get"],
      [`${m}/nodes`]: ["get"],
      [`${m}/nodes/{node}`]: ["get"],
      [`${m}/graph`]: ["get"],
      [`${m}/export`]: ["get"],
      [`${m}/events`]: ["get"],
      [`${m}/facts`]: ["post"],
      [`${m}/facts/{fact}/correct`]: ["post"],
      [`${m}/forget`]: ["post"],
      [`${m}/snapshot`]: ["post"],
      [`${m}/rollback`]: ["post"],
      [`${m}/branches`]: ["get"],
      [`${m}/branches/{branch}/restore`]: ["post"],
      [`${m}/maintain`]: ["post"],
      [`${m}/params`]: ["get", "put"],
      [`${m}/verify`]: ["post"]
    }
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual(methods)
    }
    expect(Object.keys(doc.paths).length).toBe(Object.keys(expected).length)
    // bearer security and the error statuses are documented
    expect(JSON.stringify(doc.components.securitySchemes)).toContain("bearer")
    // every operation says what it does
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) expect(doc.paths[path][method].summary, `${method} ${path}`).toMatch(/\w/)
    }
    const recall = doc.paths[`${m}/recall`].post
    for (const status of ["200", "400", "401", "403", "404", "429"]) expect(Object.keys(recall.responses), status).toContain(status)
  })
})
