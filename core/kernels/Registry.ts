/**
 * Registry — every similarity kernel available here, and the default per backend, decided by
 * the benchmark.
 *
 * Measured (bench/similarity.ts, full run, 10^5 × 100-d clustered unit float32 rows in 256-row
 * pages, one query, AMD EPYC 2 cores, Node 24.21, machine otherwise idle; reproduce with
 * `./node_modules/.bin/node --input-type=module -e "import('./bench/similarity.ts').then(m=>m.run({quick:false,sizes:[1e5]})).then(r=>console.table(r))"`):
 *
 * | kernel        | GB/s read (bench) | GB/s (isolated micro-bench, one kernel per process) |
 * |---------------|-------------------|-----------------------------------------------------|
 * | copy baseline | 31.7              | 27–29                                               |
 * | wasm-simd     | 17.5 (0.55 × copy)| 18.5 (0.68 × copy)                                  |
 * | js-blocked    | 2.9               | 7.6–8.2                                             |
 * | gpujs-cpu     | 2.4               | 5.4–6.0                                             |
 * | js-naive      | 2.5               | 4.2                                                 |
 * | gpujs-webasm  | 1.9               | 2.7–3.6                                             |
 *
 * (The JS kernels measure lower inside the bench, where one process runs every kernel, than
 * alone; wasm-simd wins by ≥ 2× either way.) At 10^6 × 100-d: copy 12.0, wasm-simd 6.4,
 * gpujs-cpu 4.2, js-blocked 3.5 GB/s.
 *
 * GL / WebGPU modes were not available on the measuring machine (no `gl` package; the
 * `webgpu` package's dawn.node needs GLIBCXX_3.4.32), so their entries are unmeasured and keep
 * the best CPU kernel until a measurement says otherwise: `bash bench/gpu.sh` on a machine with
 * a GPU measures every kernel that runs there and writes its backend's entry of
 * core/kernels/Measured.ts, which {@link defaultKernel} follows.
 *
 * @since 0.1.0
 */
import * as GpuJs from "./GpuJs.ts"
import * as MeasuredTable from "./Measured.ts"
import { blocked, type Kernel, naive } from "./Kernel.ts"
import { wasmSimd } from "./Wasm.ts"

/** A backend: a gpu.js mode, or plain JavaScript. */
export type Backend = GpuJs.Mode | "webgpu" | "js"

/** Kernel names, best first by the measurements above, per backend. */
export const table: Readonly<Record<Backend, ReadonlyArray<string>>> = {
  headlessgl: ["wasm-simd", "js-blocked", "gpujs-headlessgl"],
  webgl2: ["wasm-simd", "js-blocked", "gpujs-webgl2"],
  webgl: ["wasm-simd", "js-blocked", "gpujs-webgl"],
  webgpu: ["wasm-simd", "js-blocked"],
  webasm: ["wasm-simd", "js-blocked", "gpujs-cpu", "gpujs-webasm"],
  cpu: ["wasm-simd", "js-blocked", "gpujs-cpu"],
  js: ["js-blocked", "js-naive"]
}

const gpuJsCache = new Map<GpuJs.Mode, Kernel | undefined>()

/**
 * The kernel called `name`, when it can run here (gpu.js kernels are compiled on first use).
 * Laws: `kernel(n)?.name == n`.
 * @complexity O(1) after the first call per name
 * @example kernel("js-blocked")
 */
export const kernel = (name: string): Kernel | undefined => {
  if (name === "js-naive") return naive
  if (name === "js-blocked") return blocked
  if (name === "wasm-simd") return wasmSimd
  if (name.startsWith("gpujs-")) {
    const mode = name.slice(6) as GpuJs.Mode
    if (!gpuJsCache.has(mode)) gpuJsCache.set(mode, GpuJs.backends().includes(mode) ? GpuJs.make(mode) : undefined)
    return gpuJsCache.get(mode)
  }
  return undefined
}

/**
 * Every kernel name that can run here.
 * Laws: each `kernel(n)` is defined; always includes "js-naive" and "js-blocked".
 * @complexity O(backends) (compiles the gpu.js kernels)
 * @example available() // ["js-naive", "js-blocked", "wasm-simd", "gpujs-webasm", "gpujs-cpu"]
 */
export const available = (): ReadonlyArray<string> => {
  const names = ["js-naive", "js-blocked", "wasm-simd", ...GpuJs.backends().filter((m) => m !== "webgpu").map((m) => `gpujs-${m}`)]
  return names.filter((n) => kernel(n) !== undefined)
}

/** A throughput measurement: kernel name → GB/s read. */
export type Measured = Readonly<Record<string, number>>

/**
 * The kernel for `backend`: the fastest measured kernel that runs here when `measured` is
 * given, else the first runnable entry of {@link table}; `js-blocked` at worst.
 * Laws: deterministic; `choose(b, m).name` maximises `m` among runnable measured kernels.
 * @complexity O(kernels)
 * @example choose("cpu").name // "wasm-simd"
 */
export const choose = (backend: Backend, measured?: Measured): Kernel => {
  if (measured !== undefined) {
    // fastest first (ties by name), and only the kernels up to the first that runs are built
    const names = Object.keys(measured).sort((a, b) => measured[b]! - measured[a]! || (a < b ? -1 : a > b ? 1 : 0))
    for (const n of names) {
      const k = kernel(n)
      if (k !== undefined) return k
    }
  }
  for (const n of table[backend]) {
    const k = kernel(n)
    if (k !== undefined) return k
  }
  return blocked
}

/**
 * The best backend here: the first gpu.js mode reported by GpuJs.backends() that the table knows
 * and can run synchronously (`webgpu` is skipped: its kernels are asynchronous).
 * Laws: one of GpuJs.backends() except "webgpu".
 * @complexity O(1)
 * @example backend() // "webasm" on a machine without GL
 */
export const backend = (): Backend => GpuJs.backends().find((m) => m !== "webgpu") ?? "cpu"

/**
 * The default kernel of this machine: the fastest kernel that runs here as measured for its
 * backend (core/kernels/Measured.ts, written by `bash bench/gpu.sh`), else the first runnable
 * entry of {@link table} (no gpu.js kernel is compiled unless it comes first).
 * Laws: `defaultKernel == choose(backend(), MeasuredTable.measured[backend()])`.
 */
export const defaultKernel: Kernel = choose(backend(), MeasuredTable.measured[backend()])
