/**
 * node-llama-cpp embeddings on the two tiny GGUF models in ../shared/models: the dimension is
 * the model's, vectors come back in input order, the same text gives the same vector, the three
 * Embedder services are provided. Neither model is a sentence-embedding model, so no similarity
 * is checked. Skipped, with a message, when ../shared/models is absent.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { EmbeddingModel } from "effect/ai"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Embedder } from "./Embedder.ts"
import * as LlamaEmbeddings from "./LlamaEmbeddings.ts"

const repoRoot = fileURLToPath(new URL("../..", import.meta.url))
const modelsDir = NodePath.join(repoRoot, "..", "shared", "models")
const haveModels = NodeFs.existsSync(NodePath.join(modelsDir, "stories260K.gguf")) &&
  NodeFs.existsSync(NodePath.join(modelsDir, "llama-2-tiny-random.gguf"))
if (!haveModels) console.warn(`[LlamaEmbeddings.test] SKIPPED: test models not found in ${modelsDir}`)

const texts = ["Alice moved to Paris in 2021.", "Bob works at Acme.", "Alice moved to Paris in 2021."]

describe.skipIf(!haveModels)("LlamaEmbeddings on the tiny GGUF models", () => {
  for (const [file, dims] of [["stories260K.gguf", 64], ["llama-2-tiny-random.gguf", 8]] as const) {
    it.live(`${file}: dimension ${dims}, input order, repeatable vectors, all three services`, () =>
      Effect.gen(function*() {
        const embedder = yield* Embedder
        assert.strictEqual(embedder.dimensions, dims)
        assert.strictEqual(yield* EmbeddingModel.Dimensions, dims)
        assert.strictEqual(embedder.id, `llama:${file}:ctx=512`)
        const vectors = yield* embedder.embedMany(texts)
        assert.strictEqual(vectors.length, texts.length)
        for (const v of vectors) {
          assert.instanceOf(v, Float32Array)
          assert.strictEqual(v.length, dims)
          assert.isTrue(v.every(Number.isFinite))
        }
        assert.deepStrictEqual(Array.from(vectors[2]!), Array.from(vectors[0]!), "same text, same vector")
        assert.notDeepEqual(Array.from(vectors[1]!), Array.from(vectors[0]!))
        const one = yield* embedder.embed(texts[1]!)
        assert.deepStrictEqual(Array.from(one), Array.from(vectors[1]!))
        const model = yield* EmbeddingModel.EmbeddingModel
        const viaAi = yield* model.embed(texts[0]!)
        assert.strictEqual(viaAi.vector.length, dims)
      }).pipe(Effect.provide(LlamaEmbeddings.layer({ modelPath: NodePath.join(modelsDir, file), threads: 1 }))))
  }
})

describe("LlamaEmbeddings load failures are typed", () => {
  it.live("a missing model file → ModelLoadError NotFound", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(Effect.gen(function*() { return yield* Embedder }), LlamaEmbeddings.layerLlama({ modelPath: "/nonexistent/embed.gguf" })))
      assert.strictEqual(error._tag, "ModelLoadError")
      assert.strictEqual(error.reason, "NotFound")
    }))
})
