/**
 * Tests of the LLM-free rule extractor: a table of sentences with their exact triples (and the
 * ones it must refuse), the relation forms, the speaker option, spans, determinism, totality,
 * and a throughput measurement (logged, not asserted).
 */
import { describe, expect, it } from "vitest"
import fc from "fast-check"
import { Schema } from "effect"
import * as RuleExtractor from "./RuleExtractor.ts"
import { Triple } from "./Triple.ts"

type Expected = Omit<Triple, "span">

const t = (
  subject: string,
  relation: string,
  object: string,
  extra: Partial<Pick<Triple, "negated" | "validFrom" | "confidence">> = {}
): Expected => ({ subject, relation, object, negated: false, validFrom: null, confidence: 0.8, ...extra })

const y = (year: number, month = 1, day = 1): number => Date.UTC(year, month - 1, day)

/** One sentence per row: its span is the whole sentence. */
const table: ReadonlyArray<readonly [string, ReadonlyArray<Expected>]> = [
  ["Alice moved to Paris in 2021.", [t("Alice", "move_to", "Paris", { validFrom: y(2021) })]],
  ["Bob works at Acme.", [t("Bob", "work_at", "Acme")]],
  ["Carol is a doctor.", [t("Carol", "is_a", "doctor")]],
  ["Dave does not like cats.", [t("Dave", "like", "cats", { negated: true })]],
  ["The red key opens the blue door.", [t("red key", "open", "blue door")]],
  ["Alice and Bob live in Berlin.", [t("Alice", "live_in", "Berlin"), t("Bob", "live_in", "Berlin")]],
  ["New York City is a big city.", [t("New York City", "is_a", "big city")]],
  ["Alice's favourite colour is green.", [t("Alice", "favourite_colour", "green")]],
  ["Tom’s dog is Rex.", [t("Tom", "dog", "Rex")]],
  ["Alice's father is a doctor.", [t("Alice's father", "is_a", "doctor")]],
  ["The sky is blue.", [t("sky", "is", "blue")]],
  ["Alice is very tall.", [t("Alice", "is", "tall")]],
  ["Carol was not a doctor.", [t("Carol", "is_a", "doctor", { negated: true })]],
  ["Dave isn't a doctor and a writer.", [
    t("Dave", "is_a", "doctor", { negated: true }),
    t("Dave", "is_a", "writer", { negated: true })
  ]],
  ["Alice is from France.", [t("Alice", "is_from", "France")]],
  ["Alice never eats meat.", [t("Alice", "eat", "meat", { negated: true })]],
  ["Alice no longer lives in Paris.", [t("Alice", "live_in", "Paris", { negated: true })]],
  ["In 2021, Alice moved to Paris.", [t("Alice", "move_to", "Paris", { validFrom: y(2021) })]],
  ["Alice was born in Paris on 3 March 1990.", [t("Alice", "born_in", "Paris", { validFrom: y(1990, 3, 3) })]],
  ["The door was opened by Alice.", [t("Alice", "open", "door")]],
  ["Alice wants to learn French.", [t("Alice", "want_to_learn", "French")]],
  ["Alice lives in Paris and works at Acme Corp since March 2020.", [
    t("Alice", "live_in", "Paris", { confidence: 0.6 }), // "lives" mistagged as a noun, repaired
    t("Alice", "work_at", "Acme Corp", { validFrom: y(2020, 3) })
  ]],
  ["Alice, who lives in Paris, works at Acme.", [
    t("Alice", "work_at", "Acme"),
    t("Alice", "live_in", "Paris", { confidence: 0.6 })
  ]],
  ["Alice visited Paris, Rome and Berlin in 2019.", [
    t("Alice", "visit", "Paris", { validFrom: y(2019) }),
    t("Alice", "visit", "Rome", { validFrom: y(2019) }),
    t("Alice", "visit", "Berlin", { validFrom: y(2019) })
  ]],
  ["Since 2020, Bob has worked at Google.", [t("Bob", "work_at", "Google", { validFrom: y(2020) })]],
  ["The teacher Maria Lopez teaches math.", [t("Maria Lopez", "teach", "math")]],
  ["Alice loves Bob, but Bob loves Carol.", [t("Alice", "love", "Bob"), t("Bob", "love", "Carol")]],
  ["The capital of France is Paris.", [t("capital of France", "is", "Paris")]],
  ["Alice married Bob in June 2015.", [t("Alice", "marry", "Bob", { validFrom: y(2015, 6), confidence: 0.6 })]],
  ["Alice met Bob in Paris last year.", [t("Alice", "meet", "Bob", { confidence: 0.6 })]],
  ["The well-known writer Mark Twain was born in Florida, Missouri.", [
    t("Mark Twain", "born_in", "Florida", { confidence: 0.6 })
  ]],
  ["Alice gave up smoking.", [t("Alice", "give_up", "smoking")]],
  ["Bob met Carol on 2021-03-05.", [t("Bob", "meet", "Carol", { validFrom: y(2021, 3, 5) })]],
  ["Alice has a cat.", [t("Alice", "have", "cat")]],
  ["Bob is 30 years old.", [t("Bob", "is", "30 years old")]],
  ["Bob worked at IBM until 2019.", [t("Bob", "work_at", "IBM")]],
  // Refused: questions, pronouns, modals, reported speech, complement clauses, fragments...
  ["Is Alice a doctor?", []],
  ["Where does Bob work?", []],
  ["Does Bob work at Acme", []],
  ["Who lives in Paris", []],
  ["He lives in Rome.", []],
  ["I live in Rome.", []],
  ["Alice can speak French.", []],
  ["Bob can't swim.", []],
  ["Alice said that Bob lives in Paris.", []],
  ["Alice thinks Bob is nice.", []],
  ["Paris in the spring.", []],
  ["The big red dog.", []],
  ["Go to Paris.", []],
  ["Alice lives in Paris or Rome.", []],
  ["Because it rained.", []],
  ["There is a cat in the garden.", []],
  ["No cat likes water.", []],
  ["The man who lives here is Bob.", []]
]

const rules = RuleExtractor.make()

describe("RuleExtractor: sentence table", () => {
  it("has at least 30 rows, some of which must give nothing", () => {
    expect(table.length).toBeGreaterThanOrEqual(30)
    expect(table.filter(([, e]) => e.length === 0).length).toBeGreaterThanOrEqual(10)
  })

  it.each(table)("%s", (sentence, expected) => {
    const span = { start: 0, end: sentence.length }
    expect(rules.extract(sentence)).toStrictEqual(expected.map((e) => ({ ...e, span })))
  })

  it("gives nothing for empty and blank text", () => {
    expect(rules.extract("")).toStrictEqual([])
    expect(rules.extract("  \n\t ")).toStrictEqual([])
  })
})

describe("RuleExtractor: options", () => {
  it("relationForm surface keeps the written verb (the brief's examples)", () => {
    const surface = RuleExtractor.make({ relationForm: "surface" })
    const rel = (s: string) => surface.extract(s).map((x) => [x.subject, x.relation, x.object, x.negated])
    expect(rel("Alice moved to Paris in 2021")).toStrictEqual([["Alice", "moved_to", "Paris", false]])
    expect(rel("Bob works at Acme.")).toStrictEqual([["Bob", "works_at", "Acme", false]])
    expect(rel("Carol is a doctor")).toStrictEqual([["Carol", "is_a", "doctor", false]])
    expect(rel("Dave does not like cats")).toStrictEqual([["Dave", "like", "cats", true]])
    expect(rel("The red key opens the blue door")).toStrictEqual([["red key", "opens", "blue door", false]])
    expect(rel("Alice and Bob live in Berlin")).toStrictEqual([
      ["Alice", "live_in", "Berlin", false],
      ["Bob", "live_in", "Berlin", false]
    ])
    expect(rel("The sky is blue")).toStrictEqual([["sky", "is", "blue", false]])
  })

  it("speaker maps first-person words to the speaker's label", () => {
    const withSpeaker = RuleExtractor.make({ speaker: "user" })
    const s = "I live in Rome and my sister works at Google."
    const span = { start: 0, end: s.length }
    expect(withSpeaker.extract(s)).toStrictEqual([
      { ...t("user", "live_in", "Rome"), span },
      { ...t("user's sister", "work_at", "Google"), span }
    ])
    expect(withSpeaker.extract("My name is Tom.").map((x) => [x.subject, x.relation, x.object]))
      .toStrictEqual([["user", "name", "Tom"]])
    expect(rules.extract(s)).toStrictEqual([])
  })
})

const paragraph = "Alice moved to Paris in 2021. She likes it there. Bob works at Acme.\n\n" +
  "Carol is a doctor, and Dave does not like cats. Is the sky blue? The red key opens the blue door. " +
  "Alice and Bob live in Berlin. In 2019, Erin joined IBM as an engineer. Frank's brother is Gus."

describe("RuleExtractor: paragraphs", () => {
  it("spans locate each triple's sentence in the text", () => {
    const out = rules.extract(paragraph)
    const sentenceOf = (x: Triple) => paragraph.slice(x.span.start, x.span.end)
    expect(out.map((x) => [x.subject, x.relation, x.object, sentenceOf(x)])).toStrictEqual([
      ["Alice", "move_to", "Paris", "Alice moved to Paris in 2021."],
      ["Bob", "work_at", "Acme", "Bob works at Acme."],
      ["Carol", "is_a", "doctor", "Carol is a doctor, and Dave does not like cats."],
      ["Dave", "like", "cats", "Carol is a doctor, and Dave does not like cats."],
      ["red key", "open", "blue door", "The red key opens the blue door."],
      ["Alice", "live_in", "Berlin", "Alice and Bob live in Berlin."],
      ["Bob", "live_in", "Berlin", "Alice and Bob live in Berlin."],
      ["Erin", "join", "IBM", "In 2019, Erin joined IBM as an engineer."],
      ["Frank", "brother", "Gus", "Frank's brother is Gus."]
    ])
    for (const x of out) {
      Schema.decodeUnknownSync(Triple)(x)
      expect(sentenceOf(x)).toContain(x.subject)
      expect(sentenceOf(x)).toContain(x.object)
    }
    expect(out[0]!.span).toStrictEqual({ start: 0, end: 29 })
  })

  it("is deterministic: same text, same options → deep-equal output (fresh instance too)", () => {
    const a = rules.extract(paragraph)
    const b = rules.extract(paragraph)
    const c = RuleExtractor.make().extract(paragraph)
    expect(b).toStrictEqual(a)
    expect(c).toStrictEqual(a)
  })

  it("is total: any string gives valid triples with spans inside the text", () => {
    const words = fc.constantFrom(
      "Alice", "Bob", "the", "a", "is", "not", "lives", "in", "Paris", "2021", "and", "or", ",", ".", "?", "'s",
      "who", "works", "at", "red", "key", "opens", "I", "my", "-", "😀", "\n", "café", "\uD800"
    )
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.array(words, { maxLength: 40 }).map((ws) => ws.join(" "))), (text) => {
        for (const x of rules.extract(text)) {
          Schema.decodeUnknownSync(Triple)(x)
          expect(x.span.start).toBeGreaterThanOrEqual(0)
          expect(x.span.end).toBeLessThanOrEqual(text.length)
          expect(x.span.start).toBeLessThanOrEqual(x.span.end)
        }
      }),
      { numRuns: 300, seed: 42 }
    )
  })

  it("stays fast on pathological 1 MB inputs (one long run, endless sentences)", () => {
    const t0 = performance.now()
    expect(rules.extract("a".repeat(1_048_576))).toStrictEqual([])
    expect(rules.extract("very ".repeat(200_000))).toStrictEqual([])
    expect(rules.extract("Alice, ".repeat(140_000))).toStrictEqual([])
    console.log(`RuleExtractor: three pathological 1 MB inputs in ${(performance.now() - t0).toFixed(0)} ms`)
  }, 20_000)

  it("measures throughput (reported, not asserted)", () => {
    rules.extract(paragraph) // warm
    const sentences = 11
    const copies = 400
    const big = Array.from({ length: copies }, () => paragraph).join("\n\n")
    const t0 = performance.now()
    const out = rules.extract(big)
    const ms = performance.now() - t0
    const rate = Math.round((sentences * copies) / (ms / 1000))
    console.log(`RuleExtractor: ${sentences * copies} sentences (${big.length} chars) in ${ms.toFixed(0)} ms = ${rate} sentences/s, ${out.length} triples`)
    expect(out.length).toBe(9 * copies)
  })
})

describe("RuleExtractor.parseDate", () => {
  it.each([
    ["2021", y(2021)],
    ["March 2019", y(2019, 3)],
    ["3 March 2019", y(2019, 3, 3)],
    ["March 3rd, 2019", y(2019, 3, 3)],
    ["Jan 5th, 2020", y(2020, 1, 5)],
    ["2021-03-05", y(2021, 3, 5)],
    ["31 February 2020", y(2020, 2)],
    ["last year", null],
    ["Monday", null]
  ] as const)("%s", (s, expected) => {
    expect(RuleExtractor.parseDate(s)).toBe(expected)
  })
})

describe("RuleExtractor.limitations", () => {
  it("states what is not handled", () => {
    expect(RuleExtractor.limitations.length).toBeGreaterThanOrEqual(5)
    const all = RuleExtractor.limitations.join(" ").toLowerCase()
    for (const topic of ["coreference", "question", "subordinate", "passive", "modal"]) expect(all).toContain(topic)
  })
})
