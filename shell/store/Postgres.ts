/**
 * Postgres — the PostgreSQL backend of the memory store, on effect's SQL layer: the published
 * `@effect/sql-pg` client (its own wire-protocol implementation, no native add-on; version
 * 4.0.5, whose peer range `^4.0.5` admits the effect 4.1 in use) behind `effect/sql`'s
 * `SqlClient`. One database (or one schema of it, chosen with the URL's
 * `options=-c search_path=…`) holds many memories side by side, in tables prefixed `mags_` so
 * they can share a database with other applications:
 *
 * ```sql
 * mags_meta(key PRIMARY KEY, value)                              -- format = mags-pg/1
 * mags_memories(id bigint IDENTITY PRIMARY KEY, "user", agent, session, params, dim, created, UNIQUE("user", agent, session))
 * mags_events(memory, seq, tag, data bytea, crc, PRIMARY KEY(memory, seq))
 * mags_snapshots(memory, seq, data bytea, crc, content_hash, journal_bytes, PRIMARY KEY(memory, seq))
 * mags_branches(memory, branch, base, tip, reason, at, PRIMARY KEY(memory, branch))
 * mags_abandoned(memory, branch, seq, tag, data bytea, crc, PRIMARY KEY(memory, branch, seq))
 * mags_runners(runner PRIMARY KEY, address, started, seen)            -- a cluster's runners
 * mags_leases("user", agent, session PRIMARY KEY, runner, token, expires)  -- who owns which memory
 * ```
 *
 * The records are the same bytes with the same CRC-32 as in SQLite (`Record.ts`): the backend
 * never looks inside them, so verify and the engine's checks work unchanged.
 *
 * Writes: each write (an event batch with its snapshot, a snapshot, a rollback, a branch) is
 * ONE transaction that first locks the memory's row (`SELECT … FOR UPDATE`), so the writers of
 * one memory queue on that lock whatever process or server they run in, then checks the
 * journal still ends where the writer expects (else {@link StaleWriter}, and the transaction
 * is rolled back: nothing written). Writers of different memories do not wait for each other.
 * Then it reads the memory's lease (`mags_leases`, a cluster's, `shell/cluster/Leases.ts`) under a
 * share lock: a runner (`PostgresOptions.fence`) must hold it live with its token, any other
 * writer must find no live lease, else "NotOwner" and nothing is written.
 * Durability is the server's: a commit has returned once PostgreSQL has flushed its WAL
 * (`synchronous_commit = on`, its default).
 *
 * Reads are single statements (no transaction held across pages), as with SQLite.
 *
 * Opening for writing creates the tables when absent, under a transaction-scoped advisory lock
 * so that several processes opening a new database at once do not race on `CREATE TABLE`;
 * a database holding another format fails "Corrupt". Read only (`readOnly: true`): nothing is
 * created, every write fails "ReadOnly", and a database without the tables reads as an empty
 * store.
 *
 * Errors map to `StoreError`: a lost connection, failed authentication or any other server
 * error → "Io"; a deadlock, serialization failure or lock timeout → "Locked" (the engine
 * retries those); a permission error → "ReadOnly". A connection lost inside a write's
 * transaction (the SQL layer reports it as a defect: its ROLLBACK cannot run) is an "Io" too;
 * the server rolls the transaction back, so nothing of it is written.
 *
 * @since 0.3.0
 */
import * as PgClient from "@effect/sql-pg/PgClient"
import { Effect, Redacted, type Scope } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import type { SqlClient } from "effect/sql/SqlClient"
import { SqlError } from "effect/sql/SqlError"
import { type Backend, type EventRow, type MemoryRecord, type Op, type SnapshotMeta, type SnapshotRow, StaleWriter, type Write } from "./Backend.ts"
import * as MemoryBackend from "./MemoryBackend.ts"
import { type Branch, type Fence, MemoryId, type PostgresOptions, StoreError } from "./Model.ts"

/** The storage format written to `mags_meta`. */
export const FORMAT = "mags-pg/1"

/** Whether a store location names a PostgreSQL server (`postgres://…` or `postgresql://…`). */
export const isUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location)

/**
 * The URL with its password (if any) replaced by `***`, for messages and logs.
 * @complexity O(length)
 */
export const redact = (url: string): string => url.replace(/^(postgres(?:ql)?:\/\/[^:/@]*):[^@/]*@/i, "$1:***@")

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS mags_meta (key text PRIMARY KEY, value text NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS mags_memories (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "user" text NOT NULL, agent text NOT NULL, session text NOT NULL,
    params text NOT NULL, dim integer NOT NULL, created double precision NOT NULL,
    UNIQUE ("user", agent, session)
  )`,
  `CREATE TABLE IF NOT EXISTS mags_events (
    memory bigint NOT NULL REFERENCES mags_memories (id), seq bigint NOT NULL,
    tag text NOT NULL, data bytea NOT NULL, crc bigint NOT NULL,
    PRIMARY KEY (memory, seq)
  )`,
  `CREATE TABLE IF NOT EXISTS mags_snapshots (
    memory bigint NOT NULL REFERENCES mags_memories (id), seq bigint NOT NULL,
    data bytea NOT NULL, crc bigint NOT NULL, content_hash text NOT NULL, journal_bytes bigint NOT NULL DEFAULT -1,
    PRIMARY KEY (memory, seq)
  )`,
  // snapshot bodies are deflated already: stored out of line without a second compression
  `ALTER TABLE mags_snapshots ALTER COLUMN data SET STORAGE EXTERNAL`,
  `CREATE TABLE IF NOT EXISTS mags_branches (
    memory bigint NOT NULL REFERENCES mags_memories (id), branch integer NOT NULL,
    base bigint NOT NULL, tip bigint NOT NULL, reason text NOT NULL CHECK (reason IN ('rollback', 'corrupt')), at double precision NOT NULL,
    PRIMARY KEY (memory, branch)
  )`,
  `CREATE TABLE IF NOT EXISTS mags_abandoned (
    memory bigint NOT NULL REFERENCES mags_memories (id), branch integer NOT NULL, seq bigint NOT NULL,
    tag text NOT NULL, data bytea NOT NULL, crc bigint NOT NULL,
    PRIMARY KEY (memory, branch, seq)
  )`,
  // a cluster's runners and the leases by which each memory has one owner (shell/cluster/);
  // a lease row is never deleted, so its token only grows
  `CREATE TABLE IF NOT EXISTS mags_runners (
    runner text PRIMARY KEY, address text NOT NULL,
    started timestamptz NOT NULL DEFAULT clock_timestamp(), seen timestamptz NOT NULL DEFAULT clock_timestamp()
  )`,
  `CREATE TABLE IF NOT EXISTS mags_leases (
    "user" text NOT NULL, agent text NOT NULL, session text NOT NULL,
    runner text NOT NULL, token bigint NOT NULL, expires timestamptz NOT NULL,
    PRIMARY KEY ("user", agent, session)
  )`,
  `CREATE INDEX IF NOT EXISTS mags_leases_runner ON mags_leases (runner)`
]

/** The advisory lock key taken while creating the tables (any constant; "mags" in ASCII). */
const SCHEMA_LOCK = 0x6d616773

/** The largest protocol message read (a row with a snapshot): 2 GiB, above PostgreSQL's 1 GB bytea limit. */
const MAX_MESSAGE = 0x7fffffff

/** Rows per multi-row INSERT (6 parameters each, well under PostgreSQL's 65535). */
const INSERT_CHUNK = 1000

// ── value readers ─────────────────────────────────────────────────────────────

type Row = { readonly [k: string]: unknown }

/**
 * A column's number (int8 arrives as `bigint`, numeric as text); "Corrupt" for anything else.
 * @complexity O(1)
 */
export const num = (v: unknown): number => {
  if (typeof v === "number") return v
  if (typeof v === "bigint") return Number(v)
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v)
  throw new StoreError({ reason: "Corrupt", message: `expected a number in the database, found ${v === null ? "null" : typeof v}` })
}

/**
 * A column's text; "Corrupt" for anything else.
 * @complexity O(1)
 */
export const str = (v: unknown): string => {
  if (typeof v === "string") return v
  throw new StoreError({ reason: "Corrupt", message: `expected text in the database, found ${v === null ? "null" : typeof v}` })
}

const bytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return v
  throw new StoreError({ reason: "Corrupt", message: `expected a record in the database, found ${v === null ? "null" : typeof v}` })
}

const eventRow = (r: Row): EventRow => ({ seq: num(r["seq"]), tag: str(r["tag"]), data: bytes(r["data"]), crc: num(r["crc"]) })

const reasonOf = (v: unknown): Branch["reason"] => {
  const s = str(v)
  if (s === "rollback" || s === "corrupt") return s
  throw new StoreError({ reason: "Corrupt", message: `unknown branch reason ${s}` })
}

const branchOf = (r: Row): Branch => ({
  branch: num(r["branch"]),
  base: num(r["base"]),
  tip: num(r["tip"]),
  reason: reasonOf(r["reason"]),
  at: num(r["at"])
})

/**
 * Maps a failure of the SQL layer (or a reader's `StoreError`) to a `StoreError`.
 * @complexity O(1)
 */
export const classify = (e: unknown): StoreError => {
  if (e instanceof StoreError) return e
  if (e instanceof SqlError) {
    const message = `PostgreSQL: ${e.cause._tag}: ${e.cause.message}`
    switch (e.cause._tag) {
      case "DeadlockError":
      case "SerializationError":
      case "LockTimeoutError":
        return new StoreError({ reason: "Locked", message })
      case "AuthorizationError":
        return new StoreError({ reason: "ReadOnly", message })
      default:
        return new StoreError({ reason: "Io", message })
    }
  }
  return new StoreError({ reason: "Io", message: e instanceof Error ? e.message : String(e) })
}

/**
 * A connection lost inside a transaction reaches us as a DEFECT of the SQL layer (its ROLLBACK
 * cannot run on the dead connection): such a defect is the database's failure, an "Io".
 */
const sqlDefects = <A, E>(self: Effect.Effect<A, E>): Effect.Effect<A, E | StoreError> =>
  Effect.catchDefect(self, (d) => (d instanceof SqlError ? Effect.fail(classify(d)) : Effect.die(d)))

/** Any failure of a read as a `StoreError` (a reader's throw included). */
const op = <A>(self: Effect.Effect<A, unknown>): Op<A> => Effect.mapError(sqlDefects(self), classify)

/** A write's failures: a `StaleWriter` as it is, anything else as a `StoreError`. */
const write = <A>(self: Effect.Effect<A, unknown>): Write<A> =>
  Effect.mapError(sqlDefects(self), (e) => (e instanceof StaleWriter ? e : classify(e)))

/**
 * Runs a pure reader (e.g. of {@link num}, {@link str}) on query rows; its `StoreError` throw
 * becomes the failure. Also used by the cluster's leases (`shell/cluster/Leases.ts`).
 * @complexity O(rows) over the query
 */
export const read = <A>(rows: Effect.Effect<ReadonlyArray<Row>, unknown>, f: (rows: ReadonlyArray<Row>) => A): Effect.Effect<A, unknown> =>
  Effect.flatMap(rows, (rs) => Effect.try({ try: () => f(rs), catch: (e) => e }))

// ── opening ───────────────────────────────────────────────────────────────────

/**
 * A pool of connections to `options.url` (closed with the scope); also used by the cluster's
 * leases (`shell/cluster/Leases.ts`).
 * @complexity one connection at first
 */
export const connect = (options: Pick<PostgresOptions, "url" | "maxConnections">): Effect.Effect<SqlClient, StoreError, Scope.Scope> =>
  PgClient.make({
    url: Redacted.make(options.url),
    maxConnections: options.maxConnections ?? 4,
    applicationName: "mags",
    connectTimeout: "10 seconds",
    // the client's default (16 MiB per protocol message) is below a large memory's snapshot
    maxMessageSize: MAX_MESSAGE
  }).pipe(
    Effect.provide(Reactivity.layer),
    Effect.mapError((e) => new StoreError({ reason: "Io", message: `cannot connect to ${redact(options.url)}: ${classify(e).message}` }))
  )

/** Creates the tables when absent (one transaction, under an advisory lock); checks the format. */
export const prepare = (sql: SqlClient, url: string): Effect.Effect<void, StoreError> =>
  sql.withTransaction(Effect.gen(function*() {
    yield* sql.unsafe(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`)
    for (const ddl of SCHEMA) yield* sql.unsafe(ddl)
    yield* sql.unsafe(`INSERT INTO mags_meta (key, value) VALUES ('format', $1) ON CONFLICT (key) DO NOTHING`, [FORMAT])
    const rows = yield* sql.unsafe<Row>(`SELECT value FROM mags_meta WHERE key = 'format'`)
    const format = rows[0]?.["value"]
    if (format !== FORMAT) {
      return yield* new StoreError({ reason: "Corrupt", message: `${redact(url)} holds format ${String(format)}, expected ${FORMAT}` })
    }
  })).pipe(Effect.mapError(classify))

/** Whether the database (in the connection's search path) holds the store's tables, and of this format. */
const readable = (sql: SqlClient, url: string): Effect.Effect<boolean, StoreError> =>
  Effect.gen(function*() {
    const found = yield* sql.unsafe<Row>(`SELECT to_regclass('mags_meta') IS NOT NULL AS present`)
    if (found[0]?.["present"] !== true) return false
    const rows = yield* sql.unsafe<Row>(`SELECT value FROM mags_meta WHERE key = 'format'`)
    const format = rows[0]?.["value"]
    if (format !== FORMAT) {
      return yield* new StoreError({ reason: "Corrupt", message: `${redact(url)} holds format ${String(format)}, expected ${FORMAT}` })
    }
    return true
  }).pipe(Effect.mapError(classify))

/**
 * Connects to the database at `options.url` and gives the store backend over it (creating its
 * tables unless `readOnly`); the connections close when the scope closes.
 * @complexity open: one connection and a few statements; each operation one round trip
 *   (reads) or one transaction of a few statements (writes), indexed by (memory, seq)
 */
export const backend = (options: PostgresOptions): Effect.Effect<Backend, StoreError, Scope.Scope> =>
  Effect.gen(function*() {
    const sql = yield* connect(options)
    if (options.readOnly === true) {
      const present = yield* readable(sql, options.url)
      return present ? makeBackend(sql, true) : MemoryBackend.make({ readOnly: true })
    }
    yield* prepare(sql, options.url)
    return makeBackend(sql, false, options.fence)
  })

// ── the backend ───────────────────────────────────────────────────────────────

/**
 * The backend over a connected client whose database holds the tables (`readOnly`: every
 * write fails "ReadOnly").
 * @complexity O(1)
 */
export const makeBackend = (sql: SqlClient, readOnly = false, fence?: Fence): Backend => {
  const q = (text: string, params: ReadonlyArray<unknown> = []) => sql.unsafe<Row>(text, params)

  const refuse = Effect.fail(new StoreError({ reason: "ReadOnly", message: "the store is open read only" }))

  /**
   * The memory's lease, read under a share lock (a takeover, which updates the row, waits for
   * this transaction): a runner ({@link Fence}) must hold it live with its token; any other
   * writer must find no live lease.
   */
  const fenced = (m: MemoryRecord) =>
    read(
      q(
        `SELECT runner, token, expires > clock_timestamp() AS live FROM mags_leases
         WHERE "user" = $1 AND agent = $2 AND session = $3 FOR SHARE`,
        [m.id.user, m.id.agent, m.id.session]
      ),
      (rs) => {
        const lease = rs[0]
        const live = lease !== undefined && lease["live"] === true
        if (fence === undefined) {
          if (live) throw notOwner(m.id, `runner ${str(lease["runner"])} owns it; send the write to that runner`)
          return
        }
        const mine = fence.token(m.id)
        if (mine === undefined) throw notOwner(m.id, `runner ${fence.runner} holds no lease on it`)
        if (!live || str(lease["runner"]) !== fence.runner || num(lease["token"]) !== mine) {
          throw notOwner(m.id, `the lease of runner ${fence.runner} (token ${mine}) has ${live ? `passed to runner ${str(lease["runner"])}` : "expired"}`)
        }
      }
    )

  /** A write transaction on memory `m`: its row locked first, so writers of one memory queue; then its lease checked. */
  const tx = <A, E>(m: MemoryRecord, body: Effect.Effect<A, E>): Write<A> =>
    readOnly ? refuse : write(sql.withTransaction(Effect.andThen(
      Effect.andThen(
        read(q(`SELECT id FROM mags_memories WHERE id = $1 FOR UPDATE`, [m.ref]), (rs) => {
          if (rs.length === 0) throw new StoreError({ reason: "NotFound", message: `no memory ${m.id.key}` })
        }),
        fenced(m)
      ),
      body
    )))

  const lastSeq = (m: MemoryRecord) => read(q(`SELECT coalesce(max(seq), 0) AS s FROM mags_events WHERE memory = $1`, [m.ref]), (rs) => num(rs[0]?.["s"]))

  const expect = (m: MemoryRecord, expected: number) =>
    Effect.flatMap(lastSeq(m), (last) => (last === expected ? Effect.void : Effect.fail(new StaleWriter({ last, expected }))))

  /** Inserts rows into `mags_events` (`branch` undefined) or `mags_abandoned`, in chunks. */
  const insertRows = (m: MemoryRecord, rows: ReadonlyArray<EventRow>, branch?: number) =>
    Effect.forEach(chunks(rows, INSERT_CHUNK), (chunk) => {
      const params: Array<unknown> = []
      const values = chunk.map((r) => {
        const at = params.length
        params.push(m.ref, r.seq, r.tag, r.data, r.crc)
        if (branch !== undefined) params.push(branch)
        return branch === undefined
          ? `($${at + 1}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5})`
          : `($${at + 1}, $${at + 6}, $${at + 2}, $${at + 3}, $${at + 4}, $${at + 5})`
      })
      return branch === undefined
        ? q(`INSERT INTO mags_events (memory, seq, tag, data, crc) VALUES ${values.join(", ")}`, params)
        : q(`INSERT INTO mags_abandoned (memory, branch, seq, tag, data, crc) VALUES ${values.join(", ")}`, params)
    }, { discard: true })

  const putSnapshot = (m: MemoryRecord, s: SnapshotRow, keep: number) =>
    Effect.andThen(
      q(
        `INSERT INTO mags_snapshots (memory, seq, data, crc, content_hash, journal_bytes) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (memory, seq) DO UPDATE SET data = EXCLUDED.data, crc = EXCLUDED.crc,
           content_hash = EXCLUDED.content_hash, journal_bytes = EXCLUDED.journal_bytes`,
        [m.ref, s.seq, s.data, s.crc, s.contentHash, s.journalBytes]
      ),
      q(
        `DELETE FROM mags_snapshots WHERE memory = $1 AND seq NOT IN
           (SELECT seq FROM mags_snapshots WHERE memory = $1 ORDER BY seq DESC LIMIT $2)`,
        [m.ref, Math.max(1, keep)]
      )
    )

  const nextBranch = (m: MemoryRecord) =>
    read(q(`SELECT coalesce(max(branch), 0) + 1 AS b FROM mags_branches WHERE memory = $1`, [m.ref]), (rs) => num(rs[0]?.["b"]))

  const findMemory = (id: MemoryId) =>
    read(
      q(`SELECT id, params, dim FROM mags_memories WHERE "user" = $1 AND agent = $2 AND session = $3`, [id.user, id.agent, id.session]),
      (rs): MemoryRecord | undefined => {
        const r = rs[0]
        return r === undefined ? undefined : { ref: num(r["id"]), id, params: str(r["params"]), dim: num(r["dim"]) }
      }
    )

  return {
    readOnly,
    findMemory: (id) => op(findMemory(id)),
    ensureMemory: (id, init) =>
      op(Effect.gen(function*() {
        const found = yield* findMemory(id)
        if (found !== undefined) return found
        if (readOnly) return yield* refuse
        yield* q(
          `INSERT INTO mags_memories ("user", agent, session, params, dim, created) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT ("user", agent, session) DO NOTHING`,
          [id.user, id.agent, id.session, init.params, init.dim, init.at]
        )
        const made = yield* findMemory(id)
        if (made === undefined) return yield* new StoreError({ reason: "Io", message: `could not create memory ${id.key}` })
        return made
      })),
    listMemories: op(read(
      q(`SELECT "user", agent, session FROM mags_memories ORDER BY id`),
      (rs) => rs.map((r) => new MemoryId({ user: str(r["user"]), agent: str(r["agent"]), session: str(r["session"]) }))
    )),
    lastSeq: (m) => op(lastSeq(m)),
    events: (m, after, upto, limit) =>
      op(read(
        q(
          `SELECT seq, tag, data, crc FROM mags_events WHERE memory = $1 AND seq > $2 AND seq <= $3 ORDER BY seq LIMIT $4`,
          [m.ref, after, upto, Math.max(0, limit)]
        ),
        (rs) => rs.map(eventRow)
      )),
    eventBytes: (m, after, upto) =>
      op(read(
        q(`SELECT coalesce(sum(octet_length(data)), 0)::bigint AS n FROM mags_events WHERE memory = $1 AND seq > $2 AND seq <= $3`, [m.ref, after, upto]),
        (rs) => num(rs[0]?.["n"])
      )),
    snapshotMetas: (m) =>
      op(read(
        q(`SELECT seq, crc, content_hash, octet_length(data) AS size, journal_bytes FROM mags_snapshots WHERE memory = $1 ORDER BY seq`, [m.ref]),
        (rs) =>
          rs.map((r): SnapshotMeta => ({
            seq: num(r["seq"]),
            crc: num(r["crc"]),
            contentHash: str(r["content_hash"]),
            size: num(r["size"]),
            journalBytes: num(r["journal_bytes"])
          }))
      )),
    snapshotData: (m, seq) =>
      op(read(q(`SELECT data FROM mags_snapshots WHERE memory = $1 AND seq = $2`, [m.ref, seq]), (rs) => {
        const r = rs[0]
        return r === undefined ? undefined : bytes(r["data"])
      })),
    append: (m, expected, rows, snapshot, keep) =>
      tx(m, Effect.gen(function*() {
        yield* expect(m, expected)
        yield* insertRows(m, rows)
        if (snapshot !== undefined) yield* putSnapshot(m, snapshot, keep)
      })),
    putSnapshot: (m, expected, row, keep) =>
      tx(m, Effect.andThen(expect(m, expected), putSnapshot(m, row, keep))),
    abandon: (m, expected, base, reason, at) =>
      tx(m, Effect.gen(function*() {
        yield* expect(m, expected)
        yield* q(`DELETE FROM mags_snapshots WHERE memory = $1 AND seq > $2`, [m.ref, base])
        const tip = yield* read(q(`SELECT coalesce(max(seq), 0) AS s FROM mags_events WHERE memory = $1 AND seq > $2`, [m.ref, base]), (rs) => num(rs[0]?.["s"]))
        if (tip === 0) return undefined
        const branch = yield* nextBranch(m)
        yield* q(`INSERT INTO mags_branches (memory, branch, base, tip, reason, at) VALUES ($1, $2, $3, $4, $5, $6)`, [m.ref, branch, base, tip, reason, at])
        yield* q(
          `INSERT INTO mags_abandoned (memory, branch, seq, tag, data, crc)
           SELECT memory, $2, seq, tag, data, crc FROM mags_events WHERE memory = $1 AND seq > $3`,
          [m.ref, branch, base]
        )
        yield* q(`DELETE FROM mags_events WHERE memory = $1 AND seq > $2`, [m.ref, base])
        const made: Branch = { branch, base, tip, reason, at }
        return made
      })),
    branches: (m) => op(read(q(`SELECT branch, base, tip, reason, at FROM mags_branches WHERE memory = $1 ORDER BY branch`, [m.ref]), (rs) => rs.map(branchOf))),
    abandonedRows: (m, branch) =>
      op(read(
        q(`SELECT seq, tag, data, crc FROM mags_abandoned WHERE memory = $1 AND branch = $2 ORDER BY seq`, [m.ref, branch]),
        (rs) => rs.map(eventRow)
      )),
    putBranch: (m, b, rows) =>
      Effect.mapError(
        tx(m, Effect.gen(function*() {
          const branch = yield* nextBranch(m)
          yield* q(`INSERT INTO mags_branches (memory, branch, base, tip, reason, at) VALUES ($1, $2, $3, $4, $5, $6)`, [m.ref, branch, b.base, b.tip, b.reason, b.at])
          yield* insertRows(m, rows, branch)
          const made: Branch = { ...b, branch }
          return made
        })),
        (e) => (e instanceof StaleWriter ? new StoreError({ reason: "Io", message: `unexpected stale writer (journal at ${e.last})` }) : e)
      )
  }
}

const notOwner = (id: MemoryId, why: string): StoreError =>
  new StoreError({ reason: "NotOwner", message: `memory ${id.key} is not this process's to write: ${why}` })

const chunks = <A>(xs: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size))
  return out
}
