import { Equal } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Changes from "../core/Changes.ts"
import * as Engram from "../core/Engram.ts"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import { reinforce, type ReinforceInput } from "../core/Reinforce.ts"
import { arbRichGraph, DAY, fact, semanticNode, T0 } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"



const NOW = T0 + 20 * DAY

/** A graph (with some history) and a list of its edge ids (possibly repeated). */
const arbCase = arbRichGraph({}, 25, { solidify: true })
  .chain((g0) => {
    const facts = LiquidGraph.edges(g0).filter((e) => e.kind === "fact").map((e) => e.id).sort()
    return fc.tuple(fc.constant(g0), fc.subarray(facts, { maxLength: Math.min(3, facts.length) }))
  })
  .map(([g0, ended]) => {
    const d = LiquidGraph.draft(g0)
    ended.forEach((id, i) => d.putEdge({ ...d.edge(id)!, validUntil: T0 + DAY, supersededBy: "f|winner|" + i }))
    return d.finish()
  })
  .chain((g) => {
    const ids = LiquidGraph.edges(g).map((e) => e.id).sort()
    const listed = ids.length === 0 ? fc.constant<Array<string>>([]) : fc.array(fc.constantFrom(...ids), { maxLength: 8 })
    return fc.tuple(fc.constant(g), listed)
  })

const arbParams = fc
  .record({ reinforceRate: fc.double({ min: 0, max: 1, noNaN: true }), competitionRate: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map((o) => Params.unsafeMake(o))

const arbReward = fc.double({ min: -1, max: 1, noNaN: true })

describe("Reinforce", () => {
  it("reinforce(g, { edges, reward: 0 }) == g (identity)", () => {
    fc.assert(
      fc.property(arbCase, arbParams, ([g, edges], params) => {
        const step = reinforce(g, { edges, reward: 0 }, params, NOW)
        expect(Equal.equals(step.graph, g)).toBe(true)
        expect(Changes.isEmpty(step.changes)).toBe(true)
      }),
      { numRuns: 100 }
    )
  })

  it("reward > 0 ⇒ w'(e) ≥ w(e) for listed e, w'(e) ≤ w(e) for unlisted e; listed uses counted", () => {
    fc.assert(
      fc.property(arbCase, arbParams, fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }), ([g, edges], params, reward) => {
        const step = reinforce(g, { edges, reward }, params, NOW)
        assertValid(step.graph, "reinforce")
        const listed = new Set(edges)
        for (const before of LiquidGraph.edges(g)) {
          const after = LiquidGraph.edge(step.graph, before.id)!
          if (listed.has(before.id)) {
            expect(after.weight).toBeGreaterThanOrEqual(before.weight)
            expect(after.weight).toBeCloseTo(before.weight + params.reinforceRate * reward * (1 - before.weight), 12)
            expect(after.useCount).toBe(before.useCount + 1)
            expect(after.lastReinforced).toBe(NOW)
          } else {
            expect(after.weight).toBeLessThanOrEqual(before.weight)
          }
        }
        expect(step.changes.edgesStrengthened).toEqual(Array.from(listed).sort())
      }),
      { numRuns: 300 }
    )
  })

  it("reward > 0 ⇒ exactly the unlisted, unsolidified, positive current slot rivals of listed positive current facts lose competitionRate·reward of their weight", () => {
    fc.assert(
      fc.property(arbCase, arbParams, fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true }), ([g, edges], params, reward) => {
        const step = reinforce(g, { edges, reward }, params, NOW)
        const listed = new Set(edges)
        const rivals = new Set<string>()
        for (const id of listed) {
          const e = LiquidGraph.edge(g, id)!
          if (e.kind !== "fact" || e.negated || !Fact.isCurrent(e)) continue
          for (const c of LiquidGraph.edges(g)) {
            if (c.kind === "fact" && !c.negated && c.subject === e.subject && c.relation === e.relation && c.object !== e.object && Fact.isCurrent(c) && !listed.has(c.id)) {
              rivals.add(c.id)
            }
          }
        }
        const weakened: Array<string> = []
        for (const before of LiquidGraph.edges(g)) {
          if (listed.has(before.id)) continue
          const after = LiquidGraph.edge(step.graph, before.id)!
          if (rivals.has(before.id) && !before.solidified) {
            expect(after.weight).toBeCloseTo(before.weight * (1 - params.competitionRate * reward), 12)
            if (after.weight < before.weight) weakened.push(before.id)
            expect({ ...after, weight: 0 }).toEqual({ ...before, weight: 0 })
          } else {
            expect(Equal.equals(after, before)).toBe(true)
          }
        }
        expect(step.changes.edgesWeakened).toEqual(weakened.sort())
      }),
      { numRuns: 300 }
    )
  })

  it("reward < 0 ⇒ no weight rises, listed unsolidified edges lose rate·|reward|, solidified edges untouched", () => {
    fc.assert(
      fc.property(arbCase, arbParams, fc.double({ min: -1, max: -Number.MIN_VALUE, noNaN: true }), ([g, edges], params, reward) => {
        const step = reinforce(g, { edges, reward }, params, NOW)
        assertValid(step.graph, "reinforce")
        const listed = new Set(edges)
        for (const before of LiquidGraph.edges(g)) {
          const after = LiquidGraph.edge(step.graph, before.id)!
          expect(after.weight).toBeLessThanOrEqual(before.weight)
          if (listed.has(before.id) && !before.solidified) {
            expect(after.weight).toBeCloseTo(before.weight * (1 + params.reinforceRate * reward), 12)
            expect(after.useCount).toBe(before.useCount)
          } else {
            expect(Equal.equals(after, before)).toBe(true)
          }
        }
        expect(step.changes.edgesStrengthened).toEqual([])
      }),
      { numRuns: 300 }
    )
  })

  it("0 ≤ w' ≤ 1 and the invariants hold after any sequence of reinforcements", () => {
    fc.assert(
      fc.property(arbCase, arbParams, fc.array(arbReward, { maxLength: 6 }), ([g, edges], params, rewards) => {
        let cur = g
        rewards.forEach((reward, i) => {
          cur = reinforce(cur, { edges, reward }, params, NOW + i).graph
          assertValid(cur, `reinforce #${i}`)
        })
      }),
      { numRuns: 150 }
    )
  })

  it("reinforce(g, input) leaves g unchanged (persistence) and is deterministic", () => {
    fc.assert(
      fc.property(arbCase, arbParams, arbReward, ([g, edges], params, reward) => {
        const before = JSON.stringify(g)
        const a = reinforce(g, { edges, reward }, params, NOW)
        const b = g.pipe(reinforce({ edges: edges.slice().reverse(), reward }, params, NOW))
        expect(JSON.stringify(g)).toBe(before)
        expect(Equal.equals(a.graph, b.graph)).toBe(true)
        expect(b.changes).toEqual(a.changes)
      }),
      { numRuns: 150 }
    )
  })

  it("reinforce rejects unknown edges and rewards outside [-1, 1] (InvalidInput), before building anything", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    d.putNode(semanticNode("a", T0))
    d.putNode(semanticNode("b", T0))
    d.putEdge(fact("a", "knows", "b", T0))
    const g = d.finish()
    const id = Fact.factId("a", "knows", "b", false)
    const bad: Array<ReinforceInput> = [
      { edges: ["f|nope"], reward: 1 },
      { edges: [id], reward: 1.5 },
      { edges: [id], reward: Number.NaN },
      { edges: [id], reward: -Infinity }
    ]
    for (const input of bad) {
      expect(() => reinforce(g, input, Params.defaults, NOW)).toThrow(expect.objectContaining({ _tag: "InvalidInput" }))
    }
  })

  it("rewarding 'x is_beaten_by zorp' leaves 'x is_beaten_by quaff is false' alone (a negation agrees with it)", () => {
    let g = Engram.engram(LiquidGraph.empty(), {
      facts: [
        { subject: "blick under red", relation: "is beaten by", object: "zorp" },
        { subject: "blick under red", relation: "is beaten by", object: "quaff", negated: true }
      ]
    }, Params.defaults, T0).graph
    for (let i = 0; i < 20; i++) g = reinforce(g, { edges: ["f|blick under red|is_beaten_by|zorp"], reward: 1 }, Params.defaults, T0 + i).graph
    expect(LiquidGraph.edge(g, "f|blick under red|is_beaten_by|quaff|not")!.weight).toBe(Params.defaults.initialWeight)
  })

  it("rewarding 'alice lives_in paris' weakens 'alice lives_in london', not 'alice likes london', history or solidified rivals", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    for (const n of ["alice", "paris", "london", "berlin", "rome"]) d.putNode(semanticNode(n, T0))
    d.putEdge(fact("alice", "lives_in", "paris", T0, { weight: 0.5 }))
    d.putEdge(fact("alice", "lives_in", "london", T0, { weight: 0.5 }))
    d.putEdge(fact("alice", "likes", "london", T0, { weight: 0.5 }))
    d.putEdge(fact("alice", "lives_in", "berlin", T0, { weight: 0.5, validUntil: T0 + DAY, supersededBy: "f|alice|lives_in|london" }))
    d.putEdge(fact("alice", "lives_in", "rome", T0, { weight: 0.5, solidified: true }))
    const g = d.finish()
    const paris = Fact.factId("alice", "lives_in", "paris", false)
    const london = Fact.factId("alice", "lives_in", "london", false)
    const params = Params.unsafeMake({ reinforceRate: 0.2, competitionRate: 0.1 })
    const step = reinforce(g, { edges: [paris], reward: 1 }, params, NOW)
    expect(LiquidGraph.edge(step.graph, paris)!.weight).toBeCloseTo(0.6, 12)
    expect(LiquidGraph.edge(step.graph, london)!.weight).toBeCloseTo(0.45, 12)
    expect(LiquidGraph.edge(step.graph, Fact.factId("alice", "likes", "london", false))!.weight).toBe(0.5)
    expect(step.changes.edgesStrengthened).toEqual([paris])
    expect(step.changes.edgesWeakened).toEqual([london])
    // history and solidified knowledge do not compete
    expect(LiquidGraph.edge(step.graph, Fact.factId("alice", "lives_in", "berlin", false))!.weight).toBe(0.5)
    expect(LiquidGraph.edge(step.graph, Fact.factId("alice", "lives_in", "rome", false))!.weight).toBe(0.5)
    // and a negative reward leaves a solidified edge as it is
    const rome = Fact.factId("alice", "lives_in", "rome", false)
    const punished = reinforce(g, { edges: [rome, london], reward: -1 }, params, NOW)
    expect(Equal.equals(LiquidGraph.edge(punished.graph, rome), LiquidGraph.edge(g, rome))).toBe(true)
    expect(LiquidGraph.edge(punished.graph, london)!.weight).toBeCloseTo(0.4, 12)
    expect(punished.changes.edgesWeakened).toEqual([london])
  })
})
