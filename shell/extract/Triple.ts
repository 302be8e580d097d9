/**
 * Triple — a subject–relation–object statement read out of text.
 *
 * What every extractor (the LLM-free rule extractor, a model-backed one) returns. A triple is
 * the extractor's reading of one sentence: `span` locates that sentence in the input text
 * (character offsets, UTF-16 code units, end exclusive), so a caller can show or store the
 * evidence. `validFrom` / `validUntil` are world time in ms since the epoch (UTC), the start and
 * end of the fact taken from a date phrase ("in 2021" → from 2021-01-01T00:00Z; "until 2020" →
 * until 2020-01-01), `null` when the sentence names none. `confidence` ∈ [0, 1] is the
 * extractor's belief in its own reading, not in the fact. `change` says a change cue was present
 * ("now", "moved to", "no longer", "became" …): the fact replaces an earlier value. `resolved`
 * lists the coreferences the reading rests on ("she=Ola", "I=Kim"), so a wrong one can be seen.
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
 * Laws: `subject`, `relation`, `object` are non-empty; `relation` is the surface phrase (the rule
 * extractor writes lowercase words separated by single spaces: "lives in", "sister of");
 * `confidence` ∈ [0, 1]; `validFrom` / `validUntil` are finite or `null`.
 * `validUntil`, `change` and `resolved` are optional so that triples written before they existed
 * still decode; every extractor of this folder writes all three.
 * @complexity decoding O(|fields|)
 * @example
 * ```ts
 * Schema.decodeUnknownSync(Triple)({
 *   subject: "Alice", relation: "moved to", object: "Paris", negated: false,
 *   validFrom: Date.UTC(2021, 0, 1), validUntil: null, confidence: 0.8, change: true,
 *   resolved: [], span: { start: 0, end: 29 }
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
  validUntil: Schema.optionalKey(Schema.NullOr(Schema.Finite)),
  confidence: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  change: Schema.optionalKey(Schema.Boolean),
  resolved: Schema.optionalKey(Schema.Array(Schema.String)),
  span: Span
})
export type Triple = typeof Triple.Type

/**
 * The core's engram input fact for a triple (`source` names the origin, kept in provenance).
 *
 * Laws: subject, relation, object, negated, confidence and validFrom are copied unchanged;
 * `validUntil` is copied when the triple has one (non-null); `change` is set only when true;
 * the coreference notes are appended to the source in brackets ("ingest:diary.txt [she=Ola]"),
 * and form the source on their own when there is none ("[she=Ola]").
 * @complexity O(|resolved|)
 * @since 0.1.0
 */
export const toEngramFact = (triple: Triple, source?: string): EngramFact => {
  const notes = triple.resolved === undefined || triple.resolved.length === 0 ? "" : `[${triple.resolved.join(", ")}]`
  const origin = source === undefined ? (notes === "" ? undefined : notes) : notes === "" ? source : `${source} ${notes}`
  return {
    subject: triple.subject,
    relation: triple.relation,
    object: triple.object,
    negated: triple.negated,
    confidence: triple.confidence,
    validFrom: triple.validFrom,
    ...(triple.validUntil === undefined || triple.validUntil === null ? {} : { validUntil: triple.validUntil }),
    ...(triple.change === true ? { change: true } : {}),
    ...(origin === undefined ? {} : { source: origin })
  }
}
