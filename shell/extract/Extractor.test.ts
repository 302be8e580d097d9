/**
 * Tests of the Extractor service: the rule layer, the test layer, and the typed input errors
 * every layer shares.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { defaultTestTable, ExtractError, Extractor } from "./Extractor.ts"
import { toEngramFact } from "./Triple.ts"

const extract = (text: string) => Extractor.use((e) => e.extract(text))

const failureOf = <A, R>(effect: Effect.Effect<A, ExtractError, R>) =>
  Effect.map(Effect.result(effect), (r) => {
    assert.isTrue(Result.isFailure(r), "expected a failure")
    return Result.isFailure(r) ? r.failure : undefined
  })

describe("Extractor.layerRules", () => {
  it.effect("extracts triples with the rule extractor", () =>
    Effect.gen(function*() {
      const out = yield* extract("Alice moved to Paris in 2021. Bob works at Acme.")
      assert.deepStrictEqual(out, [
        {
          subject: "Alice", relation: "move_to", object: "Paris", negated: false,
          validFrom: Date.UTC(2021, 0, 1), confidence: 0.8, span: { start: 0, end: 29 }
        },
        {
          subject: "Bob", relation: "work_at", object: "Acme", negated: false,
          validFrom: null, confidence: 0.8, span: { start: 30, end: 48 }
        }
      ])
    }).pipe(Effect.provide(Extractor.layerRules)))

  it.effect("agrees with the default test table", () =>
    Effect.gen(function*() {
      for (const [text, triples] of Object.entries(defaultTestTable)) {
        assert.deepStrictEqual(yield* extract(text), triples)
      }
    }).pipe(Effect.provide(Extractor.layerRules)))

  it.effect("input over 1 MiB fails with InputTooLarge", () =>
    Effect.gen(function*() {
      const err = yield* failureOf(extract("a".repeat(1_048_577)))
      assert.instanceOf(err, ExtractError)
      assert.strictEqual(err?.reason, "InputTooLarge")
      // exactly at the limit is accepted
      const ok = yield* extract("a".repeat(1_048_576))
      assert.deepStrictEqual(ok, [])
    }).pipe(Effect.provide(Extractor.layerRules)))

  it.effect("the limit counts UTF-8 bytes, not characters", () =>
    Effect.gen(function*() {
      const e = yield* Extractor
      const err = yield* failureOf(e.extract("é".repeat(6))) // 12 bytes
      assert.strictEqual(err?.reason, "InputTooLarge")
      assert.deepStrictEqual(yield* e.extract("é".repeat(5)), [])
    }).pipe(Effect.provide(Extractor.layerRulesWith({ maxInputBytes: 10 }))))

  it.effect("a lone surrogate fails with InvalidInput", () =>
    Effect.gen(function*() {
      const err = yield* failureOf(extract("Bob works at Acme.\uD800"))
      assert.strictEqual(err?.reason, "InvalidInput")
      assert.deepStrictEqual(yield* extract("Bob works at Acme. 😀"), [
        {
          subject: "Bob", relation: "work_at", object: "Acme", negated: false,
          validFrom: null, confidence: 0.8, span: { start: 0, end: 18 }
        }
      ])
    }).pipe(Effect.provide(Extractor.layerRules)))

  it.effect("options reach the rule extractor", () =>
    Effect.gen(function*() {
      const out = yield* extract("I worked at Acme.")
      assert.deepStrictEqual(out.map((t) => [t.subject, t.relation, t.object]), [["me", "worked_at", "Acme"]])
    }).pipe(Effect.provide(Extractor.layerRulesWith({ speaker: "me", relationForm: "surface" }))))
})

describe("Extractor.layerTest", () => {
  it.effect("answers from its table, [] otherwise", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* extract("Bob works at Acme."), defaultTestTable["Bob works at Acme."])
      assert.deepStrictEqual(yield* extract("Something else."), [])
      assert.deepStrictEqual(yield* extract("toString"), [])
    }).pipe(Effect.provide(Extractor.layerTest())))

  it.effect("takes a custom table and keeps the input checks", () =>
    Effect.gen(function*() {
      const triple = {
        subject: "x", relation: "r", object: "y", negated: true,
        validFrom: null, confidence: 1, span: { start: 0, end: 3 }
      }
      assert.deepStrictEqual(yield* extract("xyz"), [triple])
      const err = yield* failureOf(extract("xyzw"))
      assert.strictEqual(err?.reason, "InputTooLarge")
    }).pipe(Effect.provide(Extractor.layerTest({ xyz: [{ subject: "x", relation: "r", object: "y", negated: true, validFrom: null, confidence: 1, span: { start: 0, end: 3 } }] }, 3))))
})

describe("Triple.toEngramFact", () => {
  it("copies the fact fields and the source", () => {
    const t = defaultTestTable["Alice moved to Paris in 2021."]![0]!
    assert.deepStrictEqual(toEngramFact(t, "doc-1"), {
      subject: "Alice", relation: "move_to", object: "Paris", negated: false,
      confidence: 0.8, validFrom: Date.UTC(2021, 0, 1), source: "doc-1"
    })
    assert.isFalse("source" in toEngramFact(t))
  })
})
