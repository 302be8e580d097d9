/**
 * The AriGraph replay suite (issue 4, deliverable 5).
 *
 * Reads the AriGraph TextWorld agent logs (`../shared/data/arigraph/{hunt,cook,clean}.log`, or
 * one file given with `--data`), replays every attempt through the pure core as events
 * (`ReplayRun.ts`), and measures:
 * - agreement of our `reconcile` decisions (`loser → winner`) with the run's labelled
 *   `Outdated triplets` pairs, both put in the core's relation vocabulary (`Relation.normalize`):
 *   `replacement_precision` / `_recall` / `_f1` (both sides must match) and `outdated_*` (the
 *   ended fact alone must match) — see `Metrics.ts` — per game (hunt / cook / clean) and
 *   overall, with the reason for every missed label (`missed_<reason>`, {@link missReason}) and
 *   every unmatched decision (`unmatched_*`);
 * - our graph's size per step against the run's `Graph:` (hunt, cook) and against the run's
 *   extracted graph reconstructed from the log (`New triplets` minus outdated olds; all games);
 * - `replay_identical`: folding our encoded events with `Replay.replay` gives the live graph's
 *   `contentHash` (1 when every attempt does, else 0).
 *
 * Systems:
 * - `mags`: `Params.defaults` (the core's default single-valued relations);
 * - `mags+relations`: the defaults plus {@link LOCATIVE_RELATIONS}, chosen from relation
 *   semantics (a physical thing is in one place, in one state, at a time) before any scoring,
 *   never tuned on the labels. Since the core folds the locative phrases into its `located_in`
 *   family (already single-valued), only `state` is new: kept as a reference row;
 * - `arigraph`: the run's own graph sizes (no conflict metrics: its labels are the reference).
 * Per-game rows carry the game after a colon (`replacement_f1:hunt`); rows without one are
 * micro-averaged (pair metrics) or averaged over attempts (sizes) over all games.
 */
import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import * as Params from "../../../core/Params.ts"
import * as Relation from "../../../core/Relation.ts"
import type { Chart, Row, Suite, SuiteOptions, SuiteResult } from "../../Suite.ts"
import { micro, type Pair, type Score, scoreOutdated, scorePairs, slotOf, usefulLabels } from "./Metrics.ts"
import { type Log, parseLog } from "./Parse.ts"
import { type AttemptReplay, replayAttempt } from "./ReplayRun.ts"

/**
 * Relations added to the single-valued list for `mags+relations`: locative relations of a
 * physical object (it is on/in/at one place at a time) and state. Normalised relation keys.
 * Fixed from the relations' meaning before scoring; not tuned on the labels.
 */
export const LOCATIVE_RELATIONS: ReadonlyArray<string> = [
  "is_on", "are_on", "are_in", "is_inside", "is_at", "is_located_in", "is_located_on", "lies_on", "is_lying_on",
  "sits_on", "is_placed_on", "is_placed_in", "is_under", "state"
]

/** The configurations compared. */
export const SYSTEMS: ReadonlyArray<{ readonly name: string; readonly params: Params.Params }> = [
  { name: "mags", params: Params.defaults },
  {
    name: "mags+relations",
    params: Params.unsafeMake({ singleValued: [...new Set([...Params.defaultSingleValued, ...LOCATIVE_RELATIONS])] })
  }
]

export const GAMES: ReadonlyArray<string> = ["hunt", "cook", "clean"]

/** Steps between decay + prune. */
export const MAINTENANCE_EVERY = 10

/** One game's log and every system's replays of its attempts. */
export interface GameRun {
  readonly game: string
  readonly log: Log
  readonly replays: ReadonlyMap<string, ReadonlyArray<AttemptReplay>>
}

/** Replays one parsed log under every system. */
export const runGame = (game: string, log: Log, quick: boolean): GameRun => {
  const attempts = quick ? log.attempts.slice(0, 1) : log.attempts
  const replays = new Map<string, ReadonlyArray<AttemptReplay>>()
  for (const sys of SYSTEMS) {
    replays.set(
      sys.name,
      attempts.map((a) =>
        replayAttempt(game, a, { params: sys.params, maintenanceEvery: MAINTENANCE_EVERY, ...(quick ? { maxSteps: 40 } : {}) })
      )
    )
  }
  return { game, log, replays }
}

/** The useful labelled pairs of one attempt, each once. */
const distinctLabels = <P extends Pair>(labelled: ReadonlyArray<P>): Array<P> => {
  const seen = new Map<string, P>()
  for (const p of labelled) if (usefulLabels([p]).length > 0) seen.set(p.old + " -> " + p.replacement, p)
  return [...seen.values()]
}

/** Our distinct decisions whose reverse (`winner → loser`) is a labelled pair. */
const reversedPairs = (a: AttemptReplay): number => {
  const labelled = new Set(distinctLabels(a.labelled).map((p) => p.old + " -> " + p.replacement))
  return new Set(a.predicted.map((p) => p.replacement + " -> " + p.old).filter((k) => labelled.has(k))).size
}

const relationOf = (key: string): string => key.split("|")[1] ?? ""

/** Whether a pair stays in one slot (same subject and canonical relation): what a slot-based reconcile can see. */
export const isSameSlot = (p: Pair): boolean => slotOf(p.old) === slotOf(p.replacement)

/** Why a labelled pair was not matched by any of our decisions (first reason that applies). */
export type MissReason =
  | "other_subject" | "other_relation" | "old_not_told" | "replacement_not_told" | "not_single_valued"
  | "old_ended_by_other" | "replacement_ended" | "no_decision"

export const MISS_REASONS: ReadonlyArray<MissReason> = [
  "other_subject", "other_relation", "old_not_told", "replacement_not_told", "not_single_valued",
  "old_ended_by_other", "replacement_ended", "no_decision"
]

/**
 * The reason a label was missed, given the attempt's replay (pure):
 * - `other_subject` / `other_relation`: after canonicalisation the two facts are in different
 *   slots (a slot-based reconcile never compares them);
 * - `old_not_told` / `replacement_not_told`: that fact was never among the attempt's `New
 *   triplets` (the run's LLM labelled a fact it never extracted, or worded it differently);
 * - `not_single_valued`: one slot, but its relation is neither in `Params.singleValued` nor
 *   learned from a change cue;
 * - `old_ended_by_other`: we ended the old fact, but by another winner;
 * - `replacement_ended`: we ended the replacement (it lost, or came first and was replaced);
 * - `no_decision`: one single-valued slot, both told, no decision between them (e.g. the
 *   replacement was told before the old fact and stays current beside it... or support held).
 */
export const missReason = (label: Pair, a: AttemptReplay, single: Relation.SingleValuedSet): MissReason => {
  const [s1, r1] = label.old.split("|")
  const [s2, r2] = label.replacement.split("|")
  if (s1 !== s2) return "other_subject"
  if (r1 !== r2) return "other_relation"
  if (!a.told.has(label.old)) return "old_not_told"
  if (!a.told.has(label.replacement)) return "replacement_not_told"
  if (!single.has(r1!) && !a.learned.includes(r1!)) return "not_single_valued"
  if (a.predicted.some((p) => p.old === label.old)) return "old_ended_by_other"
  if (a.predicted.some((p) => p.old === label.replacement)) return "replacement_ended"
  return "no_decision"
}

/** Why one of our decisions matched no label: the run ended the same fact by another, or never ended it. */
export const unmatchedReason = (p: Pair, labels: ReadonlyArray<Pair>): "old_labelled_other" | "old_unlabelled" =>
  labels.some((l) => l.old === p.old) ? "old_labelled_other" : "old_unlabelled"

const countBy = (xs: ReadonlyArray<string>): string =>
  [...xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>())]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ${n}`)
    .join(", ") || "none"

const mean = (xs: ReadonlyArray<number>): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length)

const fmt = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : "n/a")

/** Everything the rows, charts and notes are built from (pure: a function of the logs). */
export const evaluate = (runs: ReadonlyArray<GameRun>): SuiteResult => {
  const rows: Array<Row> = []
  const row = (system: string, metric: string, value: number): void => {
    if (Number.isFinite(value)) rows.push({ suite: "arigraph", system, metric, value })
  }
  const notes: Array<string> = []
  const scopes: Array<{ suffix: string; runs: ReadonlyArray<GameRun> }> = [
    ...runs.map((r) => ({ suffix: ":" + r.game, runs: [r] })),
    { suffix: "", runs }
  ]

  // ── the data ──
  for (const { suffix, runs: rs } of scopes) {
    const attempts = rs.flatMap((r) => r.replays.get(SYSTEMS[0]!.name) ?? [])
    const steps = rs.flatMap((r) => r.log.attempts.flatMap((a) => a.steps))
    // the labels as scored: useful (two different sides), deduplicated within each attempt
    const labels = attempts.flatMap((a) => distinctLabels(a.labelled))
    const sameSlot = labels.filter(isSameSlot).length
    row("data", "attempts" + suffix, attempts.length)
    row("data", "steps" + suffix, attempts.reduce((n, a) => n + a.steps, 0))
    row("data", "new_triplets" + suffix, steps.reduce((n, s) => n + s.newTriplets.length, 0))
    row("data", "labelled_pairs" + suffix, labels.length)
    // labels whose two sides are one canonical fact (a rewording): dropped from scoring
    row("data", "labels_reworded" + suffix, attempts.reduce((n, a) => n + new Set(a.labelled.filter((p) => p.old === p.replacement).map((p) => p.old)).size, 0))
    row("data", "label_same_slot_share" + suffix, labels.length === 0 ? Number.NaN : sameSlot / labels.length)
    row("data", "malformed_sections" + suffix, rs.reduce((n, r) => n + r.log.malformed.length, 0))
    row("data", "navigation_steps_skipped" + suffix, rs.reduce((n, r) => n + r.log.navigationSteps, 0))
  }

  // ── our systems ──
  const summary: Array<string> = []
  const misses: Array<string> = []
  for (const sys of SYSTEMS) {
    for (const { suffix, runs: rs } of scopes) {
      const attempts = rs.flatMap((r) => r.replays.get(sys.name) ?? [])
      const pairs: Array<Score> = attempts.map((a) => scorePairs(a.predicted, a.labelled))
      const losers: Array<Score> = attempts.map((a) => scoreOutdated(a.predicted, a.labelled))
      const p = micro(pairs)
      const o = micro(losers)
      row(sys.name, "replacement_precision" + suffix, p.precision)
      row(sys.name, "replacement_recall" + suffix, p.recall)
      row(sys.name, "replacement_f1" + suffix, p.f1)
      row(sys.name, "predicted_pairs" + suffix, p.predicted)
      row(sys.name, "matched_pairs" + suffix, p.tp)
      row(sys.name, "outdated_precision" + suffix, o.precision)
      row(sys.name, "outdated_recall" + suffix, o.recall)
      row(sys.name, "outdated_f1" + suffix, o.f1)
      const single = Relation.singleValuedSet(sys.params.singleValued)
      const reasons = new Map<string, number>()
      for (const a of attempts) {
        const predictedKeys = new Set(a.predicted.map((x) => x.old + " -> " + x.replacement))
        const labels = distinctLabels(a.labelled)
        for (const l of labels) {
          if (predictedKeys.has(l.old + " -> " + l.replacement)) continue
          const k = "missed_" + missReason(l, a, single)
          reasons.set(k, (reasons.get(k) ?? 0) + 1)
        }
        const labelKeys = new Set(labels.map((l) => l.old + " -> " + l.replacement))
        for (const k of predictedKeys) {
          if (labelKeys.has(k)) continue
          const [old, replacement] = k.split(" -> ") as [string, string]
          const r = "unmatched_" + unmatchedReason({ old, replacement }, labels)
          reasons.set(r, (reasons.get(r) ?? 0) + 1)
        }
      }
      for (const m of [...MISS_REASONS.map((x) => "missed_" + x), "unmatched_old_labelled_other", "unmatched_old_unlabelled"]) {
        row(sys.name, m + suffix, reasons.get(m) ?? 0)
      }
      misses.push(
        `| ${sys.name} | ${suffix === "" ? "all" : suffix.slice(1)} | ` +
          MISS_REASONS.map((x) => reasons.get("missed_" + x) ?? 0).join(" | ") +
          ` | ${reasons.get("unmatched_old_labelled_other") ?? 0} | ${reasons.get("unmatched_old_unlabelled") ?? 0} |`
      )
      row(sys.name, "rejected_new_claims" + suffix, attempts.reduce((n, a) => n + a.predicted.filter((x) => x.rejected).length, 0))
      row(sys.name, "reversed_pairs" + suffix, attempts.reduce((n, a) => n + reversedPairs(a), 0))
      const identical = attempts.every((a) => a.replayHash !== null && a.replayHash === a.liveHash)
      row(sys.name, "replay_identical" + suffix, identical ? 1 : 0)
      row(sys.name, "events" + suffix, attempts.reduce((n, a) => n + a.events.length, 0))
      const finals = attempts.map((a) => a.sizes[a.sizes.length - 1]).filter((s) => s !== undefined)
      row(sys.name, "final_nodes" + suffix, mean(finals.map((s) => s.nodes)))
      row(sys.name, "final_edges" + suffix, mean(finals.map((s) => s.edges)))
      row(sys.name, "final_semantic_nodes" + suffix, mean(finals.map((s) => s.semanticNodes)))
      row(sys.name, "final_current_facts" + suffix, mean(finals.map((s) => s.currentFacts)))
      const errors = attempts.filter((a) => a.replayError !== null)
      if (errors.length > 0) notes.push(`${sys.name}${suffix}: replay failed: ${errors.map((a) => a.replayError).join("; ")}`)
      summary.push(
        `| ${sys.name} | ${suffix === "" ? "all" : suffix.slice(1)} | ${fmt(p.precision)} | ${fmt(p.recall)} | ${fmt(p.f1)} | ` +
          `${p.tp}/${p.predicted}/${p.labelled} | ${fmt(o.f1)} | ${identical ? 1 : 0} |`
      )
    }
  }

  // ── the run's own graph ──
  for (const { suffix, runs: rs } of scopes) {
    const attempts = rs.flatMap((r) => r.replays.get(SYSTEMS[0]!.name) ?? [])
    const finals = attempts.map((a) => a.sizes[a.sizes.length - 1]).filter((s) => s !== undefined)
    const withGraph = finals.filter((s) => s.runTriplets !== null)
    if (withGraph.length === finals.length) {
      row("arigraph", "final_edges" + suffix, mean(withGraph.map((s) => s.runTriplets!)))
      row("arigraph", "final_nodes" + suffix, mean(withGraph.map((s) => s.runNodes!)))
    }
    row("arigraph", "final_edges_reconstructed" + suffix, mean(finals.map((s) => s.reconstructedTriplets)))
    row("arigraph", "final_nodes_reconstructed" + suffix, mean(finals.map((s) => s.reconstructedNodes)))
    const only = attempts.map((a) => a.runGraphOnly).filter((x): x is number => x !== null)
    if (only.length === attempts.length && only.length > 0) row("arigraph", "graph_only_triplets" + suffix, mean(only))
  }

  // decisions where the arriving claim lost (over both systems, all games): read by the note below
  const rejectedAll = SYSTEMS.reduce(
    (n, sys) => n + runs.flatMap((r) => r.replays.get(sys.name) ?? []).reduce((m, a) => m + a.predicted.filter((x) => x.rejected).length, 0),
    0
  )

  // where the decisions disagree with the labels, by relation (over all games)
  const disagreements: Array<string> = []
  for (const sys of SYSTEMS) {
    const fp: Array<string> = []
    const missedInSlot: Array<string> = []
    for (const a of runs.flatMap((r) => r.replays.get(sys.name) ?? [])) {
      const labels = distinctLabels(a.labelled)
      const labelled = new Set(labels.map((p) => p.old + " -> " + p.replacement))
      const predicted = new Set(a.predicted.map((p) => p.old + " -> " + p.replacement))
      for (const k of predicted) if (!labelled.has(k)) fp.push(relationOf(k))
      for (const p of labels) if (isSameSlot(p) && !predicted.has(p.old + " -> " + p.replacement)) missedInSlot.push(relationOf(p.old))
    }
    disagreements.push(
      `\`${sys.name}\`: unlabelled decisions by relation: ${countBy(fp)}; missed same-slot labels by relation: ${countBy(missedInSlot)}.`
    )
  }

  const withGraph = runs.filter((r) => (r.replays.get(SYSTEMS[0]!.name) ?? []).every((a) => a.runGraphOnly !== null))

  notes.push(
    "Replay of the AriGraph TextWorld agent logs (AIRI-Institute/AriGraph, `logs/*_arigraph.txt`, MIT) through the " +
      "pure core as events: per step an `Engrammed` (the observation as the episode, the step's `New triplets` as " +
      "facts, world and system time = step index × 1 h, no embeddings: nodes match by normalised key) and a " +
      `\`Reconciled\` for the engrammed fact ids; every ${MAINTENANCE_EVERY} steps a \`Decayed\` (dt = ${MAINTENANCE_EVERY} h) ` +
      "and a `Pruned` (default thresholds). Each attempt is a fresh memory (the run's own graph restarts per attempt). " +
      "`mags` uses the core's default single-valued relations; `mags+relations` adds locative/state relations " +
      `(${LOCATIVE_RELATIONS.join(", ")}), fixed from their meaning before scoring, not tuned on the labels.`,
    "Agreement is measured against the run's `Outdated triplets` pairs, which its own LLM produced: noisy labels, " +
      "not ground truth (some replace a fact by an unrelated one). Both sides of a label and both facts of our decision " +
      "are put in the core's relation vocabulary (`Relation.normalize`, the function engram applies: `is in / is on / is " +
      "at / in inventory / carried by` → `located_in`, inverse phrases turned round), and a decision matches a label when " +
      "its loser and winner ARE the label's outdated and replacement facts after that; a label whose two sides are one " +
      "canonical fact (a rewording) says nothing and is dropped (`labels_reworded`). Compared per attempt as sets; " +
      "`replacement_*` needs both sides, `outdated_*` only the ended fact. Rows with a `:game` suffix are per game " +
      "(hunt / cook / clean); the others micro-average all attempts.",
    "| system | game | replacement P | R | F1 | matched/predicted/labelled | outdated F1 | replay identical |\n" +
      "|---|---|---|---|---|---|---|---|\n" +
      summary.join("\n"),
    "Why labels are missed (`missed_<reason>` rows; first reason that applies) and why decisions match no label " +
      "(`unmatched_*`): `other_subject` / `other_relation` — after canonicalisation the two facts are in different " +
      "slots, which a slot-based reconcile never compares (e.g. `kitchen, contains, knife → knife, is in, inventory`: " +
      "`contain` is not read as the inverse of `located_in` by the core's lexicon); `old_not_told` / " +
      "`replacement_not_told` — the run labelled a fact that was never among its `New triplets`; `not_single_valued` — " +
      "one slot whose relation is not single-valued (listed or learned); `old_ended_by_other` — we ended the old fact " +
      "by another winner; `replacement_ended` — we ended the replacement; `no_decision` — one single-valued slot, both " +
      "told, no decision. `unmatched_old_labelled_other` — the run ended the same fact by another replacement; " +
      "`unmatched_old_unlabelled` — the run never labelled that fact outdated.\n" +
      `| system | game | ${MISS_REASONS.join(" | ")} | unmatched: old labelled other | unmatched: old unlabelled |\n` +
      `|---|---|${MISS_REASONS.map(() => "---").join("|")}|---|---|\n` +
      misses.join("\n"),
    disagreements.join(" ") +
      " `rejected_new_claims` counts decisions where the claim that just arrived lost to an older fact whose support " +
      "(confidence × (1 + ln(1 + sources)) × weight term) exceeds it by more than `supportMargin` " +
      `(the default, ${Params.defaults.supportMargin}): here ${rejectedAll} such decision(s) over both systems and all games` +
      (rejectedAll > 0
        ? " — an older state observed in enough steps beats a single newer observation, so a genuine move can be refused"
        : "") +
      "; `reversed_pairs` counts our decisions that are exactly a label turned round.",
    "Graph size: ours counts current facts (not superseded) and semantic nodes; the run's `Graph:` (hunt, cook; " +
      "`clean.log` has none) also holds spatial links AriGraph derives from its own moves (`room b, is west of, room a`), " +
      "which never appear in `New triplets` (`graph_only_triplets`), so it is larger than what we are given. " +
      "`final_edges_reconstructed` rebuilds the run's extracted graph from the log (`New triplets` minus labelled olds), " +
      "the like-for-like comparison for all three games. Our total `final_edges` also counts superseded history, episode " +
      "mentions and Hebbian associations. Final sizes are means over attempts." +
      (withGraph.length > 0 ? ` Games with a run graph: ${withGraph.map((r) => r.game).join(", ")}.` : "")
  )
  const malformed = runs.flatMap((r) => r.log.malformed.map((m) => `${r.game}.log:${m.line} ${m.section}: ${m.reason}`))
  if (malformed.length > 0) notes.push(`Malformed sections (skipped, counted in \`malformed_sections\`): ${malformed.slice(0, 10).join("; ")}${malformed.length > 10 ? ` … (${malformed.length} in all)` : ""}.`)

  return { rows, charts: charts(runs), notes }
}

/** The charts: graph size over steps (ours vs the run's), and the agreement per game. */
export const charts = (runs: ReadonlyArray<GameRun>): Array<Chart> => {
  const edges: Array<Record<string, unknown>> = []
  const nodes: Array<Record<string, unknown>> = []
  for (const r of runs) {
    for (const sys of SYSTEMS) {
      for (const a of r.replays.get(sys.name) ?? []) {
        for (const s of a.sizes) {
          const base = { game: r.game, attempt: a.attempt, step: s.step }
          edges.push({ ...base, series: `${sys.name}: current facts`, value: s.currentFacts })
          nodes.push({ ...base, series: `${sys.name}: semantic nodes`, value: s.semanticNodes })
          if (sys === SYSTEMS[0]) {
            if (s.runTriplets !== null) edges.push({ ...base, series: "arigraph: Graph triplets", value: s.runTriplets })
            if (s.runNodes !== null) nodes.push({ ...base, series: "arigraph: Graph nodes", value: s.runNodes })
            edges.push({ ...base, series: "arigraph: extracted (reconstructed)", value: s.reconstructedTriplets })
            nodes.push({ ...base, series: "arigraph: extracted nodes (reconstructed)", value: s.reconstructedNodes })
          }
        }
      }
    }
  }
  const sizeSpec = (values: Array<Record<string, unknown>>, y: string) => ({
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    data: { values },
    facet: { row: { field: "game", type: "nominal" }, column: { field: "attempt", type: "ordinal" } },
    spec: {
      width: 220,
      height: 140,
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: {
        x: { field: "step", type: "quantitative", title: "step" },
        y: { field: "value", type: "quantitative", title: y },
        color: { field: "series", type: "nominal", legend: { orient: "bottom", columns: 2 } }
      }
    },
    resolve: { scale: { x: "independent", y: "independent" } }
  })
  const agreement: Array<Record<string, unknown>> = []
  for (const sys of SYSTEMS) {
    for (const r of runs) {
      const s = micro((r.replays.get(sys.name) ?? []).map((a) => scorePairs(a.predicted, a.labelled)))
      for (const [metric, value] of [["precision", s.precision], ["recall", s.recall], ["F1", s.f1]] as const) {
        agreement.push({ system: sys.name, game: r.game, metric, value })
      }
    }
  }
  return [
    {
      name: "arigraph-facts-over-steps",
      title: "AriGraph replay: facts over steps, ours (current facts) vs the run's graph",
      spec: sizeSpec(edges, "facts / triplets")
    },
    {
      name: "arigraph-nodes-over-steps",
      title: "AriGraph replay: semantic nodes over steps, ours vs the run's graph",
      spec: sizeSpec(nodes, "nodes")
    },
    {
      name: "arigraph-replacement-agreement",
      title: "Agreement with the run's labelled replacements (noisy labels)",
      spec: {
        $schema: "https://vega.github.io/schema/vega-lite/v6.json",
        data: { values: agreement },
        width: 160,
        height: 160,
        mark: "bar",
        encoding: {
          column: { field: "game", type: "nominal" },
          x: { field: "metric", type: "nominal", sort: ["precision", "recall", "F1"], title: null },
          xOffset: { field: "system", type: "nominal" },
          y: { field: "value", type: "quantitative", scale: { domain: [0, 1] } },
          color: { field: "system", type: "nominal" }
        }
      }
    }
  ]
}

/** The log files to read: `--data FILE`, or the three games under `<shared>/data/arigraph/`. */
export const logFiles = (options: Pick<SuiteOptions, "data" | "sharedDir">): Array<{ game: string; file: string }> | string => {
  if (options.data !== undefined) {
    if (!existsSync(options.data)) return `data file ${options.data} does not exist`
    return [{ game: path.basename(options.data).replace(/\.[^.]*$/, ""), file: options.data }]
  }
  if (options.sharedDir === undefined) return "../shared is absent: the AriGraph logs (../shared/data/arigraph/*.log) are not available"
  const dir = path.join(options.sharedDir, "data", "arigraph")
  const files = GAMES.map((game) => ({ game, file: path.join(dir, `${game}.log`) })).filter((f) => existsSync(f.file))
  if (files.length === 0) return `no AriGraph logs in ${dir}`
  return files
}

export const suite: Suite = {
  name: "arigraph",
  description:
    "Replays the AriGraph TextWorld agent logs through engram/reconcile/decay/prune as events: agreement with the run's " +
    "labelled replacements, graph size over time vs the run's, replay determinism",
  run: async (options) => {
    const files = logFiles(options)
    if (typeof files === "string") return { rows: [], charts: [], notes: [], skipped: files }
    const runs: Array<GameRun> = []
    let done = 0
    for (const f of files) {
      options.progress(`arigraph: replaying ${f.game}`, done, files.length)
      const log = parseLog(readFileSync(f.file, "utf8"))
      runs.push(runGame(f.game, log, options.quick))
      done++
      options.progress(`arigraph: ${f.game} done`, done, files.length)
    }
    return evaluate(runs)
  }
}
