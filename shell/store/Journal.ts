/**
 * Journal — the store engine, independent of where records live, and the in-memory backend.
 *
 * A {@link Backend} stores, per memory, raw records: events `(seq, tag, json, crc)`, snapshots
 * `(seq, json, crc, contentHash)` and abandoned branches. It is synchronous (as `node:sqlite`
 * is) and knows nothing of events' meaning; {@link makeStore} builds the `MemoryStore` service
 * on any backend: validation before writing, loading (latest valid snapshot + tail), verify,
 * rollback, the in-process registry of open memories. Every operation of a memory runs as one
 * synchronous step, so operations on one memory never interleave within a process; across
 * processes each write checks, inside its transaction, that the journal still ends where this
 * process last saw it (else "Locked").
 *
 * Records carry a CRC-32 of their JSON text (`node:zlib` `crc32`), so a torn or edited record is
 * detected when it is read; a snapshot also carries the `LiquidGraph.contentHash` of its graph.
 *
 * @since 0.1.0
 */
import { Clock, Effect, Result, type Scope } from "effect"
import { crc32 } from "node:zlib"
import type * as Changes from "../../core/Changes.ts"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Replay from "../../core/Replay.ts"
import {
  type AbandonedRecord,
  type Branch,
  type Entry,
  type Lenient,
  type LenientOptions,
  type Memory,
  MemoryId,
  type MemoryStoreShape,
  type OpenOptions,
  StoreError,
  type StoreOptions,
  type VerifyReport
} from "./MemoryStore.ts"

// ── records and the backend ───────────────────────────────────────────────────

/** A stored event: the event that produced state `seq`, as JSON text, with its CRC-32. */
export interface EventRow {
  readonly seq: number
  readonly tag: string
  readonly json: string
  readonly crc: number
}

/** A stored snapshot's metadata (its JSON is read separately, only when needed). */
export interface SnapshotMeta {
  readonly seq: number
  readonly crc: number
  /** `LiquidGraph.contentHash` of the snapshot's graph when it was written. */
  readonly contentHash: string
}

/** A stored snapshot. */
export interface SnapshotRow extends SnapshotMeta {
  readonly json: string
}

/** A memory as the backend knows it. */
export interface MemoryRecord {
  /** The backend's own handle (a row id). */
  readonly ref: number
  readonly id: MemoryId
  /** JSON of the initial state's parameters. */
  readonly params: string
  /** The initial graph's vector dimension. */
  readonly dim: number
}

/**
 * Where records live. Every method is synchronous and atomic; failures are thrown (a
 * {@link StoreError} passes through as is, anything else becomes "Io").
 */
export interface Backend {
  /** The memory's record, created (with `init`) when absent. */
  readonly ensureMemory: (id: MemoryId, init: { readonly params: string; readonly dim: number; readonly at: number }) => MemoryRecord
  /** Every memory, in creation order. */
  readonly listMemories: () => ReadonlyArray<MemoryId>
  /** The journal's last seq (0 when empty). */
  readonly lastSeq: (m: MemoryRecord) => number
  /** Events with `after < seq <= upto`, ascending. */
  readonly events: (m: MemoryRecord, after: number, upto: number) => Iterable<EventRow>
  /** Snapshot metadata, ascending by seq. */
  readonly snapshotMetas: (m: MemoryRecord) => ReadonlyArray<SnapshotMeta>
  /** A snapshot's JSON text. */
  readonly snapshotJson: (m: MemoryRecord, seq: number) => string | undefined
  /**
   * Appends `rows` (seqs `expected + 1 …`) and, if given, a snapshot, in ONE transaction.
   * Throws "Locked" (writing nothing) when the journal's last seq is not `expected`.
   */
  readonly append: (m: MemoryRecord, expected: number, rows: ReadonlyArray<EventRow>, snapshot: SnapshotRow | undefined) => void
  /** Writes (or replaces) a snapshot; "Locked" when the journal's last seq is not `expected`. */
  readonly putSnapshot: (m: MemoryRecord, expected: number, row: SnapshotRow) => void
  /**
   * In one transaction: moves the events after `base` to a new branch, drops the snapshots after
   * `base`, records the branch; "Locked" when the last seq is not `expected`. Returns the branch
   * (`undefined` when there was nothing after `base`).
   */
  readonly abandon: (m: MemoryRecord, expected: number, base: number, reason: Branch["reason"], at: number) => Branch | undefined
  /** The abandoned branches, oldest first. */
  readonly branches: (m: MemoryRecord) => ReadonlyArray<Branch>
  /** One branch's records, ascending. */
  readonly abandonedRows: (m: MemoryRecord, branch: number) => ReadonlyArray<EventRow>
}

/**
 * CRC-32 of a record's JSON text (UTF-8).
 * @complexity O(length)
 */
export const checksum = (json: string): number => crc32(json)

// ── helpers ───────────────────────────────────────────────────────────────────

const DEFAULT_SNAPSHOT_EVERY = 1000

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const toStoreError = (e: unknown): StoreError =>
  e instanceof StoreError ? e : new StoreError({ reason: "Io", message: errorMessage(e) })

/** Runs a synchronous step of the store as an Effect; throws become `StoreError`s. */
const guard = <A>(f: () => A): Effect.Effect<A, StoreError> => Effect.try({ try: f, catch: toStoreError })

const corrupt = (position: number, message: string): StoreError =>
  new StoreError({ reason: "Corrupt", message: `record at position ${position}: ${message}`, position })

/** JSON with sorted keys, to compare parameter records. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v)

const sameParams = (a: Params.Params, b: Params.Params): boolean => canonical(a) === canonical(b)

/** `Replay.apply` that also turns an unexpected throw into a failure. */
const applySafe = (state: Replay.State, event: Event.Event): Result.Result<{ readonly state: Replay.State; readonly changes: Changes.Changes }, string> => {
  try {
    const step = Replay.apply(state, event)
    return Result.isFailure(step) ? Result.fail(step.failure.message) : Result.succeed(step.success)
  } catch (e) {
    return Result.fail(`threw: ${errorMessage(e)}`)
  }
}

/** Decodes and applies one stored event on `state`; a string when it is bad. */
const step = (state: Replay.State, row: EventRow): Result.Result<Replay.State, string> => {
  if (row.seq !== state.seq + 1) return Result.fail(`expected seq ${state.seq + 1}, found ${row.seq} (a gap in the journal)`)
  if (checksum(row.json) !== row.crc) return Result.fail("checksum mismatch (torn or edited record)")
  let raw: unknown
  try {
    raw = JSON.parse(row.json)
  } catch (e) {
    return Result.fail(`not JSON: ${errorMessage(e)}`)
  }
  const decoded = Event.decode(raw, state.seq)
  if (Result.isFailure(decoded)) return Result.fail(`does not decode: ${decoded.failure.message}`)
  if (decoded.success._tag !== row.tag) return Result.fail(`tag ${row.tag} does not match the event's ${decoded.success._tag}`)
  const applied = applySafe(state, decoded.success)
  return Result.isFailure(applied) ? Result.fail(`does not apply: ${applied.failure}`) : Result.succeed(applied.success.state)
}

/** Folds stored rows over `from`, stopping at the first bad one. */
const fold = (rows: Iterable<EventRow>, from: Replay.State, onState?: (s: Replay.State) => void): { state: Replay.State; error: StoreError | undefined } => {
  let state = from
  for (const row of rows) {
    const next = step(state, row)
    if (Result.isFailure(next)) return { state, error: corrupt(state.seq, next.failure) }
    state = next.success
    onState?.(state)
  }
  return { state, error: undefined }
}

/** A snapshot row for a state. */
const snapshotRow = (state: Replay.State): SnapshotRow => {
  const json = JSON.stringify(Replay.snapshot(state))
  return { seq: state.seq, json, crc: checksum(json), contentHash: LiquidGraph.contentHash(state.graph) }
}

/** The state a stored snapshot holds, or why it is not usable. */
const readSnapshot = (backend: Backend, m: MemoryRecord, meta: SnapshotMeta): Result.Result<Replay.State, string> => {
  const json = backend.snapshotJson(m, meta.seq)
  if (json === undefined) return Result.fail("missing")
  if (checksum(json) !== meta.crc) return Result.fail("checksum mismatch")
  let raw: unknown
  try {
    raw = JSON.parse(json)
  } catch (e) {
    return Result.fail(`not JSON: ${errorMessage(e)}`)
  }
  const restored = Replay.restore(raw)
  if (Result.isFailure(restored)) return Result.fail(`does not restore: ${restored.failure.message}`)
  if (restored.success.seq !== meta.seq) return Result.fail(`holds seq ${restored.success.seq}`)
  if (LiquidGraph.contentHash(restored.success.graph) !== meta.contentHash) return Result.fail("content hash mismatch")
  return Result.succeed(restored.success)
}

/** The initial state of a memory (before its first event). */
const initialOf = (m: MemoryRecord): Replay.State => {
  let raw: unknown
  try {
    raw = JSON.parse(m.params)
  } catch (e) {
    throw corrupt(0, `the memory's initial parameters are not JSON: ${errorMessage(e)}`)
  }
  const params = Params.decode(raw)
  if (Result.isFailure(params)) throw corrupt(0, `the memory's initial parameters: ${params.failure.message}`)
  return Replay.initial(params.success, m.dim)
}

interface Loaded {
  readonly state: Replay.State
  /** Seq of the snapshot the load started from (0 when none). */
  readonly snapshotSeq: number
  readonly error: StoreError | undefined
}

/** Latest valid snapshot at or below `upto` + the events after it up to `upto`. */
const load = (backend: Backend, m: MemoryRecord, upto: number): Loaded => {
  const initial = initialOf(m)
  let base = initial
  let snapshotSeq = 0
  // a snapshot past the journal's end is not backed by events: never start from it
  const end = Math.min(upto, backend.lastSeq(m))
  const metas = backend.snapshotMetas(m)
  for (let i = metas.length - 1; i >= 0; i--) {
    const meta = metas[i]!
    if (meta.seq > end) continue
    const restored = readSnapshot(backend, m, meta)
    if (Result.isSuccess(restored)) {
      base = restored.success
      snapshotSeq = meta.seq
      break
    }
  }
  const { error, state } = fold(backend.events(m, base.seq, upto), base)
  return { state, snapshotSeq, error }
}

// ── the in-memory backend ─────────────────────────────────────────────────────

interface MemorySlot {
  readonly record: MemoryRecord
  events: Array<EventRow>
  snapshots: Map<number, SnapshotRow>
  branches: Array<Branch>
  abandoned: Map<number, ReadonlyArray<EventRow>>
}

/**
 * A backend holding everything in process memory (records as JSON text with checksums, as in
 * SQLite), for tests of other modules.
 * @complexity append O(batch), events O(log n + returned), abandon O(moved)
 */
export const memoryBackend = (): Effect.Effect<Backend> =>
  Effect.sync(() => {
    const slots: Array<MemorySlot> = []
    const byKey = new Map<string, MemorySlot>()
    const slot = (m: MemoryRecord): MemorySlot => {
      const s = slots[m.ref]
      if (s === undefined) throw new StoreError({ reason: "NotFound", message: `no memory ${m.id.key}` })
      return s
    }
    const last = (s: MemorySlot): number => s.events.length === 0 ? 0 : s.events[s.events.length - 1]!.seq
    const expect = (s: MemorySlot, expected: number): void => {
      if (last(s) !== expected) {
        throw new StoreError({ reason: "Locked", message: `the journal of ${s.record.id.key} ends at ${last(s)}, expected ${expected}` })
      }
    }
    return {
      ensureMemory: (id, init) => {
        const k = JSON.stringify([id.user, id.agent, id.session])
        const found = byKey.get(k)
        if (found !== undefined) return found.record
        const record: MemoryRecord = { ref: slots.length, id, params: init.params, dim: init.dim }
        const s: MemorySlot = { record, events: [], snapshots: new Map(), branches: [], abandoned: new Map() }
        slots.push(s)
        byKey.set(k, s)
        return record
      },
      listMemories: () => slots.map((s) => s.record.id),
      lastSeq: (m) => last(slot(m)),
      events: (m, after, upto) => {
        const rows = slot(m).events
        // rows are contiguous from seq 1 in this backend, so seq s sits at index s - 1
        return rows.slice(Math.max(0, after), Math.min(rows.length, upto))
      },
      snapshotMetas: (m) =>
        [...slot(m).snapshots.values()].sort((a, b) => a.seq - b.seq).map(({ contentHash, crc, seq }) => ({ seq, crc, contentHash })),
      snapshotJson: (m, seq) => slot(m).snapshots.get(seq)?.json,
      append: (m, expected, rows, snapshot) => {
        const s = slot(m)
        expect(s, expected)
        s.events.push(...rows)
        if (snapshot !== undefined) s.snapshots.set(snapshot.seq, snapshot)
      },
      putSnapshot: (m, expected, row) => {
        const s = slot(m)
        expect(s, expected)
        s.snapshots.set(row.seq, row)
      },
      abandon: (m, expected, base, reason, at) => {
        const s = slot(m)
        expect(s, expected)
        for (const seq of [...s.snapshots.keys()]) if (seq > base) s.snapshots.delete(seq)
        const moved = s.events.filter((r) => r.seq > base)
        if (moved.length === 0) return undefined
        s.events = s.events.filter((r) => r.seq <= base)
        const branch: Branch = { branch: s.branches.length + 1, base, tip: moved[moved.length - 1]!.seq, reason, at }
        s.branches.push(branch)
        s.abandoned.set(branch.branch, moved)
        return branch
      },
      branches: (m) => [...slot(m).branches],
      abandonedRows: (m, branch) => slot(m).abandoned.get(branch) ?? []
    }
  })

// ── the engine ────────────────────────────────────────────────────────────────

interface Handle {
  readonly record: MemoryRecord
  state: Replay.State
  /** Seq of the latest snapshot written or loaded (0 when none). */
  lastSnapshot: number
  /** Set when the journal has a bad record and the tail was not truncated: writes fail with it. */
  readOnly: StoreError | undefined
  refs: number
  closed: boolean
  memory: Memory
}

/**
 * The `MemoryStore` service over a backend.
 *
 * Laws: after `commit(es)` succeeds, `verify` folds the journal to the live state
 * (`hash == liveHash`); a failed commit leaves the journal and the state unchanged; reopening
 * gives a state with the same `contentHash`, params and seq; `rollback(k)` then `state` equals
 * the fold of the first `k` events.
 * @complexity open: O(snapshot restore + tail fold); commit: Σ transitions + O(batch I/O)
 */
export const makeStore = <E, R>(
  backendEffect: Effect.Effect<Backend, E, R>,
  options: StoreOptions
): Effect.Effect<MemoryStoreShape, E, R | Scope.Scope> =>
  Effect.gen(function*() {
    const backend = yield* backendEffect
    const every = Math.max(1, Math.floor(options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY))
    const registry = new Map<string, Handle>()

    const live = (h: Handle): void => {
      if (h.closed) throw new StoreError({ reason: "Io", message: `memory ${h.record.id.key}: handle closed` })
    }
    const writable = (h: Handle): void => {
      live(h)
      if (h.readOnly !== undefined) throw h.readOnly
    }

    const commitSync = (h: Handle, events: ReadonlyArray<Event.Event>) => {
      writable(h)
      if (events.length === 0) return { state: h.state, changes: [] as ReadonlyArray<Changes.Changes> }
      let state = h.state
      const rows: Array<EventRow> = []
      const changes: Array<Changes.Changes> = []
      for (const event of events) {
        const position = state.seq
        let json: string
        try {
          json = JSON.stringify(Event.encode(event))
        } catch (e) {
          throw new StoreError({ reason: "InvalidEvent", message: `event at position ${position} does not encode: ${errorMessage(e)}`, position })
        }
        // apply the event as it will be read back, so the live state is what a replay gives
        const decoded = Event.decode(JSON.parse(json), position)
        if (Result.isFailure(decoded)) {
          throw new StoreError({ reason: "InvalidEvent", message: `event at position ${position} does not decode: ${decoded.failure.message}`, position })
        }
        const applied = applySafe(state, decoded.success)
        if (Result.isFailure(applied)) {
          throw new StoreError({ reason: "InvalidEvent", message: `event at position ${position} (${event._tag}) does not apply: ${applied.failure}`, position })
        }
        state = applied.success.state
        changes.push(applied.success.changes)
        rows.push({ seq: state.seq, tag: event._tag, json, crc: checksum(json) })
      }
      const snap = state.seq - h.lastSnapshot >= every ? snapshotRow(state) : undefined
      backend.append(h.record, h.state.seq, rows, snap)
      h.state = state
      if (snap !== undefined) h.lastSnapshot = snap.seq
      return { state, changes }
    }

    const historySync = (h: Handle, fromSeq: number): ReadonlyArray<Entry> => {
      live(h)
      const out: Array<Entry> = []
      for (const row of backend.events(h.record, Math.max(0, fromSeq), h.state.seq)) {
        const position = row.seq - 1
        if (checksum(row.json) !== row.crc) throw corrupt(position, "checksum mismatch (torn or edited record)")
        let raw: unknown
        try {
          raw = JSON.parse(row.json)
        } catch (e) {
          throw corrupt(position, `not JSON: ${errorMessage(e)}`)
        }
        const decoded = Event.decode(raw, position)
        if (Result.isFailure(decoded)) throw corrupt(position, `does not decode: ${decoded.failure.message}`)
        out.push({ seq: row.seq, event: decoded.success })
      }
      return out
    }

    const rollbackSync = (h: Handle, seq: number, at: number): Replay.State => {
      writable(h)
      if (!Number.isInteger(seq) || seq < 0 || seq > h.state.seq) {
        throw new StoreError({ reason: "NotFound", message: `memory ${h.record.id.key}: no state ${seq} (history holds 0 … ${h.state.seq})` })
      }
      if (seq === h.state.seq) return h.state
      const loaded = load(backend, h.record, seq)
      if (loaded.error !== undefined) throw loaded.error
      if (loaded.state.seq !== seq) throw corrupt(loaded.state.seq, `journal ends before seq ${seq}`)
      backend.abandon(h.record, h.state.seq, seq, "rollback", at)
      h.state = loaded.state
      h.lastSnapshot = loaded.snapshotSeq
      return h.state
    }

    const verifySync = (h: Handle): VerifyReport => {
      live(h)
      const problems: Array<string> = []
      const mismatched = new Set<number>()
      const metas = new Map(backend.snapshotMetas(h.record).map((m) => [m.seq, m]))
      const checkSnapshot = (s: Replay.State): void => {
        const meta = metas.get(s.seq)
        if (meta === undefined) return
        metas.delete(s.seq)
        const hash = LiquidGraph.contentHash(s.graph)
        if (meta.contentHash !== hash) {
          mismatched.add(s.seq)
          problems.push(`snapshot ${s.seq}: stored hash ${meta.contentHash}, the journal folds to ${hash}`)
          return
        }
        const restored = readSnapshot(backend, h.record, meta)
        if (Result.isFailure(restored)) {
          mismatched.add(s.seq)
          problems.push(`snapshot ${s.seq}: ${restored.failure}`)
        } else if (!sameParams(restored.success.params, s.params)) {
          mismatched.add(s.seq)
          problems.push(`snapshot ${s.seq}: its parameters differ from the fold's`)
        }
      }
      const initial = initialOf(h.record)
      checkSnapshot(initial)
      const { error, state } = fold(backend.events(h.record, 0, Number.MAX_SAFE_INTEGER), initial, checkSnapshot)
      let firstBadPosition: number | undefined
      if (error !== undefined) {
        firstBadPosition = error.position
        problems.push(error.message)
      }
      for (const seq of metas.keys()) {
        mismatched.add(seq)
        problems.push(`snapshot ${seq}: beyond the valid journal (ends at ${state.seq})`)
      }
      const hash = LiquidGraph.contentHash(state.graph)
      const liveHash = LiquidGraph.contentHash(h.state.graph)
      if (state.seq !== h.state.seq) problems.push(`the journal folds to seq ${state.seq}, the live state is at ${h.state.seq}`)
      if (hash !== liveHash) problems.push(`the journal folds to hash ${hash}, the live state has ${liveHash}`)
      if (!sameParams(state.params, h.state.params)) problems.push("the journal folds to other parameters than the live state's")
      const snapshotMismatch = [...mismatched].sort((a, b) => a - b)
      return {
        ok: problems.length === 0,
        events: state.seq,
        hash,
        liveHash,
        liveSeq: h.state.seq,
        ...(firstBadPosition === undefined ? {} : { firstBadPosition }),
        ...(snapshotMismatch.length === 0 ? {} : { snapshotMismatch }),
        problems
      }
    }

    const makeMemory = (h: Handle): Memory => ({
      id: h.record.id,
      state: Effect.sync(() => h.state),
      commit: (events) => guard(() => commitSync(h, events)).pipe(Effect.withSpan("Memory.commit")),
      snapshot: guard(() => {
        writable(h)
        const row = snapshotRow(h.state)
        backend.putSnapshot(h.record, h.state.seq, row)
        h.lastSnapshot = row.seq
        return row.seq
      }),
      history: (fromSeq = 0) => guard(() => historySync(h, fromSeq)),
      rollback: (seq) =>
        Effect.flatMap(Clock.currentTimeMillis, (at) => guard(() => rollbackSync(h, seq, at))).pipe(Effect.withSpan("Memory.rollback")),
      verify: guard(() => verifySync(h)).pipe(Effect.withSpan("Memory.verify")),
      branches: guard(() => {
        live(h)
        return backend.branches(h.record)
      }),
      abandoned: (branch) =>
        guard((): ReadonlyArray<AbandonedRecord> => {
          live(h)
          if (!backend.branches(h.record).some((b) => b.branch === branch)) {
            throw new StoreError({ reason: "NotFound", message: `memory ${h.record.id.key}: no abandoned branch ${branch}` })
          }
          return backend.abandonedRows(h.record, branch).map(({ json, seq, tag }) => ({ seq, tag, json }))
        })
    })

    const keyOf = (id: MemoryId): string => JSON.stringify([id.user, id.agent, id.session])

    const acquire = (id: MemoryId, options: LenientOptions, lenient: boolean, at: number): Lenient => {
      const k = keyOf(id)
      const existing = registry.get(k)
      if (existing !== undefined) {
        const corruption = existing.readOnly
        if (corruption !== undefined) {
          if (!lenient) throw corruption
          if (options.truncate === true) {
            backend.abandon(existing.record, backend.lastSeq(existing.record), existing.state.seq, "corrupt", at)
            existing.readOnly = undefined
          }
        }
        existing.refs++
        return { memory: existing.memory, corruption }
      }
      let params = Params.defaults
      if (options.params !== undefined) {
        const checked = Params.decode(options.params)
        if (Result.isFailure(checked)) throw new StoreError({ reason: "InvalidEvent", message: `open ${id.key}: ${checked.failure.message}` })
        params = checked.success
      }
      const dim = options.dim ?? 0
      if (!Number.isInteger(dim) || dim < 0) throw new StoreError({ reason: "InvalidEvent", message: `open ${id.key}: dim must be a non-negative integer` })
      const record = backend.ensureMemory(id, { params: JSON.stringify(params), dim, at })
      const loaded = load(backend, record, Number.MAX_SAFE_INTEGER)
      let readOnly: StoreError | undefined
      if (loaded.error !== undefined) {
        if (!lenient) throw loaded.error
        if (options.truncate === true) backend.abandon(record, backend.lastSeq(record), loaded.state.seq, "corrupt", at)
        else readOnly = loaded.error
      }
      const h: Handle = {
        record,
        state: loaded.state,
        lastSnapshot: loaded.snapshotSeq,
        readOnly,
        refs: 1,
        closed: false,
        memory: undefined as unknown as Memory // set just below (the memory closes over the handle)
      }
      h.memory = makeMemory(h)
      registry.set(k, h)
      return { memory: h.memory, corruption: loaded.error }
    }

    const release = (id: MemoryId, memory: Memory) =>
      Effect.sync(() => {
        const k = keyOf(id)
        const h = registry.get(k)
        if (h === undefined || h.memory !== memory) return
        h.refs--
        if (h.refs === 0) {
          h.closed = true
          registry.delete(k)
        }
      })

    const openWith = (id: MemoryId, options: LenientOptions, lenient: boolean) =>
      Effect.acquireRelease(
        Effect.flatMap(Clock.currentTimeMillis, (at) => guard(() => acquire(id, options, lenient, at))),
        (opened) => release(id, opened.memory)
      )

    return {
      open: (id: MemoryId, options: OpenOptions = {}) =>
        Effect.map(openWith(id, options, false), (opened) => opened.memory).pipe(Effect.withSpan("MemoryStore.open")),
      openLenient: (id: MemoryId, options: LenientOptions = {}) => openWith(id, options, true).pipe(Effect.withSpan("MemoryStore.openLenient")),
      list: guard(() => backend.listMemories().map((id) => new MemoryId({ user: id.user, agent: id.agent, session: id.session })))
    } satisfies MemoryStoreShape
  })
