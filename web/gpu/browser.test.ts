/**
 * The GPU tab in headless Chromium: the core's top-k cosine through gpu.js on WebGL2 (ANGLE on
 * SwiftShader here; a real GPU elsewhere), checked against the CPU kernels within the core's
 * stated tolerance.
 */
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { harnessPage, type HarnessPage, launch, skipReason } from "../worlds/testkit/Chromium.ts"
import type { GpuCheck } from "./Check.ts"

const skip = skipReason()
if (skip !== undefined) console.warn(skip)

describe.skipIf(skip !== undefined)("GPU tab in Chromium", () => {
  let browser: Browser
  let harness: HarnessPage
  let page: Page

  beforeAll(async () => {
    harness = await harnessPage()
    browser = await launch()
    page = await browser.newPage()
    await page.goto(harness.url)
    await page.waitForSelector("[data-testid=gpu-run]")
  })
  afterAll(async () => {
    await browser?.close()
    await harness?.close()
  })

  it("checkGpu runs on WebGL2 where the page has it and matches the CPU within the tolerance", async () => {
    const webgl2 = await page.evaluate(() => document.createElement("canvas").getContext("webgl2") !== null)
    const r = await page.evaluate(async () => {
      const { results: _results, ...rest } = await (window as unknown as { harness: { checkGpu: (o: object) => Promise<GpuCheck> } }).harness.checkGpu({ rows: 6000, queries: 8 })
      return rest
    })
    console.info(`GPU check in Chromium: backend ${r.backend} (${r.renderer ?? "no renderer reported"}), max |Δ| ${r.maxAbsError.toExponential(2)} ≤ ${r.tolerance}; gpu ${r.ms.gpu.toFixed(0)} ms, cpu ${r.ms.cpu.toFixed(0)} ms`)
    if (webgl2) {
      expect(r.backend).toBe("webgl2")
      expect(r.kernel).toBe("gpujs-webgl2")
      expect(r.renderer).toBeDefined()
    } else {
      // no WebGL2 in this Chromium: the check says which backend ran instead
      expect(["webgl", "cpu"]).toContain(r.backend)
    }
    expect(r.maxAbsError).toBeLessThanOrEqual(r.tolerance)
    expect(r.maxAbsError).toBeGreaterThanOrEqual(0)
    expect(r.topKAgree).toBe(true)
    expect(r.cpuTopKAgree).toBe(true)
    expect(r.coreAgrees).toBe(true)
    expect(r.coreMaxAbsError).toBeLessThanOrEqual(r.tolerance)
    expect(r.ok).toBe(true)
    expect(r.rows).toBe(6000)
  })

  it("the panel's Run shows the backend, the error against the CPU and the verdict", async () => {
    await page.fill("[data-testid=gpu-rows]", "3000")
    await page.fill("[data-testid=gpu-queries]", "4")
    await page.click("[data-testid=gpu-run]")
    const verdict = await page.waitForSelector("[data-testid=gpu-verdict]", { timeout: 120_000 })
    expect(await verdict.getAttribute("data-ok")).toBe("true")
    const backend = await verdict.getAttribute("data-backend")
    expect(await page.textContent("[data-testid=gpu-backend]")).toBe(backend)
    expect(await verdict.textContent()).toContain("agrees with the CPU kernels")
    expect(await page.textContent("[data-testid=gpu-error]")).toContain("over all 12000 scores")
    expect(await page.$$eval("[data-testid=gpu-topk] tr", (rows) => rows.length)).toBe(11)
  })
})
