/**
 * Backend — where a memory store's records live, as one interface every backend implements
 * (in memory, SQLite; a Postgres backend drops in behind the same methods) and one
 * conformance suite checks (`Conformance.ts`).
 *
 * A backend stores, per memory, opaque records as BYTES with a CRC-32 the engine computed:
 * events `(seq, tag, data, crc)`, snapshots `(seq, data, crc, contentHash)` and abandoned
 * branches. It knows nothing of what the bytes mean (see `Record.ts`). Every method is
 * synchronous and atomic: a write either happens whole or not at all, and the transaction
 * lives behind the method (no SQL, no transaction handle, no row ids leak out). Failures are
 * thrown: a {@link StoreError} as is, {@link StaleWriter} when a write's expected last seq
 * is not the journal's, anything else becomes "Io".
 *
 * @since 0.2.0
 */
import { Data } from "effect"
import { crc32 } from "node:zlib"
import type { Branch, MemoryId } from "./Model.ts"

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

/**
 * Where records live. Every method is synchronous and atomic.
 *
 * Laws (checked by `Conformance.ts` for every backend): `events(m, a, b)` returns exactly the
 * appended rows with `a < seq <= b`, ascending, bytes unchanged; a write with a stale
 * `expected` throws {@link StaleWriter} and changes nothing; `append` with a snapshot keeps
 * only the latest `keep` snapshots; `abandon(m, e, base)` moves the rows after `base` to a new
 * branch (returned) and drops the snapshots after `base`; memories are isolated.
 */
export interface Backend {
  /** True when the backend refuses writes (a read-only database). */
  readonly readOnly: boolean
  /** The memory's record, or `undefined` when there is none (never writes). */
  readonly findMemory: (id: MemoryId) => MemoryRecord | undefined
  /** The memory's record, created (with `init`) when absent. */
  readonly ensureMemory: (id: MemoryId, init: { readonly params: string; readonly dim: number; readonly at: number }) => MemoryRecord
  /** Every memory, in creation order. */
  readonly listMemories: () => ReadonlyArray<MemoryId>
  /** The journal's last seq (0 when empty). */
  readonly lastSeq: (m: MemoryRecord) => number
  /** Events with `after < seq <= upto`, ascending (streamed: consume before writing). */
  readonly events: (m: MemoryRecord, after: number, upto: number) => Iterable<EventRow>
  /** Total bytes of the events with `after < seq <= upto` (a scan: used only when no snapshot records it). */
  readonly eventBytes: (m: MemoryRecord, after: number, upto: number) => number
  /** Snapshot metadata, ascending by seq. */
  readonly snapshotMetas: (m: MemoryRecord) => ReadonlyArray<SnapshotMeta>
  /** A snapshot's bytes. */
  readonly snapshotData: (m: MemoryRecord, seq: number) => Uint8Array | undefined
  /**
   * In ONE transaction: appends `rows` (seqs `expected + 1 …`) and, if given, a snapshot,
   * then deletes all but the latest `keep` snapshots. {@link StaleWriter} (writing nothing)
   * when the journal's last seq is not `expected`.
   */
  readonly append: (m: MemoryRecord, expected: number, rows: ReadonlyArray<EventRow>, snapshot: SnapshotRow | undefined, keep: number) => void
  /** Writes (or replaces) a snapshot and keeps the latest `keep`; {@link StaleWriter} when the last seq is not `expected`. */
  readonly putSnapshot: (m: MemoryRecord, expected: number, row: SnapshotRow, keep: number) => void
  /**
   * In one transaction: moves the events after `base` to a new branch, drops the snapshots after
   * `base`, records the branch; {@link StaleWriter} when the last seq is not `expected`. Returns
   * the branch (`undefined` when there was nothing after `base`).
   */
  readonly abandon: (m: MemoryRecord, expected: number, base: number, reason: Branch["reason"], at: number) => Branch | undefined
  /** The abandoned branches, oldest first. */
  readonly branches: (m: MemoryRecord) => ReadonlyArray<Branch>
  /** One branch's records, ascending. */
  readonly abandonedRows: (m: MemoryRecord, branch: number) => ReadonlyArray<EventRow>
  /** Records a whole branch as is (used by repair to carry branches over); appends a new branch number. */
  readonly putBranch: (m: MemoryRecord, branch: Omit<Branch, "branch">, rows: ReadonlyArray<EventRow>) => Branch
}

/**
 * CRC-32 of a record's bytes (a string is taken as its UTF-8 bytes, as older stores did).
 * @complexity O(length)
 */
export const checksum = (data: Uint8Array | string): number => crc32(data)
