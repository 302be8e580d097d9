/**
 * PgServer — a throwaway PostgreSQL server for tests, started from the machine's own
 * PostgreSQL binaries (no Docker, no network): `initdb` on a fresh temporary directory, then
 * `pg_ctl start` with the server listening ONLY on a Unix socket inside that directory
 * (`listen_addresses = ''`), trust authentication for the superuser `mags`. When the scope
 * closes the server is stopped (`pg_ctl stop -m fast`, then the postmaster is killed if it is
 * still there) and the directory removed.
 *
 * The binaries are looked for in `$MAGS_PG_BIN` (when set, only there), else `pg_config --bindir`, then
 * `/usr/lib/postgresql/<newest>/bin`, then `/usr/local/bin`; a folder counts when it holds
 * `initdb`, `pg_ctl` and `postgres`. Where none does, {@link skipReason} says so and the
 * tests that need a server skip with that message. `initdb` refuses to run as root: under
 * root the directory is given to the `postgres` user (Debian's package creates it) and the
 * server commands run as that user (`runuser`).
 *
 * Test-only: imported by `*.test.ts` files (and test fixtures), never by a production module.
 *
 * @since 0.3.0
 */
import { Effect, Exit, Scope } from "effect"
import { execFileSync } from "node:child_process"
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

/** A running throwaway server. */
export interface Server {
  /** The directory holding the data folder, the log and the socket. */
  readonly dir: string
  /** The binaries' folder it was started from. */
  readonly bin: string
  /** The superuser (trust authentication over the socket). */
  readonly user: string
  /** A connection URL for `database` (over the Unix socket: `postgres://mags@localhost/<db>?host=<dir>`). */
  readonly url: (database: string) => string
  /** Creates a database (a fresh, empty one per call with a new name) and gives its URL. */
  readonly createDatabase: (name: string) => Effect.Effect<string, Error>
  /** Runs one SQL command through `psql` on `database` (for fault tests and checks); gives its output. */
  readonly psql: (database: string, sql: string) => Effect.Effect<string, Error>
}

const REQUIRED = ["initdb", "pg_ctl", "postgres"]

const holdsServer = (dir: string): boolean => REQUIRED.every((b) => existsSync(join(dir, b)))

const pgConfigBin = (): string | undefined => {
  try {
    return execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return undefined
  }
}

const debianBins = (): ReadonlyArray<string> => {
  const root = "/usr/lib/postgresql"
  if (!existsSync(root)) return []
  return readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, "bin"))
}

/**
 * The folder of the PostgreSQL server binaries, or `undefined` when this machine has none.
 * @complexity a few file checks and at most one `pg_config` run
 */
export const binDir = (): string | undefined => {
  const chosen = process.env["MAGS_PG_BIN"]
  // set, it is the only place looked at (so `MAGS_PG_BIN=none` runs the tests as on a machine without PostgreSQL)
  if (chosen !== undefined && chosen !== "") return holdsServer(chosen) ? chosen : undefined
  const candidates = [pgConfigBin(), ...debianBins(), "/usr/local/bin", "/usr/bin"]
  return candidates.find((d): d is string => d !== undefined && d !== "" && holdsServer(d))
}

/** The user the server runs as: this one, or `postgres` under root (initdb refuses root). */
const serverUser = (): { readonly asOther: boolean; readonly uid: number; readonly gid: number } | undefined => {
  if (process.getuid === undefined || process.getuid() !== 0) return { asOther: false, uid: -1, gid: -1 }
  try {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim())
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim())
    return Number.isInteger(uid) && Number.isInteger(gid) ? { asOther: true, uid, gid } : undefined
  } catch {
    return undefined
  }
}

/**
 * Why the tests that need PostgreSQL cannot run here (no binaries, or root without a
 * `postgres` user), or `undefined` when they can.
 * @complexity as {@link binDir}
 */
export const skipReason = (): string | undefined => {
  const bin = binDir()
  if (bin === undefined) {
    return "PostgreSQL tests skipped: no PostgreSQL server binaries (initdb, pg_ctl, postgres) found (looked in " +
      (process.env["MAGS_PG_BIN"] ? `$MAGS_PG_BIN=${process.env["MAGS_PG_BIN"]}` : "`pg_config --bindir`, /usr/lib/postgresql/*/bin, /usr/local/bin, /usr/bin") + ") (Debian: apt-get install postgresql)"
  }
  if (serverUser() === undefined) {
    return "PostgreSQL tests skipped: running as root and there is no `postgres` user to run initdb as (initdb refuses root)"
  }
  return undefined
}

const run = (bin: string, asOther: boolean, program: string, args: ReadonlyArray<string>): string => {
  const file = join(bin, program)
  const [cmd, argv] = asOther ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, [...args]]
  return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 })
}

const describe = (e: unknown): string => {
  if (e instanceof Error) {
    const stderr = (e as { stderr?: unknown }).stderr
    return typeof stderr === "string" && stderr !== "" ? `${e.message}\n${stderr}` : e.message
  }
  return String(e)
}

const stop = (bin: string, asOther: boolean, dir: string): void => {
  const data = join(dir, "data")
  try {
    if (existsSync(join(data, "postmaster.pid"))) run(bin, asOther, "pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"])
  } catch {
    // the postmaster did not stop in time: kill it (its pid is the first line of postmaster.pid)
    try {
      const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0])
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGKILL")
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Starts a throwaway server (see the module header); stopped and removed when the scope
 * closes. Fails when the binaries are missing (check {@link skipReason} first).
 * @complexity about 2 s to start (initdb), well under 1 s to stop
 */
export const start = (options: { readonly fsync?: boolean } = {}): Effect.Effect<Server, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: (): Server => {
        const bin = binDir()
        const who = serverUser()
        if (bin === undefined || who === undefined) throw new Error(skipReason())
        const dir = mkdtempSync(join(tmpdir(), "mags-pg-"))
        try {
          if (who.asOther) chownSync(dir, who.uid, who.gid)
          const data = join(dir, "data")
          run(bin, who.asOther, "initdb", ["-D", data, "-U", "mags", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
          const settings = [
            `-k ${dir}`,
            "-c listen_addresses=''",
            "-p 5432",
            `-c fsync=${options.fsync === false ? "off" : "on"}`,
            "-c max_connections=100"
          ].join(" ")
          run(bin, who.asOther, "pg_ctl", ["-D", data, "-o", settings, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"])
        } catch (e) {
          stop(bin, who.asOther, dir)
          throw new Error(`could not start PostgreSQL from ${bin}: ${describe(e)}`)
        }
        const url = (database: string) => `postgres://mags@localhost/${encodeURIComponent(database)}?host=${encodeURIComponent(dir)}`
        const psql = (database: string, sql: string) =>
          Effect.try({
            try: () => run(bin, who.asOther, "psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", dir, "-U", "mags", "-d", database, "-c", sql]),
            catch: (e) => new Error(`psql: ${describe(e)}`)
          })
        return {
          dir,
          bin,
          user: "mags",
          url,
          psql,
          createDatabase: (name) => Effect.as(psql("postgres", `CREATE DATABASE "${name.replace(/"/g, "\"\"")}"`), url(name))
        }
      },
      catch: (e) => (e instanceof Error ? e : new Error(String(e)))
    }),
    (server) => Effect.sync(() => stop(server.bin, serverUser()?.asOther === true, server.dir))
  )

/** One server shared by the tests of a file: started on first use, stopped by `close`. */
export interface Shared {
  /** The server (started on the first run; later runs give the same one). */
  readonly server: Effect.Effect<Server, Error>
  /** A fresh, empty database on the shared server (a new name each time); its URL. */
  readonly database: (prefix: string) => Effect.Effect<string, Error>
  /** Runs one SQL command through `psql` on the database of `url` (one {@link database} gave). */
  readonly psql: (url: string, sql: string) => Effect.Effect<string, Error>
  /** Stops the server (if it was started) and removes its directory: call it from `afterAll`. */
  readonly close: () => Promise<void>
}

/**
 * The database name of a connection URL (`postgres://…/<name>?…`).
 * @complexity O(|url|)
 */
export const databaseOf = (url: string): string => decodeURIComponent(new URL(url).pathname.slice(1))

/**
 * A lazily started server for one test file (`afterAll(shared.close)`).
 * @complexity as {@link start}, once per file
 */
export const shared = (options: { readonly fsync?: boolean } = {}): Shared => {
  const scope = Scope.makeUnsafe()
  let started: Promise<Server> | undefined
  let count = 0
  const server = Effect.tryPromise({
    try: () => (started ??= Effect.runPromise(Scope.provide(scope)(start(options)))),
    catch: (e) => (e instanceof Error ? e : new Error(String(e)))
  })
  return {
    server,
    database: (prefix) => Effect.flatMap(server, (s) => s.createDatabase(`${prefix}_${process.pid}_${++count}`)),
    psql: (url, sql) => Effect.flatMap(server, (s) => s.psql(databaseOf(url), sql)),
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
  }
}
