/**
 * The command line of `npm run tune`:
 *
 * ```sh
 * npm run tune -- --suites locomo,conflicts,games --budget N --seed S [--quick] [--json] [--out DIR] [--data FILE] [--params LIST]
 * ```
 *
 * Flags as `--flag value` or `--flag=value`. `--suites` is a comma-separated list (each name
 * once, in the order given; default all three); `--budget` the number of objective evaluations
 * on train, the defaults' included (default {@link DEFAULT_BUDGET}, `--quick`
 * {@link QUICK_BUDGET}); `--seed` seeds the optimiser and derives the suites' train and
 * validation seeds (default 1); `--data` replaces the LoCoMo data file; `--out` names the report
 * folder (default `tune-report/<UTC timestamp>`).
 */

import { flagAt, integer } from "../args.ts"

/** The suites the tuner knows. */
export const SUITES = ["locomo", "conflicts", "games"] as const
export type SuiteName = (typeof SUITES)[number]

export interface Args {
  readonly suites: ReadonlyArray<SuiteName>
  readonly budget: number
  readonly seed: number
  readonly quick: boolean
  readonly json: boolean
  readonly out: string | undefined
  readonly data: string | undefined
  /** `--params`: search only these (each one of `Searched.FULL`); undefined: the default set. */
  readonly params: ReadonlyArray<string> | undefined
  readonly help: boolean
}

export const DEFAULT_SEED = 1
export const DEFAULT_BUDGET = 120
export const QUICK_BUDGET = 24

export const USAGE = `usage: npm run tune -- [--suites locomo,conflicts,games] [--budget N] [--seed S] [--quick] [--json] [--out DIR] [--data FILE] [--params LIST]

  --suites LIST  comma-separated suites to tune for (default: ${SUITES.join(",")})
  --budget N     objective evaluations on the train split, the defaults' included
                 (default ${DEFAULT_BUDGET}; with --quick ${QUICK_BUDGET})
  --seed S       seeds CMA-ES and derives the train / validation seeds (default ${DEFAULT_SEED})
  --quick        a couple of minutes: query-time parameters only, one train conversation, few cases and seeds
  --json         stdout: one JSON object per line, the last {"validation":{"defaults":…,"tuned":…},…}; progress on stderr
  --out DIR      the report folder (default tune-report/<UTC timestamp>)
  --data FILE    the LoCoMo data file (default ../shared/data/locomo-dev.json)
  --params LIST  search only these parameters (comma-separated names from eval/tune/Searched.ts FULL);
                 the others stay at their defaults
`

/**
 * Parses the arguments after `node eval/tune/run.ts`.
 * @throws Error on an unknown flag or suite, a missing value, a bad number, or an empty suite list.
 */
export const parseArgs = (argv: ReadonlyArray<string>): Args => {
  let suites: Array<SuiteName> = [...SUITES]
  let budget: number | undefined
  let seed = DEFAULT_SEED
  let quick = false
  let json = false
  let out: string | undefined
  let data: string | undefined
  let params: Array<string> | undefined
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    const { flag, value, noValue, end } = flagAt(argv, i)
    switch (flag) {
      case "--suites": {
        const names = value().split(",").map((s) => s.trim()).filter((s) => s.length > 0)
        if (names.length === 0) throw new Error("--suites needs at least one suite")
        const out: Array<SuiteName> = []
        for (const n of names) {
          if (!(SUITES as ReadonlyArray<string>).includes(n)) throw new Error(`--suites: unknown suite ${JSON.stringify(n)} (known: ${SUITES.join(", ")})`)
          if (!out.includes(n as SuiteName)) out.push(n as SuiteName)
        }
        suites = out
        break
      }
      case "--budget":
        budget = integer(flag, value(), 1)
        break
      case "--seed":
        seed = integer(flag, value())
        break
      case "--quick":
        noValue()
        quick = true
        break
      case "--json":
        noValue()
        json = true
        break
      case "--help":
      case "-h":
        noValue()
        help = true
        break
      case "--out":
        out = value()
        break
      case "--data":
        data = value()
        break
      case "--params": {
        const names = value().split(",").map((s) => s.trim()).filter((s) => s.length > 0)
        if (names.length === 0) throw new Error("--params needs at least one parameter")
        params = Array.from(new Set(names))
        break
      }
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)}`)
    }
    i = end()
  }
  return { suites, budget: budget ?? (quick ? QUICK_BUDGET : DEFAULT_BUDGET), seed, quick, json, out, data, params, help }
}
