import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as Params from "../../core/Params.ts"
import { scorePairs } from "./Metrics.ts"
import { parseLog } from "./Parse.ts"
import { replayAttempt } from "./ReplayRun.ts"
import { evaluate, LOCATIVE_RELATIONS, runGame, suite, SYSTEMS } from "./suite.ts"

const TINY = `Attempt: 1
Step: 1
Observation: You are in Room A. A key lies on the floor.
New triplets: ['key 1, is in, room a', 'key 1, is on, floor', 'room a, has exit, west']
Outdated triplets: Replacing: []
Graph: ['key 1, is in, room a', 'key 1, is on, floor', 'room a, has exit, west']
Step: 2
Observation: You pick up the key.
New triplets: ['key 1, is in, inventory', 'key 1, is on, table']
Outdated triplets: [["key 1, is in, room a" -> "key 1, is in, inventory"], ['key 1, is on, floor -> key 1, is in, inventory']]
Graph: ['room a, has exit, west', 'key 1, is in, inventory', 'key 1, is on, table', 'room b, is west of, room a']
Step: 3
Observation: Room A again.
New triplets: ['room a, has exit, east']
Outdated triplets: []
Graph: ['room a, has exit, west', 'key 1, is in, inventory', 'key 1, is on, table', 'room b, is west of, room a', 'room a, has exit, east']
`

describe("replayAttempt on a tiny log", () => {
  const log = parseLog(TINY)
  const attempt = log.attempts[0]!
  it("supersedes within a single-valued slot and maps the decision back to triplets", () => {
    const r = replayAttempt("tiny", attempt, { params: Params.defaults, maintenanceEvery: 1 })
    expect(r.predicted.map((p) => `${p.old} -> ${p.replacement}`)).toEqual(["key 1|is_in|room a -> key 1|is_in|inventory"])
    expect(r.predicted[0]!.rejected).toBe(false)
    const s = scorePairs(r.predicted, r.labelled)
    expect(s).toMatchObject({ tp: 1, predicted: 1, labelled: 2, precision: 1, recall: 0.5 })
    // events: ParamsSet, then per step Engrammed + Reconciled + Decayed + Pruned
    expect(r.events.map((e) => e._tag)).toEqual([
      "ParamsSet",
      ...Array.from({ length: 3 }, () => ["Engrammed", "Reconciled", "Decayed", "Pruned"]).flat()
    ])
    expect(r.replayError).toBeNull()
    expect(r.replayHash).toBe(r.liveHash)
  })
  it("tracks sizes: ours, the run's graph and the reconstruction", () => {
    const r = replayAttempt("tiny", attempt, { params: Params.defaults, maintenanceEvery: 0 })
    expect(r.sizes.map((s) => s.currentFacts)).toEqual([3, 4, 5])
    expect(r.sizes.map((s) => s.runTriplets)).toEqual([3, 4, 5])
    expect(r.sizes.map((s) => s.reconstructedTriplets)).toEqual([3, 3, 4])
    expect(r.runGraphOnly).toBe(1)
    expect(r.events.some((e) => e._tag === "Decayed")).toBe(false)
  })
  it("the extended relation list makes is_on single-valued too", () => {
    expect(LOCATIVE_RELATIONS).toContain("is_on")
    const ext = SYSTEMS.find((s) => s.name === "mags+relations")!
    const r = replayAttempt("tiny", attempt, { params: ext.params })
    expect(r.predicted.map((p) => `${p.old} -> ${p.replacement}`).sort()).toEqual([
      "key 1|is_in|room a -> key 1|is_in|inventory",
      "key 1|is_on|floor -> key 1|is_on|table"
    ])
    expect(r.replayHash).toBe(r.liveHash)
  })
  it("a tampered event log does not replay to the same hash", () => {
    const r = replayAttempt("tiny", attempt, { params: Params.defaults })
    expect(r.replayHash).toBe(r.liveHash)
    const other = replayAttempt("tiny", { ...attempt, steps: attempt.steps.slice(0, 2) }, { params: Params.defaults })
    expect(other.liveHash).not.toBe(r.liveHash)
  })
  it("evaluate gives the contract's rows", () => {
    const res = evaluate([runGame("tiny", log, false)])
    const get = (system: string, metric: string) => res.rows.find((x) => x.system === system && x.metric === metric)?.value
    expect(get("mags", "replacement_f1")).toBeCloseTo((2 * 1 * 0.5) / 1.5)
    expect(get("mags", "replacement_f1:tiny")).toBeCloseTo((2 * 1 * 0.5) / 1.5)
    expect(get("mags", "replay_identical")).toBe(1)
    expect(get("mags+relations", "replay_identical")).toBe(1)
    expect(get("arigraph", "final_edges")).toBe(5)
    expect(get("data", "malformed_sections")).toBe(0)
    expect(res.charts.length).toBe(3)
    expect(res.rows.every((x) => x.suite === "arigraph" && Number.isFinite(x.value))).toBe(true)
  })
  it("skips with a clear reason when the data is absent", async () => {
    const r = await suite.run({ data: undefined, sharedDir: undefined, quick: true, seed: 1, progress: () => {} })
    expect(r.rows).toEqual([])
    expect(r.skipped).toMatch(/shared/)
  })
})

const repoRoot = path.resolve(import.meta.dirname, "..", "..")
const shared = path.join(repoRoot, "..", "shared")
const dataDir = path.join(shared, "data", "arigraph")
const present = existsSync(path.join(dataDir, "hunt.log"))
if (!present) console.warn(`skipping the AriGraph real-log tests: ${dataDir} is absent`)

describe.skipIf(!present)("arigraph on ../shared/data/arigraph/*.log", () => {
  it("parses the three logs", () => {
    for (const [game, attempts] of [["hunt", 3], ["cook", 3], ["clean", 3]] as const) {
      const log = parseLog(readFileSync(path.join(dataDir, `${game}.log`), "utf8"))
      expect(log.attempts).toHaveLength(attempts)
      const steps = log.attempts.flatMap((a) => a.steps)
      expect(steps.length).toBeGreaterThan(50)
      expect(steps.every((s) => s.observation.length > 0)).toBe(true)
      expect(steps.reduce((n, s) => n + s.newTriplets.length, 0)).toBeGreaterThan(100)
      expect(steps.reduce((n, s) => n + s.outdated.length, 0)).toBeGreaterThan(20)
      // hunt and cook log the run's graph at every step; clean does not
      expect(steps.every((s) => (s.graph !== null) === (game !== "clean"))).toBe(true)
      expect(log.malformed.length).toBeLessThan(5)
    }
  })
  it("the reconstruction follows the run's graph restricted to extracted triplets", () => {
    for (const game of ["hunt", "cook"]) {
      const log = parseLog(readFileSync(path.join(dataDir, `${game}.log`), "utf8"))
      let diff = 0
      let n = 0
      for (const a of log.attempts) {
        const recon = new Set<string>()
        const seen = new Set<string>()
        for (const s of a.steps) {
          for (const p of s.outdated) recon.delete(p.old.key)
          for (const t of s.newTriplets) {
            recon.add(t.key)
            seen.add(t.key)
          }
          const real = new Set(s.graph!.map((t) => t.key).filter((k) => seen.has(k)))
          diff += Math.abs(real.size - recon.size)
          n++
        }
      }
      expect(diff / n).toBeLessThan(2)
    }
  })
  it("a quick run gives the contract's rows, and replays identically", async () => {
    const r = await suite.run({ data: undefined, sharedDir: shared, quick: true, seed: 1, progress: () => {} })
    expect(r.skipped).toBeUndefined()
    for (const system of ["mags", "mags+relations"]) {
      const f1 = r.rows.find((x) => x.system === system && x.metric === "replacement_f1")
      expect(f1).toBeDefined()
      expect(f1!.value).toBeGreaterThanOrEqual(0)
      expect(f1!.value).toBeLessThanOrEqual(1)
      expect(r.rows.find((x) => x.system === system && x.metric === "replay_identical")?.value).toBe(1)
    }
    expect(r.rows.find((x) => x.system === "arigraph" && x.metric === "final_edges:hunt")?.value).toBeGreaterThan(0)
  })
})
