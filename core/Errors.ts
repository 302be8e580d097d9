/**
 * Errors — the typed failures of the pure core.
 *
 * Every error is a `Data.TaggedError`: a value with a `_tag` that callers match on, and an
 * `Error` so that a throw carries a stack. The core throws only these, and only before it has
 * built anything: a transition that rejects its input returns no graph, so the caller's graph is
 * untouched by construction (graphs are immutable values).
 *
 * @since 0.1.0
 */
import { Data } from "effect"

/** A parameter record failed its Schema: a field missing, not finite, or out of range. */
export class InvalidParams extends Data.TaggedError("InvalidParams")<{ readonly message: string }> {}

/** A transition's input is malformed: wrong vector dimension, non-finite number, empty label... */
export class InvalidInput extends Data.TaggedError("InvalidInput")<{
  readonly transition: string
  readonly message: string
}> {}

/** An event failed its Schema or its transition rejected it during replay; `index` is its position. */
export class MalformedEvent extends Data.TaggedError("MalformedEvent")<{
  readonly index: number
  readonly message: string
}> {}

/** A JSON document does not describe a valid graph (Schema failure or broken invariant). */
export class InvalidGraph extends Data.TaggedError("InvalidGraph")<{ readonly message: string }> {}

/** Any error the core can report. */
export type CoreError = InvalidParams | InvalidInput | MalformedEvent | InvalidGraph
