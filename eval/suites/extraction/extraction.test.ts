/**
 * The labelled set's shape, the scorer's laws, and the suite run end to end: with an oracle
 * reader (every figure 1), and with the real rule extractor on a few plain cases (which fails
 * when the extractor stops reading them).
 */
import { describe, expect, it } from "vitest"
import { type Case, FAMILIES, HOLDOUT_FILE, load, parse, sentenceCount, sentencesOf, SPLITS } from "./Cases.ts"
import { add, emptyTally, label, type Predicted, rates, scoreCase } from "./Score.ts"
import { makeSuite, rules, run, type System } from "./suite.ts"

const cases = load()
const byId = new Map(cases.map((c) => [c.id, c]))
const pick = (...ids: Array<string>): Array<Case> => ids.map((id) => byId.get(id)!)

const ms = (day: string): number => Date.parse(`${day}T00:00:00Z`)
const asPredicted = (c: Case): Array<Predicted> =>
  c.facts.map((f) => ({
    subject: f.subject,
    relation: f.relation,
    object: f.object,
    negated: f.negated === true,
    validFrom: f.validFrom === undefined ? null : ms(f.validFrom),
    validUntil: f.validUntil === undefined ? null : ms(f.validUntil)
  }))

/** A reader that answers each case's gold facts on its last turn (what a perfect extractor says). */
const oracle = (all: ReadonlyArray<Case>): System => {
  const byLastTurn = new Map(all.map((c) => [c.turns[c.turns.length - 1]!.text, c]))
  return { name: "oracle", reader: () => ({ read: (text) => { const c = byLastTurn.get(text); return c === undefined ? [] : asPredicted(c) } }) }
}
const silent: System = { name: "silent", reader: () => ({ read: () => [] }) }

describe("the labelled set", () => {
  const main = cases.filter((c) => c.split !== "holdout")
  const holdout = cases.filter((c) => c.split === "holdout")
  it("has at least 280 sentences, every family in dev and test, unique ids", () => {
    expect(sentencesOf(main)).toBeGreaterThanOrEqual(280)
    for (const family of FAMILIES) {
      for (const split of ["dev", "test"]) expect(main.filter((c) => c.family === family && c.split === split).length).toBeGreaterThanOrEqual(8)
    }
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length)
    expect(SPLITS).toContain("holdout")
  })
  it("the split is fixed by position: cases 1–3 of every 5 of a family are dev", () => {
    for (const family of FAMILIES) {
      main.filter((c) => c.family === family).forEach((c, i) => expect(c.split).toBe(i % 5 < 3 ? "dev" : "test"))
    }
  })
  it("the holdout file covers every family, all of it split holdout", () => {
    for (const family of FAMILIES) expect(holdout.some((c) => c.family === family)).toBe(true)
    expect(load(HOLDOUT_FILE).every((c) => c.split === "holdout")).toBe(true)
  })
  it("negatives are factless but for the one true possessive inside a hypothetical", () => {
    expect(main.filter((c) => c.family === "negatives").flatMap((c) => c.facts)).toHaveLength(1)
    expect(holdout.filter((c) => c.family === "negatives").flatMap((c) => c.facts)).toHaveLength(0)
  })
  it("parse rejects a bad line, naming it", () => {
    expect(() => parse('{"id":"x","family":"nope","split":"dev","turns":[],"facts":[]}')).toThrow(/line 1/)
    expect(() => parse(JSON.stringify(cases[0]) + "\n" + JSON.stringify(cases[0]))).toThrow(/duplicate id/)
  })
  it("sentenceCount keeps titles and initials whole and splits at real ends", () => {
    expect(sentenceCount("Mr. J. R. Smith is our new accountant.")).toBe(1)
    expect(sentenceCount("Dr. Lee works at St. Mary's Hospital. He is kind.")).toBe(2)
    expect(sentenceCount("The meeting is at 3 p.m. Rina will chair it.")).toBe(2)
  })
})

describe("Score", () => {
  const c = byId.get("pa-03")! // Ola's husband, Marek, is a firefighter.
  it("the gold facts themselves score 1 with every date right", () => {
    for (const k of cases) {
      const t = scoreCase(k, asPredicted(k)).tally
      expect(t.fn + t.fp).toBe(0)
      expect(t.datesRight).toBe(t.dated)
    }
  })
  it("nothing predicted: recall 0 where there are facts, precision 1", () => {
    const t = scoreCase(c, []).tally
    expect(t).toMatchObject({ tp: 0, fp: 0, fn: 2 })
    expect(rates(t)).toMatchObject({ precision: 1, recall: 0, f1: 0 })
  })
  it("a possessive noun, an inverse and a symmetric pair name the same fact", () => {
    const p = (subject: string, relation: string, object: string): Predicted => ({ subject, relation, object, negated: false, validFrom: null })
    const t = scoreCase(c, [p("Ola", "husband", "Marek"), p("Marek", "is a", "firefighter")]).tally
    expect(t).toMatchObject({ tp: 2, fp: 0, fn: 0 })
    expect(scoreCase(c, [p("Ola", "is married to", "Marek")]).tally.tp).toBe(1)
  })
  it("titles drop on both sides; a bare first name does not match a full name", () => {
    expect(label("Dr. Anna Zielinska")).toBe(label("Anna Zielinska"))
    expect(label("Professor Ito")).toBe(label("Ito"))
    expect(label("Anna")).not.toBe(label("Anna Zielinska"))
    expect(label(label("Mrs. Dlamini"))).toBe(label("Mrs. Dlamini"))
  })
  it("negation must agree, from the flag or from the phrase", () => {
    const k = byId.get("up-05")! // Marek no longer works at the fire station.
    const base = { subject: "Marek", object: "fire station", validFrom: null }
    expect(scoreCase(k, [{ ...base, relation: "works at", negated: false }]).tally).toMatchObject({ tp: 0, fp: 1, fn: 1 })
    expect(scoreCase(k, [{ ...base, relation: "works at", negated: true }]).tally.tp).toBe(1)
    expect(scoreCase(k, [{ ...base, relation: "no longer works at", negated: false }]).tally.tp).toBe(1)
  })
  it("a fact told twice counts once; a wrong day is a date error on a matched fact", () => {
    const k = byId.get("da-01")! // On 3 March 2023 I moved to Lyon. (Kim)
    const f: Predicted = { subject: "Kim", relation: "moved to", object: "Lyon", negated: false, validFrom: ms("2023-03-04") }
    const s = scoreCase(k, [f, f])
    expect(s.tally).toMatchObject({ tp: 1, fp: 0, fn: 0, dated: 1, datesRight: 0 })
    expect(s.wrongDates).toHaveLength(1)
    expect(scoreCase(k, [{ ...f, validFrom: Date.parse("2023-03-03T17:30:00Z") }]).tally.datesRight).toBe(1)
  })
  it("tallies add (identity, commutative)", () => {
    const a = scoreCase(c, []).tally
    const b = scoreCase(byId.get("ng-01")!, []).tally
    expect(add(a, emptyTally)).toEqual(a)
    expect(add(a, b)).toEqual(add(b, a))
    expect(rates(b)).toMatchObject({ f1: 1, cleanRate: 1 })
  })
})

describe("the extraction suite", () => {
  it("an oracle reader scores 1 everywhere; a silent one scores recall 0 and keeps every factless case clean", async () => {
    const few = pick("fp-01", "pa-01", "da-06", "up-09", "ng-01", "ng-05", "co-04", "pr-03")
    const suite = makeSuite({ systems: () => [oracle(few), silent], cases: () => few })
    const result = await suite.run({ data: undefined, sharedDir: undefined, quick: true, seed: 1, progress: () => {} })
    const get = (system: string, metric: string) => result.rows.find((r) => r.system === system && r.metric === metric)?.value
    expect(get("oracle", "f1/test")).toBe(1)
    expect(get("oracle", "f1/dev/dates")).toBe(1)
    expect(get("oracle", "date_accuracy/all")).toBe(1)
    expect(get("silent", "recall/all")).toBe(0)
    expect(get("silent", "clean_rate/all")).toBe(1)
    expect(get("silent", "cases/all")).toBe(few.length)
    for (const r of result.rows) expect(r.suite).toBe("extraction")
  })
  it("the rule extractor reads plain sentences, with the case's and each turn's speaker, and stays silent on questions and modals", () => {
    const turns: Case = {
      id: "turn-speakers",
      family: "first-person",
      split: "dev",
      time: "2024-05-10",
      turns: [{ text: "I live in Osaka.", speaker: "Yuki" }, { text: "I live in Lima.", speaker: "Carlos" }],
      facts: [{ subject: "Yuki", relation: "lives in", object: "Osaka" }, { subject: "Carlos", relation: "lives in", object: "Lima" }]
    }
    const plain = [...pick("fp-01", "pa-01", "co-03"), turns]
    const quiet = pick("ng-01", "ng-02", "ng-04", "ng-09")
    const r = run(rules(), [...plain, ...quiet])
    for (const s of r.scores) {
      expect({ id: s.id, missed: s.missed, spurious: s.spurious }).toEqual({ id: s.id, missed: [], spurious: [] })
    }
    expect(r.sentences).toBe(9)
  })
})
