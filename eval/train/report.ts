/**
 * The report of `npm run train`: the policy file, report.md, report.json, and the learning curves
 * as Vega-Lite specs rendered to SVG (eval/charts.ts). Also the JSON lines of `--json` and the
 * goal of the issue, checked on the held-out figures.
 */
import path from "node:path"
import * as Controller from "../../core/Controller.ts"
import { markdownTable } from "../report.ts"
import { reportFolder } from "../charts.ts"
import type { Heldout, Result } from "./Train.ts"

export interface Meta {
  readonly command: string
  readonly suite: string
  readonly seconds: number
  readonly gitCommit: string | undefined
}

const AGENTS = ["hand", "learned", "none", "window", "rag"] as const

/**
 * The issue's goal on the held-out seeds: the learned controller recovers from rule changes in
 * fewer steps than the hand-written one and than every baseline agent, with at most the hand
 * controller's memory (nonsense graph nodes and edges at the end).
 */
export const goal = (h: Result["heldout"]) => {
  const baselines = (["none", "window", "rag"] as const).map((a) => h[a].recovery_steps)
  const fewerThanHand = h.learned.recovery_steps < h.hand.recovery_steps
  const fewerThanBaselines = baselines.every((b) => h.learned.recovery_steps < b)
  const memory = h.learned.nodes <= h.hand.nodes && h.learned.edges <= h.hand.edges
  return { fewer_steps_than_hand: fewerThanHand, fewer_steps_than_every_baseline: fewerThanBaselines, memory_at_most_hand: memory, met: fewerThanHand && fewerThanBaselines && memory }
}

/** The held-out figures as the `--json` summary writes them. */
const heldoutJson = (h: Result["heldout"]) => Object.fromEntries(AGENTS.map((a) => [a, h[a]]))

/** The policy file (`Controller.PolicyFile`) of a run. */
export const policyFile = (r: Result, meta: Meta): Controller.PolicyFile => ({
  format: Controller.FORMAT,
  policy: { spec: r.policy.spec, theta: r.policy.theta },
  trained: {
    suite: meta.suite, seed: r.settings.seed, quick: r.settings.quick, iterations: r.settings.iterations,
    chosenIteration: r.chosenIteration, command: meta.command, gitCommit: meta.gitCommit ?? null,
    heldoutSeeds: r.seeds.heldout, heldout: heldoutJson(r.heldout)
  }
})

/** The `--json` lines: one per iteration, one per validation, the last the summary. */
export const jsonLines = (r: Result, meta: Meta, out: string): Array<string> => [
  ...r.curve.map((c) => JSON.stringify({ kind: "iteration", ...c })),
  ...r.validation.map((v) => JSON.stringify({ kind: "validation", ...v })),
  JSON.stringify({
    heldout: heldoutJson(r.heldout),
    goal: goal(r.heldout),
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
  data: {
    values: r.validation.flatMap((v) => [
      { iteration: v.iteration, value: v.recoverySteps, what: "nonsense recovery steps" },
      { iteration: v.iteration, value: v.mazeSteps, what: "maze steps / episode" },
      { iteration: v.iteration, value: v.kitchenSteps, what: "kitchen steps / episode" },
      { iteration: v.iteration, value: v.nodes, what: "nonsense graph nodes" }
    ])
  },
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

const f2 = (x: number): string => x.toFixed(2)

/** report.md. */
export const markdown = (r: Result, meta: Meta): string => {
  const h = r.heldout
  const g = goal(h)
  const row = (a: (typeof AGENTS)[number], x: Heldout) => [
    a, f2(x.recovery_steps), f2(x.recovered_fraction), f2(x.score), f2(x.maze_steps_per_episode), f2(x.kitchen_steps_per_episode),
    x.nodes.toFixed(1), x.edges.toFixed(0), x.nodes_all_worlds.toFixed(1)
  ]
  const s = r.settings
  return [
    `# Memory controller trained with GRPO (${meta.suite}, seed ${s.seed}${s.quick ? ", quick" : ""})`,
    "",
    `Command: \`${meta.command}\` (${meta.seconds.toFixed(0)} s${meta.gitCommit === undefined ? "" : `, commit ${meta.gitCommit}`}).`,
    "",
    `GRPO: ${s.iterations} iterations × ${s.situations} situations × ${s.group} rollouts; ${s.sampled} sampled steps then greedy to ${s.horizon} steps after the branch;`,
    `${s.epochs} Adam steps (lr ${s.adam.lr}) per iteration; clip ε ${s.grpo.clip}, KL β ${s.grpo.beta}; reference policy: the hand-written controller with probability ${s.handPrior} per decision.`,
    `Chosen checkpoint: iteration ${r.chosenIteration} (best on the validation seeds ${r.seeds.validation.join(", ")}).`,
    "",
    `## Held-out seeds (${r.seeds.heldout.join(", ")})`,
    "",
    markdownTable(
      ["agent", "nonsense recovery steps", "recovered", "nonsense score", "maze steps/ep", "kitchen steps/ep", "nodes", "edges", "nodes, 3 worlds"],
      AGENTS.map((a) => row(a, h[a])),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r"]
    ),
    "",
    `hand = the MAGS agent with the hand-written controller; learned = the same agent with the trained policy's greedy decisions; none / window / rag = the baseline agents of the games suite (for them nodes = stored items, edges 0).`,
    "",
    `Goal (learned recovers in fewer steps than hand and every baseline, memory at most hand's): **${g.met ? "met" : "missed"}** — ` +
    `fewer than hand: ${g.fewer_steps_than_hand}; fewer than every baseline: ${g.fewer_steps_than_every_baseline}; memory at most hand's: ${g.memory_at_most_hand}.`,
    "",
    `How often the learned controller chose other than the hand action on the held-out games: ` +
    Controller.HEADS.map((x) => `${x.name} ${(100 * (r.heldoutDeviation[x.name] ?? 0)).toFixed(1)}%`).join(", ") + ".",
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
  folder.write("report.json", JSON.stringify({ settings: r.settings, chosenIteration: r.chosenIteration, curve: r.curve, validation: r.validation, heldout: r.heldout, goal: goal(r.heldout), heldoutDeviation: r.heldoutDeviation, seeds: r.seeds, meta }, null, 2) + "\n")
  await folder.chart("curve", curveChart(r))
  await folder.chart("validation", validationChart(r))
  await folder.chart("deviation", deviationChart(r))
  folder.write("report.md", markdown(r, meta))
  return { files: folder.files, warnings: folder.warnings }
}
