import { Equal, HashMap, Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as VectorStore from "../core/VectorStore.ts"
import * as Text from "../core/Text.ts"
import { arbGraph, arbVector, episodeNode, fact, semanticNode, T0 } from "./Arbitraries.ts"
import { assertValid, check } from "./Invariants.ts"

const WORDS = ["alice", "Bob", "paris", "the", "café", "cafe", "red-car", "is", "42", "Alice's", "x"]
const arbWords = fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 6 }).map((ws) => ws.join(" "))

/** A draft operation on a small pool of node ids: put an episode or entity with some text, or remove. */
type LexOp =
  | { readonly op: "episode"; readonly i: number; readonly text: string }
  | { readonly op: "entity"; readonly text: string }
  | { readonly op: "remove"; readonly i: number }
  | { readonly op: "touch"; readonly i: number }
const arbLexOp: fc.Arbitrary<LexOp> = fc.oneof(
  fc.record({ op: fc.constant("episode" as const), i: fc.nat({ max: 5 }), text: arbWords }),
  fc.record({ op: fc.constant("entity" as const), text: arbWords.filter((t) => t.trim().length > 0) }),
  fc.record({ op: fc.constant("remove" as const), i: fc.nat({ max: 5 }) }),
  fc.record({ op: fc.constant("touch" as const), i: fc.nat({ max: 5 }) })
)

/** Applies ops, `perDraft` per draft, returning every intermediate graph. */
const applyLexOps = (g0: LiquidGraph.LiquidGraph, ops: ReadonlyArray<LexOp>, perDraft: number): Array<LiquidGraph.LiquidGraph> => {
  const out: Array<LiquidGraph.LiquidGraph> = []
  let g = g0
  for (let k = 0; k < ops.length; k += perDraft) {
    const d = LiquidGraph.draft(g)
    for (const o of ops.slice(k, k + perDraft)) {
      const ids = [...LiquidGraph.nodes(g).map((n) => n.id).sort(), "ep:e0", "ep:e1"]
      if (o.op === "episode") d.putNode(episodeNode("e" + o.i, o.text, T0))
      else if (o.op === "entity") d.putNode(semanticNode(o.text, T0))
      else if (o.op === "remove") d.removeNode(ids[o.i % ids.length]!)
      else {
        const n = d.node(ids[o.i % ids.length]!)
        if (n !== undefined) d.putNode({ ...n, accessCount: n.accessCount + 1 })
      }
    }
    g = d.finish()
    out.push(g)
  }
  return out
}

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

  it("postings(g, t) == { n : t ∈ terms(documentText(n)) } after every putNode / removeNode (index == naive scan)", () => {
    fc.assert(
      fc.property(arbGraph(), fc.array(arbLexOp, { maxLength: 30 }), fc.integer({ min: 1, max: 5 }), (g, ops, perDraft) => {
        assertValid(g, "generation")
        for (const h of applyLexOps(g, ops, perDraft)) {
          assertValid(h, "putNode/removeNode")
          // fromJSON rebuilds the same index
          const back = Result.getOrThrow(LiquidGraph.fromJSON(JSON.parse(JSON.stringify(h))))
          expect(back.lexicalLength).toBe(h.lexicalLength)
          for (const t of LiquidGraph.terms(h)) expect(LiquidGraph.documentFrequency(back, t)).toBe(LiquidGraph.documentFrequency(h, t))
        }
      }),
      { numRuns: 200 }
    )
  })

  it("the invariant checker catches a lexical index that disagrees with the texts (it can fail)", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    d.putNode(episodeNode("e0", "alice met bob in paris", T0))
    d.putNode(episodeNode("e1", "bob likes paris", T0))
    const g = d.finish()
    expect(check(g)).toEqual([])
    const drop = Object.assign(Object.create(Object.getPrototypeOf(g)), g, { postings: HashMap.remove(g.postings, "paris") })
    expect(check(drop).some((m) => m.includes("paris"))).toBe(true)
    const extra = Object.assign(Object.create(Object.getPrototypeOf(g)), g, { postings: HashMap.set(g.postings, "zebra", "ep:e0") })
    expect(check(extra).some((m) => m.includes("zebra"))).toBe(true)
    const length = Object.assign(Object.create(Object.getPrototypeOf(g)), g, { lexicalLength: g.lexicalLength + 1 })
    expect(check(length).some((m) => m.includes("length"))).toBe(true)
  })

  it("documentFrequency / forEachPosting: tf and length of each node containing the term; a text edit moves its postings", () => {
    const d = LiquidGraph.draft(LiquidGraph.empty())
    d.putNode(episodeNode("e0", "Bob met Bob's sister in Paris", T0))
    d.putNode(episodeNode("e1", "the café in Paris", T0))
    d.putNode(semanticNode("Paris", T0))
    const g = d.finish()
    const seen: Array<[string, number, number]> = []
    LiquidGraph.forEachPosting(g, "paris", (id, tf, length) => seen.push([id, tf, length]))
    expect(seen.sort()).toEqual([["ep:e0", 1, 5], ["ep:e1", 1, 2], ["paris", 1, 1]])
    expect(LiquidGraph.documentFrequency(g, "bob")).toBe(1)
    LiquidGraph.forEachPosting(g, "bob", (id, tf, length) => expect([id, tf, length]).toEqual(["ep:e0", 2, 5]))
    expect(LiquidGraph.documentFrequency(g, "cafe")).toBe(1)
    expect(LiquidGraph.documentFrequency(g, "the")).toBe(0)
    expect(g.lexicalLength).toBe(8)
    const d2 = LiquidGraph.draft(g)
    d2.putNode({ ...LiquidGraph.node(g, "ep:e1")!, text: "a teashop in Rome" })
    const h = d2.finish()
    assertValid(h)
    expect(LiquidGraph.documentFrequency(h, "paris")).toBe(2)
    expect(LiquidGraph.documentFrequency(h, "rome")).toBe(1)
    expect(LiquidGraph.documentFrequency(h, "cafe")).toBe(0)
    expect(LiquidGraph.documentFrequency(g, "cafe")).toBe(1) // persistence
    expect(Text.terms("Where does Alice's café open?")).toEqual(["alice", "cafe", "open"])
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
