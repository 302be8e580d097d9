/**
 * Goals — the issue's targets, in one table, checked against the measured rows.
 *
 * Each goal compares one row (suite, system, metric) with a fixed threshold or with other
 * systems' rows of the same suite and metric. The outcome is `met`, `missed` (with the gap: how
 * far the measured value is from the target, in the metric's own unit), `missing` (a row the
 * goal needs was not produced: the suite ran but named its figures differently or measured
 * fewer systems), or `not run` (the suite was skipped, failed, or not selected). Fractions are
 * fractions (accuracy 0.83, not 83): "+34 points" is a margin of 0.34.
 *
 * Nothing here looks at the data: the thresholds are the issue's, written once.
 */
import type { Row } from "./Suite.ts"

export type Comparison =
  /** value ≥ threshold */
  | { readonly kind: "atLeast"; readonly threshold: number }
  /** value ≥ factor × the `against` system's value (several systems: the best of them) */
  | { readonly kind: "ratioAtLeast"; readonly against: string | ReadonlyArray<string>; readonly factor: number }
  /** value > the `against` system's value */
  | { readonly kind: "greaterThan"; readonly against: string }
  /** value ≥ the `against` system's value + margin */
  | { readonly kind: "marginAtLeast"; readonly against: string; readonly margin: number }
  /**
   * value < every other system's value of the same suite and metric (lower is better); with
   * `against`, only those systems'
   */
  | { readonly kind: "lessThanEvery"; readonly against?: ReadonlyArray<string> }
  /** value ≤ the `against` system's value (lower is better: "at most as large") */
  | { readonly kind: "atMost"; readonly against: string }

export interface Goal {
  readonly id: string
  /** The issue's wording. */
  readonly text: string
  readonly suite: string
  readonly system: string
  readonly metric: string
  readonly comparison: Comparison
}

/** The issues' goals (issue 4's "Goals to report against", issues 7 and 8's targets). */
export const GOALS: ReadonlyArray<Goal> = [
  {
    id: "locomo-vs-best-single",
    text: "LoCoMo recall@10 (categories 1–4, turn level, validation conversations 5–7): MAGS as shipped, maintenance on, ≥ 1.1 × the better of BM25 and flat vector top-k (same embedder)",
    suite: "locomo",
    system: "mags",
    metric: "recall@10/validation",
    comparison: { kind: "ratioAtLeast", against: ["bm25", "vector"], factor: 1.1 }
  },
  {
    id: "locomo-maintenance",
    text: "LoCoMo recall@10 (validation): MAGS with maintenance on ≥ MAGS with maintenance off",
    suite: "locomo",
    system: "mags",
    metric: "recall@10/validation",
    comparison: { kind: "marginAtLeast", against: "mags-nodecay", margin: 0 }
  },
  {
    id: "locomo-moonshot",
    text: "LoCoMo recall@10 (validation): moonshot ≥ 0.675, the LoCoMo paper's dialog-turn recall@10 with its neural dense retriever, with no neural model",
    suite: "locomo",
    system: "mags",
    metric: "recall@10/validation",
    comparison: { kind: "atLeast", threshold: 0.675 }
  },
  {
    id: "conflicts-accuracy",
    text: "Conflict suite: accuracy ≥ 95%",
    suite: "conflicts",
    system: "mags",
    metric: "accuracy",
    comparison: { kind: "atLeast", threshold: 0.95 }
  },
  {
    id: "conflicts-history",
    text: "Conflict suite: history preserved = 1.0 (every loser of a labelled conflict kept, ended, and pointing at its labelled winner)",
    suite: "conflicts",
    system: "mags",
    metric: "history_preserved",
    comparison: { kind: "atLeast", threshold: 1 }
  },
  {
    id: "conflicts-nl-accuracy",
    text: "Conflict accuracy ≥ 0.90 on the natural-language family (sentences through the rule extractor)",
    suite: "conflicts",
    system: "mags",
    metric: "nl_accuracy",
    comparison: { kind: "atLeast", threshold: 0.9 }
  },
  ...(["hunt", "cook", "clean"] as const).map((type): Goal => ({
    id: `arigraph-f1-${type}`,
    text: `AriGraph ${type}: replacement F1 ≥ 0.5 (labels matched through the relation families)`,
    suite: "arigraph",
    system: "mags",
    metric: `replacement_f1:${type}`,
    comparison: { kind: "atLeast", threshold: 0.5 }
  })),
  {
    id: "games-recovery",
    text: "Games: MAGS recovers from rule changes in fewer steps than every baseline",
    suite: "games",
    system: "mags",
    metric: "recovery_steps",
    comparison: { kind: "lessThanEvery", against: ["none", "window", "rag"] }
  },
  {
    id: "games-learned-recovery",
    text: "Games (issue 11): the GRPO-trained memory controller recovers from rule changes in fewer steps than the hand-written one and every baseline",
    suite: "games",
    system: "mags-learned",
    metric: "recovery_steps",
    comparison: { kind: "lessThanEvery", against: ["mags", "none", "window", "rag"] }
  },
  {
    id: "games-learned-nodes",
    text: "Games (issue 11): … with at most the hand-written controller's memory (nonsense graph nodes)",
    suite: "games",
    system: "mags-learned",
    metric: "nonsense.nodes_final",
    comparison: { kind: "atMost", against: "mags" }
  },
  {
    id: "games-learned-edges",
    text: "Games (issue 11): … and edges",
    suite: "games",
    system: "mags-learned",
    metric: "nonsense.edges_final",
    comparison: { kind: "atMost", against: "mags" }
  },
  {
    id: "mcq-vs-base",
    text: "MCQ: MAGS ≥ base (2K window) + 34 points",
    suite: "mcq",
    system: "mags",
    metric: "accuracy",
    comparison: { kind: "marginAtLeast", against: "base", margin: 0.34 }
  },
  {
    id: "mcq-vs-bm25",
    text: "MCQ: MAGS ≥ the strongest baseline, BM25 RAG (issue 8; replaces issue 4's dense-RAG + 17, whose GloVe knows few made-up words)",
    suite: "mcq",
    system: "mags",
    metric: "accuracy",
    comparison: { kind: "marginAtLeast", against: "rag-bm25", margin: 0 }
  },
  {
    id: "mcq-hard-vs-bm25",
    text: "Hard MCQ (two hops, updates): MAGS ≥ BM25 RAG + 10 points",
    suite: "mcq-hard",
    system: "mags",
    metric: "accuracy",
    comparison: { kind: "marginAtLeast", against: "rag-bm25", margin: 0.1 }
  },
  {
    id: "extraction-f1",
    text: "Extraction F1 ≥ 0.8 on the labelled set (test split, LLM-free rule extractor)",
    suite: "extraction",
    system: "rules",
    metric: "f1/test",
    comparison: { kind: "atLeast", threshold: 0.8 }
  }
]

export type GoalStatus = "met" | "missed" | "missing" | "not run"

export interface GoalResult {
  readonly goal: Goal
  readonly status: GoalStatus
  /** The goal system's value, when present. */
  readonly measured: number | undefined
  /** The value it had to reach (or stay under, for lessThanEvery), when computable. */
  readonly target: number | undefined
  /** When missed: how far from the target (always ≥ 0, in the metric's unit). */
  readonly gap: number | undefined
  /** One readable sentence. */
  readonly detail: string
}

/** Formats a figure for the report: integers plainly, others with up to 4 significant digits. */
export const fmt = (x: number): string => {
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x)) return String(x)
  const a = Math.abs(x)
  if (a >= 1000) return x.toFixed(0)
  return String(Number(x.toPrecision(a >= 1 ? 4 : 3)))
}

/** Slack for the "≥" comparisons, so that 0.49 + 0.34 counts as reaching 0.83 (float rounding, not leniency). */
export const EPSILON = 1e-9

const atLeast = (value: number, target: number): boolean => value >= target - EPSILON * Math.max(1, Math.abs(target))

const rowKey = (suite: string, system: string, metric: string): string => `${suite}\u0000${system}\u0000${metric}`

/**
 * Checks every goal against the rows.
 * @param notRun suites that did not produce rows, with the reason (skipped / failed / not selected).
 */
export const checkGoals = (
  rows: ReadonlyArray<Row>,
  notRun: ReadonlyMap<string, string> = new Map(),
  goals: ReadonlyArray<Goal> = GOALS
): Array<GoalResult> => {
  const values = new Map<string, number>()
  for (const r of rows) if (!values.has(rowKey(r.suite, r.system, r.metric))) values.set(rowKey(r.suite, r.system, r.metric), r.value)
  return goals.map((goal) => {
    const reason = notRun.get(goal.suite)
    if (reason !== undefined) {
      return { goal, status: "not run", measured: undefined, target: undefined, gap: undefined, detail: `${goal.suite} not run: ${reason}` }
    }
    const get = (system: string): number | undefined => values.get(rowKey(goal.suite, system, goal.metric))
    const name = (system: string): string => `${goal.suite}/${system}/${goal.metric}`
    const missing = (what: string): GoalResult => ({ goal, status: "missing", measured: get(goal.system), target: undefined, gap: undefined, detail: `no row ${what}` })
    const measured = get(goal.system)
    if (measured === undefined) return missing(name(goal.system))
    const result = (met: boolean, target: number, gap: number, detail: string): GoalResult => ({
      goal,
      status: met ? "met" : "missed",
      measured,
      target,
      gap: met ? undefined : Math.max(0, gap),
      detail: met ? detail : `${detail}; missed by ${fmt(Math.max(0, gap))}`
    })
    const c = goal.comparison
    switch (c.kind) {
      case "atLeast":
        return result(atLeast(measured, c.threshold), c.threshold, c.threshold - measured, `${fmt(measured)} vs ≥ ${fmt(c.threshold)}`)
      case "ratioAtLeast": {
        const names = typeof c.against === "string" ? [c.against] : c.against
        let against = names[0]!
        let other = -Infinity
        for (const system of names) {
          const v = get(system)
          if (v === undefined) return missing(name(system))
          if (v > other) [against, other] = [system, v]
        }
        const target = c.factor * other
        const ratio = other === 0 ? (measured > 0 ? Infinity : 1) : measured / other
        const best = names.length > 1 ? `the best of ${names.join(", ")}: ${against}` : against
        return result(atLeast(measured, target), target, target - measured, `${fmt(measured)} vs ${c.factor} × ${best} ${fmt(other)} = ${fmt(target)} (ratio ${fmt(ratio)}×)`)
      }
      case "greaterThan": {
        const other = get(c.against)
        if (other === undefined) return missing(name(c.against))
        return result(measured > other, other, other - measured, `${fmt(measured)} vs ${c.against} ${fmt(other)}`)
      }
      case "marginAtLeast": {
        const other = get(c.against)
        if (other === undefined) return missing(name(c.against))
        const target = other + c.margin
        return result(atLeast(measured, target), target, target - measured, `${fmt(measured)} vs ${c.against} ${fmt(other)} + ${fmt(c.margin)} = ${fmt(target)} (margin ${fmt(measured - other)})`)
      }
      case "atMost": {
        const other = get(c.against)
        if (other === undefined) return missing(name(c.against))
        return result(measured <= other + EPSILON * Math.max(1, Math.abs(other)), other, measured - other, `${fmt(measured)} vs ${c.against} ${fmt(other)}`)
      }
      case "lessThanEvery": {
        const named = c.against
        if (named !== undefined) {
          const absent = named.filter((system) => get(system) === undefined)
          if (absent.length > 0) return missing(absent.map(name).join(", "))
        }
        const others = (named ?? [...new Set(rows.filter((r) => r.suite === goal.suite && r.metric === goal.metric && r.system !== goal.system).map((r) => r.system))]).map(
          (system) => ({ system, value: get(system)! })
        )
        if (others.length === 0) return missing(`${goal.suite}/<baseline>/${goal.metric} (no baseline measured)`)
        const best = others.reduce((a, b) => (b.value < a.value ? b : a))
        const notBeaten = others.filter((o) => !(measured < o.value))
        const list = others.map((o) => `${o.system} ${fmt(o.value)}`).join(", ")
        return result(
          notBeaten.length === 0,
          best.value,
          measured - best.value,
          `${fmt(measured)} vs ${list}${notBeaten.length > 0 ? ` (not below ${notBeaten.map((o) => o.system).join(", ")})` : ""}`
        )
      }
    }
  })
}
