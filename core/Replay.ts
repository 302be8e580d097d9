/**
 * Replay — folding an event log into memory; snapshots.
 *
 * The state of a memory is `(graph, params, seq)`: the graph, the parameters in force, and the
 * number of events applied. `apply` is the single step of the fold; `replay` folds a log.
 * Replay is pure, so the same log always gives the same graph (same `contentHash`), on any
 * machine. A snapshot is a state in JSON; `restore(snapshot(s))` equals `s`, so
 * `replay(tail, restore(snapshot(replay(prefix))))` equals `replay(prefix ++ tail)`.
 *
 * A malformed event (failing its Schema) or one its transition rejects stops the fold with a
 * `MalformedEvent` carrying its position; the state before it is returned beside the error, so
 * the good prefix stays usable, and no partial effect of the bad event is ever visible.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { reactivate } from "./Archive.ts"
import type { Changes } from "./Changes.ts"
import * as Changes_ from "./Changes.ts"
import { consolidate } from "./Consolidate.ts"
import { decay } from "./Decay.ts"
import { engram } from "./Engram.ts"
import { InvalidGraph, InvalidInput, MalformedEvent } from "./Errors.ts"
import * as Event from "./Event.ts"
import { forget } from "./Forget.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import * as Params_ from "./Params.ts"
import { promote } from "./Promote.ts"
import { prune } from "./Prune.ts"
import { recall } from "./Recall.ts"
import { reconcile } from "./Reconcile.ts"
import { reinforce } from "./Reinforce.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** A memory at a point of its history. */
export interface State {
  readonly graph: LiquidGraph.LiquidGraph
  readonly params: Params_.Params
  /** Number of events applied to reach this state. */
  readonly seq: number
}

// ── constructors ──────────────────────────────────────────────────────────────

/**
 * The state before any event: the empty graph under `params` (default: `Params.defaults`).
 * @complexity O(1)
 */
export const initial = (params: Params_.Params = Params_.defaults, dim = 0): State => ({
  graph: LiquidGraph.empty(dim),
  params,
  seq: 0
})

// ── the fold ──────────────────────────────────────────────────────────────────

const run = (state: State, event: Event.Event): { graph: LiquidGraph.LiquidGraph; changes: Changes } => {
  const { graph, params } = state
  switch (event._tag) {
    case "Engrammed":
      return engram(graph, event.input, params, event.now)
    case "Recalled":
      return recall(graph, event.input, params, event.now)
    case "Reinforced":
      return reinforce(graph, event.input, params, event.now)
    case "Decayed":
      return decay(graph, event.input, params, event.now)
    case "Pruned":
      return prune(graph, event.input, params, event.now)
    case "Consolidated":
      return consolidate(graph, event.input, params, event.now)
    case "Reconciled":
      return reconcile(graph, event.input, params, event.now)
    case "Promoted":
      return promote(graph, event.input, params, event.now)
    case "Forgotten":
      return forget(graph, event.input, params, event.now)
    case "Reactivated":
      return reactivate(graph, event.input, params, event.now)
    case "ParamsSet":
      return { graph, changes: Changes_.none }
  }
}

/**
 * One step of the fold: applies `event` to `state`.
 *
 * Laws: pure (same state and event ⇒ equal results); on failure the input state is unchanged
 * (it is a value) and the error's `index` is `state.seq`.
 * @complexity that of the event's transition
 */
export const apply = (
  state: State,
  event: Event.Event
): Result.Result<{ readonly state: State; readonly changes: Changes }, MalformedEvent> => {
  if (event._tag === "ParamsSet") {
    const checked = Params_.decode(event.params)
    if (Result.isFailure(checked)) return Result.fail(new MalformedEvent({ index: state.seq, message: checked.failure.message }))
    return Result.succeed({ state: { graph: state.graph, params: checked.success, seq: state.seq + 1 }, changes: Changes_.none })
  }
  try {
    const { changes, graph } = run(state, event)
    return Result.succeed({ state: { graph, params: state.params, seq: state.seq + 1 }, changes })
  } catch (error) {
    if (error instanceof InvalidInput) {
      return Result.fail(new MalformedEvent({ index: state.seq, message: `${error.transition}: ${error.message}` }))
    }
    throw error
  }
}

/** The outcome of folding a log that may contain a bad event. */
export interface Outcome {
  /** The state after the last good event (the good prefix). */
  readonly state: State
  /** The first bad event's error, if any; events after it were not applied. */
  readonly error: MalformedEvent | undefined
}

/**
 * Folds `events` (decoded events, or their JSON forms) over `from`, stopping at the first bad
 * one. The error's `index` counts from the start of the whole history (`from.seq` + position).
 *
 * Laws: `replayAll(a ++ b, s) == replayAll(b, replayAll(a, s).state)` when `a` is all good;
 * `replayAll([], s).state == s`.
 * @complexity Σ cost of the events' transitions
 */
export const replayAll = (events: Iterable<Event.Event | unknown>, from: State = initial()): Outcome => {
  let state = from
  for (const raw of events) {
    let event: Event.Event
    if (Schema.is(Event.Event)(raw)) event = raw
    else {
      const decoded = Event.decode(raw, state.seq)
      if (Result.isFailure(decoded)) return { state, error: decoded.failure }
      event = decoded.success
    }
    const step = apply(state, event)
    if (Result.isFailure(step)) return { state, error: step.failure }
    state = step.success.state
  }
  return { state, error: undefined }
}

/**
 * Folds `events` over `from`; fails with the first bad event's `MalformedEvent`.
 *
 * Laws: replay purity (`replay(es)` twice gives equal graphs and equal `contentHash`);
 * `replay(tail, restore(snapshot(replay(prefix)))) == replay(prefix ++ tail)`.
 * @complexity Σ cost of the events' transitions
 * @example
 * ```ts
 * const log = [new Event.Engrammed({ now: 0, input: { facts: [{ subject: "a", relation: "r", object: "b" }] } })]
 * const s = Result.getOrThrow(Replay.replay(log))
 * ```
 */
export const replay = (events: Iterable<Event.Event | unknown>, from: State = initial()): Result.Result<State, MalformedEvent> => {
  const out = replayAll(events, from)
  return out.error === undefined ? Result.succeed(out.state) : Result.fail(out.error)
}

// ── snapshots ─────────────────────────────────────────────────────────────────

/**
 * The Schema of a snapshot: a state in JSON.
 * @since 0.1.0
 */
export const Snapshot = Schema.Struct({
  format: Schema.Literal("mags-snapshot/1"),
  seq: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  params: Params_.Params,
  graph: LiquidGraph.GraphJson
})
export type Snapshot = typeof Snapshot.Type

/**
 * A state as a JSON-ready snapshot.
 * Laws: `restore(snapshot(s)) == Result.succeed(s)` (graph equal, same params and seq).
 * @complexity O((n + m) log (n + m) + vectors · dim)
 */
export const snapshot = (state: State): Snapshot => ({
  format: "mags-snapshot/1",
  seq: state.seq,
  params: state.params,
  graph: LiquidGraph.toJSON(state.graph)
})

const decodeSnapshot = Schema.decodeUnknownResult(Snapshot)

/**
 * The state a snapshot describes; `InvalidGraph` when it is not a valid snapshot.
 * @complexity O((n + m) log (n + m) + vectors · dim)
 */
export const restore = (input: unknown): Result.Result<State, InvalidGraph> => {
  const decoded = decodeSnapshot(input)
  if (Result.isFailure(decoded)) return Result.fail(new InvalidGraph({ message: String(decoded.failure) }))
  const graph = LiquidGraph.fromJSON(decoded.success.graph)
  if (Result.isFailure(graph)) return Result.fail(graph.failure)
  return Result.succeed({ graph: graph.success, params: decoded.success.params, seq: decoded.success.seq })
}
