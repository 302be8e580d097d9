/**
 * replay — throughput of folding a recorded event log into memory.
 *
 * Replay in practice is restore-a-snapshot + fold-the-tail (`Replay.replay(tail, state)`), and
 * its speed depends on how big the memory already is. So at size n the state is a graph of n
 * facts (bench/generate.ts, no embeddings, as restored from a snapshot), and the log is a tail
 * of {@link tailLength} `Engrammed` events of 1–3 facts each (2 on average, no embeddings) over
 * the same entities, drawn with the same Zipf-ish popularity, from the same relations: what an
 * agent journals while it learns, some facts repeating (re-engram = reinforce). Every event is
 * encoded (`Event.encode`) as one JSON line.
 *
 * Metrics (higher is better, ratio = value / baseline):
 * - `replay.events_per_s`: journal text → state: `JSON.parse` of every line, then
 *   `Replay.replay` of the parsed objects (Schema decoding + fold). Baseline: `JSON.parse` of the
 *   same lines alone (the floor of any journal reader).
 * - `replay.fold_events_per_s`: `Replay.replay` of the already decoded events (the fold alone).
 *   Baseline: a plain fold of the same events into mutable `Map`s already holding the n facts
 *   (node per key, edge per triple, weight bumped on repeats): the bookkeeping without
 *   persistence, indexes or any of engram's semantics.
 * Each figure is the best of a few runs from the same state (states are immutable values).
 */
import { Result } from "effect"
import * as Event from "../core/Event.ts"
import * as Key from "../core/Key.ts"
import * as Replay from "../core/Replay.ts"
import { entityId, type Generated, generateGraph, label, RELATIONS, Rng } from "./generate.ts"
import * as Params from "../core/Params.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import { type BenchOptions, higherIsBetter, type Metric, progress, sizedName } from "./Metric.ts"
import { consume, now } from "./timing.ts"

interface LogFact {
  readonly subject: string
  readonly relation: string
  readonly object: string
}

/** Events in the replayed tail: 500 (`--quick`) or 2000, at most n / 2 (at least 100). */
export const tailLength = (quick: boolean, n: number): number => Math.min(quick ? 500 : 2000, Math.max(100, Math.floor(n / 2)))

/** `count` engram events over the entities of `gen`, with its popularity ranks (seeded). */
export const makeLog = (gen: Generated, count: number, seed: number): Array<Event.Event> => {
  const rng = new Rng(seed)
  const entities = gen.labels.length
  const out: Array<Event.Event> = []
  for (let e = 0; e < count; e++) {
    const facts: Array<LogFact> = []
    const k = 1 + rng.int(3)
    while (facts.length < k) {
      const s = gen.byRank[rng.zipf(entities)]!
      const o = gen.byRank[rng.zipf(entities)]!
      if (s === o) continue
      facts.push({ subject: label(s), relation: RELATIONS[rng.int(RELATIONS.length)]!, object: label(o) })
    }
    out.push(new Event.Engrammed({ now: gen.now + 1000 + e * 1000, input: { facts } }))
  }
  return out
}

interface PlainEdge {
  weight: number
  at: number
}

const plainState = (gen: Generated): { nodes: Map<string, number>; edges: Map<string, PlainEdge> } => {
  const nodes = new Map<string, number>()
  const edges = new Map<string, PlainEdge>()
  for (let i = 0; i < gen.labels.length; i++) nodes.set(entityId(i), 1)
  for (const e of LiquidGraph.edges(gen.graph)) edges.set(e.subject + "|" + e.relation + "|" + e.object, { weight: e.weight, at: e.learnedAt })
  return { nodes, edges }
}

const plainFold = (state: { nodes: Map<string, number>; edges: Map<string, PlainEdge> }, events: ReadonlyArray<Event.Event>): number => {
  const { edges, nodes } = state
  for (const ev of events) {
    if (ev._tag !== "Engrammed") continue
    for (const f of ev.input.facts) {
      const s = Key.node(f.subject)
      const o = Key.node(f.object)
      const r = Key.relation(f.relation)
      nodes.set(s, (nodes.get(s) ?? 0) + 1)
      nodes.set(o, (nodes.get(o) ?? 0) + 1)
      const id = s + "|" + r + "|" + o
      const e = edges.get(id)
      if (e === undefined) edges.set(id, { weight: 0.5, at: ev.now })
      else {
        e.weight += 0.1 * (1 - e.weight)
        e.at = ev.now
      }
    }
  }
  return nodes.size + edges.size
}

/** Best (minimum) time of `runs` runs of `f`; `f` may return its own measured time in ms. */
const best = (runs: number, f: () => number | void): number => {
  let min = Infinity
  for (let i = 0; i < runs; i++) {
    const t = now()
    const own = f()
    min = Math.min(min, typeof own === "number" ? own : now() - t)
  }
  return min
}

/** Events per second of replaying a tail onto a state of n facts, at each size. */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const out: Array<Metric> = []
  for (const n of opts.sizes) {
    const count = tailLength(opts.quick, n)
    progress(`replay: generating a state of ${n} facts and a tail of ${count} events`)
    const gen = generateGraph({ facts: n, dim: 0 })
    const from: Replay.State = { graph: gen.graph, params: Params.defaults, seq: 0 }
    const events = makeLog(gen, count, 3)
    const lines = events.map((e) => JSON.stringify(Event.encode(e)))
    Replay.replay(makeLog(gen, Math.min(200, count), 4), from) // warm-up on other events
    const runs = opts.quick ? 2 : 3
    progress(`replay: folding ${count} events onto ${n} facts (best of ${runs})`)
    const fromText = best(runs, () => {
      const r = Replay.replay(lines.map((l) => JSON.parse(l) as unknown), from)
      if (Result.isFailure(r)) throw new Error(`replay failed at event ${r.failure.index}: ${r.failure.message}`)
      if (r.success.seq !== count) throw new Error("replay did not apply every event")
      consume(r.success)
    })
    const fold = best(runs, () => {
      const r = Replay.replay(events, from)
      if (Result.isFailure(r)) throw new Error(`replay failed at event ${r.failure.index}: ${r.failure.message}`)
      consume(r.success)
    })
    const parse = best(5, () => consume(lines.map((l) => JSON.parse(l) as unknown)))
    const plain = best(5, () => {
      const state = plainState(gen)
      const t = now()
      consume(plainFold(state, events))
      return now() - t
    })
    const perS = (ms: number): number => (count * 1000) / ms
    out.push(higherIsBetter(sizedName("replay.events_per_s", n), perS(fromText), "events/s", perS(parse)))
    out.push(higherIsBetter(sizedName("replay.fold_events_per_s", n), perS(fold), "events/s", perS(plain)))
  }
  return out
}
