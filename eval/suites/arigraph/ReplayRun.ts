/**
 * ReplayRun — drives one AriGraph attempt through the pure core as recorded events, and checks
 * that replaying the encoded events rebuilds the same graph.
 *
 * Per step `i` (1-based within the attempt), at system time `now = T0 + i · stepMs` (world time
 * the same: the step index scaled; one step = one hour by default, an arbitrary documented scale):
 * 1. `Engrammed`: the step's cleaned observation as the episode (`id = <game>-a<attempt>-s<step>`,
 *    `time = now`), its `New triplets` (deduplicated by key) as facts with `validFrom = now`;
 *    no embeddings (nodes match by normalised key only, so the run is fast and exact);
 * 2. `Reconciled` for the fact ids the engram returned — every `changes.superseded` decision
 *    becomes a predicted pair `loser → winner` of canonical fact keys, read off the two edges
 *    (`Metrics.edgeKey`); the step's labelled pairs are canonicalised the same way
 *    (`Metrics.canonicalKey`);
 * 3. every `maintenanceEvery` steps (0: never): `Decayed { dt: maintenanceEvery · stepMs }` then
 *    `Pruned {}` (default thresholds).
 * The log starts with a `ParamsSet` event, so it is self-contained. The live run calls the
 * transitions directly; the check folds `JSON.parse(JSON.stringify(events.map(Event.encode)))`
 * with `Replay.replay` and compares `LiquidGraph.contentHash`.
 */
import { Result } from "effect"
import * as Decay from "../../../core/Decay.ts"
import * as Engram from "../../../core/Engram.ts"
import * as Event from "../../../core/Event.ts"
import * as FactM from "../../../core/Fact.ts"
import * as LiquidGraph from "../../../core/LiquidGraph.ts"
import type { Params } from "../../../core/Params.ts"
import * as Prune from "../../../core/Prune.ts"
import * as Reconcile from "../../../core/Reconcile.ts"
import * as Replay from "../../../core/Replay.ts"
import { canonicalKey, edgeKey, type Pair } from "./Metrics.ts"
import type { Attempt, Triplet } from "./Parse.ts"

export const HOUR = 3_600_000
/** System/world time of step 0 (2024-01-01T00:00Z): a constant, never the clock. */
export const T0 = Date.UTC(2024, 0, 1)

/** How to replay. */
export interface ReplayConfig {
  readonly params: Params
  /** Milliseconds between steps (default one hour). */
  readonly stepMs?: number
  /** Decay + prune every this many steps; 0 = never (default 10). */
  readonly maintenanceEvery?: number
  /** Replay at most this many steps of the attempt (quick runs). */
  readonly maxSteps?: number
}

/** Sizes after one step. */
export interface StepSize {
  readonly step: number
  /** All our nodes (entities, concepts, episodes). */
  readonly nodes: number
  /** All our edges (facts, including history, mentions, associations). */
  readonly edges: number
  /** Entity and concept nodes. */
  readonly semanticNodes: number
  /** Current facts (kind `fact`, not superseded, no end). */
  readonly currentFacts: number
  /** The run's `Graph:` (distinct triplets and their distinct nodes), or null when absent. */
  readonly runTriplets: number | null
  readonly runNodes: number | null
  /** The run's extracted graph reconstructed from the log: `New triplets` minus outdated olds. */
  readonly reconstructedTriplets: number
  readonly reconstructedNodes: number
}

/** What one attempt's replay produced. */
export interface AttemptReplay {
  readonly attempt: number
  readonly steps: number
  /** Our decisions `loser → winner`; `rejected` when the loser is the claim that just arrived. */
  readonly predicted: ReadonlyArray<Pair & { readonly step: number; readonly reason: string; readonly rejected: boolean }>
  /** The run's labels, canonicalised, with the triplets as written (`text`) for the notes. */
  readonly labelled: ReadonlyArray<Pair & { readonly step: number; readonly text: string }>
  /** Canonical keys of every fact told in this attempt, with the step it was first told at. */
  readonly told: ReadonlyMap<string, number>
  /** Relations the memory learned single-valued from change cues during the attempt. */
  readonly learned: ReadonlyArray<string>
  readonly sizes: ReadonlyArray<StepSize>
  readonly events: ReadonlyArray<Event.Encoded>
  readonly liveHash: string
  readonly replayHash: string | null
  readonly replayError: string | null
  /** Labelled old triplets never engrammed in this attempt (we cannot have ended them). */
  readonly labelsOldNeverSeen: number
  /** Triplets of the run's final `Graph:` never among its `New triplets` (spatial links it derives). */
  readonly runGraphOnly: number | null
}

const nodesOf = (keys: Iterable<string>): number => {
  const s = new Set<string>()
  for (const k of keys) {
    const [a, , b] = k.split("|")
    s.add(a!)
    s.add(b!)
  }
  return s.size
}

const sizes = (g: LiquidGraph.LiquidGraph): { nodes: number; edges: number; semanticNodes: number; currentFacts: number } => {
  let semanticNodes = 0
  for (const n of LiquidGraph.nodes(g)) if (n.kind !== "episode") semanticNodes++
  let currentFacts = 0
  for (const e of LiquidGraph.edges(g)) if (e.kind === "fact" && FactM.isCurrent(e)) currentFacts++
  return { nodes: LiquidGraph.nodeCount(g), edges: LiquidGraph.edgeCount(g), semanticNodes, currentFacts }
}

const dedupe = (ts: ReadonlyArray<Triplet>): Array<Triplet> => {
  const seen = new Set<string>()
  const out: Array<Triplet> = []
  for (const t of ts) {
    if (seen.has(t.key)) continue
    seen.add(t.key)
    out.push(t)
  }
  return out
}

/**
 * Replays one attempt (a fresh memory) and checks replay determinism.
 * @complexity O(steps · (graph size)) — the per-step sizes scan the graph
 */
export const replayAttempt = (game: string, attempt: Attempt, config: ReplayConfig): AttemptReplay => {
  const stepMs = config.stepMs ?? HOUR
  const every = config.maintenanceEvery ?? 10
  const steps = attempt.steps.slice(0, config.maxSteps ?? attempt.steps.length)
  const events: Array<Event.Event> = [new Event.ParamsSet({ now: T0, params: config.params })]
  let g = LiquidGraph.empty()
  const predicted: Array<Pair & { step: number; reason: string; rejected: boolean }> = []
  const labelled: Array<Pair & { step: number; text: string }> = []
  const out: Array<StepSize> = []
  const told = new Map<string, number>()
  const recon = new Set<string>()
  const everNew = new Set<string>()
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!
    const now = T0 + (i + 1) * stepMs
    const triplets = dedupe(s.newTriplets)
    const input: Engram.EngramInput = {
      episode: { id: `${game}-a${attempt.attempt}-s${s.step}`, text: s.observation, time: now },
      facts: triplets.map((t) => ({ subject: t.subject, relation: t.relation, object: t.object, validFrom: now }))
    }
    const e = Engram.engram(g, input, config.params, now)
    events.push(new Event.Engrammed({ now, input }))
    g = e.graph
    for (const t of triplets) {
      const k = canonicalKey(t)
      if (!told.has(k)) told.set(k, s.step)
    }
    const ids = [...new Set(e.ids.facts)]
    if (ids.length > 0) {
      const rin: Reconcile.ReconcileInput = { facts: ids }
      const r = Reconcile.reconcile(g, rin, config.params, now)
      events.push(new Event.Reconciled({ now, input: rin }))
      g = r.graph
      const arrived = new Set(ids)
      for (const x of r.changes.superseded) {
        const loser = LiquidGraph.edge(g, x.loser)
        const winner = LiquidGraph.edge(g, x.winner)
        // rejected: the claim that just arrived lost to an older, better supported fact
        const rejected = arrived.has(x.loser) && !arrived.has(x.winner)
        if (loser !== undefined && winner !== undefined) {
          predicted.push({ old: edgeKey(loser), replacement: edgeKey(winner), step: s.step, reason: x.reason, rejected })
        }
      }
    }
    const written = (t: Triplet): string => `${t.subject}, ${t.relation}, ${t.object}`
    for (const p of s.outdated) {
      labelled.push({
        old: canonicalKey(p.old),
        replacement: canonicalKey(p.replacement),
        step: s.step,
        text: `${written(p.old)} -> ${written(p.replacement)}`
      })
    }
    if (every > 0 && (i + 1) % every === 0) {
      const din: Decay.DecayInput = { dt: every * stepMs }
      g = Decay.decay(g, din, config.params, now).graph
      events.push(new Event.Decayed({ now, input: din }))
      const pin: Prune.PruneInput = {}
      g = Prune.prune(g, pin, config.params, now).graph
      events.push(new Event.Pruned({ now, input: pin }))
    }
    // the run's extracted graph, reconstructed: remove the labelled olds, add the new triplets
    for (const p of s.outdated) recon.delete(p.old.key)
    for (const t of s.newTriplets) {
      recon.add(t.key)
      everNew.add(t.key)
    }
    const runKeys = s.graph === null ? null : new Set(s.graph.map((t) => t.key))
    out.push({
      step: s.step,
      ...sizes(g),
      runTriplets: runKeys === null ? null : runKeys.size,
      runNodes: runKeys === null ? null : nodesOf(runKeys),
      reconstructedTriplets: recon.size,
      reconstructedNodes: nodesOf(recon)
    })
  }
  const encoded = events.map(Event.encode)
  const liveHash = LiquidGraph.contentHash(g)
  const replayed = Replay.replay(JSON.parse(JSON.stringify(encoded)) as Array<unknown>, Replay.initial())
  const last = steps[steps.length - 1]
  const runGraph = last?.graph ?? null
  return {
    attempt: attempt.attempt,
    steps: steps.length,
    predicted,
    labelled,
    told,
    learned: [...g.learned].sort(),
    sizes: out,
    events: encoded,
    liveHash,
    replayHash: Result.isSuccess(replayed) ? LiquidGraph.contentHash(replayed.success.graph) : null,
    replayError: Result.isFailure(replayed) ? replayed.failure.message : null,
    labelsOldNeverSeen: new Set(labelled.filter((p) => !told.has(p.old)).map((p) => p.old)).size,
    runGraphOnly: runGraph === null ? null : new Set(runGraph.filter((t) => !everNew.has(t.key)).map((t) => t.key)).size
  }
}
