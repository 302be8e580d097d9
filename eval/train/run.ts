/**
 * `npm run train` — trains the memory controller with GRPO (eval/train/Train.ts) and writes the
 * policy file with its report.
 *
 * ```sh
 * npm run train -- --suite games --seed 1                 # train-report/<UTC timestamp>/policy.json, report.md, charts/
 * npm run train -- --suite games --seed 1 --quick --json  # under a minute; JSON lines, the last the held-out summary
 * npm run train -- --suite mcq --seed 1 --quick           # the multiple-choice QA suite's memory instead
 * ```
 *
 * Output: progress on stderr (`[train] …`); without `--json` stdout gets the folder's path and the
 * held-out recovery figures; with `--json` stdout gets one JSON object per line, the LAST one
 * `{"heldout":{"hand":{"recovery_steps":…,"score":…,…},"learned":{…},"none":…,"window":…,"rag":…},"goal":{…},…}`
 * (for `--suite mcq`: `hand`, `learned`, `base`, `rag`, `rag-bm25`, each with its `accuracy`).
 * The run is deterministic from `--seed` (the same policy and figures each time; only the
 * seconds differ). Load the policy with `mags … --policy FILE` (CLI, loop, server).
 * Exit code 0; 1 when `--suite locomo` finds no data file or GloVe table; 2 on a bad command line.
 */
import path from "node:path"
import { fileURLToPath } from "node:url"
import { existsSync } from "node:fs"
import { Effect } from "effect"
import * as GloveCache from "../../shell/embeddings/GloveCache.ts"
import * as Data from "../suites/locomo/Data.ts"
import { REPO_ROOT, resolveSharedDir } from "../run.ts"
import { gitCommit } from "../tune/run.ts"
import { parseArgs, USAGE } from "./args.ts"
import { jsonLines, type Meta, writeReport } from "./report.ts"
import { gamesTask } from "./Env.ts"
import { locomoTask } from "./Locomo.ts"
import { mcqTask } from "./Mcq.ts"
import { settingsFor, train } from "./Train.ts"

/** The default report folder: train-report/<UTC timestamp> under the repository root. */
export const defaultOut = (now: Date = new Date()): string =>
  path.join(REPO_ROOT, "train-report", now.toISOString().replace(/[:.]/g, "-"))

export interface Io {
  readonly stdout: (text: string) => void
  readonly stderr: (text: string) => void
}

/** Runs `npm run train` with `argv`; resolves to the exit code. */
export const main = async (argv: ReadonlyArray<string>, io: Io): Promise<number> => {
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
  const log = (m: string): void => io.stderr(`[train] ${m}\n`)
  const base = settingsFor(args.seed, args.quick, args.suite)
  const settings = args.iterations === undefined ? base : { ...base, iterations: args.iterations }
  log(`training the memory controller on ${args.suite} (seed ${args.seed}${args.quick ? ", quick" : ""}): ${settings.iterations} iterations`)
  let result
  if (args.suite === "games") result = await train(settings, gamesTask(settings), log)
  else if (args.suite === "mcq") result = await train(settings, await mcqTask(settings), log)
  else {
    const shared = resolveSharedDir()
    const file = shared === undefined ? undefined : path.join(shared, "data", "locomo-dev.json")
    if (file === undefined || !existsSync(file)) {
      io.stderr(`[train] locomo needs ${file ?? "../shared/data/locomo-dev.json"} beside the repository; it is absent\n`)
      return 1
    }
    const table = await Effect.runPromise(GloveCache.loadOrBuild().pipe(Effect.map((r) => r.table), Effect.catch(() => Effect.succeed(undefined))))
    if (table === undefined) {
      io.stderr("[train] locomo needs the GloVe table, which could not be loaded\n")
      return 1
    }
    log("locomo: recording the conversations (extraction and embeddings, once)")
    result = await train(settings, locomoTask(settings, await Data.loadFile(file), table), log)
  }
  const out = path.resolve(args.out ?? defaultOut())
  const meta: Meta = { command: ["npm run train --", ...argv].join(" "), suite: args.suite, seconds: (performance.now() - t0) / 1000, gitCommit: gitCommit() }
  const written = await writeReport(out, result, meta)
  for (const w of written.warnings) log(`chart warning: ${w}`)
  log(`wrote ${written.files.join(", ")} to ${out}`)
  if (args.json) {
    for (const line of jsonLines(result, meta, out)) io.stdout(line + "\n")
  } else {
    const h = result.heldout
    const metric = args.suite === "games" ? "recovery_steps" : args.suite === "mcq" ? "accuracy" : "recall@10"
    io.stdout(`${out}\nheld-out ${metric}: ${Object.keys(h).map((a) => `${a} ${h[a]![metric]!.toFixed(3)}`).join(", ")}; goal ${result.goal.met ? "met" : "missed"}\n`)
  }
  return 0
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const io: Io = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) }
  process.exitCode = await main(process.argv.slice(2), io)
}
