/**
 * Durability: a child process commits small engram batches to one SQLite memory in a loop,
 * printing each committed seq after the commit returns; it is SIGKILLed at a seeded random
 * moment, 50 times over the same database. After each kill the store must reopen without
 * error, hold every seq the child reported, and hold exactly the events the child produced.
 * The same with a PostgreSQL store (a throwaway server, `shell/testing/PgServer.ts`; 20 kills;
 * skipped, with the reason printed, where no PostgreSQL binaries exist).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, type Layer, type Scope } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll } from "vitest"
import * as PgServer from "../testing/PgServer.ts"
import { CHILD_MEMORY } from "./fixtures/ingest-child.ts"
import { MemoryStore, type StoreError } from "./MemoryStore.ts"

const FIXTURE = fileURLToPath(new URL("./fixtures/ingest-child.ts", import.meta.url))
const KILLS = 50
const SEED = 0x5eed_2024
const SNAPSHOT_EVERY = 40

/** mulberry32: a small seeded PRNG in [0, 1). */
const prng = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface ChildRun {
  /** Seq the child found on open (`undefined` when killed before it opened). */
  readonly ready: number | undefined
  /** Seqs the child reported committed (complete lines only). */
  readonly committed: ReadonlyArray<number>
  readonly signal: NodeJS.Signals | null
  readonly code: number | null
  readonly stderr: string
}

/**
 * Spawns the child and SIGKILLs it: `afterSpawnMs` after the spawn when given, else
 * `afterReadyMs` after it reported `ready`.
 */
const runChild = (home: string, scratch: string, kill: { readonly afterSpawnMs?: number; readonly afterReadyMs?: number }) =>
  Effect.callback<ChildRun>((resume) => {
    const child = spawn(
      process.execPath,
      ["--disable-warning=ExperimentalWarning", FIXTURE, home, String(SNAPSHOT_EVERY), "1000000"],
      // the V8 compile cache makes the 50 child start-ups cheaper (effect + core are re-imported each time)
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_COMPILE_CACHE: join(scratch, ".compile-cache") } }
    )
    let out = ""
    let stderr = ""
    let ready: number | undefined
    const timers: Array<NodeJS.Timeout> = []
    const killNow = () => child.kill("SIGKILL")
    // a safety net: never leave a child behind
    timers.push(setTimeout(killNow, 15_000))
    if (kill.afterSpawnMs !== undefined) timers.push(setTimeout(killNow, kill.afterSpawnMs))
    child.stdout.setEncoding("utf8")
    child.stdout.on("data", (chunk: string) => {
      out += chunk
      if (ready === undefined) {
        const m = /^ready (\d+)\n/.exec(out)
        if (m !== null) {
          ready = Number(m[1])
          if (kill.afterReadyMs !== undefined) timers.push(setTimeout(killNow, kill.afterReadyMs))
        }
      }
    })
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("close", (code, signal) => {
      for (const t of timers) clearTimeout(t)
      const lines = out.split("\n")
      lines.pop() // the last piece is incomplete (or empty)
      const committed = lines.filter((l) => /^\d+$/.test(l)).map(Number)
      resume(Effect.succeed({ ready, committed, signal, code, stderr }))
    })
    return Effect.sync(killNow)
  })

/** A temporary memory home, removed when the test's scope closes. */
const tempHome: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "mags-durability-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

/** Reopens the memory and checks it against what the child reported. */
const check = (layer: Layer.Layer<MemoryStore, StoreError>, run: ChildRun, previous: number, withVerify: boolean) =>
  Effect.gen(function*() {
    const store = yield* MemoryStore
    const memory = yield* store.open(CHILD_MEMORY)
    const state = yield* memory.state
    const last = run.committed.length === 0 ? previous : run.committed[run.committed.length - 1]!
    assert.isAtLeast(state.seq, last, "a reported commit is missing")
    if (run.ready !== undefined) assert.strictEqual(run.ready, previous, "the child opened at another seq than the parent saw")
    const entries = yield* memory.history(previous)
    assert.strictEqual(entries.length, state.seq - previous)
    const present = new Set<number>()
    for (const { event, seq } of entries) {
      present.add(seq)
      assert.strictEqual(event._tag, "Engrammed")
      if (event._tag === "Engrammed") {
        assert.strictEqual(event.now, seq)
        assert.strictEqual(event.input.facts[0]?.subject, `s${seq}`)
      }
    }
    for (const seq of run.committed) assert.isTrue(present.has(seq), `reported seq ${seq} is not in the journal`)
    if (withVerify) {
      const report = yield* memory.verify
      assert.isTrue(report.ok, report.problems.join("; "))
    }
    return state.seq
  }).pipe(Effect.scoped, Effect.provide(layer))

/** `kills` seeded kills of a child writing to `location` (a home, or a postgres URL), checked through `layer`. */
const killRuns = (kills: number, location: string, scratch: string, layer: Layer.Layer<MemoryStore, StoreError>) =>
  Effect.gen(function*() {
    const random = prng(SEED)
    let seq = 0
    let reported = 0
    let runsWithCommits = 0
    let killedWhileOpening = 0
    for (let i = 0; i < kills; i++) {
      const early = random() < 0.2
      const kill = early ? { afterSpawnMs: Math.floor(random() * 400) } : { afterReadyMs: Math.floor(random() * 80) }
      const run = yield* runChild(location, scratch, kill)
      assert.strictEqual(run.signal, "SIGKILL", `child ${i} was not killed (code ${run.code}): ${run.stderr}`)
      if (run.ready === undefined) killedWhileOpening++
      reported += run.committed.length
      if (run.committed.length > 0) runsWithCommits++
      seq = yield* check(layer, run, seq, i === kills - 1)
    }
    // the test exercised what it claims: kills both while opening and while committing
    // (loose bounds: how many commits fit before a kill depends on the machine's load)
    assert.isAtLeast(runsWithCommits, Math.floor(kills / 5))
    assert.isAtLeast(killedWhileOpening, 1)
    assert.isAtLeast(seq, reported)
  })

describe("durability under SIGKILL", () => {
  it.live(`${KILLS} seeded kills of a committing child lose no reported commit`, () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      yield* killRuns(KILLS, home, home, MemoryStore.layerSqlite({ home, snapshotEvery: SNAPSHOT_EVERY }))
    }), { timeout: 90_000 })
})

const KILLS_PG = 20
const skipPg = PgServer.skipReason()
if (skipPg !== undefined) console.warn(skipPg)

describe.skipIf(skipPg !== undefined)("durability under SIGKILL: PostgreSQL", () => {
  const pg = PgServer.shared()
  afterAll(pg.close)
  it.live(`${KILLS_PG} seeded kills of a child committing to PostgreSQL lose no reported commit`, () =>
    Effect.gen(function*() {
      const scratch = yield* tempHome
      const url = yield* Effect.orDie(pg.database("durability"))
      yield* killRuns(KILLS_PG, url, scratch, MemoryStore.layerPostgres({ url, snapshotEvery: SNAPSHOT_EVERY }))
    }), { timeout: 90_000 })
})
