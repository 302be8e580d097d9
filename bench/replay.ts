/**
 * replay — throughput of folding a recorded event log back into a graph.
 *
 * The log is what an agent journals while it learns: `Engrammed` events of 1–3 facts each
 * (2 on average, no embeddings), over `n / 5` entities drawn Zipf-ishly (bench/generate.ts) from
 * relations of a small set, so some facts repeat (re-engram = reinforce) — `n / 2` events that
 * write about `n` facts. Every event is encoded (`Event.encode`) and written as one JSON line.
 *
 * Metrics (higher is better, ratio = value / baseline):
 * - `replay.events_per_s`: journal text → state: `JSON.parse` of every line, then
 *   `Replay.replay` of the parsed objects (Schema decoding + fold). Baseline: `JSON.parse` of the
 *   same lines alone (the floor of any journal reader).
 * - `replay.fold_events_per_s`: `Replay.replay` of the already decoded events (the fold alone).
 *   Baseline: a plain fold of the same events into mutable `Map`s (node per key, edge per
 *   triple, weight bumped on repeats): the cost of the bookkeeping without persistence,
 *   indexes or any of engram's semantics.
 */
import { Result } from "effect"
import * as Event from "../core/Event.ts"
import * as Key from "../core/Key.ts"
import * as Replay from "../core/Replay.ts"
import { entityCount, label, RELATIONS, Rng, T0 } from "./generate.ts"
import { type BenchOptions, higherIsBetter, type Metric, progress, sizedName } from "./Metric.ts"
import { consume, now } from "./timing.ts"

interface LogFact {
  readonly subject: string
  readonly relation: string
  readonly object: string
}

/** `count` engram events over `entities` entities (seeded). */
export const makeLog = (count: number, entities: number, seed: number): Array<Event.Event> => {
  const rng = new Rng(seed)
  const byRank = new Int32Array(entities)
  for (let i = 0; i < entities; i++) byRank[i] = i
  for (let i = entities - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const t = byRank[i]!
    byRank[i] = byRank[j]!
    byRank[j] = t
  }
  const out: Array<Event.Event> = []
  for (let e = 0; e < count; e++) {
    const facts: Array<LogFact> = []
    const k = 1 + rng.int(3)
    while (facts.length < k) {
      const s = byRank[rng.zipf(entities)]!
      const o = byRank[rng.zipf(entities)]!
      if (s === o) continue
      facts.push({ subject: label(s), relation: RELATIONS[rng.int(RELATIONS.length)]!, object: label(o) })
    }
    out.push(new Event.Engrammed({ now: T0 + e * 1000, input: { facts } }))
  }
  return out
}

const plainFold = (events: ReadonlyArray<Event.Event>): number => {
  const nodes = new Map<string, { label: string; seen: number }>()
  const edges = new Map<string, { s: string; r: string; o: string; weight: number; at: number }>()
  for (const ev of events) {
    if (ev._tag !== "Engrammed") continue
    for (const f of ev.input.facts) {
      const s = Key.node(f.subject)
      const o = Key.node(f.object)
      const r = Key.relation(f.relation)
      for (const [k, l] of [[s, f.subject], [o, f.object]] as const) {
        const n = nodes.get(k)
        if (n === undefined) nodes.set(k, { label: l, seen: 1 })
        else n.seen++
      }
      const id = s + "|" + r + "|" + o
      const e = edges.get(id)
      if (e === undefined) edges.set(id, { s, r, o, weight: 0.5, at: ev.now })
      else {
        e.weight += 0.1 * (1 - e.weight)
        e.at = ev.now
      }
    }
  }
  return nodes.size + edges.size
}

const best = (runs: number, f: () => void): number => {
  let min = Infinity
  for (let i = 0; i < runs; i++) {
    const t = now()
    f()
    min = Math.min(min, now() - t)
  }
  return min
}

/** Events per second of replay at each size (log of n / 2 events about n facts). */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const out: Array<Metric> = []
  for (const n of opts.sizes) {
    const count = Math.max(1, Math.floor(n / 2))
    progress(`replay: building a log of ${count} events (${n} facts)`)
    const events = makeLog(count, entityCount(n), 3)
    const lines = events.map((e) => JSON.stringify(Event.encode(e)))
    const warm = events.slice(0, Math.min(500, count))
    Replay.replay(warm)
    const runs = opts.quick || n >= 1e5 ? 1 : 3
    progress(`replay: folding ${count} events`)
    let last: Replay.State | undefined
    const fromText = best(runs, () => {
      const r = Replay.replay(lines.map((l) => JSON.parse(l) as unknown))
      if (Result.isFailure(r)) throw new Error(`replay failed at event ${r.failure.index}: ${r.failure.message}`)
      last = r.success
    })
    const fold = best(runs, () => {
      const r = Replay.replay(events)
      if (Result.isFailure(r)) throw new Error(`replay failed at event ${r.failure.index}: ${r.failure.message}`)
      consume(r.success)
    })
    if (last === undefined || last.seq !== count) throw new Error("replay did not apply every event")
    consume(last)
    const parse = best(Math.max(3, runs), () => consume(lines.map((l) => JSON.parse(l) as unknown)))
    const plain = best(Math.max(3, runs), () => consume(plainFold(events)))
    const perS = (ms: number): number => (count * 1000) / ms
    out.push(higherIsBetter(sizedName("replay.events_per_s", n), perS(fromText), "events/s", perS(parse)))
    out.push(higherIsBetter(sizedName("replay.fold_events_per_s", n), perS(fold), "events/s", perS(plain)))
  }
  return out
}
