/**
 * Event — one Schema-typed event per transition, carrying all of its inputs.
 *
 * An event is everything the world contributed to one step of memory: the transition's input
 * (including model outputs already turned into triples, embeddings, and world times) and the
 * system time `now` the shell read from its clock. Parameters change through their own event,
 * {@link ParamsSet}, so a log is self-contained: folding it from the initial state rebuilds the
 * exact graph (see `Replay`).
 *
 * The JSON form of an event is its Schema encoding (`encode` / `decode`), one object per line
 * in a journal.
 *
 * @since 0.1.0
 */
import { Result, Schema } from "effect"
import { ReactivateInput } from "./Archive.ts"
import { ConsolidateInput } from "./Consolidate.ts"
import { DecayInput } from "./Decay.ts"
import { EngramInput } from "./Engram.ts"
import { ForgetInput } from "./Forget.ts"
import { MalformedEvent } from "./Errors.ts"
import { Params } from "./Params.ts"
import { PromoteInput } from "./Promote.ts"
import { PruneInput } from "./Prune.ts"
import { RecallInput } from "./Recall.ts"
import { ReconcileInput } from "./Reconcile.ts"
import { ReinforceInput } from "./Reinforce.ts"

const Now = Schema.Finite

/** `engram` was applied. */
export class Engrammed extends Schema.TaggedClass<Engrammed>()("Engrammed", { now: Now, input: EngramInput }) {}

/** `recall` was applied (it changes the graph: Hebbian links between anchors, access counts). */
export class Recalled extends Schema.TaggedClass<Recalled>()("Recalled", { now: Now, input: RecallInput }) {}

/** `reinforce` was applied. */
export class Reinforced extends Schema.TaggedClass<Reinforced>()("Reinforced", { now: Now, input: ReinforceInput }) {}

/** `decay` was applied. */
export class Decayed extends Schema.TaggedClass<Decayed>()("Decayed", { now: Now, input: DecayInput }) {}

/** `prune` was applied. */
export class Pruned extends Schema.TaggedClass<Pruned>()("Pruned", { now: Now, input: PruneInput }) {}

/** `consolidate` was applied. */
export class Consolidated extends Schema.TaggedClass<Consolidated>()("Consolidated", { now: Now, input: ConsolidateInput }) {}

/** `reconcile` was applied. */
export class Reconciled extends Schema.TaggedClass<Reconciled>()("Reconciled", { now: Now, input: ReconcileInput }) {}

/** `promote` was applied. */
export class Promoted extends Schema.TaggedClass<Promoted>()("Promoted", { now: Now, input: PromoteInput }) {}

/** `forget` was applied: a target deleted from the active graph and the archive, tombstoned. */
export class Forgotten extends Schema.TaggedClass<Forgotten>()("Forgotten", { now: Now, input: ForgetInput }) {}

/** `Archive.reactivate` was applied: archived items brought back into the active graph. */
export class Reactivated extends Schema.TaggedClass<Reactivated>()("Reactivated", { now: Now, input: ReactivateInput }) {}

/** The parameters changed; every later event runs under these. */
export class ParamsSet extends Schema.TaggedClass<ParamsSet>()("ParamsSet", { now: Now, params: Params }) {}

/**
 * The Schema of any event.
 * @since 0.1.0
 */
export const Event = Schema.Union([Engrammed, Recalled, Reinforced, Decayed, Pruned, Consolidated, Reconciled, Promoted, ParamsSet, Forgotten, Reactivated])

/** Any event. */
export type Event = typeof Event.Type

/** The JSON form of an event. */
export type Encoded = typeof Event.Encoded

const eventClasses = [Engrammed, Recalled, Reinforced, Decayed, Pruned, Consolidated, Reconciled, Promoted, ParamsSet, Forgotten, Reactivated] as const

/**
 * Whether `u` is a decoded event (an instance of one of the event classes, which check their
 * fields when constructed), as opposed to a JSON form to {@link decode}. O(1): no field is read.
 * Laws: `isEvent(decode(j, i).success)`; `¬isEvent(encode(e))`; agrees with `Schema.is(Event)` on
 * events and on their JSON forms.
 * @complexity O(1)
 */
export const isEvent = (u: unknown): u is Event => {
  if (typeof u !== "object" || u === null) return false
  for (const c of eventClasses) if (u instanceof c) return true
  return false
}

const decodeEvent = Schema.decodeUnknownResult(Event)
const encodeEvent = Schema.encodeSync(Event)

/**
 * Decodes one event from its JSON form; `index` is its position in the log (for the error).
 * Laws: `decode(encode(e), i) == Result.succeed(e)`.
 * @complexity O(size of the event)
 */
export const decode = (input: unknown, index: number): Result.Result<Event, MalformedEvent> =>
  Result.mapError(decodeEvent(input), (issue) => new MalformedEvent({ index, message: String(issue) }))

/**
 * The JSON form of an event (plain data; `JSON.stringify` it for a journal line).
 * @complexity O(size of the event)
 */
export const encode = (event: Event): Encoded => encodeEvent(event)
