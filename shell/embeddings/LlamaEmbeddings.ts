/**
 * LlamaEmbeddings — an `effect/ai` `EmbeddingModel` over a local GGUF model's embedding context
 * (node-llama-cpp `model.createEmbeddingContext`), and the {@link layer} that provides it as the
 * MAGS {@link Embedder} (same three services as every `Embedder` layer).
 *
 * The runtime, model and embedding context are acquired with `Effect.acquireRelease` (see
 * `shell/model/Llama.ts`) and disposed when the layer's scope closes. The vector length is the
 * model's `embeddingVectorSize`. Inputs are embedded one after another (one context), whatever
 * the number of concurrent callers.
 *
 * Failures: building fails with `ModelLoadError` (`NotFound` for a missing file, `LoadFailed` for
 * a file that is not a model, `ResolveFailed` for a URI); embedding fails with an `AiError`
 * (`UnknownError`) when the native call throws (e.g. an input longer than the context).
 *
 * Use a real sentence-embedding GGUF model in practice; the tiny test models only exercise the
 * plumbing.
 *
 * @since 0.1.0
 */
import { Effect, Layer, type Scope, Semaphore } from "effect"
import { AiError, EmbeddingModel } from "effect/ai"
import * as NodePath from "node:path"
import * as Llama from "../model/Llama.ts"
import { fromModel, type Provided } from "./Embedder.ts"

/** Options of {@link make} and {@link layer}. */
export interface Options extends Llama.LoadOptions {
  /** CPU threads of the embedding context (default 2). */
  readonly threads?: number | undefined
  /** Context size in tokens: the longest input (default 512). */
  readonly contextSize?: number | undefined
}

/** Default embedding context size. @since 0.1.0 */
export const DEFAULT_CONTEXT_SIZE = 512

/** A made model, its vector length and its id. */
export interface Made {
  readonly model: EmbeddingModel.EmbeddingModel
  readonly dimensions: number
  /** `llama:<file name>:ctx=<n>` — written into events with each vector. */
  readonly id: string
}

/**
 * The embedding model of the GGUF file, alive for the scope.
 *
 * Laws: `embedMany(xs)` has `xs.length` vectors of `dimensions` values, in input order; the same
 * text gives the same vector.
 * @complexity per input: one forward pass over its tokens
 */
export const make = Effect.fnUntraced(function*(options: Options): Effect.fn.Return<Made, Llama.ModelLoadError, Scope.Scope> {
  const { model, path } = yield* Llama.loadModel(options)
  const contextSize = options.contextSize ?? DEFAULT_CONTEXT_SIZE
  const context = yield* Effect.acquireRelease(
    Effect.tryPromise({
      try: () => model.createEmbeddingContext({ contextSize: { max: contextSize }, threads: options.threads ?? Llama.DEFAULT_THREADS }),
      catch: (cause) =>
        new Llama.ModelLoadError({
          reason: "LoadFailed",
          model: options.modelPath,
          message: `could not create an embedding context: ${cause instanceof Error ? cause.message : String(cause)}`
        })
    }),
    (context) => Effect.promise(() => context.dispose())
  )
  const lock = yield* Semaphore.make(1)
  const embedOne = (text: string) =>
    Effect.tryPromise({
      try: () => context.getEmbeddingFor(text),
      catch: (cause) =>
        AiError.make({
          module: "LlamaEmbeddings",
          method: "embedMany",
          reason: new AiError.UnknownError({ description: `embedding failed: ${cause instanceof Error ? cause.message : String(cause)}` })
        })
    })
  const embeddingModel = yield* EmbeddingModel.make({
    embedMany: ({ inputs }) =>
      Effect.forEach(inputs, (text) => Effect.map(embedOne(text), (e) => [...e.vector])).pipe(
        Effect.map((results) => ({ results, usage: { inputTokens: undefined } })),
        lock.withPermit
      )
  })
  return { model: embeddingModel, dimensions: model.embeddingVectorSize, id: `llama:${NodePath.basename(path)}:ctx=${contextSize}` }
})

/**
 * The node-llama-cpp embedder as the three `Embedder` services (`Embedder`, `EmbeddingModel`,
 * `Dimensions`).
 * @complexity building loads the weights (~0.3–0.6 s for the tiny test models)
 */
export const layer = (options: Options): Layer.Layer<Provided, Llama.ModelLoadError> =>
  Layer.effectContext(Effect.map(make(options), ({ model, dimensions, id }) => fromModel(model, dimensions, id)))

/** Same as {@link layer}, under the name the other embedders use. @since 0.1.0 */
export const layerLlama = layer
