/**
 * gpu — the kernel measurement the registry's defaults follow (run it through `bench/gpu.sh` on a
 * machine with a GPU; it runs anywhere).
 *
 * ```sh
 * bash bench/gpu.sh                                      # measure, print, write the table
 * node bench/gpu.ts [--write core/kernels/Measured.ts] [--sizes 1e5,1e6]
 * ```
 *
 * For this machine's gpu.js backend (`Registry.backend()`: `headlessgl` where headless-gl and a
 * GPU work, else `webasm` / `cpu`) it measures every kernel that runs here (`Registry.available()`:
 * the gpu.js kernels of each usable mode, wasm-simd, js-blocked, js-naive) as GB/s of rows read
 * by one exact scan of a seeded clustered store (bench/similarity.ts's data, 100-d, in 256-row
 * pages), beside the copy bandwidth of the same bytes (the baseline, measured in the same run);
 * prints one JSON line per figure (`similarity.<kernel>_gbps[@size]`, baseline and ratio as in
 * bench/Metric.ts); and with `--write FILE` rewrites the measured table there (a TypeScript data
 * module): the entry of this backend is replaced by these figures (the smallest over the sizes,
 * a kernel's sustained rate), the other backends' entries are kept. `Registry.defaultKernel`
 * reads the table: the fastest measured kernel of the current backend that runs.
 */
import { readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as Registry from "../core/kernels/Registry.ts"
import * as VectorStore from "../core/VectorStore.ts"
import { clustered } from "./similarity.ts"
import { formatJsonLine } from "./run.ts"
import { higherIsBetter, type Metric, progress, sizedName } from "./Metric.ts"

const DIM = 100

const median = (xs: ReadonlyArray<number>): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!

/** Median ms of `f` over `reps` runs after two warm-up runs. */
const time = (f: () => void, reps: number): number => {
  f()
  f()
  const ts: Array<number> = []
  for (let i = 0; i < reps; i++) {
    const t = performance.now()
    f()
    ts.push(performance.now() - t)
  }
  return median(ts)
}

/** GB/s of each kernel here at `n` rows, and the copy baseline. */
export const measure = (n: number, reps = 7): { readonly copy: number; readonly kernels: Record<string, number> } => {
  const store = clustered(n, DIM, 1)
  const q = new Float32Array(DIM)
  const first = VectorStore.get(store, "v0")!
  for (let d = 0; d < DIM; d++) q[d] = first[d]!
  const bytes = store.rows * DIM * 4
  const gbps = (ms: number): number => bytes / ms / 1e6
  const scratch = new Float32Array(VectorStore.PAGE_ROWS * DIM)
  const copy = gbps(time(() => VectorStore.forEachPage(store, (data, rows) => scratch.set(data.subarray(0, rows * DIM))), reps))
  const kernels: Record<string, number> = {}
  const out = new Float32Array(VectorStore.PAGE_ROWS)
  for (const name of Registry.available()) {
    const kernel = Registry.kernel(name)!
    kernels[name] = gbps(time(() => VectorStore.forEachPage(store, (data, rows) => kernel.scores(data, rows, DIM, q, out)), reps))
  }
  return { copy, kernels }
}

/** The table module's text: `measured` per backend, with where and when each entry was measured. */
export const tableSource = (entries: Readonly<Record<string, { readonly gbps: Registry.Measured; readonly where: string }>>): string => {
  const backends = Object.keys(entries).sort()
  const body = backends
    .map((b) => {
      const e = entries[b]!
      const rates = Object.keys(e.gbps)
        .sort()
        .map((k) => `    ${JSON.stringify(k)}: ${Number(e.gbps[k]!.toFixed(2))}`)
        .join(",\n")
      return `  // ${e.where}\n  ${JSON.stringify(b)}: {\n${rates}\n  }`
    })
    .join(",\n")
  const wheres = backends.map((b) => `  ${JSON.stringify(b)}: ${JSON.stringify(entries[b]!.where)}`).join(",\n")
  return `/**
 * Measured — kernel throughput (GB/s of rows read by one exact scan, 100-d, 256-row pages) per
 * gpu.js backend, written by \`bash bench/gpu.sh\` (bench/gpu.ts --write); Registry's default
 * kernel for a backend is the fastest measured one that runs. Do not edit by hand: rerun the
 * script on the machine whose backend you want measured (other backends' entries are kept).
 *
 * @since 0.2.0
 */
/** GB/s per kernel name, per backend measured (keys: \`Registry.Backend\` names; plain strings so this table imports nothing). */
export const measured: Readonly<Record<string, Readonly<Record<string, number>>>> = {
${body}
}

/** Where and when each backend's entry was measured. */
export const where: Readonly<Record<string, string>> = {
${wheres}
}
`
}

/** The entries of an existing table file (empty when there is none or it does not parse). */
const readTable = (file: string): Record<string, { gbps: Registry.Measured; where: string }> => {
  let text: string
  try {
    text = readFileSync(file, "utf8")
  } catch {
    return {}
  }
  const out: Record<string, { gbps: Registry.Measured; where: string }> = {}
  const m = /export const measured[^=]*=\s*(\{[\s\S]*?\n\})/.exec(text)
  const w = /export const where[^=]*=\s*(\{[\s\S]*?\n\})/.exec(text)
  if (m === null || w === null) return {}
  try {
    const strip = (s: string): string => s.replace(/\/\/.*$/gm, "")
    const gbps = JSON.parse(strip(m[1]!).replace(/,(\s*[}\]])/g, "$1")) as Record<string, Registry.Measured>
    const wheres = JSON.parse(strip(w[1]!).replace(/,(\s*[}\]])/g, "$1")) as Record<string, string>
    for (const b of Object.keys(gbps)) out[b] = { gbps: gbps[b]!, where: wheres[b] ?? "unknown" }
  } catch {
    return {}
  }
  return out
}

const main = (): void => {
  const argv = process.argv.slice(2)
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const write = at("--write")
  const sizes = (at("--sizes") ?? "1e5").split(",").map(Number)
  const backend = Registry.backend()
  progress(`gpu: gpu.js backends here: ${Registry.available().join(", ")}; backend ${backend}`)
  const sustained: Record<string, number> = {}
  for (const n of sizes) {
    progress(`gpu: measuring ${n} rows × ${DIM}`)
    const { copy, kernels } = measure(n)
    const metrics: Array<Metric> = [{ name: sizedName("similarity.copy_gbps", n), value: copy, unit: "GB/s" }]
    for (const [name, rate] of Object.entries(kernels)) {
      metrics.push(higherIsBetter(sizedName(`similarity.${name.replace(/-/g, "_")}_gbps`, n), rate, "GB/s", copy))
      sustained[name] = Math.min(sustained[name] ?? Infinity, rate)
    }
    for (const m of metrics) process.stdout.write(formatJsonLine(m) + "\n")
  }
  const best = Object.entries(sustained).sort((a, b) => b[1] - a[1])[0]
  progress(`gpu: fastest here: ${best?.[0]} (${best?.[1].toFixed(2)} GB/s); current default ${Registry.defaultKernel.name}`)
  if (write !== undefined) {
    const entries = readTable(write)
    const cpu = os.cpus()[0]?.model ?? "unknown CPU"
    entries[backend] = { gbps: sustained, where: `${cpu}, ${os.cpus().length} cores, Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}, sizes ${sizes.join(",")}` }
    writeFileSync(write, tableSource(entries))
    progress(`gpu: wrote the ${backend} entry of ${write}`)
  }
}

if (import.meta.main === true || process.argv[1]?.endsWith("bench/gpu.ts")) main()
