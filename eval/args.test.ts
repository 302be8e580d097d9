import { describe, expect, it } from "vitest"
import { DEFAULT_SEED, parseArgs } from "./args.ts"

describe("parseArgs", () => {
  it("defaults: every suite, report mode, full run, default seed", () => {
    expect(parseArgs([])).toEqual({ suites: [], data: undefined, json: false, quick: false, seed: DEFAULT_SEED, out: undefined, help: false })
  })

  it("one suite with every flag, in both value spellings", () => {
    expect(parseArgs(["locomo", "--data", "x.json", "--json", "--quick", "--seed", "7", "--out", "r"])).toEqual({
      suites: ["locomo"],
      data: "x.json",
      json: true,
      quick: true,
      seed: 7,
      out: "r",
      help: false
    })
    expect(parseArgs(["--seed=-3", "--out=/tmp/a", "games"])).toMatchObject({ suites: ["games"], seed: -3, out: "/tmp/a" })
  })

  it("several suites, in order, without repeats", () => {
    expect(parseArgs(["mcq", "games", "mcq"]).suites).toEqual(["mcq", "games"])
  })

  it("rejects bad command lines", () => {
    expect(() => parseArgs(["--nope"])).toThrow(/unknown argument/)
    expect(() => parseArgs(["--seed", "1.5"])).toThrow(/not an integer/)
    expect(() => parseArgs(["--seed", "x"])).toThrow(/not an integer/)
    expect(() => parseArgs(["locomo", "--data"])).toThrow(/needs a value/)
    expect(() => parseArgs(["locomo", "--out", "--json"])).toThrow(/needs a value/)
    expect(() => parseArgs(["--json=1"])).toThrow(/takes no value/)
    expect(() => parseArgs(["--data", "x.json"])).toThrow(/exactly one suite/)
    expect(() => parseArgs(["a", "b", "--data", "x.json"])).toThrow(/exactly one suite/)
  })

  it("--help", () => {
    expect(parseArgs(["-h"]).help).toBe(true)
  })
})
