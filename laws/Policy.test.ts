/**
 * Laws of the controller's policy (core/Policy.ts) and of the memory controller
 * (core/Controller.ts): distributions, sampling, the gradient against finite differences,
 * the features' range, the hand-written controller and policy files.
 */
import { Result, Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Controller from "../core/Controller.ts"
import * as Engram from "../core/Engram.ts"
import * as Event from "../core/Event.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Params from "../core/Params.ts"
import * as Recall from "../core/Recall.ts"
import * as Replay from "../core/Replay.ts"
import * as Policy from "../core/Policy.ts"

const SPEC: Policy.Spec = {
  features: ["a", "b", "c"],
  hidden: 3,
  heads: [{ name: "h1", actions: ["x", "y", "z"] }, { name: "h2", actions: ["p", "q"] }]
}
const N = Policy.size(SPEC)

const arbTheta = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: N, maxLength: N })
const arbX = fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 })
const arbHeadAction = fc.constantFrom(["h1", "x"], ["h1", "y"], ["h1", "z"], ["h2", "p"], ["h2", "q"])

describe("Policy", () => {
  it("size: 3·3 + 3 + (3·3 + 3·3 + 3) + (2·3 + 2·3 + 2) = 47", () => {
    expect(N).toBe(47)
  })

  it("probs sum to 1 and are positive", () => {
    fc.assert(fc.property(arbTheta, arbX, (theta, x) => {
      const p = Policy.make(SPEC, theta)
      for (const h of SPEC.heads) {
        const ps = Policy.probs(p, x, h.name)
        expect(ps.length).toBe(h.actions.length)
        expect(ps.every((v) => v > 0)).toBe(true)
        expect(Math.abs(ps.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12)
      }
    }))
  })

  it("∇ log π matches central finite differences", () => {
    fc.assert(fc.property(arbTheta, arbX, arbHeadAction, ([...theta], x, [head, action]) => {
      const p = Policy.make(SPEC, theta)
      const grad = new Float64Array(N)
      const lp = Policy.addGradLogProb(p, x, head!, action!, 1, grad)
      expect(lp).toBeCloseTo(Policy.logProb(p, x, head!, action!), 12)
      const h = 1e-6
      for (let i = 0; i < N; i++) {
        const up = [...theta], down = [...theta]
        up[i] = up[i]! + h
        down[i] = down[i]! - h
        const fd = (Policy.logProb(Policy.make(SPEC, up), x, head!, action!) - Policy.logProb(Policy.make(SPEC, down), x, head!, action!)) / (2 * h)
        expect(Math.abs(fd - grad[i]!)).toBeLessThan(1e-5)
      }
    }), { numRuns: 40 })
  })

  it("addGradLogProb adds coef · ∇ to what the buffer held", () => {
    fc.assert(fc.property(arbTheta, arbX, arbHeadAction, fc.double({ min: -3, max: 3, noNaN: true }), (theta, x, [head, action], coef) => {
      const p = Policy.make(SPEC, theta)
      const one = new Float64Array(N)
      Policy.addGradLogProb(p, x, head!, action!, 1, one)
      const acc = new Float64Array(N).fill(0.5)
      Policy.addGradLogProb(p, x, head!, action!, coef, acc)
      for (let i = 0; i < N; i++) expect(acc[i]!).toBeCloseTo(0.5 + coef * one[i]!, 10)
    }))
  })

  it("sample is deterministic in u, and draws each action with its probability (inverse CDF)", () => {
    fc.assert(fc.property(arbTheta, arbX, (theta, x) => {
      const p = Policy.make(SPEC, theta)
      const ps = Policy.probs(p, x, "h1")
      const counts = [0, 0, 0]
      const n = 2000
      for (let i = 0; i < n; i++) {
        const u = (i + 0.5) / n
        const a = Policy.sample(p, x, "h1", u)
        expect(Policy.sample(p, x, "h1", u)).toBe(a)
        counts[SPEC.heads[0]!.actions.indexOf(a)]!++
      }
      counts.forEach((c, i) => expect(Math.abs(c / n - ps[i]!)).toBeLessThanOrEqual(1 / n + 1e-9))
    }), { numRuns: 30 })
  })

  it("greedy is the most probable action", () => {
    fc.assert(fc.property(arbTheta, arbX, (theta, x) => {
      const p = Policy.make(SPEC, theta)
      const ps = Policy.probs(p, x, "h1")
      expect(ps[SPEC.heads[0]!.actions.indexOf(Policy.greedy(p, x, "h1"))]).toBe(Math.max(...ps))
    }))
  })

  it("initial: zero feature weights, so each head's distribution is the softmax of its biases whatever x", () => {
    const p = Policy.initial(SPEC, (i) => (i % 7) / 10, (head, action) => (head === "h1" && action === "y" ? Math.log(6) : 0))
    fc.assert(fc.property(arbX, (x) => {
      const ps = Policy.probs(p, x, "h1")
      expect(ps[1]).toBeCloseTo(6 / 8, 12)
      expect(Policy.probs(p, x, "h2")[0]).toBeCloseTo(0.5, 12)
    }))
  })

  it("make refuses a wrong parameter count, non-finite parameters, empty or repeated heads", () => {
    expect(() => Policy.make(SPEC, new Array(N - 1).fill(0))).toThrow(RangeError)
    expect(() => Policy.make(SPEC, [...new Array(N - 1).fill(0), Number.NaN])).toThrow(RangeError)
    expect(() => Policy.make({ ...SPEC, heads: [{ name: "h", actions: [] }] }, [])).toThrow(RangeError)
    const twice = { ...SPEC, heads: [SPEC.heads[0]!, SPEC.heads[0]!] }
    expect(() => Policy.make(twice, new Array(Policy.size(twice)).fill(0))).toThrow(RangeError)
    const p = Policy.make(SPEC, new Array(N).fill(0))
    expect(() => Policy.probs(p, [1, 2], "h1")).toThrow(RangeError)
    expect(() => Policy.logProb(p, [1, 2, 3], "h1", "nope")).toThrow(RangeError)
    expect(() => Policy.probs(p, [1, 2, 3], "nope")).toThrow(RangeError)
  })

  it("hidden = 0 is multinomial logistic regression (the direct path alone)", () => {
    const spec: Policy.Spec = { features: ["a", "b"], hidden: 0, heads: [{ name: "h", actions: ["x", "y"] }] }
    expect(Policy.size(spec)).toBe(2 * 2 + 2)
    // theta: V (2×2) then c (2): logits x: 1·a, y: 1·b
    const p = Policy.make(spec, [1, 0, 0, 1, 0, 0])
    const ps = Policy.probs(p, [2, 0], "h")
    expect(ps[0]).toBeCloseTo(Math.exp(2) / (Math.exp(2) + 1), 12)
  })
})

// ── the controller ────────────────────────────────────────────────────────────

const arbContext: fc.Arbitrary<Controller.Context> = fc.record({
  queryWords: fc.nat(1000),
  queryKnown: fc.double({ min: -1, max: 2, noNaN: true }),
  nodes: fc.nat(10_000_000),
  edges: fc.nat(100_000_000),
  sinceSurprise: fc.option(fc.integer({ min: -5, max: 10_000 }), { nil: undefined }),
  sinceSubjectSurprise: fc.option(fc.integer({ min: -5, max: 10_000 }), { nil: undefined }),
  rewardRate: fc.double({ min: -3, max: 3, noNaN: true }),
  lastReward: fc.double({ min: -3, max: 3, noNaN: true }),
  sinceMaintain: fc.nat(100_000),
  recalled: fc.nat(10_000),
  recalledNegated: fc.double({ min: 0, max: 1, noNaN: true }),
  recalledStale: fc.double({ min: 0, max: 1, noNaN: true }),
  recalledOld: fc.double({ min: 0, max: 1, noNaN: true })
})

describe("Controller", () => {
  it("features: one per FEATURES entry, each in [-1, 1]; bias 1", () => {
    fc.assert(fc.property(arbContext, fc.constantFrom("pre" as const, "post" as const), (c, stage) => {
      const x = Controller.features(c, stage)
      expect(x.length).toBe(Controller.FEATURES.length)
      expect(x.every((v) => Number.isFinite(v) && v >= -1 && v <= 1)).toBe(true)
      expect(x[0]).toBe(1)
    }))
  })

  it("features(c, pre) = features(c, post) with the recall-result features zeroed", () => {
    fc.assert(fc.property(arbContext, (c) => {
      const pre = Controller.features(c, "pre"), post = Controller.features(c, "post")
      const results = ["recalled", "recalled_negated", "recalled_stale", "recalled_old"]
      Controller.FEATURES.forEach((f, i) => expect(pre[i]).toBe(results.includes(f) ? 0 : post[i]))
      // and the pre-recall features do not read the result at all
      expect(Controller.features({ ...c, recalled: 0, recalledNegated: 0, recalledStale: 0, recalledOld: 0 }, "pre")).toEqual(pre)
    }))
  })

  it("the hand-written controller takes every decision's first action", () => {
    for (const h of Controller.HEADS) {
      expect(Controller.decide(Controller.hand, h.name, Controller.features({} as never, "pre").map(() => 0))).toBe(h.actions[0])
      expect(Controller.handAction(h.name)).toBe(h.actions[0])
    }
  })

  it("a learned controller decides greedily; a policy of another spec is refused", () => {
    const p = Policy.initial(Controller.SPEC, () => 0, (head, action) => (head === "trust" && action === "fresh" ? 1 : 0))
    const c = Controller.learned(p)
    const x = Controller.FEATURES.map(() => 0.5)
    expect(Controller.decide(c, "trust", x)).toBe("fresh")
    expect(Controller.decide(c, "engram", x)).toBe("all") // ties: the earlier action
    expect(() => Controller.learned(Policy.initial({ ...Controller.SPEC, features: ["bias"] }, () => 0))).toThrow(/features/)
    const heads = Controller.SPEC.heads.map((h) => (h.name === "trust" ? { ...h, actions: ["all", "fresh"] } : h))
    expect(() => Controller.learned(Policy.initial({ ...Controller.SPEC, heads }, () => 0))).toThrow(/decisions/)
  })

  it("recallOverrides: default puts nothing in the input, the others their reach; Recall.reach: shallow caps the depth at 1, deep goes deeper and wider", () => {
    const p = Params.defaults
    expect(Controller.recallOverrides("default")).toEqual({})
    expect(Controller.recallOverrides("shallow")).toEqual({ reach: "shallow" })
    expect(Controller.recallOverrides("deep")).toEqual({ reach: "deep" })
    expect(Recall.reach(p, undefined)).toBe(p)
    const s = Recall.reach(p, "shallow")
    expect(s.maxDepth).toBeLessThanOrEqual(1)
    expect(s.anchors).toBeGreaterThanOrEqual(1)
    expect(s.anchors).toBeLessThanOrEqual(p.anchors)
    const d = Recall.reach(p, "deep")
    expect(d.maxDepth).toBeGreaterThan(p.maxDepth)
    expect(d.anchors).toBeGreaterThan(p.anchors)
    expect(d.walkBudget).toBeGreaterThan(p.walkBudget)
  })

  it("a recall with a reach equals a recall under Recall.reach's params, and its event replays it", () => {
    let g = LiquidGraph.empty()
    const facts = [["a", "knows", "b"], ["b", "knows", "c"], ["c", "knows", "d"], ["d", "knows", "e"]].map(([subject, relation, object]) => ({ subject: subject!, relation: relation!, object: object! }))
    g = Engram.engram(g, { facts }, Params.defaults, 1000).graph
    for (const action of ["shallow", "deep"] as const) {
      const viaInput = Recall.recall(g, { text: "a", ...Controller.recallOverrides(action) }, Params.defaults, 2000)
      const viaParams = Recall.recall(g, { text: "a" }, Recall.reach(Params.defaults, action), 2000)
      expect(viaInput.result.facts.map((f) => f.fact.id)).toEqual(viaParams.result.facts.map((f) => f.fact.id))
      const replayed = Replay.apply({ ...Replay.initial(Params.defaults), graph: g }, new Event.Recalled({ now: 2000, input: { text: "a", ...Controller.recallOverrides(action) } }))
      expect(Result.isSuccess(replayed) && LiquidGraph.contentHash(replayed.success.state.graph) === LiquidGraph.contentHash(viaInput.graph)).toBe(true)
    }
    const shallow = Recall.recall(g, { text: "a", reach: "shallow" }, Params.defaults, 2000)
    const deep = Recall.recall(g, { text: "a", reach: "deep" }, Params.defaults, 2000)
    expect(deep.result.facts.length).toBeGreaterThan(shallow.result.facts.length)
    expect(() => Recall.recall(g, { text: "a", reach: "far" as never }, Params.defaults, 2000)).toThrow(/reach/)
  })

  it("a policy file round-trips through JSON and gives the same decisions; a bad file is refused", () => {
    const p = Policy.initial(Controller.SPEC, (i) => Math.sin(i), () => 0)
    const file: Controller.PolicyFile = { format: Controller.FORMAT, policy: { spec: p.spec, theta: p.theta }, trained: { seed: 1 } }
    const back = Schema.decodeUnknownSync(Controller.PolicyFile)(JSON.parse(JSON.stringify(file)))
    const c = Controller.fromFile(back)
    const x = Controller.FEATURES.map((_, i) => (i % 3) / 3)
    for (const h of Controller.HEADS) expect(Controller.decide(c, h.name, x)).toBe(Controller.decide(Controller.learned(p), h.name, x))
    expect(() => Schema.decodeUnknownSync(Controller.PolicyFile)({ ...file, format: "other" })).toThrow()
    expect(() => Controller.fromFile({ ...file, policy: { ...file.policy, theta: file.policy.theta.slice(1) } })).toThrow(RangeError)
  })
})
