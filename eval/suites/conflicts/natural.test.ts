import { describe, expect, it } from "vitest"
import type { Triple } from "../../../shell/extract/Triple.ts"
import { checkGoals, GOALS } from "../../goals.ts"
import { metricEntries, score } from "./Evaluate.ts"
import { generateNatural, NL_KINDS, NL_PER_KIND, NL_T0, type NlCase, naturalLabelProblems } from "./Natural.ts"
import { blame, matchAbout, readCase, type Reading, runNatural } from "./NaturalRun.ts"
import { FAMILIES } from "./Cases.ts"
import { NL_QUICK_PER_KIND, QUICK_PER_FAMILY, runWith, systems } from "./suite.ts"

const DAY = 86_400_000

describe("natural-language case generator", () => {
  const cases = generateNatural(1)

  it("makes at least 150 cases, every kind, unique ids, consistent labels", () => {
    expect(cases.length).toBe(NL_KINDS.length * NL_PER_KIND)
    expect(cases.length).toBeGreaterThanOrEqual(150)
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length)
    for (const k of NL_KINDS) expect(cases.some((c) => c.kind === k), k).toBe(true)
    for (const c of cases) expect(naturalLabelProblems(c), c.id).toEqual([])
    expect(cases.filter((c) => c.label.conflict).length).toBeGreaterThan(100)
    expect(cases.filter((c) => !c.label.conflict).length).toBeGreaterThan(50)
  })

  it("the statements are sentences with many surface forms, not triples", () => {
    const texts = cases.flatMap((c) => c.steps.map((s) => s.text))
    for (const t of texts) expect(t, t).toMatch(/^[A-Z].*[.]$/)
    // surface forms: the sentence with every capitalised word (names, places) and number masked
    const forms = new Set(texts.map((t) => t.replace(/\b[A-Z][\w'-]*\b|\d[\d-]*|\S+@\S+/g, "_")))
    expect(forms.size).toBeGreaterThan(100)
    expect(texts.some((t) => /^(She|He) /.test(t))).toBe(true) // pronouns
    expect(cases.some((c) => c.steps.some((s) => s.speaker !== null && /^I /.test(s.text)))).toBe(true) // first person
  })

  it("is deterministic for a seed and changes with it", () => {
    expect(JSON.stringify(generateNatural(1, 2))).toBe(JSON.stringify(generateNatural(1, 2)))
    expect(JSON.stringify(generateNatural(2, 2))).not.toBe(JSON.stringify(generateNatural(1, 2)))
  })

  it("label checks catch inconsistent labels", () => {
    const c = cases.find((x) => x.label.conflict)!
    expect(naturalLabelProblems({ ...c, label: { ...c.label, winner: c.label.history[0]!.loser } })).toContain("the winner is also a loser")
    expect(naturalLabelProblems({ ...c, steps: c.steps.map((s) => ({ ...s, about: null })) }).length).toBeGreaterThan(0)
  })
})

// ── hand-made readings (no extractor): the judging alone ──────────────────────

/** A triple as an extractor returns it (fields the runner does not read are neutral). */
const t = (subject: string, relation: string, object: string, negated = false): Triple =>
  ({
    subject, relation, object, negated, validFrom: null, validUntil: null, confidence: 0.8,
    span: { start: 0, end: 1 }, change: false, resolved: []
  }) as unknown as Triple

const moveCase: NlCase = {
  id: "hand-move",
  family: "natural",
  kind: "move",
  singleValued: true,
  steps: [
    { at: NL_T0, text: "Kim lives in Paris.", speaker: null, about: { subject: "Kim", object: "Paris", negated: false } },
    { at: NL_T0 + DAY, text: "Kim moved to Lyon last year.", speaker: null, about: { subject: "Kim", object: "Lyon", negated: false } }
  ],
  label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1 }] }
}

const [mags] = systems(undefined)

describe("matchAbout", () => {
  it("matches the labelled entities in either direction, preferring the labelled polarity", () => {
    const facts = [
      { subject: "Kim", relation: "likes", object: "tea" },
      { subject: "the boat", relation: "owned by", object: "Ria", negated: true },
      { subject: "the boat", relation: "owned by", object: "Ria" }
    ]
    expect(matchAbout(facts, { subject: "Ria", object: "boat", negated: false })).toBe(2)
    expect(matchAbout(facts, { subject: "Ria", object: "boat", negated: true })).toBe(1)
    expect(matchAbout(facts, { subject: "Kim", object: "coffee", negated: false })).toBe(-1)
  })
})

describe("runNatural", () => {
  it("an update read as two facts of one slot: detected, newer wins, history kept", () => {
    const reading: Reading = [[t("Kim", "lives in", "Paris")], [t("Kim", "lives in", "Lyon")]]
    const o = runNatural(moveCase, reading, mags!)
    expect(o).toMatchObject({ expected: true, predicted: true, winnerOk: true, historyOk: true, correct: true })
    expect(blame(o)).toBeNull()
  })

  it("a sentence the extractor did not read fails, with the blame on the extractor and no history", () => {
    const o = runNatural(moveCase, [[t("Kim", "lives in", "Paris")], []], mags!)
    expect(o).toMatchObject({ predicted: false, historyOk: false, correct: false })
    expect(o.failure).toContain("not read as labelled")
    expect(blame(o)).toBe("extractor")
  })

  it("read into two relations the memory does not connect: a miss blamed on the memory", () => {
    const o = runNatural(moveCase, [[t("Kim", "lives in", "Paris")], [t("Kim", "collects", "Lyon")]], mags!)
    expect(o).toMatchObject({ predicted: false, correct: false, failure: "missed conflict" })
    expect(blame(o)).toBe("memory")
  })

  it("a look-alike read as a multi-valued relation is a correct non-conflict; a false supersession is not", () => {
    const c: NlCase = {
      ...moveCase, id: "hand-likes", kind: "multivalued", singleValued: false,
      steps: moveCase.steps.map((s) => ({ ...s, about: null })),
      label: { conflict: false, winner: null, history: [] }
    }
    expect(runNatural(c, [[t("Kim", "likes", "tea")], [t("Kim", "likes", "coffee")]], mags!)).toMatchObject({ predicted: false, correct: true })
    expect(runNatural(c, [[t("Kim", "lives in", "tea")], [t("Kim", "lives in", "coffee")]], mags!)).toMatchObject({
      predicted: true, correct: false, failure: "false conflict"
    })
  })

  it("runs the real extractor on generated cases (tiny set)", () => {
    for (const c of generateNatural(3, 1)) {
      const reading = readCase(c)
      expect(reading.length).toBe(c.steps.length)
      const o = runNatural(c, reading, mags!)
      expect(o.id).toBe(c.id)
      expect(o.intact).toBe(o.decisions)
    }
  })
})

describe("suite rows for the natural-language family", () => {
  const r = runWith({ data: undefined, sharedDir: undefined, quick: true, seed: 1, progress: () => {} }, undefined, "keys only")

  it("reports nl_ rows apart from the triple families, per kind, for every system", () => {
    for (const system of ["mags", "mags+relations"]) {
      const metrics = new Map(r.rows.filter((x) => x.system === system).map((x) => [x.metric, x.value]))
      expect(metrics.get("nl_cases")).toBe(NL_QUICK_PER_KIND * NL_KINDS.length)
      for (const m of ["nl_accuracy", "nl_precision", "nl_recall", "nl_history_preserved", "nl_failures_extractor", "nl_failures_memory"]) {
        expect(metrics.has(m), `${system} ${m}`).toBe(true)
      }
      for (const k of NL_KINDS) expect(metrics.has(`nl_accuracy/${k}`), `${system} ${k}`).toBe(true)
      // the triple families' overall rows do not count the natural-language cases
      expect(metrics.get("cases")).toBe(QUICK_PER_FAMILY * FAMILIES.length)
    }
    expect(r.notes.some((n) => n.startsWith("Natural-language family"))).toBe(true)
    expect(r.charts.some((c) => c.name === "conflicts-natural-by-kind")).toBe(true)
  })

  it("the rows are the scores of the outcomes, and the goal reads them", () => {
    const nl = generateNatural(1, NL_QUICK_PER_KIND)
    const outcomes = nl.map((c) => runNatural(c, readCase(c), mags!))
    const rows = new Map(r.rows.filter((x) => x.system === "mags").map((x) => [x.metric, x.value]))
    for (const [metric, value] of metricEntries(score(outcomes))) expect(rows.get(`nl_${metric}`), metric).toBeCloseTo(value)
    const goal = checkGoals(r.rows, new Map(), GOALS).find((g) => g.goal.id === "conflicts-nl-accuracy")!
    expect(goal.measured).toBe(rows.get("nl_accuracy"))
    expect(goal.status).toBe(rows.get("nl_accuracy")! >= 0.9 ? "met" : "missed")
    const history = checkGoals(r.rows, new Map(), GOALS).find((g) => g.goal.id === "conflicts-history")!
    expect(history.measured).toBe(rows.get("history_preserved"))
  })
})
