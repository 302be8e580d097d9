/**
 * The memory controller in the loop: loading policy files (typed errors), the hand-written rules
 * when none is given (the loop as before), and a policy's recall and housekeeping decisions in a
 * turn — recorded in the events, so the journal replays the same graph.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import * as Controller from "../../core/Controller.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Policy from "../../core/Policy.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor, type TestTable } from "../extract/Extractor.ts"
import { ActiveMemory } from "./ActiveMemory.ts"
import { Mags } from "./Mags.ts"
import * as MemoryController from "./MemoryController.ts"
import { AskModel, WriteModel } from "./PathModels.ts"
import { Router } from "./Router.ts"
import * as Testing from "./testing.ts"

const T0 = Date.UTC(2025, 0, 1)

const extractions: TestTable = {
  "Alice lives in Paris.": [{
    subject: "Alice", relation: "lives_in", object: "Paris", negated: false, validFrom: null, confidence: 0.8,
    span: { start: 0, end: 21 }
  }],
  "Paris is in France.": [{
    subject: "Paris", relation: "located_in", object: "France", negated: false, validFrom: null, confidence: 0.8,
    span: { start: 0, end: 19 }
  }]
}

/** A policy that always takes `recall` and `maintain` (and the hand action elsewhere). */
const fixedPolicy = (recall: string, maintain: string): Policy.Policy =>
  Policy.initial(Controller.SPEC, () => 0, (head, action) =>
    (head === "recall" && action === recall) || (head === "maintain" && action === maintain) ? 5 : 0
  )

const policyFile = (p: Policy.Policy): string => JSON.stringify({ format: Controller.FORMAT, policy: { spec: p.spec, theta: p.theta }, trained: {} })

const withFile = <A, E, R>(text: string, f: (file: string) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const dir = mkdtempSync(path.join(tmpdir(), "mags-policy-"))
      writeFileSync(path.join(dir, "policy.json"), text)
      return dir
    }),
    (dir) => f(path.join(dir, "policy.json")),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )

const conversation = ["Alice lives in Paris.", "Paris is in France.", "Where does Alice live?"]

/** Runs the conversation (templates answer; the write path's model is never asked) under `controller`. */
const converse = (controller: Layer.Layer<MemoryController.MemoryController> | undefined) =>
  Effect.gen(function*() {
    const memory = yield* Testing.makeInMemory(Params.defaults)
    const model = yield* Testing.makeScripted(["Noted.", "Noted.", "Noted."])
    const base = Mags.layer({ template: () => "template answer", useTools: false }).pipe(
      Layer.provide(Layer.succeed(ActiveMemory, memory)),
      Layer.provide(Layer.succeed(AskModel, model.model)),
      Layer.provide(Layer.succeed(WriteModel, model.model)),
      Layer.provide(Router.layerRules),
      Layer.provide(Embedder.layerTest),
      Layer.provide(Extractor.layerTest(extractions))
    )
    const mags = controller === undefined ? base : base.pipe(Layer.provide(controller))
    const results = yield* Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const loop = yield* Mags
      const out = []
      for (const text of conversation) {
        out.push(yield* loop.turn(text))
        yield* TestClock.adjust("1 hour")
      }
      return out
    }).pipe(Effect.provide(mags))
    return { results, journal: yield* memory.journal }
  })

describe("MemoryController.load", () => {
  it.effect("a trained policy file loads; a missing, non-JSON or foreign file is a typed PolicyError naming it", () =>
    Effect.gen(function*() {
      const loaded = yield* withFile(policyFile(fixedPolicy("deep", "yes")), MemoryController.load)
      assert.strictEqual(loaded.controller._tag, "Learned")
      const missing = yield* Effect.result(MemoryController.load("/nonexistent/policy.json"))
      assert.isTrue(Result.isFailure(missing) && missing.failure.reason === "NotFound" && missing.failure.message.includes("/nonexistent/policy.json"))
      for (const bad of ["{not json", JSON.stringify({ format: "other" }), JSON.stringify({ format: Controller.FORMAT, policy: { spec: { features: ["x"], hidden: 0, heads: [{ name: "h", actions: ["a"] }] }, theta: [0, 0] }, trained: {} })]) {
        const r = yield* withFile(bad, (f) => Effect.result(MemoryController.load(f)))
        assert.isTrue(Result.isFailure(r) && r.failure.reason === "Invalid", bad)
      }
    }))
})

describe("the loop under a memory controller", () => {
  it.effect("no controller and the hand-written layer give the same turns: default recall, no housekeeping", () =>
    Effect.gen(function*() {
      const none = yield* converse(undefined)
      const hand = yield* converse(MemoryController.layerHand)
      assert.deepStrictEqual(none.results.map((r) => r.controller), conversation.map(() => ({ recall: "default" as const, maintain: "no" as const, policy: null })))
      assert.deepStrictEqual(hand.journal.map((e) => e._tag), none.journal.map((e) => e._tag))
      assert.isFalse(none.journal.some((e) => e._tag === "Decayed" || e._tag === "Pruned"))
    }))

  it.effect("a policy's deep recall goes into the Recalled events, its housekeeping runs as events, and the journal replays the same graph", () =>
    withFile(policyFile(fixedPolicy("deep", "yes")), (file) =>
      Effect.gen(function*() {
        const { results, journal } = yield* converse(MemoryController.layer(file).pipe(Layer.orDie))
        assert.deepStrictEqual(results.map((r) => r.controller), conversation.map(() => ({ recall: "deep" as const, maintain: "yes" as const, policy: file })))
        const recalls = journal.filter((e) => e._tag === "Recalled")
        assert.isTrue(recalls.length >= conversation.length)
        for (const e of recalls) {
          const input = (e as { input: { reach?: string } }).input
          assert.strictEqual(input.reach, "deep")
        }
        const tags = journal.map((e) => e._tag)
        assert.strictEqual(tags.filter((t) => t === "Decayed").length, conversation.length)
        assert.strictEqual(tags.filter((t) => t === "Pruned").length, conversation.length)
        assert.strictEqual(tags.filter((t) => t === "Consolidated").length, conversation.length)
        // the second housekeeping decays over the hour since the first
        const decays = journal.filter((e) => e._tag === "Decayed").map((e) => (e as { input: { dt: number } }).input.dt)
        assert.strictEqual(decays[1]! > 0, true)
        const replayed = Replay.replay(journal, Replay.initial(Params.defaults))
        assert.isTrue(Result.isSuccess(replayed))
        if (Result.isSuccess(replayed)) {
          assert.strictEqual(LiquidGraph.contentHash(replayed.success.graph), LiquidGraph.contentHash(results[results.length - 1]!.state.graph))
        }
      })))
})
