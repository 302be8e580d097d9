/**
 * A smoke run of the cluster bench (300 ms per case, one takeover of each kind): every figure is there and finite, no
 * acknowledged write was lost, and the runners and folders are gone afterwards. Skipped where
 * the machine has no PostgreSQL binaries (the bench then reports nothing). Timings are never
 * asserted.
 */
import { readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { describe, expect, it } from "vitest"
import * as Ownership from "../shell/cluster/Ownership.ts"
import * as PgServer from "../shell/testing/PgServer.ts"
import { liveRunners, run } from "./cluster.ts"
import { checkMetric } from "./run.ts"

const NAMES = [
  "cluster.commits_per_s.sqlite.1mem",
  "cluster.commits_per_s.sqlite.100mem",
  "cluster.commits_per_s.pg.1runner.1mem",
  "cluster.commits_per_s.pg.1runner.100mem",
  "cluster.commits_per_s.pg.2runners.1mem",
  "cluster.commits_per_s.pg.2runners_vs_1runner.1mem",
  "cluster.forwarded_share.pg.2runners.1mem",
  "cluster.commits_per_s.pg.2runners.100mem",
  "cluster.commits_per_s.pg.2runners_vs_1runner.100mem",
  "cluster.forwarded_share.pg.2runners.100mem",
  "cluster.commits_per_s.pg.2runners_to_owner.100mem",
  "cluster.forwarded_share.pg.2runners_to_owner.100mem",
  "cluster.recall.ms_p50.direct",
  "cluster.recall.ms_p99.direct",
  "cluster.recall.ms_p50.forwarded",
  "cluster.recall.ms_p99.forwarded",
  "cluster.takeover.ms_median",
  "cluster.takeover.ms_max",
  "cluster.takeover_clean.ms_median",
  "cluster.takeover_clean.ms_max",
  "cluster.takeover.retried",
  "cluster.writes.lost",
  "cluster.retried"
]

const ours = (): Array<string> => readdirSync(tmpdir()).filter((f) => f.startsWith("mags-cluster-bench-"))

describe.skipIf(PgServer.skipReason() !== undefined)("the cluster bench (smoke run)", () => {
  it("reports every case with finite figures, loses no write, and leaves no runner or folder behind", async () => {
    const before = new Set(ours())
    const metrics = await run({ quick: true, sizes: [300] })
    expect(metrics.map((m) => m.name).sort()).toEqual([...NAMES].sort())
    for (const m of metrics) {
      checkMetric(m)
      expect(m.value).toBeGreaterThanOrEqual(0)
    }
    const by = new Map(metrics.map((m) => [m.name, m]))
    expect(by.get("cluster.writes.lost")!.value).toBe(0)
    for (const n of ["1mem", "100mem"]) {
      expect(by.get(`cluster.commits_per_s.pg.1runner.${n}`)!.baseline).toBe(by.get(`cluster.commits_per_s.sqlite.${n}`)!.value)
      const share = by.get(`cluster.forwarded_share.pg.2runners.${n}`)!.value
      expect(share).toBeLessThanOrEqual(1)
    }
    // half the clients talk to the runner that does not own the one memory
    expect(by.get("cluster.forwarded_share.pg.2runners.1mem")!.value).toBeGreaterThan(0)
    expect(by.get("cluster.recall.ms_p50.forwarded")!.baseline).toBe(by.get("cluster.recall.ms_p50.direct")!.value)
    // the stated bound of a takeover after a kill is the baseline
    expect(by.get("cluster.takeover.ms_max")!.baseline).toBe(Ownership.takeoverBoundMs(Ownership.DEFAULT_TTL_MS))
    expect(liveRunners()).toBe(0)
    expect(ours().filter((f) => !before.has(f))).toEqual([])
  })
})
