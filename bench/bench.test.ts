/**
 * Shape tests of the benchmark harness: argument parsing, JSON-line formatting, and one tiny run
 * of every bench, checking names, units and that every figure is a finite number.
 * Timings are never asserted.
 */
import { describe, expect, it } from "vitest"
import { formatSize, type Metric, sizedName } from "./Metric.ts"
import { BENCHES, checkMetric, formatJsonLine, formatTable, FULL_SIZES, loadBench, parseArgs, QUICK_SIZES } from "./run.ts"

describe("parseArgs", () => {
  it("defaults: every bench, full sizes up to 1e6, table output", () => {
    expect(parseArgs([])).toEqual({ quick: false, json: false, only: BENCHES, sizes: FULL_SIZES })
  })
  it("--quick uses sizes 1e3..1e5", () => {
    const a = parseArgs(["--quick"])
    expect(a.quick).toBe(true)
    expect(a.sizes).toEqual(QUICK_SIZES)
    expect(Math.max(...a.sizes)).toBe(1e5)
  })
  it("--json --only --sizes (separate and = forms), sizes sorted, benches in run order", () => {
    expect(parseArgs(["--json", "--only", "memory,engram", "--sizes", "1e4,1e3"])).toEqual({
      quick: false,
      json: true,
      only: ["engram", "memory"],
      sizes: [1e3, 1e4]
    })
    expect(parseArgs(["--only=recall", "--sizes=2e3"])).toMatchObject({ only: ["recall"], sizes: [2000] })
  })
  it("rejects unknown flags, unknown benches, bad sizes and missing values", () => {
    expect(() => parseArgs(["--fast"])).toThrow(/unknown argument/)
    expect(() => parseArgs(["--only", "engram,nope"])).toThrow(/unknown bench/)
    expect(() => parseArgs(["--sizes", "1e3,abc"])).toThrow(/--sizes/)
    expect(() => parseArgs(["--sizes", "1.5"])).toThrow(/--sizes/)
    expect(() => parseArgs(["--only"])).toThrow(/needs a value/)
  })
})

describe("formatting", () => {
  it("a JSON line has exactly name, value, unit (+ baseline, ratio when measured)", () => {
    const withBase: Metric = { name: "x.ms_p50", value: 2, unit: "ms", baseline: 4, ratio: 2 }
    const line = formatJsonLine(withBase)
    expect(line).not.toContain("\n")
    expect(JSON.parse(line)).toEqual(withBase)
    expect(Object.keys(JSON.parse(line))).toEqual(["name", "value", "unit", "baseline", "ratio"])
    expect(Object.keys(JSON.parse(formatJsonLine({ name: "y", value: 1, unit: "B/fact" })))).toEqual(["name", "value", "unit"])
  })
  it("sizes name the metrics: plain at 1e5, @1eK elsewhere", () => {
    expect(formatSize(1000)).toBe("1e3")
    expect(formatSize(25_000)).toBe("2.5e4")
    expect(sizedName("engram.us_per_fact", 1e5)).toBe("engram.us_per_fact")
    expect(sizedName("engram.us_per_fact", 1e6)).toBe("engram.us_per_fact@1e6")
  })
  it("the table has a header and one row per metric", () => {
    const t = formatTable([{ name: "a", value: 1.5, unit: "ms" }, { name: "b", value: 3e6, unit: "events/s", baseline: 1e6, ratio: 3 }])
    const lines = t.split("\n")
    expect(lines).toHaveLength(4)
    expect(lines[0]).toMatch(/metric\s+value\s+unit\s+baseline\s+ratio/)
    expect(lines[3]).toContain("3.00×")
  })
  it("checkMetric rejects non-finite figures", () => {
    expect(() => checkMetric({ name: "a", value: Number.NaN, unit: "ms" })).toThrow(/malformed/)
    expect(() => checkMetric({ name: "a", value: 1, unit: "ms", baseline: Infinity, ratio: 0 })).toThrow(/malformed/)
  })
})

/** The metric names each bench must report (before any `@size` suffix). */
const EXPECTED: Record<(typeof BENCHES)[number], ReadonlyArray<string>> = {
  engram: ["engram.us_per_fact", "engram.us_per_fact_no_embeddings"],
  recall: ["recall.ms_p50", "recall.ms_p99"],
  similarity: ["similarity.scan_gbps", "similarity.topk_ms"],
  replay: ["replay.events_per_s", "replay.fold_events_per_s"],
  snapshot: ["snapshot.write_ms", "snapshot.restore_ms", "snapshot.hash_ms", "snapshot.text_mb"],
  memory: ["memory.bytes_per_fact"],
  extract: ["extract.sentences_per_s", "extract.tokenise_sentences_per_s"],
  serve: ["serve.recall.ms_p50", "serve.recall.ms_p99", "serve.recall.rps", "serve.recall_recorded.ms_p50", "serve.writes.per_s", "serve.writes.lost"],
  // its smoke run (every name, no lost write, the clean-up) is bench/cluster.test.ts's, skipped without PostgreSQL
  cluster: ["cluster.commits_per_s.sqlite.1mem", "cluster.commits_per_s.pg.1runner.1mem", "cluster.writes.lost"]
}

const TINY = 300

describe("a tiny run of each bench", () => {
  for (const name of BENCHES) {
    it.skipIf(name === "cluster")(`${name} reports finite figures with units`, async () => {
      const mod = await loadBench[name]()
      const metrics = await mod.run({ quick: true, sizes: [TINY] })
      expect(metrics.length).toBeGreaterThan(0)
      for (const m of metrics) {
        checkMetric(m)
        expect(m.name.startsWith(name + ".")).toBe(true)
        expect(m.unit.length).toBeGreaterThan(0)
        expect(m.value).toBeGreaterThanOrEqual(0)
        if (m.baseline !== undefined) expect(Number.isFinite(m.ratio)).toBe(true)
        expect(JSON.parse(formatJsonLine(m))).toEqual(m)
      }
      const names = metrics.map((m) => m.name.replace(/@.*$/, ""))
      for (const n of EXPECTED[name]) expect(names).toContain(n)
    })
  }
})
