/**
 * Embedder tests: the GloVe layer over a small synthetic source (never the 307 MB package),
 * the deterministic test layer, and the effect/ai services every layer provides.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { EmbeddingModel } from "effect/ai"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { cosine } from "../../core/Similarity.ts"
import { Embedder, TEST_DIMENSIONS, testVector } from "./Embedder.ts"
import * as Glove from "./Glove.ts"
import * as GloveCache from "./GloveCache.ts"

const WORDS: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
  ["the", [1, 1, 1]],
  ["cat", [1, 0, 0]],
  ["kitten", [0.9, 0.1, 0]],
  ["market", [0, 0, 1]]
]

const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "mags-embedder-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

/** A source JSON of the package's shape, in `dir`. */
const syntheticSource = (dir: string): GloveCache.Source => {
  const path = Path.join(dir, "source.json")
  Fs.writeFileSync(path, JSON.stringify({
    precision: 8,
    l2NormIndex: 3,
    wordIndex: 4,
    size: WORDS.length,
    dimensions: 3,
    words: WORDS.map(([w]) => w),
    vectors: Object.fromEntries(WORDS.map(([w, v], rank) => [w, [...v, Math.hypot(...v), rank]])),
    unkVector: [0, 0, 0, 0, -1]
  }))
  return { path, key: "synthetic@0.0.1" }
}

describe("Embedder.layerGlove", () => {
  it.effect("reports dimension and id, embeds like Glove.embed, and provides the effect/ai services", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const source = syntheticSource(dir)
      const layer = Embedder.layerGlove({ cacheDir: Path.join(dir, "cache"), source, quantisation: "float32" })
      const { dims, embedder, many, one, batched } = yield* Effect.gen(function*() {
        const embedder = yield* Embedder
        const model = yield* EmbeddingModel.EmbeddingModel
        const dims = yield* EmbeddingModel.Dimensions
        const many = yield* embedder.embedMany(["the cat", "a kitten", "zzz", ""])
        const one = yield* embedder.embed("the market")
        const batched = yield* Effect.all([model.embed("cat"), model.embed("market")], { concurrency: "unbounded" })
        return { dims, embedder, many, one, batched }
      }).pipe(Effect.provide(layer))
      assert.strictEqual(dims, 3)
      assert.strictEqual(embedder.dimensions, 3)
      assert.strictEqual(embedder.id, "glove-sif:synthetic@0.0.1:float32:a=0.001")
      const table = (yield* GloveCache.load(source, GloveCache.cacheFile(Path.join(dir, "cache"), source, "float32")))
      assert.deepStrictEqual(Array.from(many[0]!), Array.from(Glove.embed(table, "the cat")))
      assert.isAbove(cosine(many[0]!, many[1]!), 0.99)
      assert.deepStrictEqual(Array.from(many[2]!), [0, 0, 0], "all-OOV text is the zero vector")
      assert.deepStrictEqual(Array.from(many[3]!), [0, 0, 0])
      assert.deepStrictEqual(Array.from(one), [0, 0, 1])
      assert.deepStrictEqual(batched.map((r) => r.vector), [[1, 0, 0], [0, 0, 1]])
    }).pipe(Effect.scoped))

  it.effect("fails with GloveCacheError when the source is missing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const error = yield* Effect.flip(
        Effect.provide(Effect.asVoid(Embedder), Embedder.layerGlove({ cacheDir: dir, source: { path: Path.join(dir, "x.json"), key: "x@1" } }))
      )
      assert.strictEqual(error._tag, "GloveCacheError")
      assert.strictEqual(error.reason, "SourceMissing")
    }).pipe(Effect.scoped))
})

describe("Embedder.layerTest", () => {
  it.effect("deterministic hash vectors: unit or zero, order-free, overlap means similarity", () =>
    Effect.gen(function*() {
      const embedder = yield* Embedder
      assert.strictEqual(embedder.dimensions, TEST_DIMENSIONS)
      const [a, b, c, d, z] = yield* embedder.embedMany(["red apple pie", "pie apple red", "red apple", "blue ocean waves", "!!"])
      assert.deepStrictEqual(Array.from(a!), Array.from(b!))
      assert.deepStrictEqual(Array.from(a!), Array.from(testVector("red apple pie")))
      assert.approximately(Math.hypot(...Array.from(a!)), 1, 1e-6)
      assert.isAbove(cosine(a!, c!), cosine(a!, d!))
      assert.deepStrictEqual(Array.from(z!), new Array(TEST_DIMENSIONS).fill(0))
      // Pinned values: the vectors must not change between runs, machines or refactors.
      assert.deepStrictEqual(Array.from(testVector("cat", 4)).map((x) => +x.toFixed(4)), PINNED_CAT)
    }).pipe(Effect.provide(Embedder.layerTest)))
})

const PINNED_CAT = [-0.5284, 0.44, -0.6827, 0.2472]
