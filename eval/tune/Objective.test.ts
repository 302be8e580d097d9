import { describe, expect, it } from "vitest"
import * as Objective from "./Objective.ts"

const fig = (loss: number, cost?: number, size?: number, churn?: number): Objective.Figures => ({ loss, cost, size, churn, metrics: {} })

describe("Objective.ratio", () => {
  it("ratio(x, x) == 1, ratio(0, 0) == 1, monotone in x", () => {
    expect(Objective.ratio(7, 7)).toBe(1)
    expect(Objective.ratio(0, 0)).toBe(1)
    expect(Objective.ratio(3, 0)).toBe(4)
    expect(Objective.ratio(2, 4)).toBeLessThan(Objective.ratio(3, 4))
  })
})

describe("Objective.combine", () => {
  const ref = { a: fig(0.4, 100, 3, 20), b: fig(0.1) }

  it("combine(r, r).total == Σ loss + λ + μ + ν (each penalty term is 1 at the reference)", () => {
    const t = Objective.combine(ref, ref)
    expect(t.loss).toBeCloseTo(0.5, 12)
    expect([t.cost, t.size, t.churn]).toEqual([1, 1, 1])
    expect(t.total).toBeCloseTo(0.5 + Objective.LAMBDA + Objective.MU + Objective.NU, 12)
  })

  it("each term is its ratio to the reference, weighted by its constant", () => {
    const t = Objective.combine({ a: fig(0.4, 200, 1.5, 20), b: fig(0.1) }, ref)
    expect(t.cost).toBe(2)
    expect(t.size).toBe(0.5)
    expect(t.churn).toBe(1)
    expect(t.perSuite.b).toEqual({ loss: 0.1, cost: undefined, size: undefined, churn: undefined })
    expect(t.total).toBeCloseTo(0.5 + 2 * Objective.LAMBDA + 0.5 * Objective.MU + Objective.NU, 12)
  })

  it("penalties average over the suites that report them", () => {
    const r2 = { a: fig(0, 10, 1, 1), b: fig(0, 10, 1, 1) }
    const t = Objective.combine({ a: fig(0, 30, 1, 1), b: fig(0, 10, 1, 1) }, r2)
    expect(t.cost).toBe(2)
  })

  it("lowering one suite's loss lowers the total by the same amount", () => {
    const t1 = Objective.combine({ a: fig(0.4, 100, 3, 20), b: fig(0.1) }, ref)
    const t2 = Objective.combine({ a: fig(0.3, 100, 3, 20), b: fig(0.1) }, ref)
    expect(t1.total - t2.total).toBeCloseTo(0.1, 12)
  })

  it("a non-finite loss or figure gives +Infinity", () => {
    expect(Objective.combine({ a: fig(NaN, 100, 3, 20) }, ref).total).toBe(Infinity)
    expect(Objective.combine({ a: fig(0.4, Infinity, 3, 20) }, ref).total).toBe(Infinity)
  })

  it("no suite reports a penalty: the terms are 0", () => {
    const t = Objective.combine({ b: fig(0.2) }, { b: fig(0.2) })
    expect([t.cost, t.size, t.churn, t.total]).toEqual([0, 0, 0, 0.2])
  })
})
