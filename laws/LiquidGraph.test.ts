import { Equal, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { arbGraph, arbVector, fact, semanticNode, T0 } from "./Arbitraries.ts"
import { assertValid } from "./Invariants.ts"

describe("LiquidGraph", () => {
  it("generated graphs satisfy the invariants", () => {
    fc.assert(fc.property(arbGraph(), (g) => assertValid(g)))
  })

  it("fromJSON(toJSON(g)) == g (JSON round trip, through text)", () => {
    fc.assert(
      fc.property(arbGraph(), (g) => {
        const text = JSON.stringify(g)
        const back = LiquidGraph.fromJSON(JSON.parse(text))
        expect(Result.isSuccess(back)).toBe(true)
        const h = Result.getOrThrow(back)
        expect(Equal.equals(h, g)).toBe(true)
        expect(LiquidGraph.contentHash(h)).toBe(LiquidGraph.contentHash(g))
        expect(JSON.stringify(h)).toBe(text)
      })
    )
  })

  it("persistence: a draft never changes its source graph", () => {
    fc.assert(
      fc.property(arbGraph(), fc.array(arbVector(), { maxLength: 300 }), (g, vs) => {
        const before = JSON.stringify(g)
        const hash = LiquidGraph.contentHash(g)
        const d = LiquidGraph.draft(g)
        vs.forEach((v, i) => {
          const id = "n" + i
          d.putNode(semanticNode(id, T0))
          d.setVector(id, v)
          if (i > 0 && d.hasNode("n" + (i - 1))) d.putEdge(fact("n" + (i - 1), "knows", id, T0))
          if (i % 3 === 0) d.removeNode("n" + Math.floor(i / 2))
        })
        for (const n of LiquidGraph.nodes(g)) d.removeNode(n.id)
        const h = d.finish()
        assertValid(h)
        expect(JSON.stringify(g)).toBe(before)
        // the cache is per value; recompute from scratch through a JSON round trip
        expect(LiquidGraph.contentHash(Result.getOrThrow(LiquidGraph.fromJSON(JSON.parse(before))))).toBe(hash)
      })
    )
  })

  it("equals(a, b) ⇒ contentHash(a) == contentHash(b), and different content hashes differently", () => {
    fc.assert(
      fc.property(arbGraph(), (g) => {
        const d = LiquidGraph.draft(g)
        d.putNode(semanticNode("brand new node", T0))
        const h = d.finish()
        expect(Equal.equals(g, h)).toBe(false)
        expect(LiquidGraph.contentHash(g)).not.toBe(LiquidGraph.contentHash(h))
      })
    )
  })

  it("fromJSON rejects a dangling edge with InvalidGraph", () => {
    const json = LiquidGraph.toJSON(LiquidGraph.empty())
    const bad = { ...json, edges: [fact("a", "knows", "b", T0)] }
    const r = LiquidGraph.fromJSON(bad)
    expect(Result.isFailure(r) && r.failure._tag).toBe("InvalidGraph")
  })
})

describe("VectorStore", () => {
  it("old versions never change when later versions append, replace or delete", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 40 }), arbVector(), fc.boolean()), { maxLength: 800 }),
        (ops) => {
          const versions: Array<[VectorStore.VectorStore, Map<string, Array<number>>]> = []
          let s = VectorStore.empty(4)
          const model = new Map<string, Array<number>>()
          for (const [k, v, del] of ops) {
            const id = "v" + k
            if (del) {
              s = VectorStore.remove(s, id)
              model.delete(id)
            } else {
              s = VectorStore.set(s, id, v)
              const norm = Math.hypot(...v)
              model.set(id, Array.from(new Float32Array(v.map((x) => x / norm))))
            }
            versions.push([s, new Map(model)])
          }
          for (const [version, expected] of versions) {
            expect(version.size).toBe(expected.size)
            for (const [id, want] of expected) {
              const got = VectorStore.get(version, id)
              expect(got).toBeDefined()
              Array.from(got!).forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 5))
            }
          }
        }
      )
    )
  })
})
