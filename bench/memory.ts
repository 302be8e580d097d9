/**
 * memory — heap bytes per fact of a graph built WITHOUT embeddings.
 *
 * Each size runs in a child `node --expose-gc` so that `gc()` can be forced before each heap
 * reading and nothing else the runner holds is counted. The child builds the graph
 * (bench/generate.ts, `dim = 0`), forces GC, and reads `heapUsed`; then it drops the graph,
 * keeps only the same nodes and facts as JSON text, and measures the heap of `JSON.parse` of
 * that text: the same records as plain JS objects in one array (the baseline).
 *
 * `memory.bytes_per_fact` = (heap with graph − heap before) / facts. Lower is better;
 * ratio = baseline / value.
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as LiquidGraph from "../core/LiquidGraph.ts"
import { generateGraph } from "./generate.ts"
import { type BenchOptions, lowerIsBetter, type Metric, progress, sizedName } from "./Metric.ts"

interface ChildResult {
  readonly facts: number
  readonly graphBytes: number
  readonly jsonBytes: number
}

const heapAfterGc = (gc: () => void): number => {
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

/** Runs inside the child: measures one size and prints a {@link ChildResult} as JSON. */
const child = (facts: number): void => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error("memory bench child needs --expose-gc")
  const before = heapAfterGc(gc)
  let graph: LiquidGraph.LiquidGraph | undefined = generateGraph({ facts, dim: 0 }).graph
  const withGraph = heapAfterGc(gc)
  const text = JSON.stringify([...LiquidGraph.nodes(graph), ...LiquidGraph.edges(graph)])
  graph = undefined
  const withText = heapAfterGc(gc)
  const records: unknown = JSON.parse(text)
  const withRecords = heapAfterGc(gc)
  if (!Array.isArray(records)) throw new Error("unreachable")
  const result: ChildResult = { facts, graphBytes: withGraph - before, jsonBytes: withRecords - withText }
  process.stdout.write(JSON.stringify(result) + "\n")
  // keep `records` alive until after the reading
  if (records.length < 0) process.stdout.write("")
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
    out.push(lowerIsBetter(sizedName("memory.bytes_per_fact", n), r.graphBytes / n, "B/fact", r.jsonBytes / n))
  }
  return out
}

if (process.argv[2] === "--child" && process.argv[1] === self) child(Number(process.argv[3]))
