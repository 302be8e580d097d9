/**
 * GpuJs — similarity kernels written with gpu.js (`createKernel`), one per gpu.js mode.
 *
 * gpu.js compiles the same kernel function to its backends: `headlessgl` / `webgl2` / `webgl`
 * (GPU), `webasm` (WebAssembly), `cpu` (generated JavaScript). `webgpu` kernels return promises,
 * so they cannot serve the synchronous {@link Kernel} contract and are reported but not built.
 * Output sizes are dynamic: a kernel is compiled once per mode and resized per call.
 *
 * @since 0.1.0
 */
import { GPU } from "gpu.js"
import type { Kernel } from "./Kernel.ts"

/** A gpu.js mode that can run a synchronous kernel. */
export type Mode = "headlessgl" | "webgl2" | "webgl" | "webasm" | "cpu"

/**
 * The gpu.js modes usable here, best first (`webgpu` is listed when its API surface exists, but
 * kernels only use the synchronous ones).
 * Laws: always contains `"cpu"`; deterministic within a process.
 * @complexity O(1)
 * @example backends() // on a machine without GL: ["webasm", "cpu"]
 */
export const backends = (): ReadonlyArray<Mode | "webgpu"> => {
  const out: Array<Mode | "webgpu"> = []
  const probe = (f: () => boolean): boolean => {
    try {
      return f()
    } catch {
      return false
    }
  }
  if (probe(() => GPU.isWebGPUSupported)) out.push("webgpu")
  if (probe(() => GPU.isHeadlessGLSupported)) out.push("headlessgl")
  if (probe(() => GPU.isWebGL2Supported)) out.push("webgl2")
  if (probe(() => GPU.isWebGLSupported)) out.push("webgl")
  if (probe(() => GPU.isWebAssemblySupported)) out.push("webasm")
  out.push("cpu")
  return out
}

// The kernel bodies are gpu.js kernel functions: `this.thread` is the output cell.
interface Thread {
  readonly thread: { readonly x: number; readonly y: number }
}
function dotRow(this: Thread, m: Float32Array, q: Float32Array, dim: number): number {
  let s = 0
  const o = this.thread.x * dim
  for (let i = 0; i < dim; i++) s += m[o + i]! * q[i]!
  return s
}
function dotRowQuery(this: Thread, m: Float32Array, qs: Float32Array, dim: number): number {
  let s = 0
  const o = this.thread.x * dim
  const p = this.thread.y * dim
  for (let i = 0; i < dim; i++) s += m[o + i]! * qs[p + i]!
  return s
}

const MAX_DIM = 4096

interface Resizable {
  (...args: Array<unknown>): unknown
  setOutput(output: Array<number>): unknown
}

const create = (gpu: GPU, fn: Function, output: Array<number>): Resizable =>
  gpu.createKernel(fn as never, {
    output,
    dynamicOutput: true,
    dynamicArguments: true,
    precision: "single",
    tactic: "precision",
    // a gpu.js setting its typings omit: the bound of a loop whose end is an argument
    ...({ loopMaxIterations: MAX_DIM } as object)
  }) as unknown as Resizable

const flat = (r: unknown, into: Float32Array, offset: number, n: number): void => {
  if (r instanceof Float32Array) into.set(r.length === n ? r : r.subarray(0, n), offset)
  else {
    const a = r as ArrayLike<number>
    for (let i = 0; i < n; i++) into[offset + i] = a[i]!
  }
}

/** A gpu.js kernel that also scores several queries in one launch. */
export interface BatchKernel extends Kernel {
  /** `out[j · rows + r]` = query `j` (of `count`, row-major in `queries`) against row `r`. */
  readonly scoresMany: (matrix: Float32Array, rows: number, dim: number, queries: Float32Array, count: number, out: Float32Array) => void
}

/**
 * The gpu.js kernel for `mode`, or `undefined` when gpu.js cannot build it here.
 * Laws: agrees with Kernel.ts `naive` within float32 rounding (`dim · 2⁻²³` relative).
 * @complexity O(rows · dim) per call, plus one compilation per mode
 * @example make("cpu")?.scores(m, rows, dim, q, out)
 */
export const make = (mode: Mode): BatchKernel | undefined => {
  let gpu: GPU
  try {
    gpu = new GPU({ mode })
  } catch {
    return undefined
  }
  let one: Resizable | undefined
  let many: Resizable | undefined
  let shapeOne = -1
  let shapeMany = ""
  const kernel: BatchKernel = {
    name: `gpujs-${mode}`,
    scores: (matrix, rows, dim, query, out) => {
      if (rows <= 0) return
      if (dim > MAX_DIM) throw new RangeError(`gpu.js kernels take dim ≤ ${MAX_DIM}`)
      if (one === undefined) one = create(gpu, dotRow, [rows])
      if (shapeOne !== rows) {
        one.setOutput([rows])
        shapeOne = rows
      }
      flat(one(matrix, query, dim), out, 0, rows)
    },
    scoresMany: (matrix, rows, dim, queries, count, out) => {
      if (rows <= 0 || count <= 0) return
      if (dim > MAX_DIM) throw new RangeError(`gpu.js kernels take dim ≤ ${MAX_DIM}`)
      if (many === undefined) many = create(gpu, dotRowQuery, [rows, count])
      if (shapeMany !== `${rows}x${count}`) {
        many.setOutput([rows, count])
        shapeMany = `${rows}x${count}`
      }
      const r = many(matrix, queries, dim) as ArrayLike<unknown>
      for (let j = 0; j < count; j++) flat(r[j], out, j * rows, rows)
    }
  }
  try {
    // Build now, so that a mode gpu.js lists but cannot compile is reported as unavailable.
    const probe = new Float32Array(4)
    kernel.scores(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), 2, 4, new Float32Array([1, 0, 0, 1]), probe)
    if (probe[0] !== 5 || probe[1] !== 13) return undefined
  } catch {
    return undefined
  }
  return kernel
}
