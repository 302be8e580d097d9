import { describe, expect, it } from "vitest"
import { summarise, type Outcome } from "./Metrics.ts"
import { parseAnswer, prompt } from "./Model.ts"
import { Cursor } from "./Prng.ts"
import { choose, scoreOptions } from "./Scoring.ts"
import { makeSuite } from "./suite.ts"
import { quickRunChecked } from "./SuiteCheck.ts"
import * as Systems from "./Systems.ts"
import { generate, quickConfig } from "./World.ts"

describe("World.generate", () => {
  it("generate(seed) == generate(seed), and another seed gives another world", () => {
    expect(generate(7, quickConfig)).toEqual(generate(7, quickConfig))
    expect(generate(8, quickConfig).statements).not.toEqual(generate(7, quickConfig).statements)
  })

  it("questions: one per told slot, 4 distinct options, answer = last stated value, outdated among options", () => {
    const w = generate(3, quickConfig)
    expect(w.questions).toHaveLength(quickConfig.questions)
    expect(w.questions.filter((q) => q.corrected)).toHaveLength(quickConfig.corrections)
    const last = new Map<string, string>()
    const firstIndex = new Map<string, number>()
    for (const s of w.statements) {
      if (s.fact === null) continue
      const k = `${s.fact.entity}|${s.fact.relation}`
      if (s.kind === "fact") firstIndex.set(k, s.index)
      else expect(s.index).toBeGreaterThan(firstIndex.get(k)!) // a correction comes after its fact
      last.set(k, s.fact.value)
    }
    const slots = new Set<string>()
    for (const q of w.questions) {
      const k = `${q.entity}|${q.relation}`
      slots.add(k)
      expect(new Set(q.options).size).toBe(4)
      expect(q.options[q.answer]).toBe(last.get(k))
      if (q.corrected) {
        expect(q.outdated).not.toBe(last.get(k))
        expect(q.options).toContain(q.outdated)
      }
    }
    expect(slots.size).toBe(w.questions.length)
    for (let i = 1; i < w.statements.length; i++) expect(w.statements[i]!.time).toBeGreaterThan(w.statements[i - 1]!.time)
  })
})

describe("Scoring rule", () => {
  const opts = ["Vark", "Tesh", "Mopo", "Zil"]
  it("the later of two equally strong statements wins (a correction)", () => {
    const units = [{ text: "Quenby's zorple is Vark.", time: 1 }, { text: "Quenby's zorple is now Tesh.", time: 2 }]
    const c = choose(scoreOptions("Quenby", "zorple", opts, units), new Cursor(1))
    expect(c).toMatchObject({ index: 1, guessed: false })
  })
  it("stronger evidence beats recency: (entity, relation, option) over (relation, option)", () => {
    const units = [{ text: "Quenby's zorple is Vark.", time: 1 }, { text: "Dorvo's zorple is Mopo.", time: 5 }]
    const s = scoreOptions("Quenby", "zorple", opts, units)
    expect(s.map((x) => x.level)).toEqual([3, 0, 2, 0])
    expect(choose(s, new Cursor(1))).toMatchObject({ index: 0, guessed: false })
  })
  it("no evidence, or a tie at the top, is a seeded guess", () => {
    const none = scoreOptions("Quenby", "zorple", opts, [{ text: "The market was busy.", time: 1 }])
    expect(none.every((x) => x.level === 0)).toBe(true)
    const g1 = choose(none, new Cursor(9))
    expect(g1.guessed).toBe(true)
    expect(choose(none, new Cursor(9)).index).toBe(g1.index)
    const tie = scoreOptions("Quenby", "zorple", opts, [{ text: "Quenby's zorple is Vark or Tesh.", time: 1 }])
    const c = choose(tie, new Cursor(2))
    expect(c.guessed).toBe(true)
    expect([0, 1]).toContain(c.index)
  })
  it("matches whole tokens, not substrings", () => {
    const s = scoreOptions("Quenby", "zorple", ["Var", "Vark"], [{ text: "Quenby's zorple is Vark.", time: 1 }])
    expect(s.map((x) => x.level)).toEqual([0, 3])
  })
})

describe("Metrics.summarise", () => {
  const o = (corrected: boolean, correct: boolean, extra: Partial<Outcome> = {}): Outcome =>
    ({ question: "q", corrected, correct, guessed: false, outdated: false, tokens: 10, ...extra })
  it("accuracy overall and per subset, guess and outdated rates, tokens", () => {
    const s = summarise([
      o(true, true), o(true, false, { outdated: true }), o(false, true), o(false, false, { guessed: true, tokens: 30 })
    ])
    expect(s).toMatchObject({
      questions: 4, accuracy: 0.5, accuracyCorrected: 0.5, accuracyUncorrected: 0.5, guessRate: 0.25, outdatedRate: 0.5,
      meanTokens: 15, maxTokens: 30
    })
    expect(summarise([o(false, true)]).accuracyCorrected).toBeNaN()
  })
})

describe("Systems", () => {
  it("base keeps the most recent statements within the budget", () => {
    const b = Systems.base({ budgetTokens: 10, k: 20 })
    const w = generate(1, quickConfig)
    for (const s of w.statements) b.ingest(s)
    const ctx = b.context(w.questions[0]!, 0)
    expect(ctx.tokens).toBeLessThanOrEqual(10)
    expect(ctx.units.at(0)?.time ?? w.statements.at(-1)!.time).toBe(w.statements.at(-1)!.time)
  })
})

describe("Model answers", () => {
  it("parseAnswer reads a letter or a unique option text", () => {
    expect(parseAnswer("B", ["x", "y", "z", "w"])).toBe(1)
    expect(parseAnswer("The answer is Tesh.", ["Vark", "Tesh", "Mopo", "Zil"])).toBe(1)
    expect(parseAnswer("no idea", ["Vark", "Tesh", "Mopo", "Zil"])).toBeNull()
    const w = generate(1, quickConfig)
    expect(prompt(w.questions[0]!, [])).toContain(w.questions[0]!.text)
  })
})

describe("suite (quick, hash embedder)", () => {
  it("returns accuracy rows for base, rag, rag-bm25, mags and mags-no-episodes, charts with inline data, and notes", async () => {
    const r = await quickRunChecked(makeSuite, "mcq", ["base", "rag", "rag-bm25", "mags", "mags-no-episodes"])
    expect(r.rows.find((x) => x.system === "mags" && x.metric === "nodes")!.value).toBeGreaterThan(0)
    for (const c of r.charts) expect(Array.isArray((c.spec["data"] as { values: unknown }).values)).toBe(true)
  })
})
