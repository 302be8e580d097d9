import { Result } from "effect"
import { describe, expect, it } from "vitest"
import * as RateLimit from "./RateLimit.ts"
import * as Tokens from "./Tokens.ts"

const secretA = "aaaaaaaaaaaaaaaaaaaa"
const secretB = "bbbbbbbbbbbbbbbbbbbb"

describe("Tokens", () => {
  it("MAGS_TOKENS maps each token to its users", () => {
    const parsed = Tokens.parseEnv(`${secretA}=alice ; ${secretB}=bob,carol;`)
    expect(Result.isSuccess(parsed)).toBe(true)
    const tokens = Result.getOrThrow(parsed)
    expect(Tokens.lookup(tokens, secretA)?.users).toEqual(["alice"])
    expect(Tokens.lookup(tokens, secretB)?.users).toEqual(["bob", "carol"])
    expect(Tokens.lookup(tokens, "cccccccccccccccccccc")).toBeUndefined()
    expect(Tokens.lookup(tokens, "")).toBeUndefined()
  })

  it("refuses short, user-less, empty-user and repeated tokens", () => {
    expect(Result.isFailure(Tokens.parseEnv("short=alice"))).toBe(true)
    expect(Result.isFailure(Tokens.parseEnv(`${secretA}=`))).toBe(true)
    expect(Result.isFailure(Tokens.parseEnv(`${secretA}=alice,`))).toBe(true)
    expect(Result.isFailure(Tokens.parseEnv(`${secretA}=alice;${secretA}=bob`))).toBe(true)
    expect(Result.isFailure(Tokens.parseEnv("noequalsign"))).toBe(true)
  })

  it("a tokens file gives users, rate and burst; '*' is every user", () => {
    const text = JSON.stringify({ tokens: [{ token: secretA, users: ["alice"], rate: 5, burst: 7 }, { token: secretB, users: ["*"] }] })
    const tokens = Result.getOrThrow(Tokens.parseFile(text))
    const a = Tokens.lookup(tokens, secretA)!
    expect([a.rate, a.burst]).toEqual([5, 7])
    expect(Tokens.allows(a, "alice")).toBe(true)
    expect(Tokens.allows(a, "bob")).toBe(false)
    const b = Tokens.lookup(tokens, secretB)!
    expect(b.users).toBe("*")
    expect(Tokens.allows(b, "anyone")).toBe(true)
    expect(Result.isFailure(Tokens.parseFile("{"))).toBe(true)
    expect(Result.isFailure(Tokens.parseFile(JSON.stringify({ tokens: [{ token: secretA }] })))).toBe(true)
    expect(Result.isFailure(Tokens.parseFile(JSON.stringify({ tokens: [{ token: secretA, users: ["a"], rate: -1 }] })))).toBe(true)
  })

  it("a generated token is found by its secret", () => {
    const g = Tokens.generate("*")
    expect(g.secret.length).toBeGreaterThanOrEqual(Tokens.MIN_TOKEN_LENGTH)
    expect(Tokens.lookup([g.token], g.secret)?.users).toBe("*")
  })
})

describe("RateLimit", () => {
  it("exactly `burst` takes succeed at one instant; a refused take changes nothing", () => {
    const limiter = RateLimit.make()
    const results = Array.from({ length: 5 }, () => limiter.take("k", 1, 3, 1000).ok)
    expect(results).toEqual([true, true, true, false, false])
    const refused = limiter.take("k", 1, 3, 1000)
    expect(refused.ok ? 0 : refused.retryAfterMs).toBe(1000)
  })

  it("refills at `rate` per second, never above `burst`, per key", () => {
    const limiter = RateLimit.make()
    for (let i = 0; i < 2; i++) limiter.take("k", 10, 2, 0)
    expect(limiter.take("k", 10, 2, 0).ok).toBe(false)
    expect(limiter.take("k", 10, 2, 100).ok).toBe(true)
    expect(limiter.take("k", 10, 2, 100).ok).toBe(false)
    expect(limiter.take("other", 10, 2, 100).ok).toBe(true)
    // a long pause refills to the burst only
    expect([1, 2, 3].map(() => limiter.take("k", 10, 2, 1_000_000).ok)).toEqual([true, true, false])
  })
})
