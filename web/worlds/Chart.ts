/**
 * Chart — the memory's growth over a run as a small SVG line chart: active nodes, edges, current
 * facts and archived items per step, with a tick under each rewarded step.
 */
import type { Point } from "./Runner.ts"

const SVG = "http://www.w3.org/2000/svg"

/** The series drawn, with their colours. */
export const LINES: ReadonlyArray<{ readonly key: "nodes" | "edges" | "facts" | "archived"; readonly colour: string }> = [
  { key: "nodes", colour: "#2563eb" },
  { key: "edges", colour: "#94a3b8" },
  { key: "facts", colour: "#16a34a" },
  { key: "archived", colour: "#9a3412" }
]

const el = (tag: string, attrs: Record<string, string | number>): SVGElement => {
  const e = document.createElementNS(SVG, tag)
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v))
  return e
}

/**
 * The polyline points of `values` scaled into a `width × height` box (x: index, y: value from 0
 * at the bottom to `max` at the top).
 * Laws: one point per value; x increases; y ∈ [0, height].
 * @complexity O(n)
 */
export const polyline = (values: ReadonlyArray<number>, max: number, width: number, height: number): string => {
  const n = values.length
  const top = Math.max(1, max)
  return values
    .map((v, i) => `${n <= 1 ? 0 : ((i / (n - 1)) * width).toFixed(1)},${(height - (Math.min(v, top) / top) * height).toFixed(1)}`)
    .join(" ")
}

/** The chart of `series` (an empty chart when it has fewer than two points). */
export const svg = (series: ReadonlyArray<Point>, width = 420, height = 90): SVGElement => {
  const root = el("svg", { viewBox: `0 0 ${width} ${height + 26}`, width: "100%", height: height + 26, role: "img" })
  const max = Math.max(1, ...series.map((p) => Math.max(p.nodes, p.edges, p.facts, p.archived)))
  root.append(el("line", { x1: 0, y1: height, x2: width, y2: height, stroke: "#cbd5e1" }))
  for (const { colour, key } of LINES) {
    root.append(el("polyline", { points: polyline(series.map((p) => p[key]), max, width, height), fill: "none", stroke: colour, "stroke-width": 1.5, "data-series": key }))
  }
  const n = series.length
  series.forEach((p, i) => {
    if (p.reward <= 0 || n <= 1) return
    const x = (i / (n - 1)) * width
    root.append(el("line", { x1: x, y1: height + 2, x2: x, y2: height + 6, stroke: "#15803d" }))
  })
  let x = 0
  const last = series[n - 1]
  for (const { colour, key } of LINES) {
    const t = el("text", { x, y: height + 20, fill: colour, "font-size": 11 })
    t.textContent = `${key} ${last?.[key] ?? 0}`
    root.append(t)
    x += 100
  }
  return root
}
