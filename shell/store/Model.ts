/**
 * Model — the memory store's types: addresses ({@link MemoryId}), errors ({@link StoreError}),
 * the open {@link Memory} and the {@link MemoryStoreShape} service shape, options and reports.
 * No behaviour lives here: the engine is `Journal.ts`, the backends `MemoryBackend.ts`,
 * `Sqlite.ts` and `Postgres.ts`, the service and its layers `MemoryStore.ts` (which re-exports this module).
 *
 * Positions and seqs:
 * - the event with `seq = s` is the one that took the memory from state `s - 1` to state `s`
 *   (seqs start at 1, contiguous); a state's `seq` counts the events applied;
 * - a `position` in a {@link StoreError} (and `firstBadPosition` in a {@link VerifyReport}) is
 *   0-based: the number of good events before the bad one, i.e. the bad event's `seq - 1`,
 *   which is also the `seq` of the good prefix that is kept (same convention as the core's
 *   `MalformedEvent.index`).
 *
 * @since 0.2.0
 */
import { type Effect, Schema, type Scope } from "effect"
import type * as Changes from "../../core/Changes.ts"
import type * as Event from "../../core/Event.ts"
import type * as Params from "../../core/Params.ts"
import type * as Replay from "../../core/Replay.ts"

// ── model ─────────────────────────────────────────────────────────────────────

/** The part names used when a {@link MemoryId} part is not given. */
export const DEFAULT_PART = "default"

/**
 * The address of one memory: whose (`user`), which agent's, which session. Several memories
 * live side by side in one store; each has its own journal.
 */
export class MemoryId extends Schema.Class<MemoryId>("mags/shell/MemoryId")({
  user: Schema.String,
  agent: Schema.String,
  session: Schema.String
}) {
  /**
   * A memory id; missing parts are {@link DEFAULT_PART} (`"default"`).
   * @complexity O(1)
   */
  static fromParts(parts: { readonly user?: string; readonly agent?: string; readonly session?: string } = {}): MemoryId {
    return new MemoryId({
      user: parts.user ?? DEFAULT_PART,
      agent: parts.agent ?? DEFAULT_PART,
      session: parts.session ?? DEFAULT_PART
    })
  }

  /** `${user}/${agent}/${session}` — for display and logs (parts may themselves hold "/"). */
  get key(): string {
    return `${this.user}/${this.agent}/${this.session}`
  }
}

/**
 * Why a store operation failed.
 * - `Io`: the storage failed (file system, SQLite error, closed handle);
 * - `Corrupt`: a stored record fails its checksum, does not decode, does not apply, or the
 *   seqs have a gap — `position` is the first bad record's 0-based position;
 * - `Locked`: another writer held the database (or kept advancing this memory's journal)
 *   through every retry of a commit; nothing of the commit was written;
 * - `NotFound`: no such memory / state (e.g. `rollback` past the end);
 * - `InvalidEvent`: a committed event does not apply — `position` is where it would have
 *   been; nothing was written;
 * - `ReadOnly`: a write on a store opened read only;
 * - `NotOwner`: a write to a memory another runner of a cluster owns (a live lease held by
 *   another runner, or this runner's lease lost or taken over: see {@link Fence}); nothing was
 *   written, and the write is not retried.
 */
export class StoreError extends Schema.TaggedError<StoreError>()("StoreError", {
  reason: Schema.Literals(["Io", "Corrupt", "Locked", "NotFound", "InvalidEvent", "ReadOnly", "NotOwner"]),
  message: Schema.String,
  position: Schema.optionalKey(Schema.Number)
}) {}

/** What `verify` found. */
export interface VerifyReport {
  /** Everything agrees: the journal folds cleanly to the live state and every snapshot matches. */
  readonly ok: boolean
  /** Events folded without error (the good prefix's length). */
  readonly events: number
  /** `LiquidGraph.contentHash` of the fold of the journal from the empty state. */
  readonly hash: string
  /** `LiquidGraph.contentHash` of the live (in-memory) state. */
  readonly liveHash: string
  /** `seq` of the live state. */
  readonly liveSeq: number
  /** The first bad record's 0-based position (bad checksum, undecodable, not applying, gap). */
  readonly firstBadPosition?: number
  /** Seqs of the snapshots that differ from the fold at their seq (or fail their own checksum). */
  readonly snapshotMismatch?: ReadonlyArray<number>
  /** Human-readable findings, one per problem (empty when `ok`). */
  readonly problems: ReadonlyArray<string>
}

/** An abandoned branch of a memory's history (what `rollback` or a truncation set aside). */
export interface Branch {
  /** Branch number, 1, 2, … per memory, in the order they were abandoned. */
  readonly branch: number
  /** The seq the memory went back to (the kept prefix). */
  readonly base: number
  /** The last abandoned seq (the branch holds seqs `base + 1 … tip`). */
  readonly tip: number
  /** Why: an explicit `rollback`, or a corrupt tail truncated by `openLenient`. */
  readonly reason: "rollback" | "corrupt"
  /** When (Clock millis). */
  readonly at: number
}

/** One journal entry: the event that produced state `seq`. */
export interface Entry {
  readonly seq: number
  readonly event: Event.Event
}

/** One abandoned journal record, as stored (it may be corrupt). */
export interface AbandonedRecord {
  readonly seq: number
  readonly tag: string
  /** The record's stored bytes. */
  readonly data: Uint8Array
  /** The encoded event as JSON text, or `undefined` when the record does not decode. */
  readonly json: string | undefined
}

/** A caller's fold of a batch of events, offered to {@link Memory.commit} so it is not done twice. */
export interface Folded {
  /** The state the events were applied on. */
  readonly from: Replay.State
  /** The state after the last event. */
  readonly state: Replay.State
  /** Each event's changes, in order. */
  readonly changes: ReadonlyArray<Changes.Changes>
}

/** An open memory. Every operation is atomic with respect to the others in this process. */
export interface Memory {
  readonly id: MemoryId
  /** The current state, in memory. */
  readonly state: Effect.Effect<Replay.State>
  /**
   * Applies the events to the current state first (pure; each event goes through its stored
   * record form, so the live state is exactly what a replay of the journal gives); a rejected
   * event → `StoreError` "InvalidEvent" with its position, NOTHING written. Otherwise writes
   * them in ONE transaction (with a snapshot when the spacing of `StoreOptions.snapshotEvery`
   * says so, and older snapshots dropped), then swaps the state. An empty batch writes nothing. When another process advanced
   * the journal meanwhile, the new records are loaded and these events re-applied on the fresh
   * state (bounded retries, `StoreOptions.retries`): a lost race never drops the caller's
   * events silently — they are written, or the commit fails.
   *
   * `folded`: the caller's own fold of these events (for a caller that must apply them anyway,
   * as ingest does to learn fact ids). When `folded.from` is the memory's current state (the
   * same object) and the fold has one change per event, the events are NOT applied again: each
   * is encoded to its record and decoded, and the record must encode back to the same bytes (so
   * a replay applies exactly the event the caller applied; `Replay.apply` is pure); then
   * `folded.state` becomes the state. Otherwise (another writer advanced the journal, a fold from
   * another state, a record that does not read back byte for byte) the events are applied as
   * without `folded`. Law: `commit(es, fold of es on state)` ≡ `commit(es)`.
   * @complexity Σ cost of the events' transitions (none with a usable `folded`) + O(size of the events) I/O
   */
  readonly commit: (events: ReadonlyArray<Event.Event>, folded?: Folded) => Effect.Effect<{ readonly state: Replay.State; readonly changes: ReadonlyArray<Changes.Changes> }, StoreError>
  /** Writes a snapshot of the current state now; returns its seq. */
  readonly snapshot: Effect.Effect<number, StoreError>
  /**
   * The journal's events with `seq > fromSeq` (default 0: all), in order; at most `limit` of them
   * (default: all) — pages stop being read once `limit` are decoded.
   */
  readonly history: (fromSeq?: number, limit?: number) => Effect.Effect<ReadonlyArray<Entry>, StoreError>
  /**
   * Back to the state after `seq` events (0 ≤ seq ≤ current seq, else "NotFound"). The events
   * after `seq` are moved to a new abandoned {@link Branch} (not deleted), snapshots after
   * `seq` are dropped (they are derived), and later commits continue from `seq + 1`.
   */
  readonly rollback: (seq: number) => Effect.Effect<Replay.State, StoreError>
  /**
   * Folds the journal from the empty state (ignoring snapshots), checking every record, and
   * compares the fold with the live state and with every stored snapshot. Problems are
   * reported in the {@link VerifyReport}, not as errors (errors are for I/O only).
   * @complexity Σ cost of all events' transitions
   */
  readonly verify: Effect.Effect<VerifyReport, StoreError>
  /** The abandoned branches, oldest first. */
  readonly branches: Effect.Effect<ReadonlyArray<Branch>, StoreError>
  /** The records of one abandoned branch, in seq order ("NotFound" when there is none). */
  readonly abandoned: (branch: number) => Effect.Effect<ReadonlyArray<AbandonedRecord>, StoreError>
}

/** Options of `open`. */
export interface OpenOptions {
  /** Parameters of a NEW memory's initial state (default `Params.defaults`); an existing memory keeps its own. */
  readonly params?: Params.Params
  /** Vector dimension of a NEW memory's empty graph (default 0: set by the first embedding). */
  readonly dim?: number
}

/** Options of `openLenient`. */
export interface LenientOptions extends OpenOptions {
  /**
   * When the journal has a bad record: `false` (default) opens the good prefix READ-ONLY
   * (writes fail with the "Corrupt" error) and leaves the records as they are; `true` moves
   * the bad tail to an abandoned branch (reason "corrupt") and opens normally.
   */
  readonly truncate?: boolean
}

/** What `openLenient` gives: the memory at its good prefix, and the corruption found, if any. */
export interface Lenient {
  readonly memory: Memory
  readonly corruption: StoreError | undefined
}

/** Options shared by the store layers. */
export interface StoreOptions {
  /**
   * Snapshot spacing, in events: a snapshot is written once at least this many events AND at
   * least `snapshotRatio` times the last snapshot's size in journal bytes (never less than
   * {@link StoreOptions.snapshotMinBytes}) have been committed since the last one (default
   * 1000). The byte rule makes snapshot cost amortised O(1) per journal byte (so the commit
   * rate stays flat as the memory grows) and bounds the tail an open replays to
   * `snapshotRatio` × the snapshot's size.
   */
  readonly snapshotEvery?: number
  /** The least journal bytes between two snapshots (default 64 KiB; 0 in tests that want a snapshot every `snapshotEvery` events). */
  readonly snapshotMinBytes?: number
  /** See `snapshotEvery` (default 1: a snapshot's cost is shared by its own size in events, and an open replays at most that). */
  readonly snapshotRatio?: number
  /**
   * How many snapshots to keep per memory (default 2, at least 1); older ones are deleted in
   * the same transaction. An older one is kept only while all kept snapshots together stay
   * within `snapshotBudget` times the journal's bytes (default 0.75; `Infinity`: count only),
   * so the database stays within about 1.75 times its events' size.
   */
  readonly keepSnapshots?: number
  /** See `keepSnapshots`. */
  readonly snapshotBudget?: number
  /**
   * How often a commit that lost a race is retried (default 8): a busy database (after the
   * backend's own busy wait) is retried with exponential backoff; a journal another writer
   * advanced is reloaded and this writer's events re-applied on the fresh state. When the
   * attempts run out the commit fails with "Locked" and nothing of it was written.
   */
  readonly retries?: number
}

/** The {@link MemoryStore} service. */
export interface MemoryStoreShape {
  /**
   * Opens (creating when absent) a memory: latest valid snapshot + the journal's tail. A bad
   * record in that tail fails with "Corrupt" at its position (use `openLenient` to get the
   * good prefix). Opening an id already open in this store shares the same handle; it closes
   * when the last scope that opened it closes.
   */
  readonly open: (id: MemoryId, options?: OpenOptions) => Effect.Effect<Memory, StoreError, Scope.Scope>
  /** Every memory in the store. */
  readonly list: Effect.Effect<ReadonlyArray<MemoryId>, StoreError>
  /** Like `open`, but a bad record does not fail: the good prefix is loaded and the corruption returned. */
  readonly openLenient: (id: MemoryId, options?: LenientOptions) => Effect.Effect<Lenient, StoreError, Scope.Scope>
}

/** Options of {@link MemoryStore.layerSqlite}. */
export interface SqliteOptions extends StoreOptions {
  /** The memory home: the database is `<home>/mags.db` (the folder is created unless `readOnly`). */
  readonly home: string
  /** `FULL` (default): every commit is fsynced (survives power loss); `NORMAL`: in WAL mode survives a process crash, may lose the last commits on power loss. */
  readonly synchronous?: "FULL" | "NORMAL"
  /** How long to wait for another connection's write lock before "Locked" (ms, default 5000). */
  readonly busyTimeoutMs?: number
  /**
   * Open the database read only (default false): nothing is created or written, every write
   * fails with "ReadOnly"; a missing database reads as empty memories; a WAL database whose
   * `-shm` cannot be created (a read-only home) is opened immutable.
   */
  readonly readOnly?: boolean
}

/** Options of {@link MemoryStore.layerPostgres}. */
export interface PostgresOptions extends StoreOptions {
  /**
   * The database: `postgres://user:password@host:port/database` (a Unix socket folder as
   * `?host=/path`; a schema other than `public` with `?options=-c%20search_path%3Dname`).
   */
  readonly url: string
  /** Connections in the pool (default 4). */
  readonly maxConnections?: number
  /** Open read only (default false): nothing is created or written, every write fails "ReadOnly"; a database without the store's tables reads as empty. */
  readonly readOnly?: boolean
  /**
   * This process is a runner of a cluster (`shell/cluster/`): every write must hold the
   * memory's lease (see {@link Fence}). Without it the process is a plain client: its writes
   * are refused ("NotOwner") only for a memory whose lease a runner holds now.
   */
  readonly fence?: Fence
}

/**
 * A runner's fencing: its id and the token of each lease it believes it holds. A write's
 * transaction reads the memory's lease row under a share lock and goes on only when the lease
 * is live, held by `runner`, with the same token; so a runner whose lease expired or was taken
 * over (a paused or partitioned runner) can never write, and a takeover (which must update that
 * row) waits for the writes in flight to end.
 */
export interface Fence {
  /** The runner's id. */
  readonly runner: string
  /** The token of the lease this runner holds on the memory, `undefined` when it holds none. */
  readonly token: (id: MemoryId) => number | undefined
}
