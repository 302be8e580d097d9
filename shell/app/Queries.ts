/**
 * Queries — recall as the app runs it (`Ops.recall`, `mags recall`, `mags demo`), and recall and
 * connect answers as lines of text.
 *
 * **Recall changes memory** (Hebbian links between co-recalled anchors, access counts), so a
 * recorded recall is a **Recalled** event `{ text, embedding, … }` with the clock's `now`: the
 * result is computed on the current state (pure `Recall.recall`) and the event committed, so
 * the journal replays it. The query's time hint (`Dates.timeHint`: the window a question such as
 * "what did I do last May?" names, relative to the clock, or `asksWhen` for "when did …?") is
 * part of the input, recall's time source. `record: false` only reads. **Connect** only reads
 * (the strongest path, `Ops.connect`); it is not an event.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Result } from "effect"
import type * as Changes from "../../core/Changes.ts"
import type * as Controller from "../../core/Controller.ts"
import * as Event from "../../core/Event.ts"
import * as Recall from "../../core/Recall.ts"
import * as Replay from "../../core/Replay.ts"
import { Embedder } from "../embeddings/Embedder.ts"
import * as Dates from "../extract/Dates.ts"
import * as MemoryController from "../loop/MemoryController.ts"
import type { Memory } from "../store/MemoryStore.ts"
import { type AppFailure, fail, fromAiError, fromStoreError } from "./Failure.ts"
import * as Render from "./Render.ts"
import type { ConnectView } from "./Views.ts"

/**
 * Recall's candidate sources named in `names`, each once, checked: the list, or why not (the CLI's
 * `--sources` and the HTTP API's `sources` both read through it).
 * Laws: `checkSources(Recall.SOURCES)` is `Recall.SOURCES`; an unknown or repeated name, or no
 * name, is refused.
 * @complexity O(|names| · |SOURCES|)
 */
export const checkSources = (names: ReadonlyArray<string>): Array<Recall.Source> | { readonly error: string } => {
  const out: Array<Recall.Source> = []
  for (const name of names) {
    const source = Recall.SOURCES.find((x) => x === name)
    if (source === undefined) return { error: `unknown source "${name}" (known: ${Recall.SOURCES.join(", ")})` }
    if (out.includes(source)) return { error: `"${name}" is given twice` }
    out.push(source)
  }
  return out.length === 0 ? { error: "name at least one source" } : out
}

/** Options of {@link recall}. */
export interface RecallOptions {
  /** Anchors (default: the memory's `anchors` parameter). */
  readonly k?: number | undefined
  /** Facts and episodes returned (default: the memory's `maxResults`). */
  readonly maxResults?: number | undefined
  /** World time to recall at (default: current facts only). */
  readonly at?: number | undefined
  /** Commit the Recalled event (default true). */
  readonly record?: boolean | undefined
  /** Recall's candidate sources to use (default: all; `RecallInput.sources`). */
  readonly sources?: ReadonlyArray<Recall.Source> | undefined
}

/** A recall and the state it was computed on. */
export interface Recalled {
  readonly result: Recall.RecallResult
  /** The state the result's facts and paths refer to (after the recall). */
  readonly state: Replay.State
  /** How the memory controller had it recall (`MemoryController`; `default` under the hand-written rules). */
  readonly controller: Controller.ActionOf<"recall">
}

/**
 * `event` applied to `state` (pure, `Replay.apply`), a rejected input as a `Usage` failure: for
 * an operation that must see a transition's changes before it commits (and then hands the fold to
 * `memory.commit`, which does not apply the event again).
 * @complexity that of the event's transition
 */
export const applyOnce = (
  state: Replay.State,
  event: Event.Event
): Result.Result<{ readonly state: Replay.State; readonly changes: Changes.Changes }, AppFailure> =>
  Result.mapError(Replay.apply(state, event), (e) => fail("Usage", e.message))

/**
 * Recalls `query` from `memory` (see the module header). The recall is computed ONCE: the
 * Recalled event is applied here (`Replay.applyRecalled`), the answer taken from that
 * application, and its fold handed to `memory.commit`, which then writes the event without
 * applying it again.
 * @complexity one embedding + one `Recall.recall` (+ one commit)
 */
export const recall = Effect.fnUntraced(function*(
  memory: Memory,
  query: string,
  options: RecallOptions = {}
): Effect.fn.Return<Recalled, AppFailure, Embedder> {
  const embedder = yield* Embedder
  const now = yield* Clock.currentTimeMillis
  const vector = Array.from(yield* embedder.embed(query).pipe(Effect.mapError((e) => fromAiError(e, "embeddings"))))
  const time = Dates.timeHint(query, now)
  const control = yield* MemoryController.current
  const before = yield* memory.state
  const how = MemoryController.recallFor(control.controller, before.graph, query)
  const input: Recall.RecallInput = {
    ...how.overrides,
    text: query,
    ...(vector.some((x) => x !== 0) ? { embedding: vector } : {}),
    ...(time === undefined ? {} : { time }),
    ...(options.at === undefined ? {} : { at: options.at }),
    ...(options.k === undefined ? {} : { k: options.k }),
    ...(options.maxResults === undefined ? {} : { maxResults: options.maxResults }),
    ...(options.sources === undefined ? {} : { sources: options.sources })
  }
  const event = Result.try({
    try: () => new Event.Recalled({ now, input }),
    catch: (e) => fail("Usage", `recall: ${e instanceof Error ? e.message : String(e)}`)
  })
  if (Result.isFailure(event)) return yield* event.failure
  const state = yield* memory.state
  const step = Replay.applyRecalled(state, event.success)
  if (Result.isFailure(step)) return yield* fail("Usage", step.failure.message)
  const { changes, result } = step.success
  if (options.record === false) return { result, state: { ...state, graph: step.success.state.graph }, controller: how.action }
  const committed = yield* memory.commit([event.success], { from: state, state: step.success.state, changes: [changes] }).pipe(
    Effect.mapError(fromStoreError)
  )
  return { result, state: committed.state, controller: how.action }
})

/**
 * A recall as lines: the anchors, then each fact with its score and justifying path, then the
 * episodes.
 * @complexity O(results · path length)
 */
export const recallLines = (r: Recalled): Array<string> => {
  const g = r.state.graph
  const lines: Array<string> = []
  if (r.result.anchors.length > 0) {
    lines.push(`anchors: ${r.result.anchors.map((a) => `${Render.label(g, a.id)} (${a.score.toFixed(2)})`).join(", ")}`)
  }
  if (r.result.facts.length === 0 && r.result.episodes.length === 0) lines.push("nothing recalled")
  r.result.facts.forEach((f, i) => {
    lines.push(`${i + 1}. ${Render.fact(g, f.fact)}   score ${f.score.toFixed(3)}`)
    lines.push(`   path: ${Render.path(g, f.path)}   (weight ${f.path.weight.toFixed(3)})`)
  })
  for (const e of r.result.episodes) {
    lines.push(`episode ${Render.label(g, e.id)}   score ${e.score.toFixed(3)}`)
  }
  return lines
}

/**
 * A connect answer (`Ops.connect`) as lines: the path and its length and weight, or why the two
 * are not connected.
 * @complexity O(path length)
 */
export const connectLines = (view: ConnectView): Array<string> =>
  view.path === null
    ? [view.reason ?? `"${view.from}" and "${view.to}" are not connected`]
    : [view.path.text, `(${view.path.edges.length} edge${view.path.edges.length === 1 ? "" : "s"}, weight ${view.path.weight.toFixed(3)})`]
