import { Equal } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Decay from "../core/Decay.ts"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import { arbGraph, DAY, fact, HOUR, semanticNode, T0, T_MAX } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

type G = LiquidGraph.LiquidGraph

const arbParams = (over: Partial<Params.Params> = {}) =>
  fc
    .record({
      decayHalfLife: fc.integer({ min: DAY, max: 30 * DAY }),
      recencyWindow: fc.integer({ min: 0, max: 5 * DAY }),
      recencyProtection: fc.double({ min: 0, max: 1, noNaN: true }),
      activeWeight: fc.double({ min: 0, max: 1, noNaN: true }),
      lifeLonely: fc.integer({ min: 0, max: 4 }),
      lifeCrowded: fc.integer({ min: 1, max: 6 }),
      lifeSupport: fc.double({ min: 0, max: 1, noNaN: true }),
      lifePenalty: fc.double({ min: 0, max: 3, noNaN: true })
    })
    .map((p) => Params.unsafeMake({ ...p, ...over }))

const arbNow = fc.integer({ min: T0, max: T_MAX + 10 * DAY })
const arbDt = fc.integer({ min: 0, max: 30 * DAY })

const run = (g: G, dt: number, p: Params.Params, now: number): G => {
  const { graph } = Decay.decay(g, { dt }, p, now)
  assertValid(graph, `decay(${dt})`)
  return graph
}

const weights = (g: G): Map<string, number> => new Map(LiquidGraph.edges(g).map((e) => [e.id, e.weight]))

/**
 * |a − b| ≤ 1e-9 · max(|a|, |b|) + 1e-300: relative tolerance for float rounding, plus an absolute
 * 1e-300 because generated weights can be subnormal (5e-324), where one rounding step is 100 %.
 */
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300

const aliveSet = (g: G, p: Params.Params): Set<string> =>
  new Set(LiquidGraph.edges(g).filter((e) => e.weight >= p.activeWeight).map((e) => e.id))

/** The rule written the slow, obvious way: neighbourhood as a set of incident edges. */
const naiveDecay = (g: G, dt: number, p: Params.Params, now: number): Map<string, number> => {
  const out = new Map<string, number>()
  for (const e of LiquidGraph.edges(g)) {
    if (e.solidified || Fact.isRecord(e)) {
      out.set(e.id, e.weight)
      continue
    }
    const hood = new Set<string>()
    for (const f of [...LiquidGraph.incident(g, e.subject), ...LiquidGraph.incident(g, e.object)]) if (f.id !== e.id) hood.add(f.id)
    let alive = 0
    for (const id of hood) if (LiquidGraph.edge(g, id)!.weight >= p.activeWeight) alive++
    let r = Math.LN2 / p.decayHalfLife
    r *= alive < p.lifeLonely || alive > p.lifeCrowded ? 1 + p.lifePenalty : 1 - p.lifeSupport
    if (now - e.lastReinforced <= p.recencyWindow) r *= 1 - p.recencyProtection
    out.set(e.id, e.weight * Math.exp(-r * dt))
  }
  return out
}

describe("Decay", () => {
  it("decay(g, 0) == g (Equal)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, (g, p, now) => {
        const { graph, changes } = Decay.decay(g, { dt: 0 }, p, now)
        assertValid(graph)
        expect(Equal.equals(graph, g)).toBe(true)
        expect(changes.edgesWeakened).toEqual([])
      })
    )
  })

  it("weight(decay(g, t), e) ≤ weight(g, e) for every edge; nodes and edge set unchanged", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbDt, (g, p, now, dt) => {
        const h = run(g, dt, p, now)
        expect(LiquidGraph.edgeCount(h)).toBe(LiquidGraph.edgeCount(g))
        expect(LiquidGraph.nodeCount(h)).toBe(LiquidGraph.nodeCount(g))
        for (const e of LiquidGraph.edges(g)) {
          const after = LiquidGraph.edge(h, e.id)!
          expect(after.weight).toBeLessThanOrEqual(e.weight)
          expect({ ...after, weight: 0 }).toEqual({ ...e, weight: 0 })
        }
        for (const n of LiquidGraph.nodes(g)) {
          expect({ ...LiquidGraph.node(h, n.id)!, importance: 0 }).toEqual({ ...n, importance: 0 })
        }
      })
    )
  })

  it("solidified(e) ⇒ decay(g, t).e == g.e (solidified edges untouched)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbDt, (g, p, now, dt) => {
        const h = run(g, dt, p, now)
        for (const e of LiquidGraph.edges(g)) if (e.solidified) expect(LiquidGraph.edge(h, e.id)).toEqual(e)
      })
    )
  })

  it("decay(g, t) == naiveDecay(g, t) (set neighbourhood, counted on the input graph)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbDt, (g, p, now, dt) => {
        const h = run(g, dt, p, now)
        const want = naiveDecay(g, dt, p, now)
        for (const [id, w] of want) {
          const got = LiquidGraph.edge(h, id)!.weight
          expect(got === w || close(got, w)).toBe(true)
        }
      })
    )
  })

  it("changes.edgesWeakened == sorted ids of the edges whose weight fell", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbDt, (g, p, now, dt) => {
        const { graph, changes } = Decay.decay(g, { dt }, p, now)
        const fell = LiquidGraph.edges(g).filter((e) => LiquidGraph.edge(graph, e.id)!.weight < e.weight).map((e) => e.id).sort()
        expect(changes.edgesWeakened).toEqual(fell)
      })
    )
  })

  it("persistence: decay never changes its input graph", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbDt, (g, p, now, dt) => {
        const before = JSON.stringify(g)
        run(g, dt, p, now)
        expect(JSON.stringify(g)).toBe(before)
      })
    )
  })

  it("decay(input, params, now)(g) == decay(g, input, params, now) (data-last)", () => {
    fc.assert(
      fc.property(arbGraph(), arbParams(), arbNow, arbDt, (g, p, now, dt) => {
        expect(Equal.equals(g.pipe(Decay.decay({ dt }, p, now)).graph, Decay.decay(g, { dt }, p, now).graph)).toBe(true)
      }),
      { numRuns: 30 }
    )
  })

  describe("time composition (now and params fixed across both steps)", () => {
    const composed = (g: G, t1: number, t2: number, p: Params.Params, now: number) => {
      const two = run(run(g, t1, p, now), t2, p, now)
      const one = run(g, t1 + t2, p, now)
      return { two: weights(two), one: weights(one) }
    }

    it("lifePenalty = lifeSupport = 0 ⇒ decay(decay(g, t1), t2) == decay(g, t1 + t2) (weights, relative tolerance 1e-9, absolute 1e-300)", () => {
      fc.assert(
        fc.property(arbGraph(), arbParams({ lifePenalty: 0, lifeSupport: 0 }), arbNow, arbDt, arbDt, (g, p, now, t1, t2) => {
          const { two, one } = composed(g, t1, t2, p, now)
          for (const [id, w] of one) expect(close(two.get(id)!, w)).toBe(true)
        })
      )
    })

    it("activeWeight = 0 (alive set fixed) ⇒ decay(decay(g, t1), t2) == decay(g, t1 + t2) (weights, relative tolerance 1e-9, absolute 1e-300)", () => {
      fc.assert(
        fc.property(arbGraph(), arbParams({ activeWeight: 0 }), arbNow, arbDt, arbDt, (g, p, now, t1, t2) => {
          const { two, one } = composed(g, t1, t2, p, now)
          for (const [id, w] of one) expect(close(two.get(id)!, w)).toBe(true)
        })
      )
    })

    it("alive(decay(g, t1)) == alive(g) ⇒ decay(decay(g, t1), t2) == decay(g, t1 + t2) (weights, relative tolerance 1e-9, absolute 1e-300)", () => {
      let exercised = 0
      fc.assert(
        fc.property(arbGraph(), arbParams(), arbNow, fc.integer({ min: 0, max: DAY }), arbDt, (g, p, now, t1, t2) => {
          const g1 = run(g, t1, p, now)
          const a = aliveSet(g, p)
          const b = aliveSet(g1, p)
          if (a.size !== b.size || [...a].some((id) => !b.has(id))) return
          exercised++
          const { two, one } = composed(g, t1, t2, p, now)
          for (const [id, w] of one) expect(close(two.get(id)!, w)).toBe(true)
        })
      )
      expect(exercised).toBeGreaterThan(10)
    })

    it("no crowded edge in g (lifeCrowded ≥ any count) ⇒ decay(decay(g, t1), t2) ≤ decay(g, t1 + t2) (relative tolerance 1e-9, absolute 1e-300)", () => {
      fc.assert(
        fc.property(arbGraph(), arbParams({ lifeCrowded: 100_000 }), arbNow, arbDt, arbDt, (g, p, now, t1, t2) => {
          const { two, one } = composed(g, t1, t2, p, now)
          for (const [id, w] of one) expect(two.get(id)! <= w * (1 + 1e-9) + 1e-300).toBe(true)
        })
      )
    })

    it("lifeLonely = 0 (nothing lonely) ⇒ decay(decay(g, t1), t2) ≥ decay(g, t1 + t2) (relative tolerance 1e-9, absolute 1e-300)", () => {
      fc.assert(
        fc.property(arbGraph(), arbParams({ lifeLonely: 0 }), arbNow, arbDt, arbDt, (g, p, now, t1, t2) => {
          const { two, one } = composed(g, t1, t2, p, now)
          for (const [id, w] of one) expect(two.get(id)! >= w * (1 - 1e-9) - 1e-300).toBe(true)
        })
      )
    })

    // A star: edge "hub knows x" has 3 alive neighbours. With lifeCrowded = 2 it is crowded at first;
    // after the neighbours fall below activeWeight it is merely alive or lonely.
    const star = (neighbourWeight: number): G => {
      const d = LiquidGraph.draft(LiquidGraph.empty())
      for (const n of ["hub", "x", "a", "b", "c"]) d.putNode(semanticNode(n, T0))
      d.putEdge(fact("hub", "knows", "x", T0, { weight: 0.9 }))
      for (const n of ["a", "b", "c"]) d.putEdge(fact("hub", "likes", n, T0, { weight: neighbourWeight }))
      return d.finish()
    }
    const starParams = (lonely: number) =>
      Params.unsafeMake({ activeWeight: 0.3, lifeLonely: lonely, lifeCrowded: 2, lifePenalty: 1, lifeSupport: 0.5, recencyWindow: 0, decayHalfLife: DAY })
    const id = "f|hub|knows|x"

    it("counterexample: decay(decay(g, t1), t2) > decay(g, t1 + t2) when an edge leaves crowding", () => {
      const p = starParams(0)
      const g = star(0.31)
      const two = run(run(g, DAY, p, T0 + 100 * DAY), DAY, p, T0 + 100 * DAY)
      const one = run(g, 2 * DAY, p, T0 + 100 * DAY)
      expect(LiquidGraph.edge(two, id)!.weight).toBeGreaterThan(LiquidGraph.edge(one, id)!.weight * (1 + 1e-6))
    })

    it("counterexample: decay(decay(g, t1), t2) < decay(g, t1 + t2) when an edge turns lonely", () => {
      const p = Params.unsafeMake({ ...starParams(2), lifeCrowded: 5 })
      const g = star(0.31)
      const two = run(run(g, DAY, p, T0 + 100 * DAY), DAY, p, T0 + 100 * DAY)
      const one = run(g, 2 * DAY, p, T0 + 100 * DAY)
      expect(LiquidGraph.edge(two, id)!.weight).toBeLessThan(LiquidGraph.edge(one, id)!.weight * (1 - 1e-6))
    })
  })

  it("a half-life with a neutral neighbourhood halves the weight; the recency window slows it", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    d.putNode(semanticNode("a", T0))
    d.putNode(semanticNode("b", T0))
    d.putEdge(fact("a", "knows", "b", T0, { weight: 0.8, lastReinforced: T0 }))
    const g = d.finish()
    const p = Params.unsafeMake({ lifePenalty: 0, lifeSupport: 0, recencyProtection: 0.75, recencyWindow: DAY })
    const old = run(g, p.decayHalfLife, p, T0 + 2 * DAY)
    expect(LiquidGraph.edge(old, "f|a|knows|b")!.weight).toBeCloseTo(0.4, 12)
    const recent = run(g, p.decayHalfLife, p, T0 + HOUR)
    expect(LiquidGraph.edge(recent, "f|a|knows|b")!.weight).toBeCloseTo(0.8 * Math.pow(2, -0.25), 12)
  })

  it("rejects dt < 0, NaN or ∞ and a non-finite now with InvalidInput", () => {
    const g = LiquidGraph.empty()
    for (const dt of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => Decay.decay(g, { dt }, Params.defaults, T0)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    }
    expect(() => Decay.decay(g, { dt: 1 }, Params.defaults, Number.NaN)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
  })
})
