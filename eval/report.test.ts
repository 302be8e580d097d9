import { describe, expect, it } from "vitest"
import { renderSvg } from "./charts.ts"
import { markdownTable, pivot, pivotTable } from "./report.ts"
import { formatDuration, makeProgress } from "./progress.ts"
import type { Row } from "./Suite.ts"

const row = (system: string, metric: string, value: number): Row => ({ suite: "s", system, metric, value })

describe("pivot", () => {
  const rows = [row("mags", "recall@10", 0.5), row("vector", "recall@10", 0.4), row("mags", "recall@5", 0.25), row("mags", "recall@10", 0.1)]

  it("keeps first-appearance order, finds each cell, reports duplicates", () => {
    const p = pivot(rows)
    expect(p.systems).toEqual(["mags", "vector"])
    expect(p.metrics).toEqual(["recall@10", "recall@5"])
    expect(p.value("mags", "recall@10")).toBe(0.5)
    expect(p.value("vector", "recall@5")).toBeUndefined()
    expect(p.duplicates).toEqual(["mags/recall@10"])
  })

  it("renders systems × metrics, with a dash for an absent cell", () => {
    expect(pivotTable(rows)).toBe(
      ["| system | recall@10 | recall@5 |", "| --- | ---: | ---: |", "| mags | 0.5 | 0.25 |", "| vector | 0.4 | – |"].join("\n")
    )
  })

  it("transposes when there are more metrics than columns allow", () => {
    expect(pivotTable(rows, 1).split("\n")[0]).toBe("| metric | mags | vector |")
    expect(pivotTable([])).toBe("_(no rows)_")
  })

  it("escapes pipes in cells", () => {
    expect(markdownTable(["a"], [["x|y"]])).toBe("| a |\n| --- |\n| x\\|y |")
  })
})

describe("renderSvg", () => {
  it("renders a tiny Vega-Lite spec to an SVG with one bar per datum", async () => {
    const { svg } = await renderSvg({
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      data: { values: [{ system: "mags", v: 0.5 }, { system: "vector", v: 0.4 }] },
      mark: "bar",
      encoding: { x: { field: "system", type: "nominal" }, y: { field: "v", type: "quantitative" } }
    })
    expect(svg.startsWith("<svg")).toBe(true)
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true)
    expect(svg).toMatch(/role-mark marks/)
    expect((svg.match(/<path aria-label="system: /g) ?? []).length).toBe(2)
    expect(svg).toContain(">mags<")
  })

  it("rejects a spec that does not compile", async () => {
    await expect(renderSvg({ mark: "no-such-mark" })).rejects.toThrow()
  })
})

describe("progress", () => {
  it("prints rate and ETA, throttled, first and last always", () => {
    const lines: Array<string> = []
    let t = 0
    const p = makeProgress("x", (l) => lines.push(l), () => t, 1000)
    p("start")
    p("step", 0, 10)
    t = 500
    p("step", 1, 10) // throttled
    t = 2000
    p("step", 4, 10)
    t = 5000
    p("step", 10, 10)
    expect(lines).toEqual([
      "[eval] x: start",
      "[eval] x: step 0/10 (0.0%)",
      "[eval] x: step 4/10 (40.0%) 2.0/s ETA 3.0s",
      "[eval] x: step 10/10 (100.0%) 2.0/s in 5.0s"
    ])
  })

  it("formats durations", () => {
    expect(formatDuration(3.25)).toBe("3.3s")
    expect(formatDuration(125)).toBe("2m05s")
    expect(formatDuration(3 * 3600 + 60 * 7)).toBe("3h07m")
  })
})
