import { existsSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import * as Params from "../../../core/Params.ts"
import * as Relation from "../../../core/Relation.ts"
import { scorePairs, slotOf } from "./Metrics.ts"
import { parseLog } from "./Parse.ts"
import { replayAttempt } from "./ReplayRun.ts"
import { evaluate, LOCATIVE_RELATIONS, missReason, runGame, suite, SYSTEMS, unmatchedReason } from "./suite.ts"

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
  it("decides on canonical facts: is in / is on are one located_in slot, decisions read off the edges", () => {
    const r = replayAttempt("tiny", attempt, { params: Params.defaults, maintenanceEvery: 1 })
    // every decision is between two facts of the key's one location slot
    expect(r.predicted.length).toBeGreaterThan(0)
    for (const p of r.predicted) {
      expect(slotOf(p.old)).toBe("key 1|located_in")
      expect(slotOf(p.replacement)).toBe("key 1|located_in")
    }
    // the labels are canonicalised the same way, with the written triplets kept
    expect(r.labelled.map((p) => `${p.old} -> ${p.replacement}`)).toEqual([
      "key 1|located_in|room a -> key 1|located_in|inventory",
      "key 1|located_in|floor -> key 1|located_in|inventory"
    ])
    expect(r.labelled[1]!.text).toBe("key 1, is on, floor -> key 1, is in, inventory")
    // the agreement is the set comparison of those keys
    const s = scorePairs(r.predicted, r.labelled)
    const predicted = new Set(r.predicted.map((p) => `${p.old} -> ${p.replacement}`))
    expect(s.tp).toBe(r.labelled.filter((p) => predicted.has(`${p.old} -> ${p.replacement}`)).length)
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
    // one current location for key 1 at a time, plus the exits
    expect(r.sizes.map((s) => s.currentFacts)).toEqual([2, 2, 3])
    expect(r.sizes.map((s) => s.runTriplets)).toEqual([3, 4, 5])
    expect(r.sizes.map((s) => s.reconstructedTriplets)).toEqual([3, 3, 4])
    expect(r.runGraphOnly).toBe(1)
    expect(r.events.some((e) => e._tag === "Decayed")).toBe(false)
  })
  it("the extended relation list adds nothing to the location family (already one single-valued slot)", () => {
    expect(LOCATIVE_RELATIONS).toContain("is_on")
    const ext = SYSTEMS.find((s) => s.name === "mags+relations")!
    const r = replayAttempt("tiny", attempt, { params: ext.params })
    const base = replayAttempt("tiny", attempt, { params: Params.defaults })
    expect(r.predicted.map((p) => `${p.old} -> ${p.replacement}`)).toEqual(base.predicted.map((p) => `${p.old} -> ${p.replacement}`))
    expect(r.replayHash).toBe(r.liveHash)
  })
  it("a tampered event log does not replay to the same hash", () => {
    const r = replayAttempt("tiny", attempt, { params: Params.defaults })
    expect(r.replayHash).toBe(r.liveHash)
    const other = replayAttempt("tiny", { ...attempt, steps: attempt.steps.slice(0, 2) }, { params: Params.defaults })
    expect(other.liveHash).not.toBe(r.liveHash)
  })
  it("evaluate gives the contract's rows", () => {
    const run = runGame("tiny", log, false)
    const res = evaluate([run])
    const get = (system: string, metric: string) => res.rows.find((x) => x.system === system && x.metric === metric)?.value
    const a = run.replays.get("mags")![0]!
    expect(get("mags", "replacement_f1")).toBeCloseTo(scorePairs(a.predicted, a.labelled).f1)
    expect(get("mags", "replacement_f1:tiny")).toBeCloseTo(scorePairs(a.predicted, a.labelled).f1)
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

/** A second tiny log whose labels exercise each way of matching and missing. */
const TINY2 = `Attempt: 1
Step: 1
Observation: A key lies on the floor. There is an exit to the west.
New triplets: ['key 1, is on, floor', 'room a, has exit, west', 'door, is, locked']
Outdated triplets: []
Step: 2
Observation: You pick up the key. Another exit is to the east.
New triplets: ['key 1, is in, inventory', 'room a, has exit, east']
Outdated triplets: [['key 1, is on, floor -> key 1, is in, inventory'], ['room a, has exit, west -> room a, has exit, east'], ['key 1, is on, floor -> key 1, lies on, floor'], ['door, is, locked -> key 1, is in, inventory'], ['key 1, is on, shelf -> key 1, is in, inventory']]
`

describe("label matching after canonicalisation (tiny log 2)", () => {
  const log = parseLog(TINY2)
  const a = replayAttempt("tiny2", log.attempts[0]!, { params: Params.defaults, maintenanceEvery: 0 })
  const single = Relation.singleValuedSet(Params.defaults.singleValued)

  it("a move written with two different phrases matches its label; a raw-key comparison would not", () => {
    expect(a.predicted.map((p) => `${p.old} -> ${p.replacement}`)).toEqual(["key 1|located_in|floor -> key 1|located_in|inventory"])
    expect(scorePairs(a.predicted, a.labelled)).toMatchObject({ tp: 1, predicted: 1 })
    // the raw keys as written never match our canonical decision
    const rawLabels = log.attempts[0]!.steps[1]!.outdated.map((p) => ({ old: p.old.key, replacement: p.replacement.key }))
    expect(scorePairs(a.predicted, rawLabels).tp).toBe(0)
  })

  it("a rewording (is on floor / lies on floor) is one fact: dropped, not scored", () => {
    expect(a.labelled.filter((p) => p.old === p.replacement)).toHaveLength(1)
    expect(scorePairs(a.predicted, a.labelled).labelled).toBe(4)
  })

  it("each missed label gets its reason", () => {
    const reasons = a.labelled.filter((p) => p.old !== p.replacement && !(p.old.endsWith("floor") && p.replacement.endsWith("inventory")))
      .map((p) => missReason(p, a, single))
    expect(reasons.sort()).toEqual(["not_single_valued", "old_not_told", "other_subject"])
    // a decision the run labelled with another replacement, and one it never labelled
    expect(unmatchedReason({ old: "key 1|located_in|floor", replacement: "key 1|located_in|table" }, a.labelled)).toBe("old_labelled_other")
    expect(unmatchedReason({ old: "room a|have_exit|west", replacement: "room a|have_exit|east" }, [])).toBe("old_unlabelled")
  })

  it("evaluate reports the reasons as rows, per game and overall", () => {
    const res = evaluate([runGame("tiny2", log, false)])
    const get = (metric: string) => res.rows.find((x) => x.system === "mags" && x.metric === metric)?.value
    expect(get("replacement_precision:tiny2")).toBe(1)
    expect(get("replacement_recall:tiny2")).toBeCloseTo(1 / 4)
    expect(get("missed_other_subject:tiny2")).toBe(1)
    expect(get("missed_not_single_valued")).toBe(1)
    expect(get("missed_old_not_told")).toBe(1)
    expect(get("missed_no_decision")).toBe(0)
    expect(res.rows.find((x) => x.system === "data" && x.metric === "labels_reworded")?.value).toBe(1)
  })
})

const repoRoot = path.resolve(import.meta.dirname, "..", "..", "..")
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
