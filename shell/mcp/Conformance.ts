/**
 * Conformance — what every MCP transport of MAGS must do, as one vitest suite run over stdio
 * (`Stdio.test.ts`) and over Streamable HTTP (`Http.test.ts`) with the official SDK client:
 * list the tools (titles, schemas, hints), learn and recall with paths and validity, hand edits
 * and their history, nodes, connect, forget, the graph resource, and failures that are tool
 * errors with the memory untouched. Each test works in a memory of its own (its `session`).
 * Test-only.
 *
 * @since 0.3.0
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { call, TOOL_TABLE } from "./testing.ts"

/** A connected client, a fingerprint of every journal the server writes, and how to stop. */
export interface Harness {
  readonly client: Client
  /** The user the client's calls address (its default, or one it may act for). */
  readonly user: string
  readonly journal: () => Promise<string>
  readonly close: () => Promise<void>
}

/** Registers the conformance tests of a transport, over one harness made by `setup`. */
export const conformance = (name: string, setup: () => Promise<Harness>): void => {
  describe(`MCP conformance: ${name}`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await setup()
    })
    afterAll(async () => {
      await h?.close()
    })
    const at = (session: string) => ({ user: h.user, session })
    const ok = async (tool: string, args: Record<string, unknown>) => {
      const r = await call(h.client, tool, args)
      expect(r.isError, `${tool}: ${r.text}`).toBe(false)
      return r.value
    }

    it("lists every tool with a title, input and output schemas, and its hints", async () => {
      const { tools } = await h.client.listTools()
      expect(tools.map((t) => t.name).sort()).toEqual(TOOL_TABLE.map(([n]) => n).sort())
      for (const [toolName, readOnly, destructive, idempotent] of TOOL_TABLE) {
        const tool = tools.find((t) => t.name === toolName)!
        expect(tool.title ?? tool.annotations?.title, toolName).toMatch(/\w/)
        expect(tool.description, toolName).toMatch(/\w{3}/)
        expect(tool.annotations, toolName).toMatchObject({ readOnlyHint: readOnly, destructiveHint: destructive, idempotentHint: idempotent, openWorldHint: false })
        expect(tool.inputSchema.type).toBe("object")
        expect(Object.keys(tool.inputSchema.properties ?? {}), toolName).toEqual(expect.arrayContaining(["user", "agent", "session"]))
        expect(tool.outputSchema?.type, toolName).toBe("object")
      }
      const search = tools.find((t) => t.name === "search_facts")!
      expect(search.inputSchema.required).toEqual(["query"])
      expect(JSON.stringify(search.outputSchema)).toContain("\"path\"")
      expect(JSON.stringify(search.outputSchema)).toContain("\"validFrom\"")
    })

    it("add_episode, then search_facts finds the fact with its justifying path and validity", async () => {
      const learned = await ok("add_episode", { text: "Alice works at Acme.", ...at("episode") })
      expect(learned.facts).toBeGreaterThanOrEqual(1)
      expect(learned.factIds).toContain("f|alice|works_at|acme")
      const found = await ok("search_facts", { query: "where does Alice work?", ...at("episode") })
      const hit = found.facts.find((f: any) => f.fact.id === "f|alice|works_at|acme")
      expect(hit, JSON.stringify(found.facts.map((f: any) => f.fact.id))).toBeDefined()
      expect(hit.path.edges).toContain("f|alice|works_at|acme")
      expect(hit.path.text).toContain("Acme")
      expect(hit.fact).toMatchObject({ current: true, superseded: false, validTo: null, supersededBy: null })
      expect("validFrom" in hit.fact).toBe(true)
    })

    it("add_episode under a source learns an episode once: a retried call adds nothing", async () => {
      const episode = { text: "Kai works at Wayne Enterprises.", source: "retry-1", ...at("retry") }
      const first = await ok("add_episode", episode)
      expect(first.facts).toBeGreaterThanOrEqual(1)
      const journal = await h.journal()
      const again = await ok("add_episode", episode)
      expect(again).toMatchObject({ facts: 0, skipped: first.items })
      expect(await h.journal()).toBe(journal)
    })

    it("add_episode takes chat messages", async () => {
      const learned = await ok("add_episode", {
        messages: [{ role: "user", content: "I live in Lisbon.", speaker: "Bruno" }],
        ...at("messages")
      })
      expect(learned.factIds).toContain("f|bruno|lives_in|lisbon")
      const unnamed = await ok("add_episode", { messages: [{ role: "user", content: "I live in Rome." }], speaker: "Mona", ...at("messages") })
      expect(unnamed.factIds).toContain("f|mona|lives_in|rome")
    })

    it("add_facts is a hand edit: a new value supersedes the old one, and get_history shows the chain", async () => {
      await ok("add_facts", { facts: [{ subject: "Carol", relation: "lives in", object: "Paris" }], ...at("edits") })
      const moved = await ok("add_facts", { facts: [{ subject: "Carol", relation: "lives in", object: "Berlin" }], ...at("edits") })
      expect(moved.superseded).toBe(1)
      const history = await ok("get_history", { target: "Carol", ...at("edits") })
      const slot = history.slots.find((s: any) => s.relation === "lives_in")
      expect(slot.chain.map((f: any) => [f.labels.object, f.current])).toEqual([["Paris", false], ["Berlin", true]])
      expect(slot.chain[0].supersededBy).toBe(slot.chain[1].id)
      expect(slot.chain[0].source.join(" ")).toContain("edit")
      expect(history.events.length).toBeGreaterThanOrEqual(2)
    })

    it("search_facts answers with each fact's validity, and `at` recalls what held then", async () => {
      await ok("add_facts", { facts: [{ subject: "Lena", relation: "lives in", object: "Paris", validFrom: "2020-03-01" }], ...at("validity") })
      await ok("add_facts", { facts: [{ subject: "Lena", relation: "lives in", object: "Berlin", validFrom: "2023-06-01" }], ...at("validity") })
      const facts = async (extra: Record<string, unknown>) =>
        (await ok("search_facts", { query: "Where does Lena live?", ...at("validity"), ...extra })).facts
          .filter((f: any) => f.fact.relation === "lives_in")
          .map((f: any) => [f.fact.labels.object, f.fact.validFrom, f.fact.validTo, f.fact.current])
      const june2023 = Date.UTC(2023, 5, 1)
      expect(await facts({})).toEqual([["Berlin", june2023, null, true]])
      expect(await facts({ at: "2021-01-01" })).toEqual([["Paris", Date.UTC(2020, 2, 1), june2023, false]])
    })

    it("search_nodes and open_nodes find nodes by name; open_nodes lists the missing ones", async () => {
      await ok("add_facts", { facts: [{ subject: "Dana", relation: "works at", object: "Initech" }], ...at("nodes") })
      const searched = await ok("search_nodes", { query: "dana", ...at("nodes") })
      expect(searched.nodes.map((n: any) => n.label)).toContain("Dana")
      const opened = await ok("open_nodes", { names: ["Dana", "Nobody"], ...at("nodes") })
      expect(opened.nodes.map((n: any) => n.label)).toEqual(["Dana"])
      expect(opened.nodes[0].facts).toContain("f|dana|works_at|initech")
      expect(opened.missing).toEqual(["Nobody"])
    })

    it("connect gives the strongest path between two nodes", async () => {
      await ok("add_facts", { facts: [{ subject: "Erin", relation: "works at", object: "Globex" }], ...at("connect") })
      const path = await ok("connect", { from: "Erin", to: "Globex", ...at("connect") })
      expect(path).toMatchObject({ connected: true, reason: null })
      expect(path.path.edges).toContain("f|erin|works_at|globex")
    })

    it("forget deletes a fact: search_facts no longer finds it", async () => {
      await ok("add_episode", { text: "Frank works at Hooli.", ...at("forget") })
      const before = await ok("search_facts", { query: "where does Frank work?", ...at("forget") })
      expect(before.facts.map((f: any) => f.fact.id)).toContain("f|frank|works_at|hooli")
      const gone = await ok("forget", { fact: "f|frank|works_at|hooli", ...at("forget") })
      expect(gone).toMatchObject({ forgotten: true, edges: expect.arrayContaining(["f|frank|works_at|hooli"]) })
      const after = await ok("search_facts", { query: "where does Frank work?", ...at("forget") })
      expect(after.facts.map((f: any) => f.fact.id)).not.toContain("f|frank|works_at|hooli")
      const history = await call(h.client, "get_history", { target: "f|frank|works_at|hooli", ...at("forget") })
      expect(history.isError).toBe(true)
    })

    it("forget deletes a node with its facts; forgetting it again changes nothing (idempotent)", async () => {
      await ok("add_facts", { facts: [{ subject: "Nia", relation: "works at", object: "Stark" }], ...at("forget-node") })
      const gone = await ok("forget", { node: "Nia", ...at("forget-node") })
      expect(gone.forgotten).toBe(true)
      expect(gone.edges).toContain("f|nia|works_at|stark")
      const opened = await call(h.client, "open_nodes", { names: ["Nia"], ...at("forget-node") })
      expect(opened.text).toMatch(/^NotFound/)
      const journal = await h.journal()
      expect(await ok("forget", { node: "Nia", ...at("forget-node") })).toMatchObject({ forgotten: false, nodes: [], edges: [] })
      expect(await h.journal()).toBe(journal)
    })

    it("the graph is a resource (the default memory, and any memory by its address)", async () => {
      await ok("add_facts", { facts: [{ subject: "Gus", relation: "likes", object: "tea" }], ...at("graph") })
      const read = await h.client.readResource({ uri: `mags://graph/${h.user}/default/graph` })
      const content = read.contents[0] as { text: string; mimeType?: string }
      const graph = JSON.parse(content.text)
      expect(graph.nodes.map((n: any) => n.label)).toEqual(expect.arrayContaining(["Gus", "tea"]))
      expect(graph.edges.map((e: any) => e.id)).toContain("f|gus|likes|tea")
      const { resources } = await h.client.listResources()
      expect(resources.map((r) => r.uri)).toContain("mags://graph")
      const { resourceTemplates } = await h.client.listResourceTemplates()
      expect(resourceTemplates.map((r) => r.uriTemplate)).toContain("mags://graph/{user}/{agent}/{session}")
    })

    it("failures are tool errors that say why, and write nothing", async () => {
      await ok("add_facts", { facts: [{ subject: "Hana", relation: "works at", object: "Umbrella" }], ...at("errors") })
      const before = await h.journal()
      const refused: Array<readonly [string, Record<string, unknown>, RegExp]> = [
        ["add_episode", {}, /Usage: give exactly one of text or messages/],
        ["add_episode", { text: "Hana lives in Oslo.", messages: [] }, /Usage/],
        ["add_episode", { text: "Hana lives in Oslo.", user: "" }, /Usage: the user id must not be empty/],
        ["add_episode", { text: "Hana lives in Oslo.", source: "no spaces allowed" }, /Usage: source must be/],
        ["add_facts", { facts: [] }, /facts|Invalid|Expected/i],
        ["add_facts", { facts: [{ subject: "Hana", relation: "lives in" }] }, /object|Invalid|Missing/i],
        ["add_facts", { facts: [{ subject: "Hana", relation: "lives in", object: "Oslo", validFrom: "someday" }] }, /BadInput: .*validFrom "someday" is not a date/],
        ["search_facts", {}, /query|Invalid|Missing/i],
        ["search_facts", { query: "Hana", at: "last Tuesday-ish" }, /Usage: not a world time/],
        ["open_nodes", { names: ["Nobody"] }, /NotFound: not in memory: "Nobody"/],
        ["connect", { from: "Hana", to: "Nobody" }, /NotFound: not in memory: "Nobody"/],
        ["get_history", { target: "Nobody" }, /NotFound/],
        ["forget", {}, /Usage: give exactly one of fact, node, episode or all/],
        ["forget", { fact: "f|hana|works_at|umbrella", node: "Hana" }, /Usage/],
        ["search_nodes", { query: "Hana", session: "no-such-session" }, /NotFound: no memory/],
        ["search_facts", { query: "Hana", session: "no-such-session" }, /NotFound: no memory/]
      ]
      for (const [tool, args, why] of refused) {
        const r = await call(h.client, tool, { ...at("errors"), ...args })
        expect(r.isError, `${tool} ${JSON.stringify(args)} → ${r.text}`).toBe(true)
        expect(r.text, tool).toMatch(why)
      }
      expect(await h.journal()).toBe(before)
    })
  })
}
