import { Option, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { connect, pathWeight, type Path } from "../core/Connect.ts"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import { arbGraph, arbRichGraph, withEnded, DAY, fact, semanticNode, T0 } from "./Arbitraries.ts"



const params = Params.defaults

/** Ends some facts (superseded history): connect must never walk them. */
const arbHistoryGraph = (shape: Parameters<typeof arbGraph>[0] = {}, maxExtra = 25) =>
  fc.tuple(arbRichGraph(shape, maxExtra), fc.array(fc.nat(), { maxLength: 5 })).map(([g, ended]) => withEnded(g, ended))

/** Two node ids of the graph (possibly equal). */
const arbGraphAndPair = (shape: Parameters<typeof arbGraph>[0] = {}, maxExtra = 25) =>
  arbHistoryGraph(shape, maxExtra).chain((g) => {
    const ids = LiquidGraph.nodes(g).map((n) => n.id).sort()
    return fc.tuple(fc.constant(g), fc.constantFrom(...ids), fc.constantFrom(...ids))
  })

const current = (e: Fact.Fact): boolean => e.supersededBy === null && e.validUntil === null

/** Naive reference: the best product over every simple path (exhaustive DFS). 0 when none. */
const bruteForce = (g: LiquidGraph.LiquidGraph, a: string, b: string): number => {
  let best = 0
  const visited = new Set<string>([a])
  const dfs = (u: string, w: number): void => {
    if (u === b) {
      best = Math.max(best, w)
      return
    }
    for (const e of LiquidGraph.edges(g)) {
      if (!current(e) || (e.subject !== u && e.object !== u)) continue
      const v = e.subject === u ? e.object : e.subject
      if (visited.has(v)) continue
      visited.add(v)
      dfs(v, w * e.weight)
      visited.delete(v)
    }
  }
  dfs(a, 1)
  return best
}

/** One-directional Dijkstra on products over the current view (O(V·E) scan, no heap): the best product, 0 when none. */
const dijkstraReference = (g: LiquidGraph.LiquidGraph, a: string, b: string): number => {
  const best = new Map<string, number>([[a, 1]])
  const done = new Set<string>()
  const edges = LiquidGraph.edges(g).filter((e) => current(e) && e.weight > 0)
  for (;;) {
    let u: string | undefined
    for (const [n, w] of best) if (!done.has(n) && (u === undefined || w > best.get(u)!)) u = n
    if (u === undefined) return 0
    if (u === b) return best.get(u)!
    done.add(u)
    for (const e of edges) {
      if (e.subject !== u && e.object !== u) continue
      const v = e.subject === u ? e.object : e.subject
      const w = best.get(u)! * e.weight
      if (w > 0 && !done.has(v) && w > (best.get(v) ?? 0)) best.set(v, w)
    }
  }
}

const checkPath = (g: LiquidGraph.LiquidGraph, p: Path, a: string, b: string): void => {
  expect(p.nodes[0]).toBe(a)
  expect(p.nodes[p.nodes.length - 1]).toBe(b)
  expect(p.edges.length).toBe(p.nodes.length - 1)
  expect(new Set(p.nodes).size).toBe(p.nodes.length) // simple
  const weights = p.edges.map((id, i) => {
    const e = LiquidGraph.edge(g, id)!
    expect(current(e)).toBe(true)
    const [u, v] = [p.nodes[i]!, p.nodes[i + 1]!]
    expect((e.subject === u && e.object === v) || (e.subject === v && e.object === u)).toBe(true)
    return e.weight
  })
  expect(p.weight).toBe(pathWeight(weights))
  let product = 1
  for (const w of weights) product *= w
  expect(p.weight).toBeCloseTo(product, 12)
}

describe("Connect", () => {
  it("connect(g, a, a) == some({ nodes: [a], edges: [], weight: 1 })", () => {
    fc.assert(
      fc.property(arbGraphAndPair(), ([g, a]) => {
        expect(connect(g, a, a, params)).toEqual(Option.some({ nodes: [a], edges: [], weight: 1 }))
      }),
      { numRuns: 100 }
    )
  })

  it("weight(connect(g, a, b)) == weight(connect(g, b, a)), and the paths are reverses", () => {
    fc.assert(
      fc.property(arbGraphAndPair(), ([g, a, b]) => {
        const ab = connect(g, a, b, params)
        const ba = connect(g, b, a, params)
        expect(Option.isSome(ab)).toBe(Option.isSome(ba))
        if (Option.isSome(ab) && Option.isSome(ba)) {
          expect(ab.value.weight).toBe(ba.value.weight)
          expect(ba.value.nodes).toEqual(ab.value.nodes.slice().reverse())
          expect(ba.value.edges).toEqual(ab.value.edges.slice().reverse())
        }
      }),
      { numRuns: 300 }
    )
  })

  it("weight(connect(g, a, b)) == Π weights of its edges; consecutive edges join consecutive nodes", () => {
    fc.assert(
      fc.property(arbGraphAndPair(), ([g, a, b]) => {
        const p = connect(g, a, b, params)
        if (Option.isSome(p)) checkPath(g, p.value, a, b)
      }),
      { numRuns: 300 }
    )
  })

  it("weight(connect(g, a, b)) == max over simple paths of Π weights (exhaustive reference, ≤ 8 nodes)", () => {
    fc.assert(
      fc.property(arbGraphAndPair({ maxNodes: 8, maxEdges: 12, episodes: false }, 12), ([g, a, b]) => {
        const best = bruteForce(g, a, b)
        const p = connect(g, a, b, params)
        if (a === b) return
        if (Option.isNone(p)) {
          expect(best).toBe(0)
        } else {
          expect(p.value.weight).toBeGreaterThan(0)
          expect(Math.abs(p.value.weight - best)).toBeLessThanOrEqual(1e-12 * Math.max(best, Number.MIN_VALUE))
        }
      }),
      { numRuns: 400 }
    )
  })

  it("weight(connect(g, a, b)) == weight of the one-directional Dijkstra reference (larger graphs, ≤ 30 nodes)", () => {
    fc.assert(
      fc.property(arbGraphAndPair({ maxNodes: 30, maxEdges: 60 }, 80), ([g, a, b]) => {
        const best = dijkstraReference(g, a, b)
        const p = connect(g, a, b, params)
        if (a === b) return
        if (Option.isNone(p)) {
          expect(best).toBe(0)
        } else {
          checkPath(g, p.value, a, b)
          expect(Math.abs(p.value.weight - best)).toBeLessThanOrEqual(1e-12 * Math.max(best, Number.MIN_VALUE))
        }
      }),
      { numRuns: 200 }
    )
  })

  it("connect on graphs of weights {0.5, 1} (many ties, weight-1 cycles): simple path, weight == reference, reverses agree", () => {
    fc.assert(
      fc.property(
        arbGraphAndPair({ maxNodes: 20, maxEdges: 40 }, 50),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
        ([g0, a, b], halves) => {
          const d = LiquidGraph.draft(g0)
          LiquidGraph.edges(g0)
            .sort((x, y) => (x.id < y.id ? -1 : 1))
            .forEach((e, i) => d.putEdge({ ...e, weight: halves[i % halves.length]! ? 0.5 : 1 }))
          const g = d.finish()
          const ab = connect(g, a, b, params)
          const ba = connect(g, b, a, params)
          const best = a === b ? 1 : dijkstraReference(g, a, b)
          expect(Option.isSome(ab)).toBe(best > 0)
          if (Option.isSome(ab) && Option.isSome(ba)) {
            checkPath(g, ab.value, a, b)
            expect(ab.value.weight).toBe(best)
            expect(ba.value.nodes).toEqual(ab.value.nodes.slice().reverse())
            expect(ba.value.edges).toEqual(ab.value.edges.slice().reverse())
          }
        }
      ),
      { numRuns: 200 }
    )
  })

  it("connect(g, a, b) == connect(g', a, b) for g' == g rebuilt (independent of construction order)", () => {
    fc.assert(
      fc.property(arbGraphAndPair({ maxNodes: 20, maxEdges: 40 }, 50), ([g, a, b]) => {
        const rebuilt = Result.getOrThrow(LiquidGraph.fromJSON(JSON.parse(JSON.stringify(g))))
        expect(connect(rebuilt, a, b, params)).toEqual(connect(g, a, b, params))
      }),
      { numRuns: 150 }
    )
  })

  it("connect through a hub: the strongest path is found exactly whichever side meets it first", () => {
    // a — h (hub, 300 spokes) — b at 0.5 · 0.5, and a long strong chain a-c1-…-c6-b at 0.9^7 ≈ 0.478
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["a", "b", "h", "c1", "c2", "c3", "c4", "c5", "c6"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("a", "knows", "h", T0, { weight: 0.5 }))
    d.putEdge(fact("h", "knows", "b", T0, { weight: 0.5 }))
    for (let i = 0; i < 300; i++) {
      d.putNode(semanticNode(`s${i}`, T0))
      d.putEdge(fact("h", "likes", `s${i}`, T0, { weight: 0.99 }))
    }
    const chain = ["a", "c1", "c2", "c3", "c4", "c5", "c6", "b"]
    for (let i = 0; i + 1 < chain.length; i++) d.putEdge(fact(chain[i]!, "knows", chain[i + 1]!, T0, { weight: 0.9 }))
    const g = d.finish()
    const p = Option.getOrThrow(connect(g, "a", "b", params))
    expect(p.nodes).toEqual(chain)
    expect(p.weight).toBe(pathWeight(chain.slice(1).map(() => 0.9)))
    const q = Option.getOrThrow(connect(g, "s1", "s2", params))
    expect(q.nodes).toEqual(["s1", "h", "s2"])
  })

  it("connect(g, label, b) == connect(g, Key.node(label), b), following aliases of merged nodes", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["alice", "bob", "paris"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("alice", "knows", "bob", T0, { weight: 0.8 }))
    d.putEdge(fact("bob", "lives_in", "paris", T0, { weight: 0.5 }))
    d.putEdge(fact("alice", "lives_in", "paris", T0, { weight: 0.3 }))
    d.putAlias("ally", "alice")
    const g = d.finish()
    const want = Option.some({
      nodes: ["alice", "bob", "paris"],
      edges: [Fact.factId("alice", "knows", "bob", false), Fact.factId("bob", "lives_in", "paris", false)],
      weight: 0.5 * 0.8
    })
    expect(connect(g, "alice", "paris", params)).toEqual(want)
    expect(connect(g, "  The ALICE ", "Paris!", params)).toEqual(want)
    expect(connect(g, "Ally", "paris", params)).toEqual(want)
    expect(g.pipe(connect("alice", "paris", params))).toEqual(want)
    expect(connect(g, "alice", "nobody", params)).toEqual(Option.none())
  })

  it("connect(g, b, a) == reverse(connect(g, a, b)) when two paths tie (a-x-b and a-y-b, both 0.5)", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["a", "b", "x", "y"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("a", "knows", "x", T0, { weight: 0.5 }))
    d.putEdge(fact("x", "knows", "b", T0, { weight: 1 }))
    d.putEdge(fact("a", "knows", "y", T0, { weight: 1 }))
    d.putEdge(fact("y", "knows", "b", T0, { weight: 0.5 }))
    const g = d.finish()
    const ab = Option.getOrThrow(connect(g, "a", "b", params))
    const ba = Option.getOrThrow(connect(g, "b", "a", params))
    expect(ab.weight).toBe(0.5)
    expect(ba.nodes).toEqual(ab.nodes.slice().reverse())
    expect(ba.edges).toEqual(ab.edges.slice().reverse())
  })

  it("connect ignores superseded facts and weight-0 edges", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["a", "b", "c"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("a", "knows", "b", T0, { weight: 1, validUntil: T0 + DAY, supersededBy: "f|x" }))
    d.putEdge(fact("a", "likes", "c", T0, { weight: 0 }))
    const g = d.finish()
    expect(connect(g, "a", "b", params)).toEqual(Option.none())
    expect(connect(g, "a", "c", params)).toEqual(Option.none())
  })

  it("connect rejects a blank label (InvalidInput)", () => {
    const g = LiquidGraph.empty()
    expect(() => connect(g, " ", "a", params)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
  })
})
