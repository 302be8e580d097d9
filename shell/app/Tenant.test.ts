/**
 * Tenant: a user must be named (an empty or blank user is refused, never mapped to "default");
 * agent and session default to "default" and are refused when given blank; long ids and control
 * characters are refused; a valid id round-trips. The CLI's settings (`Config.resolve`) refuse an
 * empty `--user` / `--agent` / `--session` flag, while an empty variable still counts as absent.
 */
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Config from "./Config.ts"
import * as Tenant from "./Tenant.ts"

const kindOf = (r: Result.Result<unknown, { readonly kind: string }>) => (Result.isFailure(r) ? r.failure.kind : "ok")

describe("Tenant.memoryIdOf", () => {
  it("an empty or blank user is refused (Usage), not mapped to \"default\"", () => {
    for (const user of ["", " ", "\t", "   \n"]) {
      const r = Tenant.memoryIdOf({ user })
      expect(kindOf(r)).toBe("Usage")
      if (Result.isFailure(r)) expect(r.failure.message).toMatch(/user id must not be empty/)
    }
  })

  it("agent and session default to \"default\"; given blank, refused", () => {
    const id = Result.getOrThrow(Tenant.memoryIdOf({ user: "alice" }))
    expect([id.user, id.agent, id.session]).toEqual(["alice", "default", "default"])
    expect(kindOf(Tenant.memoryIdOf({ user: "alice", agent: "" }))).toBe("Usage")
    expect(kindOf(Tenant.memoryIdOf({ user: "alice", session: "  " }))).toBe("Usage")
  })

  it("refuses ids over MAX_PART characters and control characters", () => {
    expect(kindOf(Tenant.memoryIdOf({ user: "a".repeat(Tenant.MAX_PART) }))).toBe("ok")
    expect(kindOf(Tenant.memoryIdOf({ user: "a".repeat(Tenant.MAX_PART + 1) }))).toBe("Usage")
    expect(kindOf(Tenant.memoryIdOf({ user: "al\u0000ice" }))).toBe("Usage")
    expect(kindOf(Tenant.memoryIdOf({ user: "alice", agent: "bot\n" }))).toBe("Usage")
  })

  it("memoryIdOf(parts of id) == id for every valid id", () => {
    const part = fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0 && !/[\u0000-\u001f\u007f]/.test(s))
    fc.assert(fc.property(part, part, part, (user, agent, session) => {
      const id = Result.getOrThrow(Tenant.memoryIdOf({ user, agent, session }))
      expect([id.user, id.agent, id.session]).toEqual([user, agent, session])
      const again = Result.getOrThrow(Tenant.memoryIdOf({ user: id.user, agent: id.agent, session: id.session }))
      expect(again.key).toBe(id.key)
    }))
  })
})

describe("Config.resolve: the memory id", () => {
  it("an empty or blank --user, --agent or --session flag is refused; an empty variable is absent", () => {
    for (const part of ["user", "agent", "session"] as const) {
      for (const value of ["", "  "]) {
        const r = Config.resolve({ [part]: value }, {}, "/home/me")
        expect(kindOf(r)).toBe("Usage")
        if (Result.isFailure(r)) expect(r.failure.message).toContain(`--${part} must not be empty`)
      }
    }
    const env = Result.getOrThrow(Config.resolve({}, { MAGS_USER: "", MAGS_AGENT: "" }, "/home/me"))
    expect([env.user, env.agent, env.session]).toEqual(["default", "default", "default"])
    const named = Result.getOrThrow(Config.resolve({ user: "kim" }, { MAGS_USER: "ola", MAGS_SESSION: "s1" }, "/home/me"))
    expect([named.user, named.agent, named.session]).toEqual(["kim", "default", "s1"])
    expect(kindOf(Config.resolve({}, { MAGS_USER: "k\u0007m" }, "/home/me"))).toBe("Usage")
  })
})
