import { describe, expect, it } from "vitest"
import { DEFAULT_BUDGET, DEFAULT_SEED, parseArgs, QUICK_BUDGET, SUITES } from "./args.ts"

describe("tune args", () => {
  it("no arguments: every suite, the default budget and seed, a report folder", () => {
    expect(parseArgs([])).toEqual({
      suites: [...SUITES], budget: DEFAULT_BUDGET, seed: DEFAULT_SEED, quick: false, json: false, out: undefined, data: undefined, help: false
    })
  })

  it("the issue's command line", () => {
    const a = parseArgs(["--suites", "locomo,conflicts,games", "--budget", "40", "--seed", "7", "--json", "--out", "/tmp/x"])
    expect(a).toMatchObject({ suites: ["locomo", "conflicts", "games"], budget: 40, seed: 7, json: true, out: "/tmp/x", quick: false })
  })

  it("--flag=value, suites kept in order without duplicates, spaces trimmed", () => {
    const a = parseArgs(["--suites=games, conflicts,games", "--budget=5", "--data=/d.json"])
    expect(a.suites).toEqual(["games", "conflicts"])
    expect(a.budget).toBe(5)
    expect(a.data).toBe("/d.json")
  })

  it("--quick lowers the default budget, an explicit budget wins", () => {
    expect(parseArgs(["--quick"]).budget).toBe(QUICK_BUDGET)
    expect(parseArgs(["--quick", "--budget", "9"]).budget).toBe(9)
  })

  it("rejects unknown suites and flags, bad numbers, missing values", () => {
    expect(() => parseArgs(["--suites", "locomo,mcq"])).toThrow(/unknown suite "mcq"/)
    expect(() => parseArgs(["--suites", ","])).toThrow(/at least one/)
    expect(() => parseArgs(["--budget", "0"])).toThrow(/at least 1/)
    expect(() => parseArgs(["--budget", "2.5"])).toThrow(/not an integer/)
    expect(() => parseArgs(["--seed", "x"])).toThrow(/not an integer/)
    expect(() => parseArgs(["--budget"])).toThrow(/needs a value/)
    expect(() => parseArgs(["--out", "--json"])).toThrow(/needs a value/)
    expect(() => parseArgs(["--json=1"])).toThrow(/takes no value/)
    expect(() => parseArgs(["locomo"])).toThrow(/unknown argument/)
  })
  it("--params LIST: the searched parameters, each once; an empty list is an error", () => {
    expect(parseArgs(["--params", "anchors,fusionWalk,anchors"]).params).toEqual(["anchors", "fusionWalk"])
    expect(parseArgs([]).params).toBeUndefined()
    expect(() => parseArgs(["--params", ","])).toThrow(/at least one/)
  })
})
