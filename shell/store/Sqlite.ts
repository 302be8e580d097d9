/**
 * Sqlite — the SQLite backend of the memory store, on Node's built-in `node:sqlite`
 * (`DatabaseSync`, synchronous; no native add-on to install).
 *
 * One database file per memory home, `<home>/mags.db`, holds several memories side by side:
 *
 * ```sql
 * meta(key PRIMARY KEY, value)                         -- format = mags-store/2
 * memories(id INTEGER PRIMARY KEY, user, agent, session, params, dim, created, UNIQUE(user, agent, session))
 * events(memory, seq, tag, json, crc, PRIMARY KEY(memory, seq))          -- json: record bytes (BLOB)
 * snapshots(memory, seq, json, crc, content_hash, journal_bytes, PRIMARY KEY(memory, seq))
 * branches(memory, branch, base, tip, reason, at, PRIMARY KEY(memory, branch))
 * abandoned(memory, branch, seq, tag, json, crc, PRIMARY KEY(memory, branch, seq))
 * ```
 *
 * Records are bytes (`Record.ts`); the `json` columns keep their name from format
 * `mags-store/1`, whose rows are JSON TEXT: both are read (a text value is taken as its UTF-8
 * bytes, which is what its checksum covers), so an older database opens as it is. Opening one
 * for writing upgrades it in place: the format becomes `mags-store/2`, its events become
 * records, all but its latest snapshot (base64 JSON, large) are deleted and the file is
 * vacuumed once with `auto_vacuum = INCREMENTAL` and 16 KiB pages; new databases start that
 * way. Afterwards each write that
 * deletes snapshots (only the latest `keep` are kept) gives the freed pages back to the file
 * system (`PRAGMA incremental_vacuum`), and the WAL is truncated after checkpoints
 * (`journal_size_limit`), so the files stay near the size of what they hold.
 *
 * Durability: WAL journal mode; `synchronous=FULL` by default, so a commit has been fsynced
 * to the WAL when it returns (survives power loss); `NORMAL` is allowed (in WAL mode it is
 * still atomic and survives a process crash, but the last commits may be lost on power loss).
 * Each write (an event batch with its snapshot, a snapshot, a rollback) is ONE `BEGIN
 * IMMEDIATE` transaction that first checks the journal still ends where the writer expects
 * (else `StaleWriter`). A busy database is waited for (`busyTimeoutMs`). SQLite errors map to
 * `StoreError`: busy/locked → "Locked", corrupt/not-a-database → "Corrupt", read-only →
 * "ReadOnly", anything else → "Io".
 *
 * Read only (`readOnly: true`): the file is opened `SQLITE_OPEN_READONLY`; when that fails
 * because a WAL database's `-shm` cannot be created (a read-only home), it is opened
 * `immutable=1` (no locks, no WAL: what was checkpointed into the file is read — a clean
 * close checkpoints everything); a missing file reads as an empty store.
 *
 * `node:sqlite` is marked experimental in some Node versions and may print one
 * `ExperimentalWarning` on first use (Node 24.21 does not); it is harmless, and a process can
 * silence it with `--disable-warning=ExperimentalWarning`.
 *
 * @since 0.1.0
 */
import { Effect, type Scope } from "effect"
import { existsSync, mkdirSync } from "node:fs"
import { join } from "node:path"
import { DatabaseSync, type SQLOutputValue, type StatementSync } from "node:sqlite"
import { pathToFileURL } from "node:url"
import { type Backend, checksum, type EventRow, fromSync, type MemoryRecord, type SnapshotMeta, StaleWriter, type SyncBackend } from "./Backend.ts"
import * as MemoryBackend from "./MemoryBackend.ts"
import { type Branch, MemoryId, type SqliteOptions, StoreError } from "./Model.ts"
import * as Record from "./Record.ts"

/** The database file's name inside a memory home. */
export const DB_FILE = "mags.db"

/** The storage format written to `meta`. */
export const FORMAT = "mags-store/2"

/** The page size of new databases (bytes). */
export const PAGE_SIZE = 16384

/** The older format, still read (and upgraded when opened for writing). */
export const FORMAT_V1 = "mags-store/1"

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
  tag TEXT NOT NULL, json BLOB NOT NULL, crc INTEGER NOT NULL,
  PRIMARY KEY (memory, seq)
);
CREATE TABLE IF NOT EXISTS snapshots (
  memory INTEGER NOT NULL REFERENCES memories (id), seq INTEGER NOT NULL,
  json BLOB NOT NULL, crc INTEGER NOT NULL, content_hash TEXT NOT NULL, journal_bytes INTEGER NOT NULL DEFAULT -1,
  PRIMARY KEY (memory, seq)
);
CREATE TABLE IF NOT EXISTS branches (
  memory INTEGER NOT NULL REFERENCES memories (id), branch INTEGER NOT NULL,
  base INTEGER NOT NULL, tip INTEGER NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL,
  PRIMARY KEY (memory, branch)
);
CREATE TABLE IF NOT EXISTS abandoned (
  memory INTEGER NOT NULL REFERENCES memories (id), branch INTEGER NOT NULL, seq INTEGER NOT NULL,
  tag TEXT NOT NULL, json BLOB NOT NULL, crc INTEGER NOT NULL,
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

/** Record bytes: a BLOB as is, a TEXT (format 1) as its UTF-8 bytes. */
const bytes = (v: SQLOutputValue | undefined): Uint8Array => {
  if (v instanceof Uint8Array) return v
  if (typeof v === "string") return Buffer.from(v, "utf8")
  throw new StoreError({ reason: "Corrupt", message: `expected a record in the database, found ${v === null ? "null" : typeof v}` })
}

const eventRow = (r: Row): EventRow => ({ seq: num(r["seq"]), tag: str(r["tag"]), data: bytes(r["json"]), crc: num(r["crc"]) })

const reasonOf = (v: SQLOutputValue | undefined): Branch["reason"] => {
  const s = str(v)
  if (s === "rollback" || s === "corrupt") return s
  throw new StoreError({ reason: "Corrupt", message: `unknown branch reason ${s}` })
}

/**
 * Maps a thrown SQLite (or other) error to a `StoreError` (a `StaleWriter` passes through).
 * @complexity O(1)
 */
export const classify = (e: unknown): StoreError | StaleWriter => {
  if (e instanceof StoreError || e instanceof StaleWriter) return e
  const message = e instanceof Error ? e.message : String(e)
  const code = typeof e === "object" && e !== null && "errcode" in e && typeof e.errcode === "number" ? e.errcode & 0xff : undefined
  if (code === 5 || code === 6) return new StoreError({ reason: "Locked", message })
  if (code === 11 || code === 26) return new StoreError({ reason: "Corrupt", message })
  if (code === 8) return new StoreError({ reason: "ReadOnly", message })
  return new StoreError({ reason: "Io", message })
}

const wrap = <Args extends ReadonlyArray<unknown>, A>(f: (...args: Args) => A) => (...args: Args): A => {
  try {
    return f(...args)
  } catch (e) {
    throw classify(e)
  }
}

// ── opening ───────────────────────────────────────────────────────────────────

const inTransaction = <A>(db: DatabaseSync, f: () => A): A => {
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

const formatOf = (db: DatabaseSync): string | undefined => {
  const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get()
  if (table === undefined) return undefined
  const row = db.prepare("SELECT value FROM meta WHERE key = 'format'").get()
  return row === undefined ? undefined : String(row["value"])
}

/** Whether the snapshots table has the `journal_bytes` column (format 1 has not). */
const hasJournalBytes = (db: DatabaseSync): boolean =>
  db.prepare("SELECT name FROM pragma_table_info('snapshots')").all().some((r) => r["name"] === "journal_bytes")

/**
 * Upgrades a `mags-store/1` database: its JSON text events become records (same JSON value,
 * embeddings binary; a row failing its checksum is left as it is, for verify and repair to
 * find), all but the latest snapshot per memory are dropped, and the file is vacuumed once
 * with incremental auto-vacuum and 16 KiB pages.
 */
const upgrade = (db: DatabaseSync): void => {
  inTransaction(db, () => {
    const update = db.prepare("UPDATE events SET json = ?, crc = ? WHERE rowid = ?")
    for (const r of db.prepare("SELECT rowid AS id, json, crc FROM events WHERE typeof(json) = 'text'").iterate()) {
      const text = String(r["json"])
      if (checksum(text) !== num(r["crc"])) continue
      let data: Uint8Array
      try {
        data = Record.encodeEvent(JSON.parse(text))
      } catch {
        continue
      }
      update.run(data, checksum(data), r["id"] as number)
    }
    db.exec(`DELETE FROM snapshots WHERE seq < (SELECT max(s.seq) FROM snapshots s WHERE s.memory = snapshots.memory)`)
    if (!hasJournalBytes(db)) db.exec("ALTER TABLE snapshots ADD COLUMN journal_bytes INTEGER NOT NULL DEFAULT -1")
    db.prepare("UPDATE meta SET value = ? WHERE key = 'format'").run(FORMAT)
  })
  db.exec("PRAGMA auto_vacuum = INCREMENTAL")
  // VACUUM cannot change the page size of a WAL database: leave WAL for the rebuild
  db.exec("PRAGMA journal_mode = DELETE")
  db.exec(`PRAGMA page_size = ${PAGE_SIZE}`)
  db.exec("VACUUM")
  db.exec("PRAGMA journal_mode = WAL")
}

const openWritable = (options: SqliteOptions, path: string): DatabaseSync => {
  mkdirSync(options.home, { recursive: true })
  const db = new DatabaseSync(path, { timeout: options.busyTimeoutMs ?? 5000 })
  try {
    // both only take effect on a new (empty) database, before its first table. 16 KiB pages: an
    // event record (~0.1–2 KiB) fills 4 KiB pages poorly (two 1.4 KiB records leave a third free)
    db.exec(`PRAGMA page_size = ${PAGE_SIZE}`)
    db.exec("PRAGMA auto_vacuum = INCREMENTAL")
    const mode = db.prepare("PRAGMA journal_mode = WAL").get()
    if (mode === undefined || String(mode["journal_mode"]).toLowerCase() !== "wal") {
      throw new StoreError({ reason: "Io", message: `could not switch ${path} to WAL mode` })
    }
    db.exec(`PRAGMA synchronous = ${options.synchronous ?? "FULL"}`)
    db.exec("PRAGMA foreign_keys = ON")
    db.exec(`PRAGMA journal_size_limit = ${32 * 1024 * 1024}`)
    const format = inTransaction(db, () => {
      db.exec(SCHEMA)
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('format', ?)").run(FORMAT)
      return formatOf(db)
    })
    if (format === FORMAT_V1) upgrade(db)
    else if (format === FORMAT && !hasJournalBytes(db)) {
      // written by an early build of format 2, before snapshots recorded the journal bytes
      db.exec("ALTER TABLE snapshots ADD COLUMN journal_bytes INTEGER NOT NULL DEFAULT -1")
    } else if (format !== FORMAT) {
      throw new StoreError({ reason: "Corrupt", message: `${path} holds format ${String(format)}, expected ${FORMAT}` })
    }
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

const checkReadable = (db: DatabaseSync, path: string): void => {
  const format = formatOf(db)
  if (format !== FORMAT && format !== FORMAT_V1) {
    throw new StoreError({ reason: "Corrupt", message: `${path} holds format ${String(format)}, expected ${FORMAT}` })
  }
}

const openReadOnly = (options: SqliteOptions, path: string): DatabaseSync => {
  const db = new DatabaseSync(path, { readOnly: true, timeout: options.busyTimeoutMs ?? 5000 })
  try {
    checkReadable(db, path)
    return db
  } catch (e) {
    db.close()
    const code = typeof e === "object" && e !== null && "errcode" in e && typeof e.errcode === "number" ? e.errcode & 0xff : undefined
    // SQLITE_CANTOPEN / SQLITE_READONLY / SQLITE_IOERR: a WAL database whose -shm cannot be made here
    if (code !== 14 && code !== 8 && code !== 10) throw e
  }
  const url = pathToFileURL(path)
  url.searchParams.set("immutable", "1")
  const immutable = new DatabaseSync(url, { readOnly: true })
  try {
    checkReadable(immutable, path)
    return immutable
  } catch (e) {
    immutable.close()
    throw e
  }
}

/**
 * Opens (creating) `<home>/mags.db` and gives the store backend over it; the database closes
 * when the scope closes. Read only: see the module header.
 * @complexity open O(1) (an upgrade from format 1: one vacuum); see `Backend` for the operations (each indexed by (memory, seq))
 */
export const backend = (options: SqliteOptions): Effect.Effect<Backend, StoreError, Scope.Scope> => {
  const path = dbPath(options.home)
  if (options.readOnly === true && !existsSync(path)) return Effect.sync(() => MemoryBackend.make({ readOnly: true }))
  return Effect.map(
    Effect.acquireRelease(
      Effect.try({
        try: () => (options.readOnly === true ? openReadOnly(options, path) : openWritable(options, path)),
        catch: (e) => classify(e) as StoreError
      }),
      (db) => Effect.sync(() => {
        if (db.isOpen) db.close()
      })
    ),
    (db) => makeBackend(db, options.readOnly === true)
  )
}

/**
 * Opens (creating) `<home>/mags.db` for writing and gives its synchronous backend and a
 * `close` (for tools that run outside an Effect scope, such as repair).
 * @complexity as {@link backend}
 */
export const openSync = (options: SqliteOptions): { readonly backend: SyncBackend; readonly close: () => void } => {
  const db = openWritable(options, dbPath(options.home))
  return { backend: makeSyncBackend(db), close: () => db.isOpen && db.close() }
}

// ── the backend ───────────────────────────────────────────────────────────────

/**
 * The backend over an open database (`readOnly`: every write fails "ReadOnly").
 * @complexity O(1)
 */
export const makeBackend = (db: DatabaseSync, readOnly = false): Backend => fromSync(makeSyncBackend(db, readOnly), classify)

/**
 * The synchronous form of {@link makeBackend}.
 * @complexity O(1)
 */
export const makeSyncBackend = (db: DatabaseSync, readOnly = false): SyncBackend => {
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
    if (readOnly) throw new StoreError({ reason: "ReadOnly", message: "the store is open read only" })
    return inTransaction(db, f)
  }
  const lastSeq = (m: MemoryRecord): number => num(q("SELECT coalesce(max(seq), 0) AS s FROM events WHERE memory = ?").get(m.ref)?.["s"])
  const expect = (m: MemoryRecord, expected: number): void => {
    const last = lastSeq(m)
    if (last !== expected) throw new StaleWriter({ last, expected })
  }
  const insertEvent = "INSERT INTO events (memory, seq, tag, json, crc) VALUES (?, ?, ?, ?, ?)"
  const putSnapshot = "INSERT OR REPLACE INTO snapshots (memory, seq, json, crc, content_hash, journal_bytes) VALUES (?, ?, ?, ?, ?, ?)"
  // a format-1 database opened read only has no journal_bytes column (looked up on first use:
  // a damaged file must still give a backend whose reads fail one by one)
  let journalBytesColumn: string | undefined
  const journalBytes = (): string => (journalBytesColumn ??= hasJournalBytes(db) ? "journal_bytes" : "-1")
  const keepLatest = (m: MemoryRecord, keep: number): void => {
    const dropped = q(
      "DELETE FROM snapshots WHERE memory = ? AND seq NOT IN (SELECT seq FROM snapshots WHERE memory = ? ORDER BY seq DESC LIMIT ?)"
    ).run(m.ref, m.ref, Math.max(1, keep))
    if (Number(dropped.changes) > 0) db.exec("PRAGMA incremental_vacuum")
  }
  const memoryRow = (id: MemoryId) =>
    q("SELECT id, params, dim FROM memories WHERE user = ? AND agent = ? AND session = ?").get(id.user, id.agent, id.session)
  const recordOf = (id: MemoryId, row: Row): MemoryRecord => ({ ref: num(row["id"]), id, params: str(row["params"]), dim: num(row["dim"]) })

  return {
    readOnly,
    findMemory: wrap((id) => {
      const row = memoryRow(id)
      return row === undefined ? undefined : recordOf(id, row)
    }),
    ensureMemory: wrap((id, init) => {
      let row = memoryRow(id)
      if (row === undefined) {
        tx(() => {
          q("INSERT OR IGNORE INTO memories (user, agent, session, params, dim, created) VALUES (?, ?, ?, ?, ?, ?)")
            .run(id.user, id.agent, id.session, init.params, init.dim, init.at)
        })
        row = memoryRow(id)
      }
      if (row === undefined) throw new StoreError({ reason: "Io", message: `could not create memory ${id.key}` })
      return recordOf(id, row)
    }),
    listMemories: wrap(() =>
      q("SELECT user, agent, session FROM memories ORDER BY id").all().map((r) =>
        new MemoryId({ user: str(r["user"]), agent: str(r["agent"]), session: str(r["session"]) })
      )
    ),
    lastSeq: wrap(lastSeq),
    events: wrap((m, after, upto, limit) =>
      q("SELECT seq, tag, json, crc FROM events WHERE memory = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?")
        .all(m.ref, after, upto, Math.max(0, limit)).map(eventRow)
    ),
    snapshotMetas: wrap((m) =>
      q(`SELECT seq, crc, content_hash, length(json) AS size, ${journalBytes()} AS journal_bytes FROM snapshots WHERE memory = ? ORDER BY seq`)
        .all(m.ref).map((r): SnapshotMeta => ({
          seq: num(r["seq"]),
          crc: num(r["crc"]),
          contentHash: str(r["content_hash"]),
          size: num(r["size"]),
          journalBytes: num(r["journal_bytes"])
        }))
    ),
    eventBytes: wrap((m, after, upto) =>
      num(q("SELECT coalesce(sum(length(json)), 0) AS n FROM events WHERE memory = ? AND seq > ? AND seq <= ?").get(m.ref, after, upto)?.["n"])
    ),
    snapshotData: wrap((m, seq) => {
      const r = q("SELECT json FROM snapshots WHERE memory = ? AND seq = ?").get(m.ref, seq)
      return r === undefined ? undefined : bytes(r["json"])
    }),
    append: wrap((m, expected, rows, snapshot, keep) =>
      tx(() => {
        expect(m, expected)
        const ins = q(insertEvent)
        for (const r of rows) ins.run(m.ref, r.seq, r.tag, r.data, r.crc)
        if (snapshot !== undefined) {
          q(putSnapshot).run(m.ref, snapshot.seq, snapshot.data, snapshot.crc, snapshot.contentHash, snapshot.journalBytes)
          keepLatest(m, keep)
        }
      })
    ),
    putSnapshot: wrap((m, expected, row, keep) =>
      tx(() => {
        expect(m, expected)
        q(putSnapshot).run(m.ref, row.seq, row.data, row.crc, row.contentHash, row.journalBytes)
        keepLatest(m, keep)
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
    ),
    putBranch: wrap((m, b, rows) =>
      tx((): Branch => {
        const branch = num(q("SELECT coalesce(max(branch), 0) + 1 AS b FROM branches WHERE memory = ?").get(m.ref)?.["b"])
        q("INSERT INTO branches (memory, branch, base, tip, reason, at) VALUES (?, ?, ?, ?, ?, ?)").run(m.ref, branch, b.base, b.tip, b.reason, b.at)
        const ins = q("INSERT INTO abandoned (memory, branch, seq, tag, json, crc) VALUES (?, ?, ?, ?, ?, ?)")
        for (const r of rows) ins.run(m.ref, branch, r.seq, r.tag, r.data, r.crc)
        return { ...b, branch }
      })
    )
  }
}
