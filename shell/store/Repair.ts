/**
 * Repair — salvages the longest valid prefix of every memory of a damaged SQLite store into a
 * new database, and moves the damaged file aside (kept, never written over).
 *
 * What counts as damage: SQLite finds its pages inconsistent (`PRAGMA integrity_check`), a
 * table or row cannot be read, a memory's `verify` fails (a bad journal record: checksum,
 * unreadable record, gap, an event that does not decode or apply; or a snapshot that does not
 * restore to the journal's fold), or an abandoned branch fails its checksums. A healthy store
 * is left exactly as it is.
 *
 * The salvage, per memory: events are read one seq at a time (a point lookup each, so a
 * damaged page ends the prefix instead of the whole read) and folded from the memory's initial
 * state; every event before the first bad or unreadable one is copied as it is (same bytes),
 * then a fresh snapshot of the kept state is written. Abandoned branches whose records all
 * read back with their checksums are copied; the others are dropped. Old snapshots are not
 * copied (they are a cache of the journal). The report says, per memory, which events were
 * kept (1..k), which were lost (k+1..n, as far as the damaged file still tells n), and which
 * snapshots and branches were dropped.
 *
 * Files: the new database is built in `<home>/.repair-<stamp>/` and moved to
 * `<home>/mags.db` only once complete; the damaged `mags.db` (with its `-wal` and `-shm`) is
 * renamed `mags.db.damaged-<stamp>` first (a numbered suffix if that name exists). Run it
 * while no other process uses the home.
 *
 * @since 0.2.0
 */
import { Clock, Effect, Result } from "effect"
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import type { Backend, EventRow, MemoryRecord, SyncBackend } from "./Backend.ts"
import { checksum } from "./Backend.ts"
import * as Journal from "./Journal.ts"
import { type MemoryId, StoreError } from "./Model.ts"
import * as Sqlite from "./Sqlite.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** What repair did to one memory. */
export interface MemoryRepair {
  readonly id: MemoryId
  /** Events kept: seqs 1..kept. */
  readonly kept: number
  /** The last seq the damaged file still reports (`undefined` when it cannot tell). */
  readonly lastKnown: number | undefined
  /** Why the prefix ends there (`undefined` when the whole journal was good). */
  readonly problem: string | undefined
  /** Snapshots of the damaged file (not copied; a fresh one is written at `kept`). */
  readonly snapshotsDropped: number
  /** Abandoned branches copied whole. */
  readonly branchesKept: ReadonlyArray<number>
  /** Abandoned branches dropped (unreadable or failing their checksums). */
  readonly branchesDropped: ReadonlyArray<number>
  /** In-place repair ({@link repairBackend}): the abandoned branch (reason "corrupt") now holding the cut tail. */
  readonly tailBranch?: number
}

/** The outcome of {@link repair}. */
export interface RepairReport {
  /** The database path. */
  readonly path: string
  /** True when nothing was damaged: the store was left as it was. */
  readonly healthy: boolean
  /** Per memory (empty when the file could not be read at all, or has none). */
  readonly memories: ReadonlyArray<MemoryRepair>
  /** Database-level damage found (integrity check, unreadable tables), if any. */
  readonly damage: ReadonlyArray<string>
  /** Where the damaged file was moved (undefined when healthy, or repaired in place by {@link repairBackend}). */
  readonly movedTo: string | undefined
  /** True when events or branches were lost, or the damaged file could not be read at all. */
  readonly lost: boolean
}

// ── helpers ───────────────────────────────────────────────────────────────────

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const attempt = <A>(f: () => A): Result.Result<A, string> => {
  try {
    return Result.succeed(f())
  } catch (e) {
    return Result.fail(message(e))
  }
}

/** Reads seq `s` alone (a damaged page fails only the reads that touch it). */
const rowAt = (src: SyncBackend, m: MemoryRecord, s: number): Result.Result<EventRow | undefined, string> =>
  attempt(() => src.events(m, s - 1, s, 1)[0])

const stampOf = (at: number): string => new Date(at).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")

const freeName = (base: string): string => {
  if (!existsSync(base)) return base
  for (let i = 1;; i++) if (!existsSync(`${base}-${i}`)) return `${base}-${i}`
}

interface Health {
  readonly damage: ReadonlyArray<string>
  readonly bad: boolean
}

/**
 * Damage found without writing anything: SQLite's integrity check, then every memory verified
 * as `Memory.verify` does it (the journal folded from the start, every snapshot restored and
 * compared with the fold) and its branches' checksums.
 */
const inspect = (src: SyncBackend, db: DatabaseSync): Health => {
  const damage: Array<string> = []
  const check = attempt(() => db.prepare("PRAGMA integrity_check(20)").all().map((r) => String(r["integrity_check"])))
  if (Result.isFailure(check)) damage.push(`integrity check failed: ${check.failure}`)
  else if (check.success.length !== 1 || check.success[0] !== "ok") damage.push(...check.success.map((x) => `integrity: ${x}`))
  if (damage.length > 0) return { damage, bad: true }
  const ids = attempt(() => src.listMemories())
  if (Result.isFailure(ids)) return { damage: [`memories unreadable: ${ids.failure}`], bad: true }
  for (const id of ids.success) {
    const verdict = attempt((): string | undefined => {
      const report = Effect.runSync(Effect.scoped(Effect.flatMap(
        Journal.makeStore(Effect.succeed(Sqlite.makeBackend(db, true)), {}),
        (store) => Effect.flatMap(store.openLenient(id), ({ memory }) => memory.verify)
      )))
      if (!report.ok) return report.problems[0] ?? "verify failed"
      const m = src.findMemory(id)
      for (const b of m === undefined ? [] : src.branches(m)) {
        for (const r of src.abandonedRows(m!, b.branch)) if (checksum(r.data) !== r.crc) return `branch ${b.branch} is damaged`
      }
      return undefined
    })
    if (Result.isFailure(verdict)) return { damage: [`memory ${id.key}: ${verdict.failure}`], bad: true }
    if (verdict.success !== undefined) return { damage: [`memory ${id.key}: ${verdict.success}`], bad: true }
  }
  return { damage: [], bad: false }
}

const CHUNK = 1024

/** Copies the longest valid prefix of one memory (and its readable branches) into `dst`. */
const salvage = (src: SyncBackend, dst: SyncBackend, id: MemoryId, at: number): MemoryRepair => {
  const empty = { kept: 0, snapshotsDropped: 0, branchesKept: [], branchesDropped: [] }
  const found = attempt(() => src.findMemory(id))
  if (Result.isFailure(found) || found.success === undefined) {
    return { id, ...empty, lastKnown: undefined, problem: `the memory's record is unreadable${Result.isFailure(found) ? `: ${found.failure}` : ""}` }
  }
  const m = found.success
  const lastKnownR = attempt(() => src.lastSeq(m))
  const lastKnown = Result.isSuccess(lastKnownR) ? lastKnownR.success : undefined
  const snapshots = attempt(() => src.snapshotMetas(m).length)
  const snapshotsDropped = Result.isSuccess(snapshots) ? snapshots.success : 0
  const initial = attempt(() => Effect.runSync(Journal.initialOf(m)))
  if (Result.isFailure(initial)) return { id, ...empty, snapshotsDropped, lastKnown, problem: initial.failure }
  const target = dst.ensureMemory(id, { params: m.params, dim: m.dim, at })
  let state = initial.success
  let problem: string | undefined
  for (let done = false; !done;) {
    const rows: Array<EventRow> = []
    while (rows.length < CHUNK) {
      const r = rowAt(src, m, state.seq + rows.length + 1)
      if (Result.isFailure(r)) {
        problem = `record at position ${state.seq + rows.length} is unreadable: ${r.failure}`
        done = true
        break
      }
      if (r.success === undefined) {
        done = true
        break
      }
      rows.push(r.success)
    }
    const folded = Journal.foldRows(rows, state)
    const good = rows.slice(0, folded.state.seq - state.seq)
    if (good.length > 0) dst.append(target, state.seq, good, undefined, 1)
    state = folded.state
    if (folded.error !== undefined) {
      problem = folded.error.message
      done = true
    }
  }
  if (state.seq > 0) dst.putSnapshot(target, state.seq, Journal.snapshotRow(state, dst.eventBytes(target, 0, state.seq)), 1)
  const branchesKept: Array<number> = []
  const branchesDropped: Array<number> = []
  const branches = attempt(() => src.branches(m))
  if (Result.isSuccess(branches)) {
    for (const b of branches.success) {
      const rows = attempt(() => src.abandonedRows(m, b.branch))
      if (Result.isSuccess(rows) && rows.success.every((r) => checksum(r.data) === r.crc)) {
        dst.putBranch(target, { base: b.base, tip: b.tip, reason: b.reason, at: b.at }, rows.success)
        branchesKept.push(b.branch)
      } else branchesDropped.push(b.branch)
    }
  }
  return { id, kept: state.seq, lastKnown, problem, snapshotsDropped, branchesKept, branchesDropped }
}

const openSource = (path: string): DatabaseSync => new DatabaseSync(path, { readOnly: true })

// ── repair ────────────────────────────────────────────────────────────────────

/**
 * Checks the store at `<home>/mags.db` and, when it is damaged, salvages it (see the module
 * header). A missing database is healthy (nothing to do).
 *
 * Laws: afterwards the store opens and every memory's `verify` passes; each kept memory's
 * state equals the fold of its first `kept` events of the damaged journal; the damaged file
 * is kept byte for byte under `movedTo`; a healthy store is not touched.
 * @complexity O(database size): one integrity check, one fold per memory, one copy
 */
export const repair = (home: string): Effect.Effect<RepairReport, StoreError> =>
  Effect.flatMap(Clock.currentTimeMillis, (at) =>
    Effect.try({
      try: () => repairSync(home, at),
      catch: (e) => (e instanceof StoreError ? e : new StoreError({ reason: "Io", message: `repair: ${message(e)}` }))
    }))

const repairSync = (home: string, at: number): RepairReport => {
  const path = Sqlite.dbPath(home)
  if (!existsSync(path)) return { path, healthy: true, memories: [], damage: [], movedTo: undefined, lost: false }
  const source = attempt(() => openSource(path))
  const db = Result.isSuccess(source) ? source.success : undefined
  try {
    const src = db === undefined ? undefined : Sqlite.makeSyncBackend(db, true)
    const health: Health = src === undefined || db === undefined
      ? { damage: [`cannot open: ${Result.isFailure(source) ? source.failure : "?"}`], bad: true }
      : inspect(src, db)
    if (!health.bad) return { path, healthy: true, memories: [], damage: [], movedTo: undefined, lost: false }
    const stamp = stampOf(at)
    const work = freeName(join(home, `.repair-${stamp}`))
    mkdirSync(work, { recursive: true })
    const memories: Array<MemoryRepair> = []
    let readable = true
    try {
      // built through the backend, so the new file has the current schema and pragmas
      const target = Sqlite.openSync({ home: work })
      try {
        const ids = src === undefined ? Result.fail("unreadable") : attempt(() => src.listMemories())
        if (Result.isSuccess(ids)) for (const id of ids.success) memories.push(salvage(src!, target.backend, id, at))
        readable = Result.isSuccess(ids)
      } finally {
        target.close()
      }
    } catch (e) {
      rmSync(work, { recursive: true, force: true })
      throw e
    }
    db?.close()
    const movedTo = freeName(`${path}.damaged-${stamp}`)
    renameSync(path, movedTo)
    for (const suffix of ["-wal", "-shm"]) if (existsSync(path + suffix)) renameSync(path + suffix, movedTo + suffix)
    renameSync(Sqlite.dbPath(work), path)
    rmSync(work, { recursive: true, force: true })
    const lost = !readable || memories.some((m) =>
      m.branchesDropped.length > 0 || m.problem !== undefined || (m.lastKnown !== undefined && m.lastKnown > m.kept)
    )
    return { path, healthy: false, memories, damage: health.damage, movedTo, lost }
  } finally {
    if (db?.isOpen === true) db.close()
  }
}

// ── in place (a database server) ──────────────────────────────────────────────

/**
 * Checks every memory of a store whose storage a database server keeps consistent (PostgreSQL:
 * pages are the server's business) and repairs, IN PLACE, what the records themselves tell
 * is wrong: a journal record that fails its checksum, does not decode or does not apply, and
 * a snapshot that does not restore to the journal's fold. Nothing is deleted: the journal's
 * bad tail (from the first bad record on) is moved to an abandoned branch with reason
 * "corrupt" (`openLenient` with `truncate`), then a fresh snapshot of the kept state replaces
 * the memory's snapshots. Abandoned "rollback" branches failing their checksums are reported
 * (in `damage`) and left as they are ("corrupt" branches hold a bad record by definition). A healthy store is not written to.
 *
 * Laws: afterwards every memory's `verify` passes; each repaired memory's state is the fold of
 * its first `kept` events; the events cut from the journal are on branch `tailBranch`. Other
 * writers may run meanwhile: each step is one transaction that names the journal's last seq.
 * `where` names the store in the report (a redacted URL).
 * @complexity O(store size): one fold per memory, a snapshot written per repaired memory
 */
export const repairBackend = (backend: Backend, where: string): Effect.Effect<RepairReport, StoreError> =>
  Effect.scoped(Effect.gen(function*() {
    const store = yield* Journal.makeStore(Effect.succeed(backend), {})
    const memories: Array<MemoryRepair> = []
    const damage: Array<string> = []
    for (const id of yield* backend.listMemories) {
      const m = yield* backend.findMemory(id)
      if (m === undefined) continue
      const badBranches: Array<number> = []
      const branchesKept: Array<number> = []
      for (const b of yield* backend.branches(m)) {
        // a "corrupt" branch holds a bad record by definition (what a truncation set aside)
        const rows = b.reason === "corrupt" ? [] : yield* backend.abandonedRows(m, b.branch)
        if (rows.every((r) => checksum(r.data) === r.crc)) branchesKept.push(b.branch)
        else badBranches.push(b.branch)
      }
      for (const b of badBranches) damage.push(`memory ${id.key}: abandoned branch ${b} fails its checksums (kept as it is)`)
      const { corruption, memory } = yield* store.openLenient(id)
      const report = yield* memory.verify
      if (report.ok && corruption === undefined) continue
      damage.push(`memory ${id.key}: ${report.problems[0] ?? corruption?.message ?? "verify failed"}`)
      const lastKnown = yield* backend.lastSeq(m)
      const snapshotsDropped = (yield* backend.snapshotMetas(m)).length
      // the first bad journal record, as the fold from the start finds it (a load from a snapshot
      // may not have read it): the tail from there on moves to a "corrupt" branch
      const bad = report.firstBadPosition ?? corruption?.position
      let cut: number | undefined
      if (bad !== undefined) {
        const at = yield* Clock.currentTimeMillis
        const branch = yield* Effect.mapError(backend.abandon(m, lastKnown, bad, "corrupt", at), (e) =>
          e instanceof StoreError ? e : new StoreError({ reason: "Locked", message: `repair of ${id.key}: another writer moved the journal to seq ${e.last}` }))
        cut = branch?.branch
      }
      // the kept state: the journal (now all good) folded from the start, not the loaded state
      // (a snapshot that lies consistently about its content may have been loaded)
      let state = yield* Journal.initialOf(m)
      for (;;) {
        const rows = yield* backend.events(m, state.seq, Number.MAX_SAFE_INTEGER, CHUNK)
        if (rows.length === 0) break
        const folded = Journal.foldRows(rows, state)
        state = folded.state
        if (folded.error !== undefined) return yield* new StoreError({ reason: "Corrupt", message: `repair of ${id.key}: ${folded.error.message}` })
      }
      if (state.seq > 0) {
        const row = Journal.snapshotRow(state, yield* backend.eventBytes(m, 0, state.seq))
        yield* Effect.mapError(backend.putSnapshot(m, state.seq, row, 1), (e) =>
          e instanceof StoreError ? e : new StoreError({ reason: "Locked", message: `repair of ${id.key}: another writer moved the journal to seq ${e.last}` }))
      }
      const checked = yield* Effect.scoped(Effect.flatMap(
        Journal.makeStore(Effect.succeed(backend), {}),
        (fresh) => Effect.flatMap(fresh.open(id), (reopened) => reopened.verify)
      ))
      if (!checked.ok) return yield* new StoreError({ reason: "Io", message: `repair of ${id.key} did not verify: ${checked.problems.join("; ")}` })
      memories.push({
        id,
        kept: state.seq,
        lastKnown,
        problem: bad === undefined ? undefined : (report.problems.find((p) => p.startsWith("record at position")) ?? corruption?.message ?? `record at position ${bad} is bad`),
        snapshotsDropped,
        branchesKept,
        branchesDropped: [],
        ...(cut === undefined ? {} : { tailBranch: cut })
      })
    }
    const healthy = damage.length === 0
    const lost = memories.some((m) => m.kept < (m.lastKnown ?? m.kept))
    return { path: where, healthy, memories, damage, movedTo: undefined, lost }
  }))
