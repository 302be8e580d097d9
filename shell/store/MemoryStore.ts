/**
 * MemoryStore — durable memories: an append-only event journal per memory, periodic compact
 * snapshots, and the live state the journal folds to.
 *
 * A memory is addressed by a {@link MemoryId} (user / agent / session). Its state is a
 * `Replay.State`; the only way to change it is `Memory.commit`, which takes EVENTS, applies
 * them to the current state first (pure, `Replay.apply`), and only if every one applies
 * writes them, all in one transaction, before swapping the live state. So the journal always
 * folds (from the empty state) to exactly the live state: `verify` checks it.
 *
 * History is kept honestly: `rollback(seq)` never deletes events; the rolled-back tail is moved
 * to an *abandoned branch* (see `Branch`), readable with `branches` / `abandoned`, and later
 * commits continue from `seq + 1`. Truncating a corrupt tail (`openLenient` with
 * `truncate: true`) does the same with reason `"corrupt"`.
 *
 * The module layout (no import cycles): `Model.ts` (types, re-exported here) ← `Backend.ts`
 * (the backend interface) ← `Record.ts` (record bytes), `MemoryBackend.ts`, `Sqlite.ts` and
 * `Postgres.ts` (backends) ← `Journal.ts` (the engine) ← this module (the service and its layers) and
 * `Repair.ts` (salvage).
 *
 * Layers:
 * - {@link MemoryStore.layerSqlite}: one SQLite file per memory home, `<home>/mags.db`, through
 *   Node's built-in `node:sqlite` (see `Sqlite.ts`); `readOnly: true` for reads that must
 *   work on a read-only database or home;
 * - {@link MemoryStore.layerPostgres}: one PostgreSQL database (or schema) shared by any number of
 *   processes, through `@effect/sql-pg` (see `Postgres.ts`); selected by a `postgres://` store URL;
 * - {@link MemoryStore.layerMemory}: the same engine over an in-memory backend
 *   (`MemoryBackend.ts`), a fresh empty store each time the layer is built — for tests.
 *
 * @since 0.1.0
 */
import { Context, Layer } from "effect"
import * as Journal from "./Journal.ts"
import * as MemoryBackend from "./MemoryBackend.ts"
import type { MemoryStoreShape, PostgresOptions, SqliteOptions, StoreError } from "./Model.ts"
import * as Postgres from "./Postgres.ts"
import * as Sqlite from "./Sqlite.ts"

export * from "./Model.ts"

/**
 * The memory store service.
 */
export class MemoryStore extends Context.Service<MemoryStore, MemoryStoreShape>()("mags/shell/MemoryStore") {
  /**
   * The SQLite store at `<home>/mags.db`; the database closes with the layer.
   * @complexity open: O(snapshot size + tail events)
   */
  static readonly layerSqlite = (options: SqliteOptions): Layer.Layer<MemoryStore, StoreError> =>
    Layer.effect(MemoryStore, Journal.makeStore(Sqlite.backend(options), options))

  /**
   * The PostgreSQL store at `options.url` (see `Postgres.ts`); the connections close with the layer.
   * @complexity open: O(snapshot size + tail events), one round trip per page
   */
  static readonly layerPostgres = (options: PostgresOptions): Layer.Layer<MemoryStore, StoreError> =>
    Layer.effect(MemoryStore, Journal.makeStore(Postgres.backend(options), options))

  /** An in-memory store with the same semantics; each build of the layer is a fresh empty store. */
  static readonly layerMemory: Layer.Layer<MemoryStore> = Layer.suspend(() =>
    Layer.effect(MemoryStore, Journal.makeStore(MemoryBackend.layerBackend(), {}))
  )
}
