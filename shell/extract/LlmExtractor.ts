/**
 * LlmExtractor — an {@link Extractor} that asks the `LanguageModel` in context for triples.
 *
 * The model answers JSON under the JSON schema of {@link Answer} (a grammar for node-llama-cpp,
 * `response_format` over HTTP): `{ triples: [{ subject, relation, object, negated, validFrom,
 * confidence, evidence }] }`, where `evidence` is the source sentence quoted verbatim and
 * `validFrom` a written date (`"2021"`, `"2021-03"`, `"2021-03-04"`) or `null`. The answer is
 * decoded with `Schema` against the input text (every `evidence` must occur in it), then each
 * triple becomes the domain {@link Triple} — `span` where the evidence occurs, `validFrom` the
 * date's first instant in ms UTC, `relation` lowercased with words joined by `_` — and is decoded
 * again with the `Triple` schema.
 *
 * An answer that does not decode is asked for ONCE more (`Models.generateObject`, the model is
 * shown its answer and the error); a second invalid answer fails with `ExtractError`
 * `"InvalidOutput"`. Nothing is repaired or guessed. Any other model failure (network, key,
 * model error) is `"ExtractorFailed"`. Input checks are those of every extractor (`checkInput`).
 *
 * @since 0.1.0
 */
import { Effect, Layer, Schema } from "effect"
import { type AiError, LanguageModel } from "effect/ai"
import * as Models from "../model/Models.ts"
import { checkInput, defaultMaxInputBytes, ExtractError, Extractor } from "./Extractor.ts"
import { Triple } from "./Triple.ts"

// ── model ─────────────────────────────────────────────────────────────────────

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/

/**
 * `"YYYY"`, `"YYYY-MM"` or `"YYYY-MM-DD"` → its first instant in ms UTC; `undefined` when not
 * such a date (month 1–12, day valid for the month).
 * Laws: `parseDate("2021") === Date.UTC(2021, 0, 1)`.
 * @complexity O(1)
 */
export const parseDate = (written: string): number | undefined => {
  const m = DATE.exec(written)
  if (m === null) return undefined
  const year = Number(m[1])
  const month = m[2] === undefined ? 1 : Number(m[2])
  const day = m[3] === undefined ? 1 : Number(m[3])
  const ms = Date.UTC(year, month - 1, day)
  const date = new Date(ms)
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? ms : undefined
}

/**
 * A relation as lowercase words joined by `_` (`"Moved To"` → `"moved_to"`); `""` when it has
 * no letter or digit.
 * @complexity O(|relation|)
 */
export const normaliseRelation = (relation: string): string =>
  relation.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0).join("_")

const Text = (max: number) => Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(max))

/**
 * One triple as the model writes it (the wire form, before spans and dates are resolved).
 * @since 0.1.0
 */
export const AnswerTriple = Schema.Struct({
  subject: Text(200),
  relation: Text(100).check(Schema.makeFilter((r: string) => normaliseRelation(r).length > 0 || "relation has no word")),
  object: Text(200),
  negated: Schema.Boolean,
  validFrom: Schema.NullOr(Schema.String.check(Schema.makeFilter((d: string) =>
    parseDate(d) !== undefined || "validFrom must be a date written YYYY, YYYY-MM or YYYY-MM-DD"
  ))),
  confidence: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  evidence: Text(2000)
})
export type AnswerTriple = typeof AnswerTriple.Type

/**
 * The model's whole answer for `text`: the triples, each of whose `evidence` occurs in `text`.
 * @complexity decoding O(triples · |text|)
 * @since 0.1.0
 */
export const Answer = (text: string) =>
  Schema.Struct({
    triples: Schema.Array(AnswerTriple.check(Schema.makeFilter((t: AnswerTriple) =>
      text.includes(t.evidence) || { path: ["evidence"], issue: "evidence must be quoted verbatim from the text" }
    )))
  })

/** The instructions sent as the system message. @since 0.1.0 */
export const INSTRUCTIONS = [
  "You read text and list the facts it states as subject-relation-object triples.",
  "Answer only with JSON: {\"triples\": [...]}; each triple has:",
  "subject and object: the entities, as written; relation: a short verb phrase in lowercase words joined by _ (e.g. move_to, work_at);",
  "negated: true when the text says the fact does not hold; validFrom: the date the fact starts, written YYYY, YYYY-MM or YYYY-MM-DD, or null;",
  "confidence: your belief in your reading, from 0 to 1; evidence: the sentence stating the fact, copied exactly from the text.",
  "List nothing that the text does not state. An empty list is a valid answer."
].join("\n")

/** Options of {@link layer}. */
export interface Options {
  /** Input limit in UTF-8 bytes (default 1 MiB, as every extractor). */
  readonly maxInputBytes?: number | undefined
  /** The system message (default {@link INSTRUCTIONS}). */
  readonly instructions?: string | undefined
}

// ── conversion ────────────────────────────────────────────────────────────────

/**
 * The domain triple of a decoded answer triple read from `text`.
 * Laws: `text.slice(span.start, span.end) === evidence` (first occurrence).
 * @complexity O(|text|)
 */
export const toTriple = (text: string, t: AnswerTriple): Triple => {
  const start = text.indexOf(t.evidence)
  return {
    subject: t.subject,
    relation: normaliseRelation(t.relation),
    object: t.object,
    negated: t.negated,
    validFrom: t.validFrom === null ? null : parseDate(t.validFrom) ?? null,
    confidence: t.confidence,
    span: { start, end: start + t.evidence.length }
  }
}

const decodeTriples = Schema.decodeUnknownEffect(Schema.Array(Triple))

const toExtractError = (error: AiError.AiError): ExtractError =>
  Models.isInvalidOutput(error)
    ? new ExtractError({ reason: "InvalidOutput", message: `the model's answer is not valid triples (after one retry): ${error.message}` })
    : new ExtractError({ reason: "ExtractorFailed", message: `the model failed: ${error.message}` })

// ── layer ─────────────────────────────────────────────────────────────────────

/**
 * The model-backed {@link Extractor}, over the `LanguageModel` in context.
 *
 * Laws: same input checks as every extractor; `extract("")` (or only whitespace) is `[]` without
 * asking the model; at most two model requests per call; triples come in text order (by span).
 * @complexity ≤ 2 model requests + O(triples · |text|)
 */
export const layer = (options: Options = {}): Layer.Layer<Extractor, never, LanguageModel.LanguageModel> =>
  Layer.effect(Extractor, Effect.gen(function*() {
    const model = yield* LanguageModel.LanguageModel
    const maxInputBytes = options.maxInputBytes ?? defaultMaxInputBytes
    const instructions = options.instructions ?? INSTRUCTIONS
    const extract = Effect.fn("Extractor.extract")(function*(text: string) {
      yield* checkInput(text, maxInputBytes)
      if (text.trim().length === 0) return []
      const answer = yield* Models.generateObject(Answer(text), [
        { role: "system", content: instructions },
        { role: "user", content: [{ type: "text", text }] }
      ], { objectName: "triples" }).pipe(
        Effect.provideService(LanguageModel.LanguageModel, model),
        Effect.mapError(toExtractError)
      )
      const triples = answer.triples.map((t) => toTriple(text, t)).sort((a, b) => a.span.start - b.span.start)
      return yield* decodeTriples(triples).pipe(
        Effect.mapError((e) => new ExtractError({ reason: "InvalidOutput", message: `the model's triples are not valid: ${e.message}` }))
      )
    })
    return Extractor.of({ extract })
  }))
