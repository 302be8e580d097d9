/**
 * Cases — the labelled extraction set (`cases.jsonl` beside this file): its schema, loading,
 * and the turn contexts an extractor is fed.
 *
 * One case is one short conversation (one or more turns, read in order by one discourse reader)
 * with the facts a careful reader takes from it (annotation conventions: README.md here).
 *
 * @since 0.2.0
 */
import { readFileSync } from "node:fs"
import { Schema } from "effect"

/** The families of issue 7, item 1, in report order. */
export const FAMILIES = [
  "first-person",
  "pronouns",
  "possessive-appositive",
  "coordination",
  "dates",
  "updates",
  "splitting",
  "other-scripts",
  "negatives"
] as const
export type Family = (typeof FAMILIES)[number]

/**
 * The splits: `dev` to look at while building the extractor, `test` to report, and `holdout`
 * (`holdout.jsonl`): cases written after the extractor was built by someone who had not seen
 * its rules or its errors, never shown to its author — a check that the rules were not fitted
 * to the set.
 */
export const SPLITS = ["dev", "test", "holdout"] as const
export type Split = (typeof SPLITS)[number]

const Day = Schema.String.check(Schema.isPattern(/^\d{4}-\d{2}-\d{2}$/))

/** One gold fact; dates are days (`YYYY-MM-DD`, UTC). */
export const GoldFact = Schema.Struct({
  subject: Schema.NonEmptyString,
  relation: Schema.NonEmptyString,
  object: Schema.NonEmptyString,
  negated: Schema.optional(Schema.Boolean),
  validFrom: Schema.optional(Day),
  validUntil: Schema.optional(Day)
})
export type GoldFact = typeof GoldFact.Type

/** One turn: its text, and the speaker / day when they differ from the case's. */
export const Turn = Schema.Struct({
  text: Schema.String,
  speaker: Schema.optional(Schema.NonEmptyString),
  time: Schema.optional(Day)
})
export type Turn = typeof Turn.Type

/** One labelled case. */
export const Case = Schema.Struct({
  id: Schema.NonEmptyString,
  family: Schema.Literals(FAMILIES),
  split: Schema.Literals(SPLITS),
  speaker: Schema.optional(Schema.NonEmptyString),
  time: Schema.optional(Day),
  turns: Schema.Array(Turn),
  facts: Schema.Array(GoldFact)
})
export type Case = typeof Case.Type

/** Where the set lives. */
export const CASES_FILE = new URL("./cases.jsonl", import.meta.url)

const decodeCase = Schema.decodeUnknownSync(Case)

/**
 * Parses JSON lines of cases (blank lines skipped).
 * @throws Error naming the line when a line is not JSON or not a case, or when an id repeats.
 * @complexity O(|text|)
 */
export const parse = (text: string): Array<Case> => {
  const out: Array<Case> = []
  const ids = new Set<string>()
  text.split("\n").forEach((line, i) => {
    if (line.trim().length === 0) return
    let c: Case
    try {
      c = decodeCase(JSON.parse(line))
    } catch (e) {
      throw new Error(`cases line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`)
    }
    if (ids.has(c.id)) throw new Error(`cases line ${i + 1}: duplicate id ${c.id}`)
    ids.add(c.id)
    out.push(c)
  })
  return out
}

/** The labelled set, read from `cases.jsonl`. */
export const load = (file: URL | string = CASES_FILE): Array<Case> =>
  file === CASES_FILE ? parse(readFileSync(file, "utf8") + "\n" + readFileSync(HOLDOUT_FILE, "utf8")) : parse(readFileSync(file, "utf8"))

/** The held-out cases (split `holdout`). */
export const HOLDOUT_FILE = new URL("./holdout.jsonl", import.meta.url)

/** World ms of a day's noon (UTC): the anchor fed for a turn said that day. */
export const noonOf = (day: string): number => Date.parse(`${day}T12:00:00Z`)

/** The day (`YYYY-MM-DD`, UTC) of world ms; `null` for null or a time outside the Date range. */
export const dayOf = (ms: number | null | undefined): string | null => {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null
  return new Date(ms).toISOString().slice(0, 10)
}

/** What the extractor is told with a turn: its speaker (or none) and the anchor time. */
export interface TurnContext {
  readonly speaker: string | null
  readonly time: number | null
}

/** The context of a case's turn: the turn's speaker and day, else the case's. */
export const contextOf = (c: Case, turn: Turn): TurnContext => {
  const day = turn.time ?? c.time
  return { speaker: turn.speaker ?? c.speaker ?? null, time: day === undefined ? null : noonOf(day) }
}

// Titles and name abbreviations after which a period does not end a sentence.
const ABBREVIATION = /(?:^|\s)(?:Mr|Mrs|Ms|Dr|Prof|St|Fr|Lt|Col|Gen|Sgt|Det|No|Rd|Ave|Inc|e\.g|i\.e|[A-Z])\.\s*$/
const segmenter = new Intl.Segmenter("en", { granularity: "sentence" })

/**
 * The number of sentences in a text, for rates (sentences per second): `Intl.Segmenter`'s
 * sentences, a segment that ends with a title or a name abbreviation (Mr., Dr., St., e.g.,
 * an initial) joined to the next. Independent of the extractor under test.
 * @complexity O(|text|)
 */
export const sentenceCount = (text: string): number => {
  let n = 0
  let open = false
  for (const { segment } of segmenter.segment(text)) {
    if (segment.trim().length === 0) continue
    if (!open) n++
    open = ABBREVIATION.test(segment)
  }
  return n
}

/** Sentences in every turn of the cases. */
export const sentencesOf = (cases: ReadonlyArray<Case>): number =>
  cases.reduce((a, c) => a + c.turns.reduce((b, t) => b + sentenceCount(t.text), 0), 0)
