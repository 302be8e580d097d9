/**
 * Text — the tokeniser of the lexical index (the terms BM25 counts).
 *
 * A text's terms are found in four steps, all pure and locale-independent:
 * 1. fold: Unicode NFKD, combining marks removed (so "Café" and "cafe" agree, as in `Key`;
 *    Arabic and Hebrew vowel points go too), then NFC (so Hangul syllables, which NFKD splits
 *    into jamo, are whole again; the kana voicing marks are kept, so "が" stays "が"),
 *    lowercase (`String.prototype.toLowerCase`, locale-independent); an ASCII text skips all of
 *    this but the lowercase;
 * 2. split: the maximal runs of Unicode letters and digits (`[\p{L}\p{N}]+`) — everything else
 *    (spaces, punctuation, apostrophes, hyphens, symbols) separates terms, so "don't" gives
 *    "don" and "t", and "Entity-12" gives "entity" and "12". Latin, Cyrillic, Greek, Arabic,
 *    Hebrew… words are terms as they are;
 * 3. CJK: scripts written without spaces — Han, Hiragana, Katakana (with its long-vowel mark
 *    "ー") and Hangul — are cut out of their runs, and each stretch of them gives its
 *    overlapping character **bigrams** ("北京大学" → "北京", "京大", "大学"), or the character
 *    itself when it stands alone ("猫"), as CJK search engines do (Lucene's CJK analyzer). A query
 *    of two or more characters finds every text holding them in a row; a lone-character query
 *    finds only texts where that character stands alone. Limit: other unspaced scripts (Thai,
 *    Lao, Khmer, Myanmar) are not segmented: a run of them is one term;
 * 4. stop words: the terms of {@link STOP_WORDS} (a short English list: articles, pronouns,
 *    auxiliaries, common prepositions and conjunctions, wh-words, and the fragments clitics leave
 *    behind) are dropped. No stemming.
 *
 * @since 0.1.0
 */

/**
 * The stop words the tokeniser drops: a short English list (articles, pronouns, auxiliary and
 * modal verbs, common prepositions and conjunctions, wh-words, quantifiers, and clitic fragments
 * such as the "s" of "alice's").
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    "a an the and or but if then else so than that this these those there here " +
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves " +
    "he him his himself she her hers herself it its itself they them their theirs themselves " +
    "what which who whom whose when where why how " +
    "am is are was were be been being have has had having do does did doing done " +
    "will would shall should can could may might must " +
    "of at by for with about against between into through during before after above below " +
    "to from up down in out on off over under again further once " +
    "all any both each few more most other some such only own same too very just also " +
    "as until while because s t d ll re ve m o y"
  ).split(" ")
)

const ASCII = /^[\x00-\x7f]*$/
const TERM = /[\p{L}\p{N}]+/gu
/** Combining marks but the kana voicing marks (U+3099, U+309A), which NFC puts back on the kana. */
const MARKS = /[^\P{M}\u3099\u309a]+/gu
/** A character of a script written without spaces between words (see the module header, step 3). */
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]/u
/** A stretch of such characters, or a stretch of other letters and digits. */
const CJK_SPLIT = /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u30fc]+)/u

/**
 * The folded form of a text (step 1 of the module header).
 * @complexity O(|text|)
 */
const fold = (text: string): string =>
  (ASCII.test(text) ? text : text.normalize("NFKD").replace(MARKS, "").normalize("NFC")).toLowerCase()

const pushTerm = (out: Array<string>, t: string): void => {
  if (!STOP_WORDS.has(t)) out.push(t)
}

/** The terms of one letter/digit run that holds CJK characters: other stretches whole, CJK ones as bigrams. */
const pushMixed = (out: Array<string>, run: string): void => {
  for (const part of run.split(CJK_SPLIT)) {
    if (part === "") continue
    if (!CJK_CHAR.test(part)) {
      pushTerm(out, part)
      continue
    }
    const chars = Array.from(part) // code points: some Han characters are outside the BMP
    if (chars.length === 1) out.push(chars[0]!)
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!)
  }
}

/**
 * The terms of a text, in order, with repeats: folded runs of Unicode letters and digits, CJK
 * stretches as character bigrams, stop words removed (see the module header).
 *
 * Laws: `terms(terms(s).join(" ")) == terms(s)` (idempotent); every term is non-empty, lowercase,
 * made of letters and digits only, and not a stop word; a CJK term is one or two characters;
 * an ASCII text's terms are its lowercase letter/digit runs minus stop words; deterministic.
 * @complexity O(|text|)
 * @example
 * ```ts
 * Text.terms("Where does Alice's café open?") // ["alice", "cafe", "open"]
 * Text.terms("Я живу в Москве")               // ["я", "живу", "в", "москве"]
 * Text.terms("我住在北京")                     // ["我住", "住在", "在北", "北京"]
 * ```
 */
export const terms = (text: string): Array<string> => {
  const out: Array<string> = []
  const ascii = ASCII.test(text)
  const matches = fold(text).match(TERM)
  if (matches === null) return out
  for (const t of matches) {
    if (!ascii && CJK_CHAR.test(t)) pushMixed(out, t)
    else pushTerm(out, t)
  }
  return out
}

/**
 * The distinct terms of a text with their counts (term frequency), in first-occurrence order,
 * and the text's length in terms (repeats counted).
 *
 * Laws: `Σ counts == length == terms(text).length`; keys == distinct `terms(text)`.
 * @complexity O(|text|)
 * @example
 * ```ts
 * Text.termCounts("bob met bob") // { counts: Map { "bob" => 2, "met" => 1 }, length: 3 }
 * ```
 */
export const termCounts = (text: string): { readonly counts: Map<string, number>; readonly length: number } => {
  const ts = terms(text)
  const counts = new Map<string, number>()
  for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1)
  return { counts, length: ts.length }
}
