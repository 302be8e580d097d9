/**
 * The benchmark runner.
 *
 * ```sh
 * npm run bench -- [--quick] [--json] [--only engram,recall,extract] [--sizes 1e3,1e4,1e5,1e6]
 * ```
 *
 * Runs each selected bench (one module per operation, each exporting
 * `run(opts): Promise<Array<Metric>>`) in order and prints its metrics: with `--json` one JSON
 * object per line (`{"name","value","unit","baseline"?,"ratio"?}`), otherwise a table. Progress
 * and errors go to stderr. A bench that fails (e.g. a transition module that does not exist yet)
 * prints its error to stderr, prints no figure, and makes the exit code 1; the others still run.
 *
 * `--quick` uses sizes 10^3, 10^4, 10^5 and fewer repetitions, plus the sizes of
 * {@link QUICK_EXTRA} for the benches listed there (recall and memory also run at 10^6: the
 * figures the targets name); the default (full) run adds 10^6 to every bench. `--sizes` replaces
 * all of these (no extra sizes when it differs from the quick sizes). When a size of 10^6 or more
 * will run and the heap limit is small, the runner re-executes itself once with a larger
 * `--max-old-space-size`.
 */
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { getHeapStatistics } from "node:v8"
import type { BenchOptions, Metric } from "./Metric.ts"
import { progress } from "./Metric.ts"

/** The benches, in the order they run. */
export const BENCHES = ["engram", "recall", "similarity", "replay", "snapshot", "memory", "extract", "serve", "cluster"] as const
export type BenchName = (typeof BENCHES)[number]

/** What every bench module exports. */
export type BenchModule = { readonly run: (opts: BenchOptions) => Promise<Array<Metric>> }

/** Loads a bench module (lazily: a bench whose core modules are missing fails alone). */
export const loadBench: Record<BenchName, () => Promise<BenchModule>> = {
  engram: () => import("./engram.ts"),
  recall: () => import("./recall.ts"),
  similarity: () => import("./similarity.ts"),
  replay: () => import("./replay.ts"),
  snapshot: () => import("./snapshot.ts"),
  memory: () => import("./memory.ts"),
  extract: () => import("./extract.ts"),
  serve: () => import("./serve.ts"),
  cluster: () => import("./cluster.ts")
}

/** Parsed command line. */
export interface Args {
  readonly quick: boolean
  readonly json: boolean
  readonly only: ReadonlyArray<BenchName>
  readonly sizes: ReadonlyArray<number>
}

export const QUICK_SIZES: ReadonlyArray<number> = [1e3, 1e4, 1e5]

/** Sizes a `--quick` run adds per bench (the targets at 10^6: recall latency, bytes per fact). */
export const QUICK_EXTRA: Partial<Record<BenchName, ReadonlyArray<number>>> = { recall: [1e6], memory: [1e6] }

/**
 * The sizes bench `name` runs at: `args.sizes`, plus {@link QUICK_EXTRA} in a quick run whose
 * sizes are the quick ones (not replaced by `--sizes`); ascending.
 */
export const sizesFor = (args: Args, name: BenchName): Array<number> => {
  const quickDefault = args.quick && args.sizes.length === QUICK_SIZES.length && args.sizes.every((s, i) => s === QUICK_SIZES[i])
  const extra = quickDefault ? (QUICK_EXTRA[name] ?? []) : []
  return [...new Set([...args.sizes, ...extra])].sort((a, b) => a - b)
}
export const FULL_SIZES: ReadonlyArray<number> = [1e3, 1e4, 1e5, 1e6]

const parseSize = (s: string): number => {
  const n = Number(s)
  if (!Number.isInteger(n) || n < 10) throw new Error(`--sizes: ${JSON.stringify(s)} is not an integer ≥ 10 (e.g. 1e4)`)
  return n
}

/**
 * Parses the runner's arguments (without `node` and the script).
 * @throws Error on an unknown flag, an unknown bench name or a bad size.
 */
export const parseArgs = (argv: ReadonlyArray<string>): Args => {
  let quick = false
  let json = false
  let only: ReadonlyArray<BenchName> = BENCHES
  let sizes: ReadonlyArray<number> | undefined
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined]
    const value = (): string => {
      const v = inline ?? argv[++i]
      if (v === undefined || v.length === 0) throw new Error(`${flag} needs a value`)
      return v
    }
    switch (flag) {
      case "--quick":
        quick = true
        break
      case "--json":
        json = true
        break
      case "--only": {
        const names = value().split(",").map((s) => s.trim()).filter((s) => s.length > 0)
        for (const n of names) {
          if (!(BENCHES as ReadonlyArray<string>).includes(n)) {
            throw new Error(`--only: unknown bench ${JSON.stringify(n)} (known: ${BENCHES.join(", ")})`)
          }
        }
        only = BENCHES.filter((b) => names.includes(b))
        break
      }
      case "--sizes":
        sizes = value().split(",").map((s) => parseSize(s.trim()))
        break
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)}`)
    }
  }
  return { quick, json, only, sizes: [...(sizes ?? (quick ? QUICK_SIZES : FULL_SIZES))].sort((a, b) => a - b) }
}

/** One metric as one JSON line: exactly the keys name, value, unit, and baseline/ratio when measured. */
export const formatJsonLine = (m: Metric): string => {
  const o: Record<string, string | number> = { name: m.name, value: m.value, unit: m.unit }
  if (m.baseline !== undefined) o["baseline"] = m.baseline
  if (m.ratio !== undefined) o["ratio"] = m.ratio
  return JSON.stringify(o)
}

const num = (x: number | undefined): string => {
  if (x === undefined) return "-"
  const a = Math.abs(x)
  if (a === 0) return "0"
  if (a >= 1e6) return x.toExponential(3)
  if (a >= 100) return x.toFixed(0)
  if (a >= 1) return x.toFixed(2)
  return x.toPrecision(3)
}

/** A readable table of metrics (ratio > 1: better than the baseline). */
export const formatTable = (ms: ReadonlyArray<Metric>): string => {
  const rows = [["metric", "value", "unit", "baseline", "ratio"], ...ms.map((m) => [m.name, num(m.value), m.unit, num(m.baseline), m.ratio === undefined ? "-" : m.ratio.toFixed(2) + "×"])]
  const w = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  return rows
    .map((r, i) => r.map((cell, c) => (c === 0 || c === 2 ? cell.padEnd(w[c]!) : cell.padStart(w[c]!))).join("  ") + (i === 0 ? "\n" + w.map((x) => "-".repeat(x)).join("  ") : ""))
    .join("\n")
}

/** Rejects a metric with a non-finite figure (never print a made-up or broken number). */
export const checkMetric = (m: Metric): Metric => {
  const bad = [m.value, m.baseline, m.ratio].some((x) => x !== undefined && !Number.isFinite(x))
  if (bad || m.name.length === 0 || m.unit.length === 0) throw new Error(`malformed metric ${JSON.stringify(m)}`)
  return m
}

/**
 * Runs the selected benches; `emit` receives each metric as soon as its bench finishes.
 * Returns the names of the benches that failed.
 */
export const runBenches = async (args: Args, emit: (m: Metric) => void): Promise<Array<string>> => {
  const failed: Array<string> = []
  for (const name of args.only) {
    const opts: BenchOptions = { quick: args.quick, sizes: sizesFor(args, name) }
    const t = performance.now()
    progress(`${name}: start (sizes ${opts.sizes.join(", ")}${args.quick ? ", quick" : ""})`)
    try {
      const mod = await loadBench[name]()
      const metrics = (await mod.run(opts)).map(checkMetric)
      for (const m of metrics) emit(m)
      progress(`${name}: done in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    } catch (e) {
      failed.push(name)
      const msg = e instanceof Error ? e.message : String(e)
      progress(`${name}: FAILED — no figure reported: ${msg.split("\n")[0]}`)
    }
  }
  return failed
}

const HEAP_FOR_1E6 = 12 * 1024 ** 3

const main = async (): Promise<void> => {
  let args: Args
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`)
    process.exitCode = 2
    return
  }
  if (Math.max(...args.only.flatMap((b) => sizesFor(args, b))) >= 1e6 && getHeapStatistics().heap_size_limit < HEAP_FOR_1E6 && process.env["MAGS_BENCH_REEXEC"] === undefined) {
    progress("re-executing with --max-old-space-size=16384 for sizes ≥ 10^6")
    const r = spawnSync(process.execPath, ["--max-old-space-size=16384", fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, MAGS_BENCH_REEXEC: "1" }
    })
    process.exitCode = r.status ?? 1
    return
  }
  const all: Array<Metric> = []
  const failed = await runBenches(args, (m) => {
    if (args.json) process.stdout.write(formatJsonLine(m) + "\n")
    else all.push(m)
  })
  if (!args.json) process.stdout.write(formatTable(all) + "\n")
  if (failed.length > 0) {
    progress(`failed: ${failed.join(", ")}`)
    process.exitCode = 1
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main()
