import * as Fs from "node:fs"
import * as Path from "node:path"
import { describe, expect, it } from "vitest"
import * as Data from "./Data.ts"
import { suite } from "./suite.ts"

const shared = Path.join(import.meta.dirname, "..", "..", "..", "..", "shared")
const file = Path.join(shared, "data", "locomo-dev.json")
const present = Fs.existsSync(file)
if (!present) console.warn(`locomo: skipping the real-data tests: ${file} is absent`)

describe.skipIf(!present)("locomo on ../shared/data/locomo-dev.json", () => {
  it("loads every conversation and normalises every odd evidence id", async () => {
    const convs = await Data.loadFile(file)
    expect(convs.length).toBeGreaterThan(0)
    const qa = convs.flatMap((c) => c.qa)
    for (const q of qa) for (const id of q.evidence) expect(id).toMatch(/^D\d+:\d+$/)
    // the file's known oddities: "D8:6; D9:17", "D:11:26", "D", two ids naming no turn, 2 empty
    expect(qa.filter((q) => q.evidence.length === 0).length).toBeLessThan(10)
  })
  it("quick run: first conversation, every system and both settings", async () => {
    const r = await suite.run({ data: undefined, sharedDir: shared, quick: true, seed: 1, progress: () => {} })
    expect(r.skipped).toBeUndefined()
    const get = (system: string, metric: string) => r.rows.find((x) => x.system === system && x.metric === metric)?.value
    for (const s of ["mags", "vector", "bm25", "mags-nodecay", "mags/obs", "vector/obs", "bm25/obs", "mags-nodecay/obs"]) {
      for (const metric of ["recall@5", "recall@10", "recall@20", "hit_any@10", "hit_all@10", "recall@10/cat5", "tokens@10"]) {
        const v = get(s, metric)
        expect(v, `${s} ${metric}`).toBeTypeOf("number")
        expect(Number.isFinite(v)).toBe(true)
      }
      expect(get(s, "recall@5")!).toBeLessThanOrEqual(get(s, "recall@10")! + 1e-12)
      expect(get(s, "recall@10")!).toBeLessThanOrEqual(get(s, "recall@20")! + 1e-12)
      expect(get(s, "hit_all@10")!).toBeLessThanOrEqual(get(s, "recall@10")! + 1e-12)
      expect(get(s, "recall@10")!).toBeLessThanOrEqual(get(s, "hit_any@10")! + 1e-12)
    }
    expect(r.charts.map((c) => c.name)).toEqual(["locomo-recall-by-k", "locomo-recall-by-category"])
  }, 60_000)
})

describe("locomo without data", () => {
  it("skips with a clear reason when there is no data", async () => {
    const r = await suite.run({ data: undefined, sharedDir: undefined, quick: true, seed: 1, progress: () => {} })
    expect(r.skipped).toMatch(/locomo-dev.json is absent/)
    expect(r.rows).toEqual([])
  })
})
