/**
 * Laws of the archive: prune never loses a told item, reactivation, the archive bound, and the
 * archive as part of the graph value (equality, hash, JSON).
 */
import { Equal, HashMap, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Archive from "../core/Archive.ts"
import { Collector } from "../core/Changes.ts"
import * as Engram from "../core/Engram.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Prune from "../core/Prune.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbGraph, arbVector, DAY, DIM, HOUR, T0, T_MAX } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

type G = LiquidGraph.LiquidGraph

/** Params whose prune archives a lot: high thresholds, short inactivity, budgets that may bind. */
const arbParams = (over: Partial<Params.Params> = {}) =>
  fc
    .record({
      pruneWeight: fc.double({ min: 0, max: 1, noNaN: true }),
      inactiveAfter: fc.integer({ min: 0, max: 15 * DAY }),
      maxNodes: fc.integer({ min: 1, max: 18 }),
      maxEdges: fc.integer({ min: 0, max: 35 }),
      maxDensity: fc.double({ min: 0, max: 4, noNaN: true }),
      initialWeight: fc.integer({ min: 0, max: 100 }).map((x) => x / 100),
      archiveVectors: fc.integer({ min: 0, max: 12 })
    })
    .map((p) => Params.unsafeMake({ ...p, ...over }))

const arbNow = fc.integer({ min: T_MAX, max: T_MAX + 20 * DAY })

/** A graph with an archive: a random graph pruned under random params. */
const arbArchived = fc.tuple(arbGraph(), arbParams(), arbNow).map(([g, p, now]) => Prune.prune(g, {}, p, now).graph)

const nodeIds = (g: G): Array<string> => LiquidGraph.nodes(g).map((n) => n.id)
const edgeIds = (g: G): Array<string> => LiquidGraph.edges(g).map((e) => e.id)
const archivedIds = (g: G): Array<string> => [...Archive.archivedNodeIds(g), ...Archive.archivedEdgeIds(g)]
/** Every id memory holds, active or archived. */
const held = (g: G): Array<string> => [...nodeIds(g), ...edgeIds(g), ...archivedIds(g)].sort()

describe("Archive", () => {
  it("prune never loses a told item: every node and fact/mention edge of g is active or archived in prune(g); only associations are dropped", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams({ archiveVectors: 1e9 }), arbNow, (g, p, now) => {
        const { graph: h, changes } = Prune.prune(g, {}, p, now)
        assertValid(h, "prune")
        for (const n of LiquidGraph.nodes(g)) {
          expect(LiquidGraph.hasNode(h, n.id) || LiquidGraph.isArchived(h, n.id)).toBe(true)
          const a = LiquidGraph.archivedNode(h, n.id)
          if (a !== undefined) {
            expect(a).toEqual({ node: { ...n, importance: 0 }, archivedAt: now })
            // archived nodes keep their vector (the bound does not bind here) and their postings
            expect(VectorStore.has(h.vectors, n.id)).toBe(VectorStore.has(g.vectors, n.id))
          }
        }
        for (const e of LiquidGraph.edges(g)) {
          if (e.kind === "association") continue
          expect(LiquidGraph.hasEdge(h, e.id) || LiquidGraph.isArchived(h, e.id)).toBe(true)
          const a = LiquidGraph.archivedEdge(h, e.id)
          if (a !== undefined) expect(a).toEqual({ edge: e, archivedAt: now })
        }
        expect([...changes.nodesArchived].sort()).toEqual([...changes.nodesRemoved].sort())
        expect(LiquidGraph.documentCount(h)).toBe(LiquidGraph.documentCount(g))
        expect(h.lexicalLength).toBe(g.lexicalLength)
      }),
      { numRuns: 300 }
    )
  })

  it("an archived node stays a lexical document: documentFrequency and forEachPosting still list it", () => {
    const g0 = Engram.engram(LiquidGraph.empty(), { episode: { id: "t1", text: "the zorblat glows at night", time: T0 }, facts: [] }, Params.defaults, T0).graph
    const g = Prune.prune(g0, {}, Params.defaults, T0 + 61 * DAY).graph
    assertValid(g)
    expect(LiquidGraph.hasNode(g, "ep:t1")).toBe(false)
    expect(LiquidGraph.isArchived(g, "ep:t1")).toBe(true)
    expect(LiquidGraph.documentFrequency(g, "zorblat")).toBe(1)
    const seen: Array<string> = []
    LiquidGraph.forEachPosting(g, "zorblat", (id) => seen.push(id))
    expect(seen).toEqual(["ep:t1"])
    expect(LiquidGraph.documentCount(g)).toBe(1)
  })

  it("fromJSON(toJSON(g)) == g and equal contentHash for graphs with an archive (round trip through text)", () => {
    fc.assert(
      fc.property(arbArchived, (g) => {
        const back = Result.getOrThrow(LiquidGraph.fromJSON(JSON.parse(JSON.stringify(LiquidGraph.toJSON(g)))))
        assertValid(back, "fromJSON")
        expect(Equal.equals(back, g)).toBe(true)
        expect(LiquidGraph.contentHash(back)).toBe(LiquidGraph.contentHash(g))
        expect(LiquidGraph.archiveStats(back)).toEqual(LiquidGraph.archiveStats(g))
      }),
      { numRuns: 200 }
    )
  })

  it("the archive is part of the value: graphs differing only in the archive are not equal and hash differently", () => {
    const g0 = Engram.engram(LiquidGraph.empty(), { episode: { id: "t1", text: "a quiet turn", time: T0 }, facts: [] }, Params.defaults, T0).graph
    const a = Prune.prune(g0, {}, Params.defaults, T0 + 61 * DAY).graph
    const b = Prune.prune(g0, {}, Params.defaults, T0 + 62 * DAY).graph
    expect(LiquidGraph.nodeCount(a)).toBe(0)
    expect(Equal.equals(a, b)).toBe(false)
    expect(LiquidGraph.contentHash(a)).not.toBe(LiquidGraph.contentHash(b))
    // a graph without an archive keeps the JSON form it had before the archive existed
    expect(Object.keys(LiquidGraph.toJSON(g0))).not.toContain("archive")
  })

  it("reactivating an active, unknown or forgotten id is a no-op: reactivate(g, ids) === g with empty changes", () => {
    fc.assert(
      fc.property(arbArchived, fc.array(fc.nat(), { maxLength: 4 }), (g, picks) => {
        const active = [...nodeIds(g), ...edgeIds(g)].sort()
        const ids = [...picks.map((i) => active[i % Math.max(1, active.length)]!).filter((x) => x !== undefined), "nobody", "ep:never"]
        const { graph, changes } = Archive.reactivate(g, { ids }, Params.defaults, T_MAX)
        expect(graph).toBe(g)
        expect(changes.nodesReactivated.length + changes.edgesReactivated.length).toBe(0)
      }),
      { numRuns: 100 }
    )
  })

  it("reactivate(reactivate(g, x), x) == reactivate(g, x); nothing is lost or created; reactivated nodes have recency now", () => {
    fc.assert(
      fc.property(arbArchived, fc.array(fc.nat(), { maxLength: 5 }), arbParams(), arbNow, (g, picks, p, now) => {
        const archived = archivedIds(g)
        const ids = archived.length === 0 ? [] : picks.map((i) => archived[i % archived.length]!)
        const once = Archive.reactivate(g, { ids }, p, now)
        assertValid(once.graph, "reactivate")
        const twice = Archive.reactivate(once.graph, { ids }, p, now)
        expect(Equal.equals(twice.graph, once.graph)).toBe(true)
        expect(held(once.graph)).toEqual(held(g))
        for (const id of once.changes.nodesReactivated) {
          expect(LiquidGraph.node(once.graph, id)!.recency).toBe(now)
          expect(LiquidGraph.isArchived(once.graph, id)).toBe(false)
        }
        for (const id of once.changes.edgesReactivated) {
          const e = LiquidGraph.edge(once.graph, id)!
          expect(e.weight).toBeGreaterThanOrEqual(p.initialWeight)
          expect(e.lastReinforced).toBe(now)
        }
        // every requested archived node comes back
        for (const id of ids) if (LiquidGraph.archivedNode(g, id) !== undefined) expect(LiquidGraph.hasNode(once.graph, id)).toBe(true)
      }),
      { numRuns: 200 }
    )
  })

  it("f = prune ∘ reactivate (same params and now): f(f(g)) == f(g) when the node budget does not bind", () => {
    fc.assert(
      fc.property(arbArchived, fc.array(fc.nat(), { maxLength: 5 }), arbParams({ maxNodes: 1e9 }), arbNow, (g, picks, p, now) => {
        const archived = archivedIds(g)
        const ids = archived.length === 0 ? [] : picks.map((i) => archived[i % archived.length]!)
        const f = (x: G): G => {
          const r = Archive.reactivate(x, { ids }, p, now).graph
          assertValid(r, "reactivate")
          const out = Prune.prune(r, {}, p, now).graph
          assertValid(out, "prune")
          return out
        }
        const once = f(g)
        expect(Equal.equals(f(once), once)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("an archived edge comes back when its ends are active or asked for; an archived node brings its archived edges whose other end is active", () => {
    const p = Params.defaults
    const g0 = Engram.engram(LiquidGraph.empty(), {
      episode: { id: "t1", text: "Alice lives in Paris", time: T0 },
      facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }]
    }, p, T0).graph
    // everything weak and long inactive: all of it goes to the archive
    const g = Prune.prune(g0, { threshold: 1 }, p, T0 + 61 * DAY).graph
    assertValid(g)
    expect(LiquidGraph.nodeCount(g)).toBe(0)
    expect(LiquidGraph.archivedEdgeCount(g)).toBe(3) // the fact and two mentions
    // an edge alone, with archived ends, stays archived: its ends must be asked for
    expect(Archive.reactivate(g, { ids: ["f|alice|lives_in|paris"] }, p, T0 + 62 * DAY).graph).toBe(g)
    const byFact = Archive.reactivate(g, { ids: ["f|alice|lives_in|paris", "alice", "paris"] }, p, T0 + 62 * DAY)
    assertValid(byFact.graph)
    expect(byFact.changes.nodesReactivated).toEqual(["alice", "paris"])
    expect(byFact.changes.edgesReactivated).toEqual(["f|alice|lives_in|paris"])
    const byEpisode = Archive.reactivate(byFact.graph, { ids: ["ep:t1"] }, p, T0 + 62 * DAY)
    assertValid(byEpisode.graph)
    expect(byEpisode.changes.nodesReactivated).toEqual(["ep:t1"])
    expect(byEpisode.changes.edgesReactivated).toEqual(["m|ep:t1|alice", "m|ep:t1|paris"])
    expect(LiquidGraph.archivedNodeCount(byEpisode.graph) + LiquidGraph.archivedEdgeCount(byEpisode.graph)).toBe(0)
  })

  it("reactivateInto inside a draft == reactivate (the helper recall calls)", () => {
    fc.assert(
      fc.property(arbArchived, fc.array(fc.nat(), { maxLength: 5 }), (g, picks) => {
        const archived = archivedIds(g)
        const ids = archived.length === 0 ? [] : picks.map((i) => archived[i % archived.length]!)
        const d = LiquidGraph.draft(g)
        const c = new Collector()
        Archive.reactivateInto(d, ids, Params.defaults, T_MAX, c)
        const viaDraft = d.finish()
        const step = Archive.reactivate(g, { ids }, Params.defaults, T_MAX)
        expect(Equal.equals(viaDraft, step.graph)).toBe(true)
        expect(c.done().nodesReactivated).toEqual(step.changes.nodesReactivated)
        expect(Archive.archivedAmong(g, ids)).toEqual([...new Set(ids)].sort())
      }),
      { numRuns: 100 }
    )
  })

  it("engram re-telling an archived fact and episode brings them back (no second record), not a duplicate", () => {
    const p = Params.defaults
    const input = { episode: { id: "t1", text: "Alice lives in Paris", time: T0 }, facts: [{ subject: "Alice", relation: "lives in", object: "Paris" }] }
    const g0 = Engram.engram(LiquidGraph.empty(), input, p, T0).graph
    const g = Prune.prune(g0, { threshold: 1 }, p, T0 + 61 * DAY).graph
    const { graph: h, changes } = Engram.engram(g, input, p, T0 + 62 * DAY)
    assertValid(h)
    expect(changes.nodesReactivated).toEqual(expect.arrayContaining(["alice", "paris", "ep:t1"]))
    expect(changes.edgesReactivated).toEqual(expect.arrayContaining(["f|alice|lives_in|paris"]))
    expect(LiquidGraph.archivedNodeCount(h) + LiquidGraph.archivedEdgeCount(h)).toBe(0)
    expect(LiquidGraph.edge(h, "f|alice|lives_in|paris")!.useCount).toBe(1)
  })

  it("archive bound: after prune at most archiveVectors archived nodes hold a vector (the most recent); text and postings stay", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbVector(DIM), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 6 }),
        (episodes, bound) => {
          const p = Params.unsafeMake({ archiveVectors: bound })
          let g = LiquidGraph.empty(DIM)
          let archivedBefore: ReadonlyArray<string> = []
          episodes.forEach(([v, wait], i) => {
            g = Engram.engram(g, { episode: { id: "t" + i, text: `word${i} turn`, time: T0, embedding: v }, facts: [] }, p, T0 + i * HOUR).graph
            const { graph, changes } = Prune.prune(g, {}, p, T0 + (61 + wait) * DAY + i * HOUR)
            assertValid(graph, "prune")
            g = graph
            for (const id of changes.vectorsCompacted) expect(archivedBefore.includes(id) || changes.nodesArchived.includes(id)).toBe(true)
            archivedBefore = Archive.archivedNodeIds(g)
          })
          const held = Archive.archivedNodeIds(g).filter((id) => VectorStore.has(g.vectors, id))
          expect(held.length).toBe(Math.min(bound, LiquidGraph.archivedNodeCount(g)))
          // the kept ones are the most recently archived
          const order = Array.from(HashMap.values(g.archivedNodes)).sort((a, b) => b.archivedAt - a.archivedAt || (a.node.id < b.node.id ? 1 : -1))
          expect(held.sort()).toEqual(order.slice(0, bound).map((a) => a.node.id).sort())
          // no told text is lost: every episode is still a document
          episodes.forEach((_, i) => expect(LiquidGraph.documentFrequency(g, `word${i}`)).toBe(1))
        }
      ),
      { numRuns: 100 }
    )
  })

  it("rejects malformed input with InvalidInput and builds nothing", () => {
    const g = LiquidGraph.empty()
    expect(() => Archive.reactivate(g, { ids: [""] }, Params.defaults, T0)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    expect(() => Archive.reactivate(g, { ids: "x" } as never, Params.defaults, T0)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    expect(() => Archive.reactivate(g, { ids: [] }, Params.defaults, Number.NaN)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
  })
})
