import { describe, expect, it } from "vitest"
import * as Params from "../../core/Params.ts"
import { Rng } from "../baselines/Prng.ts"
import * as Space from "./Space.ts"

const DAY = 86_400_000

describe("Space.dimension: the automatic rule", () => {
  it("a similarity in [0, 1] is linear over the spec's range", () => {
    expect(Space.dimension("matchSimilarity")).toEqual({ name: "matchSimilarity", lo: 0, hi: 1, scale: "linear", int: false })
  })

  it("a half-life is log-scaled over [d/100, 100·d] around its default", () => {
    const d = Space.dimension("decayHalfLife")
    expect(d.scale).toBe("log")
    expect(d.lo).toBeCloseTo((14 * DAY) / 100, 6)
    expect(d.hi).toBeCloseTo(14 * DAY * 100, 6)
    expect(Space.valueToUnit(d, 14 * DAY)).toBeCloseTo(0.5, 12)
  })

  it("an integer budget is log-scaled with integer bounds; a narrow positive range spanning 2 orders is log too", () => {
    // a window of 100× either side of the default, inside the spec's range
    const d = Params.spec.walkBudget.default
    const walk = Space.dimension("walkBudget")
    expect(walk).toMatchObject({ lo: Math.ceil(d / 100), hi: Math.floor(d * 100), scale: "log", int: true })
    expect(Space.dimension("anchors")).toMatchObject({ lo: 1, hi: 256, scale: "log", int: true })
    expect(Space.dimension("gatNeighbors")).toMatchObject({ lo: 0, hi: 64, scale: "linear", int: true })
  })

  it("the window W is an option, and an override replaces range and scale", () => {
    expect(Space.dimension("decayHalfLife", {}, 10).hi).toBeCloseTo(140 * DAY, 3)
    expect(Space.dimension("recencyWindow", { min: 0, max: 10 * DAY })).toMatchObject({ lo: 0, hi: 10 * DAY, scale: "linear" })
    expect(Space.dimension("anchors", { scale: "linear" }).scale).toBe("linear")
  })

  it("rejects an unknown name, an override outside the spec, an empty range, a log scale from 0", () => {
    expect(() => Space.dimension("nope" as Params.ParamName)).toThrow(RangeError)
    expect(() => Space.dimension("matchSimilarity", { max: 2 })).toThrow(RangeError)
    expect(() => Space.dimension("matchSimilarity", { min: 0.5, max: 0.5 })).toThrow(RangeError)
    expect(() => Space.dimension("anchors", { min: 2.2, max: 2.8 })).toThrow(RangeError)
    expect(() => Space.dimension("pruneWeight", { scale: "log" })).toThrow(RangeError)
    expect(() => Space.make(["anchors", "anchors"])).toThrow(RangeError)
  })

  it("over every parameter: spec.min <= lo < hi <= spec.max, log ⇒ lo > 0, lo <= default <= hi", () => {
    const space = Space.make(Space.allNames)
    expect(Space.size(space)).toBe(Object.keys(Params.spec).length)
    for (const d of space.dimensions) {
      const s = Params.spec[d.name]
      expect(d.lo).toBeGreaterThanOrEqual(s.min)
      expect(d.hi).toBeLessThanOrEqual(s.max)
      expect(d.lo).toBeLessThan(d.hi)
      if (d.scale === "log") expect(d.lo).toBeGreaterThan(0)
      expect(s.default).toBeGreaterThanOrEqual(d.lo)
      expect(s.default).toBeLessThanOrEqual(d.hi)
    }
  })
})

describe("Space maps", () => {
  const space = Space.make(Space.allNames)

  it("apply(s, p, toUnit(s, p)) == p for the defaults (integers exactly, reals up to round-off)", () => {
    const back = Space.apply(space, Params.defaults, Space.toUnit(space, Params.defaults))
    for (const d of space.dimensions) {
      if (d.int) expect(back[d.name]).toBe(Params.defaults[d.name])
      else expect(Math.abs(back[d.name] - Params.defaults[d.name])).toBeLessThanOrEqual(1e-12 * Math.max(1, Params.defaults[d.name]))
    }
    expect(back.singleValued).toEqual(Params.defaults.singleValued)
  })

  it("unitToValue stays in [lo, hi], gives integers for an integer dimension, and is monotone in u", () => {
    const rng = Rng.of(4)
    for (const d of space.dimensions) {
      const us = Array.from({ length: 40 }, () => rng.next() * 1.4 - 0.2).sort((a, b) => a - b)
      const xs = us.map((u) => Space.unitToValue(d, u))
      xs.forEach((x, i) => {
        expect(x).toBeGreaterThanOrEqual(d.lo)
        expect(x).toBeLessThanOrEqual(d.hi)
        if (d.int) expect(Number.isInteger(x)).toBe(true)
        if (i > 0) expect(x).toBeGreaterThanOrEqual(xs[i - 1]!)
      })
      expect(Space.unitToValue(d, 0)).toBe(d.lo)
      expect(Space.unitToValue(d, 1)).toBeCloseTo(d.hi, 6)
    }
  })

  it("valueToUnit(lo) == 0, valueToUnit(hi) == 1, out-of-range values clamp, NaN goes to the middle", () => {
    for (const d of space.dimensions) {
      expect(Space.valueToUnit(d, d.lo)).toBe(0)
      expect(Space.valueToUnit(d, d.hi)).toBeCloseTo(1, 12)
      expect(Space.valueToUnit(d, d.hi * 10 + 1)).toBe(1)
      expect(Space.valueToUnit(d, d.lo - 1)).toBe(0)
      expect(Space.unitToValue(d, Number.NaN)).toBe(Space.unitToValue(d, 0.5))
    }
  })

  it("a log dimension maps the geometric middle to 0.5; a linear one the arithmetic middle", () => {
    const log = Space.dimension("walkBudget")
    expect(Space.unitToValue(log, 0.5)).toBe(Math.round(Math.sqrt(log.lo * log.hi)))
    const lin = Space.dimension("pruneWeight")
    expect(Space.unitToValue(lin, 0.5)).toBe(0.5)
  })

  it("unitToValue(d, valueToUnit(d, x)) == x for every integer in a log-scaled integer range", () => {
    const d = Space.dimension("anchors")
    for (let x = d.lo; x <= d.hi; x++) expect(Space.unitToValue(d, Space.valueToUnit(d, x))).toBe(x)
  })

  it("apply sets only the searched parameters, and the result decodes", () => {
    const small = Space.make(["pruneWeight", "anchors", "decayHalfLife"])
    const p = Space.apply(small, Params.defaults, [0.25, 1, 0])
    expect(p.pruneWeight).toBe(0.25)
    expect(p.anchors).toBe(256)
    expect(p.decayHalfLife).toBeCloseTo((14 * DAY) / 100, 6)
    expect(p.maxDepth).toBe(Params.defaults.maxDepth)
    expect(Params.decode(p)._tag).toBe("Success")
    expect(() => Space.fromUnit(small, [0.5])).toThrow(RangeError)
  })
})
