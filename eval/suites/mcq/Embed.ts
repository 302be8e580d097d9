/**
 * Embed — the sentence embedder every system of the suite shares: the embedded GloVe SIF
 * default (`shell/embeddings/Glove.ts`, cache built once by `GloveCache`), or the deterministic
 * hash embedder of `shell/embeddings/Embedder.ts` (`testVector`) for tests and when GloVe is
 * unavailable.
 *
 * @since 0.1.0
 */
import { Effect } from "effect"
import * as Glove from "../../../shell/embeddings/Glove.ts"
import * as GloveCache from "../../../shell/embeddings/GloveCache.ts"
import { testVector, TEST_DIMENSIONS } from "../../../shell/embeddings/Embedder.ts"

/** A synchronous sentence embedder. */
export interface SentenceEmbedder {
  readonly id: string
  readonly dims: number
  readonly embed: (text: string) => Float32Array
  /** Whether `word` has a vector of its own (GloVe vocabulary); always true for the hash embedder. */
  readonly knows: (word: string) => boolean
}

/** The deterministic fallback: hashed token vectors (32-d); shares tokens ⇒ similar. */
export const fallback: SentenceEmbedder = {
  id: `test-hash:${TEST_DIMENSIONS}`,
  dims: TEST_DIMENSIONS,
  embed: (text) => testVector(text),
  knows: () => true
}

/** The GloVe SIF embedder over the cache in `cacheDir` (default `GloveCache.defaultCacheDir()`). */
export const glove = async (cacheDir?: string): Promise<SentenceEmbedder> => {
  const { table } = await Effect.runPromise(GloveCache.loadOrBuild({ cacheDir }))
  return {
    id: `glove-sif:${table.sourceKey}:${table.quantisation}`,
    dims: table.dims,
    embed: (text) => Glove.embed(table, text),
    knows: (word) => table.lookup(word.toLowerCase()) >= 0
  }
}

/** Whether a vector is all zeros (no known content word). */
export const isZero = (v: Float32Array): boolean => v.every((x) => x === 0)
