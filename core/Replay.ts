/**
 * Replay — folding an event log into memory; snapshots.
 *
 * The state of a memory is `(graph, params, seq)`: the graph, the parameters in force, and the
 * number of events applied. `apply` is the single step of the fold; `replay` folds a log.
 * Replay is pure, so the same log always gives the same graph (same `contentHash`), on any
 * machine. A snapshot is a state in JSON; `restore(snapshot(s))` equals `s`, so
 * `replay(tail, restore(snapshot(replay(prefix))))` equals `replay(prefix ++ tail)`.
 *
 * A snapshot also comes in parts ({@link snapshotParts}): plain rows without the vectors, and
 * the vectors as one `Float32Array`, for a store that keeps them raw; {@link restoreParts} reads
 * them back without Schema (a lean decoder that checks every field and invariant as it builds the
 * graph in one bulk pass), several times faster than {@link restore}.
 *
 * A malformed event (failing its Schema) or one its transition rejects stops the fold with a
 * `MalformedEvent` carrying its position; the state before it is returned beside the error, so
 * the good prefix stays usable, and no partial effect of the bad event is ever visible.
 *
 * The fold is chunked: a run of `Engrammed` events (most of a journal) goes through one
 * transient draft (`Engram.engramInto`), frozen when the run ends or reaches {@link CHUNK}
 * events, so a long log pays one draft per chunk rather than one per event; the law is that
 * this equals the event-by-event fold of {@link apply} (same graph and `contentHash`, same
 * changes with {@link applyAll}), and a bad event inside a run returns the state before it.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { reactivate } from "./Archive.ts"
import type { Changes } from "./Changes.ts"
import * as Changes_ from "./Changes.ts"
import { consolidate } from "./Consolidate.ts"
import { decay } from "./Decay.ts"
import { engram, engramInto } from "./Engram.ts"
import { InvalidGraph, InvalidInput, MalformedEvent } from "./Errors.ts"
import * as Event from "./Event.ts"
import { forget } from "./Forget.ts"
import * as LiquidGraph from "./LiquidGraph.ts"
import * as Parts from "./internal/Parts.ts"
import * as Params_ from "./Params.ts"
import { promote } from "./Promote.ts"
import { prune } from "./Prune.ts"
import { recall, type RecallResult } from "./Recall.ts"
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
  return guarded(state, () => {
    const { changes, graph } = run(state, event)
    return { state: { graph, params: state.params, seq: state.seq + 1 }, changes }
  })
}

/** `step()`, with a transition's rejection of its input as the `MalformedEvent` at `state.seq`. */
const guarded = <A>(state: State, step: () => A): Result.Result<A, MalformedEvent> => {
  try {
    return Result.succeed(step())
  } catch (error) {
    if (error instanceof InvalidInput) {
      return Result.fail(new MalformedEvent({ index: state.seq, message: `${error.transition}: ${error.message}` }))
    }
    throw error
  }
}

/**
 * {@link apply} for a Recalled event, which also gives what the recall found: a caller that must
 * both answer a recall and record it applies the event once, here, and hands the fold to its store.
 *
 * Laws: `applyRecalled(s, e)` and `apply(s, e)` agree — both fail with the same error, or both
 * succeed with equal states and changes; its `result` is `Recall.recall(s.graph, e.input,
 * s.params, e.now).result`.
 * @complexity that of `Recall.recall`
 */
export const applyRecalled = (
  state: State,
  event: Event.Recalled
): Result.Result<{ readonly state: State; readonly changes: Changes; readonly result: RecallResult }, MalformedEvent> =>
  guarded(state, () => {
    const { changes, graph, result } = recall(state.graph, event.input, state.params, event.now)
    return { state: { graph, params: state.params, seq: state.seq + 1 }, changes, result }
  })

/** The outcome of folding a log that may contain a bad event. */
export interface Outcome {
  /** The state after the last good event (the good prefix). */
  readonly state: State
  /** The first bad event's error, if any; events after it were not applied. */
  readonly error: MalformedEvent | undefined
}

/** The outcome of {@link applyAll}: an {@link Outcome} with every applied event's changes. */
export interface BatchOutcome extends Outcome {
  /** `changes[i]` is what the i-th event did (one entry per applied event, the good prefix). */
  readonly changes: ReadonlyArray<Changes>
}

/** Most events folded through one draft before it is finished (bounds the draft's caches). */
export const CHUNK = 4096

/**
 * The fold of a chunk. Consecutive `Engrammed` events go through ONE open draft
 * (`Engram.engramInto`), finished when another kind of event comes, after {@link CHUNK} events,
 * or at the end; every other event is applied as by {@link apply}. A bad event leaves the state
 * of the events before it: the draft's events are folded again from the chunk's first state
 * (pure, so they give the same graph) without it.
 */
const fold = (events: Iterable<Event.Event | unknown>, from: State, changes: Array<Changes> | undefined, chunk: number): Outcome => {
  let state = from
  /** The open draft, the state it was opened on, and the events written into it. */
  let d: LiquidGraph.Draft | undefined
  let base = from
  let written: Array<Event.Engrammed> = []
  const close = (): void => {
    if (d === undefined) return
    state = { graph: d.finish(), params: state.params, seq: state.seq }
    d = undefined
    written = []
  }
  /** The state just before a bad event met inside the draft: the draft's good events refolded. */
  const beforeBad = (): State => {
    if (d === undefined) return state
    const again = LiquidGraph.draft(base.graph)
    for (const e of written) engramInto(again, e.input, state.params, e.now)
    return { graph: again.finish(), params: state.params, seq: state.seq }
  }
  for (const raw of events) {
    let event: Event.Event
    if (Event.isEvent(raw)) event = raw
    else {
      const decoded = Event.decode(raw, state.seq)
      if (Result.isFailure(decoded)) return { state: beforeBad(), error: decoded.failure }
      event = decoded.success
    }
    if (event._tag === "Engrammed") {
      if (d === undefined) {
        base = state
        d = LiquidGraph.draft(state.graph)
      }
      try {
        const step = engramInto(d, event.input, state.params, event.now)
        changes?.push(step.changes)
      } catch (error) {
        if (error instanceof InvalidInput) {
          return { state: beforeBad(), error: new MalformedEvent({ index: state.seq, message: `${error.transition}: ${error.message}` }) }
        }
        throw error
      }
      written.push(event)
      state = { graph: state.graph, params: state.params, seq: state.seq + 1 }
      if (written.length >= chunk) close()
      continue
    }
    close()
    const step = apply(state, event)
    if (Result.isFailure(step)) return { state, error: step.failure }
    changes?.push(step.success.changes)
    state = step.success.state
  }
  close()
  return { state, error: undefined }
}

/**
 * Folds `events` (decoded events, or their JSON forms) over `from`, stopping at the first bad
 * one. The error's `index` counts from the start of the whole history (`from.seq` + position).
 * Runs of `Engrammed` events are folded through one transient draft (one mutable pass per
 * chunk, frozen when the chunk ends), so a long log costs one draft, not one per event.
 *
 * Laws: `replayAll(es, s)` == the event-by-event fold of {@link apply} (equal graphs, same
 * `contentHash`, same params and seq, same error); on a bad event, the state before it,
 * unchanged; `replayAll(a ++ b, s) == replayAll(b, replayAll(a, s).state)` when `a` is all
 * good; `replayAll([], s).state == s`.
 * @complexity Σ cost of the events' transitions, less the per-event draft cost of each run of
 *   `Engrammed` events (one draft open and finish per {@link CHUNK} of them)
 */
export const replayAll = (events: Iterable<Event.Event | unknown>, from: State = initial()): Outcome => fold(events, from, undefined, CHUNK)

/**
 * {@link replayAll} that also returns what each applied event changed: for committing a batch
 * of events (the shell's turn) in one pass. `chunk` (default {@link CHUNK}, at least 1) bounds
 * the `Engrammed` events folded through one draft; it changes nothing but the cost.
 *
 * Laws: `applyAll(es, s, k).changes[i]` equals the `changes` of {@link apply} on the i-th event
 * in the event-by-event fold, and `state` and `error` are those of {@link replayAll}, for every
 * `k ≥ 1`.
 * @complexity that of {@link replayAll}
 */
export const applyAll = (events: Iterable<Event.Event | unknown>, from: State = initial(), chunk: number = CHUNK): BatchOutcome => {
  const changes: Array<Changes> = []
  const out = fold(events, from, changes, Math.max(1, Math.floor(chunk)))
  return { ...out, changes }
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

// ── snapshots in parts ────────────────────────────────────────────────────────

/**
 * The plain-data part of a snapshot in parts: the state without its vectors, every node and
 * edge a row (`internal/Parts.ts` documents the rows). JSON-ready: `JSON.parse(JSON.stringify(x))`
 * restores the same.
 * @since 0.2.0
 */
export interface SnapshotRows {
  readonly format: "mags-snapshot-parts/1"
  readonly seq: number
  readonly params: Params_.Params
  readonly graph: Parts.PartsGraph
}

/** A snapshot in parts (see {@link snapshotParts}). */
export interface SnapshotParts {
  /** Everything but the vectors, as plain data. */
  readonly json: SnapshotRows
  /** The ids of the vectors, one per row of `vectors`. */
  readonly ids: ReadonlyArray<string>
  /** `ids.length` rows of `dim` float32 values: the stored unit vectors, raw. */
  readonly vectors: Float32Array
  readonly dim: number
}

/**
 * A state as a snapshot in parts: plain rows (no Schema encoding, nothing sorted, derived fields
 * left out) and the vectors raw, for a store that writes the vectors as bytes.
 *
 * Laws: `restoreParts(snapshotParts(s))` succeeds with a state equal to `s` (graph `Equal`, same
 * `contentHash`, params and seq) and to `restore(snapshot(s))`, also after the rows go through
 * `JSON.stringify` / `JSON.parse` and the vectors through their bytes.
 * @complexity O(n + m + vectors · dim)
 */
export const snapshotParts = (state: State): SnapshotParts => {
  const parts = Parts.encode(state.graph)
  return {
    json: { format: "mags-snapshot-parts/1", seq: state.seq, params: state.params, graph: parts.graph },
    ids: parts.ids,
    vectors: parts.vectors,
    dim: parts.dim
  }
}

/**
 * The state a snapshot in parts describes; `InvalidGraph` when the parts are not one. The rows
 * are read by a lean decoder, not Schema: it checks each field's type and range and every
 * invariant of the graph (`laws/Invariants.ts`) that data can break, and derives every index and
 * score (importance included) itself. Whatever the input (the rows after any corruption, ids and
 * vectors of any length), the answer is a state whose graph passes the invariant checker, or
 * `InvalidGraph`; it never throws. The params go through `Params.decode`. The parts are taken as
 * `unknown` (as a store reads them back): `ids` must be a list of strings, `vectors` a
 * `Float32Array` of `ids.length × dim` values, `dim` a count.
 * @complexity O((n + m) log (n + m) + Σ text lengths + vectors · dim)
 */
export const restoreParts = (json: unknown, ids: unknown, vectors: unknown, dim: unknown): Result.Result<State, InvalidGraph> => {
  if (json === null || typeof json !== "object") return Result.fail(new InvalidGraph({ message: "snapshot: not an object" }))
  const { format, graph, params, seq } = json as Record<string, unknown>
  if (format !== "mags-snapshot-parts/1") return Result.fail(new InvalidGraph({ message: "snapshot: format is not mags-snapshot-parts/1" }))
  if (!Number.isInteger(seq) || (seq as number) < 0) return Result.fail(new InvalidGraph({ message: "snapshot: seq is not a count" }))
  const checked = Params_.decode(params)
  if (Result.isFailure(checked)) return Result.fail(new InvalidGraph({ message: `snapshot: params: ${checked.failure.message}` }))
  const g = Parts.decode(graph, ids, vectors, dim)
  if (typeof g === "string") return Result.fail(new InvalidGraph({ message: g }))
  return Result.succeed({ graph: g, params: checked.success, seq: seq as number })
}
