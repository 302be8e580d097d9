/**
 * Models: the recorded test model and `generateObject` (decode with Schema, one retry with
 * feedback, never more, other failures not retried).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, Stream } from "effect"
import { LanguageModel, type Prompt } from "effect/ai"
import * as Models from "./Models.ts"

const Person = Schema.Struct({ name: Schema.NonEmptyString, age: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 150 })) })

const texts = (prompt: Prompt.Prompt): Array<string> =>
  prompt.content.flatMap((m) =>
    m.role === "system" ? [m.content] : m.role === "tool" ? [] : m.content.flatMap((p) => (p.type === "text" ? [p.text] : []))
  )

const run = <A, E>(recorded: ReadonlyArray<string>, effect: Effect.Effect<A, E, LanguageModel.LanguageModel>) => {
  const log: Array<Prompt.Prompt> = []
  return Effect.map(Effect.result(Effect.provide(effect, Models.layerTest(recorded, log))), (result) => ({ result, log }))
}

describe("Models.layerTest (recorded model)", () => {
  it.effect("replays the recorded outputs in order, one per request, across generateText and streamText", () =>
    Effect.gen(function*() {
      const { result, log } = yield* run(["first", "second", "third"], Effect.gen(function*() {
        const model = yield* LanguageModel.LanguageModel
        const a = yield* model.generateText({ prompt: "x" })
        const b = yield* Stream.runCollect(model.streamText({ prompt: "y" }))
        const c = yield* model.generateText({ prompt: "z" })
        return [a.text, b.flatMap((p) => (p.type === "text-delta" ? [p.delta] : [])).join(""), c.text]
      }))
      assert.deepStrictEqual(result._tag === "Success" ? result.success : result, ["first", "second", "third"])
      assert.deepStrictEqual(log.map((p) => texts(p).join("|")), ["x", "y", "z"])
    }))

  it.effect("a request past the recording fails with an AiError that says so", () =>
    Effect.gen(function*() {
      const { result } = yield* run(["only"], Effect.gen(function*() {
        const model = yield* LanguageModel.LanguageModel
        yield* model.generateText({ prompt: "1" })
        return yield* model.generateText({ prompt: "2" })
      }))
      assert.strictEqual(result._tag, "Failure")
      if (result._tag === "Failure") {
        assert.strictEqual(result.failure.reason._tag, "UnknownError")
        assert.include(result.failure.message, "only 1 outputs were recorded")
      }
    }))

  it.effect("determinism: the same recording gives the same answers", () =>
    Effect.gen(function*() {
      const recorded = ["{\"name\":\"Ada\",\"age\":36}", "{\"name\":\"Alan\",\"age\":41}"]
      const program = Effect.all([Models.generateObject(Person, "a"), Models.generateObject(Person, "b")])
      const one = yield* run(recorded, program)
      const two = yield* run(recorded, program)
      assert.deepStrictEqual(one.result, two.result)
      assert.strictEqual(one.result._tag, "Success")
    }))
})

describe("Models.generateObject", () => {
  it.effect("valid JSON is decoded with the schema in one request", () =>
    Effect.gen(function*() {
      const { result, log } = yield* run(["{\"name\":\"Ada\",\"age\":36}", "unused"], Models.generateObject(Person, "who?"))
      assert.deepStrictEqual(result._tag === "Success" ? result.success : result, { name: "Ada", age: 36 })
      assert.strictEqual(log.length, 1)
    }))

  it.effect("invalid then valid: exactly one retry, showing the model its answer and the error", () =>
    Effect.gen(function*() {
      const { result, log } = yield* run(
        ["{\"name\":\"Ada\",\"age\":-3}", "{\"name\":\"Ada\",\"age\":36}"],
        Models.generateObject(Person, "who?")
      )
      assert.deepStrictEqual(result._tag === "Success" ? result.success : result, { name: "Ada", age: 36 })
      assert.strictEqual(log.length, 2)
      const retry = log[1]!
      assert.deepStrictEqual(retry.content.map((m) => m.role), ["user", "assistant", "user"])
      assert.deepStrictEqual(texts(retry).slice(0, 2), ["who?", "{\"name\":\"Ada\",\"age\":-3}"])
      assert.include(texts(retry)[2]!, "not valid")
    }))

  it.effect("invalid twice fails with StructuredOutputError and never asks a third time", () =>
    Effect.gen(function*() {
      const { result, log } = yield* run(
        ["not json", "{\"name\":\"\"}", "{\"name\":\"Ada\",\"age\":36}"],
        Models.generateObject(Person, "who?")
      )
      assert.strictEqual(result._tag, "Failure")
      if (result._tag === "Failure") {
        assert.strictEqual(result.failure.reason._tag, "StructuredOutputError")
        assert.isTrue(Models.isInvalidOutput(result.failure))
      }
      assert.strictEqual(log.length, 2)
    }))

  it.effect("other failures are not retried", () =>
    Effect.gen(function*() {
      const { result, log } = yield* run([], Models.generateObject(Person, "who?"))
      assert.strictEqual(result._tag, "Failure")
      if (result._tag === "Failure") assert.strictEqual(result.failure.reason._tag, "UnknownError")
      assert.strictEqual(log.length, 1)
    }))
})
