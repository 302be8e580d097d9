/**
 * The tuner's outputs: the report folder (params.json, report.md, report.json,
 * charts/objective.svg + .vl.json) and the `--json` lines.
 *
 * - `params.json`: the full tuned `Params` record (`Params.decode` accepts it).
 * - `report.md`: the command, the search space, the objective per generation, train and
 *   validation per suite for the defaults and the tuned record (each term), the tuned values
 *   that differ from the defaults, which suite got worse on validation and by how much, seconds
 *   per evaluation.
 * - `report.json`: the same as data.
 * - JSON lines (`--json`): one object per generation (`{"generation",…}`), one per suite, split
 *   and record (`{"suite","split","params","loss",…}`), and LAST `{"validation":{"defaults",
 *   "tuned"},"train":{…},"suites":[…],"out":…}`.
 */
import { Params } from "../../core/index.ts"
import { reportFolder } from "../charts.ts"
import * as Objective from "./Objective.ts"
import type { Result, Scored } from "./Tuner.ts"

/** What the run was, for the report's header. */
export interface Meta {
  readonly command: string
  readonly quick: boolean
  readonly suites: ReadonlyArray<{ readonly name: string; readonly description: string }>
  readonly skipped: ReadonlyArray<{ readonly suite: string; readonly reason: string }>
  readonly recordSeconds: Readonly<Record<string, number>>
  readonly totalSeconds: number
  readonly gitCommit: string | undefined
  /** Tracked files that differed from the commit when the run started. */
  readonly gitDirty: ReadonlyArray<string>
}

const fix = (x: number | undefined, d = 4): string => (x === undefined ? "–" : Number.isFinite(x) ? x.toFixed(d) : String(x))

/** The tuned values that differ from the defaults (name → [default, tuned]). */
export const changed = (r: Result): Array<readonly [string, number, number]> =>
  r.space.dimensions
    .map((d) => [d.name, Params.defaults[d.name], r.tuned[d.name]] as const)
    .filter(([, a, b]) => a !== b)

/** One suite's delta on validation: tuned minus defaults, per term. */
export interface SuiteDelta {
  readonly suite: string
  readonly lossDefaults: number
  readonly lossTuned: number
  /** The suite's objective share: loss + λ·cost + μ·size + ν·churn ratios of this suite. */
  readonly shareDefaults: number
  readonly shareTuned: number
  readonly worse: boolean
  /** Why, in words (empty when not worse). */
  readonly why: string
}

const share = (t: Objective.SuiteTerms): number =>
  t.loss + Objective.LAMBDA * (t.cost ?? 0) + Objective.MU * (t.size ?? 0) + Objective.NU * (t.churn ?? 0)

/** Per suite: did the tuned record do worse than the defaults on validation, and why. */
export const deltas = (r: Result): Array<SuiteDelta> =>
  Object.keys(r.validation.defaults.figures).map((suite) => {
    const vd = r.validation.defaults.terms.perSuite[suite]!
    const vt = r.validation.tuned.terms.perSuite[suite]!
    const td = r.train.defaults.terms.perSuite[suite]!
    const tt = r.train.tuned.terms.perSuite[suite]!
    const worse = share(vt) > share(vd) + 1e-12
    let why = ""
    if (worse) {
      const parts: Array<string> = []
      if (vt.loss > vd.loss) parts.push(`its task loss rose by ${fix(vt.loss - vd.loss)} (${fix(vd.loss)} → ${fix(vt.loss)})`)
      for (const p of Objective.PENALTIES) {
        const a = vd[p]
        const b = vt[p]
        if (a !== undefined && b !== undefined && b > a) parts.push(`its ${p} ratio rose to ${fix(b, 3)}× the defaults'`)
      }
      const trainGain = share(td) - share(tt)
      parts.push(trainGain > 0
        ? `on train the same record improved this suite by ${fix(trainGain)}: the gain did not carry over to the validation data (fitted to the train split)`
        : `on train this suite was already no better (${fix(-trainGain)} worse): the search traded it for the other suites' gains`)
      why = parts.join("; ")
    }
    return { suite, lossDefaults: vd.loss, lossTuned: vt.loss, shareDefaults: share(vd), shareTuned: share(vt), worse, why }
  })

/** The `--json` lines (the last one is the summary). */
export const jsonLines = (r: Result, meta: Meta, out: string | undefined): Array<string> => {
  const lines: Array<string> = []
  for (const g of r.generations) {
    lines.push(JSON.stringify({ generation: g.generation, run: g.run, evaluations: g.evaluations, best: g.best, mean: g.mean, bestSoFar: g.bestSoFar, sigma: g.sigma }))
  }
  for (const split of ["train", "validation"] as const) {
    for (const which of ["defaults", "tuned"] as const) {
      const s = r[split][which]
      for (const [suite, f] of Object.entries(s.figures)) {
        const t = s.terms.perSuite[suite]!
        lines.push(JSON.stringify({ suite, split, params: which, loss: f.loss, cost: t.cost ?? null, size: t.size ?? null, churn: t.churn ?? null, metrics: f.metrics }))
      }
    }
  }
  const summary = (s: Scored) => ({ objective: s.terms.total, loss: s.terms.loss, cost: s.terms.cost, size: s.terms.size, churn: s.terms.churn })
  lines.push(JSON.stringify({
    validation: { defaults: r.validation.defaults.terms.total, tuned: r.validation.tuned.terms.total },
    train: { defaults: r.train.defaults.terms.total, tuned: r.train.tuned.terms.total },
    terms: {
      validation: { defaults: summary(r.validation.defaults), tuned: summary(r.validation.tuned) },
      train: { defaults: summary(r.train.defaults), tuned: summary(r.train.tuned) }
    },
    worse: deltas(r).filter((d) => d.worse).map((d) => ({ suite: d.suite, by: d.shareTuned - d.shareDefaults, why: d.why })),
    suites: meta.suites.map((s) => s.name),
    skipped: meta.skipped,
    budget: r.budget,
    evaluations: r.evaluations.length,
    seed: r.seed,
    quick: meta.quick,
    secondsPerEvaluation: r.secondsPerEvaluation,
    tuned: Object.fromEntries(changed(r).map(([n, , v]) => [n, v])),
    out: out ?? null
  }))
  return lines
}

/** The chart: best, mean and best-so-far objective per generation (Vega-Lite, data inline). */
export const objectiveChart = (r: Result): Record<string, unknown> => {
  const values: Array<Record<string, unknown>> = []
  for (const g of r.generations) {
    for (const [series, v] of [["generation best", g.best], ["generation mean", g.mean], ["best so far", g.bestSoFar]] as const) {
      if (Number.isFinite(v)) values.push({ generation: g.generation, evaluations: g.evaluations, series, objective: v })
    }
  }
  const ref = r.train.defaults.terms.total
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Tuning objective on train per CMA-ES generation (lower is better; dashed: the defaults, ${fix(ref)})`,
    width: 560,
    height: 300,
    layer: [
      {
        data: { values },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "generation", type: "quantitative", title: "generation" },
          y: { field: "objective", type: "quantitative", title: "objective", scale: { zero: false } },
          color: { field: "series", type: "nominal" }
        }
      },
      { data: { values: [{ objective: ref }] }, mark: { type: "rule", strokeDash: [4, 4] }, encoding: { y: { field: "objective", type: "quantitative" } } }
    ]
  }
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`

const DAY = 86_400_000
const showValue = (name: string, v: number): string => {
  if (/HalfLife|inactiveAfter|recencyWindow/.test(name)) return `${v.toFixed(0)} ms (${(v / DAY).toFixed(2)} d)`
  return Number.isInteger(v) ? String(v) : v.toPrecision(4)
}

/** The Markdown report. */
export const markdown = (r: Result, meta: Meta): string => {
  const L: Array<string> = []
  const v = r.validation
  L.push("# Tuning report", "")
  L.push(`Command: \`${meta.command}\`${meta.gitCommit === undefined ? "" : ` at commit \`${meta.gitCommit}\``}` +
    (meta.gitDirty.length === 0 ? "." : `, with uncommitted changes in ${meta.gitDirty.map((f) => `\`${f}\``).join(", ")}.`), "")
  L.push(`**Validation objective (lower is better): defaults ${fix(v.defaults.terms.total)}, tuned ${fix(v.tuned.terms.total)}** ` +
    `(train: defaults ${fix(r.train.defaults.terms.total)}, tuned ${fix(r.train.tuned.terms.total)}).`, "")
  L.push("## Setup", "")
  L.push(`Objective (eval/tune/Objective.ts): Σ_suite loss + λ·cost + μ·size + ν·churn with λ = ${Objective.LAMBDA}, μ = ${Objective.MU}, ν = ${Objective.NU}; ` +
    "cost, size and churn are ratios to the defaults' figures on the same suite and split, averaged over the suites that measure them (1 = as the defaults).", "")
  L.push("Suites (train / validation):", "")
  for (const s of meta.suites) L.push(`- **${s.name}**: ${s.description}`)
  for (const s of meta.skipped) L.push(`- **${s.suite}**: skipped — ${s.reason}`)
  L.push("")
  L.push(`Search: CMA-ES (eval/tune/Cmaes.ts), seed ${r.seed}, budget ${r.budget} evaluations (${r.evaluations.length} made, ` +
    `${r.evaluations.filter((e) => e.cached).length} answered by the memo), population ${r.popSize}, σ0 ${r.sigma0} in the unit box, ` +
    `start = Params.defaults; stops: ${r.stops.join(", ") || "–"}. ${r.space.dimensions.length} parameters (eval/tune/Searched.ts):`, "")
  L.push("| parameter | range | scale | default | tuned |", "|---|---|---|---|---|")
  for (const d of r.space.dimensions) {
    L.push(`| ${d.name} | [${showValue(d.name, d.lo)}, ${showValue(d.name, d.hi)}]${d.int ? " int" : ""} | ${d.scale} | ${showValue(d.name, Params.defaults[d.name])} | ${showValue(d.name, r.tuned[d.name])} |`)
  }
  L.push("")
  const secs = Object.entries(r.secondsPerSuite).map(([s, x]) => `${s} ${x.toFixed(2)} s`).join(", ")
  L.push(`Seconds per train evaluation: ${r.secondsPerEvaluation.toFixed(2)} (${secs}); recording: ` +
    Object.entries(meta.recordSeconds).map(([s, x]) => `${s} ${x.toFixed(1)} s`).join(", ") + `; whole run ${meta.totalSeconds.toFixed(0)} s.`, "")

  L.push("## Objective per generation (train)", "")
  L.push("![objective per generation](charts/objective.svg)", "")
  L.push("| generation | evaluations | best | mean | best so far | σ |", "|---|---|---|---|---|---|")
  for (const g of r.generations) L.push(`| ${g.generation} | ${g.evaluations} | ${fix(g.best)} | ${fix(g.mean)} | ${fix(g.bestSoFar)} | ${fix(g.sigma, 3)} |`)
  L.push("")

  L.push("## Per suite: defaults vs tuned", "")
  L.push("Loss is the suite's task loss; cost / size / churn are ratios to the defaults on the same split (– : not measured by this suite).", "")
  L.push("| suite | split | record | loss | cost | size | churn | figures |", "|---|---|---|---|---|---|---|---|")
  for (const split of ["train", "validation"] as const) {
    for (const which of ["defaults", "tuned"] as const) {
      const s = r[split][which]
      for (const [suite, f] of Object.entries(s.figures)) {
        const t = s.terms.perSuite[suite]!
        const figs = Object.entries(f.metrics).map(([k, x]) => `${k} ${Number.isInteger(x) ? x : x.toFixed(3)}`).join(", ")
        L.push(`| ${suite} | ${split} | ${which} | ${fix(f.loss)} | ${fix(t.cost, 3)} | ${fix(t.size, 3)} | ${fix(t.churn, 3)} | ${figs} |`)
      }
    }
  }
  L.push("")
  L.push("| split | record | objective | Σ loss | cost | size | churn |", "|---|---|---|---|---|---|---|")
  for (const split of ["train", "validation"] as const) {
    for (const which of ["defaults", "tuned"] as const) {
      const t = r[split][which].terms
      L.push(`| ${split} | ${which} | ${fix(t.total)} | ${fix(t.loss)} | ${fix(t.cost, 3)} | ${fix(t.size, 3)} | ${fix(t.churn, 3)} |`)
    }
  }
  L.push("")

  L.push("## Validation: which suite got worse", "")
  const ds = deltas(r)
  const worse = ds.filter((d) => d.worse)
  if (worse.length === 0) L.push("None: on the validation split the tuned record is no worse than the defaults on every suite tuned for.")
  for (const d of worse) {
    L.push(`- **${d.suite}** got worse by ${fix(d.shareTuned - d.shareDefaults)} (its objective share ${fix(d.shareDefaults)} → ${fix(d.shareTuned)}): ${d.why}.`)
  }
  for (const d of ds.filter((x) => !x.worse)) {
    L.push(`- ${d.suite}: ${fix(d.shareDefaults)} → ${fix(d.shareTuned)} (loss ${fix(d.lossDefaults)} → ${fix(d.lossTuned)}${d.lossTuned < d.lossDefaults ? `, ${pct(d.lossDefaults - d.lossTuned)} better` : ""}).`)
  }
  L.push("")
  const ch = changed(r)
  L.push("## Tuned values that differ from the defaults", "")
  if (ch.length === 0) L.push("None (the search found nothing better than the defaults on train).")
  else for (const [n, a, b] of ch) L.push(`- \`${n}\`: ${showValue(n, a)} → ${showValue(n, b)}`)
  L.push("", "The full tuned record is params.json (decodable by `Params.decode`). Core defaults are not changed by this run.", "")
  return L.join("\n")
}

/** The report as data. */
export const reportJson = (r: Result, meta: Meta): Record<string, unknown> => ({
  meta,
  objective: { lambda: Objective.LAMBDA, mu: Objective.MU, nu: Objective.NU },
  space: r.space.dimensions,
  budget: r.budget,
  seed: r.seed,
  popSize: r.popSize,
  sigma0: r.sigma0,
  stops: r.stops,
  generations: r.generations,
  evaluations: r.evaluations.map((e) => ({ ...e, objective: Number.isFinite(e.objective) ? e.objective : null })),
  train: r.train,
  validation: r.validation,
  deltas: deltas(r),
  changed: changed(r).map(([name, defaults, tuned]) => ({ name, defaults, tuned })),
  secondsPerEvaluation: r.secondsPerEvaluation,
  secondsPerSuite: r.secondsPerSuite,
  validationSeconds: r.validationSeconds,
  tuned: r.tuned
})

/** Writes the report folder; returns the files written and chart warnings. */
export const writeReport = async (dir: string, r: Result, meta: Meta): Promise<{ files: Array<string>; warnings: Array<string> }> => {
  const folder = reportFolder(dir)
  folder.write("params.json", JSON.stringify(r.tuned, null, 2) + "\n")
  folder.write("report.json", JSON.stringify(reportJson(r, meta), null, 2) + "\n")
  await folder.chart("objective", objectiveChart(r))
  folder.write("report.md", markdown(r, meta))
  return { files: folder.files, warnings: folder.warnings }
}
