/**
 * Wasm — a WebAssembly f32x4 SIMD kernel: the tuned CPU path that the benchmark made the default
 * where no GPU backend exists.
 *
 * Why hand-written WebAssembly: JavaScript cannot vectorise; its best blocked loop (Kernel.ts
 * `blocked`) reads ~8 GB/s here while a `Float32Array.set` copy reads ~27 GB/s. This module
 * copies each page into a scratch `WebAssembly.Memory` (the copy runs at memory bandwidth) and
 * scores it there four lanes at a time with four independent f32x4 accumulators (~18 GB/s end to
 * end at 10^5 × 100-d, see bench/similarity.ts). Accumulation is float32, in a fixed order, so
 * results are deterministic and within `dim · 2⁻²³` (relative, per |m|·|q|) of the float64 reference.
 *
 * The module (519 bytes) is `dots(m, rows, dim, q, out)` over byte offsets into the imported
 * memory `env.mem`; its text form:
 * ```wat
 * (func (export "dots") (param $m i32) (param $rows i32) (param $dim i32) (param $q i32) (param $out i32)
 *   ;; d16 = dim & ~15, d4 = dim & ~3
 *   ;; for r < rows: p = m + 4·r·dim; a0..a3 = 0
 *   ;;   for i < d16 step 16: aj += v128.load(p + 4i + 16j) * v128.load(q + 4i + 16j)   (j = 0..3)
 *   ;;   for i < d4 step 4:   a0 += v128.load(p + 4i) * v128.load(q + 4i)
 *   ;;   a0 = (a0 + a1) + (a2 + a3); s = (a0[0] + a0[1]) + (a0[2] + a0[3])
 *   ;;   for i < dim: s += f32.load(p + 4i) * f32.load(q + 4i)
 *   ;;   f32.store(out + 4r, s))
 * ```
 * The scratch memory is private to the kernel and only ever holds a copy of the arguments, so
 * the kernel is observably a pure function.
 *
 * @since 0.1.0
 */
import type { Kernel } from "./Kernel.ts"

const bytes = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 9, 1, 96, 5, 127, 127, 127, 127, 127, 0, 2, 12, 1, 3, 101,
  110, 118, 3, 109, 101, 109, 2, 0, 1, 3, 2, 1, 0, 7, 8, 1, 4, 100, 111, 116, 115, 0, 0, 10,
  213, 3, 1, 210, 3, 3, 5, 127, 4, 123, 1, 125, 32, 2, 65, 112, 113, 33, 8, 32, 2, 65, 124, 113,
  33, 9, 65, 0, 33, 5, 2, 64, 3, 64, 32, 5, 32, 1, 79, 13, 1, 32, 0, 32, 5, 32, 2, 108,
  65, 2, 116, 106, 33, 7, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  33, 10, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 33, 11, 253, 12,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 33, 12, 253, 12, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 33, 13, 65, 0, 33, 6, 2, 64, 3, 64, 32, 6,
  32, 8, 79, 13, 1, 32, 10, 32, 7, 32, 6, 65, 2, 116, 106, 253, 0, 4, 0, 32, 3, 32, 6, 65,
  2, 116, 106, 253, 0, 4, 0, 253, 230, 1, 253, 228, 1, 33, 10, 32, 11, 32, 7, 32, 6, 65, 2, 116,
  106, 253, 0, 4, 16, 32, 3, 32, 6, 65, 2, 116, 106, 253, 0, 4, 16, 253, 230, 1, 253, 228, 1, 33,
  11, 32, 12, 32, 7, 32, 6, 65, 2, 116, 106, 253, 0, 4, 32, 32, 3, 32, 6, 65, 2, 116, 106, 253,
  0, 4, 32, 253, 230, 1, 253, 228, 1, 33, 12, 32, 13, 32, 7, 32, 6, 65, 2, 116, 106, 253, 0, 4,
  48, 32, 3, 32, 6, 65, 2, 116, 106, 253, 0, 4, 48, 253, 230, 1, 253, 228, 1, 33, 13, 32, 6, 65,
  16, 106, 33, 6, 12, 0, 11, 11, 2, 64, 3, 64, 32, 6, 32, 9, 79, 13, 1, 32, 10, 32, 7, 32,
  6, 65, 2, 116, 106, 253, 0, 4, 0, 32, 3, 32, 6, 65, 2, 116, 106, 253, 0, 4, 0, 253, 230, 1,
  253, 228, 1, 33, 10, 32, 6, 65, 4, 106, 33, 6, 12, 0, 11, 11, 32, 10, 32, 11, 253, 228, 1, 32,
  12, 32, 13, 253, 228, 1, 253, 228, 1, 33, 10, 32, 10, 253, 31, 0, 32, 10, 253, 31, 1, 146, 32, 10,
  253, 31, 2, 32, 10, 253, 31, 3, 146, 146, 33, 14, 2, 64, 3, 64, 32, 6, 32, 2, 79, 13, 1, 32,
  14, 32, 7, 32, 6, 65, 2, 116, 106, 42, 2, 0, 32, 3, 32, 6, 65, 2, 116, 106, 42, 2, 0, 148,
  146, 33, 14, 32, 6, 65, 1, 106, 33, 6, 12, 0, 11, 11, 32, 4, 32, 5, 65, 2, 116, 106, 32, 14,
  56, 2, 0, 32, 5, 65, 1, 106, 33, 5, 12, 0, 11, 11, 11
])

type Dots = (m: number, rows: number, dim: number, q: number, out: number) => void

// The slice of the WebAssembly JS API used here (the compiler's lib has no WebAssembly types).
interface Memory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Memory: new (descriptor: { initial: number }) => Memory
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> }
}

const instantiate = (): { dots: Dots; memory: Memory } | undefined => {
  const WA = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  if (WA === undefined || !WA.validate(bytes)) return undefined
  try {
    const memory = new WA.Memory({ initial: 2 })
    const instance = new WA.Instance(new WA.Module(bytes), { env: { mem: memory } })
    return { dots: instance.exports["dots"] as Dots, memory }
  } catch {
    return undefined
  }
}

const PAGE_BYTES = 65536

const make = (): Kernel | undefined => {
  const wasm = instantiate()
  if (wasm === undefined) return undefined
  const { dots, memory } = wasm
  let heap = new Float32Array(memory.buffer)
  return {
    name: "wasm-simd",
    scores: (matrix, rows, dim, query, out) => {
      if (rows <= 0) return
      // layout (floats): query at 0, out after it, rows after that, each 16-byte aligned
      const qf = 0
      const of = (dim + 3) & ~3
      const mf = of + ((rows + 3) & ~3)
      const need = (mf + rows * dim) * 4
      if (need > memory.buffer.byteLength) {
        memory.grow(Math.ceil((need - memory.buffer.byteLength) / PAGE_BYTES))
        heap = new Float32Array(memory.buffer)
      }
      heap.set(query.length === dim ? query : query.subarray(0, dim), qf)
      heap.set(matrix.length === rows * dim ? matrix : matrix.subarray(0, rows * dim), mf)
      dots(mf * 4, rows, dim, qf * 4, of * 4)
      out.set(heap.subarray(of, of + rows))
    }
  }
}

/**
 * The SIMD kernel, or `undefined` where WebAssembly SIMD is unavailable.
 * Laws: `|wasmSimd(m, q)[r] − naive(m, q)[r]| ≤ dim · 2⁻²³ · Σ_i |m[r,i]·q[i]|` (+ float32 store).
 * @complexity O(rows · dim), one copy of the rows into scratch memory
 * @example wasmSimd?.scores(page.data, 256, 100, q, out)
 */
export const wasmSimd: Kernel | undefined = make()
