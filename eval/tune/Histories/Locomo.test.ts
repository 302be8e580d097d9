import { existsSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { Params } from "../../../core/index.ts"
import * as Data from "../../suites/locomo/Data.ts"
import * as L from "../../suites/locomo/Locomo.ts"
import { loadGlove } from "../../suites/locomo/suite.ts"
import * as Locomo from "./Locomo.ts"

const file = path.join(import.meta.dirname, "..", "..", "..", "..", "shared", "data", "locomo-dev.json")
const present = existsSync(file)

describe("Histories/Locomo", () => {
  it("splits: conversations 1–4 train, 5–7 validate (the suite's TRAIN / VALIDATION; quick: 1 and 5), disjoint", () => {
    expect(Locomo.splits(false)).toEqual({ train: [0, 1, 2, 3], validation: [4, 5, 6] })
    expect(Locomo.splits(false)).toEqual({ train: L.TRAIN, validation: L.VALIDATION })
    expect(Locomo.splits(true)).toEqual({ train: [0], validation: [4] })
  })

  it.skipIf(!present)("the recorded history replays to exactly the suite's MAGS recall@10 (Locomo.score, conversation 1), and the cache answers query-time changes", async () => {
    const [c] = await Data.loadFile(file)
    const table = await loadGlove()
    const h = Locomo.record(c!, table)
    const cache = new Locomo.IngestCache()
    const f = Locomo.replay([h], Params.defaults, cache)

    // the suite's own entry point for the tuner, which re-extracts on every call
    const suite = L.score([c!], table, Params.defaults, [0])
    expect(f.metrics["recall@10"]).toBeCloseTo(suite.recall10, 12)
    expect(f.loss).toBeCloseTo(1 - suite.recall10, 12)
    expect(f.metrics.questions).toBe(suite.questions)
    expect(f.metrics.nodes).toBe(suite.nodes)
    expect(f.metrics.edges).toBe(suite.edges)
    expect(f.churn).toBeGreaterThan(0)

    Locomo.replay([h], Params.unsafeMake({ maxResults: 20 }), cache)
    expect([cache.misses, cache.hits]).toEqual([1, 1])
    Locomo.replay([h], Params.unsafeMake({ pruneWeight: 0.1 }), cache)
    expect(cache.misses).toBe(2)
  }, 120_000)
})
