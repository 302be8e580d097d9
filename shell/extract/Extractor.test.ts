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
          subject: "Alice", relation: "moved to", object: "Paris", negated: false,
          validFrom: Date.UTC(2021, 0, 1), validUntil: null, confidence: 0.8, change: true, resolved: [],
          span: { start: 0, end: 29 }
        },
        {
          subject: "Bob", relation: "works at", object: "Acme", negated: false,
          validFrom: null, validUntil: null, confidence: 0.8, change: false, resolved: [], span: { start: 30, end: 48 }
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
      assert.deepStrictEqual(yield* extract("Bob works at Acme. 😀"), defaultTestTable["Bob works at Acme."])
    }).pipe(Effect.provide(Extractor.layerRules)))

  it.effect("options reach the rule extractor", () =>
    Effect.gen(function*() {
      const out = yield* extract("I worked at Acme.")
      assert.deepStrictEqual(out.map((t) => [t.subject, t.relation, t.object]), [["me", "work at", "Acme"]])
    }).pipe(Effect.provide(Extractor.layerRulesWith({ speaker: "me", relationForm: "lemma" }))))

  it.effect("the turn context reaches the rule extractor: speaker and time", () =>
    Effect.gen(function*() {
      const e = yield* Extractor
      const out = yield* e.extract("Yesterday I moved to Oslo.", { speaker: "Kim", time: Date.UTC(2023, 5, 15, 12) })
      assert.deepStrictEqual(out.map((t) => [t.subject, t.relation, t.object, t.validFrom, t.change, t.resolved]), [
        ["Kim", "moved to", "Oslo", Date.UTC(2023, 5, 14), true, ["I=Kim"]]
      ])
    }).pipe(Effect.provide(Extractor.layerRules)))

  it.effect("a discourse carries pronouns across turns; each discourse starts fresh; input checks apply", () =>
    Effect.gen(function*() {
      const e = yield* Extractor
      const d = yield* e.discourse()
      yield* d.read("My sister Ola lives in Gdansk.", { speaker: "Kim" })
      const out = yield* d.read("She works at Amber.", { speaker: "Kim" })
      assert.deepStrictEqual(out.map((t) => [t.subject, t.relation, t.object, t.resolved]), [["Ola", "works at", "Amber", ["she=Ola"]]])
      const fresh = yield* e.discourse()
      assert.deepStrictEqual(yield* fresh.read("She works at Amber."), [])
      const err = yield* failureOf(d.read("x\uD800"))
      assert.strictEqual(err?.reason, "InvalidInput")
    }).pipe(Effect.provide(Extractor.layerRules)))
})

describe("Extractor.layerTest", () => {
  it.effect("answers from its table, [] otherwise", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* extract("Bob works at Acme."), defaultTestTable["Bob works at Acme."])
      assert.deepStrictEqual(yield* extract("Something else."), [])
      assert.deepStrictEqual(yield* extract("toString"), [])
      const d = yield* Extractor.use((e) => e.discourse())
      assert.deepStrictEqual(yield* d.read("Bob works at Acme.", { speaker: "x" }), defaultTestTable["Bob works at Acme."])
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
      subject: "Alice", relation: "moved to", object: "Paris", negated: false,
      confidence: 0.8, validFrom: Date.UTC(2021, 0, 1), change: true, source: "doc-1"
    })
    assert.isFalse("source" in toEngramFact(t))
  })

  it("maps validUntil, leaves change out when false, and puts the resolutions into the source", () => {
    const t = {
      subject: "Ola", relation: "worked at", object: "Acme", negated: false, validFrom: Date.UTC(2015, 0, 1),
      validUntil: Date.UTC(2018, 0, 1), confidence: 0.7, change: false, resolved: ["she=Ola", "I=Kim"],
      span: { start: 0, end: 10 }
    }
    assert.deepStrictEqual(toEngramFact(t, "ingest:diary.txt"), {
      subject: "Ola", relation: "worked at", object: "Acme", negated: false, confidence: 0.7,
      validFrom: Date.UTC(2015, 0, 1), validUntil: Date.UTC(2018, 0, 1), source: "ingest:diary.txt [she=Ola, I=Kim]"
    })
    assert.strictEqual(toEngramFact(t).source, "[she=Ola, I=Kim]")
    // a triple written before the new fields existed still maps
    const old = { subject: "a", relation: "r", object: "b", negated: true, validFrom: null, confidence: 1, span: { start: 0, end: 1 } }
    assert.deepStrictEqual(toEngramFact(old), { subject: "a", relation: "r", object: "b", negated: true, confidence: 1, validFrom: null })
  })
})
