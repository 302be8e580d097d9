/**
 * memory — heap bytes per fact of a graph built WITHOUT embeddings.
 *
 * Each size runs in a child `node --expose-gc` so that `gc()` can be forced before each heap
 * reading and nothing else the runner holds is counted. The child builds the graph
 * (bench/generate.ts, `dim = 0`), forces GC, and reads `heapUsed`; then it drops the graph,
 * keeps only the same nodes and facts as JSON text, and measures the heap of `JSON.parse` of
 * that text: the same records as plain JS objects in one array (the baseline).
 *
 * Small sizes are measured robustly: each reading holds enough copies of the graph (and of the
 * parsed records) to total at least {@link MIN_FACTS_PER_READING} facts, so heap noise (a few
 * hundred KB of lazily compiled code, feedback vectors, GC bookkeeping) is small against what
 * is measured; below that size the child takes {@link ROUNDS} readings after a warm-up build
 * and reports the median. Each reading's objects live in their own function frame, so nothing
 * keeps a graph alive into the next reading. A non-positive result is an error, never a figure.
 *
 * `memory.bytes_per_fact` = (heap with graphs − heap before) / (facts · copies). Lower is
 * better; ratio = baseline / value.
 *
 * The quick run measures 10^6 facts too (the runner's `QUICK_EXTRA`): the target (≤ 1 KB per
 * fact) is set at 10^6, where the tries are a level deeper than at 10^5; one child of 10^6 facts
 * takes about a minute and ~2 GB of heap.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import { generateGraph } from "./generate.ts"
import { type BenchOptions, lowerIsBetter, type Metric, progress, sizedName } from "./Metric.ts"

interface ChildResult {
  readonly facts: number
  readonly copies: number
  /** Median over the rounds of the graph heap per fact. */
  readonly graphBytesPerFact: number
  /** Median over the rounds of the JSON-records heap per fact. */
  readonly jsonBytesPerFact: number
  /** Every round's readings (per fact), for inspection. */
  readonly rounds: ReadonlyArray<readonly [number, number]>
}

/** Each heap reading covers at least this many facts (copies of a small graph). */
export const MIN_FACTS_PER_READING = 20_000

/** Readings per size below {@link MIN_FACTS_PER_READING} facts (the median is reported). */
export const ROUNDS = 3

const heapAfterGc = (gc: () => void): number => {
  for (let i = 0; i < 3; i++) gc()
  return process.memoryUsage().heapUsed
}

const median = (xs: ReadonlyArray<number>): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 === 1 ? s[(s.length - 1) >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/**
 * Heap of `copies` graphs of `facts` facts, and their records as JSON text. The graphs live only
 * in this frame, so nothing (not even a stale register of optimised code) holds them after it
 * returns — an earlier version read the baseline while a graph was still reachable and printed
 * a negative byte count.
 */
const graphsHeap = (gc: () => void, facts: number, copies: number): { readonly bytes: number; readonly text: string } => {
  const before = heapAfterGc(gc)
  const graphs: Array<LiquidGraph.LiquidGraph> = []
  for (let c = 0; c < copies; c++) graphs.push(generateGraph({ facts, dim: 0 }).graph)
  const bytes = heapAfterGc(gc) - before
  const g = graphs[copies - 1]!
  return { bytes, text: JSON.stringify([...LiquidGraph.nodes(g), ...LiquidGraph.edges(g)]) }
}

/** Heap of `copies` parses of `text` (the plain-objects baseline). */
const recordsHeap = (gc: () => void, text: string, copies: number): number => {
  const before = heapAfterGc(gc)
  const records: Array<unknown> = []
  for (let c = 0; c < copies; c++) records.push(JSON.parse(text))
  const bytes = heapAfterGc(gc) - before
  if (records.length !== copies) throw new Error("unreachable") // keeps `records` alive until here
  return bytes
}

/** Runs inside the child: measures one size and prints a {@link ChildResult} as JSON. */
const child = (facts: number): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error("memory bench child needs --expose-gc")
  const copies = Math.max(1, Math.ceil(MIN_FACTS_PER_READING / facts))
  const rounds = facts < MIN_FACTS_PER_READING ? ROUNDS : 1
  // warm-up: compile and tier up the generator, the draft and JSON code before any reading
  recordsHeap(gc, graphsHeap(gc, Math.min(facts, 2_000), 1).text, 1)
  const readings: Array<readonly [number, number]> = []
  for (let r = 0; r < rounds; r++) {
    const graphs = graphsHeap(gc, facts, copies)
    const records = recordsHeap(gc, graphs.text, copies)
    readings.push([graphs.bytes / (facts * copies), records / (facts * copies)])
  }
  const result: ChildResult = {
    facts,
    copies,
    graphBytesPerFact: median(readings.map((x) => x[0])),
    jsonBytesPerFact: median(readings.map((x) => x[1])),
    rounds: readings
  }
  process.stdout.write(JSON.stringify(result) + "\n")
}

const self = fileURLToPath(import.meta.url)

const measure = (facts: number): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--expose-gc", "--max-old-space-size=16384", self, "--child", String(facts)], {
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    p.stdout.on("data", (b: Buffer) => (out += b.toString()))
    p.on("error", reject)
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`memory child for ${facts} facts exited with ${code}`))
      try {
        resolve(JSON.parse(out.trim()) as ChildResult)
      } catch (e) {
        reject(new Error(`memory child printed no result: ${String(e)}`))
      }
    })
  })

/** Heap bytes per fact at each size, with the plain-JSON-objects baseline. */
export const run = async (opts: BenchOptions): Promise<Array<Metric>> => {
  const out: Array<Metric> = []
  for (const n of opts.sizes) {
    progress(`memory: ${n} facts (child process)`)
    const r = await measure(n)
    if (!(r.graphBytesPerFact > 0) || !(r.jsonBytesPerFact > 0)) {
      throw new Error(`memory: non-positive heap reading at ${n} facts (${JSON.stringify(r.rounds)}): heap noise, not a figure`)
    }
    out.push(lowerIsBetter(sizedName("memory.bytes_per_fact", n), r.graphBytesPerFact, "B/fact", r.jsonBytesPerFact))
  }
  return out
}

if (process.argv[2] === "--child" && process.argv[1] === self) child(Number(process.argv[3]))
