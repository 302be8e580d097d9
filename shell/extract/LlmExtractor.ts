/**
 * LlmExtractor — an {@link Extractor} that asks the `LanguageModel` in context for triples.
 *
 * The model answers JSON under the JSON schema of {@link Answer} (a grammar for node-llama-cpp,
 * `response_format` over HTTP): `{ triples: [{ subject, relation, object, negated, validFrom,
 * validUntil?, change?, confidence, evidence }] }`, where `evidence` is the source sentence
 * quoted verbatim and `validFrom` / `validUntil` written dates (`"2021"`, `"2021-03"`,
 * `"2021-03-04"`) or `null`. The turn's speaker and time, when given, are written into the
 * prompt (first person stands for the speaker; relative dates count from the time). The answer
 * is decoded with `Schema` against the input text (every `evidence` must occur in it), then each
 * triple becomes the domain {@link Triple} — `span` where the evidence occurs, dates as their
 * first instant in ms UTC (`Dates.parseIsoDate`), `relation` lowercased with words separated by
 * single spaces — and is decoded again with the `Triple` schema.
 *
 * `discourse()` reads each turn on its own (a model call per turn sees only that turn): it keeps
 * no pronoun state between turns.
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
import { isoDate, parseIsoDate } from "./Dates.ts"
import { checkInput, defaultMaxInputBytes, type Discourse, ExtractError, Extractor, type TurnContext } from "./Extractor.ts"
import { Triple } from "./Triple.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * A relation as lowercase words separated by single spaces (`"Moved_To"` → `"moved to"`); `""`
 * when it has no letter or digit.
 * @complexity O(|relation|)
 */
export const normaliseRelation = (relation: string): string =>
  relation.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0).join(" ")

const WrittenDate = Schema.NullOr(Schema.String.check(Schema.makeFilter((d: string) =>
  parseIsoDate(d) !== undefined || "a date must be written YYYY, YYYY-MM or YYYY-MM-DD"
)))

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
  validFrom: WrittenDate,
  validUntil: Schema.optionalKey(WrittenDate),
  change: Schema.optionalKey(Schema.Boolean),
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
  "subject and object: the entities, as written (first person stands for the speaker, pronouns for the person they refer to); relation: a short phrase in lowercase words as written (e.g. moved to, works at, sister of);",
  "negated: true when the text says the fact does not hold; validFrom / validUntil: the dates the fact starts / ends, written YYYY, YYYY-MM or YYYY-MM-DD, or null;",
  "change: true when the text says the fact replaces an earlier one (now, moved, became, no longer, new);",
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
  const date = (d: string | null | undefined): number | null => (d === null || d === undefined ? null : parseIsoDate(d) ?? null)
  return {
    subject: t.subject,
    relation: normaliseRelation(t.relation),
    object: t.object,
    negated: t.negated,
    validFrom: date(t.validFrom),
    validUntil: date(t.validUntil),
    confidence: t.confidence,
    change: t.change === true,
    resolved: [],
    span: { start, end: start + t.evidence.length }
  }
}

/**
 * The user message for `text`: the text itself, preceded by the turn's speaker and time when
 * the context gives them.
 * @complexity O(|text|)
 */
export const userMessage = (text: string, context: TurnContext = {}): string => {
  const lines: Array<string> = []
  if (typeof context.speaker === "string" && context.speaker.length > 0) lines.push(`Speaker (first person means them): ${context.speaker}`)
  if (typeof context.time === "number" && Number.isFinite(context.time)) lines.push(`Time of this text: ${isoDate(context.time)}`)
  return lines.length === 0 ? text : `${lines.join("\n")}\n\n${text}`
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
    const extract = Effect.fn("Extractor.extract")(function*(text: string, context?: TurnContext) {
      yield* checkInput(text, maxInputBytes)
      if (text.trim().length === 0) return []
      const answer = yield* Models.generateObject(Answer(text), [
        { role: "system", content: instructions },
        { role: "user", content: [{ type: "text", text: userMessage(text, context) }] }
      ], { objectName: "triples" }).pipe(
        Effect.provideService(LanguageModel.LanguageModel, model),
        Effect.mapError(toExtractError)
      )
      const triples = answer.triples.map((t) => toTriple(text, t)).sort((a, b) => a.span.start - b.span.start)
      return yield* decodeTriples(triples).pipe(
        Effect.mapError((e) => new ExtractError({ reason: "InvalidOutput", message: `the model's triples are not valid: ${e.message}` }))
      )
    })
    const discourse = () => Effect.succeed<Discourse>({ read: extract })
    return Extractor.of({ extract, discourse })
  }))
