import { Result } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import * as Params from "../core/Params.ts"

const names = Object.keys(Params.spec) as Array<Params.ParamName>

describe("Params", () => {
  it("decode(defaults) == Result.succeed(defaults)", () => {
    const r = Params.decode(Params.defaults)
    expect(Result.isSuccess(r)).toBe(true)
    expect(Result.getOrThrow(r)).toEqual(Params.defaults)
  })

  it("every default lies in its range, and integer fields have integer defaults", () => {
    for (const name of names) {
      const s = Params.spec[name]
      expect(s.min <= s.default && s.default <= s.max, name).toBe(true)
      if (s.int) expect(Number.isInteger(s.default), name).toBe(true)
    }
  })

  it("a value outside [min, max] (or non-finite, or fractional for an integer field) fails with InvalidParams", () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.constantFrom("below", "above", "nan", "fraction"), (name, how) => {
        const s = Params.spec[name]
        const bad =
          how === "below" ? s.min - 1 : how === "above" ? s.max + 1 : how === "nan" ? Number.NaN : s.int ? s.min + 0.5 : Number.POSITIVE_INFINITY
        const r = Params.make({ [name]: bad } as Partial<Params.Params>)
        expect(Result.isFailure(r) && r.failure._tag).toBe("InvalidParams")
      })
    )
  })

  it("a value inside [min, max] decodes to itself", () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.double({ min: 0, max: 1, noNaN: true }), (name, t) => {
        const s = Params.spec[name]
        const raw = s.min + t * (Math.min(s.max, s.min + 1e6) - s.min)
        const v = s.int ? Math.min(s.max, Math.ceil(raw)) : raw
        expect(Result.getOrThrow(Params.make({ [name]: v } as Partial<Params.Params>))[name]).toBe(v)
      })
    )
  })
})
