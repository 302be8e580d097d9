/**
 * snapshot — writing and restoring a memory's snapshot.
 *
 * The state: a graph of n facts from bench/generate.ts with embeddings (dim 100), plus n / 5
 * episodes (a 12-word text each, an embedding, two mentions): what an ingest leaves, so the
 * lexical index and the mention edges are part of the cost.
 *
 * Metrics (ms, lower is better; ratio = baseline / value, > 1 means the parts form is faster);
 * each figure is the best of a few rounds, baseline and value measured in the same process:
 * - `snapshot.write_ms`: `Replay.snapshotParts` + `JSON.stringify` of its rows + `contentHash`
 *   of a graph whose hash is not cached (what a store does to write a snapshot, less its own
 *   compression). Baseline: `Replay.snapshot` + `JSON.stringify` + the former content hash (one
 *   `hashString` per lane of each canonical string, vectors through `VectorStore.fingerprint`'s
 *   base64 text: `referenceHash` of laws/Reference.ts, the same value).
 * - `snapshot.restore_ms`: `JSON.parse` of the rows + `Replay.restoreParts` (vectors given as
 *   the `Float32Array` a store reads) + `contentHash` of the restored graph (a store checks it).
 *   Baseline: `JSON.parse` of the full JSON text + `Replay.restore` + the former content hash.
 * - `snapshot.hash_ms`: `contentHash` alone; baseline the former computation.
 * - `snapshot.text_mb`: characters of the JSON text (rows) the store compresses; baseline the
 *   full snapshot's text (vectors in base64 inside).
 *
 * Run alone: `node bench/snapshot.ts [facts] [rounds]` (default 100000, 3): prints a table and
 * the metrics as JSON lines.
 */
import { Result } from "effect"
import * as Fact from "../core/Fact.ts"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import * as Node from "../core/Node.ts"
import * as Params from "../core/Params.ts"
import * as Replay from "../core/Replay.ts"
import { referenceHash } from "../laws/Reference.ts"
import { generateGraph, Rng } from "./generate.ts"
import { type BenchOptions, lowerIsBetter, type Metric, progress, sizedName } from "./Metric.ts"
import { consume, now } from "./timing.ts"

const WORDS = ["the", "river", "kim", "moved", "paris", "blue", "band", "muse", "loves", "walks", "morning", "city", "coffee", "train", "book"]

/** The state measured: n facts with embeddings and n / 5 episodes (seeded). */
export const makeState = (facts: number): Replay.State => {
  const gen = generateGraph({ facts, dim: 100 })
  const d = LiquidGraph.draft(gen.graph)
  const rng = new Rng(7)
  for (let i = 0; i < Math.floor(facts / 5); i++) {
    const text = Array.from({ length: 12 }, () => WORDS[rng.int(WORDS.length)]! + rng.int(50)).join(" ")
    const id = Node.episodeId("e" + i)
    const t = gen.now + i
    d.putNode(Node.episode(id, text, null, t))
    d.setVector(id, Float32Array.from({ length: 100 }, () => rng.normal()))
    for (let k = 0; k < 2; k++) {
      const o = "entity " + gen.byRank[rng.zipf(gen.labels.length)]
      const mid = Fact.mentionId(id, o)
      if (d.hasEdge(mid)) continue
      d.putEdge({
        id: mid, kind: "mention", subject: id, relation: Fact.MENTIONS, object: o, negated: false, weight: 0.5, confidence: 1,
        validFrom: null, validUntil: null, learnedAt: t, provenance: ["e" + i], useCount: 0, lastReinforced: t, solidified: false,
        supersededBy: null
      })
    }
  }
  return { graph: d.finish(), params: Params.defaults, seq: facts }
}


/** The same graph with no cached hash. */
const uncached = (g: LiquidGraph.LiquidGraph): LiquidGraph.LiquidGraph => LiquidGraph.assemble(g)

const timed = (f: () => unknown): number => {
  const t = now()
  consume(f())
  return now() - t
}

/** The figures at one size: best of `rounds` rounds each. */
export const measure = (facts: number, rounds: number): Array<Metric> => {
  progress(`snapshot: building ${facts} facts`)
  const state = makeState(facts)
  if (referenceHash(state.graph) !== LiquidGraph.contentHash(uncached(state.graph))) throw new Error("snapshot bench: content hash changed value")
  const best = { write: Infinity, writeBase: Infinity, restore: Infinity, restoreBase: Infinity, hash: Infinity, hashBase: Infinity }
  let rowsChars = 0
  let textChars = 0
  for (let r = 0; r < rounds; r++) {
    // the former form
    let text = ""
    best.writeBase = Math.min(best.writeBase, timed(() => {
      text = JSON.stringify(Replay.snapshot(state))
      return referenceHash(state.graph)
    }))
    textChars = text.length
    let restored: Replay.State | undefined
    best.restoreBase = Math.min(best.restoreBase, timed(() => {
      restored = Result.getOrThrow(Replay.restore(JSON.parse(text)))
      return referenceHash(restored.graph)
    }))
    text = ""
    best.hashBase = Math.min(best.hashBase, timed(() => referenceHash(restored!.graph)))
    // the parts form
    let parts: Replay.SnapshotParts | undefined
    let rows = ""
    best.write = Math.min(best.write, timed(() => {
      parts = Replay.snapshotParts(state)
      rows = JSON.stringify(parts.json)
      return LiquidGraph.contentHash(uncached(state.graph))
    }))
    rowsChars = rows.length
    const { dim, ids, vectors } = parts!
    best.restore = Math.min(best.restore, timed(() => {
      restored = Result.getOrThrow(Replay.restoreParts(JSON.parse(rows), ids, vectors, dim))
      return LiquidGraph.contentHash(restored.graph)
    }))
    best.hash = Math.min(best.hash, timed(() => LiquidGraph.contentHash(uncached(restored!.graph))))
  }
  const metric = (name: string, value: number, baseline: number, unit: string): Metric =>
    lowerIsBetter(sizedName(name, facts), value, unit, baseline)
  return [
    metric("snapshot.write_ms", best.write, best.writeBase, "ms"),
    metric("snapshot.restore_ms", best.restore, best.restoreBase, "ms"),
    metric("snapshot.hash_ms", best.hash, best.hashBase, "ms"),
    metric("snapshot.text_mb", rowsChars / 1e6, textChars / 1e6, "MB")
  ]
}

/**
 * The bench module's entry (bench/run.ts protocol): 2 rounds when quick, 3 otherwise, at each
 * size up to 10^5 (a larger state and its two snapshot forms would not fit the quick run's heap).
 */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> =>
  opts.sizes.filter((n) => n <= 100_000).flatMap((n) => measure(n, opts.quick ? 2 : 3))

if (process.argv[1] === import.meta.filename) {
  const facts = Number(process.argv[2] ?? 100_000)
  const rounds = Number(process.argv[3] ?? 3)
  const metrics = measure(facts, rounds)
  for (const m of metrics) console.log(`${m.name.padEnd(28)} ${m.value.toFixed(1).padStart(9)} ${m.unit}   baseline ${m.baseline!.toFixed(1).padStart(9)}   ratio ${m.ratio!.toFixed(2)}`)
  for (const m of metrics) console.log(JSON.stringify(m))
}
