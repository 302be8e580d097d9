import { describe, expect, it } from "vitest"
import { fail, Kind } from "../app/Failure.ts"
import * as Errors from "./Errors.ts"

describe("Errors", () => {
  it("every app kind has its documented status, and its answer keeps the kind and the message", () => {
    const expected: Record<typeof Kind.Type, number> = {
      Usage: 400, BadInput: 400, Forbidden: 403, NotFound: 404, Locked: 409,
      ModelMissing: 502, Unreachable: 502, BadApiKey: 502, ModelFailed: 502,
      Store: 500, CorruptJournal: 500, DataLost: 500, Unexpected: 500
    }
    for (const kind of Kind.literals) {
      expect(Errors.statusOf(kind), kind).toBe(expected[kind])
      const answer = Errors.fromFailure(fail(kind, `why ${kind}`))
      expect(answer.error).toEqual({ kind, message: `why ${kind}` })
      const status = { BadRequest: 400, Forbidden: 403, NotFound: 404, Conflict: 409, BadGateway: 502, InternalError: 500 }[answer._tag]
      expect(status, kind).toBe(expected[kind])
    }
  })

  it("bodyText is the documented error body", () => {
    expect(JSON.parse(Errors.bodyText(404, "NotFound", "no memory a/b/c"))).toEqual({ _tag: "NotFound", error: { kind: "NotFound", message: "no memory a/b/c" } })
    expect(JSON.parse(Errors.bodyText(413, "TooLarge", "too big"))).toEqual({ error: { kind: "TooLarge", message: "too big" } })
  })
})
