/**
 * `npm run tune` — searches `Params` for the suites' objective by replaying recorded histories,
 * and writes the tuned record with its report.
 *
 * ```sh
 * npm run tune -- --suites locomo,conflicts,games --budget 150 --seed 1      # tune-report/<UTC timestamp>/
 * npm run tune -- --quick --json                                             # a couple of minutes; JSON lines
 * ```
 *
 * Steps: parse the command line (eval/tune/args.ts); record each suite's train and validation
 * histories once (eval/tune/Suites.ts; LoCoMo is skipped with a message when `../shared` is
 * absent); search with CMA-ES on train (eval/tune/Tuner.ts; objective eval/tune/Objective.ts,
 * space eval/tune/Searched.ts); score the defaults and the tuned record on validation; write
 * params.json, report.md, report.json and charts/objective.svg (eval/tune/report.ts).
 *
 * Measured on the 2-core development machine (shared with other work, so ±50%): `--quick` on the
 * three suites ≈ 1 min (24 evaluations, ≈ 2.1 s each: LoCoMo 0.5 s from the cached graph,
 * conflicts 0.03 s, quick games 1.6 s); a full run ≈ 5.5 s a train evaluation (LoCoMo 1.2 s for
 * conversations 1–4 replayed from their recordings, conflicts 0.1 s for 530 cases, games 4.2 s
 * for 2 seeds × 3 worlds), so budget 120 takes ≈ 11 min and 220 ≈ 20–25 min; recording takes
 * ≈ 3 s once.
 *
 * Output: progress on stderr (`[tune] …`); without `--json` stdout gets the folder's path and the
 * validation figures; with `--json` stdout gets one JSON object per line, the LAST one
 * `{"validation":{"defaults":<objective>,"tuned":<objective>}, …}`. Exit code 0, 1 when every
 * suite was skipped or the search failed, 2 on a bad command line.
 */
import { execFileSync } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs, USAGE } from "./args.ts"
import { jsonLines, type Meta, writeReport } from "./report.ts"
import * as Searched from "./Searched.ts"
import { record } from "./Suites.ts"
import { tune } from "./Tuner.ts"
import { REPO_ROOT, resolveSharedDir } from "../run.ts"

/** The default report folder: tune-report/<UTC timestamp> under the repository root. */
export const defaultOut = (now: Date = new Date()): string =>
  path.join(REPO_ROOT, "tune-report", now.toISOString().replace(/[:.]/g, "-"))

/** Tracked files with uncommitted changes (the run used the working tree, not only the commit). */
const gitDirty = (): Array<string> => {
  try {
    return execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n").map((l) => l.slice(3).trim()).filter((l) => l.length > 0)
  } catch {
    return []
  }
}

/** The short commit of HEAD (undefined outside a git checkout). */
export const gitCommit = (): string | undefined => {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim()
  } catch {
    return undefined
  }
}

/** Where the tuner writes. */
export interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/** Runs `npm run tune` with `argv`; resolves to the exit code. */
export const main = async (
  argv: ReadonlyArray<string>,
  io: Io,
  options: { readonly sharedDir: string | undefined } = { sharedDir: resolveSharedDir() }
): Promise<number> => {
  const sharedDir = options.sharedDir
  let args
  try {
    args = parseArgs(argv)
  } catch (e) {
    io.stderr(`${e instanceof Error ? e.message : String(e)}\n${USAGE}`)
    return 2
  }
  if (args.help) {
    io.stdout(USAGE)
    return 0
  }
  const t0 = performance.now()
  const dirty = gitDirty() // at the start: the code the run loads
  const log = (m: string): void => io.stderr(`[tune] ${m}\n`)
  const recorded = await record({ suites: args.suites, seed: args.seed, quick: args.quick, data: args.data, sharedDir, progress: log })
  if (recorded.suites.length === 0) {
    log("no suite left to tune for: " + recorded.skipped.map((s) => `${s.suite} (${s.reason})`).join("; "))
    return 1
  }
  const space = Searched.space(args.quick, args.params)
  log(`searching ${space.dimensions.length} parameters for ${recorded.suites.map((s) => s.name).join(", ")}: budget ${args.budget}, seed ${args.seed}`)
  let best = Infinity
  const result = tune({
    suites: recorded.suites,
    space,
    budget: args.budget,
    seed: args.seed,
    onEvaluation: (e, budget) => {
      if (e.objective < best) best = e.objective
      const secs = Object.values(e.seconds).reduce((a, b) => a + b, 0)
      const elapsed = (performance.now() - t0) / 1000
      log(`evaluation ${e.index + 1}/${budget}: objective ${Number.isFinite(e.objective) ? e.objective.toFixed(4) : "Infinity"}` +
        ` (best ${best.toFixed(4)})${e.cached ? " memo" : ` ${secs.toFixed(1)}s`}${e.error === undefined ? "" : ` error: ${e.error}`}; ${elapsed.toFixed(0)}s elapsed`)
    }
  })
  log(`validation: defaults ${result.validation.defaults.terms.total.toFixed(4)}, tuned ${result.validation.tuned.terms.total.toFixed(4)}`)
  const out = path.resolve(args.out ?? defaultOut())
  const meta: Meta = {
    command: ["npm run tune --", ...argv].join(" "),
    quick: args.quick,
    suites: recorded.suites.map((s) => ({ name: s.name, description: s.description })),
    skipped: recorded.skipped,
    recordSeconds: recorded.recordSeconds,
    totalSeconds: (performance.now() - t0) / 1000,
    gitCommit: gitCommit(),
    gitDirty: dirty
  }
  const written = await writeReport(out, result, meta)
  for (const w of written.warnings) log(`chart warning: ${w}`)
  log(`wrote ${written.files.join(", ")} to ${out}`)
  if (args.json) {
    for (const line of jsonLines(result, meta, out)) io.stdout(line + "\n")
  } else {
    io.stdout(`${out}\nvalidation objective: defaults ${result.validation.defaults.terms.total.toFixed(4)}, tuned ${result.validation.tuned.terms.total.toFixed(4)}\n`)
  }
  return 0
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const io: Io = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) }
  process.exitCode = await main(process.argv.slice(2), io)
}
