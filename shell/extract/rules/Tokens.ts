/**
 * Tokens — wink-nlp's reading of a text: sentences of tagged tokens with character offsets.
 *
 * wink-nlp with its small English model (`wink-eng-lite-web-model`) splits sentences (it keeps
 * titles, abbreviations and decimals whole: "Dr. Brown", "St. Louis", "e.g.", "U.S.", "3.5"),
 * tags each token with a universal part of speech and a lemma, and marks entities (DATE, ...).
 * Around it: a contraction wink leaves whole ("I'm") is split into its pronoun and auxiliary,
 * hyphenated words written without spaces are joined ("well-known"), runs of more than 128
 * non-space characters are blanked (wink's tokeniser is quadratic in one run's length), and
 * sentences longer than 100 tokens are dropped. wink's tokeniser breaks words at letters outside
 * ASCII ("Ayşe" → "Ay ş e"): the tagger is given the text with each such letter replaced by "x"
 * or "X" (same length, so offsets hold) and tokens keep the original text. A sentence wink ends
 * after a title it does not know ("Fr.", "Sgt.", "Det.") is joined to the next one.
 *
 * @since 0.2.0
 */
import winkNLP from "wink-nlp"
import type { ItsFunction, PartOfSpeech, WinkMethods } from "wink-nlp"
import model from "wink-eng-lite-web-model"

/** One token. `start`/`end` are offsets in the input text (end exclusive). @since 0.2.0 */
export interface Tok {
  readonly text: string
  readonly lower: string
  readonly lemma: string
  readonly pos: PartOfSpeech
  readonly type: string
  readonly start: number
  readonly end: number
  /** The wink entity type (DATE, DURATION, ...) or `null`. */
  readonly ent: string | null
  /** The entity's index in the document, or -1. */
  readonly entId: number
}

/** A sentence: its tokens (no spaces) and its extent in the text. @since 0.2.0 */
export interface Sentence {
  readonly toks: ReadonlyArray<Tok>
  readonly start: number
  readonly end: number
}

let nlpInstance: WinkMethods | undefined

/**
 * The wink-nlp instance, loaded once per process (≈ 150–200 ms).
 * @since 0.2.0
 */
export const nlp = (): WinkMethods => {
  if (nlpInstance === undefined) nlpInstance = winkNLP(model)
  return nlpInstance
}

const tokenStrings = (doc: ReturnType<WinkMethods["readDoc"]>, f: ItsFunction<string>) =>
  doc.tokens().out(f) as ReadonlyArray<string>

// wink-nlp's typings declare `its.lemma` with an `addons` parameter where `ItsFunction` has a
// cache; at run time wink passes the model's addons. The cast only bridges that typing slip.
const lemmaOf = (w: WinkMethods): ItsFunction<string> => w.its.lemma as unknown as ItsFunction<string>

/** Longest run of non-space characters handed to the tagger (longer runs are not words). */
const MAX_RUN_CHARS = 128
/** Longest sentence, in tokens, the grammar reads (longer ones are never plain declaratives). */
const MAX_SENTENCE_TOKENS = 100

const blankLongRuns = (text: string): string =>
  text.replace(new RegExp(`\\S{${MAX_RUN_CHARS + 1},}`, "g"), (run) => " ".repeat(run.length))

/** Letters and marks outside ASCII, each replaced by as many "x" (or "X") as it has UTF-16 units. */
const NON_ASCII_LETTER = /[\p{L}\p{M}]/gu

const NON_ASCII_RUN = /[^\u0000-\u007f]+/g

/** Emoji and their joiners, variation selectors and skin tones: not words, blanked for the tagger. */
const EMOJI = /[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}\u{1F3FB}-\u{1F3FF}\u200D\uFE0E\uFE0F\u20E3]/gu

/**
 * A short parenthetical in brackets or between two dashes ("My best friend (Rosie) works …",
 * "My sister — Carla — lives …") is punctuated for the tagger as the comma apposition it is
 * (same length, so offsets hold); the tokens read "," there.
 */
const PARENTHETICAL = /\(([^()\n]{1,60})\)|(\s)[—–](\s[^—–\n]{1,60}\s)[—–](?=\s)|(\s)--(\s[^\n]{1,60}?\s)--(?=\s)/g

const commaParentheticals = (text: string): string =>
  text.indexOf("(") < 0 && text.indexOf("—") < 0 && text.indexOf("–") < 0 && text.indexOf("--") < 0
    ? text
    : text.replace(PARENTHETICAL, (m, inBrackets: string | undefined, s1: string | undefined, inDashes: string | undefined, s2: string | undefined, inDoubles: string | undefined) =>
      inBrackets !== undefined ? `,${inBrackets},` : inDashes !== undefined ? `${s1},${inDashes},` : inDoubles !== undefined ? `${s2}, ${inDoubles}, ` : m)

const maskForTagger = (text: string): string =>
  commaParentheticals(text.replace(EMOJI, (e) => " ".repeat(e.length))).replace(NON_ASCII_RUN, (run) => run.replace(NON_ASCII_LETTER, (c) => (c === c.toLowerCase() ? "x" : "X").repeat(c.length)))

const NON_LATIN_SCRIPT = /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u

/** Titles and abbreviations wink may end a sentence at. */
const ABBREVIATIONS = new Set([
  "fr", "det", "sgt", "capt", "cpt", "lt", "col", "gen", "maj", "cmdr", "adm", "rev", "hon", "gov", "sen", "rep", "pres",
  "supt", "insp", "prof", "dr", "mr", "mrs", "ms", "st", "mt", "ft", "ave", "blvd", "rd", "jr", "sr", "no", "vs", "approx",
  "dept", "univ", "inc", "ltd", "co", "corp", "bros", "messrs", "mme", "mlle", "fig", "vol", "est"
])

/** Join a sentence that ends in "Title ." to the next one, the title and its full stop one token. */
const joinAfterTitles = (sentences: Array<Array<Tok>>): Array<Array<Tok>> => {
  const out: Array<Array<Tok>> = []
  for (const toks of sentences) {
    const prev = out[out.length - 1]
    const dot = prev?.[prev.length - 1]
    const title = prev?.[prev.length - 2]
    const first = toks[0]
    if (
      prev !== undefined && dot !== undefined && title !== undefined && first !== undefined && dot.text === "." &&
      title.end === dot.start && ABBREVIATIONS.has(title.lower) && /^\p{Lu}/u.test(first.text)
    ) {
      prev.splice(prev.length - 2, 2, { ...title, text: `${title.text}.`, lower: `${title.lower}.`, lemma: `${title.lower}.`, pos: "PROPN", end: dot.end })
      prev.push(...toks)
      continue
    }
    out.push([...toks])
  }
  return out
}

const CONTRACTION = /^(i|you|we|they|he|she|it|that|there)(['’](?:m|re|s|ve|d|ll))$/i
const CONTRACTION_LEMMA: Readonly<Record<string, string>> = { "'m": "be", "'re": "be", "'s": "be", "'ve": "have", "'d": "would", "'ll": "will" }

/**
 * A capitalised word inside a sentence that wink tagged as a verb or common noun is a name
 * ("His wife Sue still teaches", "Dr. Park works"): the small model guesses names it does not
 * know from their position, and verbs and common nouns are not capitalised mid-sentence.
 */
const namesMidSentence = (toks: ReadonlyArray<Tok>): ReadonlyArray<Tok> =>
  toks.map((t, i) => {
    // A capitalised small word between capitalised words is part of a name ("Doctors Without Borders").
    if (i > 0 && (t.pos === "ADP" || t.pos === "DET" || t.pos === "CCONJ") && /^\p{Lu}\p{Ll}/u.test(t.text) &&
      toks[i - 1]!.pos === "PROPN" && /^\p{Lu}/u.test(toks[i + 1]?.text ?? "")) return { ...t, pos: "PROPN" }
    // "Nguyen Van An is a doctor": a capitalised function word between a name and a verb ends the name.
    if (i > 0 && (t.pos === "DET" || t.pos === "ADP" || t.pos === "CCONJ") && /^\p{Lu}\p{Ll}+$/u.test(t.text) &&
      toks[i - 1]!.pos === "PROPN" && (toks[i + 1]?.pos === "AUX" || toks[i + 1]?.pos === "VERB" ||
        (toks[i + 1]?.pos === "NOUN" && /[^s]s$/.test(toks[i + 1]!.lower) && (toks[i + 2]?.pos === "ADP" || toks[i + 2]?.pos === "DET")))) return { ...t, pos: "PROPN" }
    if (i === 0 || (t.pos !== "VERB" && t.pos !== "NOUN") || !/^\p{Lu}\p{Ll}/u.test(t.text)) return t
    const prev = toks[i - 1]!
    // After an opening quote or a colon a capital starts a sentence of its own.
    if (/^["“‘':(]$/.test(prev.text)) return t
    return { ...t, pos: "PROPN" }
  })

const COPULA_NEXT_POS = new Set(["DET", "ADP", "PART", "ADV", "PRON", "NUM"])
const COPULA_NEXT_WORDS = new Set(["married", "engaged", "divorced", "moving", "living", "working", "studying", "been", "getting", "retired", "single", "pregnant"])

/**
 * "'s" after a noun or name, read by wink as the possessive, is the copula when what follows
 * cannot be the thing possessed: a determiner, preposition, adverb or participle ("My mom's a
 * teacher", "Tom's from Cork", "Her sister's in Paris now", "Ana's married to Leo").
 */
const copulaAfterNouns = (toks: ReadonlyArray<Tok>): ReadonlyArray<Tok> => {
  if (!toks.some((t) => t.lower === "'s" || t.lower === "’s")) return toks
  return toks.map((t, i) => {
    if ((t.lower !== "'s" && t.lower !== "’s") || t.pos === "AUX" || t.pos === "VERB" || i === 0) return t
    const prev = toks[i - 1]!
    const next = toks[i + 1]
    if (next === undefined || prev.end !== t.start || (prev.pos !== "NOUN" && prev.pos !== "PROPN")) return t
    const adjNoun = next.pos === "ADV" && toks[i + 2]?.pos === "ADJ" && toks[i + 3]?.pos === "NOUN"
    // "My name's Tupac": a name's is always "name is".
    if ((COPULA_NEXT_POS.has(next.pos) && !adjNoun) || COPULA_NEXT_WORDS.has(next.lower) || prev.lower === "name") return { ...t, lower: "'s", lemma: "be", pos: "AUX" }
    return t
  })
}

/**
 * A word tagged as an adverb right after a verb that opens a list of nouns is the list's first
 * noun ("plays piano, violin and cello", "studies piano and voice"): list items share a kind.
 */
const nounListHeads = (toks: ReadonlyArray<Tok>): ReadonlyArray<Tok> =>
  toks.map((t, i) => {
    // wink reads "piano" as the musical direction (an adverb); after a verb it is the instrument.
    if (t.pos === "ADV" && t.lower === "piano" && i > 0 && toks[i - 1]!.pos === "VERB") return { ...t, pos: "NOUN", lemma: t.lower }
    if (t.pos !== "ADV" || i === 0 || toks[i - 1]!.pos !== "VERB" || /ly$/.test(t.lower)) return t
    const sep = toks[i + 1]?.lower
    const nextNoun = toks[i + 2]?.pos === "NOUN"
    return (sep === "," || sep === "and" || sep === "or") && nextNoun ? { ...t, pos: "NOUN", lemma: t.lower } : t
  })

/** "I'm" read as one token: split into "I" + "'m". */
const splitContractions = (toks: ReadonlyArray<Tok>): ReadonlyArray<Tok> => {
  if (!toks.some((t) => CONTRACTION.test(t.text))) return toks
  return toks.flatMap((t): ReadonlyArray<Tok> => {
    const m = CONTRACTION.exec(t.text)
    if (m === null) return [t]
    const head = m[1]!
    const aux = m[2]!.replace("’", "'").toLowerCase()
    const cut = t.start + head.length
    return [
      { ...t, text: head, lower: head.toLowerCase(), lemma: head.toLowerCase(), pos: "PRON", end: cut },
      { ...t, text: m[2]!, lower: aux, lemma: CONTRACTION_LEMMA[aux] ?? aux, pos: "AUX", start: cut }
    ]
  })
}

const isWordy = (t: Tok): boolean => /[\p{L}\p{N}]$/u.test(t.text)

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
        // "Min-jun" is a name even when wink read "jun" as a month.
        ent: dash.ent === t.ent ? t.ent : null,
        entId: dash.ent === t.ent ? t.entId : -1,
        start: dash.start
      })
    } else out.push(t)
  }
  return out
}

/**
 * Tokenise `text` into sentences of tokens with character offsets (space tokens dropped).
 * Laws: every token and sentence lies within `text`; sentences come in text order.
 * @complexity O(|text|)
 * @since 0.2.0
 */
export const readSentences = (text: string): ReadonlyArray<Sentence> => {
  const w = nlp()
  const its = w.its
  const tagged = maskForTagger(blankLongRuns(text))
  const doc = w.readDoc(tagged)
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
    if (!tagged.startsWith(v, cursor)) {
      const found = tagged.indexOf(v, cursor)
      if (found >= 0) cursor = found
    }
    starts[i] = Math.min(cursor, text.length)
    cursor = Math.min(cursor + v.length, text.length)
  }
  const tokAt = (i: number): Tok => {
    const s = starts[i] ?? 0
    const v = text.slice(s, s + (values[i] ?? "").length)
    const masked = v !== values[i]
    // A word in another script inside a sentence is read as a name ("My friend 王芳 …").
    const tag = pos[i] ?? "X"
    // A bracket or dash the tagger was shown as a comma (a parenthetical apposition) reads ",".
    if (masked && values[i] === "," && v !== ",") return { text: ",", lower: ",", lemma: ",", pos: "PUNCT", type: "punctuation", start: s, end: s + v.length, ent: null, entId: -1 }
    return {
      text: v,
      lower: v.toLowerCase().replace(/’/g, "'"),
      lemma: masked ? v.toLowerCase() : (lemmas[i] ?? v).toLowerCase(),
      pos: masked && NON_LATIN_SCRIPT.test(v) && tag !== "PUNCT" ? "PROPN" : masked && (tag === "X" || tag === "NOUN") && /^\p{Lu}/u.test(v) ? "PROPN" : tag,
      type: types[i] ?? "word",
      start: s,
      end: Math.min(s + v.length, text.length),
      ent: ents[i] ?? null,
      entId: entIds[i] ?? -1
    }
  }
  const spans = doc.sentences().out(its.span) as unknown as ReadonlyArray<ReadonlyArray<number>>
  const sentences: Array<Array<Tok>> = []
  for (const [a, b] of spans) {
    const toks: Array<Tok> = []
    for (let i = a ?? 0; i <= (b ?? -1); i++) {
      const t = tokAt(i)
      if (t.pos !== "SPACE" && t.text.trim().length > 0) toks.push(t)
    }
    if (toks.length > 0) sentences.push(toks)
  }
  const out: Array<Sentence> = []
  for (const toks of joinAfterTitles(sentences)) {
    if (toks.length > MAX_SENTENCE_TOKENS) continue
    out.push({ toks: nounListHeads(copulaAfterNouns(namesMidSentence(splitContractions(mergeHyphens(text, toks))))), start: toks[0]!.start, end: toks[toks.length - 1]!.end })
  }
  return out
}

const verbLemmaCache = new Map<string, string>()

/**
 * The lemma of a word read in a verb position that the tagger mistook for a noun/adjective
 * ("lives" → live). Cached per word.
 * @complexity one tagging of a 3-word sentence per new word
 * @since 0.2.0
 */
export const verbLemma = (word: string): string => {
  const key = word.toLowerCase()
  const hit = verbLemmaCache.get(key)
  if (hit !== undefined) return hit
  const w = nlp()
  const lemmas = w.readDoc(`She ${key} it.`).tokens().out(lemmaOf(w)) as ReadonlyArray<string>
  const lemma = (lemmas[1] ?? key).toLowerCase()
  if (verbLemmaCache.size > 10_000) verbLemmaCache.clear()
  verbLemmaCache.set(key, lemma)
  return lemma
}
