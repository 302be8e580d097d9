/**
 * The store's retry backoff: exponential, but never longer than `MAX_BACKOFF` (× the jitter's
 * 1.2), so a writer that lost many races in a row still retries within seconds.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Schedule } from "effect"
import { backoff, MAX_BACKOFF } from "./Journal.ts"

describe("Journal.backoff", () => {
  it.effect("delays grow from ~20 ms and stay ≤ 1.2 × MAX_BACKOFF for 60 steps", () =>
    Effect.gen(function*() {
      const step = yield* Schedule.toStep(backoff)
      const delays: Array<number> = []
      for (let i = 0; i < 60; i++) {
        const [, delay] = yield* step(i, undefined)
        delays.push(Duration.toMillis(delay))
      }
      assert.isTrue(delays[0]! >= 16 && delays[0]! <= 24, `first delay ${delays[0]}`)
      assert.isTrue(delays[5]! > delays[0]! * 10, "it grows")
      const cap = 1.2 * Duration.toMillis(MAX_BACKOFF)
      for (const d of delays) assert.isTrue(d <= cap, `delay ${d} ms over ${cap}`)
      assert.isTrue(delays.slice(-10).every((d) => d >= 0.8 * Duration.toMillis(MAX_BACKOFF)), "it reaches the cap")
    }))
})
