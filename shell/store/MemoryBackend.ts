/**
 * MemoryBackend — a {@link Backend} holding every record in process memory (bytes with
 * checksums, as SQLite holds them), for tests and for reading a store that does not exist yet.
 *
 * @since 0.2.0
 */
import { Effect } from "effect"
import { type Backend, type EventRow, fromSync, type MemoryRecord, type SnapshotRow, StaleWriter, type SyncBackend } from "./Backend.ts"
import { type Branch, MemoryId, StoreError } from "./Model.ts"

interface MemorySlot {
  readonly record: MemoryRecord
  events: Array<EventRow>
  snapshots: Map<number, SnapshotRow>
  branches: Array<Branch>
  abandoned: Map<number, ReadonlyArray<EventRow>>
}

const copyRow = (r: EventRow): EventRow => ({ seq: r.seq, tag: r.tag, data: Uint8Array.from(r.data), crc: r.crc })

/**
 * A fresh, empty in-memory backend. `readOnly: true` gives one that refuses every write
 * ("ReadOnly") — an empty store to read from.
 * @complexity append O(batch + snapshots), events O(returned), abandon O(moved)
 */
export const make = (options: { readonly readOnly?: boolean } = {}): Backend =>
  fromSync(makeSync(options), (e) => (e instanceof StoreError || e instanceof StaleWriter ? e : new StoreError({ reason: "Io", message: String(e) })))

/**
 * The synchronous form of {@link make}.
 * @complexity as {@link make}
 */
export const makeSync = (options: { readonly readOnly?: boolean } = {}): SyncBackend => {
  const readOnly = options.readOnly === true
  const slots: Array<MemorySlot> = []
  const byKey = new Map<string, MemorySlot>()
  const keyOf = (id: MemoryId): string => JSON.stringify([id.user, id.agent, id.session])
  const slot = (m: MemoryRecord): MemorySlot => {
    const s = slots[m.ref]
    if (s === undefined) throw new StoreError({ reason: "NotFound", message: `no memory ${m.id.key}` })
    return s
  }
  const last = (s: MemorySlot): number => s.events.length === 0 ? 0 : s.events[s.events.length - 1]!.seq
  const write = (s: MemorySlot, expected: number): void => {
    if (readOnly) throw new StoreError({ reason: "ReadOnly", message: "the store is open read only" })
    if (last(s) !== expected) throw new StaleWriter({ last: last(s), expected })
  }
  const keepLatest = (s: MemorySlot, keep: number): void => {
    const seqs = [...s.snapshots.keys()].sort((a, b) => b - a)
    for (const seq of seqs.slice(Math.max(1, keep))) s.snapshots.delete(seq)
  }
  return {
    readOnly,
    findMemory: (id) => byKey.get(keyOf(id))?.record,
    ensureMemory: (id, init) => {
      const found = byKey.get(keyOf(id))
      if (found !== undefined) return found.record
      if (readOnly) throw new StoreError({ reason: "ReadOnly", message: "the store is open read only" })
      const record: MemoryRecord = { ref: slots.length, id, params: init.params, dim: init.dim }
      const s: MemorySlot = { record, events: [], snapshots: new Map(), branches: [], abandoned: new Map() }
      slots.push(s)
      byKey.set(keyOf(id), s)
      return record
    },
    listMemories: () => slots.map((s) => new MemoryId({ user: s.record.id.user, agent: s.record.id.agent, session: s.record.id.session })),
    lastSeq: (m) => last(slot(m)),
    events: (m, after, upto, limit) => {
      const rows = slot(m).events
      // rows are contiguous from seq 1 in this backend, so seq s sits at index s - 1
      const from = Math.max(0, after)
      return rows.slice(from, Math.max(from, Math.min(rows.length, upto, from + Math.max(0, limit))))
    },
    eventBytes: (m, after, upto) => slot(m).events.reduce((n, r) => (r.seq > after && r.seq <= upto ? n + r.data.length : n), 0),
    snapshotMetas: (m) =>
      [...slot(m).snapshots.values()].sort((a, b) => a.seq - b.seq).map(({ contentHash, crc, journalBytes, seq, size }) => ({
        seq,
        crc,
        contentHash,
        size,
        journalBytes
      })),
    snapshotData: (m, seq) => slot(m).snapshots.get(seq)?.data,
    append: (m, expected, rows, snapshot, keep) => {
      const s = slot(m)
      write(s, expected)
      s.events.push(...rows.map(copyRow))
      if (snapshot !== undefined) {
        s.snapshots.set(snapshot.seq, { ...snapshot, data: Uint8Array.from(snapshot.data) })
        keepLatest(s, keep)
      }
    },
    putSnapshot: (m, expected, row, keep) => {
      const s = slot(m)
      write(s, expected)
      s.snapshots.set(row.seq, { ...row, data: Uint8Array.from(row.data) })
      keepLatest(s, keep)
    },
    abandon: (m, expected, base, reason, at) => {
      const s = slot(m)
      write(s, expected)
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
    abandonedRows: (m, branch) => slot(m).abandoned.get(branch) ?? [],
    putBranch: (m, b, rows) => {
      const s = slot(m)
      write(s, last(s))
      const branch: Branch = { ...b, branch: s.branches.length + 1 }
      s.branches.push(branch)
      s.abandoned.set(branch.branch, rows.map(copyRow))
      return branch
    }
  }
}

/**
 * {@link make} as an Effect (a fresh backend per run).
 * @complexity O(1)
 */
export const layerBackend = (options: { readonly readOnly?: boolean } = {}): Effect.Effect<Backend> => Effect.sync(() => make(options))
