/**
 * Journal — the store engine, independent of where records live: it builds the `MemoryStore`
 * service (see `Model.ts`) on any {@link Backend}: validation before writing, loading (latest
 * valid snapshot + tail), verify, rollback, snapshot spacing and retention, retries when
 * another process wins a race, and the in-process registry of open memories.
 *
 * The operations of one memory run one at a time (a semaphore per open memory), so they never
 * interleave within a process, even over a backend that answers asynchronously; journals are
 * read page by page. Across processes each write names the last seq it expects; a
 * backend refuses a stale one ({@link StaleWriter}), and the engine then loads the records the
 * other writer added and re-applies its own events on the fresh state (bounded), so a lost race
 * never drops a user's events silently.
 *
 * Records are bytes (`Record.ts`: binary embeddings and vectors, deflated snapshot bodies)
 * with a CRC-32, so a torn or edited record is detected when read; a snapshot also carries the
 * `LiquidGraph.contentHash` of its graph.
 *
 * @since 0.1.0
 */
import { Clock, Duration, Effect, Result, Schedule, type Scope, Semaphore } from "effect"
import type * as Changes from "../../core/Changes.ts"
import * as Event from "../../core/Event.ts"
import * as LiquidGraph from "../../core/LiquidGraph.ts"
import * as Params from "../../core/Params.ts"
import * as Replay from "../../core/Replay.ts"
import { type Backend, checksum, type EventRow, type MemoryRecord, type Op, type SnapshotMeta, type SnapshotRow, StaleWriter, type Write } from "./Backend.ts"
import * as MemoryBackend from "./MemoryBackend.ts"
import {
  type AbandonedRecord,
  type Entry,
  type Folded as CallerFold,
  type Lenient,
  type LenientOptions,
  type Memory,
  MemoryId,
  type MemoryStoreShape,
  type OpenOptions,
  StoreError,
  type StoreOptions,
  type VerifyReport
} from "./Model.ts"
import * as Record from "./Record.ts"

// ── defaults ──────────────────────────────────────────────────────────────────

/** Default least number of events between two snapshots. */
export const DEFAULT_SNAPSHOT_EVERY = 1000
/** Default journal bytes between two snapshots, as a fraction of the last snapshot's size. */
export const DEFAULT_SNAPSHOT_RATIO = 1
/** Default least journal bytes between two snapshots. */
export const DEFAULT_SNAPSHOT_MIN_BYTES = 64 * 1024
/** Default number of snapshots kept per memory. */
export const DEFAULT_KEEP_SNAPSHOTS = 2
/**
 * Default `snapshotBudget`: older snapshots are kept (up to `keepSnapshots`) only while all kept
 * snapshots together stay within this fraction of the journal's bytes: the database stays within about
 * `1 + max(SNAPSHOT_BUDGET, latest snapshot / journal)` times its events' size (plus SQLite's
 * page overhead, a few percent).
 */
export const SNAPSHOT_BUDGET = 0.75
/** Default number of retries of a commit that lost a race. */
export const DEFAULT_RETRIES = 8
/** The longest wait between two retries of a busy or raced write. */
export const MAX_BACKOFF = Duration.seconds(1)
/**
 * Retry delays: 20 ms doubling up to `MAX_BACKOFF`, each scaled by a random factor in [0.8, 1.2].
 * Law: every delay is at most 1.2 × `MAX_BACKOFF`, so `retries` waits take at most `retries` × 1.2 s.
 */
export const backoff = Schedule.exponential("20 millis", 2).pipe(
  Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, MAX_BACKOFF))),
  Schedule.jittered
)
/** Events folded per `Replay.replayAll` call when reading a journal. */
const CHUNK = 1024

// ── helpers ───────────────────────────────────────────────────────────────────

const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e))

const toStoreError = (e: unknown): StoreError =>
  e instanceof StoreError
    ? e
    : e instanceof StaleWriter
    ? new StoreError({ reason: "Locked", message: `another writer moved the journal to seq ${e.last} (this writer expected ${e.expected})` })
    : new StoreError({ reason: "Io", message: errorMessage(e) })

/** Runs a synchronous step of the store as an Effect; throws become `StoreError`s. */
const guard = <A>(f: () => A): Effect.Effect<A, StoreError> => Effect.try({ try: f, catch: toStoreError })

const corrupt = (position: number, message: string): StoreError =>
  new StoreError({ reason: "Corrupt", message: `record at position ${position}: ${message}`, position })

/** JSON with sorted keys, to compare parameter records. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as { [k: string]: unknown }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
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

/**
 * The encoded event a stored row holds (checked: seq, checksum, record, tag), or why not.
 * @complexity O(size of the record)
 */
export const readRow = (row: EventRow, expectedSeq: number): Result.Result<unknown, string> => {
  if (row.seq !== expectedSeq) return Result.fail(`expected seq ${expectedSeq}, found ${row.seq} (a gap in the journal)`)
  if (checksum(row.data) !== row.crc) return Result.fail("checksum mismatch (torn or edited record)")
  let raw: unknown
  try {
    raw = Record.decode(row.data)
  } catch (e) {
    return Result.fail(`unreadable record: ${errorMessage(e)}`)
  }
  const tag = raw !== null && typeof raw === "object" ? (raw as { _tag?: unknown })._tag : undefined
  if (tag !== row.tag) return Result.fail(`tag ${row.tag} does not match the event's ${String(tag)}`)
  return Result.succeed(raw)
}

/** Applies one encoded event with full checks; a message when it is bad. */
const applyOne = (state: Replay.State, raw: unknown): Result.Result<Replay.State, string> => {
  const decoded = Event.decode(raw, state.seq)
  if (Result.isFailure(decoded)) return Result.fail(`does not decode: ${decoded.failure.message}`)
  const applied = applySafe(state, decoded.success)
  return Result.isFailure(applied) ? Result.fail(`does not apply: ${applied.failure}`) : Result.succeed(applied.success.state)
}

/** What folding stored rows gave. */
export interface Folded {
  /** The state after the last good row. */
  readonly state: Replay.State
  /** The first bad row's error (its position is the good prefix's length), if any. */
  readonly error: StoreError | undefined
  /** Bytes of the good rows folded. */
  readonly bytes: number
  /** Checksum of the last good row folded (`undefined` when none). */
  readonly lastCrc: number | undefined
}

/**
 * Folds stored rows over `from`, stopping at the first bad one. Rows are read and checked
 * one by one and folded in chunks through `Replay.replayAll` (one pass per chunk); only a
 * chunk whose fold throws is refolded event by event, to locate the bad record. `stops`
 * (seqs) end a chunk so that `onState` sees the state at each of them.
 *
 * Laws: the result equals the event-by-event fold of the rows' events (same state, same first
 * bad position); each row is read once (linear in the journal).
 * @complexity Σ cost of the events' transitions + O(bytes read)
 */
export const foldRows = (
  rows: Iterable<EventRow>,
  from: Replay.State,
  stops?: ReadonlySet<number>,
  onState?: (s: Replay.State) => void
): Folded => {
  let state = from
  let bytes = 0
  let lastCrc: number | undefined
  let chunk: Array<unknown> = []
  let chunkBytes = 0
  let chunkCrc: number | undefined
  const flush = (): StoreError | undefined => {
    if (chunk.length === 0) return undefined
    const raws = chunk
    chunk = []
    let out: Replay.Outcome | undefined
    try {
      out = Replay.replayAll(raws, state)
    } catch {
      out = undefined
    }
    if (out !== undefined && out.error === undefined) {
      state = out.state
    } else {
      // locate the bad record event by event (its bytes and crc are no longer needed)
      for (const raw of raws) {
        const next = applyOne(state, raw)
        if (Result.isFailure(next)) return corrupt(state.seq, next.failure)
        state = next.success
      }
      // the chunk threw but every event applies alone: keep the per-event result
    }
    bytes += chunkBytes
    lastCrc = chunkCrc
    chunkBytes = 0
    onState?.(state)
    return undefined
  }
  for (const row of rows) {
    const raw = readRow(row, state.seq + chunk.length + 1)
    if (Result.isFailure(raw)) {
      const error = flush()
      return { state, error: error ?? corrupt(state.seq, raw.failure), bytes, lastCrc }
    }
    chunk.push(raw.success)
    chunkBytes += row.data.length
    chunkCrc = row.crc
    if (chunk.length >= CHUNK || stops?.has(row.seq) === true) {
      const error = flush()
      if (error !== undefined) return { state, error, bytes, lastCrc }
    }
  }
  const error = flush()
  return { state, error, bytes, lastCrc }
}

/**
 * A snapshot row for a state.
 * @complexity O(size of the state)
 */
export const snapshotRow = (state: Replay.State, journalBytes: number): SnapshotRow => {
  const data = Record.encodeSnapshotParts(Replay.snapshotParts(state))
  return { seq: state.seq, data, crc: checksum(data), contentHash: LiquidGraph.contentHash(state.graph), size: data.length, journalBytes }
}

/** The state a stored snapshot holds, or why it is not usable. */
const readSnapshot = (backend: Backend, m: MemoryRecord, meta: SnapshotMeta): Op<Result.Result<Replay.State, string>> =>
  Effect.map(backend.snapshotData(m, meta.seq), (data) => {
    if (data === undefined) return Result.fail("missing")
    if (checksum(data) !== meta.crc) return Result.fail("checksum mismatch")
    let content: Record.SnapshotContent
    try {
      content = Record.decodeSnapshot(data)
    } catch (e) {
      return Result.fail(`unreadable: ${errorMessage(e)}`)
    }
    // snapshots in parts (rows + raw vectors, lean decoder); older records hold the JSON form
    const restored = content._tag === "Parts"
      ? Replay.restoreParts(content.json, content.ids, content.vectors, content.dim)
      : Replay.restore(content.value)
    if (Result.isFailure(restored)) return Result.fail(`does not restore: ${restored.failure.message}`)
    if (restored.success.seq !== meta.seq) return Result.fail(`holds seq ${restored.success.seq}`)
    if (LiquidGraph.contentHash(restored.success.graph) !== meta.contentHash) return Result.fail("content hash mismatch")
    return Result.succeed(restored.success)
  })

/**
 * The initial state of a memory (before its first event); "Corrupt" when its parameters are
 * not readable.
 * @complexity O(size of its parameters)
 */
export const initialOf = (m: MemoryRecord): Op<Replay.State> =>
  Effect.suspend(() => {
    let raw: unknown
    try {
      raw = JSON.parse(m.params)
    } catch (e) {
      return Effect.fail(corrupt(0, `the memory's initial parameters are not JSON: ${errorMessage(e)}`))
    }
    const params = Params.decode(raw)
    if (Result.isFailure(params)) return Effect.fail(corrupt(0, `the memory's initial parameters: ${params.failure.message}`))
    return Effect.succeed(Replay.initial(params.success, m.dim))
  })

/**
 * Folds the stored events after `from.seq` (up to `upto`) over `from`, page by page (each
 * page folded by {@link foldRows}), stopping at the first bad one.
 * @complexity Σ cost of the events' transitions + O(bytes read); each row is read once
 */
export const foldStored = (
  backend: Backend,
  m: MemoryRecord,
  from: Replay.State,
  upto: number,
  stops?: ReadonlySet<number>,
  onState?: (s: Replay.State) => void
): Op<Folded> =>
  Effect.gen(function*() {
    let state = from
    let bytes = 0
    let lastCrc: number | undefined
    while (state.seq < upto) {
      const rows = yield* backend.events(m, state.seq, upto, CHUNK)
      if (rows.length === 0) break
      const folded = foldRows(rows, state, stops, onState)
      state = folded.state
      bytes += folded.bytes
      lastCrc = folded.lastCrc ?? lastCrc
      if (folded.error !== undefined) return { state, error: folded.error, bytes, lastCrc }
      if (rows.length < CHUNK) break
    }
    return { state, error: undefined, bytes, lastCrc }
  })

interface Loaded {
  readonly state: Replay.State
  /** The snapshot the load started from (undefined when none). */
  readonly snapshot: SnapshotMeta | undefined
  readonly error: StoreError | undefined
  /** Journal bytes folded after the snapshot. */
  readonly bytes: number
  /** Total journal bytes up to `state.seq` (-1 when the snapshot does not record it). */
  readonly journalBytes: number
  /** Checksum of the event at `state.seq` (undefined at seq 0). */
  readonly lastCrc: number | undefined
}

const crcAt = (backend: Backend, m: MemoryRecord, seq: number): Op<number | undefined> =>
  seq <= 0 ? Effect.succeed(undefined) : Effect.map(backend.events(m, seq - 1, seq, 1), (rows) => rows[0]?.crc)

/** Latest valid snapshot at or below `upto` + the events after it up to `upto`. */
const load = (backend: Backend, m: MemoryRecord, upto: number): Op<Loaded> =>
  Effect.gen(function*() {
    let base = yield* initialOf(m)
    let snapshot: SnapshotMeta | undefined
    // a snapshot past the journal's end is not backed by events: never start from it
    const end = Math.min(upto, yield* backend.lastSeq(m))
    const metas = yield* backend.snapshotMetas(m)
    for (let i = metas.length - 1; i >= 0; i--) {
      const meta = metas[i]!
      if (meta.seq > end) continue
      const restored = yield* readSnapshot(backend, m, meta)
      if (Result.isSuccess(restored)) {
        base = restored.success
        snapshot = meta
        break
      }
    }
    const folded = yield* foldStored(backend, m, base, upto)
    const lastCrc = folded.lastCrc ?? (yield* crcAt(backend, m, folded.state.seq))
    const journalBytes = snapshot === undefined ? folded.bytes : snapshot.journalBytes < 0 ? -1 : snapshot.journalBytes + folded.bytes
    return { state: folded.state, snapshot, error: folded.error, bytes: folded.bytes, lastCrc, journalBytes }
  })

// ── the engine ────────────────────────────────────────────────────────────────

interface Handle {
  readonly record: MemoryRecord
  /** Where this memory's records are read: the store's backend, or an empty one for a memory a read-only store does not hold. */
  readonly backend: Backend
  /** One operation of this memory at a time (the operations are Effects that may wait on the backend). */
  readonly lock: Semaphore.Semaphore
  state: Replay.State
  /** Checksum of the journal's record at `state.seq` (to tell an extended journal from a rewritten one). */
  lastCrc: number | undefined
  /** Total journal bytes up to `state.seq` (-1: not known yet, computed when first needed). */
  journalBytes: number
  /** Journal bytes and events since the latest snapshot, and that snapshot's size. */
  sinceBytes: number
  sinceEvents: number
  lastSnapshotSize: number
  /** Set when the journal has a bad record and the tail was not truncated: writes fail with it. */
  readOnly: StoreError | undefined
  refs: number
  closed: boolean
  memory: Memory
}

interface Prepared {
  readonly state: Replay.State
  readonly rows: ReadonlyArray<EventRow>
  readonly changes: ReadonlyArray<Changes.Changes>
  readonly bytes: number
}

/** An event's record and the event as a replay will read it back; "InvalidEvent" when either step fails. */
const recordOf = (event: Event.Event, position: number): { readonly data: Uint8Array; readonly decoded: Event.Event } => {
  let data: Uint8Array
  try {
    data = Record.encodeEvent(Event.encode(event))
  } catch (e) {
    throw new StoreError({ reason: "InvalidEvent", message: `event at position ${position} does not encode: ${errorMessage(e)}`, position })
  }
  const decoded = Event.decode(Record.decode(data), position)
  if (Result.isFailure(decoded)) {
    throw new StoreError({ reason: "InvalidEvent", message: `event at position ${position} does not decode: ${decoded.failure.message}`, position })
  }
  return { data, decoded: decoded.success }
}

/**
 * Applies `events` on `from` as they will be read back (encoded to a record and decoded), so
 * the live state is what a replay gives; "InvalidEvent" at the first one that does not apply.
 */
const prepare = (from: Replay.State, events: ReadonlyArray<Event.Event>, folded?: CallerFold): Prepared => {
  if (folded !== undefined && folded.from === from && folded.changes.length === events.length && folded.state.seq === from.seq + events.length) {
    const trusted = prepareFolded(from, events, folded)
    if (trusted !== undefined) return trusted
  }
  let state = from
  const rows: Array<EventRow> = []
  const changes: Array<Changes.Changes> = []
  let bytes = 0
  for (const event of events) {
    const position = state.seq
    const { data, decoded } = recordOf(event, position)
    const applied = applySafe(state, decoded)
    if (Result.isFailure(applied)) {
      throw new StoreError({ reason: "InvalidEvent", message: `event at position ${position} (${event._tag}) does not apply: ${applied.failure}`, position })
    }
    state = applied.success.state
    changes.push(applied.success.changes)
    rows.push({ seq: state.seq, tag: event._tag, data, crc: checksum(data) })
    bytes += data.length
  }
  return { state, rows, changes, bytes }
}

/**
 * The records of events the caller already folded from `from` (see `Memory.commit`'s `folded`):
 * each event is encoded and decoded as {@link prepare} does, and its record must encode back to
 * the same bytes, so a replay applies exactly the event the caller applied; `undefined` (apply
 * them as usual) when one does not.
 */
const prepareFolded = (from: Replay.State, events: ReadonlyArray<Event.Event>, folded: CallerFold): Prepared | undefined => {
  const rows: Array<EventRow> = []
  let bytes = 0
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!
    const position = from.seq + i
    const { data, decoded } = recordOf(event, position)
    if (decoded._tag !== event._tag || !sameBytes(Record.encodeEvent(Event.encode(decoded)), data)) return undefined
    rows.push({ seq: position + 1, tag: event._tag, data, crc: checksum(data) })
    bytes += data.length
  }
  return { state: folded.state, rows, changes: folded.changes, bytes }
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The `MemoryStore` service over a backend.
 *
 * Laws: after `commit(es)` succeeds, `verify` folds the journal to the live state
 * (`hash == liveHash`); a failed commit leaves the journal and the state unchanged; reopening
 * gives a state with the same `contentHash`, params and seq; `rollback(k)` then `state` equals
 * the fold of the first `k` events; a commit that lost a race to another writer is applied on
 * top of the other writer's events (or fails "Locked" once `retries` run out), never dropped.
 * @complexity open: O(snapshot restore + tail fold); commit: Σ transitions + O(batch I/O),
 * plus an amortised O(1) share of a snapshot per journal byte
 */
export const makeStore = <E, R>(
  backendEffect: Effect.Effect<Backend, E, R>,
  options: StoreOptions
): Effect.Effect<MemoryStoreShape, E, R | Scope.Scope> =>
  Effect.gen(function*() {
    const backend = yield* backendEffect
    const every = Math.max(1, Math.floor(options.snapshotEvery ?? DEFAULT_SNAPSHOT_EVERY))
    const minBytes = Math.max(0, options.snapshotMinBytes ?? DEFAULT_SNAPSHOT_MIN_BYTES)
    const ratio = Math.max(0, options.snapshotRatio ?? DEFAULT_SNAPSHOT_RATIO)
    const keep = Math.max(1, Math.floor(options.keepSnapshots ?? DEFAULT_KEEP_SNAPSHOTS))
    const snapshotBudget = Math.max(0, options.snapshotBudget ?? SNAPSHOT_BUDGET)
    const retries = Math.max(0, Math.floor(options.retries ?? DEFAULT_RETRIES))
    const registry = new Map<string, Handle>()
    // opening and closing memories (the registry) one at a time
    const registryLock = Semaphore.makeUnsafe(1)

    const live = (h: Handle): Op<void> =>
      h.closed ? Effect.fail(new StoreError({ reason: "Io", message: `memory ${h.record.id.key}: handle closed` })) : Effect.void
    const writable = (h: Handle): Op<void> =>
      Effect.flatMap(live(h), () =>
        backend.readOnly
          ? Effect.fail(new StoreError({ reason: "ReadOnly", message: `memory ${h.record.id.key}: the store is open read only` }))
          : h.readOnly !== undefined
          ? Effect.fail(h.readOnly)
          : Effect.void)

    const adopt = (h: Handle, loaded: Loaded): void => {
      h.state = loaded.state
      h.lastCrc = loaded.lastCrc
      h.journalBytes = loaded.journalBytes
      h.sinceBytes = loaded.bytes
      h.sinceEvents = loaded.state.seq - (loaded.snapshot?.seq ?? 0)
      h.lastSnapshotSize = loaded.snapshot?.size ?? 0
    }

    /** Brings the handle up to the journal another writer changed: the new tail, or a full reload. */
    const refresh = (h: Handle): Op<void> =>
      Effect.gen(function*() {
        const last = yield* h.backend.lastSeq(h.record)
        const extended = last >= h.state.seq && (yield* crcAt(h.backend, h.record, h.state.seq)) === h.lastCrc
        if (extended) {
          const before = h.state.seq
          const folded = yield* foldStored(h.backend, h.record, h.state, last)
          if (folded.error !== undefined) return yield* folded.error
          h.state = folded.state
          if (folded.lastCrc !== undefined) h.lastCrc = folded.lastCrc
          h.sinceBytes += folded.bytes
          h.sinceEvents += folded.state.seq - before
          if (h.journalBytes >= 0) h.journalBytes += folded.bytes
          return
        }
        const loaded = yield* load(h.backend, h.record, Number.MAX_SAFE_INTEGER)
        if (loaded.error !== undefined) return yield* loaded.error
        adopt(h, loaded)
      })

    /** Runs a write; when another writer changed the journal, refreshes and runs it again (bounded). */
    const fresh = <A>(h: Handle, write: Write<A>): Op<A> => {
      const attempt = (n: number): Op<A> =>
        Effect.catchIf(
          write,
          (e): e is StaleWriter => e instanceof StaleWriter,
          (e) => (n >= retries ? Effect.fail(toStoreError(e)) : Effect.flatMap(refresh(h), () => attempt(n + 1)))
        ) as Op<A>
      return attempt(0)
    }

    const due = (h: Handle, p: Prepared): boolean =>
      h.sinceEvents + p.rows.length >= every && h.sinceBytes + p.bytes >= Math.max(minBytes, ratio * h.lastSnapshotSize)

    /** Total journal bytes up to the handle's seq (one scan the first time an older store needs it). */
    const journalBytesOf = (h: Handle): Op<number> =>
      h.journalBytes >= 0 ? Effect.succeed(h.journalBytes) : Effect.map(h.backend.eventBytes(h.record, 0, h.state.seq), (n) => {
        h.journalBytes = n
        return n
      })

    /**
     * How many snapshots to keep once `row` is written: it, and older ones (newest first, at
     * most `keep` in all) while all of them together stay within the budget.
     */
    const keepFor = (h: Handle, row: SnapshotRow): Op<number> =>
      Effect.map(h.backend.snapshotMetas(h.record), (metas) => {
        const budget = snapshotBudget * row.journalBytes
        let total = row.size
        let n = 1
        for (const meta of metas.filter((m) => m.seq < row.seq).reverse()) {
          if (n >= keep || total + meta.size > budget) break
          total += meta.size
          n++
        }
        return n
      })

    const commitOp = (h: Handle, events: ReadonlyArray<Event.Event>, folded?: CallerFold) =>
      Effect.gen(function*() {
        yield* writable(h)
        if (events.length === 0) return { state: h.state, changes: [] as ReadonlyArray<Changes.Changes> }
        return yield* fresh(
          h,
          Effect.gen(function*() {
            const p = yield* guard(() => prepare(h.state, events, folded))
            let snap: SnapshotRow | undefined
            let keepN = keep
            if (due(h, p)) {
              const journalBytes = (yield* journalBytesOf(h)) + p.bytes
              snap = snapshotRow(p.state, journalBytes)
              keepN = yield* keepFor(h, snap)
            }
            yield* backend.append(h.record, h.state.seq, p.rows, snap, keepN)
            h.state = p.state
            h.lastCrc = p.rows[p.rows.length - 1]!.crc
            if (h.journalBytes >= 0) h.journalBytes += p.bytes
            if (snap === undefined) {
              h.sinceBytes += p.bytes
              h.sinceEvents += p.rows.length
            } else {
              h.sinceBytes = 0
              h.sinceEvents = 0
              h.lastSnapshotSize = snap.size
            }
            return { state: p.state, changes: p.changes as ReadonlyArray<Changes.Changes> }
          })
        )
      })

    const snapshotOp = (h: Handle) =>
      Effect.flatMap(writable(h), () =>
        fresh(
          h,
          Effect.gen(function*() {
            const row = snapshotRow(h.state, yield* journalBytesOf(h))
            yield* backend.putSnapshot(h.record, h.state.seq, row, yield* keepFor(h, row))
            h.sinceBytes = 0
            h.sinceEvents = 0
            h.lastSnapshotSize = row.size
            return row.seq
          })
        ))

    const historyOp = (h: Handle, fromSeq: number, limit: number) =>
      Effect.gen(function*() {
        yield* live(h)
        const out: Array<Entry> = []
        let after = Math.max(0, fromSeq)
        while (after < h.state.seq && out.length < limit) {
          const rows = yield* h.backend.events(h.record, after, h.state.seq, Math.min(CHUNK, limit - out.length))
          if (rows.length === 0) break
          for (const row of rows) {
            const position = row.seq - 1
            const raw = readRow(row, after + 1)
            if (Result.isFailure(raw)) return yield* corrupt(position, raw.failure)
            const decoded = Event.decode(raw.success, position)
            if (Result.isFailure(decoded)) return yield* corrupt(position, `does not decode: ${decoded.failure.message}`)
            out.push({ seq: row.seq, event: decoded.success })
            after = row.seq
          }
        }
        return out as ReadonlyArray<Entry>
      })

    const rollbackOp = (h: Handle, seq: number, at: number) =>
      Effect.flatMap(writable(h), () =>
        fresh(
          h,
          Effect.gen(function*() {
            if (!Number.isInteger(seq) || seq < 0 || seq > h.state.seq) {
              return yield* new StoreError({ reason: "NotFound", message: `memory ${h.record.id.key}: no state ${seq} (history holds 0 … ${h.state.seq})` })
            }
            if (seq === h.state.seq) return h.state
            const loaded = yield* load(backend, h.record, seq)
            if (loaded.error !== undefined) return yield* loaded.error
            if (loaded.state.seq !== seq) return yield* corrupt(loaded.state.seq, `journal ends before seq ${seq}`)
            yield* backend.abandon(h.record, h.state.seq, seq, "rollback", at)
            adopt(h, loaded)
            return h.state
          })
        ))

    const verifyOp = (h: Handle) =>
      Effect.gen(function*() {
        yield* live(h)
        const problems: Array<string> = []
        const mismatched = new Set<number>()
        const metas = new Map((yield* h.backend.snapshotMetas(h.record)).map((m) => [m.seq, m]))
        // the folded states at the snapshots' seqs, checked against the snapshots after the fold
        const atSnapshots: Array<Replay.State> = []
        const collect = (s: Replay.State): void => {
          if (metas.has(s.seq)) atSnapshots.push(s)
        }
        const initial = yield* initialOf(h.record)
        collect(initial)
        const { error, state } = yield* foldStored(h.backend, h.record, initial, Number.MAX_SAFE_INTEGER, new Set(metas.keys()), collect)
        for (const s of atSnapshots) {
          const meta = metas.get(s.seq)!
          metas.delete(s.seq)
          const hash = LiquidGraph.contentHash(s.graph)
          if (meta.contentHash !== hash) {
            mismatched.add(s.seq)
            problems.push(`snapshot ${s.seq}: stored hash ${meta.contentHash}, the journal folds to ${hash}`)
            continue
          }
          const restored = yield* readSnapshot(h.backend, h.record, meta)
          if (Result.isFailure(restored)) {
            mismatched.add(s.seq)
            problems.push(`snapshot ${s.seq}: ${restored.failure}`)
          } else if (!sameParams(restored.success.params, s.params)) {
            mismatched.add(s.seq)
            problems.push(`snapshot ${s.seq}: its parameters differ from the fold's`)
          }
        }
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
        const report: VerifyReport = {
          ok: problems.length === 0,
          events: state.seq,
          hash,
          liveHash,
          liveSeq: h.state.seq,
          ...(firstBadPosition === undefined ? {} : { firstBadPosition }),
          ...(snapshotMismatch.length === 0 ? {} : { snapshotMismatch }),
          problems
        }
        return report
      })

    const abandonedRecord = (row: EventRow): AbandonedRecord => {
      let json: string | undefined
      try {
        json = checksum(row.data) === row.crc ? JSON.stringify(Record.decode(row.data)) : undefined
      } catch {
        json = undefined
      }
      return { seq: row.seq, tag: row.tag, data: row.data, json }
    }

    // a busy database (another process's transaction outlasted the backend's own wait), or a
    // journal another writer kept advancing through every refresh, is retried with backoff:
    // exponential from 20 ms, capped at MAX_BACKOFF (an uncapped doubling reached minutes per wait
    // after a dozen lost races) and jittered so that two writers that collided do not retry in step
    const busyRetry = <A>(effect: Effect.Effect<A, StoreError>): Effect.Effect<A, StoreError> =>
      Effect.retry(effect, {
        schedule: backoff,
        times: retries,
        while: (e: StoreError) => e.reason === "Locked"
      })

    const makeMemory = (h: Handle): Memory => {
      const one = <A>(op: Effect.Effect<A, StoreError>): Effect.Effect<A, StoreError> => h.lock.withPermits(1)(op)
      return {
        id: h.record.id,
        state: Effect.sync(() => h.state),
        commit: (events, folded) => busyRetry(one(commitOp(h, events, folded))).pipe(Effect.withSpan("Memory.commit")),
        snapshot: busyRetry(one(snapshotOp(h))),
        history: (fromSeq = 0, limit = Infinity) => one(historyOp(h, fromSeq, Math.max(0, limit))),
        rollback: (seq) =>
          Effect.flatMap(Clock.currentTimeMillis, (at) => busyRetry(one(rollbackOp(h, seq, at)))).pipe(Effect.withSpan("Memory.rollback")),
        verify: one(verifyOp(h)).pipe(Effect.withSpan("Memory.verify")),
        branches: one(Effect.flatMap(live(h), () => h.backend.branches(h.record))),
        abandoned: (branch) =>
          one(Effect.gen(function*() {
            yield* live(h)
            if (!(yield* h.backend.branches(h.record)).some((b) => b.branch === branch)) {
              return yield* new StoreError({ reason: "NotFound", message: `memory ${h.record.id.key}: no abandoned branch ${branch}` })
            }
            return (yield* h.backend.abandonedRows(h.record, branch)).map(abandonedRecord) as ReadonlyArray<AbandonedRecord>
          }))
      }
    }

    const keyOf = (id: MemoryId): string => JSON.stringify([id.user, id.agent, id.session])

    const acquire = (id: MemoryId, options: LenientOptions, lenient: boolean, at: number): Op<Lenient> =>
      Effect.gen(function*() {
        const k = keyOf(id)
        const existing = registry.get(k)
        if (existing !== undefined) {
          const corruption = existing.readOnly
          if (corruption !== undefined) {
            if (!lenient) return yield* corruption
            if (options.truncate === true) {
              yield* Effect.mapError(
                backend.abandon(existing.record, yield* backend.lastSeq(existing.record), existing.state.seq, "corrupt", at),
                toStoreError
              )
              existing.readOnly = undefined
            }
          }
          existing.refs++
          return { memory: existing.memory, corruption }
        }
        let params = Params.defaults
        if (options.params !== undefined) {
          const checked = Params.decode(options.params)
          if (Result.isFailure(checked)) return yield* new StoreError({ reason: "InvalidEvent", message: `open ${id.key}: ${checked.failure.message}` })
          params = checked.success
        }
        const dim = options.dim ?? 0
        if (!Number.isInteger(dim) || dim < 0) return yield* new StoreError({ reason: "InvalidEvent", message: `open ${id.key}: dim must be a non-negative integer` })
        const init = { params: JSON.stringify(params), dim, at }
        let source = backend
        let record = backend.readOnly ? yield* backend.findMemory(id) : yield* backend.ensureMemory(id, init)
        if (record === undefined) {
          // a read-only store without this memory: it reads as a new, empty memory
          source = MemoryBackend.make()
          record = yield* source.ensureMemory(id, init)
        }
        const loaded = yield* load(source, record, Number.MAX_SAFE_INTEGER)
        let readOnly: StoreError | undefined
        if (loaded.error !== undefined) {
          if (!lenient) return yield* loaded.error
          if (options.truncate === true) {
            yield* Effect.mapError(backend.abandon(record, yield* backend.lastSeq(record), loaded.state.seq, "corrupt", at), toStoreError)
          } else readOnly = loaded.error
        }
        const h: Handle = {
          record,
          backend: source,
          lock: Semaphore.makeUnsafe(1),
          state: loaded.state,
          lastCrc: undefined,
          journalBytes: -1,
          sinceBytes: 0,
          sinceEvents: 0,
          lastSnapshotSize: 0,
          readOnly,
          refs: 1,
          closed: false,
          memory: undefined as unknown as Memory // set just below (the memory closes over the handle)
        }
        adopt(h, loaded)
        h.memory = makeMemory(h)
        registry.set(k, h)
        return { memory: h.memory, corruption: loaded.error }
      })

    const release = (id: MemoryId, memory: Memory) =>
      registryLock.withPermits(1)(Effect.sync(() => {
        const k = keyOf(id)
        const h = registry.get(k)
        if (h === undefined || h.memory !== memory) return
        h.refs--
        if (h.refs === 0) {
          h.closed = true
          registry.delete(k)
        }
      }))

    const openWith = (id: MemoryId, options: LenientOptions, lenient: boolean) =>
      Effect.acquireRelease(
        Effect.flatMap(Clock.currentTimeMillis, (at) => registryLock.withPermits(1)(acquire(id, options, lenient, at))),
        (opened) => release(id, opened.memory)
      )

    return {
      open: (id: MemoryId, options: OpenOptions = {}) =>
        Effect.map(openWith(id, options, false), (opened) => opened.memory).pipe(Effect.withSpan("MemoryStore.open")),
      openLenient: (id: MemoryId, options: LenientOptions = {}) => openWith(id, options, true).pipe(Effect.withSpan("MemoryStore.openLenient")),
      list: Effect.map(backend.listMemories, (ids) => ids.map((id) => new MemoryId({ user: id.user, agent: id.agent, session: id.session })))
    } satisfies MemoryStoreShape
  })
