/**
 * The report of `npm run train`: the policy file, report.md, report.json, and the learning curves
 * as Vega-Lite specs rendered to SVG (eval/charts.ts). Also the JSON lines of `--json` and the
 * goal of the issue, checked on the held-out figures.
 */
import path from "node:path"
import * as Controller from "../../core/Controller.ts"
import { markdownTable } from "../report.ts"
import { reportFolder } from "../charts.ts"
import type { Result } from "./Train.ts"

export interface Meta {
  readonly command: string
  readonly suite: string
  readonly seconds: number
  readonly gitCommit: string | undefined
}


/** The policy file (`Controller.PolicyFile`) of a run. */
export const policyFile = (r: Result, meta: Meta): Controller.PolicyFile => ({
  format: Controller.FORMAT,
  policy: { spec: r.policy.spec, theta: r.policy.theta },
  trained: {
    suite: meta.suite, seed: r.settings.seed, quick: r.settings.quick, iterations: r.settings.iterations,
    chosenIteration: r.chosenIteration, command: meta.command, gitCommit: meta.gitCommit ?? null,
    heldoutSeeds: r.seeds.heldout, heldout: r.heldout
  }
})

/** The `--json` lines: one per iteration, one per validation, the last the summary. */
export const jsonLines = (r: Result, meta: Meta, out: string): Array<string> => [
  ...r.curve.map((c) => JSON.stringify({ kind: "iteration", ...c })),
  ...r.validation.map((v) => JSON.stringify({ kind: "validation", ...v })),
  JSON.stringify({
    heldout: r.heldout,
    goal: r.goal,
    chosen_iteration: r.chosenIteration,
    learned_deviation: r.heldoutDeviation,
    seeds: r.seeds,
    suite: meta.suite,
    seed: r.settings.seed,
    quick: r.settings.quick,
    seconds: meta.seconds,
    policy: path.join(out, "policy.json"),
    out
  })
]

const curveChart = (r: Result): Record<string, unknown> => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "GRPO: mean rollout return and KL to the reference policy per iteration",
  data: { values: r.curve.flatMap((c) => [{ iteration: c.iteration, value: c.meanReturn, what: "mean return" }, { iteration: c.iteration, value: c.kl, what: "KL(π‖π_ref)" }]) },
  facet: { row: { field: "what", type: "nominal" } },
  spec: { width: 560, height: 160, mark: "line", encoding: { x: { field: "iteration", type: "quantitative" }, y: { field: "value", type: "quantitative" } } },
  resolve: { scale: { y: "independent" } }
})

const validationChart = (r: Result): Record<string, unknown> => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "Greedy controller on the validation seeds (iteration 0 = the hand-written controller)",
  data: { values: r.validation.flatMap((v) => Object.entries(v.figures).map(([what, value]) => ({ iteration: v.iteration, value, what }))) },
  facet: { row: { field: "what", type: "nominal" } },
  spec: { width: 560, height: 120, mark: { type: "line", point: true }, encoding: { x: { field: "iteration", type: "quantitative" }, y: { field: "value", type: "quantitative", scale: { zero: false } } } },
  resolve: { scale: { y: "independent" } }
})

const deviationChart = (r: Result): Record<string, unknown> => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "Sampled decisions that differ from the hand-written controller, per decision",
  width: 560,
  height: 220,
  data: { values: r.curve.flatMap((c) => Object.entries(c.deviation).map(([head, v]) => ({ iteration: c.iteration, head, fraction: v }))) },
  mark: "line",
  encoding: { x: { field: "iteration", type: "quantitative" }, y: { field: "fraction", type: "quantitative" }, color: { field: "head", type: "nominal" } }
})


/** report.md. */
export const markdown = (r: Result, meta: Meta): string => {
  const h = r.heldout
  const agents = Object.keys(h)
  const metrics = [...new Set(agents.flatMap((a) => Object.keys(h[a]!)))]
  const cell = (a: string, m: string) => (h[a]![m] === undefined ? "" : Number.isInteger(h[a]![m]) ? String(h[a]![m]) : h[a]![m]!.toFixed(3))
  const s = r.settings
  const goals = Object.entries(r.goal).filter(([k]) => k !== "met").map(([k, v]) => `${k.replace(/_/g, " ")}: ${v}`).join("; ")
  return [
    `# Memory controller trained with GRPO (${meta.suite}, seed ${s.seed}${s.quick ? ", quick" : ""})`,
    "",
    `Command: \`${meta.command}\` (${meta.seconds.toFixed(0)} s${meta.gitCommit === undefined ? "" : `, commit ${meta.gitCommit}`}).`,
    "",
    `GRPO: ${s.iterations} iterations × ${s.situations} situations × ${s.group} rollouts; ${s.sampled} sampled steps then greedy to ${s.horizon} steps after the branch;`,
    `${s.epochs} Adam steps (lr ${s.adam.lr}) per iteration; clip ε ${s.grpo.clip}, KL β ${s.grpo.beta}, advantages divided by max(std, ${s.grpo.stdFloor}); reference policy: the hand-written controller with probability ${s.handPrior} per decision.`,
    `Chosen checkpoint: iteration ${r.chosenIteration} (best on the validation ${r.seeds.validation.length > 0 ? `seeds ${r.seeds.validation.join(", ")}` : "split"}).`,
    "",
    r.seeds.heldout.length > 0 ? `## Held-out seeds (${r.seeds.heldout.join(", ")})` : "## Held-out",
    "",
    markdownTable(["agent", ...metrics], agents.map((a) => [a, ...metrics.map((m) => cell(a, m))]), ["l", ...metrics.map(() => "r" as const)]),
    "",
    `hand = the MAGS memory under the hand-written controller; learned = the same memory under the trained policy's greedy decisions; the others are the suite's baselines.`,
    "",
    `Goal: **${r.goal.met ? "met" : "missed"}** — ${goals}.`,
    "",
    `How often the learned controller chose other than the hand action on the held-out seeds: ` +
    Controller.HEADS.filter((x) => r.heldoutDeviation[x.name] !== undefined).map((x) => `${x.name} ${(100 * r.heldoutDeviation[x.name]!).toFixed(1)}%`).join(", ") + ".",
    "",
    "## Learning curves",
    "",
    "![learning curve](charts/curve.svg)",
    "",
    "![validation](charts/validation.svg)",
    "",
    "![deviation](charts/deviation.svg)",
    ""
  ].join("\n")
}

/** Writes the report folder; returns the files written and chart warnings. */
export const writeReport = async (dir: string, r: Result, meta: Meta): Promise<{ files: Array<string>; warnings: Array<string> }> => {
  const folder = reportFolder(dir)
  folder.write("policy.json", JSON.stringify(policyFile(r, meta), null, 1) + "\n")
  folder.write("report.json", JSON.stringify({ settings: r.settings, chosenIteration: r.chosenIteration, curve: r.curve, validation: r.validation, heldout: r.heldout, goal: r.goal, heldoutDeviation: r.heldoutDeviation, seeds: r.seeds, meta }, null, 2) + "\n")
  await folder.chart("curve", curveChart(r))
  await folder.chart("validation", validationChart(r))
  await folder.chart("deviation", deviationChart(r))
  folder.write("report.md", markdown(r, meta))
  return { files: folder.files, warnings: folder.warnings }
}
