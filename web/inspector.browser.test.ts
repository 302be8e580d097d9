/**
 * The web inspector end to end: a real `mags serve` server (in-memory store, test embedder) with
 * the inspector's routes mounted, driven in headless Chromium (Debian's `chromium` through
 * playwright-core). Skips with a message only when no Chromium executable is found.
 */
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Routes from "../shell/web/Routes.ts"
import { call, type Running, start, TOKENS } from "../shell/server/testing.ts"
import * as Chromium from "./worlds/testkit/Chromium.ts"

const skip = Chromium.skipReason()
if (skip !== undefined) console.warn(skip)

const M = "/v1/memories/alice/default/default"

describe.skipIf(skip !== undefined)("web inspector in Chromium", () => {
  let server: Running
  let browser: Browser
  let page: Page
  const errors: Array<string> = []

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await call(server.url + path, { method, token: TOKENS.alice, body })
    expect(response.status, `${method} ${path}: ${response.text}`).toBeLessThan(300)
    return response.json as T
  }

  const graphData = (selector = "#graph") =>
    page.$eval(selector, (el) => ({ ...(el as HTMLElement).dataset }))

  beforeAll(async () => {
    server = await start({ mounts: { public: [Routes.layer] } })
    await api("POST", `${M}/ingest`, { text: "Alice lives in Paris. Alice works at Acme. Bob is Alice's brother. Bob likes chess." })
    await api("POST", `${M}/ingest`, { text: "Alice moved to Berlin. Carol works at Acme." })
    browser = await Chromium.launch()
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } })
    page.on("pageerror", (e) => errors.push(e.message))
    page.on("console", (m) => {
      if (m.type() === "error" && m.text().includes("Content Security Policy")) errors.push(m.text())
    })
    page.on("dialog", (d) => {
      void d.accept()
    })
    await page.goto(`${server.url}/?token=${TOKENS.alice}&memory=alice/default/default`)
    await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 60_000 })
  })

  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it("loads: the token leaves the address bar, the memory is replayed in the page and drawn, episodic and semantic nodes apart", async () => {
    expect(page.url()).not.toContain("token=")
    expect(await page.evaluate(() => sessionStorage.getItem("mags.token"))).toBe(TOKENS.alice)
    const events = await api<{ last: number }>("GET", `${M}/events?after=0&limit=1`)
    expect(await page.textContent("#status")).toContain(`seq ${events.last}`)
    // the page's core folded the journal to the very graph the server holds
    const inspect = await api<{ hash: string; seq: number }>("GET", `${M}/inspect`)
    expect(inspect.seq).toBe(events.last)
    expect(await page.getAttribute("#status", "data-hash")).toBe(inspect.hash)
    const d = await graphData()
    expect(Number(d.semantic)).toBeGreaterThanOrEqual(5)
    expect(Number(d.episodic)).toBeGreaterThanOrEqual(4)
    expect(Number(d.edges)).toBeGreaterThan(0)
    expect(errors).toEqual([])
  })

  it("explores: a node found by name is drawn with its neighbours even when hidden by the drawing's filters", async () => {
    await page.uncheck("#show-mentions")
    expect(Number((await graphData()).episodic)).toBe(0)
    await page.fill("#graph-find", "Bob likes chess")
    await page.dispatchEvent("#graph-find", "change")
    await page.waitForFunction(() => document.querySelector("#details h3")?.textContent?.includes("Bob likes chess"))
    expect(Number((await graphData()).episodic)).toBeGreaterThanOrEqual(1)
    await page.click("#node-expand")
    expect(Number((await graphData()).semantic)).toBeGreaterThanOrEqual(2)
    await page.check("#show-mentions")
    expect(Number((await graphData()).episodic)).toBeGreaterThanOrEqual(4)
  })

  it("search: recall lists facts and highlights their justifying paths, without writing an event", async () => {
    const before = await server.journal()
    await page.fill("#recall-query", "Where does Alice live?")
    await page.click("#recall-form button[type=submit]")
    await page.waitForSelector("#recall-results .result")
    const texts = await page.$$eval("#recall-results li.result", (lis) => lis.map((li) => li.textContent ?? ""))
    expect(texts.some((t) => t.includes("Berlin"))).toBe(true)
    expect(Number((await graphData()).highlighted)).toBeGreaterThan(0)
    expect(await server.journal()).toBe(before)
  })

  it("opens a fact's history: the superseded chain with validity", async () => {
    await page.click(`#recall-results li.result[data-fact="f|alice|lives_in|berlin"] a`)
    await page.waitForSelector("#fact-history")
    await page.click("#fact-history")
    await page.waitForSelector("#history table.chain")
    const rows = await page.$$eval("#history table.chain tr[data-fact]", (trs) => trs.map((tr) => ({ id: (tr as HTMLElement).dataset.fact, text: tr.textContent ?? "" })))
    const paris = rows.find((r) => r.id === "f|alice|lives_in|paris")
    const berlin = rows.find((r) => r.id === "f|alice|lives_in|berlin")
    expect(paris?.text).toContain("superseded")
    expect(berlin?.text).toContain("current")
    const seqs = await page.$$eval("#history .events li", (lis) => lis.map((li) => Number((li as HTMLElement).dataset.seq)))
    expect(seqs.length).toBeGreaterThan(0)
    // an event of the history opens the timeline at the memory after it
    await page.click(`#history .events li[data-seq="${seqs[0]}"] a`)
    await page.waitForSelector("#panel-timeline:not([hidden])")
    expect(await page.textContent("#timeline-label")).toContain(`seq ${seqs[0]} of`)
    await page.click("#tab-graph")
  })

  it("moves a param: maintenance re-runs on a copy in the page and shows the difference; out of range is refused", async () => {
    const before = await server.journal()
    await page.click("#tab-params")
    await page.fill("#param-pruneWeight", "0.9")
    await page.dispatchEvent("#param-pruneWeight", "change")
    await page.waitForSelector("#whatif-edited")
    const facts = async (row: string) => Number(await page.$eval(`${row} td:nth-child(4)`, (td) => td.textContent))
    expect(await facts("#whatif-edited")).toBeLessThan(await facts("#whatif-current"))
    expect(await page.textContent("#whatif")).toContain("pruneWeight 0.05 → 0.9")
    expect(await page.$$eval("#whatif .diff.lost li", (lis) => lis.length)).toBeGreaterThan(0)
    // the drawing marks what the edited parameters remove
    expect(Number((await graphData("#whatif-graph")).changed)).toBeGreaterThan(0)
    await page.fill("#param-pruneWeight", "2")
    await page.dispatchEvent("#param-pruneWeight", "change")
    expect(await page.textContent("#params-problem")).toContain("pruneWeight must be in [0, 1]")
    expect(await server.journal()).toBe(before)
    // a valid value saved is one ParamsSet event
    await page.fill("#param-pruneWeight", "0.07")
    await page.dispatchEvent("#param-pruneWeight", "change")
    await page.click("#params-save")
    await page.waitForFunction(() => document.querySelector("#banner")?.textContent?.includes("Saved pruneWeight"))
    const params = await api<{ params: Record<string, { value: number }> }>("GET", `${M}/params`)
    expect(params.params.pruneWeight?.value).toBe(0.07)
  })

  it("timeline: moving the slider replays the journal in the page (time travel)", async () => {
    await page.click("#tab-timeline")
    const { last } = await api<{ last: number }>("GET", `${M}/events?after=0&limit=1`)
    await page.waitForFunction((n) => document.querySelector("#timeline-label")?.textContent?.includes(`of ${n}`), last)
    expect(await page.$$eval("#timeline-events li", (lis) => lis.length)).toBe(last)
    await page.fill("#timeline-slider", "1")
    await page.dispatchEvent("#timeline-slider", "input")
    expect(await page.textContent("#timeline-label")).toContain(`seq 1 of ${last}`)
    // what the first event added is marked
    expect(Number((await graphData("#timeline-graph")).changed)).toBeGreaterThan(0)
    expect(await page.textContent("#timeline-changes")).toMatch(/\+\d+ nodes?/)
    const early = Number((await graphData("#timeline-graph")).nodes)
    await page.click("#timeline-end")
    const late = Number((await graphData("#timeline-graph")).nodes)
    expect(early).toBeGreaterThan(0)
    expect(late).toBeGreaterThan(early)
  })

  it("hand edits: add, correct and forget are events the history shows", async () => {
    await page.click("#tab-graph")
    await page.fill("#add-subject", "Carol")
    await page.fill("#add-relation", "lives in")
    await page.fill("#add-object", "Madrid")
    await page.click("#add-form button[type=submit]")
    await page.waitForSelector(`#history tr[data-fact="f|carol|lives_in|madrid"]`)
    const added = await api<{ slots: ReadonlyArray<{ chain: ReadonlyArray<{ id: string; source: ReadonlyArray<string> }> }> }>("GET", `${M}/history?target=${encodeURIComponent("f|carol|lives_in|madrid")}`)
    expect(added.slots[0]?.chain.find((f) => f.id === "f|carol|lives_in|madrid")?.source.join(" ")).toContain("edit")

    await page.waitForSelector("#correct-form")
    await page.fill("#correct-object", "Lisbon")
    await page.click("#correct-form button[type=submit]")
    await page.waitForSelector(`#history tr[data-fact="f|carol|lives_in|lisbon"]`)
    expect(await page.textContent(`#history tr[data-fact="f|carol|lives_in|madrid"]`)).toContain("superseded")

    await page.click("#fact-forget")
    await page.waitForFunction(() => document.querySelector("#banner")?.textContent?.startsWith("Forgotten"))
    const graph = await api<{ edges: ReadonlyArray<{ id: string }> }>("GET", `${M}/graph`)
    expect(graph.edges.some((e) => e.id === "f|carol|lives_in|lisbon")).toBe(false)
    const events = await api<{ events: ReadonlyArray<{ tag: string }> }>("GET", `${M}/events?after=0&limit=500`)
    expect(events.events.at(-1)?.tag).toBe("Forgotten")
    expect(errors).toEqual([])
  })

  it("tells the memory text and runs maintenance on it: events the page then shows", async () => {
    await page.click("#tab-graph")
    await page.fill("#tell-text", "Dana lives in Oslo.")
    await page.click("#tell-form button[type=submit]")
    await page.waitForFunction(() => document.querySelector("#banner")?.textContent?.startsWith("Learned"))
    const facts = await api<{ nodes: ReadonlyArray<{ label: string }> }>("GET", `${M}/nodes?query=Dana&limit=5`)
    expect(facts.nodes.some((n) => n.label === "Dana")).toBe(true)
    await page.click("#tab-params")
    await page.click("#maintain-run")
    await page.waitForFunction(() => document.querySelector("#banner")?.textContent?.startsWith("Maintained"))
    const { events, last } = await api<{ events: ReadonlyArray<{ tag: string }>; last: number }>("GET", `${M}/events?after=0&limit=1000`)
    expect(events.slice(-3).map((e) => e.tag)).toEqual(["Decayed", "Pruned", "Consolidated"])
    expect(await page.textContent("#status")).toContain(`seq ${last}`)
  })

  it("after a rollback on the server, Reload shows the server's journal, not the page's old one", async () => {
    await page.click("#tab-graph")
    await api("POST", `${M}/rollback`, { seq: 4 })
    await api("POST", `${M}/ingest`, { text: "Erin likes tea." })
    const { last } = await api<{ last: number }>("GET", `${M}/events?after=0&limit=1`)
    const graph = await api<{ nodes: ReadonlyArray<unknown> }>("GET", `${M}/graph`)
    await page.click("#reload")
    await page.waitForFunction((n) => document.querySelector("#status")?.textContent?.includes(`· seq ${n} ·`), last)
    expect(Number((await graphData()).nodes)).toBe(graph.nodes.length)
    const inspect = await api<{ hash: string }>("GET", `${M}/inspect`)
    expect(await page.getAttribute("#status", "data-hash")).toBe(inspect.hash)
    expect(errors).toEqual([])
  })

  it("switches memory: the selector lists the token's memories, the page folds the chosen one", async () => {
    await page.click("#tab-graph")
    const other = "/v1/memories/alice/helper/s1"
    await api("POST", `${other}/ingest`, { text: "Frank likes opera." })
    await page.reload()
    await page.waitForSelector("body[data-ready=true]", { state: "attached", timeout: 60_000 })
    const options = await page.$$eval("#memory-select option", (os) => os.map((o) => o.textContent))
    expect(options).toContain("alice/helper/s1")
    await page.selectOption("#memory-select", { label: "alice/helper/s1" })
    const inspect = await api<{ hash: string; seq: number }>("GET", `${other}/inspect`)
    await page.waitForFunction((n) => document.querySelector("#status")?.textContent?.startsWith(`alice/helper/s1 · seq ${n} ·`), inspect.seq)
    expect(await page.getAttribute("#status", "data-hash")).toBe(inspect.hash)
    expect(page.url()).toContain("memory=alice%2Fhelper%2Fs1")
    await page.selectOption("#memory-select", { label: "alice/default/default" })
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.startsWith("alice/default/default · seq"))
  })

  it("without a token the API answers 401 and the page asks for one; the token given is used", async () => {
    const other = await browser.newPage()
    try {
      await other.goto(`${server.url}/`)
      await other.waitForSelector("#token-input", { timeout: 60_000 })
      expect(await other.textContent("#banner")).toContain("needs a token")
      await other.fill("#token-input", TOKENS.alice)
      await other.click("#banner button[type=submit]")
      await other.waitForFunction(() => document.querySelector("#status")?.textContent?.includes("alice/default/default · seq"), undefined, { timeout: 60_000 })
    } finally {
      await other.close()
    }
  })

  it("worlds and GPU tabs mount: a world steps, the WebGL kernels agree with the CPU", async () => {
    await page.click("#tab-worlds")
    await page.waitForSelector("[data-testid=worlds]")
    const count = async () => Number(await page.textContent("[data-testid=worlds-count-events]"))
    const before = await count()
    await page.click("[data-testid=worlds-step]")
    await page.waitForFunction((n) => Number(document.querySelector("[data-testid=worlds-count-events]")?.textContent) > n, before)
    await page.click("#tab-gpu")
    await page.click("[data-testid=gpu-run]")
    const verdict = await page.waitForSelector("[data-testid=gpu-verdict]", { timeout: 60_000 })
    expect(await verdict.getAttribute("data-ok")).toBe("true")
    expect(errors).toEqual([])
  })
})
