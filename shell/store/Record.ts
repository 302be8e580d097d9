/**
 * Record — the bytes of a stored event or snapshot: compact, binary where it matters, and
 * readable back to exactly the JSON form it was made from.
 *
 * A record (format `mags-rec/1`) is a 16-byte header, a binary part and a JSON body:
 *
 * ```
 * 0      u8   0xD7 (magic; never "{", so the JSON text of older stores is told apart)
 * 1      u8   1    (version)
 * 2      u8   flags: bit 0 = the body is deflated (node:zlib raw deflate)
 * 3      u8   0
 * 4..8   u32  binary part length (little endian)
 * 8..12  u32  body length as stored
 * 12..16 u32  0
 * 16…         binary part, then the body
 * ```
 *
 * The body is the JSON text of `{ v, h? }`: `v` is the value with its hoisted parts taken
 * out, `h` lists them as `{ p: path, o: offset, n: count, t: kind }`, kind `f32` / `f64` (a
 * number array stored as little-endian floats at offset `o` of the binary part: `f32` when
 * every value is exactly a float32, so nothing is ever rounded) or `b64` (column 1 of the
 * tuples at `p` was base64 of `n` bytes each, stored raw).
 *
 * - Events hoist every number array under the key `embedding` (an embedding costs 4 bytes a
 *   dimension instead of ~10 as decimal text); their body is deflated only when large.
 * - Snapshots hoist the vectors (`graph.vectors.entries`, base64 float32 in the JSON form) so
 *   each vector is stored once as raw float32, and the rest is deflated.
 *
 * Laws: `decode(encodeEvent(x))` deep-equals `x` for any JSON value `x` (hoisting is exact);
 * `decode(encodeSnapshot(s))` deep-equals `s`; `decode` of the UTF-8 bytes of a JSON text
 * is `JSON.parse` of it (older stores, format `mags-store/1`).
 *
 * @since 0.2.0
 */
import { endianness } from "node:os"
import { deflateRawSync, inflateRawSync } from "node:zlib"

// ── model ─────────────────────────────────────────────────────────────────────

const MAGIC = 0xd7
const VERSION = 1
const HEADER = 16
const DEFLATED = 1
/** Typed arrays are little endian here: floats are copied as bytes rather than one by one. */
const LITTLE_ENDIAN = endianness() === "LE"
/**
 * Deflate level of snapshot bodies: 1 (measured on a 20k-event memory: 6.1 MB at level 1 in
 * ~45% of level 6's time, which gave 5.8 MB).
 */
const SNAPSHOT_LEVEL = 1
/** Event bodies at least this long are deflated (shorter ones gain little for the time). */
const EVENT_DEFLATE_AT = 2048

type Path = ReadonlyArray<string | number>

interface Hoist {
  readonly p: Path
  readonly o: number
  readonly n: number
  readonly t: "f32" | "f64" | "b64"
}

/** A record that cannot be read back (bad header, lengths, body or hoist list). */
export class RecordError extends Error {
  override readonly name = "RecordError"
}

// ── encoding ──────────────────────────────────────────────────────────────────

const isNumberArray = (x: unknown): x is ReadonlyArray<number> => {
  if (!Array.isArray(x)) return false
  for (const v of x) if (typeof v !== "number") return false
  return true
}

const exactF32 = (xs: ReadonlyArray<number>): boolean => {
  for (const v of xs) if (Math.fround(v) !== v && !Number.isNaN(v)) return false
  return true
}

const assemble = (bin: Uint8Array, body: string, deflateAt: number, level: number): Uint8Array => {
  let bodyBytes: Uint8Array = Buffer.from(body, "utf8")
  let flags = 0
  if (bodyBytes.length >= deflateAt) {
    const packed = deflateRawSync(bodyBytes, { level })
    if (packed.length < bodyBytes.length) {
      bodyBytes = packed
      flags |= DEFLATED
    }
  }
  const out = Buffer.allocUnsafe(HEADER + bin.length + bodyBytes.length)
  out[0] = MAGIC
  out[1] = VERSION
  out[2] = flags
  out[3] = 0
  out.writeUInt32LE(bin.length, 4)
  out.writeUInt32LE(bodyBytes.length, 8)
  out.writeUInt32LE(0, 12)
  out.set(bin, HEADER)
  out.set(bodyBytes, HEADER + bin.length)
  return out
}

/**
 * The record of an event's JSON form (`Event.encode`): number arrays under `embedding` go to
 * the binary part.
 * @complexity O(size of the event)
 */
export const encodeEvent = (encoded: unknown): Uint8Array => {
  const hoists: Array<{ readonly p: Path; readonly xs: ReadonlyArray<number>; readonly t: "f32" | "f64" }> = []
  let binBytes = 0
  const walk = (value: unknown, path: Array<string | number>): unknown => {
    if (value === null || typeof value !== "object") return value
    if (Array.isArray(value)) {
      let copy: Array<unknown> | undefined
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i]
        if (item === null || typeof item !== "object") continue
        path.push(i)
        const next = walk(item, path)
        path.pop()
        if (next !== item) {
          copy ??= value.slice()
          copy[i] = next
        }
      }
      return copy ?? value
    }
    let copy: Record<string, unknown> | undefined
    const obj = value as Record<string, unknown>
    for (const key of Object.keys(obj)) {
      const item = obj[key]
      let next: unknown
      if (key === "embedding" && isNumberArray(item) && item.length > 0) {
        const t = exactF32(item) ? "f32" : "f64"
        hoists.push({ p: [...path, key], xs: item, t })
        binBytes += item.length * (t === "f32" ? 4 : 8)
        next = null
      } else if (item !== null && typeof item === "object") {
        path.push(key)
        next = walk(item, path)
        path.pop()
      } else continue
      if (next !== item) {
        copy ??= { ...obj }
        copy[key] = next
      }
    }
    return copy ?? value
  }
  const v = walk(encoded, [])
  const bin = Buffer.allocUnsafe(binBytes)
  const h: Array<Hoist> = []
  let o = 0
  for (const x of hoists) {
    h.push({ p: x.p, o, n: x.xs.length, t: x.t })
    if (LITTLE_ENDIAN) {
      const typed = x.t === "f32" ? Float32Array.from(x.xs) : Float64Array.from(x.xs)
      bin.set(new Uint8Array(typed.buffer, 0, typed.byteLength), o)
      o += typed.byteLength
    } else if (x.t === "f32") for (const f of x.xs) o = bin.writeFloatLE(f, o)
    else for (const f of x.xs) o = bin.writeDoubleLE(f, o)
  }
  return assemble(bin, JSON.stringify(h.length === 0 ? { v } : { v, h }), EVENT_DEFLATE_AT, 1)
}

/** The JSON form of a snapshot, as far as the codec needs to know it. */
interface SnapshotJson {
  readonly graph: { readonly vectors: { readonly dim: number; readonly entries: ReadonlyArray<readonly [string, string]> } }
}

const isSnapshotJson = (x: unknown): x is SnapshotJson => {
  if (x === null || typeof x !== "object") return false
  const g = (x as { graph?: unknown }).graph
  if (g === null || typeof g !== "object") return false
  const vs = (g as { vectors?: unknown }).vectors
  return vs !== null && typeof vs === "object" && Array.isArray((vs as { entries?: unknown }).entries) &&
    typeof (vs as { dim?: unknown }).dim === "number"
}

/**
 * The record of a snapshot's JSON form (`Replay.snapshot`): its vectors stored once as raw
 * float32, the rest deflated. A value that is not a snapshot's form is stored whole.
 * @complexity O(size of the snapshot)
 */
export const encodeSnapshot = (snapshot: unknown): Uint8Array => {
  if (!isSnapshotJson(snapshot)) return assemble(new Uint8Array(0), JSON.stringify({ v: snapshot }), 0, SNAPSHOT_LEVEL)
  const { dim, entries } = snapshot.graph.vectors
  const each = dim * 4
  const bin = Buffer.allocUnsafe(entries.length * each)
  const ids: Array<readonly [string]> = []
  let o = 0
  for (const [id, b64] of entries) {
    const written = bin.write(b64, o, each, "base64")
    if (written !== each || Buffer.byteLength(b64, "base64") !== each) {
      // not a plain vector row: keep the value whole rather than guess
      return assemble(new Uint8Array(0), JSON.stringify({ v: snapshot }), 0, SNAPSHOT_LEVEL)
    }
    o += each
    ids.push([id])
  }
  const graph = { ...snapshot.graph, vectors: { ...snapshot.graph.vectors, entries: ids } }
  const v = { ...snapshot, graph }
  const h: ReadonlyArray<Hoist> = [{ p: ["graph", "vectors", "entries"], o: 0, n: each, t: "b64" }]
  return assemble(bin, JSON.stringify({ v, h }), 0, SNAPSHOT_LEVEL)
}

// ── decoding ──────────────────────────────────────────────────────────────────

const view = (data: Uint8Array): Buffer => Buffer.from(data.buffer, data.byteOffset, data.byteLength)

const at = (root: unknown, path: Path): { readonly holder: Record<string | number, unknown>; readonly key: string | number } => {
  if (path.length === 0) throw new RecordError("a hoisted part has an empty path")
  let cur: unknown = root
  for (let i = 0; i < path.length - 1; i++) {
    if (cur === null || typeof cur !== "object") throw new RecordError(`hoisted path ${JSON.stringify(path)} does not exist`)
    cur = (cur as Record<string | number, unknown>)[path[i]!]
  }
  if (cur === null || typeof cur !== "object") throw new RecordError(`hoisted path ${JSON.stringify(path)} does not exist`)
  return { holder: cur as Record<string | number, unknown>, key: path[path.length - 1]! }
}

const isHoist = (x: unknown): x is Hoist => {
  if (x === null || typeof x !== "object") return false
  const h = x as Record<string, unknown>
  return Array.isArray(h["p"]) && Number.isInteger(h["o"]) && Number.isInteger(h["n"]) &&
    (h["t"] === "f32" || h["t"] === "f64" || h["t"] === "b64")
}

/** The parsed body and the binary part of a record of this format (header and lengths checked). */
const readBody = (buf: Buffer): { readonly parsed: { readonly v: unknown; readonly h?: unknown; readonly s?: unknown }; readonly bin: Buffer } => {
  if (buf.length < HEADER) throw new RecordError("record shorter than its header")
  if (buf[1] !== VERSION) throw new RecordError(`unknown record version ${buf[1]}`)
  const flags = buf[2]!
  const binLength = buf.readUInt32LE(4)
  const bodyLength = buf.readUInt32LE(8)
  if (HEADER + binLength + bodyLength !== buf.length) {
    throw new RecordError(`record of ${buf.length} bytes, its header says ${HEADER + binLength + bodyLength}`)
  }
  const bin = buf.subarray(HEADER, HEADER + binLength)
  let body = buf.subarray(HEADER + binLength)
  if ((flags & DEFLATED) !== 0) body = inflateRawSync(body)
  const parsed: unknown = JSON.parse(body.toString("utf8"))
  if (parsed === null || typeof parsed !== "object" || !("v" in parsed)) throw new RecordError("record body has no value")
  return { parsed: parsed as { v: unknown; h?: unknown; s?: unknown }, bin }
}

/** The value of a parsed body with its hoisted parts put back from the binary part. */
const resolve = (parsed: { readonly v: unknown; readonly h?: unknown }, bin: Buffer): unknown => {
  const { h, v } = parsed
  if (h === undefined) return v
  if (!Array.isArray(h)) throw new RecordError("record's hoist list is not a list")
  for (const x of h) {
    if (!isHoist(x)) throw new RecordError("record has a malformed hoisted part")
    const { holder, key } = at(v, x.p)
    if (x.t === "b64") {
      const rows = holder[key]
      if (!Array.isArray(rows) || x.o + rows.length * x.n > bin.length) throw new RecordError("hoisted vectors out of range")
      let o = x.o
      for (const row of rows) {
        if (!Array.isArray(row)) throw new RecordError("hoisted vector row is not a tuple")
        row.push(bin.toString("base64", o, o + x.n))
        o += x.n
      }
    } else {
      const width = x.t === "f32" ? 4 : 8
      if (x.o + x.n * width > bin.length) throw new RecordError("hoisted numbers out of range")
      const xs = new Array<number>(x.n)
      let o = x.o
      if (width === 4) for (let i = 0; i < x.n; i++, o += 4) xs[i] = bin.readFloatLE(o)
      else for (let i = 0; i < x.n; i++, o += 8) xs[i] = bin.readDoubleLE(o)
      holder[key] = xs
    }
  }
  return v
}

/**
 * The JSON value a record holds (a record, or the UTF-8 JSON text older stores wrote); of a
 * snapshot record in parts ({@link encodeSnapshotParts}), its rows.
 * Throws {@link RecordError} (or a `SyntaxError`) when the bytes are not a readable record.
 * @complexity O(size of the record)
 */
export const decode = (data: Uint8Array): unknown => {
  const buf = view(data)
  if (buf.length === 0) throw new RecordError("empty record")
  if (buf[0] !== MAGIC) return JSON.parse(buf.toString("utf8"))
  const { bin, parsed } = readBody(buf)
  return resolve(parsed, bin)
}

/** What a snapshot record holds: a snapshot in parts, or a snapshot's JSON form (records written before parts, older stores' JSON text). */
export type SnapshotContent =
  | { readonly _tag: "Parts"; readonly json: unknown; readonly ids: unknown; readonly vectors: Float32Array; readonly dim: unknown }
  | { readonly _tag: "Json"; readonly value: unknown }

/**
 * The record of a snapshot in parts (`Replay.snapshotParts`): the vectors as the binary part
 * (raw little-endian float32, `ids.length × dim` of them), the rows and the vector ids in the
 * deflated body `{ v: rows, s: { ids, dim } }`.
 * Laws: `decodeSnapshot(encodeSnapshotParts(p))` is `Parts` with `p`'s rows, ids and dim (deep
 * equal) and bit-identical vectors.
 * @complexity O(size of the snapshot)
 */
export const encodeSnapshotParts = (parts: {
  readonly json: unknown
  readonly ids: ReadonlyArray<string>
  readonly vectors: Float32Array
  readonly dim: number
}): Uint8Array => {
  const { vectors } = parts
  let bin: Uint8Array
  if (LITTLE_ENDIAN) bin = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength)
  else {
    const b = Buffer.allocUnsafe(vectors.length * 4)
    for (let i = 0; i < vectors.length; i++) b.writeFloatLE(vectors[i]!, i * 4)
    bin = b
  }
  return assemble(bin, JSON.stringify({ v: parts.json, s: { ids: parts.ids, dim: parts.dim } }), 0, SNAPSHOT_LEVEL)
}

/**
 * What a snapshot record holds (see {@link SnapshotContent}); the vectors of a record in parts
 * are copied into a fresh (aligned) `Float32Array`. Throws {@link RecordError} (or a
 * `SyntaxError`) when the bytes are not a readable record.
 * @complexity O(size of the record)
 */
export const decodeSnapshot = (data: Uint8Array): SnapshotContent => {
  const buf = view(data)
  if (buf.length === 0) throw new RecordError("empty record")
  if (buf[0] !== MAGIC) return { _tag: "Json", value: JSON.parse(buf.toString("utf8")) }
  const { bin, parsed } = readBody(buf)
  if (parsed.s === undefined) return { _tag: "Json", value: resolve(parsed, bin) }
  const s = parsed.s
  if (s === null || typeof s !== "object") throw new RecordError("snapshot record: malformed vector part")
  if (bin.length % 4 !== 0) throw new RecordError("snapshot record: vector bytes not a multiple of 4")
  const vectors = new Float32Array(bin.length / 4)
  if (LITTLE_ENDIAN) new Uint8Array(vectors.buffer).set(bin)
  else for (let i = 0; i < vectors.length; i++) vectors[i] = bin.readFloatLE(i * 4)
  const { dim, ids } = s as { ids?: unknown; dim?: unknown }
  return { _tag: "Parts", json: parsed.v, ids, vectors, dim }
}

/**
 * True when the bytes are a record of this format (not an older store's JSON text).
 * @complexity O(1)
 */
export const isBinary = (data: Uint8Array): boolean => data.length > 0 && data[0] === MAGIC
