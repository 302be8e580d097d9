/**
 * Extractor — the service that turns text into subject–relation–object triples.
 *
 * `extract(text, context?)` reads one text on its own; `discourse()` gives a stateful reader
 * whose `read(text, context?)` carries pronoun antecedents, the narrator and the speaker's group
 * from one turn to the next. The `context` names the turn's speaker (first person resolves to it)
 * and its time (relative dates anchor on it). Whatever reads the text: the LLM-free rule extractor
 * ({@link Extractor.layerRules}, wink-nlp + clause patterns, see `RuleExtractor.ts`), a fixed
 * table for tests ({@link Extractor.layerTest}), or a model-backed extractor written elsewhere.
 * Every implementation refuses the same inputs up front, before reading anything, with a typed
 * {@link ExtractError}: text over the size limit (1 MiB of UTF-8 by default) and text that is not
 * well-formed Unicode (a lone surrogate).
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer, Schema } from "effect"
import * as RuleExtractor from "./RuleExtractor.ts"
import type { Triple } from "./Triple.ts"

/**
 * What a turn says about itself: its speaker (first person resolves to it) and its time (world
 * ms UTC; relative dates anchor on it, and do not resolve without it).
 * @since 0.2.0
 */
export type TurnContext = RuleExtractor.TurnContext

/**
 * A stateful reader of one conversation (see {@link Extractor}'s `discourse`).
 * @since 0.2.0
 */
export interface Discourse {
  /** The triples of one turn, read in the light of the turns read before it. */
  readonly read: (text: string, context?: TurnContext) => Effect.Effect<ReadonlyArray<Triple>, ExtractError>
}

/**
 * Why an extraction failed:
 * - `InputTooLarge`: the text is over the limit (nothing was read);
 * - `InvalidInput`: the text is not well-formed Unicode;
 * - `ExtractorFailed`: the extractor itself failed (a defect of the tagger, a model error);
 * - `InvalidOutput`: a model's output did not decode as triples (for model-backed extractors).
 * @since 0.1.0
 */
export const ExtractErrorReason = Schema.Literals(["InputTooLarge", "InvalidInput", "ExtractorFailed", "InvalidOutput"])
export type ExtractErrorReason = typeof ExtractErrorReason.Type

/**
 * The typed failure of {@link Extractor}'s `extract`.
 * @since 0.1.0
 */
export class ExtractError extends Schema.TaggedError<ExtractError>()("ExtractError", {
  reason: ExtractErrorReason,
  message: Schema.String
}) {}

/** The default input limit: 1 MiB of UTF-8. @since 0.1.0 */
export const defaultMaxInputBytes = 1_048_576

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/**
 * Refuse text over `maxBytes` UTF-8 bytes or not well-formed; otherwise succeed with it.
 * Laws: never fails for well-formed text of at most `maxBytes` bytes.
 * @complexity O(|text|)
 * @since 0.1.0
 */
export const checkInput = Effect.fnUntraced(function*(text: string, maxBytes: number): Effect.fn.Return<string, ExtractError> {
  // A string of n UTF-16 units has at most 3n UTF-8 bytes: skip the count when it cannot be over.
  const bytes = text.length * 3 <= maxBytes ? 0 : Buffer.byteLength(text, "utf8")
  if (bytes > maxBytes) {
    return yield* new ExtractError({
      reason: "InputTooLarge",
      message: `input is ${bytes} bytes of UTF-8, over the limit of ${maxBytes}`
    })
  }
  if (LONE_SURROGATE.test(text)) {
    return yield* new ExtractError({ reason: "InvalidInput", message: "input is not well-formed Unicode (lone surrogate)" })
  }
  return text
})

/**
 * Options of the rule-based layer: the rule extractor's options and the input limit.
 * @since 0.1.0
 */
export interface RulesConfig extends Partial<RuleExtractor.Options> {
  readonly maxInputBytes?: number
}

/**
 * The triples the test layer returns, keyed by the exact input text; any other text gives `[]`.
 * @since 0.1.0
 */
export type TestTable = Readonly<Record<string, ReadonlyArray<Triple>>>

/**
 * A small fixed table: the default of {@link Extractor.layerTest}.
 * @since 0.1.0
 */
export const defaultTestTable: TestTable = {
  "Alice moved to Paris in 2021.": [{
    subject: "Alice", relation: "moved to", object: "Paris", negated: false,
    validFrom: Date.UTC(2021, 0, 1), validUntil: null, confidence: 0.8, change: true, resolved: [],
    span: { start: 0, end: 29 }
  }],
  "Bob works at Acme.": [{
    subject: "Bob", relation: "works at", object: "Acme", negated: false,
    validFrom: null, validUntil: null, confidence: 0.8, change: false, resolved: [], span: { start: 0, end: 18 }
  }]
}

/**
 * The Extractor service: `extract(text, context?)` → the triples read from the text, in text
 * order; `discourse()` → a reader for several turns of one conversation.
 *
 * Laws (all layers): `extract` and `read` fail with `InputTooLarge` iff the text is over the
 * limit, and with `InvalidInput` for a lone surrogate, before any extraction;
 * `extract("") == []`; `extract(t, c)` equals the first `read(t, c)` of a fresh discourse.
 * @since 0.1.0
 */
export class Extractor extends Context.Service<Extractor, {
  /**
   * The triples read from `text` (a conversation of its own).
   * @complexity rules: O(|text|) tagging + small per-sentence parsing
   */
  extract(text: string, context?: TurnContext): Effect.Effect<ReadonlyArray<Triple>, ExtractError>
  /**
   * A fresh stateful reader: pronouns, the narrator and "we" carry across its turns.
   * @complexity O(1)
   */
  discourse(): Effect.Effect<Discourse>
}>()("mags/shell/Extractor") {
  /**
   * The LLM-free rule extractor with the given options (see `RuleExtractor.Options`) and input
   * limit. Building the layer loads the wink model (≈ 0.2 s, once per process).
   * @since 0.1.0
   */
  static layerRulesWith(config: RulesConfig = {}): Layer.Layer<Extractor> {
    const { maxInputBytes = defaultMaxInputBytes, ...options } = config
    return Layer.sync(Extractor, () => {
      const rules = RuleExtractor.make(options)
      RuleExtractor.warmUp()
      const reader = (read: (text: string, context?: TurnContext) => ReadonlyArray<Triple>) =>
        Effect.fn("Extractor.extract")(function*(text: string, context?: TurnContext) {
          yield* checkInput(text, maxInputBytes)
          return yield* Effect.try({
            try: () => read(text, context),
            catch: (cause) =>
              new ExtractError({ reason: "ExtractorFailed", message: `rule extractor failed: ${String(cause)}` })
          })
        })
      const discourse = () => Effect.sync((): Discourse => ({ read: reader(rules.discourse().read) }))
      return Extractor.of({ extract: reader(rules.extract), discourse })
    })
  }

  /** The rule extractor with default options (surface relations, no speaker, 1 MiB limit). @since 0.1.0 */
  static readonly layerRules: Layer.Layer<Extractor> = Extractor.layerRulesWith()

  /**
   * A test layer that answers from a fixed table (exact text → triples; other text → `[]`),
   * with the same input checks as the real layers; its discourse reads each turn by the table
   * too (it keeps no state, and ignores the context).
   * @since 0.1.0
   */
  static layerTest(table: TestTable = defaultTestTable, maxInputBytes = defaultMaxInputBytes): Layer.Layer<Extractor> {
    const extract = Effect.fn("Extractor.extract")(function*(text: string, _context?: TurnContext) {
      yield* checkInput(text, maxInputBytes)
      return Object.hasOwn(table, text) ? table[text]! : []
    })
    return Layer.succeed(Extractor, Extractor.of({
      extract,
      discourse: () => Effect.succeed({ read: extract })
    }))
  }
}
