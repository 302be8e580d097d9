/**
 * The Worlds tab in headless Chromium: a world stepped and run in the page (the core bundled for
 * the browser), its memory growing, reconciling and pruning beside it.
 */
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { harnessPage, type HarnessPage, launch, skipReason } from "./testkit/Chromium.ts"

const skip = skipReason()
if (skip !== undefined) console.warn(skip)

describe.skipIf(skip !== undefined)("Worlds tab in Chromium", () => {
  let browser: Browser
  let harness: HarnessPage
  let page: Page
  const errors: Array<string> = []
  const count = async (id: string): Promise<number> => Number(await page.textContent(`[data-testid=worlds-count-${id}]`))

  beforeAll(async () => {
    harness = await harnessPage()
    browser = await launch()
    page = await browser.newPage({ viewport: { width: 1280, height: 1600 } })
    page.on("pageerror", (e) => errors.push(e.message))
    await page.goto(harness.url)
    await page.waitForSelector("[data-testid=worlds-step]")
  })
  afterAll(async () => {
    await browser?.close()
    await harness?.close()
  })

  it("stepping a world grows its memory and lists the events with their tags", async () => {
    const events0 = await count("events")
    const nodes0 = await count("nodes")
    for (let i = 0; i < 12; i++) await page.click("[data-testid=worlds-step]")
    expect(await count("events")).toBeGreaterThan(events0)
    expect(await count("nodes")).toBeGreaterThan(nodes0)
    expect(await count("facts")).toBeGreaterThan(0)
    const tags = await page.$$eval("[data-testid=worlds-events] li", (lis) => lis.map((li) => li.getAttribute("data-tag")))
    for (const t of ["Recalled", "Engrammed", "Reconciled", "Reinforced"]) expect(tags).toContain(t)
    expect(await page.textContent("[data-testid=worlds-status]")).toContain("12 of 160")
    expect(await page.textContent("[data-testid=worlds-observation]")).toMatch(/\[t=12\] Round 12/)
    // what the page counts is the graph its core holds
    const inPage = await page.evaluate(() => (window as unknown as { harness: { worlds: { runner: () => { counts: () => { nodes: number; events: number } } } } }).harness.worlds.runner().counts())
    expect(inPage.nodes).toBe(await count("nodes"))
    expect(inPage.events).toBe(await count("events"))
    expect(await page.$$eval("[data-testid=worlds-graph] canvas", (cs) => cs.length)).toBeGreaterThan(0)
  })

  it("running to the end: rule changes reconciled, maintenance prunes into the archive, both listed", async () => {
    await page.selectOption("[data-testid=worlds-speed]", "25")
    await page.click("[data-testid=worlds-run]")
    await page.waitForFunction(() => document.querySelector("[data-testid=worlds-status]")?.textContent?.includes("over") === true, undefined, { timeout: 120_000 })
    expect(await page.textContent("[data-testid=worlds-run]")).toBe("Run")
    expect(await count("superseded")).toBeGreaterThan(0)
    expect(await count("archived")).toBeGreaterThan(0)
    const reconciled = await page.$$eval("[data-testid=worlds-reconciled] li", (lis) => lis.map((li) => li.textContent ?? ""))
    expect(reconciled.length).toBeGreaterThan(0)
    expect(reconciled[0]).toContain("→")
    const pruned = await page.$$eval("[data-testid=worlds-pruned] li", (lis) => lis.map((li) => li.textContent ?? ""))
    expect(pruned.length).toBeGreaterThan(0)
    expect(pruned.join("\n")).not.toContain("none yet")
    const tags = await page.$$eval("[data-testid=worlds-events] li", (lis) => lis.map((li) => li.getAttribute("data-tag")))
    expect(tags).toContain("Pruned")
  })

  it("a new run of another world and seed starts from an empty memory", async () => {
    await page.selectOption("[data-testid=worlds-world]", "kitchen")
    await page.fill("[data-testid=worlds-seed]", "2")
    await page.click("[data-testid=worlds-reset]")
    const status = await page.textContent("[data-testid=worlds-status]")
    expect(status).toContain("recipe")
    expect(status).toContain("playing")
    const events0 = await count("events")
    await page.click("[data-testid=worlds-step]")
    await page.click("[data-testid=worlds-step]")
    expect(await count("events")).toBeGreaterThan(events0)
    expect(await page.textContent("[data-testid=worlds-history]")).toMatch(/t=1 /)
  })

  it("you can play a move yourself; the maze board shows the passages memory holds", async () => {
    const move = await page.getAttribute("[data-testid=worlds-moves] button >> nth=0", "data-action")
    await page.click("[data-testid=worlds-moves] button >> nth=0")
    expect(await page.textContent("[data-testid=worlds-history] li >> nth=0")).toContain(`${move} (you)`)
    await page.selectOption("[data-testid=worlds-world]", "maze")
    await page.click("[data-testid=worlds-reset]")
    expect(await page.$$eval("[data-testid=worlds-maze] line[data-known=true]", (ls) => ls.length)).toBe(0)
    for (let i = 0; i < 15; i++) await page.click("[data-testid=worlds-step]")
    expect(await page.$$eval("[data-testid=worlds-maze] line[data-known=true]", (ls) => ls.length)).toBeGreaterThan(0)
    expect(await page.$$eval("[data-testid=worlds-maze] circle", (cs) => cs.length)).toBe(1)
  })

  it("a memory parameter out of its documented range starts nothing; a valid one shapes the new run", async () => {
    const params = () => page.evaluate(() => (window as unknown as { harness: { worlds: { runner: () => { params: { pruneWeight: number } } } } }).harness.worlds.runner().params.pruneWeight)
    await page.fill("[data-testid=worlds-param-pruneWeight]", "2")
    await page.click("[data-testid=worlds-reset]")
    expect(await page.textContent("[data-testid=worlds-note]")).toMatch(/not started/)
    expect(await params()).toBe(0.05)
    await page.fill("[data-testid=worlds-param-pruneWeight]", "0.3")
    await page.click("[data-testid=worlds-reset]")
    expect(await page.textContent("[data-testid=worlds-note]")).toBe("")
    expect(await params()).toBe(0.3)
    expect(errors).toEqual([])
  })
})
