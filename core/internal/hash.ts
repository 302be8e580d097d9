/**
 * Stable 64-bit fingerprints (two 32-bit lanes), independent of platform and run.
 *
 * Used for the graph's content hash: each entity is hashed from a canonical string, and the
 * entity hashes are combined by lane-wise addition modulo 2^32, which is commutative — the
 * result does not depend on the order in which a hash map happens to iterate.
 */

/** One murmur3-style step of {@link hashString}: the state after code unit `c`. */
const step = (h: number, c: number): number => {
  let k = Math.imul(c, 0xcc9e2d51)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, 0x1b873593)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

/** The finalisation of {@link hashString} for a state `h` after `length` code units. */
const finish = (h: number, length: number): number => {
  h ^= length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** 32-bit hash of a string (murmur3-style mixing of UTF-16 code units), seeded. */
export const hashString = (s: string, seed: number): number => {
  let h = seed >>> 0
  for (let i = 0; i < s.length; i++) h = step(h, s.charCodeAt(i))
  return finish(h, s.length)
}

const SEED_LO = 0x9747b28c
const SEED_HI = 0x5bd1e995

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
const B64: Uint8Array = Uint8Array.from(BASE64, (ch) => ch.charCodeAt(0))
/** Whether typed arrays store floats little-endian on this platform (their bytes are then the LE bytes). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * An order-independent accumulator of 64-bit entity fingerprints: each entity's fingerprint is
 * `hashString` of its canonical string under two seeds (the two 32-bit lanes), and the lanes are
 * summed modulo 2^32.
 */
export class Fingerprint {
  private lo = 0
  private hi = 0
  /**
   * Adds the fingerprint of one canonical string (both lanes in one pass over it).
   * Laws: the lanes are `hashString(canonical, 0x9747b28c)` and `hashString(canonical, 0x5bd1e995)`.
   * @complexity O(|canonical|)
   */
  add(canonical: string): void {
    let a = SEED_LO
    let b = SEED_HI
    for (let i = 0; i < canonical.length; i++) {
      const c = canonical.charCodeAt(i)
      a = step(a, c)
      b = step(b, c)
    }
    this.lo = (this.lo + finish(a, canonical.length)) >>> 0
    this.hi = (this.hi + finish(b, canonical.length)) >>> 0
  }
  /**
   * Adds the fingerprint of `prefix + base64(v)`, where `base64(v)` is the base64 text of `v`'s
   * float32 values in little-endian byte order (`internal/base64.ts`'s `encodeFloat32`), without
   * building that text.
   * Laws: equal to `add(prefix + encodeFloat32(v))`.
   * @complexity O(|prefix| + |v|)
   */
  addVector(prefix: string, v: Float32Array): void {
    let a = SEED_LO
    let b = SEED_HI
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i)
      a = step(a, c)
      b = step(b, c)
    }
    const bytes = littleEndianBytes(v)
    const n = bytes.length
    let i = 0
    for (; i + 2 < n; i += 3) {
      const x = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
      const c0 = B64[(x >> 18) & 63]!
      const c1 = B64[(x >> 12) & 63]!
      const c2 = B64[(x >> 6) & 63]!
      const c3 = B64[x & 63]!
      a = step(step(step(step(a, c0), c1), c2), c3)
      b = step(step(step(step(b, c0), c1), c2), c3)
    }
    const rest = n - i
    if (rest > 0) {
      const x = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0)
      const tail = [B64[(x >> 18) & 63]!, B64[(x >> 12) & 63]!, rest === 2 ? B64[(x >> 6) & 63]! : 61, 61]
      for (const c of tail) {
        a = step(a, c)
        b = step(b, c)
      }
    }
    const length = prefix.length + 4 * Math.ceil(n / 3)
    this.lo = (this.lo + finish(a, length)) >>> 0
    this.hi = (this.hi + finish(b, length)) >>> 0
  }
  /** The 16-hex-digit digest. */
  digest(): string {
    return this.hi.toString(16).padStart(8, "0") + this.lo.toString(16).padStart(8, "0")
  }
}

/** The float32 values of `v` as little-endian bytes (a view when the platform is little-endian). */
const littleEndianBytes = (v: Float32Array): Uint8Array => {
  if (LITTLE_ENDIAN) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength)
  const out = new Uint8Array(v.length * 4)
  const view = new DataView(out.buffer)
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i]!, true)
  return out
}
