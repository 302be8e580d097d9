/**
 * Check — the core's similarity search (top-k cosine over a `VectorStore`) run through the gpu.js
 * kernels on WebGL2 (else WebGL, else gpu.js's CPU mode), checked against the CPU kernels.
 *
 * The data: `rows` seeded clustered vectors of `dim` values (centres plus Gaussian noise, the
 * shape of the similarity benchmark's data), put in a `VectorStore` (unit length), and `queries`
 * seeded query vectors drawn the same way.
 *
 * What runs:
 * - GPU, batched: the store's rows in one matrix, all queries scored at once by the gpu.js kernel
 *   (`GpuJs.make(mode).scoresMany`, one launch per {@link BLOCK_ROWS} rows: the rows and the
 *   queries go up as textures, the scores come back), then a top-k heap per query (core/kernels/TopK).
 * - GPU, through the core: `Similarity.topK(store, q, k, accept, kernel)` with the gpu.js kernel —
 *   the core's own search (one launch per 256-row page of the store) — for every query.
 * - CPU: `Similarity.topK` with the default kernel of this browser (`Registry.defaultKernel`, the
 *   tuned CPU path), and the float64 reference scores of every row (`Kernel.naive`), the oracle.
 *
 * What is compared: the largest |GPU score − float64 reference score| over every row and query,
 * against the tolerance the core states for every kernel (|Δscore| ≤ 1e-5 for unit vectors of
 * dim ≤ 4096: core/Similarity.ts, laws/Similarity.test.ts); and the top-k ids of the GPU and the
 * CPU paths against the reference's, equal except where two candidates' reference scores lie
 * within the tolerance of each other (a tie the rounding may order either way).
 */
import * as GpuJs from "../../core/kernels/GpuJs.ts"
import * as Prng from "../../core/kernels/Prng.ts"
import * as Registry from "../../core/kernels/Registry.ts"
import * as TopK from "../../core/kernels/TopK.ts"
import * as Similarity from "../../core/Similarity.ts"
import * as VectorStore from "../../core/VectorStore.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The core's stated agreement of every kernel with the float64 reference (core/Similarity.ts). */
export const TOLERANCE = 1e-5

/** What to check. */
export interface CheckOptions {
  readonly rows?: number
  readonly dim?: number
  readonly k?: number
  readonly queries?: number
  readonly seed?: number
  /** The gpu.js modes to try, best first (default: webgl2, webgl, then gpu.js's CPU mode). */
  readonly modes?: ReadonlyArray<Backend>
  /** Check this kernel instead of picking one from `modes` (what a test hands in to see a bad kernel caught). */
  readonly kernel?: { readonly mode: Backend; readonly kernel: GpuJs.BatchKernel }
}

/** The gpu.js mode that ran: a GPU one, or gpu.js's CPU mode where no WebGL exists. */
export type Backend = "webgl2" | "webgl" | "cpu"

export const defaults = { rows: 10_000, dim: 100, k: 10, queries: 16, seed: 7 } as const

/** One query's top-k, by each path. */
export interface QueryResult {
  readonly gpu: ReadonlyArray<TopK.Hit>
  /** `Similarity.topK` with the gpu.js kernel. */
  readonly core: ReadonlyArray<TopK.Hit>
  readonly cpu: ReadonlyArray<TopK.Hit>
  readonly reference: ReadonlyArray<TopK.Hit>
}

/** The outcome of a check. */
export interface GpuCheck {
  /** The gpu.js mode that actually ran the kernel. */
  readonly backend: Backend
  /** The gpu.js kernel's name (`gpujs-webgl2`, …) and the CPU kernel compared with. */
  readonly kernel: string
  readonly cpuKernel: string
  /** The modes tried that could not build a kernel here, with why. */
  readonly unavailable: ReadonlyArray<string>
  /** The WebGL renderer (e.g. SwiftShader, or a real GPU), when the browser tells it. */
  readonly renderer?: string
  readonly rows: number
  readonly dim: number
  readonly k: number
  readonly queries: number
  /** max |GPU score − float64 reference| over every row of every query. */
  readonly maxAbsError: number
  /** max |CPU kernel score − float64 reference| over the CPU top-k hits. */
  readonly cpuMaxAbsError: number
  readonly tolerance: number
  /** Every query's GPU top-k ids agree with the reference's (modulo ties within the tolerance). */
  readonly topKAgree: boolean
  /** The same for the CPU path. */
  readonly cpuTopKAgree: boolean
  /** The core's `Similarity.topK` with the gpu.js kernel agrees with the reference's top-k, every query. */
  readonly coreAgrees: boolean
  /** max |score − float64 reference| over the core search's top-k hits (gpu.js kernel). */
  readonly coreMaxAbsError: number
  /** `maxAbsError ≤ tolerance` and every top-k agrees. */
  readonly ok: boolean
  readonly ms: {
    /** The first launch (kernel compilation included). */
    readonly compile: number
    /** The batched launches of all queries plus the top-k heaps, after compilation. */
    readonly gpu: number
    /** `Similarity.topK` with the default CPU kernel, all queries. */
    readonly cpu: number
    /** `Similarity.topK` with the gpu.js kernel (one launch per page), all queries. */
    readonly gpuCore: number
    readonly data: number
  }
  readonly results: ReadonlyArray<QueryResult>
}

// ── data ──────────────────────────────────────────────────────────────────────

/**
 * The check's data: a store of `rows` clustered vectors (ids `v0…`) and `queries` unit queries
 * (row-major), both from `seed`.
 * Laws: deterministic in its arguments.
 * @complexity O((rows + queries) · dim)
 */
export const dataset = (rows: number, dim: number, queries: number, seed: number): { store: VectorStore.VectorStore; queries: Float32Array } => {
  const next = Prng.clustered(dim, seed, Math.max(1, Math.min(500, rows >> 4)), 0.35)
  let store = VectorStore.empty(dim)
  const v = new Float32Array(dim)
  for (let i = 0; i < rows; i++) {
    next(v)
    store = VectorStore.set(store, `v${i}`, v)
  }
  const qs = new Float32Array(queries * dim)
  for (let j = 0; j < queries; j++) {
    next(v)
    qs.set(Similarity.normalise(v), j * dim)
  }
  return { store, queries: qs }
}

/** The live rows of `store` as one row-major matrix, with their ids. @complexity O(n · dim) */
export const flatten = (store: VectorStore.VectorStore): { matrix: Float32Array; ids: Array<string> } => {
  const ids: Array<string> = []
  const matrix = new Float32Array(store.size * store.dim)
  for (const [id, v] of VectorStore.entries(store)) {
    matrix.set(v, ids.length * store.dim)
    ids.push(id)
  }
  return { matrix, ids }
}

// ── comparing ─────────────────────────────────────────────────────────────────

/** The `k` best of `scores` (score desc, id asc), by the core's heap. @complexity O(n log k) */
export const topOf = (scores: Float32Array | Float64Array, ids: ReadonlyArray<string>, k: number): Array<TopK.Hit> => {
  const heap = TopK.make(Math.min(k, ids.length))
  for (let r = 0; r < ids.length; r++) if (TopK.admits(heap, scores[r]!)) TopK.offer(heap, scores[r]!, ids[r]!)
  return TopK.drain(heap)
}

/**
 * Whether `got` lists the reference's top-k, allowing a swap where the reference scores of the
 * two ids differ by at most `tolerance` (rounding may order near-ties either way).
 * Laws: `agrees(ref, ref, …)`; a list with a clearly worse id (by more than `tolerance`) fails.
 * @complexity O(k)
 */
export const agrees = (got: ReadonlyArray<TopK.Hit>, reference: ReadonlyArray<TopK.Hit>, referenceScore: (id: string) => number, tolerance: number): boolean =>
  got.length === reference.length &&
  got.every((h, i) => h.id === reference[i]!.id || Math.abs(referenceScore(h.id) - reference[i]!.score) <= tolerance)

// ── the check ─────────────────────────────────────────────────────────────────

/** The WebGL renderer string of this browser, when it has WebGL and tells it. */
export const renderer = (): string | undefined => {
  if (typeof document === "undefined") return undefined
  try {
    const canvas = document.createElement("canvas")
    const gl = (canvas.getContext("webgl2") ?? canvas.getContext("webgl")) as WebGLRenderingContext | null
    if (gl === null) return undefined
    const info = gl.getExtension("WEBGL_debug_renderer_info")
    return String(gl.getParameter(info === null ? gl.RENDERER : info.UNMASKED_RENDERER_WEBGL))
  } catch {
    return undefined
  }
}

/** A kernel to check, the mode it runs in, and the modes tried before it that could not run. */
export interface Picked {
  readonly mode: Backend
  readonly kernel: GpuJs.BatchKernel
  readonly unavailable: ReadonlyArray<string>
}

/** Whether {@link pickKernel} found a kernel. */
export const isPicked = (p: Picked | { readonly unavailable: ReadonlyArray<string> }): p is Picked => "kernel" in p

/** The first of `modes` for which gpu.js builds a working kernel here, and why the others did not. */
export const pickKernel = (modes: ReadonlyArray<Backend>): Picked | { readonly unavailable: ReadonlyArray<string> } => {
  const listed = GpuJs.backends()
  const unavailable: Array<string> = []
  for (const mode of modes) {
    if (!listed.includes(mode)) {
      unavailable.push(`${mode}: not supported here`)
      continue
    }
    const kernel = GpuJs.make(mode)
    if (kernel === undefined) {
      unavailable.push(`${mode}: gpu.js could not build a correct kernel`)
      continue
    }
    return { mode, kernel, unavailable }
  }
  return { unavailable }
}

const now = (): number => performance.now()

/**
 * Rows per launch: a gpu.js kernel's output is a texture, and WebGL bounds a texture's side
 * (8192 under SwiftShader, often 16384 on GPUs), so the `rows × queries` output goes in blocks.
 */
export const BLOCK_ROWS = 4096

/**
 * `out[j · rows + r]` = query `j` against row `r`, on `kernel`: one launch per block of
 * {@link BLOCK_ROWS} rows, every query at once.
 * Laws: equals `kernel.scoresMany(matrix, rows, dim, queries, count, out)` where that fits a texture.
 * @complexity O(rows · dim · count) on the device, ⌈rows / BLOCK_ROWS⌉ launches
 */
export const scoreOnGpu = (kernel: GpuJs.BatchKernel, matrix: Float32Array, rows: number, dim: number, queries: Float32Array, count: number, out: Float32Array): void => {
  const block = new Float32Array(Math.min(rows, BLOCK_ROWS) * count)
  for (let start = 0; start < rows; start += BLOCK_ROWS) {
    const n = Math.min(BLOCK_ROWS, rows - start)
    kernel.scoresMany(matrix.subarray(start * dim, (start + n) * dim), n, dim, queries, count, block)
    for (let j = 0; j < count; j++) out.set(block.subarray(j * n, (j + 1) * n), j * rows + start)
  }
}

/**
 * Runs the check (see the module header). Rejects only when no gpu.js mode at all runs here.
 * Laws: `ok ⇔ maxAbsError ≤ tolerance ∧ coreMaxAbsError ≤ tolerance ∧ topKAgree ∧ cpuTopKAgree ∧ coreAgrees`.
 * @complexity O(rows · dim · queries) on each path
 */
export const checkGpu = async (options: CheckOptions = {}): Promise<GpuCheck> => {
  const rows = options.rows ?? defaults.rows
  const dim = options.dim ?? defaults.dim
  const k = options.k ?? defaults.k
  const count = options.queries ?? defaults.queries
  const seed = options.seed ?? defaults.seed
  const picked: Picked | { readonly unavailable: ReadonlyArray<string> } =
    options.kernel !== undefined ? { ...options.kernel, unavailable: [] } : pickKernel(options.modes ?? ["webgl2", "webgl", "cpu"])
  if (!isPicked(picked)) throw new Error(`no gpu.js mode runs here (${picked.unavailable.join("; ")})`)
  const { kernel, mode, unavailable } = picked

  let t = now()
  const { queries, store } = dataset(rows, dim, count, seed)
  const { ids, matrix } = flatten(store)
  const data = now() - t

  // the GPU: every query in one launch per block of rows; the first call compiles
  const scores = new Float32Array(rows * count)
  t = now()
  scoreOnGpu(kernel, matrix, rows, dim, queries, count, scores)
  const compile = now() - t
  t = now()
  scoreOnGpu(kernel, matrix, rows, dim, queries, count, scores)
  const gpuTops: Array<Array<TopK.Hit>> = []
  for (let j = 0; j < count; j++) gpuTops.push(topOf(scores.subarray(j * rows, (j + 1) * rows), ids, k))
  const gpu = now() - t

  // the CPU: the core's top-k with this browser's default kernel
  t = now()
  const cpuTops: Array<Array<TopK.Hit>> = []
  for (let j = 0; j < count; j++) cpuTops.push(Similarity.topK(store, queries.subarray(j * dim, (j + 1) * dim), k))
  const cpu = now() - t

  // the core's own search with the gpu.js kernel
  t = now()
  const coreTops: Array<Array<TopK.Hit>> = []
  for (let j = 0; j < count; j++) coreTops.push(Similarity.topK(store, queries.subarray(j * dim, (j + 1) * dim), k, undefined, kernel))
  const gpuCore = now() - t

  // the oracle: float64 scores of every row
  let maxAbsError = 0
  let cpuMaxAbsError = 0
  let coreMaxAbsError = 0
  let coreAgrees = true
  let topKAgree = true
  let cpuTopKAgree = true
  const results: Array<QueryResult> = []
  const reference = new Float64Array(rows)
  const slot = new Map<string, number>(ids.map((id, r) => [id, r]))
  for (let j = 0; j < count; j++) {
    const q = queries.subarray(j * dim, (j + 1) * dim)
    for (let r = 0; r < rows; r++) {
      let s = 0
      const o = r * dim
      for (let i = 0; i < dim; i++) s += matrix[o + i]! * q[i]!
      reference[r] = s
      maxAbsError = Math.max(maxAbsError, Math.abs(scores[j * rows + r]! - s))
    }
    const ref = topOf(reference, ids, k)
    const score = (id: string) => reference[slot.get(id)!]!
    for (const h of cpuTops[j]!) cpuMaxAbsError = Math.max(cpuMaxAbsError, Math.abs(h.score - score(h.id)))
    for (const h of coreTops[j]!) coreMaxAbsError = Math.max(coreMaxAbsError, Math.abs(h.score - score(h.id)))
    coreAgrees &&= agrees(coreTops[j]!, ref, score, TOLERANCE)
    topKAgree &&= agrees(gpuTops[j]!, ref, score, TOLERANCE)
    cpuTopKAgree &&= agrees(cpuTops[j]!, ref, score, TOLERANCE)
    results.push({ gpu: gpuTops[j]!, core: coreTops[j]!, cpu: cpuTops[j]!, reference: ref })
  }
  const seen = renderer()
  return {
    backend: mode,
    kernel: kernel.name,
    cpuKernel: Registry.defaultKernel.name,
    unavailable,
    ...(seen === undefined ? {} : { renderer: seen }),
    rows, dim, k, queries: count,
    maxAbsError, cpuMaxAbsError, coreMaxAbsError, tolerance: TOLERANCE,
    topKAgree, cpuTopKAgree, coreAgrees,
    ok: maxAbsError <= TOLERANCE && coreMaxAbsError <= TOLERANCE && topKAgree && cpuTopKAgree && coreAgrees,
    ms: { compile, gpu, cpu, gpuCore, data },
    results
  }
}
