import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { Io, MainEnv } from "./run.ts"
import { defaultOutDir, jsonLine, main, resolveSharedDir } from "./run.ts"
import type { Suite, SuiteOptions } from "./Suite.ts"
import { loadEntry, registerSuite, STATIC_SUITES, suiteNames, unregisterSuite } from "./suites.ts"

/** A fake suite: figures derived from the seed, one chart, progress calls; records its options. */
const seen: Array<SuiteOptions> = []
const fake: Suite = {
  name: "fake-eval",
  description: "A fake suite for the runner's tests.",
  run: async (o) => {
    seen.push(o)
    for (let i = 0; i <= 3; i++) o.progress("working", i, 3)
    const rows = [
      { suite: "fake-eval", system: "mags", metric: "accuracy", value: (50 + o.seed) / 100 },
      { suite: "fake-eval", system: "base", metric: "accuracy", value: 0.25 },
      { suite: "fake-eval", system: "mags", metric: "steps", value: 3 }
    ]
    return {
      rows,
      notes: ["Fake note with **markdown**."],
      charts: [
        {
          name: "acc",
          title: "Accuracy by system",
          spec: {
            $schema: "https://vega.github.io/schema/vega-lite/v6.json",
            data: { values: rows.filter((r) => r.metric === "accuracy") },
            mark: "bar",
            encoding: { x: { field: "system", type: "nominal" }, y: { field: "value", type: "quantitative" } }
          }
        }
      ]
    }
  }
}
const skipping: Suite = { name: "fake-skip", description: "", run: async (o) => ({ rows: [], charts: [], notes: [], skipped: o.sharedDir === undefined ? "no ../shared" : "other" }) }
const throwing: Suite = {
  name: "fake-throw",
  description: "",
  run: async () => {
    throw new Error("boom")
  }
}
const malformed: Suite = {
  name: "fake-malformed",
  description: "",
  run: async () => ({ rows: [{ suite: "fake-malformed", system: "mags", metric: "x", value: Number.NaN }, { suite: "fake-malformed", system: "mags", metric: "y", value: 1 }], charts: [], notes: [] })
}

let tmp = ""
const capture = (): Io & { out: Array<string>; err: Array<string> } => {
  const out: Array<string> = []
  const err: Array<string> = []
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) }
}
const env = (): MainEnv => ({ root: tmp, sharedDir: undefined, now: () => new Date("2030-01-02T03:04:05.678Z"), cwd: tmp })

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "mags-eval-"))
  for (const s of [fake, skipping, throwing, malformed]) registerSuite(s)
})
afterAll(() => {
  for (const s of [fake, skipping, throwing, malformed]) unregisterSuite(s.name)
  rmSync(tmp, { recursive: true, force: true })
})

describe("registry", () => {
  it("lists the static suites first, then the registered ones; refuses a taken name", () => {
    expect(suiteNames().slice(0, STATIC_SUITES.length)).toEqual(["locomo", "conflicts", "games", "mcq", "mcq-hard", "arigraph", "extraction"])
    expect(suiteNames()).toContain("fake-eval")
    expect(() => registerSuite(fake)).toThrow(/already registered/)
    expect(() => registerSuite({ ...fake, name: "locomo" })).toThrow(/already registered/)
  })

  it("a missing suite module is a clear error, not a crash", async () => {
    await expect(loadEntry({ name: "ghost", module: "./suites/ghost-suite-that-does-not-exist/suite.ts" })).rejects.toThrow(
      /eval\/suites\/ghost-suite-that-does-not-exist\/suite\.ts does not exist/
    )
  })

  it("a module without a suite export is a clear error", async () => {
    await expect(loadEntry({ name: "args", module: "./args.ts" })).rejects.toThrow(/eval\/args\.ts does not export `suite`/)
  })
})

describe("jsonLine", () => {
  it("is exactly suite, system, metric, value", () => {
    const line = jsonLine({ suite: "mcq", system: "mags", metric: "accuracy", value: 0.83, extra: 1 } as never)
    expect(line).toBe('{"suite":"mcq","system":"mags","metric":"accuracy","value":0.83}')
  })
})

describe("main", () => {
  it("--json: one JSON object per row on stdout, progress on stderr, options passed through", async () => {
    const io = capture()
    const code = await main(["fake-eval", "--json", "--quick", "--seed", "7"], io, env())
    expect(code).toBe(0)
    const lines = io.out.join("").trimEnd().split("\n")
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { suite: "fake-eval", system: "mags", metric: "accuracy", value: 0.57 },
      { suite: "fake-eval", system: "base", metric: "accuracy", value: 0.25 },
      { suite: "fake-eval", system: "mags", metric: "steps", value: 3 }
    ])
    for (const l of lines) expect(Object.keys(JSON.parse(l))).toEqual(["suite", "system", "metric", "value"])
    expect(io.err.join("")).toMatch(/\[eval\] fake-eval: working 3\/3 \(100\.0%\)/)
    expect(seen.at(-1)).toMatchObject({ quick: true, seed: 7, data: undefined, sharedDir: undefined })
    expect(existsSync(path.join(tmp, "eval-report"))).toBe(false)
  })

  it("writes a report folder: report.md, report.json and an SVG chart; failures stay isolated", async () => {
    const io = capture()
    const out = path.join(tmp, "report")
    const code = await main(["fake-eval", "fake-skip", "fake-throw", "fake-malformed", "--out", "report"], io, env())
    expect(code).toBe(1) // fake-throw failed
    expect(io.out.join("").trim()).toBe(out)
    const md = readFileSync(path.join(out, "report.md"), "utf8")
    expect(md).toMatch(/^# MAGS-TS evaluation report/)
    expect(md).toContain("## Goals (issue 4)")
    expect(md).toContain("| system | accuracy | steps |")
    expect(md).toContain("| mags | 0.51 | 3 |")
    expect(md).toContain("| base | 0.25 | – |")
    expect(md).toContain("Fake note with **markdown**.")
    expect(md).toContain("![Accuracy by system](charts/fake-eval-acc.svg)")
    expect(md).toContain("**Skipped:** no ../shared")
    expect(md).toContain("**Failed:** boom")
    expect(md).toMatch(/dropped a malformed row/)
    const svg = readFileSync(path.join(out, "charts", "fake-eval-acc.svg"), "utf8")
    expect(svg.startsWith("<svg")).toBe(true)
    const json = JSON.parse(readFileSync(path.join(out, "report.json"), "utf8"))
    expect(json.seed).toBe(1)
    expect(json.skipped).toEqual({ "fake-skip": "no ../shared" })
    expect(json.failed).toEqual({ "fake-throw": "boom" })
    expect(json.rows).toHaveLength(4)
    expect(json.suites.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual([
      "fake-eval:ok",
      "fake-skip:skipped",
      "fake-throw:failed",
      "fake-malformed:ok"
    ])
    expect(typeof json.suites[0].seconds).toBe("number")
    expect(json.goals.find((g: { id: string }) => g.id === "mcq-vs-base").status).toBe("not run")
    expect(json.generatedAt).toBe("2030-01-02T03:04:05.678Z")
  })

  it("bad command lines exit 2 without running anything", async () => {
    const io = capture()
    expect(await main(["no-such-suite"], io, env())).toBe(2)
    expect(io.err.join("")).toMatch(/unknown suite "no-such-suite"/)
    expect(await main(["fake-eval", "--data", "missing.json"], capture(), env())).toBe(2)
    expect(await main(["--bogus"], capture(), env())).toBe(2)
  })

  it("the default report folder is eval-report/<UTC timestamp> under the root; ../shared resolves beside the root", () => {
    expect(defaultOutDir("/r", new Date("2030-01-02T03:04:05.678Z"))).toBe(path.join("/r", "eval-report", "2030-01-02T03-04-05Z"))
    expect(resolveSharedDir(path.join(tmp, "nowhere"))).toBeUndefined()
  })
})
