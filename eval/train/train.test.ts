/**
 * GRPO (eval/train/Grpo.ts): its laws, its gradient against finite differences, and that it
 * learns a bandit; the trainer's determinism; `npm run train`'s command line and output.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Schema } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Controller from "../../core/Controller.ts"
import * as Policy from "../../core/Policy.ts"
import { controllerDecider, handDecider } from "../../examples/games/Agents.ts"
import { figures } from "../../examples/games/Games.ts"
import { Rng } from "../baselines/Prng.ts"
import { parseArgs } from "./args.ts"
import * as Env from "./Env.ts"
import * as Grpo from "./Grpo.ts"
import * as Mcq from "./Mcq.ts"
import { main } from "./run.ts"
import { reference, settingsFor, train } from "./Train.ts"

const SPEC: Policy.Spec = { features: ["bias", "s"], hidden: 2, heads: [{ name: "arm", actions: ["a", "b", "c"] }] }

/** Groups of a bandit: state s ∈ {0, 1}; arm "b" pays 1 in state 1, "c" pays 1 in state 0, "a" 0. */
const banditGroups = (p: Policy.Policy, rng: Rng, groups: number, size: number): Array<Array<Grpo.Rollout>> =>
  Array.from({ length: groups }, (_, gi) => {
    const s = gi % 2
    const x = [1, s]
    return Array.from({ length: size }, () => {
      const action = Policy.sample(p, x, "arm", rng.float())
      const ret = (s === 1 && action === "b") || (s === 0 && action === "c") ? 1 : 0
      return { decisions: [{ x, head: "arm", action, logpOld: Policy.logProb(p, x, "arm", action) }], ret }
    })
  })

describe("Grpo.advantages", () => {
  it("sum to 0, are 0 for equal returns, and are invariant to a shift of every return", () => {
    fc.assert(fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 12 }), fc.double({ min: -50, max: 50, noNaN: true }), (rs, c) => {
      const a = Grpo.advantages(rs)
      expect(Math.abs(a.reduce((x, y) => x + y, 0))).toBeLessThan(1e-6 * rs.length)
      const shifted = Grpo.advantages(rs.map((r) => r + c))
      a.forEach((v, i) => expect(shifted[i]!).toBeCloseTo(v, 5))
    }))
    expect(Grpo.advantages([3, 3, 3])).toEqual([0, 0, 0])
    expect(Grpo.advantages([0, 1])[1]).toBeGreaterThan(0)
  })
})

describe("Grpo.evaluate", () => {
  const arbTheta = fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: Policy.size(SPEC), maxLength: Policy.size(SPEC) })

  it("at π = π_old every ratio is 1: the surrogate is the decision-weighted mean advantage, nothing clipped", () => {
    const p = Policy.make(SPEC, new Array(Policy.size(SPEC)).fill(0.1))
    const groups = banditGroups(p, Rng.of(3), 4, 5)
    const ev = Grpo.evaluate(p, p, groups)
    expect(ev.clipped).toBe(0)
    expect(ev.kl).toBeCloseTo(0, 12)
    expect(ev.surrogate).toBeCloseTo(0, 10) // one decision per rollout: the advantages sum to 0 per group
  })

  it("its gradient matches central finite differences of the objective (away from the clip boundary)", () => {
    fc.assert(fc.property(arbTheta, arbTheta, fc.integer({ min: 1, max: 1000 }), (t, tRef, seed) => {
      const old = Policy.make(SPEC, t)
      const ref = Policy.make(SPEC, tRef)
      const groups = banditGroups(old, Rng.of(seed), 4, 6)
      // a nearby policy, so that ratios are not 1 and the KL is not 0
      const near = t.map((v, i) => v + 0.05 * Math.sin(i + seed))
      const p = Policy.make(SPEC, near)
      const settings = { ...Grpo.DEFAULTS, clip: 10, beta: 0.3 } // no ratio reaches the boundary
      const ev = Grpo.evaluate(p, ref, groups, settings)
      const h = 1e-6
      near.forEach((_, i) => {
        const up = [...near], down = [...near]
        up[i] = up[i]! + h
        down[i] = down[i]! - h
        const fd = (Grpo.evaluate(Policy.make(SPEC, up), ref, groups, settings).objective - Grpo.evaluate(Policy.make(SPEC, down), ref, groups, settings).objective) / (2 * h)
        expect(Math.abs(fd - ev.gradient[i]!)).toBeLessThan(1e-5)
      })
    }), { numRuns: 25 })
  })

  it("a clipped ratio contributes no surrogate gradient", () => {
    const old = Policy.make(SPEC, new Array(Policy.size(SPEC)).fill(0))
    const x = [1, 1]
    // one group: "b" paid, "a" did not; the new policy already favours "b" far beyond 1 + ε
    const groups = [[
      { decisions: [{ x, head: "arm", action: "b", logpOld: Policy.logProb(old, x, "arm", "b") }], ret: 1 },
      { decisions: [{ x, head: "arm", action: "a", logpOld: Policy.logProb(old, x, "arm", "a") }], ret: 0 }
    ]]
    const theta = [...old.theta]
    const c = Policy.size(SPEC) - 3 // the head's biases are the last 3 parameters
    theta[c + 1] = 3
    theta[c] = -3
    const ev = Grpo.evaluate(Policy.make(SPEC, theta), old, groups, { ...Grpo.DEFAULTS, beta: 0 })
    expect(ev.clipped).toBe(1)
    expect(Array.from(ev.gradient).every((g) => g === 0)).toBe(true)
  })
})

describe("Grpo.update", () => {
  it("Adam: a zero gradient from a zero state leaves θ as it is", () => {
    const { theta } = Grpo.adamStep([1, 2, 3], [0, 0, 0], Grpo.adamInit(3))
    expect(theta).toEqual([1, 2, 3])
  })

  it("learns a contextual bandit: the paying arm of each state becomes the most probable", () => {
    const rng = Rng.of(7)
    let p = Policy.initial(SPEC, (i) => Math.sin(i) * 0.1)
    const ref = p
    let st = Grpo.adamInit(p.theta.length)
    for (let it = 0; it < 40; it++) {
      const groups = banditGroups(p, rng, 6, 8)
      const up = Grpo.update(p, ref, groups, st, 4, { ...Grpo.DEFAULTS, beta: 0.01 })
      p = up.policy
      st = up.state
    }
    expect(Policy.greedy(p, [1, 1], "arm")).toBe("b")
    expect(Policy.greedy(p, [1, 0], "arm")).toBe("c")
    expect(Policy.probs(p, [1, 1], "arm")[1]).toBeGreaterThan(0.8)
  })
})

describe("the trainer", () => {
  const tiny = { ...settingsFor(5, true), iterations: 2, situations: 3, group: 3, evalEvery: 2, validationSeeds: 1, heldoutSeeds: 1 }

  it("the reference policy's greedy decisions are the hand-written controller's", () => {
    const ref = reference(tiny)
    const x = Controller.FEATURES.map((_, i) => ((i * 37) % 11) / 11)
    for (const h of Controller.HEADS) expect(Policy.greedy(ref, x, h.name)).toBe(h.actions[0])
    expect(Policy.probs(ref, x, "trust")[0]).toBeCloseTo(tiny.handPrior, 12)
  })

  it("the MAGS agent under the hand decider and under the reference policy's greedy decisions plays the same games", async () => {
    const o = { quick: true, seeds: [3] }
    const a = await figures("nonsense", "mags", { ...o, decide: handDecider })
    const b = await figures("nonsense", "mags", { ...o, decide: controllerDecider(Controller.learned(reference(tiny))) })
    expect(b.first.steps).toEqual(a.first.steps)
  })

  it("rollouts of one situation share their prefix; only the sampled steps' decisions are returned", () => {
    const ref = reference(tiny)
    const sit = Env.situationOf("nonsense", 11, true, Rng.of(1), 3, 10)
    const r1 = Env.rollout(sit, ref, true, (() => { const r = Rng.of(1); return () => r.float() })())
    const r2 = Env.rollout(sit, ref, true, (() => { const r = Rng.of(1); return () => r.float() })())
    expect(r2).toEqual(r1)
    expect(r1.decisions.length).toBe(3 * Controller.HEADS.length)
  })

  it("is deterministic from its seed", async () => {
    const a = await train(tiny, Env.gamesTask(tiny))
    const b = await train(tiny, Env.gamesTask(tiny))
    expect(b.policy.theta).toEqual(a.policy.theta)
    expect(b.heldout).toEqual(a.heldout)
    expect(b.curve).toEqual(a.curve)
    expect(a.curve.length).toBe(2)
    expect(Object.keys(a.heldout).sort()).toEqual(["hand", "learned", "none", "rag", "window"])
  }, 120_000)

  it("mcq: rollouts fork one ingested memory and are deterministic; the held-out table has every system", async () => {
    const settings = { ...settingsFor(5, true, "mcq"), iterations: 1, situations: 2, group: 2, evalEvery: 1, validationSeeds: 1, heldoutSeeds: 1 }
    const task = await Mcq.mcqTask(settings)
    const ref = reference(settings)
    const sit = task.situation(0, 1, 5000, Rng.of(2))
    const draws = () => { const r = Rng.of(9); return () => r.float() }
    const r1 = await task.rollout(sit, ref, draws())
    const r2 = await task.rollout(sit, ref, draws())
    expect(r2).toEqual(r1)
    expect(r1.decisions.length).toBeGreaterThan(0)
    expect(r1.decisions.every((d) => d.head === "recall" || d.head === "maintain")).toBe(true)
    const a = await train(settings, task)
    expect(Object.keys(a.heldout).sort()).toEqual(["base", "hand", "learned", "rag", "rag-bm25"])
    expect(Number.isFinite(a.heldout["learned"]!["accuracy"])).toBe(true)
    expect(typeof a.goal.met).toBe("boolean")
  }, 120_000)
})

const sharedData = path.join(import.meta.dirname, "..", "..", "..", "shared", "data", "locomo-dev.json")

describe("npm run train --suite locomo", () => {
  it.skipIf(!existsSync(sharedData))("trains the recall depth on LoCoMo questions and reports recall@10 on the held-out conversations (skipped without ../shared/data/locomo-dev.json)", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "mags-train-locomo-"))
    try {
      let stdout = ""
      const code = await main(["--suite", "locomo", "--seed", "3", "--quick", "--json", "--iterations", "2", "--out", out], {
        stdout: (t) => void (stdout += t), stderr: () => {}
      })
      expect(code).toBe(0)
      const lines = stdout.trim().split("\n").map((l) => JSON.parse(l))
      const last = lines[lines.length - 1]
      expect(last.heldout.hand["recall@10"]).toBeGreaterThan(0)
      expect(last.heldout.learned["recall@10"]).toBeGreaterThan(0)
      expect(lines.filter((l) => l.kind === "iteration").length).toBe(2)
      expect(lines.filter((l) => l.kind === "iteration").every((l) => Object.keys(l.deviation).every((h) => h === "recall"))).toBe(true)
      const file = Schema.decodeUnknownSync(Controller.PolicyFile)(JSON.parse(readFileSync(path.join(out, "policy.json"), "utf8")))
      expect(Controller.fromFile(file)._tag).toBe("Learned")
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
  }, 300_000)
})

describe("npm run train", () => {
  it("parses its command line", () => {
    expect(parseArgs(["--suite", "games", "--seed", "3", "--quick", "--json"])).toMatchObject({ suite: "games", seed: 3, quick: true, json: true })
    expect(parseArgs(["--iterations=4"]).iterations).toBe(4)
    expect(() => parseArgs(["--suite", "chess"])).toThrow(/unknown suite/)
    expect(parseArgs(["--suite", "locomo"]).suite).toBe("locomo")
    expect(() => parseArgs(["--seed", "x"])).toThrow(/not an integer/)
    expect(() => parseArgs(["--bogus"])).toThrow(/unknown argument/)
  })

  it("--quick --json: its last line is the held-out summary, and the policy file loads as a controller", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "mags-train-"))
    try {
      let stdout = ""
      const code = await main(["--suite", "games", "--seed", "2", "--quick", "--json", "--iterations", "1", "--out", out], {
        stdout: (t) => void (stdout += t), stderr: () => {}
      })
      expect(code).toBe(0)
      const lines = stdout.trim().split("\n").map((l) => JSON.parse(l))
      const last = lines[lines.length - 1]
      for (const a of ["hand", "learned", "none", "window", "rag"]) {
        expect(Number.isFinite(last.heldout[a].recovery_steps)).toBe(true)
        expect(Number.isFinite(last.heldout[a].score)).toBe(true)
      }
      expect(typeof last.goal.met).toBe("boolean")
      const file = Schema.decodeUnknownSync(Controller.PolicyFile)(JSON.parse(readFileSync(path.join(out, "policy.json"), "utf8")))
      expect(Controller.fromFile(file)._tag).toBe("Learned")
      expect(readFileSync(path.join(out, "report.md"), "utf8")).toContain("Held-out seeds")
      expect(readFileSync(path.join(out, "charts", "curve.svg"), "utf8").startsWith("<svg")).toBe(true)
    } finally {
      rmSync(out, { recursive: true, force: true })
    }
    expect(await main(["--suite", "chess"], { stdout: () => {}, stderr: () => {} })).toBe(2)
  }, 300_000)
})
