/**
 * ActiveMemory — the memory a loop reads and writes.
 *
 * The loop needs two things of a memory: its current state, and `commit(events)`, the one door
 * every change goes through. {@link LoopMemory} is that part of the store's `Memory`
 * (shell/store/MemoryStore.ts): a store's opened `Memory` is a `LoopMemory` as it is, so the CLI
 * provides `ActiveMemory` with `Layer.effect(ActiveMemory, store.open(id))` and tests provide an
 * in-memory one (shell/loop/testing.ts). Keeping the loop on this smaller contract keeps it free
 * of any storage concern.
 *
 * Contract of `commit` (as the store's): applies the events to the current state in order
 * (`Replay.apply`) — or takes the caller's fold of them, when it starts from the current state —;
 * if any is rejected nothing is written and it fails; otherwise it writes them as one batch and
 * swaps the state.
 *
 * @since 0.1.0
 */
import { Context, type Effect } from "effect"
import type * as Changes from "../../core/Changes.ts"
import type * as Event from "../../core/Event.ts"
import type * as Replay from "../../core/Replay.ts"

/** Any failure of a commit: a tagged error with a message (the store's `StoreError` is one). */
export interface CommitFailure {
  readonly _tag: string
  readonly message: string
}

/**
 * A caller's fold of a batch of events (the store's `Folded`): the state they were applied on,
 * the state after them, and each event's changes.
 */
export interface Folded {
  readonly from: Replay.State
  readonly state: Replay.State
  readonly changes: ReadonlyArray<Changes.Changes>
}

/** What the loop needs of a memory. */
export interface LoopMemory {
  /** The current state. */
  readonly state: Effect.Effect<Replay.State>
  /**
   * Applies and persists `events` as one batch (all or nothing). `folded`: the caller's own fold
   * of them; when it starts from the current state (the same object) the memory takes it instead
   * of applying the events again (law: `commit(es, fold of es on state)` ≡ `commit(es)`).
   */
  readonly commit: (events: ReadonlyArray<Event.Event>, folded?: Folded) => Effect.Effect<
    { readonly state: Replay.State; readonly changes: ReadonlyArray<Changes.Changes> },
    CommitFailure
  >
}

/** The memory the loop works on. */
export class ActiveMemory extends Context.Service<ActiveMemory, LoopMemory>()("mags/shell/loop/ActiveMemory") {}
