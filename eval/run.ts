/**
 * `npm run eval` — runs the evaluation suites and writes a report.
 *
 * ```sh
 * npm run eval                                  # every suite → eval-report/<timestamp>/
 * npm run eval -- locomo --data FILE --json     # one suite, one JSON object per line
 * npm run eval -- games mcq --quick --seed 7 --out /tmp/r
 * ```
 *
 * Suites come from the registry (eval/suites.ts). Each runs in turn; one that is missing,
 * throws, or returns a malformed result fails alone (its error on stderr and in the report) and the
 * others still run. A suite whose data is absent (no `../shared` beside the repository, or no
 * file) returns `skipped` with its reason. With `--json`, stdout holds only
 * `{"suite","system","metric","value"}` lines; progress and errors go to stderr. Without it the
 * runner writes report.md, report.json and charts/*.svg to the report folder and prints the
 * folder's path. Exit code: 0 when every selected suite ran or was skipped, 1 when one failed,
 * 2 on a bad command line.
 */
import { execFileSync } from "node:child_process"
import { existsSync, statSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs, USAGE } from "./args.ts"
import { checkGoals } from "./goals.ts"
import { makeProgress } from "./progress.ts"
import type { RunMeta, SuiteOutcome } from "./report.ts"
import { writeReport } from "./report.ts"
import type { Row, SuiteOptions } from "./Suite.ts"
import { loadSuite, suiteNames } from "./suites.ts"

/** The repository root (two levels above this file). */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url)).replace(/[\\/]$/, "")

/** `../shared` beside the repository root, or undefined when it is not a folder. */
export const resolveSharedDir = (root: string = REPO_ROOT): string | undefined => {
  const dir = path.join(root, "..", "shared")
  try {
    return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined
  } catch {
    return undefined
  }
}

/** One row as one JSON line: exactly the keys suite, system, metric, value, in that order. */
export const jsonLine = (r: Row): string => JSON.stringify({ suite: r.suite, system: r.system, metric: r.metric, value: r.value })

/** Where the runner writes. */
export interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

export const processIo: Io = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t)
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** Checks a suite's result against the contract; returns the outcome (malformed parts become warnings). */
const toOutcome = (name: string, description: string, result: unknown, seconds: number): SuiteOutcome => {
  const r = result as { rows?: unknown; charts?: unknown; notes?: unknown; skipped?: unknown } | null | undefined
  if (typeof r !== "object" || r === null) {
    return { name, description, status: "failed", reason: "run() did not return a SuiteResult object", rows: [], charts: [], notes: [], seconds, warnings: [] }
  }
  const warnings: Array<string> = []
  const rawRows = Array.isArray(r.rows) ? (r.rows as Array<unknown>) : []
  if (!Array.isArray(r.rows)) warnings.push("result.rows is not an array")
  const rows: Array<Row> = []
  for (const x of rawRows) {
    const row = x as Partial<Row> | null
    const ok =
      row !== null &&
      typeof row === "object" &&
      typeof row.suite === "string" &&
      typeof row.system === "string" &&
      row.system.length > 0 &&
      typeof row.metric === "string" &&
      row.metric.length > 0 &&
      typeof row.value === "number" &&
      Number.isFinite(row.value)
    if (!ok) {
      warnings.push(`dropped a malformed row (no figure is reported for it): ${JSON.stringify(x)}`)
      continue
    }
    if (row.suite !== name) warnings.push(`row ${row.system}/${row.metric} names suite ${JSON.stringify(row.suite)}, not ${JSON.stringify(name)}`)
    rows.push({ suite: row.suite!, system: row.system!, metric: row.metric!, value: row.value! })
  }
  const seen = new Set<string>()
  for (const row of rows) {
    const k = `${row.suite}/${row.system}/${row.metric}`
    if (seen.has(k)) warnings.push(`duplicate row ${k} (the first is used)`)
    seen.add(k)
  }
  const charts = (Array.isArray(r.charts) ? (r.charts as Array<unknown>) : []).filter((c): c is SuiteOutcome["charts"][number] => {
    const ch = c as { name?: unknown; title?: unknown; spec?: unknown } | null
    const ok = ch !== null && typeof ch === "object" && typeof ch.name === "string" && typeof ch.title === "string" && typeof ch.spec === "object" && ch.spec !== null
    if (!ok) warnings.push(`dropped a malformed chart: ${JSON.stringify(c)?.slice(0, 200)}`)
    return ok
  })
  const notes = (Array.isArray(r.notes) ? (r.notes as Array<unknown>) : []).filter((n): n is string => typeof n === "string")
  if (typeof r.skipped === "string" && r.skipped.length > 0) {
    if (rows.length > 0) warnings.push(`the suite was skipped but returned ${rows.length} rows; they are ignored`)
    return { name, description, status: "skipped", reason: r.skipped, rows: [], charts, notes, seconds, warnings }
  }
  return { name, description, status: "ok", reason: undefined, rows, charts, notes, seconds, warnings }
}

/** Options of {@link runSuites}. */
export interface RunOptions {
  readonly data: string | undefined
  readonly quick: boolean
  readonly seed: number
  readonly sharedDir: string | undefined
  /** Called with each suite's outcome as soon as it finishes. */
  readonly onOutcome?: (o: SuiteOutcome) => void
}

/** Runs the named suites in order, each isolated from the others' failures. */
export const runSuites = async (names: ReadonlyArray<string>, options: RunOptions, io: Io = processIo): Promise<Array<SuiteOutcome>> => {
  const outcomes: Array<SuiteOutcome> = []
  const log = (line: string): void => io.stderr(line + "\n")
  for (const name of names) {
    const t0 = performance.now()
    const seconds = (): number => (performance.now() - t0) / 1000
    let outcome: SuiteOutcome
    try {
      const suite = await loadSuite(name)
      log(`[eval] ${name}: start${options.quick ? " (quick)" : ""}, seed ${options.seed}`)
      const suiteOptions: SuiteOptions = {
        data: options.data,
        sharedDir: options.sharedDir,
        quick: options.quick,
        seed: options.seed,
        progress: makeProgress(name, log)
      }
      const result = await suite.run(suiteOptions)
      outcome = toOutcome(name, suite.description, result, seconds())
    } catch (e) {
      if (e instanceof Error && e.stack !== undefined && !e.message.startsWith("suite module ") && !e.message.startsWith("unknown suite")) log(e.stack)
      outcome = { name, description: "", status: "failed", reason: message(e), rows: [], charts: [], notes: [], seconds: seconds(), warnings: [] }
    }
    for (const w of outcome.warnings) log(`[eval] ${name}: warning: ${w}`)
    if (outcome.status === "ok") log(`[eval] ${name}: done in ${outcome.seconds.toFixed(1)} s, ${outcome.rows.length} rows`)
    else log(`[eval] ${name}: ${outcome.status.toUpperCase()}: ${outcome.reason ?? ""}`)
    outcomes.push(outcome)
    options.onOutcome?.(outcome)
  }
  return outcomes
}

const git = (root: string, args: ReadonlyArray<string>): string | undefined => {
  try {
    return execFileSync("git", [...args], { cwd: root, stdio: ["ignore", "pipe", "ignore"], encoding: "utf8" }).trim()
  } catch {
    return undefined
  }
}

/** Environment of {@link main} (tests point it at a temp folder and a fake shared dir). */
export interface MainEnv {
  readonly root: string
  readonly sharedDir: string | undefined
  readonly now: () => Date
  /** Where relative `--data` / `--out` paths start: the directory `npm run` was called from. */
  readonly cwd: string
}

export const defaultEnv = (): MainEnv => ({
  root: REPO_ROOT,
  sharedDir: resolveSharedDir(REPO_ROOT),
  now: () => new Date(),
  cwd: process.env["INIT_CWD"] ?? process.cwd()
})

/** The default report folder: `<root>/eval-report/<UTC timestamp>`. */
export const defaultOutDir = (root: string, at: Date): string => path.join(root, "eval-report", at.toISOString().slice(0, 19).replace(/:/g, "-") + "Z")

/** The whole command; returns the exit code. */
export const main = async (argv: ReadonlyArray<string>, io: Io = processIo, env: MainEnv = defaultEnv()): Promise<number> => {
  let args
  try {
    args = parseArgs(argv)
  } catch (e) {
    io.stderr(`eval: ${message(e)}\n\n${USAGE}`)
    return 2
  }
  if (args.help) {
    io.stdout(USAGE + `\nsuites: ${suiteNames().join(", ")}\n`)
    return 0
  }
  const known = suiteNames()
  const unknown = args.suites.filter((s) => !known.includes(s))
  if (unknown.length > 0) {
    io.stderr(`eval: unknown suite ${unknown.map((s) => JSON.stringify(s)).join(", ")} (known: ${known.join(", ")})\n`)
    return 2
  }
  const names = args.suites.length > 0 ? args.suites : known
  const data = args.data === undefined ? undefined : path.resolve(env.cwd, args.data)
  if (data !== undefined && !existsSync(data)) {
    io.stderr(`eval: --data ${data}: no such file\n`)
    return 2
  }
  if (env.sharedDir === undefined) {
    io.stderr(`[eval] ${path.join(env.root, "..", "shared")} not found: suites that need its data will be skipped\n`)
  }
  const started = env.now()
  const t0 = performance.now()
  const outcomes = await runSuites(
    names,
    {
      data,
      quick: args.quick,
      seed: args.seed,
      sharedDir: env.sharedDir,
      onOutcome: (o) => {
        if (args.json) for (const r of o.rows) io.stdout(jsonLine(r) + "\n")
      }
    },
    io
  )
  const failed = outcomes.filter((o) => o.status === "failed")
  if (!args.json) {
    const notRun = new Map<string, string>()
    for (const n of known) if (!names.includes(n)) notRun.set(n, "not selected")
    for (const o of outcomes) if (o.status !== "ok") notRun.set(o.name, `${o.status}: ${o.reason ?? ""}`)
    const goals = checkGoals(
      outcomes.flatMap((o) => o.rows),
      notRun
    )
    const commit = git(env.root, ["rev-parse", "HEAD"])
    const status = commit === undefined ? undefined : git(env.root, ["status", "--porcelain", "--untracked-files=no"])
    const meta: RunMeta = {
      generatedAt: started.toISOString(),
      commit,
      dirty: status === undefined ? undefined : status.length > 0,
      seed: args.seed,
      quick: args.quick,
      data,
      argv: [...argv],
      node: process.version,
      sharedDir: env.sharedDir,
      totalSeconds: (performance.now() - t0) / 1000
    }
    const dir = args.out !== undefined ? path.resolve(env.cwd, args.out) : defaultOutDir(env.root, started)
    try {
      await writeReport(dir, outcomes, goals, meta)
    } catch (e) {
      io.stderr(`eval: could not write the report to ${dir}: ${message(e)}\n`)
      return 1
    }
    for (const g of goals) io.stderr(`[eval] goal ${g.goal.id}: ${g.status} — ${g.detail}\n`)
    const rel = path.relative(process.cwd(), dir)
    io.stdout((rel.length > 0 && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : dir) + "\n")
  }
  if (failed.length > 0) io.stderr(`[eval] failed: ${failed.map((o) => o.name).join(", ")}\n`)
  return failed.length > 0 ? 1 : 0
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2))
}
