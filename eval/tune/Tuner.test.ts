import { describe, expect, it } from "vitest"
import { Params } from "../../core/index.ts"
import type { Figures } from "./Objective.ts"
import * as Space from "./Space.ts"
import * as Tuner from "./Tuner.ts"

const space = Space.make(["anchors", "pathThreshold"], { overrides: { anchors: { min: 1, max: 64, scale: "log" } } })
const trainLoss = (p: Params.Params): number => Math.abs(Math.log(p.anchors / 12)) / 5 + (p.pathThreshold - 0.3) ** 2
const figures = (loss: number, p: Params.Params): Figures => ({ loss, cost: p.anchors, size: 2, churn: 3, metrics: { anchors: p.anchors } })

/** A suite whose validation replay logs the records it was given. */
const spy = () => {
  const validationCalls: Array<Params.Params> = []
  let trainCalls = 0
  const suite: Tuner.SuiteSplits = {
    name: "toy",
    description: "toy",
    train: (p) => {
      trainCalls++
      return figures(trainLoss(p), p)
    },
    validation: (p) => {
      validationCalls.push(p)
      return figures(100 + trainLoss(p), p) // distinguishable from any train figure
    }
  }
  return { suite, validationCalls, trainCalls: () => trainCalls }
}

describe("Tuner.tune", () => {
  it("validation figures come from the validation replays only: two calls, the defaults and the tuned", () => {
    const s = spy()
    const r = Tuner.tune({ suites: [s.suite], space, budget: 20, seed: 3 })
    expect(s.validationCalls).toHaveLength(2)
    expect(s.validationCalls[0]).toEqual(Params.defaults)
    expect(s.validationCalls[1]).toEqual(r.tuned)
    expect(r.validation.defaults.figures.toy!.loss).toBeCloseTo(100 + trainLoss(Params.defaults), 12)
    expect(r.validation.tuned.figures.toy!.loss).toBeCloseTo(100 + trainLoss(r.tuned), 12)
    // the search itself never scored a validation figure
    for (const e of r.evaluations) if (e.figures !== undefined) expect(e.figures.toy!.loss).toBeLessThan(100)
  })

  it("the tuned record is no worse than the defaults on train, within the budget, and improves a toy loss", () => {
    const s = spy()
    const r = Tuner.tune({ suites: [s.suite], space, budget: 30, seed: 1 })
    expect(r.evaluations.length).toBeLessThanOrEqual(30)
    expect(r.train.tuned.terms.total).toBeLessThanOrEqual(r.train.defaults.terms.total)
    expect(r.train.tuned.terms.total).toBeLessThan(r.train.defaults.terms.total)
    // the defaults' first evaluation is the memo's reference (replayed once, before the search)
    expect(r.evaluations[0]!.values).toEqual({ anchors: Params.defaults.anchors, pathThreshold: Params.defaults.pathThreshold })
    expect(s.trainCalls()).toBeLessThanOrEqual(30)
    // penalties are relative to the defaults: 1 at the defaults
    expect(r.train.defaults.terms.cost).toBe(1)
    expect(r.train.tuned.terms.cost).toBeCloseTo(r.tuned.anchors / Params.defaults.anchors, 12)
  })

  it("a replay that throws scores +Infinity and the search goes on", () => {
    const suite: Tuner.SuiteSplits = {
      name: "fragile",
      description: "throws above 20 anchors",
      train: (p) => {
        if (p.anchors > 20) throw new Error("boom")
        return figures(trainLoss(p), p)
      },
      validation: (p) => figures(trainLoss(p), p)
    }
    const r = Tuner.tune({ suites: [suite], space, budget: 40, seed: 2, sigma0: 0.5 })
    const failed = r.evaluations.filter((e) => e.error !== undefined)
    expect(failed.length).toBeGreaterThan(0)
    for (const e of failed) expect(e.objective).toBe(Infinity)
    expect(r.tuned.anchors).toBeLessThanOrEqual(20)
    expect(Number.isFinite(r.validation.tuned.terms.total)).toBe(true)
  })

  it("decodePoint at the start is exactly the defaults; the same seed gives the same result", () => {
    const start = Space.toUnit(space, Params.defaults)
    expect(Tuner.decodePoint(space, start, start)).toEqual(Params.defaults)
    const a = Tuner.tune({ suites: [spy().suite], space, budget: 12, seed: 9 })
    const b = Tuner.tune({ suites: [spy().suite], space, budget: 12, seed: 9 })
    expect(a.tuned).toEqual(b.tuned)
    expect(a.generations.map((g) => g.best)).toEqual(b.generations.map((g) => g.best))
  })
})
