/**
 * Backend — where a memory store's records live, as one interface every backend implements
 * (in memory, SQLite, PostgreSQL) and one
 * conformance suite checks (`Conformance.ts`).
 *
 * A backend stores, per memory, opaque records as BYTES with a CRC-32 the engine computed:
 * events `(seq, tag, data, crc)`, snapshots `(seq, data, crc, contentHash)` and abandoned
 * branches. It knows nothing of what the bytes mean (see `Record.ts`). Every operation is an
 * Effect (so a backend may answer asynchronously, as a network database does) and atomic: a
 * write either happens whole or not at all, and the transaction lives behind the method (no
 * SQL, no transaction handle, no cursor, no row ids leak out). Failures: a {@link StoreError},
 * or {@link StaleWriter} when a write's expected last seq is not the journal's. Backends built
 * on a synchronous driver implement {@link SyncBackend} and wrap it with {@link fromSync}.
 *
 * @since 0.2.0
 */
import { Data, Effect } from "effect"
import { crc32 } from "node:zlib"
import { type Branch, type MemoryId, StoreError } from "./Model.ts"

// ── records ───────────────────────────────────────────────────────────────────

/** A stored event: the event that produced state `seq`, as record bytes, with their CRC-32. */
export interface EventRow {
  readonly seq: number
  readonly tag: string
  readonly data: Uint8Array
  readonly crc: number
}

/** A stored snapshot's metadata (its bytes are read separately, only when needed). */
export interface SnapshotMeta {
  readonly seq: number
  readonly crc: number
  /** `LiquidGraph.contentHash` of the snapshot's graph when it was written. */
  readonly contentHash: string
  /** Size of the snapshot's bytes. */
  readonly size: number
  /** Total bytes of the journal's events up to `seq` when it was written (-1: not recorded, older stores). */
  readonly journalBytes: number
}

/** A stored snapshot. */
export interface SnapshotRow extends SnapshotMeta {
  readonly data: Uint8Array
}

/** A memory as the backend knows it. */
export interface MemoryRecord {
  /** The backend's own handle (e.g. a row id). */
  readonly ref: number
  readonly id: MemoryId
  /** JSON of the initial state's parameters. */
  readonly params: string
  /** The initial graph's vector dimension. */
  readonly dim: number
}

/**
 * Thrown by a write whose expected last seq is not the journal's (another writer advanced or
 * rolled it back): nothing was written.
 */
export class StaleWriter extends Data.TaggedError("StaleWriter")<{ readonly last: number; readonly expected: number }> {}

// ── the interface ─────────────────────────────────────────────────────────────

/** What a backend operation gives: an Effect (a network database answers asynchronously). */
export type Op<A> = Effect.Effect<A, StoreError>

/** What a backend write gives: it may also find the journal moved ({@link StaleWriter}). */
export type Write<A> = Effect.Effect<A, StoreError | StaleWriter>

/**
 * Where records live. Every operation is an Effect and atomic (a write happens whole or not at
 * all: the transaction is inside the method). Reads are paged (`events` returns at most
 * `limit` rows), so no backend has to hold a cursor open across calls.
 *
 * Laws (checked by `Conformance.ts` for every backend): `events(m, a, b, n)` returns the first
 * `n` appended rows with `a < seq <= b`, ascending, bytes unchanged; a write with a stale
 * `expected` fails with {@link StaleWriter} and changes nothing; `append` with a snapshot keeps
 * only the latest `keep` snapshots; `abandon(m, e, base)` moves the rows after `base` to a new
 * branch (returned) and drops the snapshots after `base`; memories are isolated.
 */
export interface Backend {
  /** True when the backend refuses writes (a read-only database). */
  readonly readOnly: boolean
  /** The memory's record, or `undefined` when there is none (never writes). */
  readonly findMemory: (id: MemoryId) => Op<MemoryRecord | undefined>
  /** The memory's record, created (with `init`) when absent. */
  readonly ensureMemory: (id: MemoryId, init: { readonly params: string; readonly dim: number; readonly at: number }) => Op<MemoryRecord>
  /** Every memory, in creation order. */
  readonly listMemories: Op<ReadonlyArray<MemoryId>>
  /** The journal's last seq (0 when empty). */
  readonly lastSeq: (m: MemoryRecord) => Op<number>
  /** At most `limit` events with `after < seq <= upto`, ascending. */
  readonly events: (m: MemoryRecord, after: number, upto: number, limit: number) => Op<ReadonlyArray<EventRow>>
  /** Total bytes of the events with `after < seq <= upto` (a scan: used only when no snapshot records it). */
  readonly eventBytes: (m: MemoryRecord, after: number, upto: number) => Op<number>
  /** Snapshot metadata, ascending by seq. */
  readonly snapshotMetas: (m: MemoryRecord) => Op<ReadonlyArray<SnapshotMeta>>
  /** A snapshot's bytes. */
  readonly snapshotData: (m: MemoryRecord, seq: number) => Op<Uint8Array | undefined>
  /**
   * In ONE transaction: appends `rows` (seqs `expected + 1 …`) and, if given, a snapshot,
   * then deletes all but the latest `keep` snapshots. {@link StaleWriter} (writing nothing)
   * when the journal's last seq is not `expected`.
   */
  readonly append: (m: MemoryRecord, expected: number, rows: ReadonlyArray<EventRow>, snapshot: SnapshotRow | undefined, keep: number) => Write<void>
  /** Writes (or replaces) a snapshot and keeps the latest `keep`; {@link StaleWriter} when the last seq is not `expected`. */
  readonly putSnapshot: (m: MemoryRecord, expected: number, row: SnapshotRow, keep: number) => Write<void>
  /**
   * In one transaction: moves the events after `base` to a new branch, drops the snapshots after
   * `base`, records the branch; {@link StaleWriter} when the last seq is not `expected`. Returns
   * the branch (`undefined` when there was nothing after `base`).
   */
  readonly abandon: (m: MemoryRecord, expected: number, base: number, reason: Branch["reason"], at: number) => Write<Branch | undefined>
  /** The abandoned branches, oldest first. */
  readonly branches: (m: MemoryRecord) => Op<ReadonlyArray<Branch>>
  /** One branch's records, ascending. */
  readonly abandonedRows: (m: MemoryRecord, branch: number) => Op<ReadonlyArray<EventRow>>
  /** Records a whole branch as is (used by repair to carry branches over); appends a new branch number. */
  readonly putBranch: (m: MemoryRecord, branch: Omit<Branch, "branch">, rows: ReadonlyArray<EventRow>) => Op<Branch>
}

/**
 * A backend from synchronous operations (SQLite through `node:sqlite`, the in-memory one):
 * each call runs when its Effect runs; a throw becomes its failure (`StoreError` and
 * {@link StaleWriter} as they are, anything else through `classify`).
 * @complexity O(1) per call over the operation
 */
export const fromSync = (
  sync: SyncBackend,
  classify: (e: unknown) => StoreError | StaleWriter
): Backend => {
  const op = <Args extends ReadonlyArray<unknown>, A>(f: (...args: Args) => A) => (...args: Args): Op<A> =>
    Effect.try({ try: () => f(...args), catch: (e) => asStoreError(classify(e)) })
  const write = <Args extends ReadonlyArray<unknown>, A>(f: (...args: Args) => A) => (...args: Args): Write<A> =>
    Effect.try({ try: () => f(...args), catch: classify })
  return {
    readOnly: sync.readOnly,
    findMemory: op(sync.findMemory),
    ensureMemory: op(sync.ensureMemory),
    listMemories: Effect.suspend(op(sync.listMemories)),
    lastSeq: op(sync.lastSeq),
    events: op(sync.events),
    eventBytes: op(sync.eventBytes),
    snapshotMetas: op(sync.snapshotMetas),
    snapshotData: op(sync.snapshotData),
    append: write(sync.append),
    putSnapshot: write(sync.putSnapshot),
    abandon: write(sync.abandon),
    branches: op(sync.branches),
    abandonedRows: op(sync.abandonedRows),
    putBranch: op(sync.putBranch)
  }
}

const asStoreError = (e: StoreError | StaleWriter): StoreError =>
  e instanceof StaleWriter ? new StoreError({ reason: "Io", message: `unexpected stale writer (journal at ${e.last})` }) : e

/** The synchronous form of {@link Backend} (same operations and laws; throws instead of failing). */
export interface SyncBackend {
  readonly readOnly: boolean
  readonly findMemory: (id: MemoryId) => MemoryRecord | undefined
  readonly ensureMemory: (id: MemoryId, init: { readonly params: string; readonly dim: number; readonly at: number }) => MemoryRecord
  readonly listMemories: () => ReadonlyArray<MemoryId>
  readonly lastSeq: (m: MemoryRecord) => number
  readonly events: (m: MemoryRecord, after: number, upto: number, limit: number) => ReadonlyArray<EventRow>
  readonly eventBytes: (m: MemoryRecord, after: number, upto: number) => number
  readonly snapshotMetas: (m: MemoryRecord) => ReadonlyArray<SnapshotMeta>
  readonly snapshotData: (m: MemoryRecord, seq: number) => Uint8Array | undefined
  readonly append: (m: MemoryRecord, expected: number, rows: ReadonlyArray<EventRow>, snapshot: SnapshotRow | undefined, keep: number) => void
  readonly putSnapshot: (m: MemoryRecord, expected: number, row: SnapshotRow, keep: number) => void
  readonly abandon: (m: MemoryRecord, expected: number, base: number, reason: Branch["reason"], at: number) => Branch | undefined
  readonly branches: (m: MemoryRecord) => ReadonlyArray<Branch>
  readonly abandonedRows: (m: MemoryRecord, branch: number) => ReadonlyArray<EventRow>
  readonly putBranch: (m: MemoryRecord, branch: Omit<Branch, "branch">, rows: ReadonlyArray<EventRow>) => Branch
}

/**
 * CRC-32 of a record's bytes (a string is taken as its UTF-8 bytes, as older stores did).
 * @complexity O(length)
 */
export const checksum = (data: Uint8Array | string): number => crc32(data)
