import { describe, expect, it } from "vitest"
import { Cursor } from "../mcq/Prng.ts"
import { choose } from "../mcq/Scoring.ts"
import { quickRunChecked } from "../mcq/SuiteCheck.ts"
import { bridges, scoreOptions } from "./Scoring.ts"
import { makeSuite } from "./suite.ts"
import { generate, type Question, quickConfig } from "./World.ts"

const names = ["Quenby", "Mopa", "Tavo"]
const q = (over: Partial<Question>): Question => ({
  id: "q", kind: "update", text: "", entity: "Quenby", hop: [], subject: "Quenby", relation: "lives",
  cues: ["lives", "moved"], options: ["Varkton", "Teshby", "Olvey", "Pembish"], answer: 1, previous: ["Varkton"], trap: null, ...over
})

describe("World.generate", () => {
  it("generate(seed) == generate(seed), and another seed gives another world", () => {
    expect(generate(5, quickConfig)).toEqual(generate(5, quickConfig))
    expect(generate(6, quickConfig).statements).not.toEqual(generate(5, quickConfig).statements)
  })

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every answer is derivable from the statements (update = the latest told value; two-hop = a told link, then the holder's latest value)`, () => {
      const w = generate(seed, quickConfig)
      const told = new Map<string, Array<{ value: string; index: number }>>()
      const links = new Map<string, { holder: string; index: number }>()
      for (const s of w.statements) {
        if (s.fact !== null) {
          const k = `${s.fact.person}|${s.fact.relation}`
          told.set(k, [...(told.get(k) ?? []), { value: s.fact.value, index: s.index }])
          if (s.kind === "update") expect(told.get(k)!.length).toBeGreaterThan(1) // an update comes after a first value
        }
        if (s.link !== null) links.set(`${s.link.person}|${s.link.hop}`, { holder: s.link.holder, index: s.index })
      }
      expect(w.questions.filter((x) => x.kind === "update")).toHaveLength(quickConfig.updates)
      expect(w.questions.filter((x) => x.kind === "two-hop")).toHaveLength(2 * quickConfig.links)
      for (const x of w.questions) {
        expect(new Set(x.options).size).toBe(4)
        const history = told.get(`${x.subject}|${x.relation}`)!
        expect(x.options[x.answer]).toBe(history.at(-1)!.value) // the latest told
        expect(x.previous).toEqual(history.slice(0, -1).map((h) => h.value))
        expect(x.previous).not.toContain(x.options[x.answer])
        if (x.kind === "update") {
          expect(x.subject).toBe(x.entity)
          expect(x.previous.length).toBeGreaterThan(0)
          expect(x.options).toContain(x.previous.at(-1))
          expect(x.text).toContain(x.entity)
        } else {
          const link = links.get(`${x.entity}|${x.hop[0]}`)! // the chain's first hop is told …
          expect(link.holder).toBe(x.subject)
          expect(x.text).toContain(`${x.entity}'s ${x.hop[0]}`)
          expect(x.text).not.toContain(x.subject) // … and the answer needs it
          if (x.trap !== null) expect(x.options).toContain(x.trap)
        }
      }
      for (let i = 1; i < w.statements.length; i++) expect(w.statements[i]!.time).toBeGreaterThan(w.statements[i - 1]!.time)
    })
  }

  it("varies the phrasing: several templates per kind, pronoun turns, first and third person", () => {
    const w = generate(1)
    const updates = w.statements.filter((s) => s.kind === "update")
    expect(updates.some((s) => !s.named && /^(He|She)\b/.test(s.text))).toBe(true)
    expect(new Set(updates.map((s) => s.text.replace(/[A-Z][a-z]+/g, "X"))).size).toBeGreaterThan(8)
    expect(w.statements.some((s) => /^My (friend|neighbour)\b/.test(s.text))).toBe(true)
    expect(new Set(w.statements.filter((s) => s.kind === "link").map((s) => s.text.replace(/[A-Z][a-z]+/g, "X").replace(/\b(sister|brother|wife|husband|boss|best friend|roommate|his|her)\b/g, "H"))).size).toBeGreaterThan(3)
  })
})

describe("Scoring (the lexical reader)", () => {
  it("an update told by name: the later statement wins", () => {
    const units = [{ text: "Quenby lives in Varkton.", time: 1 }, { text: "Quenby moved to Teshby.", time: 2 }]
    expect(choose(scoreOptions(q({}), units, names), new Cursor(1))).toMatchObject({ index: 1, guessed: false })
  })
  it("an update told with a pronoun has no name: the old statement wins (the lexical failure the suite measures)", () => {
    const units = [{ text: "Quenby lives in Varkton.", time: 1 }, { text: "She moved to Teshby.", time: 3 }]
    expect(choose(scoreOptions(q({}), units, names), new Cursor(1))).toMatchObject({ index: 0, guessed: false })
  })
  it("a negated option is not evidence ('not Y', 'quit Y', 'left Y')", () => {
    const units = [{ text: "Quenby lives in Varkton.", time: 1 }, { text: "Correction: Quenby lives in Teshby, not Varkton.", time: 2 }]
    expect(scoreOptions(q({}), units, names).map((s) => s.time)).toEqual([1, 2, -Infinity, -Infinity])
    expect(choose(scoreOptions(q({}), units, names), new Cursor(1)).index).toBe(1)
  })
  it("two hops: the bridge shares a unit with the entity and the link word; the entity's own value is not evidence", () => {
    const hop = q({ kind: "two-hop", hop: ["sister"], subject: "Mopa", trap: "Varkton" })
    const units = [
      { text: "Quenby lives in Varkton.", time: 5 },
      { text: "Mopa is Quenby's sister.", time: 1 },
      { text: "Mopa lives in Teshby.", time: 2 }
    ]
    expect(bridges(hop, units, names)).toEqual([["mopa"]])
    expect(scoreOptions(hop, units, names).map((s) => s.level)).toEqual([2, 3, 0, 0])
    expect(choose(scoreOptions(hop, units, names), new Cursor(1)).index).toBe(1)
    // without the bridge's statement the reader falls into the trap
    expect(choose(scoreOptions(hop, units.slice(0, 2), names), new Cursor(1)).index).toBe(0)
  })
})

describe("suite (quick, hash embedder)", () => {
  it("gives the rows the goals need (accuracy of mags, rag-bm25, mags-no-episodes …), deterministic for a seed", async () => {
    const r = await quickRunChecked(makeSuite, "mcq-hard", ["base", "rag", "rag-bm25", "mags", "mags-no-episodes"])
    expect(r.rows.find((x) => x.system === "mags" && x.metric === "extraction_coverage")!.value).toBeGreaterThan(0.5)
  })
})
