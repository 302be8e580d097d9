/**
 * RateLimit — a token bucket per key (a bearer token's name): `burst` requests at once, refilled
 * at `rate` per second. A request that finds the bucket empty is refused (HTTP 429) and told
 * when to retry; it takes nothing from the bucket.
 *
 * The buckets are a plain mutable map behind one synchronous call (JavaScript runs one request's
 * check at a time, so no lock is needed); time is passed in (the caller reads `Clock`).
 *
 * @since 0.3.0
 */

/** One key's bucket. */
interface Bucket {
  tokens: number
  at: number
}

/** The outcome of a {@link Limiter.take}. */
export type Taken = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number }

/** Token buckets by key. */
export interface Limiter {
  /**
   * Takes one request from `key`'s bucket at time `nowMs`, or says how long until one is free.
   * Laws: starting full, exactly `burst` takes at one instant succeed; after waiting
   * `1000 / rate` ms one more succeeds; a refused take changes nothing.
   * @complexity O(1)
   */
  readonly take: (key: string, rate: number, burst: number, nowMs: number) => Taken
}

/**
 * A fresh limiter (every bucket starts full).
 * @complexity O(1)
 */
export const make = (): Limiter => {
  const buckets = new Map<string, Bucket>()
  return {
    take: (key, rate, burst, nowMs) => {
      const b = buckets.get(key) ?? { tokens: burst, at: nowMs }
      const refilled = Math.min(burst, b.tokens + (Math.max(0, nowMs - b.at) * rate) / 1000)
      if (refilled < 1) {
        buckets.set(key, { tokens: refilled, at: nowMs })
        return { ok: false, retryAfterMs: Math.ceil(((1 - refilled) * 1000) / rate) }
      }
      buckets.set(key, { tokens: refilled - 1, at: nowMs })
      return { ok: true }
    }
  }
}
