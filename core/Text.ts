/**
 * Text — the tokeniser of the lexical index (the terms BM25 counts).
 *
 * A text's terms are found in three steps, all pure and locale-independent:
 * 1. fold: Unicode NFKD, combining marks removed (so "Café" and "cafe" agree, as in `Key`),
 *    lowercase (`String.prototype.toLowerCase`, locale-independent); an ASCII text skips NFKD;
 * 2. split: the maximal runs of Unicode letters and digits (`[\p{L}\p{N}]+`) — everything else
 *    (spaces, punctuation, apostrophes, hyphens, symbols) separates terms, so "don't" gives
 *    "don" and "t", and "Entity-12" gives "entity" and "12";
 * 3. stop words: the terms of {@link STOP_WORDS} (a short English list: articles, pronouns,
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

/**
 * The folded form of a text: NFKD with combining marks removed (skipped for ASCII), lowercase.
 * @complexity O(|text|)
 */
const fold = (text: string): string =>
  (ASCII.test(text) ? text : text.normalize("NFKD").replace(/\p{M}+/gu, "")).toLowerCase()

/**
 * The terms of a text, in order, with repeats: folded runs of Unicode letters and digits, stop
 * words removed (see the module header).
 *
 * Laws: `terms(terms(s).join(" ")) == terms(s)` (idempotent); every term is non-empty, lowercase,
 * made of letters and digits only, and not a stop word; deterministic.
 * @complexity O(|text|)
 * @example
 * ```ts
 * Text.terms("Where does Alice's café open?") // ["alice", "cafe", "open"]
 * ```
 */
export const terms = (text: string): Array<string> => {
  const out: Array<string> = []
  const matches = fold(text).match(TERM)
  if (matches === null) return out
  for (const t of matches) if (!STOP_WORDS.has(t)) out.push(t)
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
