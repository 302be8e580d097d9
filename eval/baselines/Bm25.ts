/**
 * Bm25 — the evaluation's one Okapi BM25 index (k1 = 1.2, b = 0.75), our own: the lexical
 * baseline of every suite (LoCoMo's `bm25`, the MCQ's `rag-bm25`, the games' `rag` agent).
 *
 * Tokenisation (documented, the same word split as the GloVe embedder): NFKC, lowercase, runs of
 * letters/digits (hyphenated compounds kept whole) — `Glove.tokenize` — then the embedder's stop
 * words (`Glove.STOP_WORDS`: articles, pronouns, auxiliaries, prepositions, clitic fragments)
 * removed. No stemming.
 *
 * Score: Σ_{t ∈ q} idf(t) · tf(t,d)·(k1+1) / (tf(t,d) + k1·(1 − b + b·|d|/avgdl)), with the
 * non-negative idf(t) = ln(1 + (N − df + 0.5)/(df + 0.5)). A repeated query term counts once per
 * occurrence. Ties are broken by document order (earlier first). Pure.
 */
import { STOP_WORDS, tokenize } from "../../shell/embeddings/Glove.ts"

export const K1 = 1.2
export const B = 0.75

/** The BM25 tokens of a text. */
export const tokens = (text: string): Array<string> => tokenize(text).filter((t) => !STOP_WORDS.has(t))

export interface Bm25Index {
  readonly size: number
  readonly avgdl: number
  readonly lengths: ReadonlyArray<number>
  readonly tf: ReadonlyArray<ReadonlyMap<string, number>>
  readonly df: ReadonlyMap<string, number>
  readonly k1: number
  readonly b: number
}

/** An index over documents given as texts (tokenised with {@link tokens}). */
export const build = (docs: ReadonlyArray<string>, k1 = K1, b = B): Bm25Index => fromTokens(docs.map(tokens), k1, b)

/**
 * An index over documents already split into terms (a suite with its own word split: the games
 * use node keys). Documents keep their order: ties in {@link topK} go to the earlier one.
 */
export const fromTokens = (docs: ReadonlyArray<ReadonlyArray<string>>, k1 = K1, b = B): Bm25Index => {
  const tf: Array<Map<string, number>> = []
  const lengths: Array<number> = []
  const df = new Map<string, number>()
  for (const ts of docs) {
    const m = new Map<string, number>()
    for (const t of ts) m.set(t, (m.get(t) ?? 0) + 1)
    for (const t of m.keys()) df.set(t, (df.get(t) ?? 0) + 1)
    tf.push(m)
    lengths.push(ts.length)
  }
  const total = lengths.reduce((s, x) => s + x, 0)
  return { size: docs.length, avgdl: docs.length === 0 ? 0 : total / docs.length, lengths, tf, df, k1, b }
}

export const idf = (index: Bm25Index, term: string): number => {
  const df = index.df.get(term) ?? 0
  return Math.log(1 + (index.size - df + 0.5) / (df + 0.5))
}

/** BM25 score of every document for `query` (a text, tokenised with {@link tokens}). */
export const scores = (index: Bm25Index, query: string): Array<number> => scoresOf(index, tokens(query))

/** BM25 score of every document for a query given as terms (a repeated term counts once per occurrence). */
export const scoresOf = (index: Bm25Index, q: ReadonlyArray<string>): Array<number> => {
  const out = new Array<number>(index.size).fill(0)
  const avgdl = index.avgdl > 0 ? index.avgdl : 1
  for (const t of q) {
    if (!index.df.has(t)) continue
    const w = idf(index, t)
    for (let i = 0; i < index.size; i++) {
      const f = index.tf[i]!.get(t)
      if (f === undefined) continue
      out[i]! += (w * f * (index.k1 + 1)) / (f + index.k1 * (1 - index.b + (index.b * index.lengths[i]!) / avgdl))
    }
  }
  return out
}

/** Indices of the top `k` documents by score (score > 0 only), ties by index. */
export const topK = (index: Bm25Index, query: string, k: number): Array<{ index: number; score: number }> =>
  topKOf(index, tokens(query), k)

/** {@link topK} for a query given as terms. */
export const topKOf = (index: Bm25Index, query: ReadonlyArray<string>, k: number): Array<{ index: number; score: number }> =>
  scoresOf(index, query)
    .map((score, i) => ({ index: i, score }))
    .filter((x) => x.score > 0)
    .sort((x, y) => (y.score !== x.score ? y.score - x.score : x.index - y.index))
    .slice(0, k)
