/**
 * testing — test doubles for the loop: an in-memory memory and a scripted language model.
 *
 * - {@link makeInMemory} / {@link layerInMemory}: a {@link LoopMemory} that keeps its journal in
 *   an array and its state in a `Ref`; `commit` folds the batch with `Replay.apply` first (or
 *   takes the caller's fold when it starts from the current state) and, if any event is
 *   rejected, fails with {@link InMemoryError} and changes nothing (the store's contract,
 *   without a disk).
 * - {@link makeScripted} / {@link layerScripted}: an `effect/ai` `LanguageModel` (built with
 *   `LanguageModel.make`) that answers the n-th `generateText` call with the n-th recorded output
 *   (a text, or raw response parts such as tool calls) and records every prompt it was given.
 *   When the script runs out it fails with an `AiError` (`UnknownError`), so a test sees a model
 *   failure, not a hang. Streaming is not scripted (`streamText` dies).
 *
 * @since 0.1.0
 */
import { Data, Effect, Layer, Ref, Result, Stream } from "effect"
import { AiError, LanguageModel, type Prompt as AiPrompt, type Response } from "effect/ai"
import type * as Changes from "../../core/Changes.ts"
import type * as Event from "../../core/Event.ts"
import type * as Params from "../../core/Params.ts"
import * as Replay from "../../core/Replay.ts"
import { ActiveMemory, type Folded, type LoopMemory } from "./ActiveMemory.ts"

// ── in-memory memory ──────────────────────────────────────────────────────────

/** A commit rejected by the in-memory memory (nothing was written). */
export class InMemoryError extends Data.TaggedError("InvalidEvent")<{ readonly message: string; readonly position: number }> {}

/** A {@link LoopMemory} that also shows its journal. */
export interface InMemory extends LoopMemory {
  /** Every committed event, in order. */
  readonly journal: Effect.Effect<ReadonlyArray<Event.Event>>
}

/**
 * A fresh in-memory memory (empty graph under `params`).
 * Laws: after `commit(es)` succeeds, `state == Replay.replay(journal)`; a failed commit leaves
 * state and journal unchanged.
 * @complexity commit: Σ cost of the events' transitions
 */
export const makeInMemory = (params?: Params.Params, dim?: number): Effect.Effect<InMemory> =>
  Effect.gen(function*() {
    interface Held {
      readonly state: Replay.State
      readonly journal: ReadonlyArray<Event.Event>
    }
    type Committed = { readonly state: Replay.State; readonly changes: ReadonlyArray<Changes.Changes> }
    const ref = yield* Ref.make<Held>({ state: Replay.initial(params, dim), journal: [] })
    const commit = (events: ReadonlyArray<Event.Event>, folded?: Folded): Effect.Effect<Committed, InMemoryError> =>
      Ref.modify(ref, (current): readonly [Result.Result<Committed, InMemoryError>, Held] => {
        // the caller's fold, when it starts from this state, stands for applying the events (as the store's commit)
        if (folded !== undefined && folded.from === current.state && folded.changes.length === events.length) {
          return [Result.succeed({ state: folded.state, changes: folded.changes }), { state: folded.state, journal: [...current.journal, ...events] }]
        }
        let state = current.state
        const changes: Array<Changes.Changes> = []
        for (const event of events) {
          const step = Replay.apply(state, event)
          if (Result.isFailure(step)) {
            return [Result.fail(new InMemoryError({ message: step.failure.message, position: step.failure.index })), current]
          }
          state = step.success.state
          changes.push(step.success.changes)
        }
        return [Result.succeed({ state, changes }), { state, journal: [...current.journal, ...events] }]
      }).pipe(Effect.flatMap((r) => (Result.isFailure(r) ? Effect.fail(r.failure) : Effect.succeed(r.success))))
    const memory: InMemory = {
      state: Effect.map(Ref.get(ref), (c) => c.state),
      journal: Effect.map(Ref.get(ref), (c) => c.journal),
      commit
    }
    return memory
  })

/** `ActiveMemory` as a fresh in-memory memory. @complexity O(1) */
export const layerInMemory = (params?: Params.Params, dim?: number): Layer.Layer<ActiveMemory> =>
  Layer.effect(ActiveMemory, makeInMemory(params, dim))

// ── scripted model ────────────────────────────────────────────────────────────

/** One recorded output: a text, or the raw response parts. */
export type Recorded = string | ReadonlyArray<Response.PartEncoded>

/** A scripted model and what it was asked. */
export interface Scripted {
  readonly model: LanguageModel.LanguageModel
  /** The prompts of the calls so far, in order. */
  readonly prompts: Effect.Effect<ReadonlyArray<AiPrompt.Prompt>>
}

const toParts = (r: Recorded): Array<Response.PartEncoded> => (typeof r === "string" ? [{ type: "text", text: r }] : [...r])

/**
 * A language model answering from `outputs` in order.
 * @complexity O(1) per call
 */
export const makeScripted = (outputs: ReadonlyArray<Recorded>): Effect.Effect<Scripted> =>
  Effect.gen(function*() {
    const calls = yield* Ref.make<ReadonlyArray<AiPrompt.Prompt>>([])
    const model = yield* LanguageModel.make({
      generateText: (options) =>
        Effect.flatMap(Ref.getAndUpdate(calls, (ps) => [...ps, options.prompt]), (before) => {
          const n = before.length
          if (n >= outputs.length) {
            return Effect.fail(AiError.make({
              module: "testing",
              method: "generateText",
              reason: new AiError.UnknownError({ description: `scripted model: no output left for call ${n + 1}` })
            }))
          }
          return Effect.succeed(toParts(outputs[n]!))
        }),
      streamText: () => Stream.die("scripted model: streaming is not scripted")
    })
    return { model, prompts: Ref.get(calls) }
  })

/** `LanguageModel` answering from `outputs` in order. @complexity O(1) */
export const layerScripted = (outputs: ReadonlyArray<Recorded>): Layer.Layer<LanguageModel.LanguageModel> =>
  Layer.effect(LanguageModel.LanguageModel, Effect.map(makeScripted(outputs), (s) => s.model))
