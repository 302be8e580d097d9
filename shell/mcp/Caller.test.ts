import { Result } from "effect"
import { describe, expect, it } from "vitest"
import { type CallerShape, memoryOf } from "./Caller.ts"
import { worldTime } from "./Handlers.ts"

const key = (r: ReturnType<typeof memoryOf>) =>
  Result.isSuccess(r) ? `${r.success.user}/${r.success.agent}/${r.success.session}` : `${r.failure.kind}: ${r.failure.message}`

describe("Caller.memoryOf", () => {
  const local: CallerShape = { users: "any", defaults: { user: "zoe", agent: "bot", session: "notes" } }
  const alice: CallerShape = { users: ["alice", "team"], defaults: { user: "alice" } }

  it("no address → the caller's default memory", () => {
    expect(key(memoryOf(local, {}))).toBe("zoe/bot/notes")
    expect(key(memoryOf(alice, {}))).toBe("alice/default/default")
  })

  it("naming the default user keeps its default agent and session unless given", () => {
    expect(key(memoryOf(local, { user: "zoe" }))).toBe("zoe/bot/notes")
    expect(key(memoryOf(local, { user: "zoe", session: "s2" }))).toBe("zoe/bot/s2")
  })

  it("naming another user starts from \"default\" agent and session", () => {
    expect(key(memoryOf(local, { user: "yan" }))).toBe("yan/default/default")
    expect(key(memoryOf(alice, { user: "team", agent: "a" }))).toBe("team/a/default")
  })

  it("a user the caller may not act for is Forbidden", () => {
    expect(key(memoryOf(alice, { user: "bob" }))).toBe("Forbidden: this token may not use the memories of user \"bob\"")
  })

  it("blank or bad parts are refused (Usage), never mapped to \"default\"", () => {
    expect(key(memoryOf(local, { user: "" }))).toMatch(/^Usage: the user id must not be empty/)
    expect(key(memoryOf(local, { user: "yan", session: " " }))).toMatch(/^Usage: the session id must not be empty/)
    expect(key(memoryOf(local, { agent: "a\u0000b" }))).toMatch(/^Usage: the agent id must not contain control characters/)
    expect(key(memoryOf({ users: [], defaults: { user: "" } }, {}))).toMatch(/^Usage/)
  })
})

describe("Handlers.worldTime", () => {
  it("takes ms or ISO 8601 dates, and refuses anything else", () => {
    expect(worldTime(0)).toEqual(Result.succeed(0))
    expect(worldTime("2023-05-07")).toEqual(Result.succeed(Date.UTC(2023, 4, 7)))
    expect(worldTime("2023-05-07T10:30Z")).toEqual(Result.succeed(Date.UTC(2023, 4, 7, 10, 30)))
    for (const bad of ["yesterday", "2023-13-01", Number.NaN, 1e300]) {
      const r = worldTime(bad)
      expect(Result.isFailure(r) && r.failure.kind, String(bad)).toBe("Usage")
    }
  })
})
