/**
 * MemoryController — the memory controller a loop and a recall consult (MISSION
 * feature 18): the hand-written rules, or a policy trained by `npm run train` and loaded from its
 * file (`--policy FILE`, `MAGS_POLICY`).
 *
 * What it decides outside the games (see `core/Controller.ts` for the decisions):
 * - **recall** (every recall: the CLI's and the HTTP/MCP API's `recall`, the loop's recall of the
 *   user's text and of the model's recall requests): default, shallow or deep — as overrides in
 *   the recall's input, which the `Recalled` event records, so a replay recalls alike;
 * - **maintain** (after a loop turn): whether to run the housekeeping (decay over the time since
 *   the loop's last housekeeping, prune, consolidate) now. An ingest never runs it (`mags
 *   maintain` does, when asked).
 * The `trust` and `engram` decisions are the games' only: what a user tells is always stored, and
 * every current recalled fact is shown (nothing a user told is hidden or dropped by a policy).
 *
 * Features outside the games: the query's words and how many of them are nodes, the graph's size;
 * a "surprise" is a turn whose reconcile superseded a fact; "steps" count the loop's turns — a
 * plain recall sees no history (those features read as "never").
 *
 * The service is optional: code reads it with `Effect.serviceOption`, and its absence is the
 * hand-written controller — which is exactly the behaviour before any controller existed.
 *
 * @since 0.1.0
 */
import { readFile } from "node:fs/promises"
import { Context, Effect, Layer, Option, Schema } from "effect"
import * as Controller from "../../core/Controller.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"

/** A loaded controller and where it came from (`undefined`: the hand-written rules). */
export interface Loaded {
  readonly controller: Controller.Controller
  readonly source: string | undefined
}

/** The memory controller in use (absent: the hand-written rules). */
export class MemoryController extends Context.Service<MemoryController, Loaded>()("mags/shell/loop/MemoryController") {}

/** Why a policy file could not be loaded. */
export class PolicyError extends Schema.TaggedError<PolicyError>()("PolicyError", {
  reason: Schema.Literals(["NotFound", "Invalid"]),
  file: Schema.String,
  message: Schema.String
}) {}

/**
 * Reads and checks a policy file: JSON, a `Controller.PolicyFile`, a policy of the controller's
 * spec. Fails with `PolicyError` (`NotFound`: unreadable; `Invalid`: anything else) naming the file.
 * @complexity O(file size)
 */
export const load = (file: string): Effect.Effect<Loaded, PolicyError> =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (e) => new PolicyError({ reason: "NotFound", file, message: `cannot read the policy file ${file}: ${e instanceof Error ? e.message : String(e)}` })
    })
    const invalid = (why: string) => new PolicyError({ reason: "Invalid", file, message: `${file} is not a memory-controller policy: ${why}` })
    const json = yield* Effect.try({ try: () => JSON.parse(text) as unknown, catch: (e) => invalid(e instanceof Error ? e.message : String(e)) })
    const decoded = yield* Effect.try({
      try: () => Schema.decodeUnknownSync(Controller.PolicyFile)(json),
      catch: (e) => invalid(e instanceof Error ? e.message.split("\n")[0]! : String(e))
    })
    const controller = yield* Effect.try({ try: () => Controller.fromFile(decoded), catch: (e) => invalid(e instanceof Error ? e.message : String(e)) })
    return { controller, source: file }
  })

/** The controller of a policy file as a layer. */
export const layer = (file: string): Layer.Layer<MemoryController, PolicyError> => Layer.effect(MemoryController, load(file))

/** The hand-written controller as a layer (what the service's absence means too). */
export const layerHand: Layer.Layer<MemoryController> = Layer.succeed(MemoryController, { controller: Controller.hand, source: undefined })

/** The controller in use: the service's, or the hand-written one when none is provided. */
export const current: Effect.Effect<Loaded> = Effect.map(
  Effect.serviceOption(MemoryController),
  Option.getOrElse((): Loaded => ({ controller: Controller.hand, source: undefined }))
)

/**
 * The recall action and what it puts in the recall's input (`reach`) for `query` on `g`.
 * @complexity a policy forward pass
 */
export const recallFor = (
  c: Controller.Controller,
  g: LiquidGraph.LiquidGraph,
  query: string,
  h: Controller.History = {}
): { readonly action: Controller.ActionOf<"recall">; readonly overrides: Controller.RecallOverrides } => {
  const action = Controller.decide(c, "recall", Controller.features(Controller.contextOf(g, query, h), "pre"))
  return { action, overrides: Controller.recallOverrides(action) }
}

/**
 * Whether to run the housekeeping now, after a step that recalled `recalled` facts (of which
 * `negated` negations).
 * @complexity a policy forward pass
 */
export const maintainFor = (
  c: Controller.Controller,
  g: LiquidGraph.LiquidGraph,
  query: string,
  recalled: number,
  negated: number,
  h: Controller.History = {}
): Controller.ActionOf<"maintain"> =>
  Controller.decide(c, "maintain", Controller.features({
    ...Controller.contextOf(g, query, h),
    recalled,
    recalledNegated: recalled === 0 ? 0 : negated / recalled
  }, "post"))
