/**
 * RuleExtractor — the LLM-free extractor: English text → subject–relation–object triples.
 *
 * No model, no network: wink-nlp with its small English model (`wink-eng-lite-web-model`)
 * splits sentences, tags each token with a universal part of speech and a lemma, and marks
 * named entities (DATE, DURATION, TIME, ...). Over those tokens a small hand-written clause
 * grammar reads plain declarative sentences:
 *
 * ```
 * sentence := [time-PP ","] clause ("and"|"but" clause)*      (relative ", who …," clauses lifted out)
 * clause   := NP-list verb-group complement trailer*
 * NP       := [det | "my"] nominal+ ["'s" nominal+] ["of" NP]   (nominal: NOUN PROPN ADJ NUM)
 * verb     := (ADV | AUX | not | never)* VERB ["to" VERB]*  |  AUX(be/have/do) alone
 * complement := PREP NP-list | NP-list
 * trailer  := time-PP | date | ADV | other PP (ignored, lowers confidence)
 * ```
 *
 * Examples (default `relationForm: "lemma"`):
 * - "Alice moved to Paris in 2021" → (Alice, move_to, Paris, validFrom 2021-01-01)
 * - "Carol is a doctor" → (Carol, is_a, doctor); "The sky is blue" → (sky, is, blue)
 * - "Dave does not like cats" → (Dave, like, cats, negated)
 * - "Alice and Bob live in Berlin" → (Alice, live_in, Berlin), (Bob, live_in, Berlin)
 * - "Alice's brother is Bob" → (Alice, brother, Bob)
 *
 * With `relationForm: "surface"` the verb keeps its written form (moved_to, works_at, opens).
 * The copula is always `is` / `is_a` / `is_<prep>`.
 *
 * Confidence: 0.8 when the whole clause was read; 0.6 when material was ignored (a second
 * prepositional phrase, a comma list cut short) or a part-of-speech error was repaired.
 *
 * It is deliberately conservative: when a sentence does not fit the grammar it returns nothing
 * for it rather than guess. What it does NOT handle is listed in {@link limitations}.
 *
 * Determinism: the output is a pure function of the text and the options (wink-nlp is a
 * deterministic tagger; no randomness, no clock).
 *
 * @since 0.1.0
 */
import winkNLP from "wink-nlp"
import type { ItsFunction, PartOfSpeech, WinkMethods } from "wink-nlp"
import model from "wink-eng-lite-web-model"
import type { Triple } from "./Triple.ts"

// ---------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------

/**
 * How a verb becomes a relation word: `"lemma"` (move_to, work_at — tense and number do not
 * split one relation into several) or `"surface"` (moved_to, works_at — the written form).
 * @since 0.1.0
 */
export type RelationForm = "lemma" | "surface"

/**
 * Options of the rule extractor.
 * - `relationForm`: see {@link RelationForm}. Default `"lemma"`.
 * - `speaker`: the label first-person words stand for ("I live in Rome" → (speaker, live_in,
 *   Rome); "my sister" → "speaker's sister"). Default `null`: first-person sentences give nothing.
 * @since 0.1.0
 */
export interface Options {
  readonly relationForm: RelationForm
  readonly speaker: string | null
}

/** The default options: lemma relations, no speaker. @since 0.1.0 */
export const defaultOptions: Options = { relationForm: "lemma", speaker: null }

/**
 * A rule extractor: a pure, total function from text to triples (never throws on any string).
 * @since 0.1.0
 */
export interface RuleExtractor {
  readonly options: Options
  /**
   * The triples read from `text`, in sentence order, then clause order.
   * Laws: deterministic; every `span` lies within `text`; `extract("") == []`.
   * @complexity O(|text|) tokenisation + O(t²) worst case per sentence of t tokens (t is small)
   */
  readonly extract: (text: string) => ReadonlyArray<Triple>
}

/**
 * What the rule extractor does not handle (it returns no triple, or a partial one, for these).
 * @since 0.1.0
 */
export const limitations: ReadonlyArray<string> = [
  "Pronoun coreference: sentences whose subject or object is a pronoun (he, she, it, they, this) give no triple; first-person words only with the `speaker` option.",
  "Questions (ending in '?', or starting with a wh-word or an auxiliary) and imperatives give no triple.",
  "Subordinate clauses (because, although, if, when, that ...) are dropped; reported speech ('Alice said that Bob ...') gives no triple for the reported content; a clause with a complement clause ('Alice thinks Bob is nice') gives nothing.",
  "Restrictive relative clauses without commas ('The man who lives here is Bob') give nothing; only comma-delimited 'who/which' clauses right after a noun phrase are read.",
  "Passive voice: only 'X was VERBed by Y' (→ Y, verb, X) and 'X was VERBed PREP Z' (→ X, verbed_prep, Z); passives with a second object are skipped.",
  "Modal verbs (can, could, may, might, must, shall, should, will, would) make a clause give nothing: possibility and future are not facts.",
  "Disjunctions ('Paris or Rome') and quantifier negation ('No cat ...') give nothing.",
  "Tense is not represented: 'Carol was a doctor' gives the same triple as 'Carol is a doctor'; only an explicit year or date gives validFrom.",
  "Dates: validFrom only from a year-bearing date after in/on/since/from/at/during or at the start of the sentence ('in 2021', 'on 3 March 2019', '2021-03-05'); relative dates ('last year', 'yesterday') and end dates ('until 2020') are ignored; there is no validUntil.",
  "Only one relation per clause: a second prepositional phrase ('Alice met Bob in Paris') is ignored (confidence lowered), and ditransitives ('gave Bob a book') are not read.",
  "'There is/are ...' existentials, comparatives, numbers with units as relations, and idioms are not read.",
  "Part-of-speech errors of the small wink model (e.g. 'lives' tagged as a noun) are repaired only in the simple case where a clause otherwise has no verb; other tagging errors give wrong or no triples.",
  "Comma lists without a final 'and' ('Paris, France') keep only the first noun phrase; apposition is recognised only as 'the <noun> <Proper Name>'.",
  "Sentences longer than 100 tokens are skipped, and runs of more than 128 non-space characters (long URLs, base64) are treated as blank, to keep the work linear."
]

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

interface Tok {
  readonly text: string
  readonly lower: string
  readonly lemma: string
  readonly pos: PartOfSpeech
  readonly type: string
  readonly start: number
  readonly end: number
  /** The entity type (DATE, DURATION, ...) or `null`. */
  readonly ent: string | null
  /** The entity's index in the document, or -1. */
  readonly entId: number
}

interface Sentence {
  readonly toks: ReadonlyArray<Tok>
  readonly start: number
  readonly end: number
}

let nlpInstance: WinkMethods | undefined

/** The wink-nlp instance, loaded once per process (≈ 150–200 ms). */
const nlp = (): WinkMethods => {
  if (nlpInstance === undefined) nlpInstance = winkNLP(model)
  return nlpInstance
}

const tokenStrings = (doc: ReturnType<WinkMethods["readDoc"]>, f: ItsFunction<string>) =>
  doc.tokens().out(f) as ReadonlyArray<string>

// wink-nlp's typings declare `its.lemma` with an `addons` parameter where `ItsFunction` has a
// cache; at run time wink passes the model's addons. The cast only bridges that typing slip.
const lemmaOf = (w: WinkMethods): ItsFunction<string> => w.its.lemma as unknown as ItsFunction<string>

/** Tokenise `text` into sentences of tokens with character offsets (SPACE tokens dropped). */
const readSentences = (text: string): ReadonlyArray<Sentence> => {
  const w = nlp()
  const its = w.its
  const doc = w.readDoc(blankLongRuns(text))
  const values = tokenStrings(doc, its.value)
  const spaces = tokenStrings(doc, its.precedingSpaces)
  const pos = doc.tokens().out(its.pos) as ReadonlyArray<PartOfSpeech>
  const lemmas = tokenStrings(doc, lemmaOf(w))
  const types = tokenStrings(doc, its.type)
  const ents = new Array<string | null>(values.length).fill(null)
  const entIds = new Array<number>(values.length).fill(-1)
  const entSpans = doc.entities().out(its.span) as unknown as ReadonlyArray<ReadonlyArray<number>>
  const entTypes = doc.entities().out(its.type) as ReadonlyArray<string>
  entSpans.forEach(([a, b], e) => {
    for (let i = a ?? 0; i <= (b ?? -1); i++) {
      ents[i] = entTypes[e] ?? null
      entIds[i] = e
    }
  })
  // Offsets: wink keeps the text verbatim (value + preceding whitespace); indexOf guards drift.
  const starts = new Array<number>(values.length)
  let cursor = 0
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? ""
    cursor += (spaces[i] ?? "").length
    if (!text.startsWith(v, cursor)) {
      const found = text.indexOf(v, cursor)
      if (found >= 0) cursor = found
    }
    starts[i] = Math.min(cursor, text.length)
    cursor = Math.min(cursor + v.length, text.length)
  }
  const tokAt = (i: number): Tok => {
    const v = values[i] ?? ""
    const s = starts[i] ?? 0
    return {
      text: v,
      lower: v.toLowerCase().replace(/’/g, "'"),
      lemma: (lemmas[i] ?? v).toLowerCase(),
      pos: pos[i] ?? "X",
      type: types[i] ?? "word",
      start: s,
      end: Math.min(s + v.length, text.length),
      ent: ents[i] ?? null,
      entId: entIds[i] ?? -1
    }
  }
  const spans = doc.sentences().out(its.span) as unknown as ReadonlyArray<ReadonlyArray<number>>
  const out: Array<Sentence> = []
  for (const [a, b] of spans) {
    const toks: Array<Tok> = []
    for (let i = a ?? 0; i <= (b ?? -1); i++) {
      const t = tokAt(i)
      if (t.pos !== "SPACE" && t.text.trim().length > 0) toks.push(t)
    }
    if (toks.length === 0 || toks.length > MAX_SENTENCE_TOKENS) continue
    out.push({ toks: mergeHyphens(text, toks), start: toks[0]!.start, end: toks[toks.length - 1]!.end })
  }
  return out
}

/** Longest run of non-space characters handed to the tagger (longer runs are not words). */
const MAX_RUN_CHARS = 128
/** Longest sentence, in tokens, the grammar reads (longer ones are never plain declaratives). */
const MAX_SENTENCE_TOKENS = 100

/**
 * Replace runs of more than {@link MAX_RUN_CHARS} non-space characters by as many spaces:
 * offsets are kept, and wink's tokeniser, quadratic in the length of one run, stays linear.
 */
const blankLongRuns = (text: string): string =>
  text.replace(new RegExp(`\\S{${MAX_RUN_CHARS + 1},}`, "g"), (run) => " ".repeat(run.length))

/** Join `well - known` written without spaces into one token `well-known` (pos of the last part). */
const mergeHyphens = (text: string, toks: ReadonlyArray<Tok>): ReadonlyArray<Tok> => {
  const out: Array<Tok> = []
  for (const t of toks) {
    const prev = out[out.length - 1]
    const dash = out[out.length - 2]
    if (
      prev !== undefined && dash !== undefined && prev.text === "-" && dash.end === prev.start &&
      prev.end === t.start && isWordy(t) && isWordy(dash)
    ) {
      out.length -= 2
      const merged = text.slice(dash.start, t.end)
      out.push({
        ...t,
        text: merged,
        lower: merged.toLowerCase(),
        lemma: merged.toLowerCase(),
        pos: t.pos === "VERB" || t.pos === "ADV" ? "ADJ" : t.pos,
        start: dash.start
      })
    } else out.push(t)
  }
  return out
}

const isWordy = (t: Tok): boolean => /[\p{L}\p{N}]$/u.test(t.text)

// ---------------------------------------------------------------------------------------------
// Word classes
// ---------------------------------------------------------------------------------------------

const WH = new Set(["who", "whom", "whose", "what", "which", "where", "when", "why", "how"])
const MODALS = new Set(["can", "ca", "could", "may", "might", "must", "shall", "should", "will", "wo", "would", "'ll", "'d"])
const NEGATORS = new Set(["not", "n't", "never"])
const DROPPED_DETS = new Set(["the", "a", "an", "this", "that", "these", "those", "some", "all", "every", "each", "any"])
const PERSONAL_PRONOUNS = new Set([
  "i", "me", "my", "mine", "myself", "you", "your", "yours", "he", "him", "his", "she", "her", "hers", "it", "its",
  "we", "us", "our", "ours", "they", "them", "their", "theirs", "this", "that", "these", "those", "there", "someone",
  "something", "everyone", "everything", "nobody", "nothing", "who", "which", "what"
])
const VALID_FROM_PREPS = new Set(["in", "on", "since", "from", "at", "during"])
const TIME_ENTITIES = new Set(["DATE", "TIME", "DURATION"])
const CLAUSE_CONJ = new Set(["and", "but"])
const LIST_CONJ = new Set(["and", "&"])
const DISJ = new Set(["or", "nor"])
const POSSESSIVE_MARK = new Set(["'s", "'"])

const CONFIDENCE_CLEAN = 0.8
const CONFIDENCE_PARTIAL = 0.6

const isNegator = (t: Tok): boolean => NEGATORS.has(t.lower)
const isBe = (t: Tok): boolean => t.lemma === "be" || ["is", "are", "was", "were", "am", "'s", "'re", "'m", "be", "been", "being"].includes(t.lower)
const isModal = (t: Tok): boolean => MODALS.has(t.lower) || (t.pos === "AUX" && MODALS.has(t.lemma))
const isDateTok = (t: Tok | undefined): boolean => t !== undefined && t.ent !== null && TIME_ENTITIES.has(t.ent)

/** Tokens that can be part of a noun phrase's content. */
const isNominal = (t: Tok | undefined): t is Tok =>
  t !== undefined &&
  !(t.ent === "DATE" || t.ent === "TIME") &&
  !PERSONAL_PRONOUNS.has(t.lower) &&
  (t.pos === "NOUN" || t.pos === "PROPN" || t.pos === "ADJ" || t.pos === "NUM" ||
    t.type === "email" || t.type === "url" || t.type === "hashtag" || t.type === "mention")

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
const MONTH_RE = /\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b/i

/**
 * World time (UTC ms) of a written date that names a year: "2021" → 2021-01-01,
 * "March 2019" → 2019-03-01, "3 March 2019" / "March 3rd, 2019" → 2019-03-03,
 * "2021-03-05" → 2021-03-05. `null` when no year (1000–2999) is written.
 * @complexity O(|s|)
 */
export const parseDate = (s: string): number | null => {
  const iso = /\b([12]\d{3})-(\d{1,2})-(\d{1,2})\b/.exec(s)
  if (iso !== null) return utc(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]))
  const year = /(?<![\d.,])([12]\d{3})(?![\d.,]*\d)/.exec(s)
  if (year === null) return null
  const y = Number(year[1])
  const month = MONTH_RE.exec(s)
  if (month === null) return utc(y, 0, 1)
  const m = MONTHS.indexOf((month[1] ?? "").slice(0, 3).toLowerCase())
  const rest = s.replace(year[0], " ").replace(month[0], " ")
  const day = /\b([0-3]?\d)(?:st|nd|rd|th)?\b/.exec(rest)
  return utc(y, m, day === null ? 1 : Number(day[1]))
}

const utc = (y: number, m: number, d: number): number | null => {
  if (m < 0 || m > 11) return null
  const t = Date.UTC(y, m, 1)
  const dd = d >= 1 && d <= 31 && new Date(Date.UTC(y, m, d)).getUTCMonth() === m ? d : 1
  return t + (dd - 1) * 86_400_000
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

interface NP {
  readonly text: string
  /** Token index just after the phrase. */
  readonly end: number
  readonly indefinite: boolean
  /** For "X's Y": X and Y. */
  readonly possessor: string | null
  readonly possessed: string | null
}

interface Ctx {
  readonly text: string
  readonly options: Options
  /** Noun-phrase lists by the token index that follows them (for relative clauses). */
  readonly npEnds: Map<number, ReadonlyArray<NP>>
}

const slice = (ctx: Ctx, toks: ReadonlyArray<Tok>, from: number, to: number): string =>
  ctx.text.slice(toks[from]!.start, toks[to - 1]!.end)

/** Runs of nominal tokens from `i` (bounded by `limit`); the index after them. */
const nominalRun = (toks: ReadonlyArray<Tok>, i: number, limit: number): number => {
  let k = i
  while (k < limit && isNominal(toks[k])) k++
  return k
}

/**
 * A noun phrase at `i` (not past `limit`), or `null`.
 * Leading determiners are dropped; "my" maps to the speaker; other pronouns fail.
 */
const parseNP = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number, limit = toks.length): NP | null => {
  const t = toks[i]
  if (t === undefined || i >= limit) return null
  const speaker = ctx.options.speaker
  let k = i
  let indefinite = false
  let speakerOwns = false
  if ((t.lower === "i" || t.lower === "me") && speaker !== null) {
    return { text: speaker, end: i + 1, indefinite: false, possessor: null, possessed: null }
  }
  if (t.lower === "my" && speaker !== null) {
    speakerOwns = true
    k++
  } else if (t.pos === "DET") {
    if (!DROPPED_DETS.has(t.lower)) return null // "no", "neither", ... quantifier negation
    indefinite = t.lower === "a" || t.lower === "an"
    k++
  }
  const contentStart = k
  k = nominalRun(toks, k, limit)
  if (k === contentStart) return null
  let textStart = contentStart
  // Apposition "the writer Mark Twain": a determiner, common noun(s), then a proper-noun run.
  if (contentStart > i && !speakerOwns && toks[k - 1]!.pos === "PROPN") {
    let p = k - 1
    while (p > contentStart && toks[p - 1]!.pos === "PROPN") p--
    if (p > contentStart && toks[p - 1]!.pos === "NOUN") textStart = p
  }
  let possessor: string | null = speakerOwns ? speaker : null
  let possessed: string | null = null
  let text = speakerOwns ? `${speaker}'s ${slice(ctx, toks, contentStart, k)}` : slice(ctx, toks, textStart, k)
  if (speakerOwns) possessed = slice(ctx, toks, contentStart, k)
  const mark = toks[k]
  if (!speakerOwns && mark !== undefined && k < limit && POSSESSIVE_MARK.has(mark.lower) && mark.pos !== "VERB" && mark.pos !== "AUX") {
    const from = k + 1
    const to = nominalRun(toks, from, limit)
    if (to === from) return null
    possessor = text
    possessed = slice(ctx, toks, from, to)
    text = slice(ctx, toks, textStart, to)
    k = to
  }
  // "capital of France": one phrase.
  if (toks[k]?.lower === "of" && k + 1 < limit) {
    const inner = parseNP(ctx, toks, k + 1, limit)
    if (inner !== null) {
      text = `${text} of ${inner.text}`
      if (possessed !== null) possessed = `${possessed} of ${inner.text}`
      k = inner.end
    }
  }
  return { text, end: k, indefinite, possessor, possessed }
}

interface NPList {
  readonly nps: ReadonlyArray<NP>
  readonly end: number
  /** A comma list without a final "and", of which only the first phrase was kept. */
  readonly truncated: boolean
  readonly disjunctive: boolean
}

/** Whether a verb group starts at `i` (a new clause after a conjunction). */
const startsVerbGroup = (toks: ReadonlyArray<Tok>, i: number): boolean => {
  let k = i
  while (toks[k] !== undefined && (toks[k]!.pos === "ADV" || isNegator(toks[k]!))) k++
  const t = toks[k]
  return t !== undefined && (t.pos === "VERB" || t.pos === "AUX")
}

/**
 * A list of noun phrases "A", "A and B", "A, B and C". In object position a phrase followed by a
 * verb starts a new clause, so the list stops before its conjunction.
 */
const parseNPList = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number, role: "subject" | "object", limit = toks.length): NPList | null => {
  const first = parseNP(ctx, toks, i, limit)
  if (first === null) return null
  const nps: Array<NP> = [first]
  let k = first.end
  let commaOnly = false
  let disjunctive = false
  for (;;) {
    let j = k
    const sawComma = toks[j]?.text === ","
    if (sawComma) j++
    const conj = toks[j]?.lower ?? ""
    const sawConj = LIST_CONJ.has(conj) || DISJ.has(conj)
    if (sawConj) j++
    if (!sawComma && !sawConj) break
    const next = parseNP(ctx, toks, j, limit)
    if (next === null || (role === "object" && startsVerbGroup(toks, next.end))) break
    if (DISJ.has(conj)) disjunctive = true
    nps.push(next)
    k = next.end
    commaOnly = !sawConj
    if (sawConj) break
  }
  return commaOnly
    ? { nps: [first], end: k, truncated: true, disjunctive }
    : { nps, end: k, truncated: false, disjunctive }
}

/** A time phrase at `i`: [prep] date-entity. Its end and, if it names a start, its world time. */
const parseTime = (ctx: Ctx, toks: ReadonlyArray<Tok>, i: number): { end: number; validFrom: number | null } | null => {
  const t = toks[i]
  if (t === undefined) return null
  let k = i
  let prep: string | null = null
  if ((t.pos === "ADP" || t.pos === "SCONJ") && isDateTok(toks[i + 1])) {
    prep = t.lower
    k = i + 1
  } else if (t.lower === "as" && toks[i + 1]?.lower === "of" && isDateTok(toks[i + 2])) {
    prep = "since"
    k = i + 2
  } else if (!isDateTok(t) || !(t.ent === "DATE" || t.ent === "TIME")) return null
  const id = toks[k]!.entId
  const from = k
  // The preposition itself may sit inside the entity ("since March 2020" is one DURATION).
  while (toks[k] !== undefined && toks[k]!.entId === id) k++
  const written = ctx.text.slice(toks[from]!.start, toks[k - 1]!.end)
  const startsHere = prep === null ? true : VALID_FROM_PREPS.has(prep)
  return { end: k, validFrom: startsHere ? parseDate(written) : null }
}

const relationWord = (ctx: Ctx, t: Tok): string =>
  ctx.options.relationForm === "surface" ? t.lower : t.lemma

const verbLemmaCache = new Map<string, string>()

/** The lemma of a word the tagger mistook for a noun/adjective, read in a verb position. */
const verbLemma = (word: string): string => {
  const key = word.toLowerCase()
  const hit = verbLemmaCache.get(key)
  if (hit !== undefined) return hit
  const w = nlp()
  const lemmas = w.readDoc(`She ${key} it.`).tokens().out(lemmaOf(w)) as ReadonlyArray<string>
  const lemma = (lemmas[1] ?? key).toLowerCase()
  verbLemmaCache.set(key, lemma)
  return lemma
}

/** A token tagged NOUN/ADJ that is probably a finite verb ("lives", "studies", "married"). */
const looksLikeVerb = (t: Tok): boolean =>
  (t.pos === "NOUN" && /[a-z]s$/.test(t.lower) && !/ss$/.test(t.lower)) || (t.pos === "ADJ" && /[a-z]ed$/.test(t.lower))

interface VerbGroup {
  /** Index of the main verb, or of the last auxiliary when there is none. */
  readonly head: number
  readonly kind: "verb" | "copula" | "aux"
  readonly negated: boolean
  readonly passive: boolean
  readonly modal: boolean
  /** The main verb was a mistagged noun/adjective. */
  readonly repaired: boolean
  /** Index of the first token after the group. */
  readonly next: number
}

const parseVerbGroup = (toks: ReadonlyArray<Tok>, i: number): VerbGroup | null => {
  let k = i
  let negated = false
  let modal = false
  const auxes: Array<number> = []
  for (;;) {
    const t = toks[k]
    if (t === undefined) break
    if (isNegator(t)) negated = true
    else if (t.lower === "no" && toks[k + 1]?.lower === "longer") {
      negated = true
      k++
    } else if (t.pos === "AUX") {
      if (isModal(t)) modal = true
      auxes.push(k)
    } else if (t.pos === "ADV" && !WH.has(t.lower) && auxes.length + k - i < 6) {
      // adverbs such as "also", "still", "now" are skipped
    } else break
    k++
  }
  const t = toks[k]
  if (t !== undefined && t.pos === "VERB") {
    const beAux = auxes.some((a) => isBe(toks[a]!))
    const passive = beAux && !t.lower.endsWith("ing")
    return { head: k, kind: "verb", negated, passive, modal, repaired: false, next: k + 1 }
  }
  if (t !== undefined && auxes.length === 0 && looksLikeVerb(t) && k === i) {
    return { head: k, kind: "verb", negated, passive: false, modal, repaired: true, next: k + 1 }
  }
  const last = auxes[auxes.length - 1]
  if (last === undefined) return null
  const kind = isBe(toks[last]!) ? "copula" : "aux"
  return { head: last, kind, negated, passive: false, modal, repaired: false, next: k }
}

/** A triple before its sentence span is attached. */
type Draft = Omit<Triple, "span">

/** Relation words → `lowercase_words_joined` (apostrophes dropped, other symbols split words). */
const toRelation = (words: ReadonlyArray<string>): string =>
  words
    .flatMap((r) => r.toLowerCase().split(/[^\p{L}\p{N}']+/u))
    .map((r) => r.replace(/'/g, ""))
    .filter((r) => r.length > 0)
    .join("_")

/**
 * Reads one clause starting at `i` (with `shared` subjects when it continues a previous clause)
 * and any clauses coordinated after it.
 */
const parseClause = (
  ctx: Ctx,
  toks: ReadonlyArray<Tok>,
  i: number,
  shared: ReadonlyArray<NP> | null,
  sentenceDate: number | null
): ReadonlyArray<Draft> => {
  let subjects: ReadonlyArray<NP>
  let k: number
  let partial = false
  let group: VerbGroup | null
  if (shared !== null) {
    subjects = shared
    k = i
    group = parseVerbGroup(toks, k)
  } else {
    const list = parseNPList(ctx, toks, i, "subject")
    if (list === null || list.disjunctive) return []
    ctx.npEnds.set(list.end, list.nps)
    subjects = list.nps
    k = list.end
    group = parseVerbGroup(toks, k)
    if (list.truncated) partial = true
    // Repair: the tagger read the verb as part of the subject ("Alice lives in", "Alice married Bob").
    if (group === null && list.nps.length === 1) {
      for (let v = i + 1; v < list.end; v++) {
        const cand = toks[v]!
        const prev = toks[v - 1]!
        if (!looksLikeVerb(cand) || !(prev.pos === "PROPN" || prev.pos === "NOUN")) continue
        const np = parseNP(ctx, toks, i, v)
        if (np === null || np.end !== v) continue
        ctx.npEnds.set(v, [np])
        subjects = [np]
        k = v
        group = { head: v, kind: "verb", negated: false, passive: false, modal: false, repaired: true, next: v + 1 }
        break
      }
    }
  }
  if (group === null) return []
  if (group.repaired) partial = true
  const head = toks[group.head]!
  const relation: Array<string> = []
  let objects: ReadonlyArray<NP> = []
  let agentIsSubject = true
  let possessiveCopula = false
  /** "X is a Y" → is_a, "X is (the) Y" → is: decided per object. */
  let copulaNP = false
  k = group.next
  let validFrom: number | null = null
  const takeTimes = (): void => {
    for (;;) {
      const time = parseTime(ctx, toks, k)
      if (time === null) return
      if (validFrom === null) validFrom = time.validFrom
      k = time.end
    }
  }
  const skipAdverbs = (): void => {
    while (toks[k] !== undefined && toks[k]!.pos === "ADV" && !WH.has(toks[k]!.lower)) k++
  }

  if (group.kind === "verb") {
    relation.push(
      group.repaired ? (ctx.options.relationForm === "surface" ? head.lower : verbLemma(head.lower)) :
        group.passive ? head.lower : relationWord(ctx, head)
    )
    while (toks[k]?.lower === "to" && toks[k + 1]?.pos === "VERB") {
      relation.push("to", relationWord(ctx, toks[k + 1]!))
      k += 2
    }
  } else if (group.kind === "aux") {
    relation.push(relationWord(ctx, head))
  }
  skipAdverbs()
  takeTimes()
  skipAdverbs()
  const prep = toks[k]
  if (prep !== undefined && prep.pos === "ADP" && prep.lower !== "of") {
    const list = parseNPList(ctx, toks, k + 1, "object")
    if (list === null || list.disjunctive) return []
    if (group.kind === "copula") relation.push("is")
    if (group.passive && prep.lower === "by") {
      agentIsSubject = false
      relation[0] = head.lemma
    } else relation.push(prep.lower)
    ctx.npEnds.set(list.end, list.nps)
    objects = list.nps
    if (list.truncated) partial = true
    k = list.end
  } else {
    if (group.passive) return []
    const list = parseNPList(ctx, toks, k, "object")
    if (list === null || list.disjunctive) return []
    ctx.npEnds.set(list.end, list.nps)
    objects = list.nps
    if (list.truncated) partial = true
    k = list.end
    if (group.kind === "copula") {
      const subject = subjects[0]!
      const allDefinite = objects.every((o) => !o.indefinite)
      if (subjects.length === 1 && subject.possessor !== null && subject.possessed !== null && allDefinite) {
        possessiveCopula = true
        relation.push(subject.possessed)
      } else copulaNP = true
    }
  }

  // Trailer: times, adverbs, ignored prepositional phrases; a conjunction starts a new clause.
  const rest: Array<Draft> = []
  for (;;) {
    takeTimes()
    const t = toks[k]
    if (t === undefined) break
    if (t.pos === "ADV" && !WH.has(t.lower)) {
      k++
      continue
    }
    if (t.text === "," && (toks[k + 1] === undefined || parseTime(ctx, toks, k + 1) !== null)) {
      k++
      continue
    }
    const afterComma = t.text === "," ? k + 1 : k
    const conj = toks[afterComma]
    if (conj !== undefined && CLAUSE_CONJ.has(conj.lower)) {
      const next = afterComma + 1
      if (startsVerbGroup(toks, next) || (toks[next] !== undefined && looksLikeVerb(toks[next]!))) {
        rest.push(...parseClause(ctx, toks, next, subjects, sentenceDate))
      } else rest.push(...parseClause(ctx, toks, next, null, sentenceDate))
      break
    }
    if (t.pos === "ADP" && t.lower !== "of") {
      const pp = parseNPList(ctx, toks, k + 1, "object")
      if (pp !== null) {
        ctx.npEnds.set(pp.end, pp.nps)
        partial = true
        k = pp.end
        continue
      }
    }
    if (t.pos === "VERB" || t.pos === "AUX") return rest // a complement clause: not a plain fact
    if (t.pos === "PUNCT" && k === toks.length - 1) break
    partial = true
    break
  }
  if (group.modal) return rest

  const relationKey = toRelation(relation)
  if (relationKey.length === 0 && !copulaNP) return rest
  const own: Array<Draft> = []
  const confidence = partial ? CONFIDENCE_PARTIAL : CONFIDENCE_CLEAN
  const when = validFrom ?? sentenceDate
  for (const s of subjects) {
    for (const o of objects) {
      const subject = possessiveCopula ? s.possessor! : agentIsSubject ? s.text : o.text
      const object = agentIsSubject ? o.text : s.text
      if (subject.trim().length === 0 || object.trim().length === 0) continue
      const rel = copulaNP ? (o.indefinite ? "is_a" : "is") : relationKey
      own.push({ subject, relation: rel, object, negated: group.negated, confidence, validFrom: when })
    }
  }
  return [...own, ...rest]
}

interface RelativeClause {
  /** Index in the main token list where the clause was lifted out. */
  readonly anchor: number
  readonly toks: ReadonlyArray<Tok>
}

/** Lift ", who/which …," clauses out of a sentence. */
const liftRelatives = (toks: ReadonlyArray<Tok>): { main: ReadonlyArray<Tok>; relatives: ReadonlyArray<RelativeClause> } => {
  const main: Array<Tok> = []
  const relatives: Array<RelativeClause> = []
  let i = 0
  while (i < toks.length) {
    const t = toks[i]!
    const w = toks[i + 1]
    if (t.text === "," && w !== undefined && (w.lower === "who" || w.lower === "which")) {
      let c = i + 2
      while (c < toks.length && toks[c]!.text !== ",") c++
      let inner = toks.slice(i + 2, c)
      if (c === toks.length && inner.length > 0 && inner[inner.length - 1]!.pos === "PUNCT") inner = inner.slice(0, -1)
      relatives.push({ anchor: main.length, toks: inner })
      i = c === toks.length ? c : c + 1
      if (c === toks.length && toks[toks.length - 1]!.pos === "PUNCT") main.push(toks[toks.length - 1]!)
      continue
    }
    main.push(t)
    i++
  }
  return { main, relatives }
}

/** All triples of one sentence. */
const parseSentence = (ctx: Ctx, sentence: Sentence): ReadonlyArray<Triple> => {
  let toks = sentence.toks
  if (toks.some((t) => t.text === "?")) return []
  while (toks.length > 0 && toks[toks.length - 1]!.pos === "PUNCT" && /^[.!;:…"'”’)\]]+$/.test(toks[toks.length - 1]!.text)) {
    toks = toks.slice(0, -1)
  }
  while (toks.length > 0 && toks[0]!.pos === "PUNCT" && /^["'“‘(\[]+$/.test(toks[0]!.text)) toks = toks.slice(1)
  if (toks.length === 0) return []
  const ctx0: Ctx = { ...ctx, npEnds: new Map() }
  // A leading time phrase or adverbial ("In 2021, …", "Yesterday …", "However, …").
  let start = 0
  let sentenceDate: number | null = null
  for (;;) {
    const time = parseTime(ctx0, toks, start)
    if (time !== null) {
      if (sentenceDate === null) sentenceDate = time.validFrom
      start = time.end
      if (toks[start]?.text === ",") start++
      continue
    }
    const first = toks[start]
    if (first === undefined) return []
    if (first.pos === "SCONJ" || (first.pos === "ADP" || first.pos === "ADV")) {
      const comma = toks.findIndex((t, j) => j > start && t.text === ",")
      if (comma < 0) {
        if (first.pos === "ADV" && !WH.has(first.lower)) {
          start++
          continue
        }
        return []
      }
      if (first.pos !== "SCONJ" && toks.slice(start, comma).some((t) => t.pos === "VERB" || t.pos === "AUX")) return []
      start = comma + 1
      continue
    }
    break
  }
  const first = toks[start]!
  if (WH.has(first.lower) || first.pos === "AUX" || first.pos === "VERB") return [] // question / imperative
  const { main, relatives } = liftRelatives(toks.slice(start))
  const drafts: Array<Draft> = [...parseClause(ctx0, main, 0, null, sentenceDate)]
  for (const rel of relatives) {
    const antecedent = ctx0.npEnds.get(rel.anchor)
    if (antecedent === undefined || rel.toks.length === 0) continue
    drafts.push(...parseClause({ ...ctx0, npEnds: new Map() }, rel.toks, 0, antecedent, sentenceDate))
  }
  const span = { start: sentence.start, end: sentence.end }
  return drafts.map((d) => ({ ...d, span }))
}

// ---------------------------------------------------------------------------------------------
// Constructors
// ---------------------------------------------------------------------------------------------

/**
 * A rule extractor with the given options (missing fields take {@link defaultOptions}).
 * The wink model loads on the first `extract` (≈ 0.2 s, once per process).
 *
 * Laws: `make(o).extract(t)` deep-equals itself on every call (determinism).
 * @complexity O(1); see {@link RuleExtractor.extract}
 * @example
 * ```ts
 * RuleExtractor.make().extract("Bob works at Acme.")
 * // [{ subject: "Bob", relation: "work_at", object: "Acme", negated: false, validFrom: null,
 * //    confidence: 0.8, span: { start: 0, end: 18 } }]
 * ```
 * @since 0.1.0
 */
export const make = (options: Partial<Options> = {}): RuleExtractor => {
  const full: Options = { ...defaultOptions, ...options }
  return {
    options: full,
    extract: (text) => {
      if (text.trim().length === 0) return []
      const ctx: Ctx = { text, options: full, npEnds: new Map() }
      return readSentences(text).flatMap((s) => parseSentence(ctx, s))
    }
  }
}

/**
 * Load the wink model now (instead of on the first extraction), e.g. while a layer is built.
 * @complexity ≈ 0.2 s the first time, O(1) after
 * @since 0.1.0
 */
export const warmUp = (): void => {
  nlp()
}
