/**
 * Router — sends a request down the ask (recall) path, the write (engram) path, or both
 * (MISSION feature 13).
 *
 * The seeds found one model doing both jobs badly and planned "a router that sends a query to
 * the right model". This module is that router, as rules over the request's sentences (no model;
 * a model-backed router can replace the layer). Each sentence is classified:
 *
 * - **question** (→ ask) when it ends with `?`; or starts with an interrogative word (`who`,
 *   `what`, `when`, `where`, `why`, `which`, `whom`, `whose`, `how`, and their contractions
 *   `what's`, `who's`, …); or starts with an imperative asking for information (`tell me`,
 *   `remind me`, `recall`, `list`, `show me`, `explain`, `describe`, `name`, `give me`, `find`,
 *   `look up`, `do you know`, `can you tell`); or starts with an auxiliary verb (`is`, `are`,
 *   `do`, `does`, `did`, `can`, `could`, `will`, `would`, `should`, `has`, `have`, …) and does
 *   **not** end with `.` or `!` ("Is Alice in Paris" is a question, "Do the dishes." is not);
 * - **statement** (→ write) otherwise: a declarative sentence, or an imperative that does not ask
 *   for information.
 *
 * The route is `"ask"` when every sentence is a question, `"write"` when every sentence is a
 * statement, `"both"` when there are some of each (e.g. "Alice moved to Paris. Where does she
 * live?"), and `"ask"` for a text with no sentence at all (nothing to write).
 *
 * Sentences end at `.`, `?`, `!` (runs of them, e.g. `?!`), their full-width CJK forms (`。？！．`)
 * or a line break; a `.` does not end a sentence between two digits ("3.5"), right before a
 * letter ("U.S.", "e.g.", "example.com"), after a one-letter word (an initial, "J. Smith"), or
 * after a title or common abbreviation ("Dr.", "Mr.", "St.", "Inc.", "e.g."; the list is
 * `ABBREVIATIONS`). Limit: "Inc." or "No." that really end a sentence do not split there.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"

// ── model ─────────────────────────────────────────────────────────────────────

/** The path a request takes. */
export type Route = "ask" | "write" | "both"

/** What a sentence is, for routing. */
export type SentenceKind = "question" | "statement"

/** One classified sentence of the request. */
export interface Sentence {
  readonly text: string
  readonly kind: SentenceKind
}

/** The router's decision: the route and the sentences behind it, in text order. */
export interface Decision {
  readonly route: Route
  readonly sentences: ReadonlyArray<Sentence>
  /** The questions, joined by a space (empty when there are none). */
  readonly question: string
  /** The statements, joined by a space (empty when there are none). */
  readonly statement: string
}

// ── rules ─────────────────────────────────────────────────────────────────────

const INTERROGATIVES = new Set(["who", "what", "when", "where", "why", "which", "whom", "whose", "how"])

const AUXILIARIES = new Set([
  "is", "are", "was", "were", "am", "do", "does", "did", "can", "could", "will", "would", "should", "shall",
  "may", "might", "must", "has", "have", "had", "isn't", "aren't", "wasn't", "weren't", "don't", "doesn't",
  "didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't", "hasn't", "haven't", "hadn't"
])

const INFO_IMPERATIVES: ReadonlyArray<ReadonlyArray<string>> = [
  ["tell", "me"], ["tell", "us"], ["remind", "me"], ["recall"], ["list"], ["show", "me"], ["explain"], ["describe"],
  ["name"], ["give", "me"], ["find"], ["look", "up"], ["do", "you", "know"], ["can", "you", "tell"],
  ["could", "you", "tell"], ["summarize"], ["summarise"]
]

const words = (sentence: string): Array<string> =>
  sentence.toLowerCase().replace(/[\u2018\u2019]/g, "'").split(/[^a-z0-9']+/).filter((w) => w.length > 0)

const startsWith = (ws: ReadonlyArray<string>, prefix: ReadonlyArray<string>): boolean =>
  prefix.length <= ws.length && prefix.every((p, i) => ws[i] === p)

/**
 * Classifies one sentence (see the module header for the rules).
 *
 * Laws: a sentence ending with `?` is a question; a sentence with no letters is a statement
 * unless it ends with `?`.
 * @complexity O(|sentence|)
 * @example
 * ```ts
 * Router.classify("Where does Alice live") // "question"
 * Router.classify("Alice lives in Paris.") // "statement"
 * ```
 */
export const classify = (sentence: string): SentenceKind => {
  const trimmed = sentence.trim()
  if (trimmed.endsWith("?")) return "question"
  const ws = words(trimmed)
  if (ws.length === 0) return "statement"
  const first = ws[0]!
  const head = first.includes("'") ? first.slice(0, first.indexOf("'")) : first
  if (INTERROGATIVES.has(first) || INTERROGATIVES.has(head)) return "question"
  if (INFO_IMPERATIVES.some((p) => startsWith(ws, p))) return "question"
  if (AUXILIARIES.has(first) && !/[.!]$/.test(trimmed)) return "question"
  return "statement"
}

/** What ends a sentence: `.`, `?`, `!` and the full-width `。`, `？`, `！`, `．` of CJK text. */
const ENDS = /[.?!\u3002\uff1f\uff01\uff0e]/

/** Titles and abbreviations whose `.` does not end a sentence ("Dr. Anna Zielinska", "St. Mary"). */
const ABBREVIATIONS: ReadonlySet<string> = new Set([
  "mr", "mrs", "ms", "dr", "prof", "st", "mt", "jr", "sr", "vs", "rev", "gen", "col", "capt", "lt", "sgt", "gov",
  "sen", "rep", "ave", "no", "fig", "approx", "dept", "inc", "ltd", "co", "corp", "e.g", "i.e", "cf", "al"
])

/**
 * The word (letters and inner dots) that ends just before `at`, lowercased, read no further back
 * than `from` (the current sentence's start: what ended the previous sentence never changes how
 * this one ends, so a text split anywhere between sentences splits the same way).
 */
const wordBefore = (text: string, at: number, from: number): string => {
  let k = at
  while (k > from && /[A-Za-z.]/.test(text[k - 1]!)) k--
  return text.slice(k, at).toLowerCase()
}

/**
 * Splits a text into sentences (see the module header), trimmed, empty ones dropped.
 * Laws: the concatenation of the sentences, ignoring white space, is the text's non-space content;
 * where a sentence ends depends only on its own text and what follows it, never on the sentences
 * before it (so `sentences(a + b)` = `sentences(a)` + `sentences(b)` when `a` ends where
 * `sentences(a + b)` ends a sentence).
 * @complexity O(|text|)
 */
export const sentences = (text: string): Array<string> => {
  const out: Array<string> = []
  let start = 0
  const push = (end: number) => {
    const s = text.slice(start, end).trim()
    if (s.length > 0) out.push(s)
    start = end
  }
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (c === "\n") {
      push(i + 1)
      continue
    }
    if (!ENDS.test(c)) continue
    if (c === ".") {
      const prev = text[i - 1] ?? ""
      const next = text[i + 1] ?? ""
      if (/[0-9]/.test(prev) && /[0-9]/.test(next)) continue
      if (/\p{L}/u.test(next)) continue
      if (/[A-Za-z]/.test(prev) && !/[A-Za-z]/.test(i - 2 >= start ? text[i - 2]! : "") && next === " ") continue
      if (next === " " && ABBREVIATIONS.has(wordBefore(text, i, start))) continue
    }
    let j = i
    while (j + 1 < text.length && ENDS.test(text[j + 1]!)) j++
    push(j + 1)
    i = j
  }
  push(text.length)
  return out
}

/**
 * Routes a request (pure).
 *
 * Laws: `route` is `"both"` iff the text has a question and a statement; `question` /
 * `statement` hold exactly the sentences of each kind.
 * @complexity O(|text|)
 * @example
 * ```ts
 * Router.decide("Alice moved to Paris. Where does she live?").route // "both"
 * ```
 */
export const decide = (text: string): Decision => {
  const classified = sentences(text).map((s): Sentence => ({ text: s, kind: classify(s) }))
  const questions = classified.filter((s) => s.kind === "question").map((s) => s.text)
  const statements = classified.filter((s) => s.kind === "statement").map((s) => s.text)
  const route: Route = statements.length === 0 ? "ask" : questions.length === 0 ? "write" : "both"
  return { route, sentences: classified, question: questions.join(" "), statement: statements.join(" ") }
}

// ── the service ───────────────────────────────────────────────────────────────

/** The router service: decides the path of a request. */
export class Router extends Context.Service<Router, {
  /** The decision for a request. */
  readonly route: (text: string) => Effect.Effect<Decision>
}>()("mags/shell/loop/Router") {
  /** The rule router of this module ({@link decide}). */
  static readonly layerRules: Layer.Layer<Router> = Layer.succeed(Router, Router.of({
    route: (text) => Effect.sync(() => decide(text))
  }))
}
