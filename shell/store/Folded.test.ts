/**
 * `Memory.commit(events, folded)`: a caller that already folded its batch (ingest) hands the
 * fold over and the store does not apply the events again. Law: `commit(es, fold of es on the
 * current state)` ≡ `commit(es)` — same state, same changes, same journal, and `verify` folds the
 * journal to it; a fold from another state is not taken (the events are applied as usual).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import type * as Changes from "../../core/Changes.ts"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import { type Memory, MemoryId, MemoryStore } from "./MemoryStore.ts"

const engram = (k: number): Event.Event =>
  new Event.Engrammed({
    now: 1000 + k,
    input: {
      episode: { id: `ep${k}`, text: `Kim met person ${k} in town ${k % 3}`, time: null },
      entities: [
        { label: `person${k}`, embedding: [1, (k % 5) / 7, 0.5] },
        { label: `town${k % 3}`, embedding: [0.2, 1, (k % 3) / 3] }
      ],
      facts: [{ subject: `person${k}`, relation: "lives_in", object: `town${k % 3}` }]
    }
  })

/** Folds `events` on `from` as a caller would (Replay.apply, one by one). */
const foldOn = (from: Replay.State, events: ReadonlyArray<Event.Event>) => {
  let state = from
  const changes: Array<Changes.Changes> = []
  for (const e of events) {
    const step = Result.getOrThrow(Replay.apply(state, e))
    state = step.state
    changes.push(step.changes)
  }
  return { from, state, changes }
}

const run = <A>(f: (memory: Memory) => Effect.Effect<A, unknown>) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore
    const memory = yield* store.open(MemoryId.fromParts({ user: "folded" }))
    return yield* f(memory)
  }).pipe(Effect.scoped, Effect.provide(MemoryStore.layerMemory))

describe("Memory.commit with the caller's fold", () => {
  it.effect("commit(es, fold of es on the current state) ≡ commit(es): the fold is taken as is, and the journal refolds to it", () =>
    Effect.gen(function*() {
      const batches = [[engram(1), engram(2)], [engram(3)], [engram(4), engram(5), engram(6)]]
      const plain = yield* run((memory) =>
        Effect.gen(function*() {
          for (const b of batches) yield* memory.commit(b)
          return yield* memory.state
        })
      )
      const folded = yield* run((memory) =>
        Effect.gen(function*() {
          for (const b of batches) {
            const fold = foldOn(yield* memory.state, b)
            const out = yield* memory.commit(b, fold)
            // taken, not recomputed: the very objects the caller built
            assert.strictEqual(out.state, fold.state)
            assert.strictEqual(out.changes, fold.changes)
          }
          const report = yield* memory.verify
          assert.isTrue(report.ok, report.problems.join("; "))
          assert.strictEqual(report.hash, report.liveHash)
          return yield* memory.state
        })
      )
      assert.strictEqual(folded.seq, plain.seq)
      assert.strictEqual(LiquidGraph.contentHash(folded.graph), LiquidGraph.contentHash(plain.graph))
    }))

  it.effect("a fold from another state is not taken: the events are applied on the current one", () =>
    run((memory) =>
      Effect.gen(function*() {
        yield* memory.commit([engram(1)])
        const before = yield* memory.state
        // folded on the empty state, not on the memory's state: stale
        const stale = foldOn(Replay.initial(before.params), [engram(2)])
        const out = yield* memory.commit([engram(2)], stale)
        assert.notStrictEqual(out.state, stale.state)
        assert.strictEqual(out.state.seq, 2)
        const expected = Result.getOrThrow(Replay.replay([engram(1), engram(2)], Replay.initial(before.params)))
        assert.strictEqual(LiquidGraph.contentHash(out.state.graph), LiquidGraph.contentHash(expected.graph))
        const report = yield* memory.verify
        assert.isTrue(report.ok, report.problems.join("; "))
      })
    ))
})
