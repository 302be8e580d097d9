import { describe, expect, it } from "vitest"
import * as GpuJs from "../../core/kernels/GpuJs.ts"
import { blocked } from "../../core/kernels/Kernel.ts"
import * as Check from "./Check.ts"

// Node has no WebGL: these run gpu.js's CPU mode (the browser tests run WebGL2 in Chromium).
describe("GPU check (gpu.js CPU mode in Node)", () => {
  it("the gpu.js kernel agrees with the CPU kernels within the core's tolerance; every top-k agrees", async () => {
    const r = await Check.checkGpu({ rows: 3000, dim: 64, queries: 4, k: 10, modes: ["cpu"] })
    expect(r.backend).toBe("cpu")
    expect(r.kernel).toBe("gpujs-cpu")
    expect(r.tolerance).toBe(1e-5)
    expect(r.maxAbsError).toBeLessThanOrEqual(r.tolerance)
    expect(r.cpuMaxAbsError).toBeLessThanOrEqual(r.tolerance)
    expect(r.coreMaxAbsError).toBeLessThanOrEqual(r.tolerance)
    expect([r.topKAgree, r.cpuTopKAgree, r.coreAgrees, r.ok]).toEqual([true, true, true, true])
    expect(r.results.length).toBe(4)
    for (const q of r.results) {
      expect(q.gpu.map((h) => h.id)).toEqual(q.reference.map((h) => h.id))
      expect(q.core.map((h) => h.id)).toEqual(q.reference.map((h) => h.id))
      expect(q.reference.length).toBe(10)
    }
  })

  it("a kernel off by more than the tolerance is caught (ok false, the error reported)", async () => {
    const good = GpuJs.make("cpu")!
    const off: GpuJs.BatchKernel = {
      name: "off-by-1e-4",
      scores: good.scores,
      scoresMany: (m, rows, dim, qs, count, out) => {
        good.scoresMany(m, rows, dim, qs, count, out)
        for (let i = 0; i < rows * count; i += 7) out[i] = out[i]! + 1e-4
      }
    }
    const r = await Check.checkGpu({ rows: 1000, dim: 32, queries: 2, kernel: { mode: "cpu", kernel: off } })
    expect(r.maxAbsError).toBeGreaterThan(r.tolerance)
    expect(r.ok).toBe(false)
  })

  it("says honestly when a mode cannot run here: WebGL2 in Node rejects with the reason", async () => {
    await expect(Check.checkGpu({ rows: 10, dim: 4, modes: ["webgl2", "webgl"] })).rejects.toThrow(/no gpu.js mode runs here.*webgl2: not supported here/)
    const picked = Check.pickKernel(["webgl2", "cpu"])
    expect(Check.isPicked(picked) && picked.mode).toBe("cpu")
    expect(picked.unavailable).toEqual(["webgl2: not supported here"])
  })

  it("scoreOnGpu stitches its blocks: equals a CPU kernel's scores per query, across block edges", () => {
    const rows = Check.BLOCK_ROWS + 37
    const dim = 8
    const { queries, store } = Check.dataset(rows, dim, 3, 11)
    const { matrix } = Check.flatten(store)
    const out = new Float32Array(rows * 3)
    Check.scoreOnGpu(GpuJs.make("cpu")!, matrix, rows, dim, queries, 3, out)
    const want = new Float32Array(rows)
    for (let j = 0; j < 3; j++) {
      blocked.scores(matrix, rows, dim, queries.subarray(j * dim, (j + 1) * dim), want)
      for (let r = 0; r < rows; r++) expect(Math.abs(out[j * rows + r]! - want[r]!)).toBeLessThanOrEqual(1e-6)
    }
  })

  it("agrees: the same list agrees; a near-tie swapped within the tolerance agrees; a clearly worse id does not", () => {
    const ref = [{ id: "a", score: 0.9 }, { id: "b", score: 0.8 }, { id: "c", score: 0.799999 }, { id: "d", score: 0.5 }]
    const score = (id: string) => ref.find((h) => h.id === id)?.score ?? 0.1
    expect(Check.agrees(ref, ref, score, 1e-5)).toBe(true)
    expect(Check.agrees([ref[0]!, ref[2]!, ref[1]!, ref[3]!], ref, score, 1e-5)).toBe(true)
    expect(Check.agrees([ref[0]!, ref[1]!, ref[2]!, { id: "z", score: 0.5 }], ref, score, 1e-5)).toBe(false)
    expect(Check.agrees(ref.slice(0, 3), ref, score, 1e-5)).toBe(false)
  })

  it("the data is seeded: the same seed gives the same store and queries", () => {
    const a = Check.dataset(300, 16, 2, 5)
    const b = Check.dataset(300, 16, 2, 5)
    const c = Check.dataset(300, 16, 2, 6)
    expect(Check.flatten(a.store).matrix).toEqual(Check.flatten(b.store).matrix)
    expect(a.queries).toEqual(b.queries)
    expect(a.queries).not.toEqual(c.queries)
  })
})
