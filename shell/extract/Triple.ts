/**
 * Triple — a subject–relation–object statement read out of text.
 *
 * What every extractor (the LLM-free rule extractor, a model-backed one) returns. A triple is
 * the extractor's reading of one sentence: `span` locates that sentence in the input text
 * (character offsets, UTF-16 code units, end exclusive), so a caller can show or store the
 * evidence. `validFrom` is world time in ms since the epoch (UTC), taken from a date written in
 * the sentence ("in 2021" → 2021-01-01T00:00Z), `null` when the sentence names none.
 * `confidence` ∈ [0, 1] is the extractor's belief in its own reading, not in the fact.
 *
 * A triple maps one-to-one onto the core's engram input fact ({@link toEngramFact}).
 *
 * @since 0.1.0
 */
import { Schema } from "effect"
import type { EngramFact } from "../../core/Engram.ts"

const Offset = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))

/**
 * Character offsets `[start, end)` of the source sentence in the extractor's input.
 * Laws: `0 <= start <= end <= text.length`.
 * @since 0.1.0
 */
export const Span = Schema.Struct({ start: Offset, end: Offset })
export type Span = typeof Span.Type

/**
 * The Schema of an extracted triple (its JSON form is the same plain object).
 *
 * Laws: `subject`, `relation`, `object` are non-empty; `relation` is lowercase words joined by
 * `_`; `confidence` ∈ [0, 1]; `validFrom` is finite or `null`.
 * @complexity decoding O(|fields|)
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Triple)({
 *   subject: "Alice", relation: "move_to", object: "Paris", negated: false,
 *   validFrom: Date.UTC(2021, 0, 1), confidence: 0.8, span: { start: 0, end: 28 }
 * })
 * ```
 * @since 0.1.0
 */
export const Triple = Schema.Struct({
  subject: Schema.NonEmptyString,
  relation: Schema.NonEmptyString,
  object: Schema.NonEmptyString,
  negated: Schema.Boolean,
  validFrom: Schema.NullOr(Schema.Finite),
  confidence: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  span: Span
})
export type Triple = typeof Triple.Type

/**
 * The core's engram input fact for a triple (`source` names the origin, kept in provenance).
 *
 * Laws: subject, relation, object, negated, confidence and validFrom are copied unchanged;
 * `validUntil` is left absent (extractors do not read end dates).
 * @complexity O(1)
 * @since 0.1.0
 */
export const toEngramFact = (triple: Triple, source?: string): EngramFact => ({
  subject: triple.subject,
  relation: triple.relation,
  object: triple.object,
  negated: triple.negated,
  confidence: triple.confidence,
  validFrom: triple.validFrom,
  ...(source === undefined ? {} : { source })
})
