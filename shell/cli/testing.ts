/**
 * testing — runs the `mags` CLI as a child process (the real entry point, `shell/cli/main.ts`,
 * under the Node that runs the tests) against a temporary memory home, and reads that home's
 * database directly to check what was (not) written.
 *
 * @since 0.1.0
 */
import { spawn, spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { DatabaseSync } from "node:sqlite"
import { fileURLToPath } from "node:url"
import * as Record from "../store/Record.ts"

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url))
/** The CLI entry point. */
export const MAIN = NodePath.join(ROOT, "shell", "cli", "main.ts")

/** What a run printed and its exit code. */
export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A fresh temporary folder. */
export const tempDir = (prefix = "mags-cli-"): string => NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), prefix))

/**
 * Runs `mags args…` with `env` added to a clean environment (no inherited `MAGS_*`), stdin
 * `input`.
 */
export const mags = (args: ReadonlyArray<string>, env: Record<string, string>, input?: string, timeoutMs = 60_000): Run => {
  const base: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) base[k] = v
  const r = spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, ...args], {
    cwd: ROOT,
    env: { ...base, ...env },
    input: input ?? "",
    encoding: "utf8",
    timeout: timeoutMs
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/**
 * Like {@link mags}, but asynchronous: the test process keeps serving (e.g. a loopback HTTP
 * server the child talks to) while the child runs.
 */
export const magsAsync = (args: ReadonlyArray<string>, env: Record<string, string>, timeoutMs = 60_000): Promise<Run> =>
  new Promise((resolve, reject) => {
    const base: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("MAGS_")) base[k] = v
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, ...args], {
      cwd: ROOT,
      env: { ...base, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d))
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code: code ?? -1, stdout, stderr })
    })
  })

/** What the database of a home holds: rows per table and a digest of the journal. */
export interface DbState {
  readonly memories: number
  readonly events: number
  readonly snapshots: number
  /** Every event row (memory, seq, json), in order, joined: equal digests mean an untouched journal. */
  readonly journal: string
}

/** Reads `<home>/mags.db` (undefined when there is none). */
export const dbState = (home: string): DbState | undefined => {
  const file = NodePath.join(home, "mags.db")
  if (!NodeFs.existsSync(file)) return undefined
  const db = new DatabaseSync(file, { readOnly: true })
  try {
    const count = (table: string) => Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n)
    const rows = db.prepare("SELECT memory, seq, json FROM events ORDER BY memory, seq").all() as Array<
      { memory: number; seq: number; json: string | Uint8Array }
    >
    return {
      memories: count("memories"),
      events: count("events"),
      snapshots: count("snapshots"),
      // records are bytes (store/Record.ts): their JSON form, exactly what was stored (a damaged
      // record shows as its raw bytes)
      journal: rows.map((r) => `${r.memory}:${r.seq}:${journalText(r.json)}`).join("\n")
    }
  } finally {
    db.close()
  }
}

/** A stored event record as JSON text (a format-1 row is JSON already; an unreadable one, base64). */
const journalText = (data: string | Uint8Array): string => {
  if (typeof data === "string") return data
  try {
    return JSON.stringify(Record.decode(data))
  } catch {
    return Buffer.from(data).toString("base64")
  }
}

/** Runs SQL on `<home>/mags.db` (to corrupt a journal in tests). */
export const sql = (home: string, statement: string): void => {
  const db = new DatabaseSync(NodePath.join(home, "mags.db"))
  try {
    db.exec(statement)
  } finally {
    db.close()
  }
}
