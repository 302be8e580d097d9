/**
 * Once per request: a recall (the app's `Ops.recall`, the CLI's `Queries.recall`) and a loop
 * turn compute each transition once — the event is applied by the caller, the store takes that
 * fold instead of applying it again, and the answer comes from that application. `Recall.recall`
 * is wrapped in a counting spy (for every importer, `Replay` included); each test also checks
 * that what was recorded replays to the live state.
 */
import { Effect, Layer, Result } from "effect"
import { beforeEach, describe, expect, it, vi } from "vitest"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Recall from "../../core/Recall.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import { Extractor } from "../extract/Extractor.ts"
import { ActiveMemory } from "../loop/ActiveMemory.ts"
import { Mags } from "../loop/Mags.ts"
import { AskModel, WriteModel } from "../loop/PathModels.ts"
import { Router } from "../loop/Router.ts"
import * as Testing from "../loop/testing.ts"
import { type Memory, MemoryId, MemoryStore } from "../store/MemoryStore.ts"
import * as Ops from "./Ops.ts"

vi.mock("../../core/Recall.ts", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../core/Recall.ts")>()
  return { ...original, recall: vi.fn(original.recall) }
})

const recallCalls = () => vi.mocked(Recall.recall).mock.calls.length

const withMemory = <A, E>(f: (memory: Memory) => Effect.Effect<A, E, Embedder | Extractor>) =>
  Effect.runPromise(
    Effect.scoped(Effect.flatMap(MemoryStore.use((store) => store.open(MemoryId.fromParts({ user: "once" }))), f)).pipe(
      Effect.provide(Layer.mergeAll(MemoryStore.layerMemory, Embedder.layerTest, Extractor.layerRules))
    ) as Effect.Effect<A, E>
  )

const learn = (memory: Memory) =>
  Ops.addFacts(memory, [
    { subject: "Mira", relation: "lives in", object: "Vell" },
    { subject: "Vell", relation: "is in", object: "Norland" }
  ])

const replaysToLive = (memory: Memory) =>
  Effect.gen(function*() {
    const journal = yield* memory.history()
    const live = yield* memory.state
    const replayed = Result.getOrThrow(Replay.replay(journal.map((e) => e.event)))
    expect(LiquidGraph.contentHash(replayed.graph)).toBe(LiquidGraph.contentHash(live.graph))
  })

beforeEach(() => vi.mocked(Recall.recall).mockClear())

describe("one transition per request", () => {
  it("Ops.recall: Recall.recall runs once for the answer and the recorded event; the journal replays to the live state", async () => {
    await withMemory((memory) =>
      Effect.gen(function*() {
        yield* learn(memory)
        const before = recallCalls()
        const view = yield* Ops.recall(memory, "Where does Mira live?")
        expect(recallCalls() - before).toBe(1)
        expect(view.facts.some((f) => f.fact.labels.object === "Vell")).toBe(true)
        const journal = yield* memory.history()
        expect(journal[journal.length - 1]!.event._tag).toBe("Recalled")
        expect(view.seq).toBe(journal.length)
        yield* replaysToLive(memory)
      })
    )
  })

  it("Ops.recall with record: false runs it once and writes nothing", async () => {
    await withMemory((memory) =>
      Effect.gen(function*() {
        yield* learn(memory)
        const seq = (yield* memory.state).seq
        const before = recallCalls()
        yield* Ops.recall(memory, "Mira", { record: false })
        expect(recallCalls() - before).toBe(1)
        expect((yield* memory.state).seq).toBe(seq)
      })
    )
  })

  it("a loop turn (one recall, template answer) runs Recall.recall once over the store's memory", async () => {
    await withMemory((memory) =>
      Effect.gen(function*() {
        yield* learn(memory)
        const before = recallCalls()
        const result = yield* Effect.gen(function*() {
          const mags = yield* Mags
          return yield* mags.turn("Where does Mira live?")
        }).pipe(
          Effect.provide(Mags.layer({ template: (_g, _q, facts) => `${facts.length} facts` })),
          Effect.provide(Layer.mergeAll(
            Layer.succeed(ActiveMemory, memory),
            Router.layerRules,
            Layer.effect(AskModel, Effect.map(Testing.makeScripted([]), (s) => s.model)),
            Layer.effect(WriteModel, Effect.map(Testing.makeScripted([]), (s) => s.model))
          ))
        )
        expect(result.events.filter((e) => e._tag === "Recalled")).toHaveLength(1)
        expect(recallCalls() - before).toBe(1)
        expect(result.recalled.length).toBeGreaterThan(0)
        yield* replaysToLive(memory)
      })
    )
  })
})
