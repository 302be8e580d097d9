import { describe, expect, it } from "vitest"
import { canonicalKey, edgeKey, micro, rates, scoreOutdated, scorePairs, slotOf } from "./Metrics.ts"

const P = (old: string, replacement: string) => ({ old, replacement })

describe("pair agreement", () => {
  it("counts exact pairs as sets", () => {
    const predicted = [P("a", "b"), P("a", "b"), P("c", "d"), P("e", "f")]
    const labelled = [P("a", "b"), P("c", "x"), P("g", "h")]
    const s = scorePairs(predicted, labelled)
    expect(s).toMatchObject({ tp: 1, predicted: 3, labelled: 3 })
    expect(s.precision).toBeCloseTo(1 / 3)
    expect(s.recall).toBeCloseTo(1 / 3)
    expect(s.f1).toBeCloseTo(1 / 3)
  })
  it("a reversed pair is not a match", () => {
    expect(scorePairs([P("b", "a")], [P("a", "b")]).tp).toBe(0)
  })
  it("drops labels whose two sides are the same triplet", () => {
    const s = scorePairs([P("a", "b")], [P("a", "b"), P("x", "x")])
    expect(s).toMatchObject({ tp: 1, labelled: 1, precision: 1, recall: 1, f1: 1 })
  })
  it("outdated-only agreement matches the ended triplet whatever replaced it", () => {
    const s = scoreOutdated([P("a", "b"), P("c", "d")], [P("a", "z"), P("q", "r")])
    expect(s).toMatchObject({ tp: 1, predicted: 2, labelled: 2 })
    expect(scorePairs([P("a", "b")], [P("a", "z")]).tp).toBe(0)
  })
  it("empty cases", () => {
    expect(scorePairs([], [])).toMatchObject({ precision: 1, recall: 1, f1: 1 })
    expect(scorePairs([], [P("a", "b")])).toMatchObject({ precision: 0, recall: 0, f1: 0 })
    expect(scorePairs([P("a", "b")], [])).toMatchObject({ precision: 0, recall: 0, f1: 0 })
  })
  it("micro-averages by summing counts", () => {
    const m = micro([rates(1, 2, 4), rates(3, 3, 4)])
    expect(m).toMatchObject({ tp: 4, predicted: 5, labelled: 8 })
    expect(m.precision).toBeCloseTo(0.8)
    expect(m.recall).toBeCloseTo(0.5)
    expect(m.f1).toBeCloseTo((2 * 0.8 * 0.5) / 1.3)
  })
})

describe("canonical keys", () => {
  const T = (subject: string, relation: string, object: string) => ({ subject, relation, object })
  it("the location family is one relation; written and key forms agree; the slot is subject and relation", () => {
    const k = canonicalKey(T("Key 1", "is on", "the floor"))
    expect(canonicalKey(T("key 1", "lies on", "floor"))).toBe(k)
    expect(canonicalKey(T("key 1", "is_on", "floor"))).toBe(k)
    expect(slotOf(canonicalKey(T("key 1", "is in", "inventory")))).toBe(slotOf(k))
    expect(canonicalKey(T("key 1", "is in", "inventory"))).not.toBe(k)
    expect(canonicalKey(T("door", "is", "locked"))).not.toBe(canonicalKey(T("door", "is", "open")))
  })
  it("an edge's key is the key of the triplet engram made it from", () => {
    const k = canonicalKey(T("key 1", "is on", "floor"))
    const [subject, relation, object] = k.split("|") as [string, string, string]
    expect(edgeKey({ subject, relation, object, negated: false })).toBe(k)
    expect(edgeKey({ subject, relation, object, negated: true })).toBe(k + "|not")
  })
})
