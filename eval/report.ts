/**
 * The report folder: `report.md` (goals summary, then per suite a system × metric table, the
 * suite's notes and its charts as images), `report.json` (every row, the goals' outcomes, skipped
 * and failed suites with their reasons, timings, seed, git commit) and `charts/*.svg` (each
 * suite chart rendered headless with vega-lite + vega; the Vega-Lite spec is kept beside it as
 * `*.vl.json` so a chart can be re-rendered or edited).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import path from "node:path"
import { renderSvg } from "./charts.ts"
import type { GoalResult } from "./goals.ts"
import { fmt } from "./goals.ts"
import type { Chart, Row } from "./Suite.ts"

/** What happened to one suite. */
export interface SuiteOutcome {
  readonly name: string
  readonly description: string
  readonly status: "ok" | "skipped" | "failed"
  /** The skip reason or the error, when not ok. */
  readonly reason: string | undefined
  readonly rows: ReadonlyArray<Row>
  readonly charts: ReadonlyArray<Chart>
  readonly notes: ReadonlyArray<string>
  readonly seconds: number
  /** Problems the runner found in the suite's result (malformed rows, duplicates, …). */
  readonly warnings: ReadonlyArray<string>
}

/** How the run was made. */
export interface RunMeta {
  readonly generatedAt: string
  readonly commit: string | undefined
  readonly dirty: boolean | undefined
  readonly seed: number
  readonly quick: boolean
  readonly data: string | undefined
  readonly argv: ReadonlyArray<string>
  readonly node: string
  readonly sharedDir: string | undefined
  readonly totalSeconds: number
}

/** Rows pivoted: systems and metrics in order of first appearance, and the value of each cell. */
export interface Pivot {
  readonly systems: ReadonlyArray<string>
  readonly metrics: ReadonlyArray<string>
  /** The value for (system, metric), the first row's when duplicated. */
  readonly value: (system: string, metric: string) => number | undefined
  /** `system/metric` pairs that appeared more than once (only the first is shown). */
  readonly duplicates: ReadonlyArray<string>
}

export const pivot = (rows: ReadonlyArray<Row>): Pivot => {
  const systems: Array<string> = []
  const metrics: Array<string> = []
  const cells = new Map<string, number>()
  const duplicates: Array<string> = []
  for (const r of rows) {
    if (!systems.includes(r.system)) systems.push(r.system)
    if (!metrics.includes(r.metric)) metrics.push(r.metric)
    const k = `${r.system}\u0000${r.metric}`
    if (cells.has(k)) {
      if (!duplicates.includes(`${r.system}/${r.metric}`)) duplicates.push(`${r.system}/${r.metric}`)
    } else cells.set(k, r.value)
  }
  return { systems, metrics, value: (s, m) => cells.get(`${s}\u0000${m}`), duplicates }
}

const cell = (s: string): string => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ")

/** A Markdown table from a header and body rows (cells escaped). */
export const markdownTable = (header: ReadonlyArray<string>, body: ReadonlyArray<ReadonlyArray<string>>, align?: ReadonlyArray<"l" | "r">): string => {
  const sep = header.map((_, i) => ((align?.[i] ?? "l") === "r" ? "---:" : "---"))
  return [header, sep, ...body].map((r, i) => `| ${(i === 1 ? r : r.map(cell)).join(" | ")} |`).join("\n")
}

/**
 * The rows of one suite as a Markdown table: systems as rows and metrics as columns, or — when
 * there are more than `maxColumns` metrics — metrics as rows and systems as columns, so the
 * table stays readable. A missing cell shows "–".
 */
export const pivotTable = (rows: ReadonlyArray<Row>, maxColumns = 8): string => {
  const p = pivot(rows)
  if (p.systems.length === 0) return "_(no rows)_"
  const show = (s: string, m: string): string => {
    const v = p.value(s, m)
    return v === undefined ? "–" : fmt(v)
  }
  if (p.metrics.length <= maxColumns) {
    return markdownTable(["system", ...p.metrics], p.systems.map((s) => [s, ...p.metrics.map((m) => show(s, m))]), ["l", ...p.metrics.map(() => "r" as const)])
  }
  return markdownTable(["metric", ...p.systems], p.metrics.map((m) => [m, ...p.systems.map((s) => show(s, m))]), ["l", ...p.systems.map(() => "r" as const)])
}

const statusText = (g: GoalResult): string => {
  switch (g.status) {
    case "met":
      return "**met**"
    case "missed":
      return `**missed** by ${fmt(g.gap ?? 0)}`
    case "missing":
      return "missing rows"
    case "not run":
      return "not run"
  }
}

/** The goals summary table. */
export const goalsTable = (goals: ReadonlyArray<GoalResult>): string =>
  markdownTable(
    ["goal", "status", "measured", "detail"],
    goals.map((g) => [g.goal.text, statusText(g), g.measured === undefined ? "–" : fmt(g.measured), g.detail]),
    ["l", "l", "r", "l"]
  )

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "") || "chart"

/** A chart as written to the folder (or why it could not be). */
export interface WrittenChart {
  readonly suite: string
  readonly name: string
  readonly title: string
  readonly file: string | undefined
  readonly spec: string
  readonly error: string | undefined
  readonly warnings: ReadonlyArray<string>
}

/** Renders every chart of every suite into `dir/charts/`; a chart that fails is reported, not fatal. */
export const writeCharts = async (dir: string, outcomes: ReadonlyArray<SuiteOutcome>): Promise<Array<WrittenChart>> => {
  const chartsDir = path.join(dir, "charts")
  mkdirSync(chartsDir, { recursive: true })
  const used = new Set<string>()
  const written: Array<WrittenChart> = []
  for (const o of outcomes) {
    for (const c of o.charts) {
      const stem = slug(c.name).startsWith(`${slug(o.name)}-`) ? slug(c.name) : `${slug(o.name)}-${slug(c.name)}`
      let base = stem
      for (let i = 2; used.has(base); i++) base = `${stem}-${i}`
      used.add(base)
      const spec = `charts/${base}.vl.json`
      writeFileSync(path.join(dir, spec), JSON.stringify(c.spec, null, 2) + "\n")
      try {
        const r = await renderSvg(c.spec)
        const file = `charts/${base}.svg`
        writeFileSync(path.join(dir, file), r.svg)
        written.push({ suite: o.name, name: c.name, title: c.title, file, spec, error: undefined, warnings: r.warnings })
      } catch (e) {
        written.push({ suite: o.name, name: c.name, title: c.title, file: undefined, spec, error: e instanceof Error ? e.message : String(e), warnings: [] })
      }
    }
  }
  return written
}

/** The Markdown report. */
export const renderMarkdown = (outcomes: ReadonlyArray<SuiteOutcome>, goals: ReadonlyArray<GoalResult>, charts: ReadonlyArray<WrittenChart>, meta: RunMeta): string => {
  const out: Array<string> = []
  out.push("# MAGS-TS evaluation report", "")
  out.push(
    `Generated ${meta.generatedAt}` +
      (meta.commit !== undefined ? ` at commit \`${meta.commit.slice(0, 12)}\`${meta.dirty === true ? " (with uncommitted changes)" : ""}` : "") +
      `; seed ${meta.seed}; ${meta.quick ? "**quick** run" : "full run"}${meta.data !== undefined ? `; data \`${meta.data}\`` : ""}; node ${meta.node}; ` +
      `${fmt(meta.totalSeconds)} s in all.`,
    "",
    `Command: \`npm run eval${meta.argv.length > 0 ? " -- " + meta.argv.join(" ") : ""}\``,
    ""
  )
  if (meta.sharedDir === undefined) out.push("> `../shared` was not found beside the repository: the data suites were skipped.", "")
  out.push("## Goals (issue 4)", "")
  out.push(goalsTable(goals), "")
  out.push(
    "Measured from the rows below (fractions, not percents). _missing rows_: the suite ran but did not produce a row the goal needs; " +
      "_not run_: the suite was skipped, failed or not selected. The LoCoMo goal \"not worse on a file it was not tuned on\" needs a second run " +
      "with `npm run eval -- locomo --data OTHER.json` and is not checked here.",
    ""
  )
  out.push("## Suites", "")
  out.push(
    markdownTable(
      ["suite", "status", "time (s)", "rows", "charts"],
      outcomes.map((o) => [o.name, o.status === "ok" ? "ok" : `${o.status}: ${o.reason ?? ""}`, fmt(Number(o.seconds.toFixed(2))), String(o.rows.length), String(o.charts.length)]),
      ["l", "l", "r", "r", "r"]
    ),
    ""
  )
  for (const o of outcomes) {
    out.push(`## ${o.name}`, "")
    if (o.description.length > 0) out.push(o.description, "")
    if (o.status === "skipped") out.push(`**Skipped:** ${o.reason ?? ""}`, "")
    if (o.status === "failed") out.push(`**Failed:** ${o.reason ?? ""}`, "")
    if (o.rows.length > 0) out.push(pivotTable(o.rows), "")
    for (const n of o.notes) out.push(n, "")
    for (const c of charts.filter((c) => c.suite === o.name)) {
      if (c.file !== undefined) out.push(`### ${c.title}`, "", `![${c.title.replace(/[[\]]/g, "")}](${c.file})`, "", `_Spec: [${c.spec}](${c.spec})_`, "")
      else out.push(`### ${c.title}`, "", `_Chart could not be rendered: ${c.error ?? "unknown error"} (spec: [${c.spec}](${c.spec}))._`, "")
    }
    if (o.warnings.length > 0) out.push("Runner warnings:", "", ...o.warnings.map((w) => `- ${w}`), "")
  }
  return out.join("\n")
}

/** The JSON report. */
export const renderJson = (outcomes: ReadonlyArray<SuiteOutcome>, goals: ReadonlyArray<GoalResult>, charts: ReadonlyArray<WrittenChart>, meta: RunMeta): string =>
  JSON.stringify(
    {
      ...meta,
      commit: meta.commit ?? null,
      dirty: meta.dirty ?? null,
      data: meta.data ?? null,
      sharedDir: meta.sharedDir ?? null,
      skipped: Object.fromEntries(outcomes.filter((o) => o.status === "skipped").map((o) => [o.name, o.reason ?? ""])),
      failed: Object.fromEntries(outcomes.filter((o) => o.status === "failed").map((o) => [o.name, o.reason ?? ""])),
      suites: outcomes.map((o) => ({
        name: o.name,
        description: o.description,
        status: o.status,
        reason: o.reason ?? null,
        seconds: o.seconds,
        rows: o.rows.length,
        notes: o.notes,
        warnings: o.warnings,
        charts: charts.filter((c) => c.suite === o.name).map((c) => ({ name: c.name, title: c.title, file: c.file ?? null, spec: c.spec, error: c.error ?? null, warnings: c.warnings }))
      })),
      goals: goals.map((g) => ({
        id: g.goal.id,
        text: g.goal.text,
        suite: g.goal.suite,
        system: g.goal.system,
        metric: g.goal.metric,
        comparison: g.goal.comparison,
        status: g.status,
        measured: g.measured ?? null,
        target: g.target ?? null,
        gap: g.gap ?? null,
        detail: g.detail
      })),
      rows: outcomes.flatMap((o) => o.rows.map((r) => ({ suite: r.suite, system: r.system, metric: r.metric, value: r.value })))
    },
    null,
    2
  ) + "\n"

/** Writes the folder (created if needed); returns the files written, relative to it. */
export const writeReport = async (dir: string, outcomes: ReadonlyArray<SuiteOutcome>, goals: ReadonlyArray<GoalResult>, meta: RunMeta): Promise<Array<string>> => {
  mkdirSync(dir, { recursive: true })
  const charts = await writeCharts(dir, outcomes)
  writeFileSync(path.join(dir, "report.md"), renderMarkdown(outcomes, goals, charts, meta))
  writeFileSync(path.join(dir, "report.json"), renderJson(outcomes, goals, charts, meta))
  return ["report.md", "report.json", ...charts.flatMap((c) => (c.file !== undefined ? [c.spec, c.file] : [c.spec]))]
}
