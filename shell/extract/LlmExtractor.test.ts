/**
 * LlmExtractor over the recorded model (`Models.layerTest`): valid answers become domain triples,
 * an invalid answer is asked for once more, two invalid answers fail with InvalidOutput.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import type { Prompt } from "effect/ai"
import * as Models from "../model/Models.ts"
import * as Dates from "./Dates.ts"
import { Extractor } from "./Extractor.ts"
import * as LlmExtractor from "./LlmExtractor.ts"
import { Triple } from "./Triple.ts"

const TEXT = "Alice moved to Paris in 2021. Bob does not work at Acme."

const answer = (triples: ReadonlyArray<Record<string, unknown>>) => JSON.stringify({ triples })

const bob = {
  subject: "Bob", relation: "Work At", object: "Acme", negated: true, validFrom: null, confidence: 0.7,
  evidence: "Bob does not work at Acme."
}
const alice = {
  subject: "Alice", relation: "move_to", object: "Paris", negated: false, validFrom: "2021", confidence: 0.9,
  evidence: "Alice moved to Paris in 2021."
}
// Listed out of text order on purpose: the extractor returns text order.
const VALID = answer([bob, alice])

const extractWith = (recorded: ReadonlyArray<string>, text: string = TEXT, options?: LlmExtractor.Options) => {
  const log: Array<Prompt.Prompt> = []
  const layer = LlmExtractor.layer(options).pipe(Layer.provide(Models.layerTest(recorded, log)))
  return Effect.gen(function*() {
    const extractor = yield* Extractor
    return yield* Effect.result(extractor.extract(text))
  }).pipe(Effect.provide(layer), Effect.map((result) => ({ result, log })))
}

const expected: ReadonlyArray<Triple> = [
  {
    subject: "Alice", relation: "move to", object: "Paris", negated: false, validFrom: Date.UTC(2021, 0, 1), validUntil: null,
    confidence: 0.9, change: false, resolved: [], span: { start: 0, end: 29 }
  },
  {
    subject: "Bob", relation: "work at", object: "Acme", negated: true, validFrom: null, validUntil: null, confidence: 0.7,
    change: false, resolved: [], span: { start: 30, end: 56 }
  }
]

describe("LlmExtractor", () => {
  it.effect("valid JSON → domain triples in text order, spans on the quoted sentences, one request", () =>
    Effect.gen(function*() {
      const { result, log } = yield* extractWith([VALID, "unused"])
      assert.strictEqual(result._tag, "Success")
      if (result._tag !== "Success") return
      assert.deepStrictEqual(result.success, expected)
      for (const t of result.success) {
        Schema.decodeUnknownSync(Triple)(t)
        assert.include(TEXT.slice(t.span.start, t.span.end), t.subject)
      }
      assert.strictEqual(log.length, 1)
      const roles = log[0]!.content.map((m) => m.role)
      assert.deepStrictEqual(roles, ["system", "user"])
    }))

  it.effect("an empty list is a valid answer", () =>
    Effect.gen(function*() {
      const { result } = yield* extractWith([answer([])])
      assert.deepStrictEqual(result._tag === "Success" ? result.success : result, [])
    }))

  it.effect("invalid then valid → exactly one retry, then the triples", () =>
    Effect.gen(function*() {
      const { result, log } = yield* extractWith(["{\"triples\": [{\"subject\": \"Alice\"", VALID])
      assert.deepStrictEqual(result._tag === "Success" ? result.success : result, expected)
      assert.strictEqual(log.length, 2)
    }))

  it.effect("evidence not in the text, a bad date, a confidence over 1 are invalid outputs (retried)", () =>
    Effect.gen(function*() {
      for (const bad of [
        { ...alice, evidence: "Alice moved to Rome." },
        { ...alice, validFrom: "last year" },
        { ...alice, validFrom: "2021-02-30" },
        { ...alice, confidence: 1.5 },
        { ...alice, relation: "--" }
      ]) {
        const { result, log } = yield* extractWith([answer([bad]), VALID])
        assert.deepStrictEqual(result._tag === "Success" ? result.success : result, expected, JSON.stringify(bad))
        assert.strictEqual(log.length, 2, JSON.stringify(bad))
      }
    }))

  it.effect("invalid twice → ExtractError InvalidOutput, no third request", () =>
    Effect.gen(function*() {
      const { result, log } = yield* extractWith(["not json at all", answer([{ ...alice, evidence: "nowhere" }]), VALID])
      assert.strictEqual(result._tag, "Failure")
      if (result._tag === "Failure") {
        assert.strictEqual(result.failure._tag, "ExtractError")
        assert.strictEqual(result.failure.reason, "InvalidOutput")
      }
      assert.strictEqual(log.length, 2)
    }))

  it.effect("a model failure is ExtractorFailed", () =>
    Effect.gen(function*() {
      const { result } = yield* extractWith([])
      assert.strictEqual(result._tag === "Failure" ? result.failure.reason : "no failure", "ExtractorFailed")
    }))

  it.effect("input checks come first: empty text is [] without a request; too large and lone surrogates are refused", () =>
    Effect.gen(function*() {
      const empty = yield* extractWith([VALID], "   ")
      assert.deepStrictEqual(empty.result._tag === "Success" ? empty.result.success : empty.result, [])
      assert.strictEqual(empty.log.length, 0)
      const large = yield* extractWith([VALID], "x".repeat(100), { maxInputBytes: 10 })
      assert.strictEqual(large.result._tag === "Failure" ? large.result.failure.reason : "no failure", "InputTooLarge")
      assert.strictEqual(large.log.length, 0)
      const surrogate = yield* extractWith([VALID], "bad \uD800 text")
      assert.strictEqual(surrogate.result._tag === "Failure" ? surrogate.result.failure.reason : "no failure", "InvalidInput")
    }))

  it("dates are read by Dates.parseIsoDate; normaliseRelation", () => {
    assert.strictEqual(Dates.parseIsoDate("2021"), Date.UTC(2021, 0, 1))
    assert.strictEqual(Dates.parseIsoDate("2021-03"), Date.UTC(2021, 2, 1))
    assert.strictEqual(Dates.parseIsoDate("2024-02-29"), Date.UTC(2024, 1, 29))
    assert.isUndefined(Dates.parseIsoDate("2023-02-29"))
    assert.isUndefined(Dates.parseIsoDate("2021-13"))
    assert.isUndefined(Dates.parseIsoDate("21"))
    assert.strictEqual(LlmExtractor.normaliseRelation("Moved To"), "moved to")
    assert.strictEqual(LlmExtractor.normaliseRelation("works_at "), "works at")
    assert.strictEqual(LlmExtractor.normaliseRelation(" -- "), "")
  })

  it("userMessage writes the turn's speaker and time before the text, and nothing without them", () => {
    assert.strictEqual(LlmExtractor.userMessage("I moved."), "I moved.")
    assert.strictEqual(
      LlmExtractor.userMessage("I moved.", { speaker: "Kim", time: Date.UTC(2023, 5, 15, 10) }),
      "Speaker (first person means them): Kim\nTime of this text: 2023-06-15\n\nI moved."
    )
  })

  it.effect("the context reaches the prompt; the discourse reads turns the same way; validUntil and change decode", () =>
    Effect.gen(function*() {
      const log: Array<Prompt.Prompt> = []
      const until = answer([{ ...alice, validUntil: "2022-05", change: true }])
      const layer = LlmExtractor.layer().pipe(Layer.provide(Models.layerTest([until, until], log)))
      const [one, two] = yield* Effect.gen(function*() {
        const extractor = yield* Extractor
        const a = yield* extractor.extract(TEXT, { speaker: "Kim", time: Date.UTC(2023, 0, 2) })
        const d = yield* extractor.discourse()
        const b = yield* d.read(TEXT, { speaker: "Kim" })
        return [a, b] as const
      }).pipe(Effect.provide(layer))
      assert.deepStrictEqual(one, two)
      assert.strictEqual(one[0]!.validUntil, Date.UTC(2022, 4, 1))
      assert.strictEqual(one[0]!.change, true)
      const user = log[0]!.content[1]!
      assert.include(JSON.stringify(user), "Kim")
      assert.include(JSON.stringify(user), "2023-01-02")
    }))
})
