/**
 * Sqlite — the SQLite backend of the memory store, on Node's built-in `node:sqlite`
 * (`DatabaseSync`, synchronous; no native add-on to install).
 *
 * One database file per memory home, `<home>/mags.db`, holds several memories side by side:
 *
 * ```sql
 * meta(key PRIMARY KEY, value)                         -- format = mags-store/1
 * memories(id INTEGER PRIMARY KEY, user, agent, session, params, dim, created, UNIQUE(user, agent, session))
 * events(memory, seq, tag, json, crc, PRIMARY KEY(memory, seq))
 * snapshots(memory, seq, json, crc, content_hash, PRIMARY KEY(memory, seq))
 * branches(memory, branch, base, tip, reason, at, PRIMARY KEY(memory, branch))
 * abandoned(memory, branch, seq, tag, json, crc, PRIMARY KEY(memory, branch, seq))
 * ```
 *
 * Durability: WAL journal mode; `synchronous=FULL` by default, so a commit has been fsynced
 * to the WAL when it returns (survives power loss); `NORMAL` is allowed (in WAL mode it is
 * still atomic and survives a process crash, but the last commits may be lost on power loss).
 * Each write (an event batch with its snapshot, a snapshot, a rollback) is ONE `BEGIN
 * IMMEDIATE` transaction that first checks the journal still ends where the writer expects.
 * SQLite errors map to `StoreError`: busy/locked → "Locked", corrupt/not-a-database →
 * "Corrupt", anything else → "Io".
 *
 * `node:sqlite` is marked experimental in some Node versions and may print one
 * `ExperimentalWarning` on first use (Node 24.21 does not); it is harmless, and a process can
 * silence it with `--disable-warning=ExperimentalWarning`.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import { mkdirSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite"
import type { Backend, EventRow, MemoryRecord, SnapshotMeta } from "./Journal.ts"
import { type Branch, MemoryId, type SqliteOptions, StoreError } from "./MemoryStore.ts"

/** The database file's name inside a memory home. */
export const DB_FILE = "mags.db"

/** The storage format written to `meta`. */
export const FORMAT = "mags-store/1"

/**
 * The database path of a memory home.
 * @complexity O(1)
 */
export const dbPath = (home: string): string => join(home, DB_FILE)

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS memories (
  id INTEGER PRIMARY KEY,
  user TEXT NOT NULL, agent TEXT NOT NULL, session TEXT NOT NULL,
  params TEXT NOT NULL, dim INTEGER NOT NULL, created REAL NOT NULL,
  UNIQUE (user, agent, session)
);
CREATE TABLE IF NOT EXISTS events (
  memory INTEGER NOT NULL REFERENCES memories (id), seq INTEGER NOT NULL,
  tag TEXT NOT NULL, json TEXT NOT NULL, crc INTEGER NOT NULL,
  PRIMARY KEY (memory, seq)
);
CREATE TABLE IF NOT EXISTS snapshots (
  memory INTEGER NOT NULL REFERENCES memories (id), seq INTEGER NOT NULL,
  json TEXT NOT NULL, crc INTEGER NOT NULL, content_hash TEXT NOT NULL,
  PRIMARY KEY (memory, seq)
);
CREATE TABLE IF NOT EXISTS branches (
  memory INTEGER NOT NULL REFERENCES memories (id), branch INTEGER NOT NULL,
  base INTEGER NOT NULL, tip INTEGER NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL,
  PRIMARY KEY (memory, branch)
);
CREATE TABLE IF NOT EXISTS abandoned (
  memory INTEGER NOT NULL REFERENCES memories (id), branch INTEGER NOT NULL, seq INTEGER NOT NULL,
  tag TEXT NOT NULL, json TEXT NOT NULL, crc INTEGER NOT NULL,
  PRIMARY KEY (memory, branch, seq)
);
`

// ── value readers ─────────────────────────────────────────────────────────────

type Row = Record<string, SQLOutputValue>

const num = (v: SQLOutputValue | undefined): number => {
  if (typeof v === "number") return v
  if (typeof v === "bigint") return Number(v)
  throw new StoreError({ reason: "Corrupt", message: `expected a number in the database, found ${typeof v}` })
}

const str = (v: SQLOutputValue | undefined): string => {
  if (typeof v === "string") return v
  throw new StoreError({ reason: "Corrupt", message: `expected text in the database, found ${typeof v}` })
}

const eventRow = (r: Row): EventRow => ({ seq: num(r["seq"]), tag: str(r["tag"]), json: str(r["json"]), crc: num(r["crc"]) })

const reasonOf = (v: SQLOutputValue | undefined): Branch["reason"] => {
  const s = str(v)
  if (s === "rollback" || s === "corrupt") return s
  throw new StoreError({ reason: "Corrupt", message: `unknown branch reason ${s}` })
}

/** Maps a thrown SQLite (or other) error to a `StoreError`. */
const classify = (e: unknown): StoreError => {
  if (e instanceof StoreError) return e
  const message = e instanceof Error ? e.message : String(e)
  const code = typeof e === "object" && e !== null && "errcode" in e && typeof e.errcode === "number" ? e.errcode & 0xff : undefined
  if (code === 5 || code === 6) return new StoreError({ reason: "Locked", message })
  if (code === 11 || code === 26) return new StoreError({ reason: "Corrupt", message })
  return new StoreError({ reason: "Io", message })
}

const wrap = <Args extends ReadonlyArray<unknown>, A>(f: (...args: Args) => A) => (...args: Args): A => {
  try {
    return f(...args)
  } catch (e) {
    throw classify(e)
  }
}

// ── the backend ───────────────────────────────────────────────────────────────

/**
 * Opens (creating) `<home>/mags.db` and gives the store backend over it; the database closes
 * when the scope closes.
 * @complexity open O(1); see `Journal.Backend` for the operations (each indexed by (memory, seq))
 */
export const backend = (options: SqliteOptions): Effect.Effect<Backend, StoreError, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.try({
        try: () => openDatabase(options),
        catch: classify
      }),
      (db) => Effect.sync(() => {
        if (db.isOpen) db.close()
      })
    ),
    makeBackend
  )

const openDatabase = (options: SqliteOptions): DatabaseSync => {
  mkdirSync(options.home, { recursive: true })
  const db = new DatabaseSync(dbPath(options.home), { timeout: options.busyTimeoutMs ?? 5000 })
  try {
    const mode = db.prepare("PRAGMA journal_mode = WAL").get()
    if (mode === undefined || String(mode["journal_mode"]).toLowerCase() !== "wal") {
      throw new StoreError({ reason: "Io", message: `could not switch ${dbPath(options.home)} to WAL mode` })
    }
    db.exec(`PRAGMA synchronous = ${options.synchronous ?? "FULL"}`)
    db.exec("PRAGMA foreign_keys = ON")
    db.exec("BEGIN IMMEDIATE")
    try {
      db.exec(SCHEMA)
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)").run(FORMAT)
      const format = db.prepare("SELECT value FROM meta WHERE key = 'format'").get()
      if (format === undefined || format["value"] !== FORMAT) {
        throw new StoreError({ reason: "Corrupt", message: `${dbPath(options.home)} holds format ${String(format?.["value"])}, expected ${FORMAT}` })
      }
      db.exec("COMMIT")
    } catch (e) {
      if (db.isTransaction) db.exec("ROLLBACK")
      throw e
    }
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

const makeBackend = (db: DatabaseSync): Backend => {
  const cache = new Map<string, StatementSync>()
  const q = (sql: string): StatementSync => {
    let s = cache.get(sql)
    if (s === undefined) {
      s = db.prepare(sql)
      cache.set(sql, s)
    }
    return s
  }
  const tx = <A>(f: () => A): A => {
    db.exec("BEGIN IMMEDIATE")
    try {
      const a = f()
      db.exec("COMMIT")
      return a
    } catch (e) {
      if (db.isTransaction) db.exec("ROLLBACK")
      throw e
    }
  }
  const lastSeq = (m: MemoryRecord): number => num(q("SELECT coalesce(max(seq), 0) AS s FROM events WHERE memory = ?").get(m.ref)?.["s"])
  const expect = (m: MemoryRecord, expected: number): void => {
    const last = lastSeq(m)
    if (last !== expected) {
      throw new StoreError({
        reason: "Locked",
        message: `the journal of ${m.id.key} ends at ${last}, this writer expected ${expected} (another writer advanced it; reopen)`
      })
    }
  }
  const insertEvent = "INSERT INTO events (memory, seq, tag, json, crc) VALUES (?, ?, ?, ?, ?)"
  const putSnapshot = "INSERT OR REPLACE INTO snapshots (memory, seq, json, crc, content_hash) VALUES (?, ?, ?, ?, ?)"

  return {
    ensureMemory: wrap((id, init) => {
      const find = () => q("SELECT id, params, dim FROM memories WHERE user = ? AND agent = ? AND session = ?").get(id.user, id.agent, id.session)
      let row = find()
      if (row === undefined) {
        tx(() => {
          q("INSERT OR IGNORE INTO memories (user, agent, session, params, dim, created) VALUES (?, ?, ?, ?, ?, ?)")
            .run(id.user, id.agent, id.session, init.params, init.dim, init.at)
        })
        row = find()
      }
      if (row === undefined) throw new StoreError({ reason: "Io", message: `could not create memory ${id.key}` })
      return { ref: num(row["id"]), id, params: str(row["params"]), dim: num(row["dim"]) }
    }),
    listMemories: wrap(() =>
      q("SELECT user, agent, session FROM memories ORDER BY id").all().map((r) =>
        new MemoryId({ user: str(r["user"]), agent: str(r["agent"]), session: str(r["session"]) })
      )
    ),
    lastSeq: wrap(lastSeq),
    events: wrap((m, after, upto) => {
      // streamed (a journal can be large); a fresh statement, so nested reads cannot reset it.
      // Callers consume the rows before they write.
      const rows = db.prepare("SELECT seq, tag, json, crc FROM events WHERE memory = ? AND seq > ? AND seq <= ? ORDER BY seq")
        .iterate(m.ref, after, upto)
      return (function*() {
        try {
          for (const r of rows) yield eventRow(r)
        } catch (e) {
          throw classify(e)
        }
      })()
    }),
    snapshotMetas: wrap((m) =>
      q("SELECT seq, crc, content_hash FROM snapshots WHERE memory = ? ORDER BY seq").all(m.ref).map((r): SnapshotMeta => ({
        seq: num(r["seq"]),
        crc: num(r["crc"]),
        contentHash: str(r["content_hash"])
      }))
    ),
    snapshotJson: wrap((m, seq) => {
      const r = q("SELECT json FROM snapshots WHERE memory = ? AND seq = ?").get(m.ref, seq)
      return r === undefined ? undefined : str(r["json"])
    }),
    append: wrap((m, expected, rows, snapshot) =>
      tx(() => {
        expect(m, expected)
        const ins = q(insertEvent)
        for (const r of rows) ins.run(m.ref, r.seq, r.tag, r.json, r.crc)
        if (snapshot !== undefined) q(putSnapshot).run(m.ref, snapshot.seq, snapshot.json, snapshot.crc, snapshot.contentHash)
      })
    ),
    putSnapshot: wrap((m, expected, row) =>
      tx(() => {
        expect(m, expected)
        q(putSnapshot).run(m.ref, row.seq, row.json, row.crc, row.contentHash)
      })
    ),
    abandon: wrap((m, expected, base, reason, at) =>
      tx((): Branch | undefined => {
        expect(m, expected)
        q("DELETE FROM snapshots WHERE memory = ? AND seq > ?").run(m.ref, base)
        const tip = num(q("SELECT coalesce(max(seq), 0) AS s FROM events WHERE memory = ? AND seq > ?").get(m.ref, base)?.["s"])
        if (tip === 0) return undefined
        const branch = num(q("SELECT coalesce(max(branch), 0) + 1 AS b FROM branches WHERE memory = ?").get(m.ref)?.["b"])
        q("INSERT INTO branches (memory, branch, base, tip, reason, at) VALUES (?, ?, ?, ?, ?, ?)").run(m.ref, branch, base, tip, reason, at)
        q("INSERT INTO abandoned (memory, branch, seq, tag, json, crc) SELECT memory, ?, seq, tag, json, crc FROM events WHERE memory = ? AND seq > ?")
          .run(branch, m.ref, base)
        q("DELETE FROM events WHERE memory = ? AND seq > ?").run(m.ref, base)
        return { branch, base, tip, reason, at }
      })
    ),
    branches: wrap((m) =>
      q("SELECT branch, base, tip, reason, at FROM branches WHERE memory = ? ORDER BY branch").all(m.ref).map((r): Branch => ({
        branch: num(r["branch"]),
        base: num(r["base"]),
        tip: num(r["tip"]),
        reason: reasonOf(r["reason"]),
        at: num(r["at"])
      }))
    ),
    abandonedRows: wrap((m, branch) =>
      q("SELECT seq, tag, json, crc FROM abandoned WHERE memory = ? AND branch = ? ORDER BY seq").all(m.ref, branch).map(eventRow)
    )
  }
}
