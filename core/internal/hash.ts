/**
 * Stable 64-bit fingerprints (two 32-bit lanes), independent of platform and run.
 *
 * Used for the graph's content hash: each entity is hashed from a canonical string, and the
 * entity hashes are combined by lane-wise addition modulo 2^32, which is commutative — the
 * result does not depend on the order in which a hash map happens to iterate.
 */

/** 32-bit hash of a string (murmur3-style mixing of UTF-16 code units), seeded. */
export const hashString = (s: string, seed: number): number => {
  let h = seed >>> 0
  for (let i = 0; i < s.length; i++) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51)
    k = (k << 15) | (k >>> 17)
    k = Math.imul(k, 0x1b873593)
    h ^= k
    h = (h << 13) | (h >>> 19)
    h = (Math.imul(h, 5) + 0xe6546b64) | 0
  }
  h ^= s.length
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** An order-independent accumulator of 64-bit entity fingerprints. */
export class Fingerprint {
  private lo = 0
  private hi = 0
  /** Adds the fingerprint of one canonical string. */
  add(canonical: string): void {
    this.lo = (this.lo + hashString(canonical, 0x9747b28c)) >>> 0
    this.hi = (this.hi + hashString(canonical, 0x5bd1e995)) >>> 0
  }
  /** The 16-hex-digit digest. */
  digest(): string {
    return this.hi.toString(16).padStart(8, "0") + this.lo.toString(16).padStart(8, "0")
  }
}
