/**
 * Evaluate — runs a labelled case through the pure core and scores the outcomes.
 *
 * Per case, on a fresh graph: every statement is engrammed in order (one episode per statement,
 * its subject and object labels with embeddings when the system has an embedder, as the shell's
 * MAGS loop does), and `Reconcile.reconcile` is run right after on the ids the engram returned.
 * The decisions (`changes.superseded`) and the final graph are then compared with the label.
 *
 * What is measured (see {@link score}):
 * - conflict **detection**: predicted = at least one supersession happened in the case;
 *   `accuracy` = (TP + TN) / N, `precision` = TP / (TP + FP), `recall` = TP / (TP + FN);
 * - `winner_accuracy`, over the labelled conflicts that were detected: the expected winner is
 *   not superseded and every expected loser is superseded;
 * - `history_preserved` (the strict metric), over ALL labelled conflicts: every loser the label
 *   names is still in the graph, in its slot (`LiquidGraph.slot`), ended (`validUntil` set) and
 *   pointing at the winner the label names (`supersededBy` = that statement's edge id). A missed
 *   conflict, a wrong winner, a loser deleted or left current all count as history not kept, so
 *   it does not hold by construction; `history_preserved_detected` is the same over the labelled
 *   conflicts that were detected (at least one supersession in the case);
 * - `history_intact`, over the system's own supersessions: the loser is still in its slot with
 *   `validUntil` set and `supersededBy` = the reported winner (nothing silently lost — this one
 *   holds by the core's construction and is kept as a regression check, not as the goal);
 * - `interval_exact`, over labels that say when the loser's validity ends: it ends then;
 * - `strict_accuracy`: the case is handled entirely right — a non-conflict has no supersession
 *   and its look-alike subjects stay distinct nodes; a conflict is detected, with the right
 *   winner, history preserved, and no supersession of a statement the label keeps current.
 */
import { Engram, LiquidGraph, type Params, Reconcile } from "../../../core/index.ts"
import * as Relation from "../../../core/Relation.ts"
import type { Case, Label } from "./Cases.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** A label → embedding function (undefined: no vector for this label). */
export type Embed = (label: string) => ReadonlyArray<number> | undefined

/** A configuration of the memory under test. */
export interface System {
  readonly name: string
  readonly params: Params.Params
  readonly embed: Embed | undefined
}

/** What happened to one case. */
export interface Outcome {
  readonly id: string
  /** A triple family (`Cases.FAMILIES`) or `natural` (sentences through the extractor). */
  readonly family: string
  readonly kind: string
  /** Canonical relation (`Relation.canon`). */
  readonly relation: string
  /** Whether the relation is single-valued in the world (ground truth). */
  readonly singleValued: boolean
  /** Whether the relation is in the core's default single-valued list. */
  readonly listed: boolean
  readonly expected: boolean
  readonly predicted: boolean
  /** Labelled conflicts only (else null). */
  readonly winnerOk: boolean | null
  readonly historyOk: boolean | null
  /** Only when the label gives a `validUntil`. */
  readonly intervalOk: boolean | null
  /** Only when the label names look-alikes: they stayed distinct nodes. */
  readonly distinctOk: boolean | null
  /** Supersessions whose loser the label keeps current. */
  readonly extra: number
  /** The system's own supersessions, and how many left the loser intact as history. */
  readonly decisions: number
  readonly intact: number
  readonly correct: boolean
  /** Why the case is not correct (null when it is). */
  readonly failure: string | null
  /** What happened, in words (for the report's examples). */
  readonly trace: string
}

// ── running one case ──────────────────────────────────────────────────────────

const shortId = (id: string): string => id

/** Runs `c` through engram + reconcile under `system` and compares with the label. */
export const runCase = (c: Case, system: System): Outcome => {
  const params = system.params
  let g = LiquidGraph.empty()
  const edgeOf: Array<string> = []
  const nodeOf = new Map<string, string>()
  const decisions: Array<{ winner: string; loser: string; reason: string }> = []
  c.steps.forEach((step, i) => {
    const f = step.fact
    const labels = [f.subject, f.object]
    const entities = system.embed === undefined
      ? undefined
      : labels.map((label) => {
        const e = system.embed!(label)
        return e === undefined ? { label } : { label, embedding: e }
      })
    const r = Engram.engram(g, {
      episode: { id: `${c.id}-${i}`, text: step.text, time: step.at },
      ...(entities === undefined ? {} : { entities }),
      facts: [f]
    }, params, step.at)
    edgeOf.push(r.ids.facts[0]!)
    for (const [raw, id] of r.ids.nodes) nodeOf.set(raw, id)
    const rc = Reconcile.reconcile(r.graph, { facts: r.ids.facts }, params, step.at)
    for (const s of rc.changes.superseded) decisions.push({ winner: s.winner, loser: s.loser, reason: s.reason })
    g = rc.graph
  })

  const relation = Relation.canon(c.relation)
  return judge({ id: c.id, family: c.family, kind: c.kind, singleValued: c.singleValued, label: c.label }, {
    graph: g,
    edgeOf,
    nodeOf,
    decisions,
    relation,
    listed: Relation.singleValuedSet(params.singleValued).has(relation)
  })
}

/** What a run left behind, as {@link judge} reads it. */
export interface Run {
  readonly graph: LiquidGraph.LiquidGraph
  /** Per statement: the id of the fact edge the label is about (undefined: none was engrammed). */
  readonly edgeOf: ReadonlyArray<string | undefined>
  /** Raw label → node id, as engram reported it. */
  readonly nodeOf: ReadonlyMap<string, string>
  /** The system's supersessions, in order. */
  readonly decisions: ReadonlyArray<{ readonly winner: string; readonly loser: string; readonly reason: string }>
  readonly relation: string
  readonly listed: boolean
  /** Why a labelled statement has no edge (per statement index), for the failure text. */
  readonly unread?: ReadonlyMap<number, string>
}

/** The labelled case as {@link judge} needs it. */
export interface Judged {
  readonly id: string
  readonly family: string
  readonly kind: string
  readonly singleValued: boolean
  readonly label: Label
}

/**
 * Compares what a run left behind with the label (pure). A labelled statement without an edge
 * (`edgeOf[i] === undefined`: its fact was never engrammed) fails every check that needs it.
 */
export const judge = (c: Judged, run: Run): Outcome => {
  const g = run.graph
  const { decisions, edgeOf, nodeOf } = run
  const inSlot = (edgeId: string | undefined): ReturnType<typeof LiquidGraph.edge> => {
    if (edgeId === undefined) return undefined
    const e = LiquidGraph.edge(g, edgeId)
    if (e === undefined) return undefined
    return LiquidGraph.slot(g, e.subject, e.relation).find((x) => x.id === edgeId)
  }
  const edgeAt = (i: number) => (edgeOf[i] === undefined ? undefined : LiquidGraph.edge(g, edgeOf[i]!))

  const l = c.label
  const predicted = decisions.length > 0
  const expectedLosers = new Set(l.history.map((h) => edgeOf[h.loser]).filter((x): x is string => x !== undefined))
  const extra = decisions.filter((d) => !expectedLosers.has(d.loser)).length
  let intact = 0
  for (const d of decisions) {
    const e = inSlot(d.loser)
    if (e !== undefined && e.validUntil !== null && e.supersededBy === d.winner) intact++
  }

  let winnerOk: boolean | null = null
  let historyOk: boolean | null = null
  let intervalOk: boolean | null = null
  if (l.conflict) {
    const w = edgeAt(l.winner!)
    winnerOk = w !== undefined && w.supersededBy === null &&
      l.history.every((h) => edgeAt(h.loser)?.supersededBy != null)
    historyOk = l.history.every((h) => {
      const e = inSlot(edgeOf[h.loser])
      return e !== undefined && e.validUntil !== null && edgeOf[h.by] !== undefined && e.supersededBy === edgeOf[h.by]
    })
    const timed = l.history.filter((h) => h.validUntil !== undefined)
    if (timed.length > 0) intervalOk = timed.every((h) => inSlot(edgeOf[h.loser])?.validUntil === h.validUntil)
  }
  let distinctOk: boolean | null = null
  if (l.distinct !== undefined) {
    const [a, b] = l.distinct
    distinctOk = nodeOf.get(a) !== undefined && nodeOf.get(b) !== undefined && nodeOf.get(a) !== nodeOf.get(b)
  }

  const labelled = new Set<number>(l.conflict ? [l.winner!, ...l.history.flatMap((h) => [h.loser, h.by])] : [])
  const unread = [...labelled].sort((a, b) => a - b).filter((i) => edgeOf[i] === undefined)
  const unreadText = unread.length === 0
    ? ""
    : ` (statement ${unread.map((i) => `${i}${run.unread?.get(i) === undefined ? "" : ` ${run.unread.get(i)}`}`).join(", ")} not read as labelled)`

  let failure: string | null = null
  if (!l.conflict) {
    if (distinctOk === false) failure = "look-alikes merged into one node (or not read)"
    if (predicted) failure = failure === null ? "false conflict" : failure + ", false conflict"
  } else if (!predicted) failure = "missed conflict" + unreadText
  else if (winnerOk === false) failure = "wrong winner" + unreadText
  else if (historyOk === false) failure = "history not kept as labelled" + unreadText
  else if (extra > 0) failure = "superseded a statement that should stay current"
  const correct = failure === null

  const trace = decisions.length === 0
    ? "no supersession"
    : decisions.map((d) => `${shortId(d.loser)} superseded by ${shortId(d.winner)} (${d.reason})`).join("; ")

  return {
    id: c.id,
    family: c.family,
    kind: c.kind,
    relation: run.relation,
    singleValued: c.singleValued,
    listed: run.listed,
    expected: l.conflict,
    predicted,
    winnerOk,
    historyOk,
    intervalOk,
    distinctOk,
    extra,
    decisions: decisions.length,
    intact,
    correct,
    failure,
    trace
  }
}

// ── metrics ───────────────────────────────────────────────────────────────────

/** Scores of a set of outcomes; a ratio with an empty denominator is `undefined`. */
export interface Scores {
  readonly n: number
  readonly tp: number
  readonly fp: number
  readonly fn: number
  readonly tn: number
  readonly accuracy: number | undefined
  readonly precision: number | undefined
  readonly recall: number | undefined
  readonly winnerAccuracy: number | undefined
  /** Over all labelled conflicts (strict). */
  readonly historyPreserved: number | undefined
  /** Over the labelled conflicts that were detected. */
  readonly historyPreservedDetected: number | undefined
  readonly historyIntact: number | undefined
  readonly intervalExact: number | undefined
  readonly strictAccuracy: number | undefined
}

const ratio = (num: number, den: number): number | undefined => (den === 0 ? undefined : num / den)

const countIf = <A>(xs: ReadonlyArray<A>, p: (x: A) => boolean): number => {
  let n = 0
  for (const x of xs) if (p(x)) n++
  return n
}

/** The scores of `outcomes` (pure). */
export const score = (outcomes: ReadonlyArray<Outcome>): Scores => {
  const tp = countIf(outcomes, (o) => o.expected && o.predicted)
  const fp = countIf(outcomes, (o) => !o.expected && o.predicted)
  const fn = countIf(outcomes, (o) => o.expected && !o.predicted)
  const tn = countIf(outcomes, (o) => !o.expected && !o.predicted)
  const detected = outcomes.filter((o) => o.expected && o.predicted)
  const conflicts = outcomes.filter((o) => o.expected)
  const timed = outcomes.filter((o) => o.intervalOk !== null)
  let decisions = 0
  let intact = 0
  for (const o of outcomes) {
    decisions += o.decisions
    intact += o.intact
  }
  return {
    n: outcomes.length,
    tp, fp, fn, tn,
    accuracy: ratio(tp + tn, outcomes.length),
    precision: ratio(tp, tp + fp),
    recall: ratio(tp, tp + fn),
    winnerAccuracy: ratio(countIf(detected, (o) => o.winnerOk === true), detected.length),
    historyPreserved: ratio(countIf(conflicts, (o) => o.historyOk === true), conflicts.length),
    historyPreservedDetected: ratio(countIf(detected, (o) => o.historyOk === true), detected.length),
    historyIntact: ratio(intact, decisions),
    intervalExact: ratio(countIf(timed, (o) => o.intervalOk === true), timed.length),
    strictAccuracy: ratio(countIf(outcomes, (o) => o.correct), outcomes.length)
  }
}

/** Metric name → value for the rows (undefined ratios left out). */
export const metricEntries = (s: Scores): Array<readonly [string, number]> => {
  const all: Array<readonly [string, number | undefined]> = [
    ["accuracy", s.accuracy],
    ["precision", s.precision],
    ["recall", s.recall],
    ["winner_accuracy", s.winnerAccuracy],
    ["history_preserved", s.historyPreserved],
    ["history_preserved_detected", s.historyPreservedDetected],
    ["history_intact", s.historyIntact],
    ["interval_exact", s.intervalExact],
    ["strict_accuracy", s.strictAccuracy]
  ]
  return all.filter((e): e is readonly [string, number] => e[1] !== undefined)
}
