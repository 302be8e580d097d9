import { describe, expect, it } from "vitest"
import { Key, Params } from "../../../core/index.ts"
import * as Relation from "../../../core/Relation.ts"
import { type Case, FAMILIES, generate, KINDS, labelProblems, PER_FAMILY, T0 } from "./Cases.ts"
import { metricEntries, type Outcome, runCase, score } from "./Evaluate.ts"
import * as Prng from "./Prng.ts"
import { missingSingleValued, QUICK_PER_FAMILY, runWith, suite, systems } from "./suite.ts"

const DAY = 86_400_000

describe("Prng", () => {
  it("is deterministic per seed and uniform-ish in [0, 1)", () => {
    const a = Prng.make(7)
    const b = Prng.make(7)
    const xs = Array.from({ length: 1000 }, () => a.next())
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.next()))
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05)
    expect(Prng.make(8).next()).not.toBe(Prng.make(7).next())
  })
})

describe("case generator", () => {
  const cases = generate(1)

  it("makes at least 300 cases with unique ids, every family and kind present", () => {
    expect(cases.length).toBe(FAMILIES.length * PER_FAMILY)
    expect(cases.length).toBeGreaterThanOrEqual(300)
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length)
    for (const f of FAMILIES) {
      for (const k of KINDS[f]) expect(cases.some((c) => c.family === f && c.kind === k), `${f}/${k}`).toBe(true)
    }
  })

  it("labels are consistent", () => {
    for (const c of cases) expect(labelProblems(c), c.id).toEqual([])
    // conflict families are conflicts (except the negation look-alike), look-alike families never are
    for (const c of cases) {
      if (c.family === "multivalued" || c.family === "disjoint_time" || c.family === "similar_names") {
        expect(c.label.conflict, c.id).toBe(false)
      } else if (c.kind !== "neg_other_object") expect(c.label.conflict, c.id).toBe(true)
    }
    expect(cases.filter((c) => c.label.conflict).length).toBeGreaterThan(100)
    expect(cases.filter((c) => !c.label.conflict).length).toBeGreaterThan(100)
  })

  it("look-alikes are really different: distinct keys, different objects, disjoint intervals", () => {
    for (const c of cases.filter((x) => x.family === "similar_names")) {
      const [a, b] = c.label.distinct!
      expect(Key.node(a), c.id).not.toBe(Key.node(b))
    }
    for (const c of cases.filter((x) => x.family === "multivalued")) {
      const objs = c.steps.map((s) => Key.node(s.fact.object))
      expect(new Set(objs).size, c.id).toBe(objs.length)
    }
    for (const c of cases.filter((x) => x.family === "disjoint_time")) {
      const iv = c.steps.map((s) => [s.fact.validFrom!, s.fact.validUntil ?? Infinity] as const).sort((x, y) => x[0] - y[0])
      expect(iv[0]![1], c.id).toBeLessThanOrEqual(iv[1]![0])
    }
  })

  it("draws single-valued relations both in and out of the core's default list", () => {
    const listed = Relation.singleValuedSet(Params.defaultSingleValued)
    const sv = cases.filter((c) => c.singleValued).map((c) => Relation.canon(c.relation))
    expect(sv.some((r) => listed.has(r))).toBe(true)
    // the pool's relations the lexicon does not list are exactly what the extended list adds
    expect(new Set(missingSingleValued())).toEqual(new Set(sv.filter((r) => !listed.has(r))))
    for (const k of missingSingleValued()) expect(listed.has(k)).toBe(false)
  })

  it("is deterministic for a seed and changes with it", () => {
    expect(JSON.stringify(generate(1, 5))).toBe(JSON.stringify(generate(1, 5)))
    expect(JSON.stringify(generate(2, 5))).not.toBe(JSON.stringify(generate(1, 5)))
  })
})

// ── hand-made cases and outcomes ──────────────────────────────────────────────

const step = (i: number, subject: string, relation: string, object: string, extra: Record<string, unknown> = {}) => ({
  at: T0 + i * DAY,
  text: `${subject} ${relation} ${object}`,
  fact: { subject, relation, object, confidence: 0.8, source: `s${i}`, ...extra }
})

const handCase = (over: Partial<Case> & Pick<Case, "steps" | "label">): Case => ({
  id: "hand",
  family: "update",
  kind: "simple",
  relation: over.steps[0]!.fact.relation,
  singleValued: true,
  ...over
})

const [mags, magsRelations] = systems(undefined)

describe("runCase", () => {
  it("an update of a listed relation: detected, newer wins, the old fact kept as history", () => {
    const c = handCase({
      steps: [step(0, "Alice", "lives in", "Paris"), step(1, "Alice", "lives in", "London")],
      label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1, validUntil: T0 + DAY }] }
    })
    const o = runCase(c, mags!)
    expect(o).toMatchObject({ expected: true, predicted: true, winnerOk: true, historyOk: true, intervalOk: true, correct: true })
    expect(o.intact).toBe(1)
  })

  it("an unlisted single-valued relation is missed by defaults and caught with the extended list", () => {
    const c = handCase({
      steps: [step(0, "Alice", "drives for", "Red Falcons"), step(1, "Alice", "drives for", "Blue Herons")],
      label: { conflict: true, winner: 1, history: [{ loser: 0, by: 1 }] }
    })
    expect(runCase(c, mags!)).toMatchObject({ predicted: false, correct: false, failure: "missed conflict", historyOk: false })
    const extended = { ...magsRelations!, params: Params.unsafeMake({ singleValued: [...Params.defaultSingleValued, "drives for"] }) }
    expect(runCase(c, extended)).toMatchObject({ predicted: true, correct: true })
  })

  it("a wrong label is caught: expecting the older fact to win fails", () => {
    const c = handCase({
      steps: [step(0, "Alice", "lives in", "Paris"), step(1, "Alice", "lives in", "London")],
      label: { conflict: true, winner: 0, history: [{ loser: 1, by: 0 }] }
    })
    expect(runCase(c, mags!)).toMatchObject({ predicted: true, winnerOk: false, correct: false })
  })

  it("history_preserved is strict: a loser pointing at another statement than the labelled winner fails", () => {
    const steps = [step(0, "Alice", "lives in", "Paris"), step(1, "Alice", "lives in", "London"), step(2, "Alice", "lives in", "Rome")]
    const right = handCase({ steps, label: { conflict: true, winner: 2, history: [{ loser: 0, by: 1 }, { loser: 1, by: 2 }] } })
    expect(runCase(right, mags!)).toMatchObject({ historyOk: true, correct: true })
    // Paris was ended by London, not by Rome: a label saying otherwise is not met
    const wrong = handCase({ steps, label: { conflict: true, winner: 2, history: [{ loser: 0, by: 2 }, { loser: 1, by: 2 }] } })
    expect(runCase(wrong, mags!)).toMatchObject({ predicted: true, winnerOk: true, historyOk: false, correct: false })
  })

  it("a multi-valued relation: no supersession, correct non-conflict", () => {
    const c = handCase({
      family: "multivalued",
      singleValued: false,
      steps: [step(0, "Bob", "likes", "jazz"), step(1, "Bob", "likes", "chess")],
      label: { conflict: false, winner: null, history: [] }
    })
    expect(runCase(c, mags!)).toMatchObject({ expected: false, predicted: false, correct: true, winnerOk: null })
  })

  it("the generated cases all run (tiny set)", () => {
    for (const c of generate(3, 2)) {
      const o = runCase(c, mags!)
      expect(o.id).toBe(c.id)
      expect(o.intact).toBe(o.decisions) // the core never loses a loser
    }
  })
})

const outcome = (o: Partial<Outcome> & Pick<Outcome, "expected" | "predicted">): Outcome => ({
  id: "x", family: "update", kind: "k", relation: "lives_in", singleValued: true, listed: true,
  winnerOk: o.expected ? true : null, historyOk: o.expected ? o.predicted : null, intervalOk: null, distinctOk: null,
  extra: 0, decisions: o.predicted ? 1 : 0, intact: o.predicted ? 1 : 0, correct: o.expected === o.predicted,
  failure: null, trace: "", ...o
})

describe("score", () => {
  it("computes detection, winner and history metrics on hand-made outcomes", () => {
    const os: Array<Outcome> = [
      outcome({ expected: true, predicted: true }), // TP, right winner
      outcome({ expected: true, predicted: true, winnerOk: false, historyOk: false, correct: false }), // TP, wrong winner
      outcome({ expected: true, predicted: false, winnerOk: false, historyOk: false }), // FN
      outcome({ expected: false, predicted: true, decisions: 2, intact: 1 }), // FP
      outcome({ expected: false, predicted: false }), // TN
      outcome({ expected: false, predicted: false, intervalOk: true }) // TN
    ]
    const s = score(os)
    expect(s).toMatchObject({ n: 6, tp: 2, fp: 1, fn: 1, tn: 2 })
    expect(s.accuracy).toBeCloseTo(4 / 6)
    expect(s.precision).toBeCloseTo(2 / 3)
    expect(s.recall).toBeCloseTo(2 / 3)
    expect(s.winnerAccuracy).toBeCloseTo(1 / 2)
    // strict: over all labelled conflicts (the miss and the wrong winner count as not kept)
    expect(s.historyPreserved).toBeCloseTo(1 / 3)
    expect(s.historyPreservedDetected).toBeCloseTo(1 / 2)
    expect(s.historyIntact).toBeCloseTo(3 / 4)
    expect(s.intervalExact).toBe(1)
    expect(s.strictAccuracy).toBeCloseTo(3 / 6)
  })

  it("leaves undefined ratios out of the rows", () => {
    const s = score([outcome({ expected: false, predicted: false })])
    expect(s.precision).toBeUndefined()
    expect(s.recall).toBeUndefined()
    const names = metricEntries(s).map(([m]) => m)
    expect(names).toContain("accuracy")
    expect(names).not.toContain("precision")
    expect(score([]).accuracy).toBeUndefined()
  })
})

describe("suite", () => {
  const options = { data: undefined, sharedDir: undefined, quick: true, seed: 1, progress: () => {} }

  const checkShape = (r: Awaited<ReturnType<typeof suite.run>>, systemNames: ReadonlyArray<string>) => {
    expect(r.skipped).toBeUndefined()
    for (const row of r.rows) {
      expect(row.suite).toBe("conflicts")
      expect(Number.isFinite(row.value)).toBe(true)
    }
    for (const system of systemNames) {
      const metrics = new Set(r.rows.filter((x) => x.system === system).map((x) => x.metric))
      for (const m of ["accuracy", "precision", "recall", "winner_accuracy", "history_preserved", "accuracy/negation"]) {
        expect(metrics.has(m), `${system} ${m}`).toBe(true)
      }
      for (const f of FAMILIES) expect(metrics.has(`accuracy/${f}`), `${system} ${f}`).toBe(true)
      expect(r.rows.find((x) => x.system === system && x.metric === "cases")!.value).toBe(QUICK_PER_FAMILY * FAMILIES.length)
    }
    expect(r.charts.length).toBeGreaterThan(0)
    const values = (r.charts[0]!.spec["data"] as { values: Array<unknown> }).values
    expect(values.length).toBe(systemNames.length * FAMILIES.length)
    expect(r.notes.length).toBeGreaterThan(2)
  }

  it("runs in quick mode without embeddings: rows, charts, notes", () => {
    const r = runWith(options, undefined, "keys only")
    checkShape(r, ["mags", "mags+relations"])
    // deterministic
    expect(runWith(options, undefined, "keys only").rows).toEqual(r.rows)
  })

  it("suite.run (quick, GloVe embeddings when the cache can be built)", async () => {
    const r = await suite.run(options)
    expect(suite.name).toBe("conflicts")
    const names = [...new Set(r.rows.map((x) => x.system))]
    checkShape(r, names)
    expect(names).toContain("mags")
  })
})
