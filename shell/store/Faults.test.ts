/**
 * Fault injection, as SQLite's own crash and I/O tests do it:
 * - a faulty backend fails the N-th write, for every N of a small scripted run (and, in a
 *   second mode, performs the write but loses its acknowledgement): the memory reopened
 *   afterwards equals the fold of what was committed, and nothing committed is lost;
 * - a torn last record, and bytes flipped in the middle of the database file (in a record,
 *   and in a page header), are found; `repair` salvages the good prefix into a new file,
 *   keeps the damaged one byte for byte, and afterwards the memory opens and verifies.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Result, type Scope } from "effect"
import { createHash } from "node:crypto"
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Replay from "../../core/Replay.ts"
import type { Backend } from "./Backend.ts"
import * as Journal from "./Journal.ts"
import * as MemoryBackend from "./MemoryBackend.ts"
import { MemoryId, MemoryStore, type MemoryStoreShape, StoreError } from "./MemoryStore.ts"
import * as Repair from "./Repair.ts"
import { dbPath } from "./Sqlite.ts"

// ── fixtures ──────────────────────────────────────────────────────────────────

const DIM = 8

const eventAt = (k: number): Event.Event =>
  new Event.Engrammed({
    now: 1000 + k,
    input: {
      episode: { id: `ep${k}`, text: `episode number ${k} of the fault run`, time: 1000 + k, embedding: Array.from({ length: DIM }, (_, i) => Math.fround(Math.sin(k + i))) },
      entities: [{ label: `person${k}`, embedding: Array.from({ length: DIM }, (_, i) => Math.fround(Math.cos(k * i + 1))) }],
      facts: [{ subject: `person${k}`, relation: "knows", object: `person${Math.max(0, k - 1)}` }]
    }
  })

const fold = (events: ReadonlyArray<Event.Event>): Replay.State => Result.getOrThrow(Replay.replay(events))
const hashOf = (s: Replay.State): string => LiquidGraph.contentHash(s.graph)
const alice = MemoryId.fromParts({ user: "alice" })

const WRITES = ["ensureMemory", "append", "putSnapshot", "abandon", "putBranch"] as const

/**
 * `inner` with its `n`-th write failing: `before` throws without writing (a failed
 * transaction); `after` writes, then throws (the acknowledgement is lost).
 */
const faulty = (inner: Backend, n: number, mode: "before" | "after"): Backend => {
  let writes = 0
  const out: Record<string, unknown> = { ...inner }
  for (const name of WRITES) {
    const f = inner[name] as (...args: Array<unknown>) => Effect.Effect<unknown, unknown>
    out[name] = (...args: Array<unknown>) =>
      Effect.suspend(() => {
        writes++
        if (writes !== n) return f(...args)
        const fault = new StoreError({ reason: "Io", message: `injected fault at write ${n} (${name}, ${mode})` })
        return mode === "after" ? Effect.flatMap(f(...args), () => Effect.fail(fault)) : Effect.fail(fault)
      })
  }
  return out as unknown as Backend
}

/** The scripted run: batches, an explicit snapshot, a rollback, more batches. Returns the events the store acknowledged. */
const script = (store: MemoryStoreShape) =>
  Effect.gen(function*() {
    let acknowledged: Array<Event.Event> = []
    const opened = yield* Effect.exit(store.open(alice))
    if (Exit.isFailure(opened)) return { acknowledged, opened: false }
    const memory = opened.value
    const commit = (events: ReadonlyArray<Event.Event>) =>
      Effect.gen(function*() {
        const before = yield* memory.state
        const exit = yield* Effect.exit(memory.commit(events))
        if (Exit.isSuccess(exit)) acknowledged = [...acknowledged, ...events]
        // a failed write leaves the live state as it was
        else assert.strictEqual(yield* memory.state, before)
      })
    let k = 0
    for (const size of [1, 3, 2, 4]) {
      yield* commit(Array.from({ length: size }, () => eventAt(k++)))
    }
    yield* Effect.exit(memory.snapshot)
    const target = Math.max(0, acknowledged.length - 3)
    const back = yield* Effect.exit(memory.rollback(target))
    if (Exit.isSuccess(back)) acknowledged = acknowledged.slice(0, target)
    for (const size of [2, 1, 3]) {
      yield* commit(Array.from({ length: size }, () => eventAt(k++)))
    }
    return { acknowledged, opened: true }
  })

const OPTIONS = { snapshotEvery: 3, snapshotMinBytes: 0, retries: 0 }

/** A temporary memory home, removed when the test's scope closes. */
const tempHome: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => mkdtempSync(join(tmpdir(), "mags-faults-"))),
  (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
)

const withSqlite = <A, E>(home: string, f: (store: MemoryStoreShape) => Effect.Effect<A, E, Scope.Scope>) =>
  Effect.gen(function*() {
    return yield* f(yield* MemoryStore)
  }).pipe(Effect.scoped, Effect.provide(MemoryStore.layerSqlite({ home, ...OPTIONS })))

const sha = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex")

/** Commits `n` events (batches of 5) to alice in a fresh SQLite home and closes it cleanly. */
const filled = (home: string, n: number) =>
  withSqlite(home, (store) =>
    Effect.gen(function*() {
      const memory = yield* store.open(alice)
      for (let i = 0; i < n; i += 5) yield* memory.commit(Array.from({ length: Math.min(5, n - i) }, (_, j) => eventAt(i + j)))
    }))

const events = (n: number): ReadonlyArray<Event.Event> => Array.from({ length: n }, (_, k) => eventAt(k))

/** After a repair: the memory opens strictly, verifies, and equals the fold of its first `kept` events. */
const checkRepaired = (home: string, kept: number) =>
  withSqlite(home, (store) =>
    Effect.gen(function*() {
      const memory = yield* store.open(alice)
      const state = yield* memory.state
      assert.strictEqual(state.seq, kept)
      assert.strictEqual(hashOf(state), hashOf(fold(events(kept))))
      const report = yield* memory.verify
      assert.isTrue(report.ok, report.problems.join("; "))
    }))

// ── tests ─────────────────────────────────────────────────────────────────────

describe("faults: the N-th backend write fails", () => {
  for (const mode of ["before", "after"] as const) {
    it.effect(`for every N (${mode === "before" ? "failed transaction" : "lost acknowledgement"}), the reopened memory holds what was committed`, () =>
      Effect.gen(function*() {
        // count the writes of a clean run first
        let total = 0
        const counting = MemoryBackend.make()
        const counted = faulty(counting, Number.MAX_SAFE_INTEGER, "before")
        const countingWrites: Record<string, unknown> = { ...counted }
        for (const name of WRITES) {
          const f = counted[name] as (...args: Array<unknown>) => Effect.Effect<unknown, unknown>
          countingWrites[name] = (...args: Array<unknown>) =>
            Effect.suspend(() => {
              total++
              return f(...args)
            })
        }
        const clean = yield* Effect.scoped(Effect.flatMap(Journal.makeStore(Effect.succeed(countingWrites as unknown as Backend), OPTIONS), script))
        assert.isAtLeast(total, 10)
        // the faults must bite: some runs lose commits (before), some keep unacknowledged ones (after)
        let bitten = 0
        for (let n = 1; n <= total; n++) {
          const inner = MemoryBackend.make()
          const run = yield* Effect.scoped(Effect.flatMap(Journal.makeStore(Effect.succeed(faulty(inner, n, mode)), OPTIONS), script))
          const reopened = yield* Effect.scoped(Effect.gen(function*() {
            const store = yield* Journal.makeStore(Effect.succeed(inner), OPTIONS)
            const memory = yield* store.open(alice)
            const report = yield* memory.verify
            assert.isTrue(report.ok, `N=${n}: ${report.problems.join("; ")}`)
            const abandoned: Array<string> = []
            for (const b of yield* memory.branches) for (const r of yield* memory.abandoned(b.branch)) abandoned.push(r.json ?? "")
            return { state: yield* memory.state, history: (yield* memory.history()).map((e) => e.event), abandoned }
          }))
          if (mode === "before" ? reopened.history.length !== clean.acknowledged.length : reopened.history.length + reopened.abandoned.length > run.acknowledged.length) bitten++
          if (mode === "before" || !run.opened) {
            assert.strictEqual(reopened.state.seq, run.acknowledged.length, `N=${n}`)
            assert.strictEqual(hashOf(reopened.state), hashOf(fold(run.acknowledged)), `N=${n}`)
          } else {
            // the journal is a fold of what it holds, and every acknowledged event is in it (or in
            // an abandoned branch: a rollback whose acknowledgement was lost did happen)
            assert.strictEqual(hashOf(reopened.state), hashOf(fold(reopened.history)), `N=${n}`)
            const held = new Set([...reopened.history.map((e) => JSON.stringify(Event.encode(e))), ...reopened.abandoned])
            for (const e of run.acknowledged) assert.isTrue(held.has(JSON.stringify(Event.encode(e))), `N=${n}: an acknowledged event was lost`)
          }
        }
        assert.isAtLeast(bitten, total / 2)
      }))
  }
})

describe("faults: damaged files and repair", () => {
  it.effect("a torn last record: found by open or verify; repair keeps 1..n-1, reports n lost, keeps the damaged file", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      yield* filled(home, 12)
      const db = new DatabaseSync(dbPath(home))
      const last = db.prepare("SELECT json FROM events WHERE seq = 12").get()?.["json"] as Uint8Array
      db.prepare("UPDATE events SET json = ? WHERE seq = 12").run(last.subarray(0, last.length - 7))
      db.close()
      // found by a strict open (when the record is in the tail after the latest snapshot) or by verify
      const found = yield* Effect.exit(withSqlite(home, (store) =>
        Effect.flatMap(store.open(alice), (m) => Effect.flatMap(m.verify, (r) => (r.ok ? Effect.void : Effect.fail("bad"))))))
      assert.isTrue(Exit.isFailure(found))
      const damaged = sha(dbPath(home))
      const report = yield* Repair.repair(home)
      assert.isFalse(report.healthy)
      assert.isTrue(report.lost)
      assert.strictEqual(report.memories.length, 1)
      assert.deepInclude(report.memories[0], { kept: 11, lastKnown: 12 })
      assert.match(report.memories[0]!.problem ?? "", /position 11/)
      assert.isTrue(existsSync(report.movedTo!))
      assert.strictEqual(sha(report.movedTo!), damaged)
      yield* checkRepaired(home, 11)
      // a second repair finds nothing to do and touches nothing
      const again = yield* Repair.repair(home)
      assert.isTrue(again.healthy)
      assert.isUndefined(again.movedTo)
    }))

  for (const where of ["a record's bytes", "a page header"] as const) {
    it.effect(`bytes flipped mid-file (${where}): repair salvages a valid prefix; the memory opens and verifies`, () =>
      Effect.gen(function*() {
        const home = yield* tempHome
        yield* filled(home, 300)
        const path = dbPath(home)
        // the middle leaf page of the events table
        const db = new DatabaseSync(path)
        const pageSize = Number(db.prepare("PRAGMA page_size").get()?.["page_size"])
        const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = 'events' AND pagetype = 'leaf' ORDER BY pageno").all().map((r) => Number(r["pageno"]))
        db.close()
        assert.isAtLeast(pages.length, 4)
        const page = pages[Math.floor(pages.length / 2)]!
        const bytes = readFileSync(path)
        const start = (page - 1) * pageSize + (where === "a page header" ? 0 : pageSize - 200)
        for (let i = 0; i < 16; i++) bytes[start + i] = bytes[start + i]! ^ 0xa5
        writeFileSync(path, bytes)
        const damaged = sha(path)
        const report = yield* Repair.repair(home)
        assert.isFalse(report.healthy)
        assert.isTrue(report.lost)
        const kept = report.memories[0]?.kept ?? 0
        assert.isBelow(kept, 300)
        assert.strictEqual(sha(report.movedTo!), damaged)
        yield* checkRepaired(home, kept)
      }))
  }

  it.effect("a damaged snapshot only: the memory still opens (from the journal); repair rebuilds it and loses nothing", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      yield* filled(home, 12)
      const db = new DatabaseSync(dbPath(home))
      const seq = Number(db.prepare("SELECT max(seq) AS s FROM snapshots").get()?.["s"])
      const data = Uint8Array.from(db.prepare("SELECT json FROM snapshots WHERE seq = ?").get(seq)?.["json"] as Uint8Array)
      data[data.length >> 1] = data[data.length >> 1]! ^ 0xff
      db.prepare("UPDATE snapshots SET json = ? WHERE seq = ?").run(data, seq)
      db.close()
      const report = yield* Repair.repair(home)
      assert.isFalse(report.healthy)
      assert.isFalse(report.lost)
      assert.match(report.damage.join(" "), new RegExp(`snapshot ${seq}`))
      assert.deepInclude(report.memories[0], { kept: 12, lastKnown: 12, problem: undefined })
      yield* checkRepaired(home, 12)
    }))

  it.effect("a database that is not a database at all: repair moves it aside and starts an empty store", () =>
    Effect.gen(function*() {
      const home = yield* tempHome
      yield* filled(home, 5)
      writeFileSync(dbPath(home), Buffer.alloc(8192, 0x42))
      rmSync(dbPath(home) + "-wal", { force: true })
      rmSync(dbPath(home) + "-shm", { force: true })
      const report = yield* Repair.repair(home)
      assert.isFalse(report.healthy)
      assert.isTrue(report.lost)
      assert.deepStrictEqual(report.memories, [])
      yield* checkRepaired(home, 0)
    }))
})
