/**
 * Tenant: a user must be named (an empty or blank user is refused, never mapped to "default");
 * agent and session default to "default" and are refused when given blank; long ids and control
 * characters are refused; a valid id round-trips.
 */
import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
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
