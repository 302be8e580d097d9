import { Equal } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Prune from "../core/Prune.ts"
import { arbGraph, DAY, fact, HOUR, semanticNode, T0, T_MAX } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

type G = LiquidGraph.LiquidGraph

/** Params with budgets that often bind (small graphs: ≤ 16 nodes, ≤ 30 edges). */
const arbParams = (over: Partial<Params.Params> = {}) =>
  fc
    .record({
      pruneWeight: fc.double({ min: 0, max: 1, noNaN: true }),
      solidifyWeight: fc.double({ min: 0.5, max: 1, noNaN: true }),
      solidifyUses: fc.integer({ min: 0, max: 10 }),
      inactiveAfter: fc.integer({ min: 0, max: 15 * DAY }),
      maxNodes: fc.integer({ min: 1, max: 18 }),
      maxEdges: fc.integer({ min: 0, max: 35 }),
      maxDensity: fc.double({ min: 0, max: 4, noNaN: true })
    })
    .map((p) => Params.unsafeMake({ ...p, ...over }))

/** Budgets that never bind on generated graphs. */
const unbounded = { maxNodes: 1e9, maxEdges: 1e10, maxDensity: 1e6 }

const arbNow = fc.integer({ min: T0, max: T_MAX + 20 * DAY })
const arbTheta = fc.double({ min: 0, max: 1, noNaN: true })

const run = (g: G, theta: number | undefined, p: Params.Params, now: number): G => {
  const { graph } = Prune.prune(g, theta === undefined ? {} : { threshold: theta }, p, now)
  assertValid(graph, `prune(${theta})`)
  return graph
}

const ids = (xs: ReadonlyArray<{ readonly id: string }>): Array<string> => xs.map((x) => x.id).sort()

describe("Prune", () => {
  it("prune(prune(g, θ), θ) == prune(g, θ) (idempotent, budgets binding or not)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbTheta, (g, p, now, theta) => {
        const once = run(g, theta, p, now)
        const { graph: twice, changes } = Prune.prune(once, { threshold: theta }, p, now)
        assertValid(twice)
        expect(Equal.equals(twice, once)).toBe(true)
        expect(changes.edgesRemoved.length + changes.nodesRemoved.length + changes.edgesSolidified.length).toBe(0)
      }),
      { numRuns: 300 }
    )
  })

  it("nodeCount(g) ≤ maxNodes ⇒ prune(prune(g, θ1), θ2) == prune(g, max(θ1, θ2)) (edge and density budgets may bind)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams({ maxNodes: 1e9 }), arbNow, arbTheta, arbTheta, (g, p, now, t1, t2) => {
        const two = run(run(g, t1, p, now), t2, p, now)
        const one = run(g, Math.max(t1, t2), p, now)
        expect(Equal.equals(two, one)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("prune(prune(g, θ1), θ2) ≠ prune(g, max(θ1, θ2)) in general when the node budget binds (counterexample)", () => {
    // maxNodes = 1 of 3. Which nodes go depends on importance, and importance depends on θ: at
    // θ1 = 0.1 the edge a→b survives, so c (importance 0) goes first, then a (tie with b, older);
    // in one pass at θ = 0.4 the edge is gone, all importances are 0, and the two oldest (a, b) go.
    const d = LiquidGraph.draft(LiquidGraph.empty())
    d.putNode(semanticNode("a", T0))
    d.putNode(semanticNode("b", T0 + HOUR))
    d.putNode(semanticNode("c", T0 + 2 * HOUR))
    d.putEdge(fact("a", "knows", "b", T0, { weight: 0.1 }))
    const g = d.finish()
    const p = Params.unsafeMake({ ...unbounded, maxNodes: 1, inactiveAfter: 1e13 })
    const two = run(run(g, 0.1, p, T_MAX), 0.4, p, T_MAX)
    const one = run(g, 0.4, p, T_MAX)
    expect(ids(LiquidGraph.nodes(two))).toEqual(["b"])
    expect(ids(LiquidGraph.nodes(one))).toEqual(["c"])
  })

  it("prune(g, θ) == naive(g, θ) when budgets do not bind (solidify, drop weak edges, drop isolated inactive nodes)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(unbounded), arbNow, arbTheta, (g, p, now, theta) => {
        const h = run(g, theta, p, now)
        const keep = LiquidGraph.edges(g).filter((e) => e.solidified || Prune.shouldSolidify(e, p) || e.weight >= theta)
        for (const e of keep) if (LiquidGraph.hasEdge(h, e.id)) expect(LiquidGraph.edge(h, e.id)!.solidified).toBe(e.solidified || Prune.shouldSolidify(e, p))
        // an episode stays when recently active or linked by a kept edge other than a
        // non-solidified record (mention, sequence link); the records of one that goes leave
        // with it; any other node stays when recently active or an end of a remaining edge
        const solid = (e: Fact.Fact) => e.solidified || Prune.shouldSolidify(e, p)
        const isEp = (id: string) => LiquidGraph.node(g, id)!.kind === "episode"
        const held = new Set(keep.filter((e) => !Fact.isRecord(e) || solid(e)).flatMap((e) => [e.subject, e.object]))
        const episodes = LiquidGraph.nodes(g).filter((n) => n.kind === "episode" && (held.has(n.id) || !Prune.isInactive(n, p, now)))
        const epKept = new Set(episodes.map((n) => n.id))
        const remaining = keep.filter((e) => (!isEp(e.subject) || epKept.has(e.subject)) && (!isEp(e.object) || epKept.has(e.object)))
        const ends = new Set(remaining.flatMap((e) => [e.subject, e.object]))
        const others = LiquidGraph.nodes(g).filter((n) => n.kind !== "episode" && (ends.has(n.id) || !Prune.isInactive(n, p, now)))
        const nodes = [...episodes, ...others]
        expect(ids(LiquidGraph.nodes(h))).toEqual(ids(nodes))
        const kept = new Set(ids(nodes))
        expect(ids(LiquidGraph.edges(h))).toEqual(ids(keep.filter((e) => kept.has(e.subject) && kept.has(e.object))))
      })
    )
  })

  it("solidified(g, e) ⇒ e ∈ prune(g, θ) and stays solidified; candidates are solidified", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbTheta, (g, p, now, theta) => {
        const { graph: h, changes } = Prune.prune(g, { threshold: theta }, p, now)
        assertValid(h)
        const newly: Array<string> = []
        for (const e of LiquidGraph.edges(g)) {
          if (!e.solidified && !Prune.shouldSolidify(e, p)) continue
          const after = LiquidGraph.edge(h, e.id)
          expect(after).toEqual({ ...e, solidified: true })
          if (!e.solidified) newly.push(e.id)
        }
        expect(changes.edgesSolidified).toEqual(newly.sort())
      }),
      { numRuns: 300 }
    )
  })

  it("every kept edge is solidified or has weight ≥ θ; no kept node is isolated and inactive", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbTheta, (g, p, now, theta) => {
        const h = run(g, theta, p, now)
        for (const e of LiquidGraph.edges(h)) expect(e.solidified || e.weight >= theta).toBe(true)
        const linked = (id: string, episode: boolean) => LiquidGraph.incident(h, id).some((e) => !episode || !Fact.isRecord(e) || e.solidified)
        for (const n of LiquidGraph.nodes(h)) expect(linked(n.id, n.kind === "episode") || !Prune.isInactive(n, p, now)).toBe(true)
      }),
      { numRuns: 300 }
    )
  })

  it("budgets hold after prune when satisfiable: edges ≤ maxEdges ∧ edges ≤ maxDensity·nodes unless all edges are solidified; nodes ≤ maxNodes unless all are protected", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbTheta, (g, p, now, theta) => {
        const h = run(g, theta, p, now)
        const edges = LiquidGraph.edges(h)
        const m = edges.length
        const n = LiquidGraph.nodeCount(h)
        if (!(m <= p.maxEdges && m <= p.maxDensity * n)) expect(edges.every((e) => e.solidified)).toBe(true)
        if (n > p.maxNodes) {
          for (const v of LiquidGraph.nodes(h)) expect(LiquidGraph.incident(h, v.id).some((e) => e.solidified)).toBe(true)
        }
      }),
      { numRuns: 300 }
    )
  })

  it("changes agree with the graphs: removed ids == ids of g not in prune(g, θ); kept entities otherwise unchanged", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbTheta, (g, p, now, theta) => {
        const { graph: h, changes } = Prune.prune(g, { threshold: theta }, p, now)
        const goneE = LiquidGraph.edges(g).filter((e) => !LiquidGraph.hasEdge(h, e.id)).map((e) => e.id).sort()
        const goneN = LiquidGraph.nodes(g).filter((v) => !LiquidGraph.hasNode(h, v.id)).map((v) => v.id).sort()
        expect([...changes.edgesRemoved].sort()).toEqual(goneE)
        expect([...changes.nodesRemoved].sort()).toEqual(goneN)
        expect(new Set(changes.edgesRemoved).size).toBe(changes.edgesRemoved.length)
        for (const v of LiquidGraph.nodes(h)) expect({ ...v, importance: 0 }).toEqual({ ...LiquidGraph.node(g, v.id)!, importance: 0 })
        for (const e of LiquidGraph.edges(h)) expect({ ...e, solidified: false }).toEqual({ ...LiquidGraph.edge(g, e.id)!, solidified: false })
      })
    )
  })

  it("persistence: prune never changes its input graph", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbTheta, (g, p, now, theta) => {
        const before = JSON.stringify(g)
        run(g, theta, p, now)
        expect(JSON.stringify(g)).toBe(before)
      })
    )
  })

  it("prune(g, {}) == prune(g, { threshold: pruneWeight }); prune(input, params, now)(g) == prune(g, input, params, now)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, (g, p, now) => {
        const a = Prune.prune(g, {}, p, now).graph
        const b = Prune.prune(g, { threshold: p.pruneWeight }, p, now).graph
        const c = g.pipe(Prune.prune({}, p, now)).graph
        expect(Equal.equals(a, b)).toBe(true)
        expect(Equal.equals(a, c)).toBe(true)
      }),
      { numRuns: 50 }
    )
  })

  it("rejects a threshold outside [0, 1] or not finite, and a non-finite now, with InvalidInput", () => {
    const g = LiquidGraph.empty()
    for (const threshold of [-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => Prune.prune(g, { threshold }, Params.defaults, T0)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    }
    expect(() => Prune.prune(g, {}, Params.defaults, Number.NaN)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
  })

  it("the edge budget removes the weakest non-solidified edges first (ties by id)", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["a", "b", "c", "d"]) d.putNode(semanticNode(n, T_MAX))
    d.putEdge(fact("a", "knows", "b", T0, { weight: 0.4 }))
    d.putEdge(fact("a", "knows", "c", T0, { weight: 0.4 }))
    d.putEdge(fact("a", "knows", "d", T0, { weight: 0.9 }))
    d.putEdge(fact("b", "knows", "c", T0, { weight: 0.2, solidified: true }))
    const g = d.finish()
    const p = Params.unsafeMake({ ...unbounded, maxEdges: 2, pruneWeight: 0 })
    const { graph, changes } = Prune.prune(g, {}, p, T_MAX)
    assertValid(graph)
    expect(changes.edgesRemoved).toEqual(["f|a|knows|b", "f|a|knows|c"])
    expect(ids(LiquidGraph.edges(graph))).toEqual(["f|a|knows|d", "f|b|knows|c"])
  })
})
